"""Evaluation (测算): run every rule over a population and assemble results.

``run`` is the one code path used by the calculator (a population of one row)
and by the no-application batch (a partition of a registry).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import polars as pl

from renshe.engine import gates, same_money, series
from renshe.engine.calc import UNIT_KEY, Calc, Condition, text
from renshe.engine.money import round_fen
from renshe.engine.parameters import NotInForce, ParameterView, local_note
from renshe.engine.population import FIRST, LAST, Population, dated_facts, fact_paths
from renshe.engine.rules import Registry, Rule, registry

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

MONEY_UNITS = {"CNY", "CNY/month"}
RESULT_COLUMNS = ("eligible", "amount", "reasons", "overlaps")
#: a result's status (interface.md, contract version 2)
ELIGIBLE, INELIGIBLE, UNDETERMINED, OUT_OF_SCOPE = "eligible", "ineligible", "undetermined", "out_of_scope"
#: how ``missing`` (the JSON paths of the facts an undetermined result needs) is joined in a result column
MISSING_JOIN = ";"
#: populations up to this many rows run on Polars' in-memory engine (see ``run``)
SMALL_POPULATION = 10_000
#: the largest amount an answer holds: anything beyond (±inf, NaN, which no comparison holds) is null
FINITE_LIMIT = 1e300
#: how the batch writes a result's reasons: one string, joined with this
REASON_JOIN = "；"


class UnknownParameter(KeyError):
    pass


@dataclass
class Outcome:
    """The results of one rule for every row of its entity."""

    rule: Rule
    unit: str
    results: pl.DataFrame  # _u, eligible, amount, reasons, citations, outputs…, overlaps
    # (a LazyFrame until ``run`` collects every rule's plan at once)
    outputs: list[str]
    traced: list[tuple[str, str]] = field(default_factory=list)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)


def _all(conditions: list[Condition]) -> pl.Expr:
    if not conditions:
        return pl.lit(True)
    return pl.all_horizontal([c.holds.fill_null(False) for c in conditions])


def _list(items: list[pl.Expr]) -> pl.Expr:
    if not items:
        return pl.lit([], dtype=pl.List(pl.String))
    return pl.concat_list([i.cast(pl.String) for i in items]).list.drop_nulls()


def _joined(items: list[pl.Expr]) -> pl.Expr:
    """What ``_list(items).list.join(REASON_JOIN)`` gives, without building lists."""
    if not items:
        return pl.lit("", dtype=pl.String)
    return pl.concat_str([i.cast(pl.String) for i in items], separator=REASON_JOIN, ignore_nulls=True)


def status_of(conditions: list[Condition]) -> pl.Expr:
    """A result's status from its conditions (interface.md, contract version 2): a failing
    gate → out_of_scope; any condition false → ineligible; else any condition null (a
    fact the case does not carry) → undetermined; else eligible."""
    gate_holds = [cond.holds.fill_null(False) for cond in conditions if cond.gate]
    fails = [(~cond.holds).fill_null(False) for cond in conditions]
    unknown = [cond.holds.is_null() for cond in conditions]
    status: Then | ChainedThen | None = pl.when(pl.any_horizontal(fails)).then(pl.lit(INELIGIBLE)) if fails else None
    if unknown:
        status = (
            status.when(pl.any_horizontal(unknown)) if status is not None else pl.when(pl.any_horizontal(unknown))
        ).then(pl.lit(UNDETERMINED))
    final = status.otherwise(pl.lit(ELIGIBLE)) if status is not None else pl.lit(ELIGIBLE)
    if gate_holds:
        final = pl.when(pl.all_horizontal(gate_holds)).then(final).otherwise(pl.lit(OUT_OF_SCOPE))
    return final


def _sources(c: Calc) -> dict[str, set[tuple[str, str]]]:
    """For every column the rule defined: the case facts it reads, as (column to test
    for null, JSON path): an entity column, or an aggregation of a long table."""
    paths = fact_paths(c.rule.entity)
    known: dict[str, set[tuple[str, str]]] = {}

    def of(expr: pl.Expr) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for root in expr.meta.root_names():
            if root in known:
                found |= known[root]
            elif root in paths:
                found.add((root, paths[root]))
            elif (cell := series.parse(root)) is not None:  # a month of a pivoted long table
                found.add((root, paths.get(cell[0], f"{c.rule.entity}.{cell[0]}")))
        return found

    for kind, step in c._steps:
        if kind == "cols":
            for name, expr in step.items():
                known[name] = of(expr)
        else:
            table = paths.get(step.table, f"{c.rule.entity}.{step.table}")
            used = set().union(*[known.get(u, {(u, paths[u])} if u in paths else set()) for u in step.uses])
            for name, _ in step.aggs:
                known[name] = {(name, table)} | used
    return known


def _missing(c: Calc, unset: list[str]) -> pl.Expr:
    """The JSON paths of the facts an undetermined result lacks, joined with ``MISSING_JOIN``:
    for each condition that is null, the paths it declares (``facts``), else those of
    the facts it reads that are empty, else the parameters without a value it may
    wait on (``unset``: ``parameters.<name>``, set by the bureau or in the case), else
    every fact it reads."""
    known = _sources(c)
    parts = []
    for cond in c.conditions:
        if cond.gate:
            continue
        if cond.facts:
            paths = pl.lit(MISSING_JOIN.join(cond.facts))
        else:
            sources = sorted(known.get(cond.holds.meta.output_name(), set()))
            fallback = pl.lit(MISSING_JOIN.join(unset or [path for _, path in sources]))
            if sources:
                empty = pl.concat_str(
                    [pl.when(pl.col(col).is_null()).then(pl.lit(path)) for col, path in sources],
                    separator=MISSING_JOIN,
                    ignore_nulls=True,
                )
                paths = pl.when(empty == "").then(fallback).otherwise(empty)
            else:
                paths = fallback
        parts.append(pl.when(cond.holds.is_null()).then(paths))
    if not parts:
        return pl.lit(None, dtype=pl.String)
    return pl.concat_str(parts, separator=MISSING_JOIN, ignore_nulls=True)


def missing_paths(value: str | None) -> list[str]:
    """``missing`` as a list of JSON paths (each once, in order)."""
    if not value:
        return []
    return list(dict.fromkeys(p for p in value.split(MISSING_JOIN) if p))


def _regions(r: Rule, frame: pl.DataFrame, present: dict[str, frozenset[str]] | None = None) -> frozenset[str] | None:
    """The distinct region codes of the rule's entity (``present`` keeps them per entity
    for the rules of one run); None for a national rule, which needs none, or no rows."""
    if not gates.regional(r) or frame.height == 0:
        return None
    memo = {} if present is None else present
    if r.entity not in memo:
        memo[r.entity] = frozenset(frame["region"].unique().drop_nulls().to_list())
    return memo[r.entity]


def _gated(r: Rule, frame: pl.DataFrame, reason: str, batch: bool = False) -> Outcome:
    """The result for rows the rule cannot reach (not yet in force, expired, or
    outside its jurisdiction), made without building the rule's plan."""
    results = frame.select(
        pl.col(UNIT_KEY),
        pl.lit(False).alias("eligible"),
        pl.lit(None, dtype=pl.Float64).alias("amount"),
        (pl.lit(reason, dtype=pl.String) if batch else pl.lit([reason], dtype=pl.List(pl.String))).alias("reasons"),
        pl.lit(False).alias("in_scope"),
        pl.lit(OUT_OF_SCOPE).alias("status"),
        pl.lit(None, dtype=pl.String).alias("missing"),
    )
    return Outcome(rule=r, unit=r.unit, results=results, outputs=[])


Restricted = dict[tuple[str, str], tuple[pl.LazyFrame, int, dict[str, pl.DataFrame], pl.Series]]


def _restrict(
    r: Rule, pop: Population, frame: pl.DataFrame, cache: Restricted
) -> tuple[pl.LazyFrame, int, dict[str, pl.DataFrame], pl.Series]:
    """The rows of the rule's entity inside its jurisdiction (lazily: only the columns
    the rule reads are filtered), how many, their long tables, and the mask of those
    rows (one per entity and jurisdiction, shared by the rules)."""
    key = (r.entity, r.jurisdiction)
    if key not in cache:
        inside = frame.select(gates.covers_expr(r, pl.col("region")).fill_null(False).alias("inside")).to_series()
        # rechunk first: Polars 2.1 panics ("binview … i < self.len()") in pl.format over a
        # string column of several chunks whose filter left the first chunk empty
        sub = frame.rechunk().lazy().filter(pl.lit(inside))
        tables = pop.tables.get(r.entity, {})
        # the long tables' rows of those units: a lookup by unit key (a gather, cheaper than is_in)
        # (the unit key is an integer column; Series.max is typed for a column of any kind)
        size = max(int(cast(int, t[UNIT_KEY].max())) for t in [frame, *tables.values()] if t.height) + 1
        keep = pl.repeat(False, size, dtype=pl.Boolean, eager=True).scatter(frame[UNIT_KEY].filter(inside), True)
        tables = {name: t.filter(keep.gather(t[UNIT_KEY])).rechunk() if t.height else t for name, t in tables.items()}
        cache[key] = (sub, int(inside.sum()), tables, inside)
    return cache[key]


def run_rule(
    r: Rule,
    pop: Population,
    params: ParameterView,
    *,
    batch: bool = False,
    restricted: Restricted | None = None,
    present: dict[str, frozenset[str]] | None = None,
    reasons: bool = True,
) -> Outcome | None:
    """The rule's plan over every row of its entity (a LazyFrame in ``Outcome.results``).

    ``batch`` (the no-application batch) makes a leaner result: ``reasons`` as one
    string joined with ``REASON_JOIN`` instead of a list, no ``trace.*`` columns and
    no private outputs (``_citations``), and a regional rule computed only over the
    rows in its jurisdiction — the others get the gate result (not eligible, not in
    scope, the jurisdiction reason, null outputs), as when no row of the entity lies
    in the jurisdiction. ``reasons=False`` (batch only: money and status, what a simulation
    counts) leaves ``reasons`` null, so that Polars never builds the texts."""
    frame = pop.entities.get(r.entity)
    if frame is None:
        return None
    unreached = gates.unreached(r, params.as_of, _regions(r, frame, present))
    if unreached:
        return _gated(r, frame, unreached, batch)
    tables = pop.tables.get(r.entity, {})
    inside: pl.Series | None = None
    rows = frame.lazy()
    if batch and gates.regional(r):
        sub, n, sub_tables, inside = _restrict(r, pop, frame, {} if restricted is None else restricted)
        if n == 0:
            return _gated(r, frame, gates.outside_reason(r), batch)
        if n == frame.height:
            inside = None
        else:
            rows, tables = sub, sub_tables
    plan = plan_for(r, params, batch, pop)
    if isinstance(plan, str):
        return _gated(r, frame, plan, batch)
    lazy_tables = {name: t.lazy() for name, t in tables.items() if name in plan.tables}
    results = plan.calc.replay(rows, lazy_tables).select(plan.select)
    if not reasons and batch:
        results = results.with_columns(pl.lit(None, dtype=pl.String).alias("reasons"))
    outputs = plan.outputs
    if inside is not None:  # the rows outside the jurisdiction: the gate result, in the entity's row order
        rest = _gated(r, frame.select(UNIT_KEY).filter(~inside), gates.outside_reason(r), batch).results.lazy()
        if "unit" in outputs:  # a per-row unit: the declared one, as for a rule gated as a whole
            rest = rest.with_columns(pl.lit(r.unit, dtype=pl.String).alias("unit"))
        results = (
            frame.lazy()
            .select(UNIT_KEY)
            .join(pl.concat([results, rest], how="diagonal"), on=UNIT_KEY, how="left", maintain_order="left")
        )
    return Outcome(
        rule=r,
        unit=plan.unit,
        results=results,  # type: ignore[arg-type]
        outputs=outputs,
        traced=plan.traced,
        parameters=plan.parameters,
    )


@dataclass(frozen=True)
class Plan:
    """A rule's computation for one date and set of parameters, independent of the rows:
    the columns and aggregations its code declared and the result columns to select.
    Built once (the rule's Python runs once) and replayed over every population."""

    calc: Calc
    select: list[pl.Expr]
    unit: str
    outputs: list[str]
    traced: list[tuple[str, str]]
    parameters: dict[str, dict[str, Any]]
    tables: frozenset[str]  # the long tables it aggregates


#: plans kept (rule × date × parameters × mode), ~45 KB each; the calculator's cases mostly share a few dates
PLANS_KEPT = 4096
_plans: OrderedDict[tuple[Any, ...], Plan | str] = OrderedDict()
_plans_lock = threading.Lock()


def clear_plans() -> None:
    """Forget the cached plans (after the rules or parameters were reloaded)."""
    with _plans_lock:
        _plans.clear()


def plan_for(r: Rule, params: ParameterView, batch: bool, pop: Population) -> Plan | str:
    """The rule's plan (cached), or why it cannot run on that date (a parameter not yet in force)."""
    key = (r.id, params.as_of, params.key, batch, pop.shape(r.entity))
    with _plans_lock:
        if key in _plans:
            _plans.move_to_end(key)
            return _plans[key]
    plan = _build_plan(r, params, batch, pop.entities[r.entity], pop.tables.get(r.entity, {}))
    with _plans_lock:
        _plans[key] = plan
        while len(_plans) > PLANS_KEPT:
            _plans.popitem(last=False)
    return plan


def _build_plan(
    r: Rule, params: ParameterView, batch: bool, frame: pl.DataFrame, tables: dict[str, pl.DataFrame]
) -> Plan | str:
    view = params.fork()
    # the rule's code runs over empty frames of the population's shape: the plan holds no rows
    c = Calc(
        rule=r,
        frame=frame.clear().lazy(),
        tables={name: t.clear().lazy() for name, t in tables.items()},
        params=view,
        unit=r.unit,
    )
    gates.apply(c)
    try:
        r.compute(c)
    except NotInForce as exc:
        return f"测算日 {params.as_of.isoformat()} 该政策所用参数尚未生效（{exc}）"
    for used in view.used.values():  # a local standard (地方标准): the reason names the document that set it
        if "local" in used:
            c.note(local_note(used))
    reasons = _joined if batch else _list
    unset = [f"parameters.{used['name']}" for used in view.used.values() if used["value"] is None]
    status = status_of(c.conditions)
    eligible = status == ELIGIBLE
    ok = reasons([cond.ok for cond in c.conditions if cond.ok is not None] + c.notes)

    def why_not(conds: list[Condition]) -> pl.Expr:
        return reasons(
            [pl.when(cond.holds.is_null()).then(cond.missing).when(~cond.holds).then(cond.fail) for cond in conds]
        )

    gate_conds = [cond for cond in c.conditions if cond.gate]
    failed = why_not(c.conditions)
    in_scope = _all(gate_conds)
    if gate_conds:
        failed = pl.when(in_scope).then(failed).otherwise(why_not(gate_conds))
    amount_col = c.outputs.get("amount")
    if amount_col is None:
        amount = pl.lit(None, dtype=pl.Float64)
    else:
        raw = pl.col(amount_col).cast(pl.Float64)
        raw = pl.when(raw.abs() <= FINITE_LIMIT).then(raw)  # never NaN or ±inf (an override of 0 as a divisor)
        amount = round_fen(raw) if c.unit in MONEY_UNITS else raw.round(6)
    # an amount that does not depend on the missing fact is still given, as information
    shown = eligible | (status == UNDETERMINED)
    outputs = [n for n in c.outputs if n != "amount" and not (batch and n.startswith("_"))]
    traced = [] if batch else c.traced
    select = [
        pl.col(UNIT_KEY),
        eligible.alias("eligible"),
        pl.when(shown).then(amount).otherwise(None).alias("amount"),
        pl.when(eligible).then(ok).otherwise(failed).alias("reasons"),
        in_scope.alias("in_scope"),
        status.alias("status"),
        # the batch lists no missing facts (its rejection lists give the reasons)
        (
            pl.lit(None, dtype=pl.String)
            if batch
            else pl.when(status == UNDETERMINED).then(_missing(c, unset)).otherwise(None)
        ).alias("missing"),
        *[pl.col(c.outputs[n]).alias(n) for n in outputs],
        *[pl.col(name).alias(f"trace.{name}") for name, _ in traced],
    ]
    c.frame = c._base = pl.LazyFrame()  # the plan keeps the steps, not the frames they were built on
    c.tables = {}
    return Plan(
        calc=c,
        select=select,
        unit=c.unit,
        outputs=outputs,
        traced=list(traced),
        parameters=view.used,
        tables=frozenset(step.table for kind, step in c._steps if kind == "agg"),
    )


def check_overrides(reg: Registry, overrides: dict[str, Any]) -> list[str]:
    """Names in ``overrides`` that are not parameters (a bad case)."""
    return sorted(n for n in overrides if n not in reg.parameters)


def run(
    pop: Population,
    as_of: dt.date,
    overrides: dict[str, Any] | None = None,
    rule_ids: list[str] | None = None,
    *,
    batch: bool = False,
    reasons: bool = True,
) -> dict[str, Outcome]:
    """Every chosen rule over the population. ``batch``: the lean results of the
    no-application batch (see ``run_rule``); the calculator uses the default.
    ``reasons=False`` (with ``batch``): no reason texts, for a run that only counts money."""
    reg = registry()
    params = ParameterView(reg.parameters, as_of, overrides)
    chosen = rule_ids if rule_ids is not None else list(reg.rules)
    if any(gates.window_passed(reg.rules[rid], as_of) for rid in chosen):  # only those read the fact bounds
        pop.with_fact_bounds()
    outcomes: dict[str, Outcome] = {}
    restricted: Restricted = {}
    present: dict[str, frozenset[str]] = {}
    for rid in chosen:
        outcome = run_rule(
            reg.rules[rid], pop, params, batch=batch, restricted=restricted, present=present, reasons=reasons
        )
        if outcome is not None:
            outcomes[rid] = outcome
    planned = [o for o in outcomes.values() if isinstance(o.results, pl.LazyFrame)]
    rows = max((frame.height for frame in pop.entities.values()), default=0)
    # a few rows (the calculator, the API's concurrent requests): Polars' in-memory engine
    # has less fixed cost per plan; partitions of a registry stream
    engine: Literal["in-memory", "auto"] = "in-memory" if rows <= SMALL_POPULATION else "auto"
    # (``planned`` holds the outcomes whose results are still a LazyFrame, see Outcome)
    frames = pl.collect_all([cast(pl.LazyFrame, o.results) for o in planned], engine=engine)
    for out, frame in zip(planned, frames, strict=True):
        out.results = frame
    resolved = same_money.resolve_frames({rid: out.results for rid, out in outcomes.items()}, reg, UNIT_KEY)
    for rid, out in outcomes.items():
        frame = resolved[rid]
        marks = [pl.lit(None, dtype=pl.String).alias(m) for m in same_money.MARK.values() if m not in frame.columns]
        out.results = frame.with_columns(marks) if marks else frame
    return outcomes


@dataclass(frozen=True)
class Needs:
    """What ``run`` reads of a population for some rules: the long tables their plans
    aggregate and the entity columns their plans (and the gates) read."""

    tables: frozenset[str]
    columns: frozenset[str]


def needs(
    pop: Population,
    as_of: dt.date,
    overrides: dict[str, Any] | None = None,
    rule_ids: list[str] | None = None,
    *,
    batch: bool = True,
) -> Needs:
    """What ``run`` reads for the chosen rules over a population of ``pop``'s shape (its
    rows need not be there): the tables and columns the rules' plans read, the region
    (the jurisdiction gate), the fact bounds, and every dated table when a rule's window
    has passed and the bounds are not among the columns. A batch partition reads only these."""
    reg = registry()
    params = ParameterView(reg.parameters, as_of, overrides)
    chosen = rule_ids if rule_ids is not None else list(reg.rules)
    tables: set[str] = set()
    columns: set[str] = {UNIT_KEY, "region"}
    for entity, frame in pop.entities.items():
        dated = dated_facts(entity)[1]
        columns |= {name for name in frame.columns if name.startswith((FIRST, LAST))}
        if (
            dated
            and FIRST + dated[0][0] not in frame.columns
            and any(gates.window_passed(reg.rules[rid], as_of) for rid in chosen)
        ):
            tables |= {table for table, _ in dated}
    for rid in chosen:
        r = reg.rules[rid]
        if r.entity not in pop.entities or gates.unreached(r, as_of, None):
            continue
        plan = plan_for(r, params, batch, pop)
        if isinstance(plan, str):
            continue
        tables |= plan.tables
        exprs = list(plan.select)
        for kind, step in plan.calc._steps:
            if kind == "cols":
                exprs += list(step.values())
            else:
                columns |= set(step.uses)
        for expr in exprs:
            columns |= set(expr.meta.root_names())
    return Needs(frozenset(tables), frozenset(columns))


__all__ = ["REASON_JOIN", "Outcome", "check_overrides", "run", "run_rule", "text"]
