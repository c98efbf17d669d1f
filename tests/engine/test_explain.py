"""--explain: each intermediate quantity, the parameter values used and their citations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLES, run_cli


def test_explain_trace(tmp_path: Path) -> None:
    example = json.loads((EXAMPLES / "01_beijing_medium_software.json").read_text(encoding="utf-8"))
    f = tmp_path / "c.json"
    f.write_text(json.dumps(example["case"]), encoding="utf-8")
    plain = json.loads(run_cli("evaluate", str(f)).stdout)
    proc = run_cli("evaluate", str(f), "--explain")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    results: dict[str, Any] = {r["policy"]: r for r in out["results"]}
    subsidy = results["beijing.one_time_si_subsidy_2020"]
    quantities = {t["quantity"]: t["value"] for t in subsidy["trace"] if "quantity" in t}
    assert quantities["mean_insured_2020_01_04"] == 114.25
    assert quantities["mean_insured_2019"] == 100.0
    assert quantities["ratio"] == 0.3
    assert quantities["employer_paid_feb_apr"] == 73600.0
    params = {t["parameter"]: t for t in subsidy["trace"] if "parameter" in t}
    cap = params["beijing.one_time_si_subsidy_2020.cap_per_person"]
    assert cap["value"] == 6315
    assert cap["citation"]["doc_no"] == "京人社就字〔2020〕15号" and "6315" in cap["citation"]["quote"]
    assert all(not r["trace"] for r in plain["results"])
    assert [r["amount"] for r in plain["results"]] == [r["amount"] for r in out["results"]]
