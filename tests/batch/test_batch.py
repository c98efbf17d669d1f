"""No-application batch: the same rule code as the calculator, bad rows reported,
resume after a kill, Dask equal to local, every input format."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from renshe.batch.demo import make_registry
from renshe.batch.runner import BatchConfig, run_batch
from renshe.engine.calculator import evaluate_json
from tests.conftest import RENSHE

AS_OF = dt.date(2020, 7, 31)
OVERRIDES = {"henan.ui_benefit_monthly_2019": 1520, "beijing.ui_benefit_monthly_2019": 2000}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("registry")
    make_registry(600, 7, out)
    return out


@pytest.fixture(scope="module")
def baseline(registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("baseline")
    run_batch(BatchConfig(registry, AS_OF, out, overrides=OVERRIDES, partition_size=150, workers=1))
    return out


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "_work" not in p.parts}


def test_demo_registry_is_deterministic(tmp_path: Path) -> None:
    make_registry(50, 3, tmp_path / "a")
    make_registry(50, 3, tmp_path / "b")
    make_registry(50, 4, tmp_path / "c")
    a, b, c = (pl.read_parquet(tmp_path / x / "units.parquet") for x in "abc")
    assert a.equals(b) and not a.equals(c)
    assert set(a["region"].str.slice(0, 2)) >= {"11", "41", "42", "43"}
    contributions = pl.read_parquet(tmp_path / "a" / "contributions")
    assert contributions["month"].n_unique() >= 12


def case_for(registry: Path, uscc: str) -> dict[str, Any]:
    """The case of one registry unit, in the contract format."""
    unit = pl.read_parquet(registry / "units.parquet").filter(pl.col("uscc") == uscc).row(0, named=True)
    contributions = pl.read_parquet(registry / "contributions").filter(pl.col("uscc") == uscc)
    insured = pl.read_parquet(registry / "insured").filter(pl.col("uscc") == uscc)
    additions = pl.read_parquet(registry / "si_additions").filter(pl.col("uscc") == uscc)
    profits = pl.read_parquet(registry / "quarterly_profit").filter(pl.col("uscc") == uscc)
    return {
        "as_of": AS_OF.isoformat(), "parameters": OVERRIDES,
        "enterprise": {
            "uscc": uscc, "name": unit["name"], "region": unit["region"], "unit_type": unit["unit_type"],
            "industry": unit["industry"], "employees": unit["employees"], "revenue": unit["revenue"],
            "assets": unit["assets"], "state_owned": unit["state_owned"],
            "flags": [f for f in unit["flags"].split(";") if f], "attrition_2019": unit["attrition_2019"],
            "work_injury_class": unit["work_injury_class"],
            "insured": dict(zip(insured["month"], insured["headcount"], strict=True)),
            "si_additions": dict(zip(additions["month"], additions["count"], strict=True)),
            "contributions": contributions.drop("uscc").to_dicts(),
            "finance": {"profit_tax_change_2019": unit["finance_profit_tax_change_2019"],
                        "ui_contribution_months": unit["finance_ui_contribution_months"],
                        "quarterly_profit": dict(zip(profits["quarter"], profits["profit"], strict=True))},
        },
    }


def test_batch_equals_the_calculator(registry: Path, baseline: Path) -> None:
    payments = pl.read_csv(baseline / "payments" / "cn.si_relief_2020.csv", schema_overrides={"region": pl.String})
    henan = pl.read_csv(baseline / "payments" / "xinmi.stable_job_refund_2020.csv", schema_overrides={"region": pl.String})
    sample = [*payments["uscc"].head(4).to_list(), *henan["uscc"].head(2).to_list()]
    assert len(sample) >= 4
    for uscc in sample:
        single = {r["policy"]: r for r in evaluate_json(case_for(registry, uscc))["results"]}
        for policy in ("cn.si_relief_2020", "cn.si_feb_refund_2020", "xinmi.stable_job_refund_2020",
                       "beijing.one_time_si_subsidy_2020"):
            path = baseline / "payments" / f"{policy}.csv"
            listed = pl.read_csv(path, schema_overrides={"region": pl.String}).filter(pl.col("uscc") == uscc)
            r = single[policy]
            paid = r["eligible"] and (r["amount"] or 0) > 0 and not r.get("overlaps")
            assert listed.height == (1 if paid else 0), (uscc, policy, r)
            if paid:
                assert abs(listed["amount"][0] - r["amount"]) < 0.005


def test_outputs(baseline: Path) -> None:
    policies = pl.read_csv(baseline / "policies.csv")
    relief = policies.filter(pl.col("policy") == "cn.si_relief_2020").row(0, named=True)
    assert relief["paid_units"] > 0 and relief["amount"] > 0
    payments = pl.read_csv(baseline / "payments" / "cn.si_relief_2020.csv")
    assert abs(payments["amount"].sum() - relief["amount"]) < 0.01
    summary = pl.read_csv(baseline / "summary.csv", schema_overrides={"prefecture": pl.String})
    assert abs(summary.filter(pl.col("policy") == "cn.si_relief_2020")["amount"].sum() - relief["amount"]) < 0.01
    assert {"prefecture", "size", "industry_section", "units", "eligible", "amount"} <= set(summary.columns)
    report = (baseline / "report.html").read_text(encoding="utf-8")
    assert "<svg" in report and "阶段性减免企业社会保险费" in report
    book = pl.read_excel(baseline / "payments.xlsx", sheet_name="目录")
    assert "cn.si_relief_2020" in book["政策编号"].to_list()
    rejected = pl.read_csv(baseline / "rejections" / "cn.si_relief_2020.csv")
    assert rejected["reasons"].str.len_chars().min() > 0
    # the Henan/Xinmi refund is paid once: no unit is in both payment lists
    xinmi = set(pl.read_csv(baseline / "payments" / "xinmi.stable_job_refund_2020.csv")["uscc"])
    henan = set(pl.read_csv(baseline / "payments" / "henan.stable_job_refund_2020.csv")["uscc"])
    assert xinmi and not (xinmi & henan)


def test_bad_rows_reported_and_good_rows_run(tmp_path: Path) -> None:
    reg = tmp_path / "reg"
    reg.mkdir()
    (reg / "units.csv").write_text(
        "uscc,name,region,unit_type,industry,employees,revenue,assets,flags\n"
        "91110108MA01C7LM3W,甲,110108,enterprise,I65,50,5000000,100,\n"
        "91110108MA01C7LM3X,乙,110108,enterprise,I65,50,5000000,100,\n"
        "91420100MA4K0AAA17,丙,999999,enterprise,C38,50,5000000,100,\n"
        "91410183MA45CCCC35,丁,410183,enterprise,F52,-5,3000000,100,\n"
        "91410105MA44BBBB2T,戊,410105,enterprise,F52,25,3000000,100,lucky\n",
        encoding="utf-8")
    (reg / "contributions.csv").write_text(
        "uscc,month,insurance,employer_due,employer_paid\n"
        "91110108MA01C7LM3W,2020-02,pension,1000,1000\n"
        "91110108MA01C7LM3W,2020-13,pension,1000,1000\n"
        "91110108MA01C7LM3W,2020-03,pension,abc,1000\n"
        "91431100MA4LFFFF6K,2020-03,pension,1000,1000\n"
        "91110108MA01C7LM3W,2020-04,pension,1000,1000\n",
        encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([str(RENSHE), "batch", str(reg), "--as-of", "2020-07-31", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    problems = pl.read_csv(out / "problems.csv")
    got = {(r["file"], r["row"], r["field"]) for r in problems.iter_rows(named=True)}
    assert got == {
        ("units.csv", 2, "uscc"), ("units.csv", 3, "region"), ("units.csv", 4, "employees"), ("units.csv", 5, "flags"),
        ("contributions.csv", 2, "month"), ("contributions.csv", 3, "employer_due"), ("contributions.csv", 4, "uscc"),
    }
    assert all(p for p in problems["problem"])
    relief = pl.read_csv(out / "payments" / "cn.si_relief_2020.csv")
    assert relief["uscc"].to_list() == ["91110108MA01C7LM3W"]
    assert relief["amount"].to_list() == [2000.0]


def test_xlsx_workbook_registry(tmp_path: Path) -> None:
    make_registry(40, 5, tmp_path / "reg", fmt="xlsx")
    make_registry(40, 5, tmp_path / "reg_pq", fmt="parquet")
    a = run_batch(BatchConfig(tmp_path / "reg" / "registry.xlsx", AS_OF, tmp_path / "a", workers=1))
    b = run_batch(BatchConfig(tmp_path / "reg_pq", AS_OF, tmp_path / "b", workers=1))
    assert a["units"] == 40 and a["rejected_rows"] == 0
    assert a["total_amount"] == b["total_amount"] > 0


def test_resume_after_kill_is_byte_identical(registry: Path, baseline: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [str(RENSHE), "batch", str(registry), "--as-of", AS_OF.isoformat(), "--out", str(out),
            "--partition-size", "150", "--workers", "1",
            *[x for k, v in OVERRIDES.items() for x in ("--set", f"{k}={v}")]]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    def finished() -> list[Path]:
        return sorted((out / "_work" / "results").glob("*/part-*.parquet"))

    deadline = time.time() + 240
    while not finished() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert finished(), "a partition finished before the kill"
    assert not (out / "policies.csv").exists(), "killed before the outputs were written"
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert digest(out) == digest(baseline)


def test_dask_local_cluster_equals_local(registry: Path, baseline: Path, tmp_path: Path) -> None:
    out = tmp_path / "dask"
    run_batch(BatchConfig(registry, AS_OF, out, overrides=OVERRIDES, partition_size=150, scheduler="local"))
    assert digest(out) == digest(baseline)


def test_unknown_policy_is_refused(registry: Path, tmp_path: Path) -> None:
    proc = subprocess.run([str(RENSHE), "batch", str(registry), "--as-of", "2020-07-31", "--out", str(tmp_path),
                           "--policies", "cn.nope"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "cn.nope" in proc.stderr


def test_demo_command(tmp_path: Path) -> None:
    proc = subprocess.run([str(RENSHE), "demo", "registry", "--units", "30", "--seed", "1", "--out", str(tmp_path),
                           "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert pl.read_csv(tmp_path / "units.csv").height == 30
    assert json.loads(json.dumps({"ok": True}))["ok"]


# --- outputs: the fast writers give the bytes of the straightforward ones -------------------

def _reference_outputs(work: Path, key: str, out: Path, rule_ids: list[str], as_of: dt.date) -> None:
    """The outputs as first written: every policy's rows joined to the units, the summary
    one streamed group-by over all results, the workbook cell by cell through xlsxwriter."""
    from renshe.batch import outputs as o
    from renshe.engine.rules import registry as rule_registry

    reg = rule_registry()
    results = o.load_results(work, key)
    for sub in ("payments", "rejections", "eligible"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    problems = pl.read_parquet(work / "problems.parquet")
    problems.write_csv(out / "problems.csv")
    money = pl.col("unit") == "CNY"
    paid = (money & pl.col("eligible") & (pl.col("amount") > 0) & pl.col("overlaps").is_null()).fill_null(False)
    pending = (money & pl.col("eligible") & pl.col("amount").is_null()).fill_null(False)
    frame = results.with_columns(paid.alias("paid"), pending.alias("pending"),
                                 pl.col("region").str.slice(0, 4).alias("prefecture"))
    sheets, rows = {}, []
    for pid in rule_ids:
        rule = reg.rules[pid]
        mine = frame.filter(pl.col("policy") == pid).collect()
        scope = mine.filter(pl.col("in_scope"))
        pay = scope.filter(pl.col("paid")).sort("uscc").select(
            "uscc", "name", "region", "amount", "mode", "period_from", "period_to", "reasons")
        rejected = scope.filter(~pl.col("eligible")).sort("uscc").select("uscc", "name", "region", "reasons")
        rejected.write_csv(out / "rejections" / f"{pid}.csv")
        if (mine["unit"] == "CNY").any():
            pay.write_csv(out / "payments" / f"{pid}.csv", float_precision=2)
            sheets[pid] = pay
        else:
            scope.filter(pl.col("eligible")).sort("uscc").select(
                "uscc", "name", "region", "amount", "unit", "period_from", "period_to", "extras", "reasons",
            ).write_csv(out / "eligible" / f"{pid}.csv")
        rows.append({"policy": pid, "title": rule.title, "doc_no": rule.doc_no, "units_in_scope": scope.height,
                     "eligible": int(scope["eligible"].sum()), "paid_units": pay.height,
                     "amount": round(float(pay["amount"].sum()), 2), "pending": int(scope["pending"].sum()),
                     "rejected": rejected.height})
    policies = pl.DataFrame(rows, schema={
        "policy": pl.String, "title": pl.String, "doc_no": pl.String, "units_in_scope": pl.Int64,
        "eligible": pl.Int64, "paid_units": pl.Int64, "amount": pl.Float64, "pending": pl.Int64,
        "rejected": pl.Int64})
    policies.write_csv(out / "policies.csv", float_precision=2)
    summary = (
        frame.filter(pl.col("in_scope"))
        .with_columns(pl.col("industry").str.slice(0, 1).alias("industry_section"))
        .group_by("policy", "prefecture", "size", "industry_section")
        .agg(pl.len().alias("units"), pl.col("eligible").sum().alias("eligible"),
             pl.col("paid").sum().alias("paid_units"),
             (pl.when(pl.col("paid")).then(pl.col("amount")).otherwise(0.0) * 100).round().cast(pl.Int64)
             .sum().alias("fen"))
        .with_columns((pl.col("fen") / 100).round(2).alias("amount")).drop("fen")
        .sort("policy", "prefecture", "size", "industry_section", nulls_last=True)
        .collect(engine="streaming")
    )
    names = o._names(summary["prefecture"].drop_nulls().unique().sort().to_list())
    summary = summary.with_columns(pl.col("prefecture").replace_strict(names, default=None).alias("prefecture_name"))
    summary.write_csv(out / "summary.csv", float_precision=2)
    o.write_workbook_plain(out / "payments.xlsx", policies, sheets)
    o.write_report(out / "report.html", policies, summary, as_of, problems.height)


def _run_key(work: Path) -> str:
    (key,) = [p.name for p in (work / "results").iterdir()]
    return key


def test_outputs_equal_the_straightforward_ones(baseline: Path, tmp_path: Path) -> None:
    from renshe.batch.runner import batch_rules

    _reference_outputs(baseline / "_work", _run_key(baseline / "_work"), tmp_path, batch_rules(None), AS_OF)
    assert digest(tmp_path) == digest(baseline)
    index = pl.read_excel(baseline / "payments.xlsx", sheet_name="目录")
    assert index["拨付单位数"].max() > 1  # rows written by the fast workbook path


def test_outputs_when_units_are_not_in_partition_order(baseline: Path, tmp_path: Path) -> None:
    """Units found by joining instead of by position give the same bytes."""
    import shutil

    from renshe.batch.outputs import write_outputs
    from renshe.batch.runner import batch_rules

    work = tmp_path / "_work"
    shutil.copytree(baseline / "_work", work)
    units = pl.read_parquet(work / "units.parquet")
    units.sample(fraction=1.0, shuffle=True, seed=3).write_parquet(work / "units.parquet")
    write_outputs(work, _run_key(work), tmp_path, batch_rules(None), AS_OF)
    assert digest(tmp_path) == digest(baseline)


def _workbook_inputs(names: list[str | None], odd: list[float]) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    amounts = odd + [0.1 + 0.2, 1e16, 123456789.125, 1 / 3, -5.5, 0.0, None, 1e-7, 12345678901234567.0, 7000.0]
    n = len(names)
    big = pl.DataFrame({
        "uscc": [f"9111{i:014d}" for i in range(n)], "name": names, "region": ["110105"] * n,
        "amount": [amounts[i % len(amounts)] for i in range(n)], "mode": [None, "", "减半"] * (n // 3) + [None] * (n % 3),
        "period_from": ["2020-02"] * n, "period_to": ["2020-06"] * n,
        "reasons": [f"理由 {i % 5}" if i % 4 else "cn.si_relief_2020" for i in range(n)],
    }, schema_overrides={"name": pl.String, "mode": pl.String})
    sheets = {"cn.si_relief_2020": big, "cn.empty": big.clear(), "cn.one": big.slice(3, 1), "cn.again": big.reverse()}
    policies = pl.DataFrame({
        "policy": list(sheets), "title": ["阶段性减免 & <社保>", "空", " 一条", "再来"], "doc_no": ["人社部发〔2020〕11号", None, "", "x"],
        "units_in_scope": [n, 0, 1, n], "eligible": [n, 0, 1, n], "paid_units": [n, 0, 1, n],
        "amount": [1.5, 0.0, 2.25, 3.0], "pending": [0, 0, 0, 0], "rejected": [0, 0, 0, 0]})
    return policies, sheets


TRICKY = ["A&B<C>D\"E'", " leading", "trailing ", "\ttab", "line\nbreak", "\u3000全角", "_x0041_ literal",
          "ctrl\x01char", "bad\ufffe", "<r>rich</r>", "", None, "单位名称", "cn.si_relief_2020", "1", "普通单位",
          "普通单位", "x" * 300]


@pytest.mark.parametrize("extra, odd, fast", [
    ([], [], True), (["=SUM(A1:A2)"], [], False), (["http://example.com"], [], False), (["y" * 20_000], [], False),
    ([], [-0.0], False)])
def test_workbook_fast_equals_cell_by_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          extra: list[str], odd: list[float], fast: bool) -> None:
    """Every kind of text and number in the rows; the cells xlsxwriter writes otherwise (a
    formula, a link, a text too long to be sure of, -0.0) leave the workbook to xlsxwriter."""
    from renshe.batch import outputs as o

    used: list[bool] = []
    fill = o._fill_skeleton

    def spy(*args: Any) -> None:
        try:
            fill(*args)
        except o._Unusual:
            used.append(False)
            raise
        used.append(True)

    monkeypatch.setattr(o, "_fill_skeleton", spy)
    policies, sheets = _workbook_inputs((TRICKY * 3) + extra, odd)
    o.write_workbook(tmp_path / "fast.xlsx", policies, sheets)
    o.write_workbook_plain(tmp_path / "plain.xlsx", policies, sheets)
    assert used == [fast]
    assert (tmp_path / "fast.xlsx").read_bytes() == (tmp_path / "plain.xlsx").read_bytes()
