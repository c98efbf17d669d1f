"""The batch's progress tells the truth: for staging, evaluation and outputs it counts
units (not partitions), rises monotonically to the registry's unit count, and shows the
rate and the time left — read from ``renshe batch``'s own output."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from renshe.batch.demo import make_registry
from tests.conftest import RENSHE

PHASES = ("入库（校验、分区）", "测算", "名单与报表")
LINE = re.compile(r"^(\S+) (\d+)/(\d+) 单位(?:，(\d+) 单位/秒，剩余 (\d+) 秒)?$")


def _lines(stderr: str) -> dict[str, list[tuple[int, int, bool]]]:
    found: dict[str, list[tuple[int, int, bool]]] = {p: [] for p in PHASES}
    for line in stderr.splitlines():
        m = LINE.match(line)
        if m and m[1] in found:
            found[m[1]].append((int(m[2]), int(m[3]), m[4] is not None))
    return found


def test_progress_counts_units_for_every_phase(tmp_path: Path) -> None:
    make_registry(300, 4, tmp_path / "reg")
    proc = subprocess.run(
        [
            str(RENSHE),
            "batch",
            str(tmp_path / "reg"),
            "--as-of",
            "2020-07-31",
            "--out",
            str(tmp_path / "out"),
            "--partition-size",
            "50",
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    phases = _lines(proc.stderr)
    for label, steps in phases.items():
        assert steps, f"no progress for {label}: {proc.stderr[-2000:]}"
        done = [d for d, _, _ in steps]
        assert done == sorted(done), (label, done)  # never goes back
        assert {t for _, t, _ in steps} == {300}, label  # out of the units, not partitions or tasks
        assert done[-1] == 300, (label, done)
        assert any(rate for _, _, rate in steps[1:]), f"{label}: no rate and time left"
    # the evaluation steps one partition's units at a time (6 partitions of 50), not 1/6, 2/6 …
    evaluated = [d for d, _, _ in phases["测算"]]
    assert evaluated[0] == 0 and len(set(evaluated)) >= 4 and all(d % 50 == 0 for d in evaluated)
    # the outputs count policy by policy (each policy a share of the units), not by partition
    written = {d for d, _, _ in phases["名单与报表"]}
    assert len(written) >= 3 and any(d % 50 for d in written)


def test_progress_of_a_resumed_run_starts_at_what_is_done(tmp_path: Path) -> None:
    make_registry(120, 4, tmp_path / "reg")
    args = [
        str(RENSHE),
        "batch",
        str(tmp_path / "reg"),
        "--as-of",
        "2020-07-31",
        "--out",
        str(tmp_path / "out"),
        "--partition-size",
        "40",
        "--workers",
        "1",
        "--policies",
        "cn.si_relief_2020",
    ]
    first = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    again = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    phases = _lines(again.stderr)
    # staged and evaluated already: both start (and end) at all 120 units
    assert [d for d, _, _ in phases["入库（校验、分区）"]] == [120]
    assert [d for d, _, _ in phases["测算"]] == [120]
    assert phases["名单与报表"][-1][:2] == (120, 120)
