"""Each rule declares its unit in YAML (so results outside its jurisdiction carry it
too), and its computation produces that unit."""

from __future__ import annotations

import datetime as dt

import pytest

from renshe.engine.case import Agency, Bureau, Case, Enterprise, Person
from renshe.engine.evaluate import run_rule
from renshe.engine.parameters import ParameterView
from renshe.engine.population import from_case
from renshe.engine.rules import registry

REGION = {
    "cn": "110108",
    "beijing": "110108",
    "hubei": "420102",
    "henan": "410105",
    "zhengzhou": "410105",
    "xinmi": "410183",
    "hunan": "430102",
    "yongzhou": "431102",
}
UNITS = {"CNY", "CNY/month", "days", "percent", "permille"}


def population(entity: str, region: str):  # type: ignore[no-untyped-def]
    case = Case(
        as_of=dt.date(2022, 12, 31),
        enterprise=Enterprise(uscc="91110108MA01C7LM3W", region=region, industry="I65", employees=50, revenue=5e6),
        person=Person(region=region, id_number="110105198001011238"),
        agency=Agency(uscc="91110105MA00DDDD45", region=region),
        bureau=Bureau(region=region),
    )
    return from_case(case)


@pytest.mark.parametrize("rule_id", sorted(r for r, x in registry().rules.items() if x.entity != "loan"))
def test_declared_unit_is_the_computed_unit(rule_id: str) -> None:
    rule = registry().rules[rule_id]
    assert rule.unit in UNITS, f"{rule_id}: unit {rule.unit!r}"
    pop = population(rule.entity, REGION[rule.jurisdiction])
    as_of = max(rule.effective_from or dt.date(2020, 1, 1), dt.date(2020, 1, 1))
    if rule.effective_to and rule.expires:
        as_of = min(as_of, rule.effective_to)
    params = ParameterView(registry().parameters, as_of)
    outcome = run_rule(rule, pop, params)
    assert outcome is not None
    assert outcome.unit == rule.unit, (
        f"{rule_id}: computes {outcome.unit}, declares {rule.unit} (add `unit:` to its YAML)"
    )
