"""One case evaluated in plain Python (单案快算): the calculator's and the API's fast path.

The rules' plans are the same as in ``evaluate.run`` (built once per rule, date
and parameters, by the rule's own code); here each plan is compiled once by
``engine.fast`` into Python functions over one row and run on the case's
values, without a Polars query per rule. The answer is the one ``run`` gives
for a population of that one case: ``tests/engine/test_single.py`` checks it on
every example and every policy case.

A plan that ``engine.fast`` cannot compile, or whose Python evaluation fails,
is run through Polars for that rule only (``Program`` is then ``None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl

from renshe.domain.size import classify
from renshe.engine import fast, gates, same_money
from renshe.engine.calc import UNIT_KEY
from renshe.engine.case import Agency, Bureau, Case, Enterprise, Person
from renshe.engine.evaluate import OUT_OF_SCOPE, Outcome, Plan, plan_for, run_rule
from renshe.engine.fast import plans
from renshe.engine.fast.plans import Program, columns_of
from renshe.engine.parameters import ParameterView
from renshe.engine.population import (
    LOAN_SCHEMA,
    Population,
    entity_frames,
    fact_bounds_row,
    fill_row,
    from_cases,
    layout,
    loan_row,
    with_classification,
)
from renshe.engine.rules import Rule, registry

Row = dict[str, Any]
Columns = dict[str, list[Any]]
MODELS = (("enterprise", Enterprise), ("person", Person), ("agency", Agency), ("bureau", Bureau))


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
def _schema(entity: str) -> dict[str, fast.DType]:
    return {name: fast.dtype_of(dtype) for name, dtype in _shapes().entities[entity].schema.items()}


@cache
def _table_schema(entity: str, table: str) -> dict[str, fast.DType]:
    return {name: fast.dtype_of(dtype) for name, dtype in _shapes().tables[entity][table].schema.items()}


def _typed(row: Row, schema: dict[str, fast.DType]) -> Row:
    """The row with every column of ``schema`` (absent → null), ints in float columns as floats."""
    return {name: fast.coerce(row.get(name), dtype) for name, dtype in schema.items()}


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
            c = classify(
                row["industry"], row.get("employees"), row.get("revenue"), row.get("assets"), row.get("size_given")
            )
            row["size"], row["industry_class"] = c.size, c.industry_class
        tables = {t: [_typed(r, _table_schema(name, t)) for r in table_rows.get(t, [])] for t in layout(model).tables}
        row.update(fact_bounds_row(name, tables))
        out[name] = Entity(_typed(row, _schema(name)), tables)
    if case.loan is not None:
        size = out["enterprise"].row["size"] if "enterprise" in out else None
        out["loan"] = Entity(_typed(loan_row(0, case, size), _schema("loan")), {})
    return out


# ---- a plan compiled to Python (``engine.fast``) ----------------------------------------
def program(plan: Plan, entity: str) -> Program | None:
    """The plan compiled for one row of ``entity`` (cached), or None when only Polars can run it."""
    shapes = _shapes()
    return plans.program(plan, shapes.entities[entity], shapes.tables.get(entity, {}))


# ---- one case ---------------------------------------------------------------------------
@dataclass
class Answer:
    """One rule's result for the case, in the calculator's column form (one row)."""

    outcome: Outcome
    cols: Columns


def _gated(r: Rule, reason: str) -> Answer:
    out = Outcome(rule=r, unit=r.unit, results=None, outputs=[])  # type: ignore[arg-type]
    return Answer(
        out,
        {
            "eligible": [False],
            "amount": [None],
            "reasons": [[reason]],
            "in_scope": [False],
            "status": [OUT_OF_SCOPE],
            "missing": [None],
        },
    )


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
                cols = prog.run(ent.row, ent.tables)
            except Exception:
                cols = None
        if cols is None:
            answers[rid] = fallback.run(r, params)
            continue
        out = Outcome(
            rule=r,
            unit=plan.unit,
            results=None,  # type: ignore[arg-type]
            outputs=plan.outputs,
            traced=plan.traced,
            parameters=plan.parameters,
        )
        answers[rid] = Answer(out, cols)
    same_money.resolve_rows({rid: a.cols for rid, a in answers.items()}, reg)
    for answer in answers.values():
        for mark in same_money.MARK.values():
            answer.cols.setdefault(mark, [None])
    return answers, ents
