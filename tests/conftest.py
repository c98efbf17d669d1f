"""Shared test fixtures: the public examples and a helper to run the CLI."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = SHARED / "spec" / "examples"
CATALOG = SHARED / "spec" / "policies"
RENSHE = Path(sys.executable).with_name("renshe")


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([str(RENSHE), *args], capture_output=True, text=True, input=stdin, env=env, timeout=120)


def example_files() -> list[Path]:
    """The public examples, and the same cases with contract version 2's expectations."""
    return sorted(EXAMPLES.glob("*.json")) + sorted((EXAMPLES.parent / "examples-v2").glob("*.json"))


@pytest.fixture
def example_case() -> dict[str, Any]:
    return json.loads((EXAMPLES / "01_beijing_medium_software.json").read_text(encoding="utf-8"))["case"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def demo_server(folder: Path, database: str | None = None) -> Iterator[str]:
    """A real `renshe serve --demo` on a free port with its own SQLite database in
    ``folder`` (or on ``database``); yields its URL once /healthz answers, and stops it afterwards."""
    import time

    import httpx

    port = free_port()
    env = {**os.environ, "RENSHE_DATABASE_URL": database or f"sqlite:///{folder / 'renshe.db'}"}
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [str(RENSHE), "serve", "--port", str(port), "--demo"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("server did not start: " + (folder / "server.log").read_text())
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
