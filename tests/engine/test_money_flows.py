"""Contract version 2 (interface.md, "Status, money flows and totals"): every result's
status and flow, the same money counted once, and the body's totals by flow."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from renshe.engine.calculator import evaluate_json
from renshe.engine.rules import FLOWS, registry
from tests.conftest import EXAMPLES
from tests.policies.test_policy_cases import build, load_cases

POLICIES = Path(__file__).resolve().parents[2] / "src" / "renshe" / "policies"
STATUSES = {"eligible", "ineligible", "undetermined", "out_of_scope"}
MONEY = ("cash", "reduction", "deferral", "credit", "wage")


def example(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((EXAMPLES / name).read_text(encoding="utf-8"))["case"])


def by_policy(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["policy"]: r for r in body["results"]}


def expected_totals(body: dict[str, Any]) -> dict[str, float]:
    """The totals recomputed from the results, as interface.md states the rule."""
    sums = dict.fromkeys(MONEY, 0.0)
    results = by_policy(body)

    def counts(r: dict[str, Any]) -> bool:
        if r["status"] != "eligible" or r["unit"] != "CNY" or r["amount"] is None or r["flow"] not in MONEY:
            return False
        if r.get("overlaps") or r.get("excluded_by"):
            return False
        return not (r["flow"] == "deferral" and r.get("deadline") and r["deadline"] < body["as_of"])

    for r in body["results"]:
        if counts(r):
            sums[r["flow"]] += r["amount"]
            whole = results.get(r.get("part_of") or "")
            if whole is not None and counts(whole):
                sums[whole["flow"]] -= r["amount"]
    return sums


# ---- declarations ------------------------------------------------------------------------
def test_every_rule_declares_its_flow_in_its_yaml() -> None:
    missing = []
    for path in sorted(POLICIES.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rule_id, spec in (data.get("rules") or {}).items():
            if spec.get("flow") not in FLOWS:
                missing.append(f"{path.name}: {rule_id}")
    assert not missing, f"rules without a flow: {missing}"


def test_a_rule_without_a_flow_is_refused(tmp_path: Path) -> None:
    from renshe.engine.rules import load_document

    doc = {
        "document": {"doc_no": "测试〔2020〕1号", "jurisdiction": "cn"},
        "rules": {"cn.x": {"title": "x", "entity": "enterprise", "citations": [{"article": "一", "quote": "q"}]}},
    }
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="flow"):
        load_document(path, {"cn.x": lambda c: None}, "x")


def test_a_relation_without_a_citation_is_refused(tmp_path: Path) -> None:
    from renshe.engine.rules import load_document

    rule = {"title": "x", "entity": "enterprise", "flow": "cash", "citations": [{"article": "一", "quote": "q"}]}
    doc = {
        "document": {"doc_no": "测试〔2020〕1号", "jurisdiction": "cn"},
        "rules": {"cn.x": rule, "cn.y": rule},
        "same_money": [{"overlaps": ["cn.x", "cn.y"]}],
    }
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="citation"):
        load_document(path, {"cn.x": lambda c: None, "cn.y": lambda c: None}, "x")


def test_every_relation_cites_the_sentence_that_decides_it() -> None:
    for rel in registry().relations:
        assert rel.citation.quote and rel.citation.article, rel
        members = [registry().rules[m] for m in rel.members]
        assert len({m.entity for m in members}) == 1, f"{rel.kind} {rel.members}: one subject"


# ---- status ------------------------------------------------------------------------------
def test_every_result_has_a_status_and_flow_and_eligible_follows_status() -> None:
    for path in sorted(EXAMPLES.glob("*.json")):
        body = evaluate_json(json.loads(path.read_text(encoding="utf-8"))["case"], everything=True)
        for r in body["results"]:
            assert r["status"] in STATUSES, r
            assert r["flow"] in FLOWS, r
            assert r["eligible"] is (r["status"] == "eligible"), r
            if r["status"] == "undetermined":
                assert r["missing"], f"{r['policy']}: undetermined names the facts it needs"
                assert all(
                    p.split(".")[0] in {"enterprise", "person", "agency", "loan", "parameters"} for p in r["missing"]
                ), r["missing"]


def test_out_of_scope_results_are_left_out_unless_asked_for() -> None:
    case = example("06_beijing_frontline_nurse.json")
    shown, everything = evaluate_json(case), evaluate_json(case, everything=True)
    assert all(r["status"] != "out_of_scope" for r in shown["results"])
    hidden = [r for r in everything["results"] if r["status"] == "out_of_scope"]
    assert hidden, "a Beijing nurse is outside Henan's and Hubei's rules"
    assert {r["policy"] for r in shown["results"]} | {r["policy"] for r in hidden} == {
        r["policy"] for r in everything["results"]
    }
    assert any(r["policy"].startswith("henan.") for r in hidden)


def test_a_2022_case_gets_no_2020_money() -> None:
    """A Yongzhou firm judged in 2022 with no 2020 facts: no 2020 relief, not a relief of 0.00."""
    case = example("07_yongzhou_work_injury_rate_2022-06-01.json")
    body = evaluate_json(case)
    for r in body["results"]:
        r2020 = registry().rules[r["policy"]]
        if r2020.effective_to is not None and r2020.effective_to.year == 2020:
            pytest.fail(f"{r['policy']} in scope for a 2022 case without 2020 facts: {r['reasons']}")
    assert not any(
        r["policy"] in ("cn.si_feb_refund_2020", "cn.medical_insurance_halving_feb_refund_2020")
        for r in body["results"]
    )


def test_a_measure_past_its_window_stays_in_scope_with_facts_inside_it() -> None:
    """A refund still owed: the relief of 2020 judged in 2021 for a unit with 2020 rows."""
    case = example("01_beijing_medium_software.json")
    case["as_of"] = "2021-03-31"
    results = by_policy(evaluate_json(case))
    assert results["cn.si_relief_2020"]["status"] == "eligible"
    assert results["cn.si_relief_2020"]["amount"] == pytest.approx(170000.0)


# ---- same money, once --------------------------------------------------------------------
def test_february_refund_is_part_of_the_relief_and_counted_once() -> None:
    """人社部发〔2020〕11号 答记者问: 对于减免部分的金额，优先选择直接退费。"""
    body = evaluate_json(example("01_beijing_medium_software.json"))
    results = by_policy(body)
    relief, refund = results["cn.si_relief_2020"], results["cn.si_feb_refund_2020"]
    assert refund["part_of"] == "cn.si_relief_2020"
    assert relief["flow"] == "reduction" and refund["flow"] == "cash"
    totals = body["totals"]
    assert totals == pytest.approx(expected_totals(body))

    pair = ("cn.si_relief_2020", "cn.si_feb_refund_2020")
    others = expected_totals({**body, "results": [r for r in body["results"] if r["policy"] not in pair]})
    # the relief counts net of its February part, which counts as cash: 170,000 in all, not 204,000
    assert totals["reduction"] - others["reduction"] == pytest.approx(relief["amount"] - refund["amount"])
    assert totals["cash"] - others["cash"] == pytest.approx(refund["amount"])
    assert (totals["reduction"] - others["reduction"]) + (totals["cash"] - others["cash"]) == pytest.approx(
        relief["amount"]
    ), "the February money once"


def test_xinmi_exclusion_binds_the_henan_refund() -> None:
    """新密政〔2020〕4号 二（一）: 返还资金一次性支付……且不与稳岗补贴同时享受。"""
    case = example("04_xinmi_small_retailer.json")
    case["parameters"] = {"henan.ui_benefit_monthly_2019": 1520}
    case["enterprise"]["flags"] = ["epidemic_affected", "receives_job_stabilisation_subsidy"]
    body = evaluate_json(case)
    results = by_policy(body)
    assert results["xinmi.stable_job_refund_2020"]["status"] == "ineligible"
    henan = results["henan.stable_job_refund_2020"]
    assert henan["status"] == "ineligible" and henan["amount"] is None
    assert any("新密政〔2020〕4号" in reason for reason in henan["reasons"]), henan["reasons"]
    assert body["totals"]["cash"] == pytest.approx(expected_totals(body)["cash"])
    # a Henan unit outside Xinmi is not bound by Xinmi's exclusion
    case["enterprise"]["region"] = "410102"
    case["enterprise"]["uscc"] = "91410102MA45CCCC3T"
    other = by_policy(evaluate_json(case))
    assert "xinmi.stable_job_refund_2020" not in other
    assert other["henan.stable_job_refund_2020"]["status"] == "eligible"


def test_the_same_refund_under_two_documents_is_paid_once() -> None:
    body = evaluate_json(
        {**example("04_xinmi_small_retailer.json"), "parameters": {"henan.ui_benefit_monthly_2019": 1520}}
    )
    results = by_policy(body)
    xinmi, henan = results["xinmi.stable_job_refund_2020"], results["henan.stable_job_refund_2020"]
    assert xinmi["status"] == henan["status"] == "eligible"
    assert [bool(xinmi.get("overlaps")), bool(henan.get("overlaps"))].count(True) == 1
    paid = xinmi if not xinmi.get("overlaps") else henan
    assert body["totals"]["cash"] == pytest.approx(expected_totals(body)["cash"])
    assert body["totals"]["cash"] >= paid["amount"]
    assert body["totals"]["cash"] < xinmi["amount"] + henan["amount"] + paid["amount"]


# ---- totals ------------------------------------------------------------------------------
@pytest.mark.parametrize(("policy", "quote", "case"), load_cases()[::3])
def test_totals_equal_the_per_flow_sums_after_the_same_money_rules(
    policy: str, quote: str | None, case: dict[str, Any]
) -> None:
    body = evaluate_json(build(case))
    want = expected_totals(body)
    assert set(body["totals"]) == set(MONEY)
    for flow in MONEY:
        assert body["totals"][flow] == pytest.approx(want[flow], abs=0.005), flow
        assert math.isfinite(body["totals"][flow])
