"""A rule needs facts: when the case says nothing about one, the result is undetermined
(naming the fact), never eligible, and never ineligible as if the answer were "no".

京人社劳字〔2020〕11号 一、二: 职工医疗期中，企业应当根据劳动合同或集体合同的约定，支付病假工资，
病假工资不得低于北京市最低工资标准的80%。……待岗期间，企业应当按照不低于本市最低工资标准的70%支付基本生活费。
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import renshe.policies
from renshe.engine.calculator import evaluate_json

ROOT = Path(__file__).resolve().parents[2]
NURSE = ROOT.parent / "shared" / "spec" / "examples-v2" / "06_beijing_frontline_nurse.json"
#: a region in each jurisdiction
REGIONS = ["110105", "420102", "410105", "410183", "431102", "510104"]


def _results(case: dict) -> dict[str, dict]:
    return {r["policy"]: r for r in evaluate_json(case)["results"]}


@pytest.mark.skipif(not NURSE.exists(), reason="shared examples not present")
def test_the_nurse_is_undetermined_for_standby_and_sick_pay_and_eligible_only_where_her_facts_say() -> None:
    example = json.loads(NURSE.read_text(encoding="utf-8"))
    results = _results(example["case"])
    for policy, amount, fact in [
        ("beijing.standby_living_allowance_floor", 1540.0, "person.on_standby"),
        ("beijing.sick_pay_floor", 1760.0, "person.on_sick_leave"),
    ]:
        r = results[policy]
        assert (r["status"], r["amount"], r["unit"]) == ("undetermined", amount, "CNY/month"), r
        assert r["missing"] == [fact]
        assert r["eligible"] is False
    # her facts: Beijing, 12 working years (年休假), days on the front line (临时性工作补助)
    eligible = {p for p, r in results.items() if r["status"] == "eligible"}
    assert eligible == {"beijing.annual_leave_days", "beijing.frontline_allowance_2020"}, eligible


@pytest.mark.parametrize("region", REGIONS)
def test_a_person_whose_case_says_nothing_is_eligible_for_nothing(region: str) -> None:
    for as_of in ("2020-03-31", "2020-07-31", "2022-04-30"):
        results = _results({"as_of": as_of, "person": {"region": region}})
        eligible = sorted(p for p, r in results.items() if r["status"] == "eligible")
        assert not eligible, (as_of, eligible)


def test_standby_and_sick_leave_stated_decide_the_floors() -> None:
    base = {"as_of": "2020-03-31", "person": {"region": "110105"}}
    on = _results({**base, "person": {"region": "110105", "on_standby": True, "on_sick_leave": True}})
    off = _results({**base, "person": {"region": "110105", "on_standby": False, "on_sick_leave": False}})
    for policy in ("beijing.standby_living_allowance_floor", "beijing.sick_pay_floor"):
        assert on[policy]["status"] == "eligible"
        assert off[policy]["status"] == "ineligible"


FACT_WORDS = re.compile(r"缺少|需提供|未提供|需说明|未填写")


def _presence_only(node: ast.expr) -> bool:
    """``x.is_not_null()`` or several of them joined by ``&``: a bare presence test."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd):
        return _presence_only(node.left) and _presence_only(node.right)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "is_not_null"
        and not node.args
    )


def test_no_rule_turns_an_absent_fact_into_a_no() -> None:
    """``c.require(x.is_not_null(), None, "缺少…")`` makes a case that lacks x ineligible; a
    fact the rule needs is required with ``require_fact``/``known`` (null when absent)."""
    offenders = []
    for path in sorted(Path(renshe.policies.__file__).parent.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "require"
                and node.args
                and _presence_only(node.args[0])
                and FACT_WORDS.search(ast.get_source_segment(source, node) or "")
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, offenders
