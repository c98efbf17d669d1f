"""`renshe policies show ID`: from a catalog id to the rule's code, law and tests in one step."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_show_names_the_module_the_yaml_and_the_cases_of_the_rule() -> None:
    proc = run_cli("policies", "show", "cn.si_feb_refund_2020")
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    files = body["files"]
    assert files["module"] == "src/renshe/policies/cn/rsbf_2020_11.py"
    assert files["yaml"] == "src/renshe/policies/cn/rsbf_2020_11.yaml"
    assert files["cases"] == "tests/policies/cases/cn.si_feb_refund_2020.yaml"
    for path in files.values():
        assert (ROOT / path).is_file(), path
    assert "cn.si_feb_refund_2020" in (ROOT / files["yaml"]).read_text(encoding="utf-8")
    # what the money is, and the same money it is part of, with the sentence that decides it
    assert body["flow"] == "cash"
    assert [rel["kind"] for rel in body["same_money"]] == ["part_of"]
    assert body["same_money"][0]["members"] == ["cn.si_relief_2020", "cn.si_feb_refund_2020"]
    assert body["same_money"][0]["citation"]["quote"]
