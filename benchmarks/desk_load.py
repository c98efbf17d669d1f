"""Service desk under load: N concurrent submissions, then N concurrent list reads,
against a real ``renshe serve``; then nothing acknowledged may be lost.

    python benchmarks/desk_load.py [--n 500] [--database-url URL] [--kill]

Starts ``renshe serve --demo`` on a free port with its own store: a fresh SQLite
file, or, with ``--database-url postgresql+psycopg://…/db``, a fresh database
created on that server (and dropped afterwards). All N submissions are sent at
once, each on its own connection, as N clients would; so are the N reads of
``GET /api/v1/applications``.

A client behaves as a real one would: a 503 is retried after its ``Retry-After``,
and a submission that got no answer (connection refused or reset) is sent again
with the same ``Idempotency-Key``. Every attempt is counted by status code and
timed; p50/p95 are over first attempts (what a user waits for one request) and
over end-to-end acknowledgement.

``--kill`` kill -9s the server once a third of the submissions are acknowledged
and restarts it; the clients keep retrying.

At the end the store is read directly: every acknowledged submission must be
present under its number, and no Idempotency-Key stored twice. The last line is
one JSON object; the exit code is 0 only if every submission was acknowledged,
nothing was lost or duplicated and no attempt got a 5xx other than a 503 with
Retry-After (or, with --kill, a dropped connection).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import PASSWORD, SERVERS, free_port, start, wait_up

ROOT = Path(__file__).resolve().parents[1]
CASE = json.loads(
    (ROOT / "src" / "renshe" / "web" / "demo_cases" / "06_beijing_frontline_nurse.json").read_text(encoding="utf-8")
)["case"]
POLICY = "beijing.frontline_allowance_2020"
#: a client gives up on one attempt after this long (a browser or proxy would too)
CLIENT_TIMEOUT_S = 120.0
#: a client gives up on a submission altogether after this long
GIVE_UP_S = 600.0


def fresh_database(base: str | None, folder: Path) -> tuple[str, str | None]:
    """(url of an empty store, name of the PostgreSQL database to drop afterwards)."""
    if not base:
        return f"sqlite:///{folder / 'renshe.db'}", None
    if base.startswith("sqlite"):
        return base, None
    name = f"renshe_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name, name


def drop_database(base: str, name: str) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50_ms": None, "p95_ms": None, "max_ms": None}
    if len(values) == 1:
        return {
            "p50_ms": round(values[0] * 1000, 1),
            "p95_ms": round(values[0] * 1000, 1),
            "max_ms": round(values[0] * 1000, 1),
        }
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50_ms": round(q[49] * 1000, 1), "p95_ms": round(q[94] * 1000, 1), "max_ms": round(max(values) * 1000, 1)}


class Phase:
    """Status codes and latencies of every attempt of one kind of request."""

    def __init__(self) -> None:
        self.codes: Counter[str] = Counter()
        self.first: list[float] = []  # first attempt of each request
        self.end_to_end: list[float] = []  # first send to a 2xx
        self.retries = 0
        self.bad: list[str] = []  # 5xx other than 503 + Retry-After, or 4xx

    def summary(self) -> dict[str, Any]:
        return {
            "codes": dict(sorted(self.codes.items())),
            "retries": self.retries,
            "first_attempt": percentiles(self.first),
            "end_to_end": percentiles(self.end_to_end),
            "unexpected": self.bad[:5],
            "unexpected_total": len(self.bad),
        }


async def attempt_loop(phase: Phase, send: Any, ok: Any, killing: bool) -> Any:
    """Send until a 2xx: 503 waits Retry-After, a dropped connection waits a moment
    (only expected while the server is killed); anything else is recorded as bad."""
    began = time.perf_counter()
    first = True
    while time.perf_counter() - began < GIVE_UP_S:
        t0 = time.perf_counter()
        try:
            r = await send()
        except httpx.HTTPError as exc:
            phase.codes[type(exc).__name__] += 1
            if not killing:
                phase.bad.append(f"{type(exc).__name__}: {exc}")
            if first:
                phase.first.append(time.perf_counter() - t0)
                first = False
            phase.retries += 1
            await asyncio.sleep(0.3)
            continue
        elapsed = time.perf_counter() - t0
        if first:
            phase.first.append(elapsed)
            first = False
        phase.codes[str(r.status_code)] += 1
        if 200 <= r.status_code < 300:
            phase.end_to_end.append(time.perf_counter() - began)
            return ok(r)
        if r.status_code == 503 and r.headers.get("retry-after"):
            phase.retries += 1
            await asyncio.sleep(float(r.headers["retry-after"]))
            continue
        phase.bad.append(f"{r.status_code}: {r.text[:200]}")
        return None
    phase.bad.append("gave up")
    return None


async def run(n: int, database_url: str | None, kill: bool) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="renshe-load-"))
    url_db, dropped = fresh_database(database_url, folder)
    env = {**os.environ, "RENSHE_DATABASE_URL": url_db}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "server.log"
    server = start(port, env, log)
    await wait_up(url)
    async with httpx.AsyncClient(base_url=url, timeout=60) as c:
        token = (await c.post("/api/v1/login", json={"username": "geren", "password": PASSWORD})).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    run_id = uuid.uuid4().hex[:8]
    acknowledged: dict[str, str] = {}
    writes, reads = Phase(), Phase()
    restarted = asyncio.Event()
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)

    async def submit(i: int, client: httpx.AsyncClient) -> None:
        key = f"load-{run_id}-{i:05d}"
        body = {"policy": POLICY, "case": CASE, "bank_account": "6222020200012340000"}

        def send() -> Any:
            return client.post("/api/v1/applications", json=body, headers={**headers, "Idempotency-Key": key})

        number = await attempt_loop(writes, send, lambda r: r.json()["number"], kill)
        if number:
            acknowledged[key] = number

    async def read(client: httpx.AsyncClient) -> None:
        await attempt_loop(
            reads, lambda: client.get("/api/v1/applications", headers=headers), lambda r: r.status_code, kill
        )

    async def killer() -> None:
        nonlocal server
        while len(acknowledged) < n // 3:
            await asyncio.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        server = start(port, env, log)
        await wait_up(url)
        restarted.set()

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, timeout=CLIENT_TIMEOUT_S, limits=limits) as client:
        await asyncio.gather(*([killer()] if kill else []), *[submit(i, client) for i in range(n)])
        write_seconds = time.perf_counter() - started
    # new connections for the reads, as new clients would open (the server closes
    # idle kept-alive ones after 5 s; reusing one as it closes is a client's race)
    async with httpx.AsyncClient(base_url=url, timeout=CLIENT_TIMEOUT_S, limits=limits) as client:
        read_started = time.perf_counter()
        await asyncio.gather(*[read(client) for _ in range(n)])
        read_seconds = time.perf_counter() - read_started
    os.killpg(server.pid, signal.SIGTERM)
    server.wait()
    engine = create_engine(url_db)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT idempotency_key, number FROM applications WHERE idempotency_key LIKE :p"),
            {"p": f"load-{run_id}-%"},
        )
        stored: dict[str, list[str]] = {}
        for key, number in rows:
            stored.setdefault(key, []).append(number)
    engine.dispose()
    if dropped and database_url:
        drop_database(database_url, dropped)
    duplicates = sum(len(v) - 1 for v in stored.values() if len(v) > 1)
    lost = [k for k, number in acknowledged.items() if number not in stored.get(k, [])]
    five_xx = sum(v for k, v in writes.codes.items() if k.isdigit() and k.startswith("5") and k != "503") + sum(
        v for k, v in reads.codes.items() if k.isdigit() and k.startswith("5") and k != "503"
    )
    ok = (
        len(acknowledged) == n
        and not lost
        and duplicates == 0
        and five_xx == 0
        and not writes.bad
        and not reads.bad
        and (restarted.is_set() or not kill)
    )
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "database": "postgresql" if url_db.startswith("postgresql") else "sqlite",
        "n": n,
        "kill": kill,
        "restarted": restarted.is_set(),
        "machine": {"nproc": os.cpu_count(), "loadavg_before_after": None},
        "submissions": {**writes.summary(), "seconds": round(write_seconds, 2)},
        "reads": {**reads.summary(), "seconds": round(read_seconds, 2)},
        "acknowledged": len(acknowledged),
        "present": len(stored),
        "duplicates": duplicates,
        "lost": len(lost),
        "server_errors": five_xx,
        "ok": ok,
    }


async def run_and_stop(n: int, database_url: str | None, kill: bool) -> dict[str, Any]:
    """run(), and no server left behind if the client fails half-way."""
    try:
        return await run(n, database_url, kill)
    finally:
        for pid in SERVERS:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="concurrent submissions, then concurrent reads")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server (a fresh database is made on it)")
    parser.add_argument("--kill", action="store_true", help="kill -9 the server mid-load and restart it")
    args = parser.parse_args()
    load_before = os.getloadavg()
    result = asyncio.run(run_and_stop(args.n, args.database_url, args.kill))
    result["machine"]["loadavg_before_after"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    w, r = result["submissions"], result["reads"]
    print(f"{result['database']}, {args.n} concurrent{' (server killed -9 and restarted)' if args.kill else ''}:")
    print(
        f"  submissions: {w['codes']}, retries {w['retries']}, first attempt p50 {w['first_attempt']['p50_ms']} ms "
        f"p95 {w['first_attempt']['p95_ms']} ms, all acknowledged in {w['seconds']} s"
    )
    print(
        f"  list reads:  {r['codes']}, retries {r['retries']}, first attempt p50 {r['first_attempt']['p50_ms']} ms "
        f"p95 {r['first_attempt']['p95_ms']} ms, all answered in {r['seconds']} s"
    )
    print(
        f"  {result['acknowledged']}/{args.n} acknowledged, {result['present']} stored, {result['duplicates']} "
        f"duplicated, {result['lost']} lost, {result['server_errors']} server errors (5xx other than 503)"
    )
    print(json.dumps(result, ensure_ascii=False))
    raise SystemExit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
