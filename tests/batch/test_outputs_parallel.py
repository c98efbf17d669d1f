"""A batch run with two local processes (the partitions evaluated side by side) writes
the bytes of a run in one process."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from renshe.batch.demo import make_registry
from renshe.batch.runner import BatchConfig, run_batch

AS_OF = dt.date(2020, 7, 31)


def _files(out: Path) -> dict[str, str]:
    """Every output file (the working folder aside) by its path, with its sha256."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and "_work" not in p.relative_to(out).parts
    }


def test_outputs_of_two_processes_equal_one(tmp_path: Path) -> None:
    reg = tmp_path / "reg"
    make_registry(400, 7, reg)
    one = run_batch(BatchConfig(reg, AS_OF, tmp_path / "one", partition_size=200, workers=1))
    two = run_batch(BatchConfig(reg, AS_OF, tmp_path / "two", partition_size=200, workers=2))
    assert one == two
    files = _files(tmp_path / "one")
    assert files == _files(tmp_path / "two")
    # every kind of output is there: lists of each kind, the summary, the report, a workbook
    names = set(files)
    assert {"summary.csv", "summary.json", "policies.csv", "report.html", "payments.xlsx"} <= names
    assert any(n.startswith("rejections/") for n in names) and any(n.startswith("payments/") for n in names)


def test_outputs_of_many_partitions_equal_one(tmp_path: Path) -> None:
    """The outputs are written partition after partition (their memory does not grow with
    the registry): lists of a registry cut into many partitions are, byte for byte, those
    of the same registry in one partition — each list sorted by USCC as a whole."""
    reg = tmp_path / "reg"
    make_registry(500, 11, reg)
    whole = run_batch(BatchConfig(reg, AS_OF, tmp_path / "whole", partition_size=1000, workers=1))
    cut = run_batch(BatchConfig(reg, AS_OF, tmp_path / "cut", partition_size=60, workers=1))
    assert (whole["partitions"], cut["partitions"]) == (1, 9)
    assert {k: v for k, v in whole.items() if k != "partitions"} == {k: v for k, v in cut.items() if k != "partitions"}
    files = _files(tmp_path / "whole")
    assert files == _files(tmp_path / "cut")
    rejections = sorted((tmp_path / "cut" / "rejections").glob("*.csv"))
    longest = max(rejections, key=lambda p: p.stat().st_size).read_text(encoding="utf-8").splitlines()
    usccs = [line.split(",")[0] for line in longest[1:]]
    assert len(usccs) > 120 and usccs == sorted(usccs)  # more than two partitions' worth, in USCC order
