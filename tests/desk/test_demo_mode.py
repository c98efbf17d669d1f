"""The demo users and their shared password exist only in demo mode (`renshe serve --demo`)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from renshe.services.demo import DEMO_PASSWORD, DEMO_USERS
from renshe.services.security import password_problems
from renshe.store.db import session
from renshe.store.models import User


def test_no_demo_users_outside_demo_mode(database: str) -> None:
    from renshe.app import create_app

    with TestClient(create_app(migrate=True, demo=False)) as client:
        r = client.post("/api/v1/login", json={"username": "admin", "password": DEMO_PASSWORD})
        assert r.status_code == 401
    with session() as s:
        names = [u["username"] for u in DEMO_USERS]
        assert s.execute(select(func.count()).select_from(User).where(User.username.in_(names))).scalar() == 0
        assert s.execute(select(func.count()).select_from(User)).scalar() == 0


def test_demo_mode_creates_them(database: str) -> None:
    from renshe.app import create_app

    with TestClient(create_app(migrate=True, demo=True)) as client:
        r = client.post("/api/v1/login", json={"username": "admin", "password": DEMO_PASSWORD})
        assert r.status_code == 200


def test_demo_password_would_not_pass_the_policy() -> None:
    """An administrator could not give a real account the published demo password."""
    assert password_problems(DEMO_PASSWORD, "admin")
