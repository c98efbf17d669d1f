"""The demo registry at scale (chunked, deterministic) and streamed staging: every kind of
bad row reported and skipped, the staged layout, the stage fingerprint."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

import renshe.batch.runner as runner
from renshe.batch import demo
from renshe.batch.demo import chunk_tables, make_registry
from renshe.batch.runner import BatchConfig, _prepare, fingerprint
from renshe.domain.identifiers import uscc_valid_expr

AS_OF = dt.date(2020, 7, 31)


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(demo, "CHUNK_UNITS", 40)
    return 40


def test_demo_chunks_same_seed_same_bytes(tmp_path: Path, small_chunks: int) -> None:
    for fmt in ("parquet", "csv"):
        a = make_registry(130, 3, tmp_path / f"a-{fmt}", fmt)
        make_registry(130, 3, tmp_path / f"b-{fmt}", fmt)
        assert digest(tmp_path / f"a-{fmt}") == digest(tmp_path / f"b-{fmt}")
        assert a["units"] == 130 and a["contributions"] == 130 * 13 * 5 and a["insured"] == 130 * 19
    # one chunk per part file; the csv holds the same rows as the parquet
    assert len(list((tmp_path / "a-parquet" / "contributions").glob("*.parquet"))) == 4
    assert not (tmp_path / "a-parquet" / ".units-parts").exists()
    for table in ("units", "contributions", "insured"):
        pq = tmp_path / "a-parquet" / (f"{table}.parquet" if table == "units" else table)
        frame = pl.read_parquet(pq)
        csv = pl.read_csv(tmp_path / "a-csv" / f"{table}.csv", schema=frame.schema)
        assert frame.equals(csv), table
    other = make_registry(130, 4, tmp_path / "c", "parquet")
    assert other == a
    assert not pl.read_parquet(tmp_path / "c" / "units.parquet").equals(
        pl.read_parquet(tmp_path / "a-parquet" / "units.parquet")
    )


def test_demo_mix(tmp_path: Path) -> None:
    make_registry(3000, 1, tmp_path)
    units = pl.read_parquet(tmp_path / "units.parquet")
    assert units.select(uscc_valid_expr(pl.col("uscc")).all()).item()
    assert units["uscc"].n_unique() == 3000
    assert set(units["region"].str.slice(0, 2)) >= {"11", "41", "42", "43", "31", "44"}
    assert units["unit_type"].n_unique() >= 5 and units["industry"].n_unique() >= 15
    assert units["employees"].min() >= 1 and units["employees"].max() > 500  # micro to large
    capital = units.filter(pl.col("flags").str.contains("capital_function"))
    assert capital.height > 0 and (capital["region"].str.slice(0, 2) == "11").all()
    assert units.filter(pl.col("flags") == "").height > 0
    contributions = pl.read_parquet(tmp_path / "contributions")
    assert contributions["month"].n_unique() >= 12
    assert contributions.group_by("uscc").len()["len"].unique().to_list() == [65]
    feb = contributions.filter(pl.col("month") == "2020-02")
    assert 0 < (feb["employer_paid"] == 0).mean() < 1  # some units did not pay in February
    insured = pl.read_parquet(tmp_path / "insured")
    assert insured["month"].min() == "2018-12" and insured["month"].max() == "2020-06"


def test_demo_rewrites_a_smaller_registry_and_refuses_huge_xlsx(tmp_path: Path, small_chunks: int) -> None:
    make_registry(130, 1, tmp_path)
    make_registry(50, 1, tmp_path)
    assert pl.read_parquet(tmp_path / "contributions").height == 50 * 65
    with pytest.raises(ValueError, match="xlsx"):
        make_registry(20_000, 1, tmp_path / "x", fmt="xlsx")


def _bad_registry(root: Path) -> dict[tuple[str, int], str]:
    """A csv registry with one row of each kind of mistake; returns (file, row) → field."""
    units = chunk_tables(5, 0, 30)["units"]
    uscc = units["uscc"].to_list()
    root.mkdir()
    text = units.with_columns(
        pl.lit(None, dtype=pl.String).alias("tax_original_due_date"), pl.lit(None, dtype=pl.String).alias("size")
    ).cast(pl.String)

    def put(i: int, **values: str) -> None:
        nonlocal text
        text = text.with_columns(
            [
                pl.when(pl.int_range(pl.len()) == i).then(pl.lit(v)).otherwise(pl.col(c)).alias(c)
                for c, v in values.items()
            ]
        )

    wrong_check = uscc[1][:-1] + ("0" if uscc[1][-1] != "0" else "1")
    put(1, uscc=wrong_check)
    put(2, uscc=uscc[0])  # duplicate of a good row
    put(3, region="999999")
    put(4, uscc=uscc[3])  # duplicate of a bad row: still a duplicate
    put(5, region="")
    put(6, industry="Z99")
    put(7, industry="F")  # a split section without size
    put(8, unit_type="company")
    put(9, size="huge")
    put(10, flags="lucky;epidemic_affected")
    put(11, state_owned="maybe")
    put(12, tax_original_due_date="2020-13-01")
    put(13, employees="abc")
    put(14, revenue="-5")
    put(15, work_injury_class="9")
    put(16, region=" 110108 ")  # padded: fine
    put(17, uscc="")
    put(18, flags="epidemic_affected、restricted_list")  # other separators: fine
    put(19, industry="G", size="micro")  # a split section with size: fine
    put(20, uscc=uscc[0])  # a third row of the same USCC
    text.write_csv(root / "units.csv")
    good = uscc[25]
    (root / "contributions.csv").write_text(
        "uscc,month,insurance,employer_due,employer_paid\n"
        f"{good},2020-02,pension,100,100\n"
        f"{good},2020-13,pension,1,1\n"
        f"{good},2020-02,pensions,1,1\n"
        f"{good},2020-02,pension,x,1\n"
        f"{good},2020-02,pension,-1,1\n"
        f"{good},2020-02,pension,,1\n"
        "91110108MA01C7LM3X,2020-02,pension,1,1\n"
        f" {good} , 2020-03 ,pension, 5 ,5\n"
        f"{uscc[3]},2020-02,pension,1,1\n"
        ",2020-02,pension,1,1\n",
        encoding="utf-8",
    )
    (root / "quarterly_profit.csv").write_text(
        f"uscc,quarter,profit\n{good},2020Q5,1\n{good},2020Q2,-7\n{good},2020Q2,\n{good},2020Q1,3\n", encoding="utf-8"
    )
    u, c, q = "units.csv", "contributions.csv", "quarterly_profit.csv"
    return {
        (u, 2): "uscc",
        (u, 3): "uscc",
        (u, 4): "region",
        (u, 5): "uscc",
        (u, 6): "region",
        (u, 7): "industry",
        (u, 8): "industry",
        (u, 9): "unit_type",
        (u, 10): "size",
        (u, 11): "flags",
        (u, 12): "state_owned",
        (u, 13): "tax_original_due_date",
        (u, 14): "employees",
        (u, 15): "revenue",
        (u, 16): "work_injury_class",
        (u, 18): "uscc",
        (u, 21): "uscc",
        (c, 2): "month",
        (c, 3): "insurance",
        (c, 4): "employer_due",
        (c, 5): "employer_due",
        (c, 6): "employer_due",
        (c, 7): "uscc",
        (c, 9): "uscc",
        (c, 10): "uscc",
        (q, 1): "quarter",
        (q, 3): "profit",
    }


@pytest.mark.parametrize("partition_size", [4, 50_000])
def test_every_kind_of_bad_row_is_reported_and_skipped(tmp_path: Path, partition_size: int) -> None:
    expected = _bad_registry(tmp_path / "reg")
    info = _prepare(BatchConfig(tmp_path / "reg", AS_OF, tmp_path / "out", partition_size=partition_size))
    work = tmp_path / "out" / "_work"
    problems = pl.read_parquet(work / "problems.parquet")
    # the long rows of rejected units are rejected too (uscc not among the good units)
    rejected_units = {r for (f, r) in expected if f == "units.csv"}
    got = {
        (r["file"], r["row"]): r["field"]
        for r in problems.iter_rows(named=True)
        if r["file"] == "units.csv" or r["file"] in ("contributions.csv", "quarterly_profit.csv")
    }
    assert got == expected
    assert problems["problem"].str.len_chars().min() > 0
    assert (
        problems.filter(pl.col("row") == 5, pl.col("file") == "units.csv")["problem"].item().endswith("与前面的行重复")
    )
    assert info["units"] == 30 - len(rejected_units)
    units = pl.read_parquet(work / "units.parquet")
    assert units.height == info["units"] and units["uscc"].is_unique().all()
    assert units.filter(pl.col("_row") == 17)["region"].item() == "110108"
    assert units.filter(pl.col("_row") == 19)["flags"].item().to_list() == ["epidemic_affected", "restricted_list"]
    staged = pl.read_parquet(list((work / "tables" / "contributions").rglob("*.parquet")))
    assert sorted(staged["employer_due"].to_list()) == [5.0, 100.0]
    assert sorted(staged["month"].to_list()) == ["2020-02", "2020-03"]


def test_typed_parquet_input(tmp_path: Path) -> None:
    """Numbers stored as numbers skip the text round trip but are still checked."""
    reg = tmp_path / "reg"
    tables = chunk_tables(2, 0, 20)
    reg.mkdir()
    units = tables["units"].with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(-1.0).otherwise(pl.col("assets")).alias("assets")
    )
    units.write_parquet(reg / "units.parquet")
    insured = tables["insured"].with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(-2).otherwise(pl.col("headcount")).alias("headcount")
    )
    insured.write_parquet(reg / "insured.parquet")
    info = _prepare(BatchConfig(reg, AS_OF, tmp_path / "out"))
    problems = pl.read_parquet(tmp_path / "out" / "_work" / "problems.parquet")
    fields = {(r["file"], r["row"]): r["field"] for r in problems.iter_rows(named=True)}
    assert fields.pop(("units.parquet", 4)) == "assets" and fields.pop(("insured.parquet", 6)) == "headcount"
    assert problems.filter(pl.col("row") == 6)["problem"].item() == "-2 为负数，应不小于 0.0"
    # the rejected unit's 19 insured rows are rejected with it
    assert set(fields.values()) == {"uscc"} and len(fields) == 19 and info["units"] == 19


@pytest.mark.parametrize("max_open", [16, 2])
def test_staged_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_open: int) -> None:
    """(max_open 2: more partitions than may be written at once, so staging goes through
    buckets of partitions.)"""
    monkeypatch.setattr(runner, "MAX_OPEN_PARTITIONS", max_open)
    reg = tmp_path / "reg"
    counts = make_registry(230, 6, reg)
    info = _prepare(BatchConfig(reg, AS_OF, tmp_path / "out", partition_size=50))
    work = tmp_path / "out" / "_work"
    assert info == {"units": 230, "partitions": 5, "rejected_rows": 0}
    units = pl.read_parquet(work / "units.parquet")
    # rows ordered by partition, _u numbering each partition's units 0, 1, 2… in file order
    assert units.select(pl.col("_part").is_sorted()).item()
    assert (
        units.group_by("_part")
        .agg((pl.col("_u") == pl.int_range(pl.len())).all(), pl.col("_row").is_sorted())[:, 1:]
        .to_numpy()
        .all()
    )
    assert units.group_by("_part").len().sort("_part")["len"].to_list() == [50, 50, 50, 50, 30]
    # partitions are runs of USCCs (most hold one province)
    ranges = (
        units.group_by("_part").agg(pl.col("uscc").min().alias("lo"), pl.col("uscc").max().alias("hi")).sort("_part")
    )
    assert all(a < b for a, b in zip(ranges["hi"][:-1], ranges["lo"][1:], strict=True))
    assert units["size_class"].null_count() == 0 and set(units["size_class"]) <= {
        "large",
        "medium",
        "small",
        "micro",
        "unclassifiable",
    }
    for name in ("contributions", "insured", "si_additions", "quarterly_profit"):
        files = sorted((work / "tables" / name).rglob("*.parquet"))
        assert [f.parent.name for f in files] == [f"_part={k}" for k in range(5)]
        staged = pl.concat(
            [pl.read_parquet(f).with_columns(pl.lit(int(f.parent.name.split("=")[1])).alias("_part")) for f in files]
        )
        assert staged.height == counts[name]
        keyed = staged.join(units.select(pl.col("_part").cast(pl.Int32), "_u", "uscc"), on=["_part", "_u"], how="left")
        assert keyed["uscc"].null_count() == 0
    # the staged long rows carry the registry's values for the right unit
    raw = pl.read_parquet(reg / "contributions").sort("uscc", "month", "insurance")
    files = sorted((work / "tables" / "contributions").rglob("*.parquet"))
    staged = (
        pl.concat(
            [pl.read_parquet(f).with_columns(pl.lit(int(f.parent.name.split("=")[1])).alias("_part")) for f in files]
        )
        .join(units.select(pl.col("_part").cast(pl.Int32), "_u", "uscc"), on=["_part", "_u"])
        .select(raw.columns)
        .sort("uscc", "month", "insurance")
    )
    assert staged.equals(raw)


def test_fingerprint_follows_the_staged_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_registry(30, 2, tmp_path / "reg")
    config = BatchConfig(tmp_path / "reg", AS_OF, tmp_path / "out")
    first = fingerprint(config)
    assert fingerprint(config) == first
    assert fingerprint(BatchConfig(tmp_path / "reg", dt.date(2020, 3, 1), tmp_path / "x")) == first
    assert fingerprint(BatchConfig(tmp_path / "reg", AS_OF, tmp_path / "out", partition_size=7)) != first
    monkeypatch.setattr(runner, "FORMAT_VERSION", runner.FORMAT_VERSION + 1)
    assert fingerprint(config) != first
    monkeypatch.undo()
    columns = dict(runner.unit_columns())
    columns["new_enterprise_field"] = pl.Float64
    monkeypatch.setattr(runner, "unit_columns", lambda: columns)
    assert fingerprint(config) != first
    monkeypatch.undo()

    # a stale _work (made by another staging layout) is staged anew, a current one reused
    _prepare(config)
    manifest = tmp_path / "out" / "_work" / "manifest.json"
    marker = tmp_path / "out" / "_work" / "marker"
    marker.write_text("x")
    _prepare(config)
    assert marker.exists()
    monkeypatch.setattr(runner, "FORMAT_VERSION", runner.FORMAT_VERSION + 1)
    _prepare(config)
    assert not marker.exists()
    assert json.loads(manifest.read_text())["fingerprint"] == fingerprint(config)


def test_unit_keys_lookup() -> None:
    from renshe.batch.registry import PACK, UnitKeys

    keys = UnitKeys.of(
        pl.DataFrame(
            {
                "_row": pl.Series([4, 1, 2], dtype=pl.UInt32),
                "uscc": ["c", "a", "b"],
                "_part": [1, 0, 0],
                "_u": pl.Series([0, 0, 1], dtype=pl.UInt32),
            }
        )
    )
    batch = pl.Series(["a", "a", "x", "c", None, "b", "b", "a", "", "zz", "0"])
    want = [0, 0, None, PACK, None, 1, 1, 0, None, None, None]
    assert keys.packed(batch).to_list() == want
    # elementwise: any split of the batch gives the same
    assert pl.concat([keys.packed(batch[:3]), keys.packed(batch[3:])]).to_list() == want
    frame = pl.DataFrame({"u": batch, "r": pl.Series([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 4], dtype=pl.UInt32)})
    out = frame.with_columns(keys.by_uscc_expr(pl.col("u"))).with_columns(
        pl.struct(keys.by_row_expr(pl.col("r"))).alias("by_row")
    )
    assert out["_part"].to_list() == [0, 0, None, 1, None, 0, 0, 0, None, None, None]
    assert out["_u"].to_list() == [0, 0, None, 0, None, 1, 1, 0, None, None, None]
    assert out["by_row"].struct.field("_part").to_list()[:5] == [None, 0, 0, None, 1]
    late = pl.DataFrame({"r": pl.Series([9, 4], dtype=pl.UInt32)}).select(keys.by_row_expr(pl.col("r")))
    assert late["_part"].to_list() == [None, 1]  # rows after the last good one are bad
    empty = UnitKeys.of(pl.DataFrame(schema={"_row": pl.UInt32, "uscc": pl.String, "_part": pl.Int64, "_u": pl.UInt32}))
    assert empty.packed(batch).null_count() == batch.len()
