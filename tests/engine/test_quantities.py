"""Named quantities (engine.quantities): declared once beside their policy with a
citation, computed once in each rule's plan that reads them, the same in both paths."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from renshe.engine import single
from renshe.engine.calc import Calc
from renshe.engine.calculator import parse_case
from renshe.engine.case import Case
from renshe.engine.evaluate import Plan, plan_for, run
from renshe.engine.fast.plans import columns_of
from renshe.engine.parameters import ParameterView
from renshe.engine.population import from_case
from renshe.engine.quantities import COLUMN, all_quantities, quantity
from renshe.engine.rules import registry

AS_OF = dt.date(2020, 7, 31)
RELIEF_RULES = (
    "cn.si_relief_2020",
    "cn.si_feb_refund_2020",
    "cn.si_relief_window_rule_2020",
    "cn.si_relief_hardship_deferral_2020",
)


def _case(region: str, size_facts: dict[str, object]) -> Case:
    months = ["2020-02", "2020-03"]
    return parse_case(
        {
            "as_of": AS_OF.isoformat(),
            "enterprise": {
                "uscc": "91110105000000000U",
                "name": "测试",
                "region": region,
                "unit_type": "enterprise",
                "industry": "C3011",
                **size_facts,
                "flags": [],
                "contributions": [
                    {"month": m, "insurance": i, "employer_due": 1000.55, "employer_paid": 1000.55}
                    for m in months
                    for i in ("pension", "unemployment", "work_injury")
                ],
            },
        }
    )


def _plans(case: Case) -> dict[str, Plan]:
    reg = registry()
    pop = from_case(case)
    params = ParameterView(reg.parameters, AS_OF, None)
    out = {}
    for rid in RELIEF_RULES:
        plan = plan_for(reg.rules[rid], params, False, pop)
        assert not isinstance(plan, str)
        out[rid] = plan
    return out


def _defined(plan: Plan) -> list[str]:
    return [name for kind, step in plan.calc._steps if kind == "cols" for name in step]


def test_the_relief_terms_are_declared_once_with_their_citation() -> None:
    registry()  # loads the policies, which declare their quantities
    declared = all_quantities()
    for name in (
        "cn.si_relief_2020.ratio",
        "cn.si_relief_2020.window_to",
        "cn.si_relief_2020.sme_like",
        "cn.si_relief_2020.in_hubei",
        "layoff_rate",
    ):
        assert declared[name].citation and declared[name].label, name
    assert declared["cn.si_relief_2020.ratio"].citation.startswith("人社部发〔2020〕11号")
    with pytest.raises(ValueError, match="citation"):
        quantity("x.y", "标签", " ")


def test_each_plan_computes_a_quantity_once_and_reads_the_column_after() -> None:
    plans = _plans(_case("110105", {"employees": 50, "revenue": 5_000_000, "assets": 3_000_000}))
    for rid, plan in plans.items():
        defined = _defined(plan)
        quantities = [n for n in defined if n.startswith(COLUMN)]
        assert COLUMN + "cn.si_relief_2020.ratio" in quantities, rid
        assert len(quantities) == len(set(quantities)), rid  # none computed twice
        # the ratio reads the two other quantities' columns, not their expressions again
        step = next(s for k, s in plan.calc._steps if k == "cols" and COLUMN + "cn.si_relief_2020.ratio" in s)
        roots = set(step[COLUMN + "cn.si_relief_2020.ratio"].meta.root_names())
        assert {COLUMN + "cn.si_relief_2020.sme_like", COLUMN + "cn.si_relief_2020.in_hubei"} <= roots


@pytest.mark.parametrize(
    ("region", "size", "ratio"),
    [
        ("110105", {"employees": 50, "revenue": 5_000_000, "assets": 3_000_000}, 1.0),  # small: exempt
        ("110105", {"employees": 2000, "revenue": 900_000_000, "assets": 900_000_000}, 0.5),  # large: halved
        ("420106", {"employees": 2000, "revenue": 900_000_000, "assets": 900_000_000}, 1.0),  # Hubei: exempt
    ],
)
def test_both_paths_give_the_quantity_and_the_amount(region: str, size: dict[str, object], ratio: float) -> None:
    case = _case(region, size)
    polars = run(from_case(case), AS_OF, None, list(RELIEF_RULES))
    answers, _ = single.evaluate(case, list(RELIEF_RULES))
    relief = polars["cn.si_relief_2020"].results
    assert relief["trace.ratio"].to_list() == [ratio]
    assert relief["amount"].to_list() == [round(1000.55 * 3 * 2 * ratio, 2)]
    shapes = single._shapes()
    params = ParameterView(registry().parameters, AS_OF, None)
    for rid in RELIEF_RULES:
        # compiled for one row (the fast path), and the same columns as Polars gives
        assert single.program(plan_for(registry().rules[rid], params, False, shapes), "enterprise") is not None, rid
        assert answers[rid].cols == columns_of(polars[rid].results), rid


def test_a_quantity_reads_the_calcs_parameters() -> None:
    """A quantity is computed with the Calc of the rule that reads it (its date and parameters)."""
    case = _case("110105", {"employees": 2000, "revenue": 900_000_000, "assets": 900_000_000})
    pop = from_case(case)
    reg = registry()
    params = ParameterView(reg.parameters, AS_OF, {"cn.si_relief_2020.halving_ratio": 0.25})
    plan = plan_for(reg.rules["cn.si_relief_2020"], params, False, pop)
    assert isinstance(plan, Plan) and isinstance(plan.calc, Calc)
    frame = plan.calc.replay(
        pop.entities["enterprise"].lazy(), {n: t.lazy() for n, t in pop.tables["enterprise"].items()}
    ).collect()
    assert frame[COLUMN + "cn.si_relief_2020.ratio"].to_list() == [0.25]
    assert isinstance(frame, pl.DataFrame)
