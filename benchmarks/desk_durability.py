"""Durability under load: N concurrent applications, the server killed (-9) in the
middle and restarted; every acknowledged application must be present once.

    python benchmarks/desk_durability.py --submissions 200 --concurrency 50 [--database-url URL]

Clients behave as a real client would: a submission that got no answer is sent
again with the same Idempotency-Key. Prints a summary and, as its last line, one
JSON object: submissions, acknowledged, present, duplicates, lost, seconds, ok.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import PASSWORD, free_port, start, wait_up

ROOT = Path(__file__).resolve().parents[1]
CASE = json.loads(
    (ROOT / "src" / "renshe" / "web" / "demo_cases" / "06_beijing_frontline_nurse.json").read_text(encoding="utf-8")
)["case"]


async def run(submissions: int, concurrency: int, database_url: str | None) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="renshe-durability-"))
    url_db = database_url or f"sqlite:///{folder / 'renshe.db'}"
    env = {**os.environ, "RENSHE_DATABASE_URL": url_db}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "server.log"
    server = start(port, env, log)
    await wait_up(url)
    async with httpx.AsyncClient(base_url=url, timeout=60) as c:
        token = (await c.post("/api/v1/login", json={"username": "geren", "password": PASSWORD})).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    acknowledged: dict[str, str] = {}
    sent = 0
    restarted = asyncio.Event()
    semaphore = asyncio.Semaphore(concurrency)
    started = time.perf_counter()

    async def submit(i: int, client: httpx.AsyncClient) -> None:
        nonlocal sent
        key = f"load-{i:05d}"
        body = {"policy": "beijing.frontline_allowance_2020", "case": CASE, "bank_account": "6222020200012340000"}
        for _ in range(200):
            async with semaphore:
                try:
                    sent += 1
                    r = await client.post(
                        "/api/v1/applications", json=body, headers={**headers, "Idempotency-Key": key}
                    )
                    if r.status_code in (200, 201):
                        acknowledged[key] = r.json()["number"]
                        return
                except httpx.HTTPError:
                    pass
            await asyncio.sleep(0.3)
        raise RuntimeError(f"{key} never acknowledged")

    async def killer() -> None:
        nonlocal server
        while len(acknowledged) < submissions // 3:
            await asyncio.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        server = start(port, env, log)
        await wait_up(url)
        restarted.set()

    async with httpx.AsyncClient(base_url=url, timeout=60, limits=httpx.Limits(max_connections=concurrency)) as client:
        await asyncio.gather(killer(), *[submit(i, client) for i in range(submissions)])
    seconds = time.perf_counter() - started
    os.killpg(server.pid, signal.SIGTERM)
    server.wait()
    engine = create_engine(url_db)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT idempotency_key, number FROM applications WHERE idempotency_key LIKE 'load-%'")
        )
        stored: dict[str, list[str]] = {}
        for key, number in rows:
            stored.setdefault(key, []).append(number)
    engine.dispose()
    duplicates = sum(len(v) - 1 for v in stored.values() if len(v) > 1)
    lost = [k for k, n in acknowledged.items() if n not in stored.get(k, [])]
    return {
        "submissions": submissions,
        "acknowledged": len(acknowledged),
        "present": len(stored),
        "duplicates": duplicates,
        "lost": len(lost),
        "requests_sent": sent,
        "restarted": restarted.is_set(),
        "seconds": round(seconds, 2),
        "ok": restarted.is_set() and not lost and duplicates == 0 and len(acknowledged) == submissions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    result = asyncio.run(run(args.submissions, args.concurrency, args.database_url))
    print(
        f"{result['acknowledged']}/{result['submissions']} acknowledged, {result['present']} stored, "
        f"{result['duplicates']} duplicated, {result['lost']} lost, server killed and restarted: "
        f"{result['restarted']}, {result['seconds']} s"
    )
    print(json.dumps(result))
    raise SystemExit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
