"""The single-case fast path (``engine.single`` + ``engine.fast``) gives exactly
the answer of the Polars path: on every example and policy case, and, operation
by operation, on generated values."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import orjson
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renshe.engine import calculator, fast, single
from renshe.engine.case import BadCase, Case, parse_case
from renshe.engine.rules import registry
from tests.conftest import EXAMPLES
from tests.policies.test_policy_cases import build, load_cases


def all_cases() -> list[Case]:
    raws = [json.loads(p.read_text(encoding="utf-8"))["case"] for p in sorted(EXAMPLES.glob("*.json"))]
    raws += [build(param.values[2]) for param in load_cases()]
    cases = []
    for raw in raws:
        try:
            cases.append(parse_case(raw))
        except BadCase:
            continue  # cases that test the contract's 422
    return cases


def polars_bodies(cases: list[Case]) -> list[dict[str, Any]]:
    """Every case through Polars, cases of one date and parameters as one population."""
    groups: dict[str, list[int]] = {}
    for i, case in enumerate(cases):
        groups.setdefault(calculator._group_key(case), []).append(i)
    out: list[Any] = [None] * len(cases)
    for members in groups.values():
        bodies = calculator._population_bodies([cases[i] for i in members], [True] * len(members))
        for i, body in zip(members, bodies, strict=True):
            out[i] = body
    return out


def test_every_case_equals_the_polars_path() -> None:
    cases = all_cases()
    assert len(cases) > 1000
    expected = polars_bodies(cases)
    for i, case in enumerate(cases):
        got = calculator._body(case, True)
        if orjson.dumps(got) != orjson.dumps(expected[i]):  # bytes: 3 and 3.0 differ, as in the JSON
            wrong = [
                (a["policy"], a, b)
                for a, b in zip(expected[i]["results"], got["results"], strict=True)
                if orjson.dumps(a) != orjson.dumps(b)
            ]
            pytest.fail(f"case {i} ({case.as_of}): {wrong[:1] or 'body differs'}")


def test_every_rule_runs_without_polars() -> None:
    """No plan of the cases above needed the Polars fallback (a rule using an operation
    ``engine.fast`` lacks would make single cases slow again: add it there)."""
    fallbacks: list[str] = []
    original = single._Fallback.run

    def spy(self: single._Fallback, r: Any, params: Any) -> Any:
        fallbacks.append(r.id)
        return original(self, r, params)

    single._Fallback.run = spy  # type: ignore[method-assign]
    try:
        for case in all_cases()[::7]:
            single.evaluate(case)
    finally:
        single._Fallback.run = original  # type: ignore[method-assign]
    assert fallbacks == []


def test_the_polars_fallback_gives_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [parse_case(json.loads(p.read_text(encoding="utf-8"))["case"]) for p in sorted(EXAMPLES.glob("*.json"))]
    fast = [calculator._body(c, True) for c in cases]
    monkeypatch.setattr(single, "program", lambda plan, entity: None)
    slow = [calculator._body(c, True) for c in cases]
    assert [orjson.dumps(b) for b in slow] == [orjson.dumps(b) for b in fast]


def test_a_failing_program_falls_back_to_polars(monkeypatch: pytest.MonkeyPatch) -> None:
    case = parse_case(json.loads(sorted(EXAMPLES.glob("*.json"))[0].read_text(encoding="utf-8"))["case"])
    expected = calculator._body(case, True)

    def broken(self: single.Program, row: dict[str, Any], tables: dict[str, Any]) -> Any:
        raise ZeroDivisionError("a program that fails at run time")

    monkeypatch.setattr(single.Program, "run", broken)
    assert orjson.dumps(calculator._body(case, True)) == orjson.dumps(expected)


def test_what_cannot_be_compiled_says_so() -> None:
    compiler = fast.Compiler({"a": fast.FLOAT, "d": fast.DATE})
    with pytest.raises(fast.Unsupported):
        compiler.row(pl.col("d").map_elements(lambda d: d, return_dtype=pl.Date))
    with pytest.raises(fast.Unsupported):  # NaN and inf serialise alike
        compiler.row(pl.col("a").fill_null(float("inf")))
    with pytest.raises(fast.Unsupported):
        compiler.row(pl.col("a").rank())


def test_one_case_plans_are_the_populations_plans() -> None:
    """The fast path builds plans for the same shape as a population of real rows (one cache)."""
    case = parse_case(json.loads(sorted(EXAMPLES.glob("*.json"))[0].read_text(encoding="utf-8"))["case"])
    pop, _ = calculator.from_cases([case])
    for entity in pop.entities:
        assert single._shapes().shape(entity) == pop.shape(entity)
    assert set(single._shapes().entities) >= {r.entity for r in registry().rules.values()}


# ---- operations, one by one, against Polars ------------------------------------------------
SCHEMA = {
    "a": pl.Float64,
    "b": pl.Float64,
    "i": pl.Int64,
    "j": pl.Int64,
    "s": pl.String,
    "t": pl.String,
    "d": pl.Date,
    "e": pl.Date,
    "f": pl.Boolean,
    "g": pl.Boolean,
    "l": pl.List(pl.String),
}
a, b, i, j, s, t, d, e, f, g, li = (pl.col(n) for n in SCHEMA)

EXPRESSIONS: dict[str, pl.Expr] = {
    "plus": a + b,
    "minus": a - i,
    "times": a * 2.5,
    "int_times": i * j,
    "divide": a / b,
    "int_divide": i / j,
    "floor_divide": i // j,
    "float_floor_divide": a // b,
    "modulo": i % j,
    "negate": -a,
    "abs": a.abs(),
    "sign": a.sign(),
    "int_sign": i.sign(),
    "floor": a.floor(),
    "round0": a.round(0),
    "round2": a.round(2),
    "round6": (a / 3).round(6),
    "round10": (a / b).round(10),
    "compare": (a > b) | (i <= j),
    "equal": (s == t) & (d != e),
    "kleene_and": f & g,
    "kleene_or": f | g,
    "not": ~f,
    "is_null": a.is_null() | s.is_not_null(),
    "fill_int_into_float": a.fill_null(0),
    "fill_float": a.fill_null(b),
    "fill_bool": f.fill_null(False),
    "when": pl.when(f).then(a).otherwise(0),
    "when_chain": pl.when(a > 1).then(pl.lit("x")).when(g).then(t).otherwise(pl.lit(None)),
    "when_no_otherwise": pl.when(f).then(i),
    "all": pl.all_horizontal(f, g, a > 0),
    "any": pl.any_horizontal(f, g),
    "min": pl.min_horizontal(a, b, i),
    "max": pl.max_horizontal(i, j),
    "coalesce": pl.coalesce(a, i, b),
    "clip": a.clip(lower_bound=0.0),
    "clip_both": i.clip(1, 100),
    "float_text": a.cast(pl.String),
    "tiny_text": (a / 1e6).cast(pl.String),
    "int_text": i.cast(pl.String),
    "bool_text": f.cast(pl.String),
    "date_text": d.cast(pl.String),
    "to_float": i.cast(pl.Float64),
    "to_int": a.clip(-1e9, 1e9).cast(pl.Int64),
    "format": pl.format("{} 元 × {} 人，{}（{}）", a, i, s, d),
    "concat": pl.concat_str([s, t], separator="、"),
    "concat_skip_nulls": pl.concat_str([s, a, t], separator="；", ignore_nulls=True),
    "is_in": s.is_in(["甲", "乙", ""]),
    "int_is_in": i.is_in([1, 2, 3]),
    "between": a.is_between(0, 100),
    "starts": s.str.starts_with("甲"),
    "slice": s.str.slice(1, 2),
    "strptime": t.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
    "to_month": d.dt.to_string("%Y-%m"),
    "offset_month": d.dt.offset_by("1mo"),
    "offset_back": d.dt.offset_by("-3d"),
    "offset_year": e.dt.offset_by("2y"),
    "month_end": d.dt.month_end(),
    "year_month": d.dt.year() * 100 + d.dt.month(),
    "day": d.dt.day(),
    "days": (e - d).dt.total_days(),
    "plus_days": d + pl.duration(days=i.clip(-1000, 1000)),
    "date": pl.date(i.clip(1990, 2030), j.clip(1, 12), 1),
    "month_range": pl.date_ranges(d, e, "1mo").list.len(),
    "list_len": li.list.len(),
    "contains": li.list.contains("甲"),
    "join": li.list.join("、"),
    "has_any": li.list.eval(pl.element().is_in(["甲", "丙"])).list.any(),
    "replace_in_list": li.list.eval(pl.element().replace({"甲": "一"})).list.join("/"),
    "intersection": li.list.set_intersection(["甲", "乙"]).list.len(),
    "reasons": pl.concat_list([pl.when(f).then(pl.lit("条件一")), s.cast(pl.String)]).list.drop_nulls(),
    "replace_strict": s.replace_strict({"甲": 1.5, "乙": 2}, default=0.0, return_dtype=pl.Float64),
    "replace_default_column": s.replace_strict(["甲"], ["一"], default=t),
    "replace": s.replace({"甲": "一"}),
}

words = st.sampled_from(["甲", "乙", "丙", "", "2020-02-29", "2021-13-01", "abc"])
floats = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False)
money = st.decimals(min_value=-100000, max_value=100000, places=3).map(float)
dates = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2030, 12, 31))
row_values = st.fixed_dictionaries(
    {
        "a": st.none() | floats | money,
        "b": st.none() | floats | money | st.just(0.0),
        "i": st.none() | st.integers(-50, 3000),
        "j": st.none() | st.integers(-12, 12),
        "s": st.none() | words,
        "t": st.none() | words,
        "d": st.none() | dates,
        "e": st.none() | dates,
        "f": st.none() | st.booleans(),
        "g": st.none() | st.booleans(),
        "l": st.none() | st.lists(st.none() | words, max_size=4),
    }
)


def same(x: Any, y: Any) -> bool:
    """Equal values of equal Python types (3 and 3.0 differ; NaN equals NaN)."""
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    if type(x) is not type(y):
        return False
    if isinstance(x, list):
        return len(x) == len(y) and all(same(p, q) for p, q in zip(x, y, strict=True))
    return x == y


def polars_value(expr: pl.Expr, row: dict[str, Any]) -> Any:
    return pl.DataFrame([row], schema=SCHEMA).select(expr.alias("x")).to_series().to_list()[0]


@pytest.mark.parametrize("name", list(EXPRESSIONS))
@settings(max_examples=60, deadline=None)
@given(row=row_values)
def test_operation_equals_polars(name: str, row: dict[str, Any]) -> None:
    expr = EXPRESSIONS[name]
    fn, _ = fast.Compiler({n: fast.dtype_of(t) for n, t in SCHEMA.items()}).row(expr)
    try:
        expected = polars_value(expr, row)
    except pl.exceptions.PolarsError:
        with pytest.raises(Exception):  # noqa: B017 — Polars refuses the value: so must the row function
            fn(dict(row))
        return
    got = fn(dict(row))
    assert same(got, expected), f"{name}: {row} → Python {got!r}, Polars {expected!r}"


TABLE = {"month": pl.String, "paid": pl.Float64, "n": pl.Int64, "kind": pl.String}
AGGREGATIONS: dict[str, pl.Expr] = {
    "sum": pl.col("paid").sum(),
    "int_sum": pl.col("n").sum(),
    "mean": pl.col("paid").mean(),
    "first": pl.col("paid").first(),
    "min": pl.col("n").min(),
    "n_unique": pl.col("month").n_unique(),
    "count": pl.col("paid").count(),
    "len": pl.len(),
    "filtered_sum": pl.col("paid").filter(pl.col("kind") == "甲").sum(),
    "joined": pl.col("month").filter(pl.col("n") > 0).str.join("、"),
    "two_in_a_row": ((pl.col("n") < 0) & (pl.col("n").shift(1) < 0)).any(),
    "ratio": pl.col("paid").sum() / pl.col("n").sum(),
}
table_rows = st.lists(
    st.fixed_dictionaries(
        {
            "month": st.sampled_from(["2020-01", "2020-02", "2020-03"]),
            "paid": st.none() | money | floats,
            "n": st.none() | st.integers(-5, 50),
            "kind": st.sampled_from(["甲", "乙"]),
        }
    ),
    min_size=1,
    max_size=40,
)


@pytest.mark.parametrize("name", list(AGGREGATIONS))
@settings(max_examples=60, deadline=None)
@given(rows=table_rows)
def test_aggregation_equals_polars_group_by(name: str, rows: list[dict[str, Any]]) -> None:
    expr = AGGREGATIONS[name]
    fn, _ = fast.Compiler({}).group(expr, {n: fast.dtype_of(t) for n, t in TABLE.items()})
    # a unit key column as the population has (a literal key would take Polars' whole-column sum)
    frame = pl.DataFrame(rows, schema=TABLE).with_columns(pl.Series("_u", [0] * len(rows), dtype=pl.UInt32))
    expected = frame.group_by("_u").agg(expr.alias("x"))["x"].to_list()[0]
    got = fn(rows)
    assert same(got, expected), f"{name}: {rows} → Python {got!r}, Polars {expected!r}"


@given(x=st.floats(allow_nan=True, allow_infinity=True))
@settings(max_examples=300, deadline=None)
def test_floats_print_as_polars_prints_them(x: float) -> None:
    assert fast.float_text(x) == pl.Series([x], dtype=pl.Float64).cast(pl.String)[0]


@pytest.mark.parametrize("decimals", [0, 1, 2, 4, 6, 10])
def test_round_equals_polars_on_ties_and_many_values(decimals: int) -> None:
    """Half-to-even of the *scaled* value, as Polars rounds (Python's round differs on 1.115)."""
    import random

    rng = random.Random(decimals)
    values = [1.115, 2.675, 0.285, 1.005, 0.125, 2.5, -2.5, 0.5, -1.115, 1e15 + 0.5]
    values += [round(rng.uniform(-1e5, 1e5), rng.randint(0, 7)) for _ in range(20000)]
    expected = pl.Series(values, dtype=pl.Float64).round(decimals).to_list()
    got = [fast.round_half_even(v, decimals) for v in values]
    wrong = [(v, x, y) for v, x, y in zip(values, got, expected, strict=True) if x != y]
    assert not wrong, wrong[:5]


def test_a_one_off_evaluation_runs_on_polars_with_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """``renshe evaluate`` (one case, then the process exits) skips compiling the plans."""
    case = parse_case(json.loads(sorted(EXAMPLES.glob("*.json"))[0].read_text(encoding="utf-8"))["case"])
    fast = calculator.evaluate_case(case, explain=True)
    compiled: list[Any] = []
    monkeypatch.setattr(single, "program", lambda plan, entity: compiled.append(plan))
    assert orjson.dumps(calculator.evaluate_case(case, explain=True, one_off=True)) == orjson.dumps(fast)
    assert compiled == []
