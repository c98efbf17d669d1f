"""Concurrency that holds: more concurrent requests than the pool has connections
wait their turn instead of failing; a pool that stays full answers 503 with
Retry-After; SQLite runs in WAL mode with a busy timeout."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from renshe.services.demo import DEMO_PASSWORD
from tests.conftest import ROOT
from tests.desk.conftest import DATABASES

#: a pool far smaller than the load, so that the load must queue for it
TINY_POOL = {"RENSHE_DB_POOL_SIZE": "2", "RENSHE_DB_POOL_OVERFLOW": "1"}
SUBMISSIONS = 60


@pytest.mark.parametrize("kind", DATABASES)
def test_more_concurrent_submissions_than_the_pool_holds(kind: str) -> None:
    """60 concurrent submissions against a real server whose pool holds 3: every one
    acknowledged on its first attempt (no 5xx, not even a 503), each stored once."""
    args = [sys.executable, str(ROOT / "benchmarks" / "desk_load.py"), "--n", str(SUBMISSIONS)]
    if kind == "postgresql":
        args += ["--database-url", os.environ["RENSHE_TEST_DATABASE_URL"]]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=900, env={**os.environ, **TINY_POOL})
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["submissions"]["codes"] == {"201": SUBMISSIONS}, result["submissions"]
    assert result["reads"]["codes"] == {"200": SUBMISSIONS}, result["reads"]
    assert result["acknowledged"] == result["present"] == SUBMISSIONS
    assert result["lost"] == 0 and result["duplicates"] == 0
    assert proc.returncode == 0, proc.stdout[-2000:]


@pytest.fixture()
def tiny_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """An app whose pool holds one connection, gives up on it after 1.5 s, and lets
    a request queue for its slot 0.5 s (SQLite: the pool is in this process)."""
    from renshe.app import create_app
    from renshe.store import db

    monkeypatch.setenv("RENSHE_DATABASE_URL", f"sqlite:///{tmp_path / 'renshe.db'}")
    monkeypatch.setenv("RENSHE_DB_POOL_SIZE", "1")
    monkeypatch.setenv("RENSHE_DB_POOL_OVERFLOW", "0")
    monkeypatch.setenv("RENSHE_DB_POOL_TIMEOUT", "1.5")
    monkeypatch.setenv("RENSHE_DB_QUEUE_TIMEOUT", "0.5")
    db.engine.cache_clear()
    db._factory.cache_clear()
    try:
        with TestClient(create_app(migrate=True, demo=True)) as c:
            yield c
    finally:
        db.engine.cache_clear()
        db._factory.cache_clear()


def test_a_full_pool_answers_503_with_retry_after(tiny_server: TestClient) -> None:
    from renshe.store import db

    token = tiny_server.post("/api/v1/login", json={"username": "geren", "password": DEMO_PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    answers: dict[str, object] = {}

    def get(name: str) -> None:
        t0 = time.perf_counter()
        answers[name] = (tiny_server.get("/api/v1/applications", headers=headers), time.perf_counter() - t0)

    held = db.session_factory().kw["bind"].connect()  # something else holds the pool's only connection
    held.execute(text("SELECT 1"))
    try:
        first = threading.Thread(target=get, args=("has_slot",))
        first.start()
        time.sleep(0.2)  # the first request has the slot and waits for the connection
        second = threading.Thread(target=get, args=("queued",))
        second.start()
        first.join(10)
        second.join(10)
    finally:
        held.close()
    # queued: turned away after the 0.5 s queue wait, before the pool's 1.5 s; has_slot: after the pool's 1.5 s
    for name, waited, by in (("queued", 0.5, 1.4), ("has_slot", 1.5, 4.5)):
        r, seconds = answers[name]  # type: ignore[misc]
        assert r.status_code == 503, (name, r.status_code, r.text)
        assert r.headers["retry-after"].isdigit() and int(r.headers["retry-after"]) > 0
        assert "数据库连接已满" in r.json()["detail"] and "重试" in r.json()["detail"]
        assert waited <= seconds < by, (name, seconds)  # told promptly, not after 30 s
    # the connection is back: the same request now succeeds
    assert tiny_server.get("/api/v1/applications", headers=headers).status_code == 200


def test_sqlite_runs_in_wal_with_a_busy_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from renshe.store import db

    path = tmp_path / "renshe.db"
    monkeypatch.setenv("RENSHE_DATABASE_URL", f"sqlite:///{path}")
    db.engine.cache_clear()
    try:
        with db.engine().connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == db.SQLITE_BUSY_TIMEOUT_MS
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.commit()
        # another writer holds the write lock for a moment: ours waits for it, not "database is locked"
        other = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES (1)")
        release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
        release.start()
        t0 = time.perf_counter()
        with db.engine().begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
        assert time.perf_counter() - t0 >= 0.4
        release.join()
        other.close()
        with db.engine().connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
    finally:
        db.engine().dispose()
        db.engine.cache_clear()
