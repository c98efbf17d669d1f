"""Database connection: ``RENSHE_DATABASE_URL`` (SQLite file by default)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_PATH = Path("var") / "renshe.db"


def database_url() -> str:
    url = os.environ.get("RENSHE_DATABASE_URL")
    if url:
        return url
    DEFAULT_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_PATH}"


#: Connections held open (QueuePool ``pool_size``). Requests wait for one of them in
#: the event loop (renshe.http.limits), so this is also how many requests do database
#: work at once; 10 keeps a 2-core machine busy without queueing inside PostgreSQL.
POOL_SIZE = 10
#: Extra connections opened under a burst and closed when idle (``max_overflow``).
POOL_OVERFLOW = 5
#: Seconds to wait for a connection before giving up (``pool_timeout``). A request
#: only asks after it got a slot sized to the pool, so a wait here means something
#: else holds connections: fail fast (503, Retry-After) instead of stalling 30 s.
POOL_TIMEOUT_S = 5.0
#: SQLite: milliseconds a writer waits for another writer's lock (``busy_timeout``)
#: before "database is locked". Writers take turns; at 500 concurrent submissions
#: on 2 cores the queue of writers drains in seconds, so 30 s is ample headroom.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _setting(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def pool_settings() -> dict[str, float]:
    """``RENSHE_DB_POOL_SIZE``, ``RENSHE_DB_POOL_OVERFLOW``, ``RENSHE_DB_POOL_TIMEOUT``
    (seconds) or the defaults above."""
    return {
        "pool_size": int(_setting("RENSHE_DB_POOL_SIZE", POOL_SIZE)),
        "max_overflow": int(_setting("RENSHE_DB_POOL_OVERFLOW", POOL_OVERFLOW)),
        "pool_timeout": _setting("RENSHE_DB_POOL_TIMEOUT", POOL_TIMEOUT_S),
    }


def pool_capacity() -> int:
    """How many connections the pool can hand out at once."""
    p = pool_settings()
    return int(p["pool_size"] + p["max_overflow"])


@cache
def engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        eng = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            hide_parameters=True,
            **pool_settings(),
        )  # no values in SQL errors (logs)

        @event.listens_for(eng, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_MS)}")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return eng
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, **pool_settings())


@cache
def _factory(url: str | None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine(url), expire_on_commit=False)


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    return _factory(url)


@contextmanager
def session(url: str | None = None) -> Iterator[Session]:
    """A unit of work: commits on success, rolls back on error."""
    s = _factory(url)()
    try:
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise
    finally:
        s.close()
