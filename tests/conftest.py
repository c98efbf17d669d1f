"""Shared test fixtures: the public examples and a helper to run the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
