"""One case evaluated in plain Python (单案快算): the calculator's and the API's fast path.

The rules' plans are the same as in ``evaluate.run`` (built once per rule, date
and parameters, by the rule's own code); here each plan is compiled once by
``engine.scalar`` into Python functions over one row and run on the case's
values, without a Polars query per rule. The answer is the one ``run`` gives
for a population of that one case: ``tests/engine/test_single.py`` checks it on
every example and every policy case.

A plan that ``engine.scalar`` cannot compile, or whose Python evaluation fails,
is run through Polars for that rule only (``Program`` is then ``None``).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl

from renshe.domain.size import classify
from renshe.engine import gates, same_money, scalar
from renshe.engine.calc import UNIT_KEY, AggGroup
from renshe.engine.case import Agency, Case, Enterprise, Person
from renshe.engine.evaluate import OUT_OF_SCOPE, Outcome, Plan, plan_for, run_rule
from renshe.engine.parameters import ParameterView
from renshe.engine.population import (LOAN_SCHEMA, Population, loan_row, fill_row, entity_frames, fact_bounds_row,
                                      from_cases, layout, with_classification)
from renshe.engine.rules import Rule, registry
from renshe.engine.scalar import Unsupported

Row = dict[str, Any]
Columns = dict[str, list[Any]]
MODELS = (("enterprise", Enterprise), ("person", Person), ("agency", Agency))


# ---- the shape of a one-case population (for plans) and its rows ----------------------
@cache
def _shapes() -> Population:
    """A population with no rows but every entity's columns: the plans' shape."""
    pop = Population()
    for name, model in MODELS:
        frame, tables = entity_frames(model, [])
        pop.entities[name] = with_classification(frame) if name == "enterprise" else frame
        pop.tables[name] = tables
    pop.entities["loan"] = pl.DataFrame(schema=LOAN_SCHEMA)
    pop.tables["loan"] = {}
    pop.with_fact_bounds()
    return pop


@cache
def _schema(entity: str) -> dict[str, scalar.DType]:
    return {name: scalar.dtype_of(dtype) for name, dtype in _shapes().entities[entity].schema.items()}


@cache
def _table_schema(entity: str, table: str) -> dict[str, scalar.DType]:
    return {name: scalar.dtype_of(dtype) for name, dtype in _shapes().tables[entity][table].schema.items()}


def _typed(row: Row, schema: dict[str, scalar.DType]) -> Row:
    """The row with every column of ``schema`` (absent → null), ints in float columns as floats."""
    return {name: scalar.coerce(row.get(name), dtype) for name, dtype in schema.items()}


@dataclass
class Entity:
    row: Row
    tables: dict[str, list[Row]]


def entities_of(case: Case) -> dict[str, Entity]:
    """The case's entities as rows (the values a population of this one case holds)."""
    out: dict[str, Entity] = {}
    for name, model in MODELS:
        obj = getattr(case, name)
        if obj is None:
            continue
        row: Row = {UNIT_KEY: 0}
        table_rows: dict[str, list[Row]] = {}
        fill_row(obj, 0, "", row, table_rows)
        if name == "enterprise":
            c = classify(row["industry"], row.get("employees"), row.get("revenue"), row.get("assets"),
                         row.get("size_given"))
            row["size"], row["industry_class"] = c.size, c.industry_class
        tables = {t: [_typed(r, _table_schema(name, t)) for r in table_rows.get(t, [])] for t in layout(model).tables}
        row.update(fact_bounds_row(name, tables))
        out[name] = Entity(_typed(row, _schema(name)), tables)
    if case.loan is not None:
        size = out["enterprise"].row["size"] if "enterprise" in out else None
        out["loan"] = Entity(_typed(loan_row(0, case, size), _schema("loan")), {})
    return out


# ---- a plan compiled to Python ----------------------------------------------------------
@dataclass
class _Aggregation:
    table: str
    uses: tuple[str, ...]
    order_by: str | None
    where: Any  # Row → bool | None
    aggs: list[tuple[str, Any]]  # name, rows → value


@dataclass
class Program:
    steps: list[tuple[str, Any, Any]]  # ("col", name, fn) | ("agg", None, _Aggregation)
    select: list[tuple[str, Any, scalar.DType, bool]]  # name, fn, dtype, temporal

    def run(self, entity: Entity) -> Columns:
        row = dict(entity.row)
        for kind, name, step in self.steps:
            if kind == "col":
                row[name] = step(row)
            else:
                rows = entity.tables.get(step.table, [])
                if step.uses:
                    extra = {u: row[u] for u in step.uses}
                    rows = [{**r, **extra} for r in rows]
                if step.order_by is not None:
                    key = step.order_by
                    rows = sorted(rows, key=lambda r: (r[key] is not None, r[key]))
                if step.where is not None:
                    rows = [r for r in rows if step.where(r) is True]
                for agg_name, agg in step.aggs:
                    row[agg_name] = agg(rows) if rows else None
        cols: Columns = {}
        for name, fn, dtype, temporal in self.select:
            value = scalar.coerce(fn(row), dtype)
            cols[name] = [jsonable(value) if temporal else value]
        return cols


def jsonable(value: Any) -> Any:
    """Dates (deadlines, traced dates) as ISO strings; lists and mappings inside too."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def has_temporal(dtype: Any) -> bool:
    """Whether values of ``dtype`` hold dates (then they are written as ISO strings)."""
    if dtype.is_temporal():
        return True
    inner = getattr(dtype, "inner", None)
    if inner is not None:
        return has_temporal(inner)
    fields = getattr(dtype, "fields", None)
    return bool(fields) and any(has_temporal(f.dtype) for f in fields)


def columns_of(frame: pl.DataFrame) -> Columns:
    """A result frame's columns as Python lists, dates as ISO strings."""
    return {name: [jsonable(v) for v in series.to_list()] if has_temporal(series.dtype) else series.to_list()
            for name, series in frame.to_dict().items()}


SELECTED = "__selected__"


def compile_plan(plan: Plan, entity: str) -> Program:
    """``plan`` as Python functions over one row of ``entity`` (raises ``Unsupported``)."""
    shapes = _shapes()
    frame = shapes.entities[entity]
    tables = shapes.tables.get(entity, {})
    schema = dict(_schema(entity))
    empty = {name: t.lazy() for name, t in tables.items()}
    replayed = plan.calc.replay(frame.lazy(), empty)
    # every column's Polars type and every result column's, from one schema resolution
    selected = [e.alias(f"{SELECTED}{e.meta.output_name()}") for e in plan.select]
    resolved = replayed.with_columns(selected).collect_schema()
    polars_schema = {name: scalar.dtype_of(d) for name, d in resolved.items()}
    compiler = scalar.Compiler(schema)
    steps: list[tuple[str, Any, Any]] = []
    for kind, step in plan.calc._steps:
        if kind == "cols":
            for name, expr in step.items():
                fn, dtype = compiler.row(expr)
                steps.append(("col", name, _coerced(fn, dtype, polars_schema.get(name))))
                schema[name] = dtype
        else:
            steps.append(("agg", None, _aggregation(step, compiler, schema, entity, polars_schema)))
    select = []
    for expr in plan.select:
        name = expr.meta.output_name()
        fn, dtype = compiler.row(expr)
        final = resolved[SELECTED + name]
        _check_type(name, dtype, scalar.dtype_of(final))
        select.append((name, fn, scalar.dtype_of(final), has_temporal(final)))
    return Program(steps, select)


def _check_type(name: str, inferred: scalar.DType, actual: scalar.DType) -> None:
    """The inferred type must be Polars' (an int where Polars has a float would print differently)."""
    if inferred == actual or inferred == scalar.NULL:
        return
    if inferred == scalar.UNKNOWN or actual == scalar.UNKNOWN:
        raise Unsupported(f"type of {name}: {inferred} (Polars: {actual})")
    if isinstance(inferred, tuple) and isinstance(actual, tuple) and scalar.NULL in (inferred[1], actual[1]):
        return
    raise Unsupported(f"type of {name}: {inferred} (Polars: {actual})")


def _coerced(fn: Any, inferred: scalar.DType, actual: scalar.DType | None) -> Any:
    if actual is None:
        return fn
    _check_type("column", inferred, actual)
    if actual in (scalar.FLOAT, scalar.INT):
        return lambda row: scalar.coerce(fn(row), actual)
    return fn


def _aggregation(group: AggGroup, compiler: scalar.Compiler, schema: dict[str, scalar.DType], entity: str,
                 polars_schema: dict[str, scalar.DType]) -> _Aggregation:
    table = dict(_table_schema(entity, group.table))
    table.update({u: schema[u] for u in group.uses})
    where = None if group.where is None else compiler.predicate(group.where, table)
    aggs = []
    for name, expr in group.aggs:
        fn, dtype = compiler.group(expr, table)
        actual = polars_schema.get(name)
        if actual is not None:
            _check_type(name, dtype, actual)
        schema[name] = dtype
        aggs.append((name, fn))
    return _Aggregation(group.table, group.uses, group.order_by, where, aggs)


_programs: dict[int, tuple[Plan, Program | None]] = {}
_programs_lock = threading.Lock()


def program(plan: Plan, entity: str) -> Program | None:
    """The compiled plan (cached with the plan), or None when only Polars can run it."""
    with _programs_lock:
        known = _programs.get(id(plan))
    if known is not None and known[0] is plan:
        return known[1]
    try:
        prog: Program | None = compile_plan(plan, entity)
    except (Unsupported, KeyError, TypeError, ValueError):
        prog = None
    with _programs_lock:
        if len(_programs) > 2 * PROGRAMS_KEPT:
            _programs.clear()
        _programs[id(plan)] = (plan, prog)
    return prog


#: compiled programs kept (as many as plans, see ``evaluate.PLANS_KEPT``)
PROGRAMS_KEPT = 4096


# ---- one case ---------------------------------------------------------------------------
@dataclass
class Answer:
    """One rule's result for the case, in the calculator's column form (one row)."""

    outcome: Outcome
    cols: Columns


def _gated(r: Rule, reason: str) -> Answer:
    out = Outcome(rule=r, unit=r.unit, results=None, outputs=[])  # type: ignore[arg-type]
    return Answer(out, {"eligible": [False], "amount": [None], "reasons": [[reason]], "in_scope": [False],
                        "status": [OUT_OF_SCOPE], "missing": [None]})


class _Fallback:
    """The case as a Polars population, made only if some rule needs Polars."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self._pop: Population | None = None

    def run(self, r: Rule, params: ParameterView) -> Answer:
        if self._pop is None:
            self._pop = from_cases([self.case])[0]
        out = run_rule(r, self._pop, params)
        assert out is not None
        frame = out.results.collect() if isinstance(out.results, pl.LazyFrame) else out.results
        out.results = frame
        return Answer(out, columns_of(frame))


def evaluate(case: Case, rule_ids: list[str] | None = None) -> tuple[dict[str, Answer], dict[str, Entity]]:
    """Every chosen rule for the one case: what ``evaluate.run`` gives for its population."""
    reg = registry()
    params = ParameterView(reg.parameters, case.as_of, case.parameters)
    ents = entities_of(case)
    shapes = _shapes()
    fallback = _Fallback(case)
    chosen = rule_ids if rule_ids is not None else list(reg.rules)
    answers: dict[str, Answer] = {}
    for rid in chosen:
        r = reg.rules[rid]
        ent = ents.get(r.entity)
        if ent is None:
            continue
        unreached = gates.unreached(r, params.as_of, [ent.row.get("region")])
        if unreached:
            answers[rid] = _gated(r, unreached)
            continue
        plan = plan_for(r, params, False, shapes)
        if isinstance(plan, str):
            answers[rid] = _gated(r, plan)
            continue
        prog = program(plan, r.entity)
        cols = None
        if prog is not None:
            try:
                cols = prog.run(ent)
            except Exception:  # noqa: BLE001 — Polars decides (and raises what it raises)
                cols = None
        if cols is None:
            answers[rid] = fallback.run(r, params)
            continue
        out = Outcome(rule=r, unit=plan.unit, results=None, outputs=plan.outputs,  # type: ignore[arg-type]
                      traced=plan.traced, parameters=plan.parameters)
        answers[rid] = Answer(out, cols)
    same_money.resolve_rows({rid: a.cols for rid, a in answers.items()}, reg)
    for answer in answers.values():
        for mark in same_money.MARK.values():
            answer.cols.setdefault(mark, [None])
    return answers, ents
