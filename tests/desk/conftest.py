"""Service-desk fixtures: a fresh database per module (SQLite by default;
RENSHE_TEST_DATABASE_URL runs the same tests on PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from renshe.domain.identifiers import id_check_char
from renshe.services.demo import DEMO_PASSWORD
from renshe.store.db import session
from renshe.store.models import User

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("RENSHE_TEST_DATABASE_URL") else [])


def fresh_url(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'renshe.db'}"
    base = os.environ["RENSHE_TEST_DATABASE_URL"]
    name = f"renshe_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    """Drop a database fresh_url made on PostgreSQL (its connections closed first), so runs leave none behind."""
    if not url.startswith("postgresql"):
        return
    base, name = os.environ["RENSHE_TEST_DATABASE_URL"], url.rsplit("/", 1)[1]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module", params=DATABASES)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from renshe.store import db

    url = fresh_url(request.param, tmp_path_factory.mktemp("db"))
    previous = os.environ.get("RENSHE_DATABASE_URL")
    os.environ["RENSHE_DATABASE_URL"] = url
    db.engine.cache_clear()
    db._factory.cache_clear()
    yield url
    db.engine().dispose()
    db.engine.cache_clear()
    db._factory.cache_clear()
    drop_database(url)
    if previous is None:
        os.environ.pop("RENSHE_DATABASE_URL", None)
    else:
        os.environ["RENSHE_DATABASE_URL"] = previous


@pytest.fixture(scope="module")
def client(database: str) -> Iterator[TestClient]:
    from renshe.app import create_app

    with TestClient(create_app(migrate=True, demo=True)) as c:
        yield c


def login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/login", json={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


@pytest.fixture(scope="module")
def tokens(client: TestClient) -> dict[str, dict[str, str]]:
    return {
        u: login(client, u)
        for u in (
            "qiye",
            "xinmi_qiye",
            "jigou",
            "geren",
            "jingban",
            "xinmi_jingban",
            "caiwu",
            "xinmi_caiwu",
            "shenji",
            "admin",
        )
    }


def example(name: str) -> dict[str, Any]:
    import json

    from tests.conftest import EXAMPLES

    return dict(json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))["case"])


# ----------------------------------------------------------------- helpers of the programme desks' tests


@pytest.fixture
def s(client: TestClient) -> Iterator[Session]:
    """A unit of work on the module's database, committed at the end of the test."""
    with session() as db:
        yield db


def user(s: Session, name: str) -> User:
    return s.execute(select(User).where(User.username == name)).scalar_one()


def count(s: Session, model: Any) -> int:
    return s.execute(select(func.count()).select_from(model)).scalar_one()


def valid_id(prefix: str, birth: str, seq: str) -> str:
    """A resident ID number with its check character (GB 11643-1999)."""
    body = prefix + birth + seq
    return body + id_check_char(body)
