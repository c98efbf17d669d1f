"""A real `renshe serve --demo` on a fresh database of either kind (SQLite in a temporary
folder; PostgreSQL when RENSHE_TEST_DATABASE_URL is set), and the helpers the desk tests
use to drive it: API sign-in, an application taken up to 「公示无异议待拨付」, and moving a
notice window into the past in the database (the calendar cannot be waited for)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from renshe.services.demo import DEMO_PASSWORD
from tests.conftest import demo_server
from tests.desk.conftest import drop_database, fresh_url


@contextmanager
def real_server(kind: str, folder: Path) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of a running demo server; stopped afterwards."""
    database = fresh_url(kind, folder)
    try:
        with demo_server(folder, database) as url:
            yield url, database
    finally:
        drop_database(database)


def token(url: str, username: str) -> dict[str, str]:
    r = httpx.post(url + "/api/v1/login", json={"username": username, "password": DEMO_PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def submit(url: str, who: dict[str, str], policy: str, case: dict[str, Any], account: str, key: str) -> str:
    r = httpx.post(
        url + "/api/v1/applications",
        json={"policy": policy, "case": case, "bank_account": account},
        headers={**who, "Idempotency-Key": key},
        timeout=60,
    )
    assert r.status_code in (200, 201), r.text
    return str(r.json()["number"])


def expire_notices(database: str) -> None:
    """Every open notice window as if published a month ago (its working days all passed)."""
    today = dt.date.today()
    engine = create_engine(database)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE notice_batches SET published_on = :p, closes_on = :c WHERE closed_on IS NULL"),
            {"p": today - dt.timedelta(days=40), "c": today - dt.timedelta(days=30)},
        )
    engine.dispose()


def clear(url: str, database: str, numbers: list[str], caseworker: dict[str, str]) -> None:
    """Approve, publish, let the window pass and read the notices (which closes it): cleared."""
    for n in numbers:
        r = httpx.post(
            f"{url}/api/v1/applications/{n}/review", json={"action": "approve"}, headers=caseworker, timeout=60
        )
        assert r.status_code == 200, r.text
    r = httpx.post(
        url + "/api/v1/notices",
        json={"applications": numbers, "title": "拟拨付名单公示"},
        headers=caseworker,
        timeout=60,
    )
    assert r.status_code == 201, r.text
    expire_notices(database)
    assert httpx.get(url + "/api/v1/notices", timeout=60).status_code == 200
    for n in numbers:
        status = httpx.get(f"{url}/api/v1/applications/{n}", headers=caseworker, timeout=60).json()["status"]
        assert status == "cleared", (n, status)
