"""Batch outputs by money flow (interface.md, contract version 2): payment lists hold
counted cash only and add up to summary.json; each money counted once; deferrals with
their due dates; the simulation's cost by flow is the counted money by flow; exported
cells stay data."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path

import polars as pl
import pytest

from renshe.batch.demo import make_registry
from renshe.batch.outputs import LISTS
from renshe.batch.partition import run_key
from renshe.batch.runner import BatchConfig, batch_rules, run_batch, with_partners
from renshe.batch.simulate import simulate, write_simulation
from renshe.engine.rules import registry
from renshe.engine.same_money import MONEY_FLOWS, counted_expr

AS_OF = dt.date(2020, 7, 31)
#: names a spreadsheet would take for formulas: they must stay text
FORMULA_NAMES = ["=1+2", "+8613800000000", "-1", "@SUM(A1:A9)", '=HYPERLINK("http://x","y")']
REFORM = {"xinmi.stable_job_refund_2020.months": 3, "cn.si_relief_2020.halving_ratio": 1.0}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo registry of 2000 units, a third of them having filed a deferral (Henan's SMEs
    may defer by filing) and left January 2020 unpaid, some named like formulas."""
    reg = tmp_path_factory.mktemp("flows") / "reg"
    make_registry(2000, 21, reg)
    units = pl.read_parquet(reg / "units.parquet")
    i = pl.int_range(pl.len())
    units = units.with_columns(
        (i % 3 == 0).alias("si_deferral_filed"),
        pl.when(i % 11 == 0)
        .then(pl.lit(pl.Series(FORMULA_NAMES)).gather(i // 11 % len(FORMULA_NAMES)))
        .otherwise(pl.col("name"))
        .alias("name"),
    )
    units.write_parquet(reg / "units.parquet")
    filed = units.filter("si_deferral_filed")["uscc"].implode()
    contributions = pl.read_parquet(reg / "contributions")
    unpaid = pl.col("uscc").is_in(filed) & (pl.col("month") == "2020-01")
    contributions = contributions.with_columns(
        pl.when(unpaid)
        .then(0)
        .otherwise(pl.col("employer_paid"))
        .cast(contributions.schema["employer_paid"])
        .alias("employer_paid")
    )
    for part in (reg / "contributions").glob("*.parquet"):
        part.unlink()
    contributions.write_parquet(reg / "contributions" / "part-00000.parquet")
    return reg


@pytest.fixture(scope="module")
def batch(demo: Path) -> Path:
    out = demo.parent / "out"
    run_batch(BatchConfig(demo, AS_OF, out, partition_size=1000, workers=1))
    return out


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(
        path, schema_overrides={"region": pl.String, "amount": pl.Float64, "name": pl.String, "deadline": pl.String}
    )


def _lists(out: Path, folder: str) -> pl.DataFrame:
    """Every list of a folder, one frame, with the policy of each row."""
    frames = [
        _read(p).select("uscc", "amount", pl.lit(p.stem).alias("policy")) for p in sorted((out / folder).glob("*.csv"))
    ]
    return (
        pl.concat(frames)
        if frames
        else pl.DataFrame(schema={"uscc": pl.String, "amount": pl.Float64, "policy": pl.String})
    )


def _results(out: Path) -> pl.DataFrame:
    """The run's results, with each unit's USCC."""
    work = out / "_work"
    (key,) = [p.name for p in (work / "results").iterdir()]
    units = pl.read_parquet(work / "units.parquet", columns=["_part", "_u", "uscc"])
    return pl.read_parquet(work / "results" / key).join(units, on=["_part", "_u"], how="left")


def _summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_payment_lists_add_up_to_the_cash_total(batch: Path) -> None:
    summary = _summary(batch)
    assert set(summary) == {"units", "totals", "payments"} and summary["units"] == 2000
    assert set(summary["totals"]) == set(MONEY_FLOWS)
    paid = _lists(batch, "payments")
    assert paid.height > 100 and summary["payments"]["rows"] == paid.height
    assert paid["amount"].sum() == pytest.approx(summary["totals"]["cash"], abs=0.005)
    assert paid["amount"].sum() == pytest.approx(summary["payments"]["sum"], abs=0.005)
    assert (paid["amount"] > 0).all()
    # the workbook for the bank holds the same rows, one sheet per policy that pays, a total row
    index = pl.read_excel(batch / "payments.xlsx", sheet_name="目录")
    assert index["政策"][-1] == "合计（现金拨付）"
    assert index["拨付单位数"][-1] == paid.height
    assert index["拨付金额（元）"][-1] == pytest.approx(summary["totals"]["cash"], abs=0.005)
    per_policy = paid.group_by("policy").len()
    assert sorted(index["政策编号"].head(-1).to_list()) == sorted(per_policy["policy"].to_list())
    with zipfile.ZipFile(batch / "payments.xlsx") as book:
        sheets = [n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
    assert len(sheets) == per_policy.height + 1  # no empty sheet
    rules = registry().rules
    assert index["政策"].head(-1).to_list() == [rules[p].title for p in index["政策编号"].head(-1).to_list()]
    # the totals are the policies' counted money by flow, and the report shows them side by side
    policies = pl.read_csv(batch / "policies.csv")
    for flow in MONEY_FLOWS:
        assert policies.filter(pl.col("flow") == flow)["amount"].sum() == pytest.approx(
            summary["totals"][flow], abs=0.005
        )
    report = (batch / "report.html").read_text(encoding="utf-8")
    assert f"{summary['totals']['cash']:,.2f}" in report and f"{summary['totals']['reduction']:,.2f}" in report
    assert "现金拨付" in report and "减免" in report and "缓缴" in report


def test_only_counted_cash_is_paid(batch: Path) -> None:
    rules = registry().rules
    paid = _lists(batch, "payments")
    assert {rules[p].flow for p in paid["policy"].unique()} == {"cash"}
    for folder in ("payments", "reductions", "deferrals"):
        flow = {kind.folder: f for f, kind in LISTS.items()}[folder]
        assert {rules[p.stem].flow for p in (batch / folder).glob("*.csv")} <= {flow}
    # every row paid is a counted cash result of that unit and policy
    results = _results(batch).with_columns(pl.lit(AS_OF.isoformat()).alias("as_of"))
    joined = paid.join(results, on=["uscc", "policy"], how="left", suffix="_result")
    assert joined.height == paid.height
    assert joined.select(counted_expr().all()).item()
    assert (joined["flow"] == "cash").all()
    assert ((joined["amount"] - joined["amount_result"]).abs() < 0.005).all() or _has_parts("cash")
    # and every counted cash result with money is paid
    due = results.filter(counted_expr() & (pl.col("flow") == "cash") & (pl.col("amount") > 0))
    assert due.height == paid.height


def _has_parts(flow: str) -> bool:
    reg = registry()
    return any(rel.kind == "part_of" and reg.rules[rel.members[0]].flow == flow for rel in reg.relations)


def test_no_unit_is_paid_twice_for_the_same_money(batch: Path) -> None:
    reg = registry()
    results = _results(batch)
    listed = pl.concat([_lists(batch, kind.folder) for kind in LISTS.values()])
    marked = results.filter(pl.col("overlaps").is_not_null() | pl.col("excluded_by").is_not_null())
    # the resolver had work to do here: units eligible under two results of the same money
    assert marked.height > 0
    assert listed.join(marked, on=["uscc", "policy"], how="semi").is_empty()
    assert listed.select(pl.struct("uscc", "policy").is_unique().all()).item()
    checked = 0
    for rel in reg.relations:
        if rel.kind not in ("overlaps", "exclusive_with"):
            continue
        members = listed.filter(pl.col("policy").is_in(list(rel.members)))
        twice = members.group_by("uscc").agg(pl.col("policy").n_unique().alias("n")).filter(pl.col("n") > 1)
        assert twice.is_empty(), (rel.kind, rel.members, twice.head())
        both = (
            results.filter(pl.col("policy").is_in(list(rel.members)) & (pl.col("status") == "eligible"))
            .group_by("uscc")
            .len()
            .filter(pl.col("len") > 1)
        )
        checked += both.height
    assert checked > 0  # some unit was eligible under two members of a relation
    # a part (part_of) and its whole together are the whole's amount, once
    for rel in reg.relations:
        whole, part = rel.members if rel.kind == "part_of" else (None, None)
        if whole is None or reg.rules[whole].entity != "enterprise":
            continue
        gross = results.filter(
            (pl.col("policy") == whole)
            & pl.col("uscc").is_in(listed.filter(pl.col("policy") == part)["uscc"].implode())
        )
        both = listed.filter(pl.col("policy").is_in([whole, part]) & pl.col("uscc").is_in(gross["uscc"].implode()))
        if gross.height:
            assert both["amount"].sum() == pytest.approx(gross["amount"].sum(), abs=0.01 * gross.height)


def test_deferral_list_carries_due_dates(batch: Path) -> None:
    """Each deferral listed with its result's due date; money due before the day of the run
    is not listed (nor counted)."""
    summary = _summary(batch)
    results = _results(batch)
    listed = pl.concat(
        [
            _read(p).select("uscc", "amount", "deadline", pl.lit(p.stem).alias("policy"))
            for p in sorted((batch / "deferrals").glob("*.csv"))
        ]
    )
    henan = listed.filter(pl.col("policy") == "henan.si_deferral_2020")
    assert henan.height > 10 and (henan["deadline"] == "2020-09-30").all()
    joined = listed.join(results, on=["uscc", "policy"], how="left", suffix="_result")
    assert joined.height == listed.height
    assert joined.select((pl.col("deadline").eq_missing(pl.col("deadline_result"))).all()).item()
    dated = listed["deadline"].drop_nulls().str.to_date("%Y-%m-%d")
    assert dated.len() and (dated >= AS_OF).all()  # money still owed: due on or after the day of the run
    assert listed["amount"].sum() == pytest.approx(summary["totals"]["deferral"], abs=0.005)
    overdue = results.filter(
        (pl.col("flow") == "deferral")
        & (pl.col("status") == "eligible")
        & (pl.col("deadline") < AS_OF.isoformat())
        & (pl.col("amount") > 0)
    )
    assert overdue.height and listed.join(overdue, on=["uscc", "policy"], how="semi").is_empty()
    index = pl.read_excel(batch / "deferrals.xlsx", sheet_name="目录")
    position = index["政策编号"].to_list().index("henan.si_deferral_2020") + 1
    sheet = pl.read_excel(batch / "deferrals.xlsx", sheet_name=str(position))
    assert sheet.columns[:5] == ["统一社会信用代码", "单位名称", "行政区划", "缓缴金额（元）", "应缴日期（缓缴截止）"]
    assert (sheet["应缴日期（缓缴截止）"].cast(pl.String).str.slice(0, 10) == "2020-09-30").all()
    assert index["缓缴金额（元）"][-1] == pytest.approx(summary["totals"]["deferral"], abs=0.005)


def test_exported_cells_stay_data(batch: Path) -> None:
    paid = pl.concat([_read(p) for p in sorted((batch / "payments").glob("*.csv"))])
    names = set(paid["name"].to_list())
    escaped = {n for n in names if n.startswith("'")}
    assert {n[1:] for n in escaped} <= set(FORMULA_NAMES) and escaped
    assert not any(n[:1] in "=+-@" for n in names)
    with zipfile.ZipFile(batch / "payments.xlsx") as book:
        xml = {n: book.read(n).decode() for n in book.namelist() if n.endswith(".xml")}
    assert not any("<f>" in text for text in xml.values())
    shared = xml["xl/sharedStrings.xml"]
    assert any(f"<t>{name.replace('&', '&amp;')}</t>" in shared for name in ("=1+2", "-1", "@SUM(A1:A9)"))


def test_a_batch_of_some_policies_decides_the_same_money(demo: Path, batch: Path) -> None:
    """Asked for some policies, the batch still weighs the money they share with others: the
    Xinmi refund is paid to the same units as in a batch of every rule (the Henan refunds
    weighed beside it), and the relief is listed net of the February refund (paid in cash
    by another list) — two batches never deliver the same money twice."""
    asked = ["xinmi.stable_job_refund_2020", "cn.si_relief_2020"]
    assert {"henan.stable_job_refund_2020", "henan.no_layoff_ui_refund_2020", "cn.si_feb_refund_2020"} <= set(
        with_partners(asked)
    )
    out = demo.parent / "some"
    shutil.copytree(batch / "payments", out / "payments")  # lists of an earlier run into the same folder
    result = run_batch(BatchConfig(demo, AS_OF, out, policies=asked, partition_size=1000, workers=1))
    for folder, policy in (("payments", asked[0]), ("reductions", asked[1])):
        assert (out / folder / f"{policy}.csv").read_bytes() == (batch / folder / f"{policy}.csv").read_bytes()
    assert sorted(p.stem for p in (out / "payments").glob("*.csv")) == [asked[0]]  # the earlier lists are gone
    policies = pl.read_csv(out / "policies.csv")
    assert policies["policy"].to_list() == asked
    relief = policies.row(1, named=True)
    assert relief["part_amount"] > 0
    assert result["totals"]["reduction"] == pytest.approx(relief["amount"], abs=0.005)


def test_simulation_costs_by_flow(demo: Path, batch: Path) -> None:
    config = BatchConfig(demo, AS_OF, batch, partition_size=1000, workers=1)  # the batch's stage and baseline
    tables = simulate(config, REFORM, full=True)  # every rule again (incremental: test_simulate_incremental)
    by_flow = tables["by_flow"]
    assert by_flow["flow"].to_list() == list(MONEY_FLOWS)
    totals = _summary(batch)["totals"]
    for r in by_flow.iter_rows(named=True):
        assert r["baseline"] == pytest.approx(totals[r["flow"]], abs=0.005)
    # the reform's cost by flow: its counted results, each whole net of its parts
    work = batch / "_work"
    rules_run = with_partners(batch_rules(None))
    reform_key = run_key(AS_OF.isoformat(), json.dumps(REFORM, sort_keys=True), rules_run)
    assert {p.name for p in (work / "results").iterdir()} == {
        run_key(AS_OF.isoformat(), "{}", rules_run),
        reform_key,
    }  # the baseline is the batch's run
    units = pl.read_parquet(work / "units.parquet", columns=["_part", "_u", "uscc"])
    results = (
        pl.read_parquet(work / "results" / reform_key)
        .join(units, on=["_part", "_u"])
        .with_columns(pl.lit(AS_OF.isoformat()).alias("as_of"))
        .filter(counted_expr())
    )
    parts = (
        results.filter(pl.col("part_of").is_not_null())
        .group_by("uscc", pl.col("part_of").alias("policy"))
        .agg(pl.col("amount").sum().alias("part"))
    )
    expected = (
        results.join(parts, on=["uscc", "policy"], how="left")
        .with_columns((pl.col("amount") - pl.col("part").fill_null(0.0)).alias("net"))
        .group_by("flow")
        .agg(pl.col("net").sum())
    )
    expected_by_flow = dict(expected.iter_rows())
    for r in by_flow.iter_rows(named=True):
        assert r["reform"] == pytest.approx(expected_by_flow.get(r["flow"], 0.0), abs=0.01), r["flow"]
        assert r["difference"] == pytest.approx(r["reform"] - r["baseline"], abs=0.005)
    changed = by_flow.filter(pl.col("difference") != 0)["flow"].to_list()
    assert "cash" in changed and "reduction" in changed  # the refund halved, the relief grown
    # the policies and the groups add up to the flows
    by_policy = tables["by_policy"]
    assert by_policy["title"].null_count() == 0
    for group in ("by_prefecture", "by_size", "by_industry_section"):
        sums = tables[group].group_by("flow").agg(pl.col("difference").sum())
        for flow, difference in sums.iter_rows():
            assert difference == pytest.approx(by_flow.filter(pl.col("flow") == flow)["difference"].item(), abs=0.01)
    for flow, difference in by_policy.group_by("flow").agg(pl.col("difference").sum()).iter_rows():
        assert difference == pytest.approx(by_flow.filter(pl.col("flow") == flow)["difference"].item(), abs=0.01)
    out = batch / "simulation"
    write_simulation(tables, out, REFORM)
    page = (out / "simulation.html").read_text(encoding="utf-8")
    rules = registry().rules
    assert "阶段性减免企业社会保险费" in page and "现金拨付" in page and "减免" in page
    assert "cn.si_relief_2020" not in page.replace("cn.si_relief_2020.halving_ratio", "")
    assert rules["xinmi.stable_job_refund_2020"].title in page
    assert (out / "simulation.png").read_bytes()[:4] == b"\x89PNG"
