"""Many cases evaluated together (the API's concurrent requests share one
population) give each case exactly the answer it gets alone."""

from __future__ import annotations

import json
from typing import Any

import pytest

from renshe.engine.calculator import evaluate_case, evaluate_cases
from renshe.engine.case import BadCase, parse_case
from tests.conftest import EXAMPLES
from tests.policies.test_policy_cases import build, load_cases

EVERY = 12  # a spread of the data-driven policy cases: enterprises, persons, agencies, loans


def sample() -> list[dict[str, Any]]:
    raws = [json.loads(p.read_text(encoding="utf-8"))["case"] for p in sorted(EXAMPLES.glob("*.json"))]
    raws += [build(param.values[2]) for param in load_cases()[::EVERY]]
    return raws


def test_sample_spans_entities_dates_and_parameters() -> None:
    cases = [parse_case(r) for r in sample()]
    assert any(c.enterprise for c in cases) and any(c.person for c in cases) and any(c.agency for c in cases)
    assert len({c.as_of for c in cases}) > 3
    assert any(c.parameters for c in cases)


def test_together_equals_alone() -> None:
    cases = [parse_case(r) for r in sample()]
    explains = [i % 2 == 0 for i in range(len(cases))]
    together = evaluate_cases(cases, explains)
    assert len(together) == len(cases)
    for i, (case, got) in enumerate(zip(cases, together, strict=True)):
        assert got == evaluate_case(case, explain=explains[i]), f"case {i} differs when evaluated with others"


def test_a_bad_case_does_not_spoil_the_others() -> None:
    good = parse_case(sample()[0])
    bad = good.model_copy(update={"parameters": {"no.such_parameter": 1}})
    answers = evaluate_cases([good, bad, good], [False, False, True])
    assert isinstance(answers[1], BadCase)
    assert answers[1].problems[0].path == "parameters.no.such_parameter"
    assert answers[0] == evaluate_case(good)
    assert answers[2] == evaluate_case(good, explain=True)
    assert answers[2]["results"][0]["trace"] and not answers[0]["results"][0]["trace"]


@pytest.mark.parametrize("n", [1, 2, 5])
def test_copies_of_one_case_get_the_same_answer(n: int) -> None:
    case = parse_case(sample()[1])
    alone = evaluate_case(case)
    assert evaluate_cases([case] * n, [False] * n) == [alone] * n
