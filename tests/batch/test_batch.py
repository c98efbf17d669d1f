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
import zipfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from renshe.batch.demo import make_registry
from renshe.batch.runner import BatchConfig, run_batch
from renshe.engine.calculator import evaluate_json
from renshe.engine.rules import registry as rule_registry
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
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "_work" not in p.parts
    }


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
        "as_of": AS_OF.isoformat(),
        "parameters": OVERRIDES,
        "enterprise": {
            "uscc": uscc,
            "name": unit["name"],
            "region": unit["region"],
            "unit_type": unit["unit_type"],
            "industry": unit["industry"],
            "employees": unit["employees"],
            "revenue": unit["revenue"],
            "assets": unit["assets"],
            "state_owned": unit["state_owned"],
            "flags": [f for f in unit["flags"].split(";") if f],
            "attrition_2019": unit["attrition_2019"],
            "work_injury_class": unit["work_injury_class"],
            "insured": dict(zip(insured["month"], insured["headcount"], strict=True)),
            "si_additions": dict(zip(additions["month"], additions["count"], strict=True)),
            "contributions": contributions.drop("uscc").to_dicts(),
            "finance": {
                "profit_tax_change_2019": unit["finance_profit_tax_change_2019"],
                "ui_contribution_months": unit["finance_ui_contribution_months"],
                "quarterly_profit": dict(zip(profits["quarter"], profits["profit"], strict=True)),
            },
        },
    }


LISTED = ("cash", "reduction", "deferral")


def listed_amounts(out: Path, uscc: str) -> dict[str, float]:
    """A unit's amount in each policy's list of counted money (payments, reductions, deferrals)."""
    from renshe.batch.outputs import LISTS

    found: dict[str, float] = {}
    for kind in LISTS.values():
        for path in sorted((out / kind.folder).glob("*.csv")):
            rows = pl.read_csv(path, schema_overrides={"region": pl.String, "amount": pl.Float64}).filter(
                pl.col("uscc") == uscc
            )
            assert rows.height <= 1, (path, uscc)
            if rows.height:
                found[path.stem] = rows["amount"][0]
    return found


def test_batch_equals_the_calculator(registry: Path, baseline: Path) -> None:
    """Each sampled unit's lists hold what the calculator counts for it, policy by policy
    (a whole net of its parts) and flow by flow (the body's totals)."""
    from renshe.engine.same_money import counted

    reg = rule_registry()
    reductions = pl.read_csv(baseline / "reductions" / "cn.si_relief_2020.csv")
    henan = pl.read_csv(baseline / "payments" / "xinmi.stable_job_refund_2020.csv")
    sample = [*reductions["uscc"].head(4).to_list(), *henan["uscc"].head(2).to_list()]
    assert len(sample) == 6
    for uscc in sample:
        body = evaluate_json(case_for(registry, uscc))
        results = [r for r in body["results"] if reg.rules[r["policy"]].entity == "enterprise"]
        expected: dict[str, float] = {}
        for r in results:
            if counted(r, body["as_of"]) and r["flow"] in LISTED:
                parts = sum(
                    p["amount"] for p in results if p.get("part_of") == r["policy"] and counted(p, body["as_of"])
                )
                if round(r["amount"] - parts, 2) > 0:
                    expected[r["policy"]] = round(r["amount"] - parts, 2)
        listed = listed_amounts(baseline, uscc)
        assert listed.keys() == expected.keys(), uscc
        for policy, amount in expected.items():
            assert abs(listed[policy] - amount) < 0.005, (uscc, policy)
        by_flow = {flow: 0.0 for flow in LISTED}
        for policy, amount in listed.items():
            by_flow[reg.rules[policy].flow] += amount
        for flow in LISTED:
            assert abs(by_flow[flow] - body["totals"][flow]) < 0.005, (uscc, flow)


def test_outputs(baseline: Path) -> None:
    policies = pl.read_csv(baseline / "policies.csv")
    relief = policies.filter(pl.col("policy") == "cn.si_relief_2020").row(0, named=True)
    assert relief["flow"] == "reduction" and relief["counted_units"] > 0 and relief["amount"] > 0
    reductions = pl.read_csv(baseline / "reductions" / "cn.si_relief_2020.csv")
    assert abs(reductions["amount"].sum() - relief["amount"]) < 0.01
    assert not (baseline / "payments" / "cn.si_relief_2020.csv").exists()  # a reduction is not paid
    summary = pl.read_csv(baseline / "summary.csv", schema_overrides={"prefecture": pl.String})
    assert abs(summary.filter(pl.col("policy") == "cn.si_relief_2020")["amount"].sum() - relief["amount"]) < 0.01
    assert {"prefecture", "size", "industry_section", "flow", "units", "eligible", "counted_units", "amount"} <= set(
        summary.columns
    )
    totals = json.loads((baseline / "summary.json").read_text(encoding="utf-8"))["totals"]
    by_flow = policies.group_by("flow").agg(pl.col("amount").sum())
    for flow, amount in by_flow.iter_rows():
        assert abs(totals.get(flow, 0.0) - amount) < 0.01, flow
    report = (baseline / "report.html").read_text(encoding="utf-8")
    assert "<svg" in report and "阶段性减免企业社会保险费" in report
    assert "合计（现金拨付）" in report and "合计（减免）" in report and "cn.si_relief_2020" not in report
    book = pl.read_excel(baseline / "reductions.xlsx", sheet_name="目录")
    assert "cn.si_relief_2020" in book["政策编号"].to_list()
    assert book["政策"].to_list()[-1] == "合计（减免）"
    assert abs(book["减免金额（元）"].to_list()[-1] - totals["reduction"]) < 0.01
    rejected = pl.read_csv(baseline / "rejections" / "cn.si_relief_2020.csv")
    assert rejected["reasons"].str.len_chars().min() > 0
    assert set(rejected["status"]) <= {"ineligible", "undetermined"}
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
        encoding="utf-8",
    )
    (reg / "contributions.csv").write_text(
        "uscc,month,insurance,employer_due,employer_paid\n"
        "91110108MA01C7LM3W,2020-02,pension,1000,1000\n"
        "91110108MA01C7LM3W,2020-13,pension,1000,1000\n"
        "91110108MA01C7LM3W,2020-03,pension,abc,1000\n"
        "91431100MA4LFFFF6K,2020-03,pension,1000,1000\n"
        "91110108MA01C7LM3W,2020-04,pension,1000,1000\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = subprocess.run(
        [str(RENSHE), "batch", str(reg), "--as-of", "2020-07-31", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    problems = pl.read_csv(out / "problems.csv")
    got = {(r["file"], r["row"], r["field"]) for r in problems.iter_rows(named=True)}
    assert got == {
        ("units.csv", 2, "uscc"),
        ("units.csv", 3, "region"),
        ("units.csv", 4, "employees"),
        ("units.csv", 5, "flags"),
        ("contributions.csv", 2, "month"),
        ("contributions.csv", 3, "employer_due"),
        ("contributions.csv", 4, "uscc"),
    }
    assert all(p for p in problems["problem"])
    # 2000.00 of relief (February and April): the February part refunded in cash (paid in
    # February), the rest a reduction — each money once
    relief = pl.read_csv(out / "reductions" / "cn.si_relief_2020.csv")
    refund = pl.read_csv(out / "payments" / "cn.si_feb_refund_2020.csv")
    assert relief["uscc"].to_list() == ["91110108MA01C7LM3W"]
    assert refund["uscc"].to_list() in ([], ["91110108MA01C7LM3W"])
    netted = ("cn.si_relief_2020", "cn.si_feb_refund_2020") in [
        rel.members for rel in rule_registry().relations if rel.kind == "part_of"
    ]
    assert relief["amount"].sum() + (refund["amount"].sum() if netted else 0.0) == 2000.0


def test_xlsx_workbook_registry(tmp_path: Path) -> None:
    make_registry(40, 5, tmp_path / "reg", fmt="xlsx")
    make_registry(40, 5, tmp_path / "reg_pq", fmt="parquet")
    a = run_batch(BatchConfig(tmp_path / "reg" / "registry.xlsx", AS_OF, tmp_path / "a", workers=1))
    b = run_batch(BatchConfig(tmp_path / "reg_pq", AS_OF, tmp_path / "b", workers=1))
    assert a["units"] == 40 and a["rejected_rows"] == 0
    assert a["totals"] == b["totals"] and a["totals"]["cash"] > 0 and a["totals"]["reduction"] > 0


def test_resume_after_kill_is_byte_identical(registry: Path, baseline: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [
        str(RENSHE),
        "batch",
        str(registry),
        "--as-of",
        AS_OF.isoformat(),
        "--out",
        str(out),
        "--partition-size",
        "150",
        "--workers",
        "1",
        *[x for k, v in OVERRIDES.items() for x in ("--set", f"{k}={v}")],
    ]
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
    proc = subprocess.run(
        [str(RENSHE), "batch", str(registry), "--as-of", "2020-07-31", "--out", str(tmp_path), "--policies", "cn.nope"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "cn.nope" in proc.stderr


def test_demo_command(tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(RENSHE), "demo", "registry", "--units", "30", "--seed", "1", "--out", str(tmp_path), "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert pl.read_csv(tmp_path / "units.csv").height == 30
    assert json.loads(json.dumps({"ok": True}))["ok"]


# --- outputs: the fast writers give the bytes of the straightforward ones -------------------


def _text(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells a spreadsheet would take for a formula, with a leading apostrophe (cell by cell)."""

    def safe(value: str | None) -> str | None:
        return "'" + value if value and value[0] in "=+-@\t\r" else value

    return frame.with_columns(
        [
            pl.col(c).map_elements(safe, return_dtype=pl.String, skip_nulls=False)
            for c, t in frame.schema.items()
            if t == pl.String
        ]
    )


def _reference_outputs(work: Path, key: str, out: Path, rule_ids: list[str], as_of: dt.date) -> None:
    """The outputs written the straightforward way: every result joined to its unit, what
    counts and each whole net of its parts decided over all results at once, each policy's
    lists filtered from them, the summary one streamed group-by over all results, CSV cells
    made safe one by one, the workbooks cell by cell through xlsxwriter."""
    from renshe.batch import outputs as o
    from renshe.engine.same_money import MONEY_FLOWS, counted_expr

    reg = rule_registry()
    rule_ids = list(dict.fromkeys(rule_ids))
    stage = json.loads((work / "stage.json").read_text(encoding="utf-8"))
    for sub in ("payments", "reductions", "deferrals", "rejections", "eligible"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    problems = pl.read_parquet(work / "problems.parquet")
    _text(problems).write_csv(out / "problems.csv")
    mine = o.load_results(work, key).filter(pl.col("policy").is_in(rule_ids) & (pl.col("status") != "out_of_scope"))
    frame = mine.with_columns(pl.lit(as_of.isoformat()).alias("as_of")).with_columns(
        counted_expr().alias("counted"),
        pl.col("region").str.slice(0, 4).alias("prefecture"),
        pl.col("industry").str.slice(0, 1).alias("industry_section"),
        ((pl.col("unit") == "CNY") & (pl.col("status") == "eligible") & pl.col("amount").is_null())
        .fill_null(False)
        .alias("pending"),
    )
    parts = (
        o.load_results(work, key)
        .with_columns(pl.lit(as_of.isoformat()).alias("as_of"))
        .filter(counted_expr() & pl.col("part_of").is_not_null())
        .group_by("uscc", pl.col("part_of").alias("policy"))
        .agg(pl.col("amount").sum().alias("part_amount"))
    )
    frame = (
        frame.join(parts, on=["uscc", "policy"], how="left")
        .with_columns(
            pl.when(pl.col("counted")).then(pl.col("part_amount").fill_null(0.0)).otherwise(0.0).alias("part_amount"),
        )
        .with_columns(
            pl.when(pl.col("counted"))
            .then(
                pl.when(pl.col("part_amount") == 0)
                .then(pl.col("amount"))
                .otherwise((pl.col("amount") - pl.col("part_amount")).round(2))
            )
            .alias("net")
        )
    )
    books: dict[str, dict[str, pl.DataFrame]] = {flow: {} for flow in o.LISTS}
    rows, fen = [], {flow: 0 for flow in MONEY_FLOWS}
    paid_rows = paid_fen = 0
    for pid in rule_ids:
        rule = reg.rules[pid]
        scope = frame.filter(pl.col("policy") == pid).collect()
        listed = scope.filter(pl.col("counted") & (pl.col("net") > 0)).sort("uscc")
        rejected = (
            scope.filter(pl.col("status").is_in(["ineligible", "undetermined"]))
            .sort("uscc")
            .select("uscc", "name", "region", "status", "missing", "reasons")
        )
        _text(rejected).write_csv(out / "rejections" / f"{pid}.csv")
        if rule.flow in o.LISTS:
            kind = o.LISTS[rule.flow]
            lst = listed.with_columns(pl.col("net").alias("amount")).select(kind.columns)
            _text(lst).write_csv(out / kind.folder / f"{pid}.csv", float_precision=2)
            if lst.height:
                books[rule.flow][pid] = lst
        else:
            _text(
                scope.filter(pl.col("status") == "eligible")
                .sort("uscc")
                .select(
                    "uscc",
                    "name",
                    "region",
                    "amount",
                    "unit",
                    "period_from",
                    "period_to",
                    "deadline",
                    "extras",
                    "overlaps",
                    "part_of",
                    "excluded_by",
                    "reasons",
                )
            ).write_csv(out / "eligible" / f"{pid}.csv")
        cents = int(scope.filter(pl.col("counted")).select((pl.col("net") * 100).round().cast(pl.Int64).sum()).item())
        if rule.flow in fen:
            fen[rule.flow] += cents
        if rule.flow == "cash":
            paid_rows += listed.height
            paid_fen += int(listed.select((pl.col("net") * 100).round().cast(pl.Int64).sum()).item())
        rows.append(
            {
                "policy": pid,
                "title": rule.title,
                "doc_no": rule.doc_no,
                "flow": rule.flow,
                "units_in_scope": scope.height,
                "eligible": int((scope["status"] == "eligible").sum()),
                "undetermined": int((scope["status"] == "undetermined").sum()),
                "rejected": int((scope["status"] == "ineligible").sum()),
                "counted_units": listed.height,
                "amount": round(cents / 100, 2),
                "part_amount": round(
                    int(scope.select((pl.col("part_amount") * 100).round().cast(pl.Int64).sum()).item()) / 100, 2
                ),
                "pending": int(scope["pending"].sum()),
            }
        )
    policies = pl.DataFrame(rows, schema=o.POLICY_SCHEMA)
    policies.write_csv(out / "policies.csv", float_precision=2)
    summary = (
        frame.group_by("policy", "flow", "prefecture", "size", "industry_section")
        .agg(
            pl.len().alias("units"),
            (pl.col("status") == "eligible").sum().alias("eligible"),
            (pl.col("counted") & (pl.col("net") > 0)).fill_null(False).sum().alias("counted_units"),
            pl.when(pl.col("counted"))
            .then((pl.col("net") * 100).round().cast(pl.Int64))
            .otherwise(0)
            .sum()
            .alias("fen"),
        )
        .with_columns((pl.col("fen") / 100).round(2).alias("amount"))
        .drop("fen")
        .sort("policy", "prefecture", "size", "industry_section", nulls_last=True)
        .collect(engine="streaming")
    )
    names = o._names(summary["prefecture"].drop_nulls().unique().sort().to_list())
    summary = summary.with_columns(pl.col("prefecture").replace_strict(names, default=None).alias("prefecture_name"))
    summary.write_csv(out / "summary.csv", float_precision=2)
    for flow, kind in o.LISTS.items():
        o.write_lists_workbook(out / kind.workbook, flow, books[flow], reg, plain=True)
    result = o._write_summary_json(out, stage["units"], fen, paid_rows, paid_fen)
    o.write_report(
        out / "report.html", policies, summary, result["totals"], as_of, problems.height, stage["units"], reg
    )


def _run_key(work: Path) -> str:
    (key,) = [p.name for p in (work / "results").iterdir()]
    return key


def test_outputs_equal_the_straightforward_ones(baseline: Path, tmp_path: Path) -> None:
    from renshe.batch.runner import batch_rules

    _reference_outputs(baseline / "_work", _run_key(baseline / "_work"), tmp_path, batch_rules(None), AS_OF)
    assert digest(tmp_path) == digest(baseline)
    for book, column in (("payments", "拨付单位数"), ("reductions", "减免单位数")):
        index = pl.read_excel(baseline / f"{book}.xlsx", sheet_name="目录")
        assert index[column].head(-1).max() > 1  # rows written by the fast workbook path


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


def _workbook_inputs(names: list[str | None], odd: list[float]) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """An index (with a total row, blanks and odd texts) and sheets of every kind of cell; an
    empty sheet too (the batch writes none, the writer still handles one)."""
    from renshe.batch.outputs import PAY_HEADERS

    amounts = odd + [0.1 + 0.2, 1e16, 123456789.125, 1 / 3, -5.5, 0.0, None, 1e-7, 12345678901234567.0, 7000.0]
    n = len(names)
    big = pl.DataFrame(
        {
            "uscc": [f"9111{i:014d}" for i in range(n)],
            "name": names,
            "region": ["110105"] * n,
            "amount": [amounts[i % len(amounts)] for i in range(n)],
            "mode": [None, "", "减半"] * (n // 3) + [None] * (n % 3),
            "period_from": ["2020-02"] * n,
            "period_to": ["2020-06"] * n,
            "reasons": [f"理由 {i % 5}" if i % 4 else "cn.si_relief_2020" for i in range(n)],
        },
        schema_overrides={"name": pl.String, "mode": pl.String},
    )
    frames = [f.rename(PAY_HEADERS) for f in (big, big.clear(), big.slice(3, 1), big.reverse())]
    index = pl.DataFrame(
        {
            "工作表": ["1", "2", "3", "4", ""],
            "政策": ["阶段性减免 & <社保>", "空", " 一条", "=再来", "合计（现金拨付）"],
            "文号": ["人社部发〔2020〕11号", None, "", "x", ""],
            "政策编号": ["cn.si_relief_2020", "cn.empty", "cn.one", "cn.again", ""],
            "拨付单位数": [n, 0, 1, n, 2 * n + 1],
            "拨付金额（元）": [1.5, 0.0, 2.25, 3.0, 6.75],
        }
    )
    return index, frames


TRICKY = [
    "A&B<C>D\"E'",
    " leading",
    "trailing ",
    "\ttab",
    "line\nbreak",
    "\u3000全角",
    "_x0041_ literal",
    "ctrl\x01char",
    "bad\ufffe",
    "<r>rich</r>",
    "",
    None,
    "单位名称",
    "cn.si_relief_2020",
    "1",
    "普通单位",
    "普通单位",
    "x" * 300,
]


@pytest.mark.parametrize(
    "extra, odd, fast",
    [
        ([], [], True),
        (["=SUM(A1:A2)", "{=A1}", "+1", "-2", "@x"], [], True),
        (["http://example.com", "mailto:a@b.c"], [], True),
        (["y" * 20_000], [], False),
        ([], [-0.0], False),
    ],
)
def test_workbook_fast_equals_cell_by_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str], odd: list[float], fast: bool
) -> None:
    """Every kind of text and number in the rows; the cells xlsxwriter writes otherwise (a
    text too long to be sure of, -0.0) leave the workbook to xlsxwriter. A text that looks
    like a formula or a link is data: a string in both, never a formula or a hyperlink."""
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
    index, frames = _workbook_inputs((TRICKY * 3) + extra, odd)
    o.write_workbook(tmp_path / "fast.xlsx", index, frames, "免申即享 拨付名单")
    o.write_workbook_plain(tmp_path / "plain.xlsx", index, frames, "免申即享 拨付名单")
    assert used == [fast]
    assert (tmp_path / "fast.xlsx").read_bytes() == (tmp_path / "plain.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in book.read(n).decode() or "<hyperlink" in book.read(n).decode() for n in sheets)
        shared = book.read("xl/sharedStrings.xml").decode()
    for text in extra:
        if len(text) < 100:
            assert f"<t>{text.replace('&', '&amp;')}</t>" in shared
