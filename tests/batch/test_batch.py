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
