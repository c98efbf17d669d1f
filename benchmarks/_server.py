"""A renshe server for the desk benchmarks: a free port, `renshe serve --demo` started in
its own process group (remembered in SERVERS so a benchmark can kill every one it
started, whatever happens), and a wait until /healthz answers."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

RENSHE = Path(sys.executable).with_name("renshe")
#: the demo users' shared password (services/demo.py)
PASSWORD = "renshe-demo-2020"
#: process groups of the servers started
SERVERS: list[int] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(RENSHE), "serve", "--port", str(port), "--demo"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    SERVERS.append(server.pid)
    return server


async def wait_up(url: str, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    async with httpx.AsyncClient() as c:
        while time.time() < deadline:
            try:
                if (await c.get(url + "/healthz", timeout=2)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("server did not come up")
