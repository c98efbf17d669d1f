"""The store as the faces may use it (数据库会话): a session per request or command, the
pool's size, the schema brought up to date. Only services touch the models; the faces
(API, web pages, command line) get their sessions here."""

from __future__ import annotations

from renshe.store.db import database_url, pool_capacity, session, session_factory
from renshe.store.migrate import upgrade

__all__ = ["database_url", "pool_capacity", "session", "session_factory", "upgrade"]
