"""Concurrent submissions with the server killed (-9) mid-load: nothing acknowledged
is lost, nothing is stored twice (the benchmark script, at test size)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_kill_during_load() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "desk_durability.py"), "--submissions", "40", "--concurrency", "20"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["restarted"] is True
    assert result["lost"] == 0 and result["duplicates"] == 0
    assert result["acknowledged"] == result["present"] == 40
    assert proc.returncode == 0
