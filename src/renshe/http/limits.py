"""Database work sized to its pool (数据库并发限流).

FastAPI runs every sync dependency and endpoint in anyio's default thread limiter
(40 threads). Before this module a request took a thread, then blocked that
thread waiting up to 30 s for one of the 15 pooled connections, while the
requests that held the connections waited for a thread to run their endpoint:
the two pools starved each other (45 concurrent submissions → 28 × 500; 200 →
nothing answered in 45 s).

Now a request waits for a *database slot* in the event loop, holding no thread
and no connection; there are exactly as many slots as the pool has connections,
so a request that has its slot always gets a connection at once and (slots ≤
threads) a thread soon after. Commit, rollback and close run on a thread limiter
of their own, like FastAPI's ``contextmanager_in_threadpool`` exit, so releasing a
connection never waits behind requests that want one.

A request that cannot get a slot within ``queue_timeout()`` seconds, or a
connection within the pool timeout, is answered 503 with ``Retry-After`` (the
API's error shape, ``{"detail": ...}``) instead of a 500: the server is busy, the
request did nothing, and the client may safely send it again.
"""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import AsyncIterator

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from renshe.services.database import pool_capacity, session_factory

#: Seconds a request may wait in the queue for a database slot before it is told
#: to come back (503). Long enough that a burst of 500 submissions or 500 list
#: reads on a 2-core machine drains without a 503 (benchmarks/desk_load.py: the
#: last of 500 reads waits ~40 s on a busy machine), short enough that a client
#: behind a proxy with the usual 60 s read timeout still gets our answer.
QUEUE_TIMEOUT_S = 55.0
#: What ``Retry-After`` tells a client turned away: the pool turns over in well
#: under a second per request, so a few seconds spreads the retries.
RETRY_AFTER_S = 2
BUSY_MESSAGE = "服务繁忙：数据库连接已满，请求未处理，请在 Retry-After 秒后重试"


def queue_timeout() -> float:
    """``RENSHE_DB_QUEUE_TIMEOUT`` (seconds) or QUEUE_TIMEOUT_S."""
    value = os.environ.get("RENSHE_DB_QUEUE_TIMEOUT")
    return float(value) if value else QUEUE_TIMEOUT_S


class DatabaseBusy(Exception):
    """No database slot became free in time."""


class DatabaseSlots:
    """An asyncio semaphore with one permit per pooled connection, made lazily in the
    running event loop (a test client runs its app in a loop of its own)."""

    def __init__(self) -> None:
        self._semaphore: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.size = 0

    def semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._loop is not loop:
            self.size = pool_capacity()
            self._semaphore = asyncio.Semaphore(self.size)
            self._loop = loop
        return self._semaphore


#: commit/rollback/close hand a connection back: never queue them behind requests
#: that are waiting for one (FastAPI does the same for dependency exits)
_release_limiter: anyio.CapacityLimiter | None = None


def _releaser() -> anyio.CapacityLimiter:
    global _release_limiter
    if _release_limiter is None:
        _release_limiter = anyio.CapacityLimiter(math.inf)
    return _release_limiter


async def database_session(request: Request) -> AsyncIterator[Session]:
    """The unit of work of one request: waits for a slot, commits on success, rolls
    back on error, and gives the slot back when the endpoint is done."""
    slots: DatabaseSlots = request.app.state.db_slots
    semaphore = slots.semaphore()
    try:
        async with asyncio.timeout(queue_timeout()):
            await semaphore.acquire()
    except TimeoutError:
        raise DatabaseBusy from None
    try:
        s = session_factory()()
        try:
            yield s
            await anyio.to_thread.run_sync(s.commit, limiter=_releaser())
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(s.rollback, limiter=_releaser())
            raise
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(s.close, limiter=_releaser())
    finally:
        semaphore.release()


def busy_response() -> JSONResponse:
    return JSONResponse(status_code=503, content={"detail": BUSY_MESSAGE}, headers={"Retry-After": str(RETRY_AFTER_S)})


def install(app: FastAPI) -> None:
    """Give the app its database slots and answer a full pool with 503 + Retry-After."""
    app.state.db_slots = DatabaseSlots()

    @app.exception_handler(DatabaseBusy)
    async def database_busy(request: Request, exc: DatabaseBusy) -> JSONResponse:
        return busy_response()

    @app.exception_handler(PoolTimeout)
    async def pool_timeout(request: Request, exc: PoolTimeout) -> JSONResponse:
        return busy_response()
