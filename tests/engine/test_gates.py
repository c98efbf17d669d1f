"""The one gate (engine/gates.py): its per-region test and its Polars column agree for
every jurisdiction, and a rule not yet in force or with no row in its jurisdiction is
not run, whatever the path (one case, a population)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from renshe.domain.regions import jurisdiction_prefixes
from renshe.engine import gates
from renshe.engine.rules import JURISDICTIONS, Rule

REGIONS = ["110108", "110000", "410183", "410100", "410300", "431102", "430100", "420100", "420600", "440300", "", None]


def rule(jurisdiction: str, effective_from: dt.date | None = None) -> Rule:
    return Rule(
        id=f"{jurisdiction}.example",
        title="示例",
        jurisdiction=jurisdiction,
        entity="enterprise",
        effective_from=effective_from,
        effective_to=None,
        expires=False,
        citations=(),
        implements=(),
        compute=lambda c: None,
        module="tests",
    )


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_one_region_and_a_column_give_the_same_answer(jurisdiction: str) -> None:
    r = rule(jurisdiction)
    column = (
        pl.DataFrame({"region": REGIONS}, schema={"region": pl.String})
        .select(gates.covers_expr(r, pl.col("region")).fill_null(False))
        .to_series()
        .to_list()
    )
    assert column == [gates.covers(r, region) for region in REGIONS]


def test_the_jurisdictions_cover_their_prefix_only() -> None:
    prefixes = jurisdiction_prefixes()
    assert gates.covers(rule("beijing"), "110108") and not gates.covers(rule("beijing"), "410183")
    assert gates.covers(rule("xinmi"), "410183") and not gates.covers(rule("xinmi"), "410100")
    assert gates.covers(rule("henan"), "410100") and not gates.covers(rule("henan"), None)
    assert all(gates.covers(rule("cn"), region) for region in REGIONS)
    assert prefixes["cn"] == "" and not gates.regional(rule("cn")) and gates.regional(rule("zhengzhou"))


def test_a_rule_reaches_no_row_before_it_starts_or_outside_its_jurisdiction() -> None:
    day = dt.date(2020, 3, 1)
    later = rule("beijing", effective_from=dt.date(2020, 4, 1))
    assert gates.unreached(later, day, ["110108"]) == "测算日 2020-03-01 该政策尚未施行（自 2020-04-01 起施行）"
    beijing = rule("beijing")
    assert gates.unreached(beijing, day, ["410183", "431102"]) == gates.outside_reason(beijing)
    assert gates.outside_reason(beijing) == "注册地/所在地不在北京市，不适用北京市政策"
    assert gates.unreached(beijing, day, ["410183", "110108"]) is None  # one row inside: run, judged row by row
    assert gates.unreached(beijing, day, None) is None  # no rows known: judged row by row
    assert gates.unreached(rule("cn"), day, []) is None
