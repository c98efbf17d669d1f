"""The batch's lean evaluation (``run(..., batch=True)``) gives the calculator's
results in the batch's form, and the engine's speed-ups change no result."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest

from renshe.batch.partition import _flag_columns
from renshe.engine.calc import UNIT_KEY, Calc
from renshe.engine.case import FLAGS, Contribution, Enterprise, Finance
from renshe.engine.evaluate import REASON_JOIN, run
from renshe.engine.parameters import ParameterView
from renshe.engine.population import Population, entity_frames, with_classification
from renshe.engine.rules import registry

AS_OF = dt.date(2020, 7, 31)
OVERRIDES = {"henan.ui_benefit_monthly_2019": 1520, "beijing.ui_benefit_monthly_2019": 2000}
REGIONS = ["110108", "110105", "410105", "410183", "420102", "431102", "310101", None]
MONTHS = [f"{y}-{m:02d}" for y in (2018, 2019, 2020) for m in range(1, 13) if f"{y}-{m:02d}" <= "2020-06"]
INSURANCES = ["pension", "unemployment", "work_injury", "medical"]


def enterprises(n: int, seed: int) -> list[Enterprise]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        region = REGIONS[i % len(REGIONS)] or "110108"
        heads = rng.randint(0, 80)
        insured = {m: max(0, heads + rng.randint(-3, 3)) for m in MONTHS if rng.random() > 0.03}
        contributions = [
            Contribution(month=m, insurance=k, employer_due=100.0 * heads, employer_paid=95.0 * heads)
            for m in MONTHS[-10:]
            for k in INSURANCES
            if rng.random() > 0.05
        ]
        out.append(
            Enterprise(
                region=region,
                unit_type=rng.choice(["enterprise"] * 6 + ["individual_business", "public_institution"]),
                industry=rng.choice(["I65", "C38", "F52", None]),
                employees=heads + rng.randint(0, 300),
                revenue=rng.choice([5e6, 5e7, 5e8]),
                assets=rng.choice([1e6, 1e8]),
                state_owned=rng.random() < 0.1,
                flags=rng.sample(FLAGS, rng.randint(0, 4)),
                insured=insured,
                attrition_2019=rng.randint(0, 3),
                contributions=contributions,
                finance=Finance(
                    profit_tax_change_2019=rng.choice([-0.6, 0.1, None]),
                    quarterly_profit={"2019Q4": rng.choice([-1.0, 1.0]), "2020Q1": rng.choice([-1.0, 1.0])},
                    ui_contribution_months=rng.choice([6, 24, None]),
                ),
            )
        )
    return out


def population(n: int = 48, seed: int = 5, null_region_rows: bool = True) -> Population:
    frame, tables = entity_frames(Enterprise, enterprises(n, seed))
    if null_region_rows:  # the staged registry may hold units without a region
        frame = frame.with_columns(
            pl.when(pl.col(UNIT_KEY) % len(REGIONS) == len(REGIONS) - 1)
            .then(None)
            .otherwise(pl.col("region"))
            .alias("region")
        )
    return Population(entities={"enterprise": with_classification(frame)}, tables={"enterprise": tables})


def enterprise_rules() -> list[str]:
    return [rid for rid, r in registry().rules.items() if r.entity == "enterprise"]


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2020, 3, 15)])
def test_batch_results_are_the_calculators(as_of: dt.date) -> None:
    pop = population()
    rules = enterprise_rules()
    full = run(pop, as_of, OVERRIDES, rules)
    lean = run(pop, as_of, OVERRIDES, rules, batch=True)
    assert list(full) == list(lean)
    for rid, out in full.items():
        b = lean[rid]
        rule = registry().rules[rid]
        a = out.results
        assert b.results[UNIT_KEY].equals(a[UNIT_KEY]), rid
        assert b.results.schema["reasons"] == pl.String, rid
        assert not [c for c in b.results.columns if c.startswith("trace.")] and not b.traced, rid
        assert not [n for n in b.outputs if n.startswith("_")], rid
        assert b.outputs == [n for n in out.outputs if not n.startswith("_")], rid
        for col in ("eligible", "amount", "in_scope", "overlaps"):
            assert b.results[col].equals(a[col]), (rid, col)
        assert b.results["reasons"].equals(a["reasons"].list.join(REASON_JOIN)), rid
        scope = a["in_scope"]
        for name in b.outputs:
            if rule.jurisdiction == "cn":
                assert b.results[name].equals(a[name]), (rid, name)
            else:  # outside the jurisdiction: the gate result, outputs left empty (unit: the declared one)
                assert b.results[name].filter(scope).equals(a[name].filter(scope)), (rid, name)
                rest = b.results[name].filter(~scope)
                if name == "unit":
                    assert (rest == rule.unit).all(), rid
                else:
                    assert rest.null_count() == rest.len(), (rid, name)


def test_money_only_runs_give_the_batchs_money_without_texts() -> None:
    """``run(..., batch=True, reasons=False)`` (a simulation counts money, it shows no
    texts): every column the batch gives, equal, except the reasons — null where the rule
    was computed (the gated rows keep their one constant text)."""
    pop = population(seed=9)
    rules = enterprise_rules()
    lean = run(pop, AS_OF, OVERRIDES, rules, batch=True)
    money = run(pop, AS_OF, OVERRIDES, rules, batch=True, reasons=False)
    assert list(lean) == list(money)
    computed = 0
    for rid, out in lean.items():
        a, b = out.results, money[rid].results
        assert a.columns == b.columns, rid
        for col in a.columns:
            if col != "reasons":
                assert b[col].equals(a[col]), (rid, col)
        if b["reasons"].null_count():
            computed += 1
        # a text left is the row's whole text (a gate's) or its end (the note same money adds)
        both = pl.DataFrame({"a": a["reasons"], "b": b["reasons"]}).drop_nulls("b")
        assert both.select(pl.col("a").str.ends_with(pl.col("b")).all()).item(), rid
    assert computed > len(rules) // 2  # most rules computed over the population, their texts not built


def test_a_regional_rule_over_part_of_a_multi_chunk_frame() -> None:
    """Polars 2.1 panicked in pl.format over a filtered string column whose first chunk
    was emptied; the rows of one jurisdiction are rechunked before the rule runs."""
    pop = population(null_region_rows=False)
    frame = pop.entities["enterprise"]
    outside = frame.filter(~pl.col("region").str.starts_with("410183"))
    inside = frame.filter(pl.col("region").str.starts_with("410183"))
    chunked = pl.concat([outside, inside], rechunk=False)
    assert chunked["size"].n_chunks() > 1
    pop.entities["enterprise"] = chunked
    rid = "xinmi.residence_as_business_premises_2020"
    lean = run(pop, AS_OF, OVERRIDES, [rid], batch=True)[rid].results
    full = run(pop, AS_OF, OVERRIDES, [rid])[rid].results
    assert lean["reasons"].equals(full["reasons"].list.join(REASON_JOIN))
    assert lean.filter(pl.col("in_scope")).height == inside.height > 0


def test_flag_columns_are_list_contains() -> None:
    units = pl.DataFrame(
        {"flags": [[], None, [FLAGS[0], FLAGS[0]], [FLAGS[-1], "unknown", None], [None], list(FLAGS)]},
        schema={"flags": pl.List(pl.String)},
    )
    expected = units.select([pl.col("flags").list.contains(f).fill_null(False).alias(f"flag_{f}") for f in FLAGS])
    assert units.select(_flag_columns(units)).equals(expected)


def calc(frame: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> Calc:
    reg = registry()
    rule = reg.rules["cn.si_relief_2020"]
    return Calc(
        rule=rule,
        frame=frame.lazy(),
        tables={k: t.lazy() for k, t in tables.items()},
        params=ParameterView(reg.parameters, AS_OF),
    )


def test_identical_aggregations_share_one_group_by() -> None:
    frame = pl.DataFrame({UNIT_KEY: [0, 1, 2]}, schema={UNIT_KEY: pl.UInt32})
    insured = pl.DataFrame(
        {UNIT_KEY: [0, 0, 1, 2], "month": ["2019-12", "2018-12", "2019-12", "2018-12"], "headcount": [10, 8, 5, 7]},
        schema_overrides={UNIT_KEY: pl.UInt32},
    )
    c = calc(frame, {"insured": insured})
    a = c.month_value("insured", "2019-12", "headcount")
    b = c.month_value("insured", "2019-12", "headcount")
    mean, count = c.months_mean("insured", ["2018-12", "2019-12"], "headcount")
    other = c.month_value("insured", "2018-12", "headcount")
    assert a.meta.eq(b)
    plan = c.frame.explain(optimizations=pl.QueryOptFlags.none())
    assert plan.count("AGGREGATE") == 3  # 2019-12 (twice), 2018-12..2019-12 (mean and count), 2018-12
    got = c.frame.select(a.alias("a"), mean.alias("mean"), count.alias("n"), other.alias("o")).collect()
    assert got.to_dict(as_series=False) == {
        "a": [10, 5, None],
        "mean": [9.0, 5.0, 7.0],
        "n": [1 + 1, 1, 1],
        "o": [8, None, 7],
    }


def test_aggregations_over_a_redefined_column_are_not_shared() -> None:
    frame = pl.DataFrame({UNIT_KEY: [0, 1]}, schema={UNIT_KEY: pl.UInt32})
    rows = pl.DataFrame({UNIT_KEY: [0, 0, 1], "v": [1.0, 2.0, 3.0]}, schema_overrides={UNIT_KEY: pl.UInt32})
    c = calc(frame, {"rows": rows})
    c.col("k", pl.lit(10.0))
    first = c.aggregate("rows", (pl.col("v") * pl.col("k")).sum(), uses=("k",))
    c.col("k", pl.lit(100.0))
    second = c.aggregate("rows", (pl.col("v") * pl.col("k")).sum(), uses=("k",))
    got = c.frame.select(first.alias("a"), second.alias("b")).collect()
    assert got.to_dict(as_series=False) == {"a": [30.0, 30.0], "b": [300.0, 300.0]}
