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


@cache
def engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        eng = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(eng, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return eng
    return create_engine(url, pool_pre_ping=True)


@cache
def _factory(url: str | None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine(url), expire_on_commit=False)


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
