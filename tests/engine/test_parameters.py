"""Parameters: dated values selected by as_of; overrides; unknown names refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from renshe.engine.calculator import evaluate_json
from renshe.engine.case import BadCase
from renshe.engine.parameters import NotInForce, ParameterView
from renshe.engine.rules import registry


def test_value_in_force_on_each_side_of_a_change() -> None:
    wage = registry().parameters["beijing.minimum_wage_monthly"]
    assert wage.value_at(dt.date(2021, 7, 31)) == 2200
    assert wage.value_at(dt.date(2021, 8, 1)) == 2320
    with pytest.raises(NotInForce):
        wage.value_at(dt.date(2019, 6, 30))


def test_per_value_reference() -> None:
    rates = registry().parameters["yongzhou.work_injury_base_rate.class_rates"]
    assert "现行" in rates.reference_at(dt.date(2022, 4, 30)).quote
    assert "全省" in rates.reference_at(dt.date(2022, 5, 1)).quote


def test_view_records_what_was_used() -> None:
    view = ParameterView(registry().parameters, dt.date(2020, 3, 1), {"beijing.minimum_wage_monthly": 2500})
    assert view("beijing.minimum_wage_monthly") == 2500
    used = view.used["beijing.minimum_wage_monthly"]
    assert used["overridden"] is True and used["citation"]["doc_no"] == "京人社劳字〔2020〕11号"


def person_case(**parameters: Any) -> dict[str, Any]:
    return {"as_of": "2020-03-31", "parameters": parameters, "person": {"region": "110105", "work_years": 3}}


def test_case_override_changes_the_result() -> None:
    out = evaluate_json(person_case(**{"beijing.sick_pay_floor.ratio": 0.9}))
    sick = next(r for r in out["results"] if r["policy"] == "beijing.sick_pay_floor")
    assert sick["amount"] == pytest.approx(1980.0)


def test_unknown_override_is_a_bad_case() -> None:
    with pytest.raises(BadCase) as info:
        evaluate_json(person_case(**{"beijing.no_such": 1}))
    assert info.value.problems[0].path == "parameters.beijing.no_such"
