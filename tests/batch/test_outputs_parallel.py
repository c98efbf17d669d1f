"""A batch run with two local processes (the partitions evaluated side by side) writes
the bytes of a run in one process."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import polars as pl

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


def test_large_runs_write_unit_lists_as_parquet(tmp_path: Path) -> None:
    """A run of more units than a spreadsheet has rows writes its rejection and eligible
    lists as Parquet (one file per policy, the rows of the CSV a small run writes, in the
    same order); payment, reduction and deferral lists stay CSV, and so do the counts."""
    reg = tmp_path / "reg"
    make_registry(300, 5, reg)
    small = run_batch(BatchConfig(reg, AS_OF, tmp_path / "csv", partition_size=70, workers=1))
    large = run_batch(BatchConfig(reg, AS_OF, tmp_path / "pq", partition_size=70, workers=1, list_csv_max_units=100))
    assert small == large
    for sub in ("rejections", "eligible"):
        csvs = sorted((tmp_path / "csv" / sub).glob("*.csv"))
        assert csvs and not list((tmp_path / "pq" / sub).glob("*.csv"))
        for csv in csvs:
            text = pl.read_csv(csv, infer_schema=False)
            stored = pl.read_parquet(tmp_path / "pq" / sub / f"{csv.stem}.parquet")
            assert stored.columns == text.columns and stored.height == text.height
            assert stored["uscc"].to_list() == text["uscc"].to_list()
            if sub == "rejections":  # text only: equal cell for cell
                assert stored.to_dicts() == text.fill_null("").with_columns(pl.all().replace("", None)).to_dicts()
    for sub in ("payments", "reductions", "deferrals"):
        assert _files(tmp_path / "csv" / sub) == _files(tmp_path / "pq" / sub)
    assert not (tmp_path / "pq" / "_work" / "list-parts").exists() or not any(
        (tmp_path / "pq" / "_work" / "list-parts").rglob("*.parquet")
    )
