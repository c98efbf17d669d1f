"""Single-case evaluate over HTTP: latency percentiles and throughput.

    python benchmarks/http_evaluate.py --requests 600 --concurrency 8 [--example 01_beijing_medium_software]

Starts `renshe serve` on a free port (its own SQLite file), warms it up, then
sends the requests from this process and prints p50 / p95 / p99 and requests per
second; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
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

import httpx

ROOT = Path(__file__).resolve().parents[1]
RENSHE = Path(sys.executable).with_name("renshe")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def main_async(requests: int, concurrency: int, example: str) -> dict[str, float]:
    case = json.loads((ROOT / "src" / "renshe" / "web" / "demo_cases" / f"{example}.json").read_text(encoding="utf-8"))["case"]
    folder = Path(tempfile.mkdtemp(prefix="renshe-http-"))
    port = free_port()
    env = {**os.environ, "RENSHE_DATABASE_URL": f"sqlite:///{folder / 'renshe.db'}"}
    server = subprocess.Popen([str(RENSHE), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url, timeout=120,
                                     limits=httpx.Limits(max_connections=concurrency)) as c:
            for _ in range(600):
                try:
                    if (await c.get("/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    await asyncio.sleep(0.2)
            for _ in range(10):
                assert (await c.post("/api/v1/evaluate", json=case)).status_code == 200
            latencies: list[float] = []
            semaphore = asyncio.Semaphore(concurrency)

            async def one() -> None:
                async with semaphore:
                    t = time.perf_counter()
                    r = await c.post("/api/v1/evaluate", json=case)
                    latencies.append(time.perf_counter() - t)
                    assert r.status_code == 200

            start = time.perf_counter()
            await asyncio.gather(*[one() for _ in range(requests)])
            wall = time.perf_counter() - start
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    q = statistics.quantiles(latencies, n=100)
    return {"requests": requests, "concurrency": concurrency, "p50_ms": round(q[49] * 1000, 1),
            "p95_ms": round(q[94] * 1000, 1), "p99_ms": round(q[98] * 1000, 1), "rps": round(requests / wall, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--example", default="01_beijing_medium_software")
    args = parser.parse_args()
    result = asyncio.run(main_async(args.requests, args.concurrency, args.example))
    print(f"evaluate over HTTP ({args.example}): p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
          f"p99 {result['p99_ms']} ms, {result['rps']} requests/s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
