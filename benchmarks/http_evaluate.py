"""Single-case evaluate over HTTP: latency percentiles and throughput.

    python benchmarks/http_evaluate.py --requests 600 --concurrency 8 [--workers 2]
        [--example 01_beijing_medium_software] [--distinct 20]

Starts `renshe serve` on a free port (its own SQLite file), warms it up, then
sends the requests from kept-alive connections of a bare asyncio HTTP client,
cycling through ``--distinct`` variants of the example; checks that every answer
equals evaluating that case alone, and prints p50 / p95 / p99 and requests per
second; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
RENSHE = Path(sys.executable).with_name("renshe")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def variants(case: dict[str, Any], n: int) -> list[dict[str, Any]]:
    """``n`` different cases from one example (other head counts and fees), so that
    evaluating concurrent requests together is checked on distinct answers."""
    out = []
    for i in range(n):
        v = copy.deepcopy(case)
        for entity in ("enterprise", "person"):
            facts = v.get(entity)
            if not facts:
                continue
            if isinstance(facts.get("employees"), int):
                facts["employees"] += i
            for row in facts.get("contributions") or []:
                row["employer_due"] = round(row["employer_due"] * (1 + i / 100), 2)
                row["employer_paid"] = round(row["employer_paid"] * (1 + i / 100), 2)
        out.append(v)
    return out


async def post(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    """One request on a kept-alive connection; (status, body). A bare HTTP/1.1
    client, so that the load generator costs little CPU beside the server."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(int(v) for k, _, v in (line.partition(":") for line in lines[1:]) if k.lower() == "content-length")
    return status, await reader.readexactly(length)


def request_bytes(port: int, case: dict[str, Any]) -> bytes:
    body = json.dumps(case, ensure_ascii=False).encode()
    return (
        f"POST /api/v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def main_async(requests: int, concurrency: int, example: str, distinct: int, workers: int) -> dict[str, Any]:
    case = json.loads((ROOT / "src" / "renshe" / "web" / "demo_cases" / f"{example}.json").read_text(encoding="utf-8"))[
        "case"
    ]
    cases = variants(case, distinct)
    folder = Path(tempfile.mkdtemp(prefix="renshe-http-"))
    port = free_port()
    env = {**os.environ, "RENSHE_DATABASE_URL": f"sqlite:///{folder / 'renshe.db'}"}
    server = subprocess.Popen(
        [str(RENSHE), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    payloads = [request_bytes(port, c) for c in cases]
    answers: dict[int, set[bytes]] = {i: set() for i in range(distinct)}
    latencies: list[float] = []
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as c:
            for _ in range(600):
                try:
                    if (await c.get("/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    await asyncio.sleep(0.2)
            for _ in range(10 * workers):
                assert (await c.post("/api/v1/evaluate", json=case)).status_code == 200
        todo = iter(range(requests))

        async def client() -> None:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            for i in todo:
                t = time.perf_counter()
                status, body = await post(reader, writer, payloads[i % distinct])
                latencies.append(time.perf_counter() - t)
                assert status == 200, body[:300]
                answers[i % distinct].add(body)
            writer.close()

        start = time.perf_counter()
        await asyncio.gather(*[client() for _ in range(concurrency)])
        wall = time.perf_counter() - start
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    q = statistics.quantiles(latencies, n=100)
    from renshe.engine.calculator import evaluate_json

    # every answer to a case is the same bytes, and equals evaluating that case alone
    equal = all(
        len(bodies) == 1 and json.loads(next(iter(bodies))) == evaluate_json(cases[i])
        for i, bodies in answers.items()
        if bodies
    )
    return {
        "requests": requests,
        "concurrency": concurrency,
        "workers": workers,
        "distinct_cases": distinct,
        "p50_ms": round(q[49] * 1000, 1),
        "p95_ms": round(q[94] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "rps": round(requests / wall, 1),
        "answers_equal_single_evaluation": equal,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--example", default="01_beijing_medium_software")
    parser.add_argument("--distinct", type=int, default=20, help="how many different cases the requests cycle through")
    parser.add_argument("--workers", type=int, default=1, help="renshe serve --workers")
    args = parser.parse_args()
    result = asyncio.run(main_async(args.requests, args.concurrency, args.example, args.distinct, args.workers))
    print(
        f"evaluate over HTTP ({args.example}): p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"p99 {result['p99_ms']} ms, {result['rps']} requests/s"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
