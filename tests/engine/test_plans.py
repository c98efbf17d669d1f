"""A rule's plan is built once per date and parameters and replayed over every
population: the rule's Python runs once, and the answers do not change."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest

from renshe.engine import evaluate
from renshe.engine.calculator import evaluate_json
from renshe.engine.rules import registry
from tests.conftest import EXAMPLES

RULE = "beijing.one_time_si_subsidy_2020"


@pytest.fixture
def counted() -> Iterator[list[Any]]:
    """Count the runs of one rule's code (the registry's rule replaced for the test)."""
    reg = registry()
    original = reg.rules[RULE]
    calls: list[Any] = []

    def compute(c: Any) -> None:
        calls.append(c.params.as_of)
        original.compute(c)

    reg.rules[RULE] = dataclasses.replace(original, compute=compute)
    evaluate.clear_plans()
    try:
        yield calls
    finally:
        reg.rules[RULE] = original
        evaluate.clear_plans()


def case() -> dict[str, Any]:
    return json.loads((EXAMPLES / "01_beijing_medium_software.json").read_text(encoding="utf-8"))["case"]


def amount(body: dict[str, Any]) -> Any:
    return next(r["amount"] for r in body["results"] if r["policy"] == RULE)


def test_rule_code_runs_once_per_date_and_parameters(counted: list[Any]) -> None:
    first = evaluate_json(case())
    again = evaluate_json(case())
    assert len(counted) == 1 and first == again
    other = case()
    other["enterprise"]["employees"] += 7  # other facts, same date: the plan is reused
    evaluate_json(other)
    assert len(counted) == 1
    later = {**case(), "as_of": "2020-08-31"}
    evaluate_json(later)
    assert len(counted) == 2
    reform = {**case(), "parameters": {"beijing.one_time_si_subsidy_2020.cap_per_person": 10}}
    changed = evaluate_json(reform)
    assert len(counted) == 3
    assert amount(changed) != amount(first)


def test_replayed_plans_answer_as_fresh_ones(counted: list[Any]) -> None:
    for path in sorted(EXAMPLES.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))["case"]
        evaluate.clear_plans()
        fresh = evaluate_json(raw, explain=True)
        replayed = evaluate_json(raw, explain=True)
        assert fresh == replayed, path.name


def test_the_plan_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluate, "PLANS_KEPT", 5)
    evaluate.clear_plans()
    try:
        first = evaluate_json(case())
        assert len(evaluate._plans) == 5
        assert evaluate_json(case()) == first  # older plans were dropped and built again
    finally:
        evaluate.clear_plans()
