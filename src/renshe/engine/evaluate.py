"""Evaluation (测算): run every rule over a population and assemble results.

``run`` is the one code path used by the calculator (a population of one row)
and by the no-application batch (a partition of a registry).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from renshe.domain.regions import jurisdiction_flags, jurisdictions
from renshe.engine.calc import UNIT_KEY, Calc, Condition, text
from renshe.engine.money import round_fen
from renshe.engine.parameters import NotInForce, ParameterView
from renshe.engine.population import Population
from renshe.engine.rules import JURISDICTION_NAMES, Registry, Rule, registry

MONEY_UNITS = {"CNY", "CNY/month"}
RESULT_COLUMNS = ("eligible", "amount", "reasons", "overlaps")


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


def _jurisdiction_condition(c: Calc) -> None:
    """The rule's jurisdiction covers the entity's region (a gate)."""
    r = c.rule
    if r.jurisdiction != "cn":
        name = JURISDICTION_NAMES[r.jurisdiction]
        c.require(jurisdiction_flags(pl.col("region"))[r.jurisdiction], None, f"注册地/所在地不在{name}，不适用{name}政策",
                  gate=True)


def _anyone_in_jurisdiction(r: Rule, frame: pl.DataFrame) -> bool:
    """False when no row of the entity lies in the rule's jurisdiction: the rule's
    computation is then skipped (a single Beijing case does not run Henan rules)."""
    if r.jurisdiction == "cn" or frame.height == 0:
        return True
    return any(r.jurisdiction in jurisdictions(code) for code in frame["region"].unique().drop_nulls().to_list())


def _time_problem(r: Rule, as_of: dt.date) -> str | None:
    if r.effective_from and as_of < r.effective_from:
        return f"测算日 {as_of.isoformat()} 该政策尚未施行（自 {r.effective_from.isoformat()} 起施行）"
    if r.expires and r.effective_to and as_of > r.effective_to:
        return f"该政策已于 {r.effective_to.isoformat()} 到期，测算日 {as_of.isoformat()} 不再适用"
    return None


def _gated(r: Rule, frame: pl.DataFrame, reason: str) -> Outcome:
    """The result for rows the rule cannot reach (not yet in force, expired, or
    outside its jurisdiction), made without building the rule's plan."""
    results = frame.select(
        pl.col(UNIT_KEY),
        pl.lit(False).alias("eligible"),
        pl.lit(None, dtype=pl.Float64).alias("amount"),
        pl.lit([reason], dtype=pl.List(pl.String)).alias("reasons"),
        pl.lit(False).alias("in_scope"),
    )
    return Outcome(rule=r, unit=r.unit, results=results, outputs=[])


def run_rule(r: Rule, pop: Population, params: ParameterView) -> Outcome | None:
    frame = pop.entities.get(r.entity)
    if frame is None:
        return None
    late = _time_problem(r, params.as_of)
    if late:
        return _gated(r, frame, late)
    if not _anyone_in_jurisdiction(r, frame):
        name = JURISDICTION_NAMES[r.jurisdiction]
        return _gated(r, frame, f"注册地/所在地不在{name}，不适用{name}政策")
    view = params.fork()
    tables = {name: t.lazy() for name, t in pop.tables.get(r.entity, {}).items()}
    c = Calc(rule=r, frame=frame.lazy(), tables=tables, params=view, unit=r.unit)
    _jurisdiction_condition(c)
    try:
        r.compute(c)
    except NotInForce as exc:
        return _gated(r, frame, f"测算日 {params.as_of.isoformat()} 该政策所用参数尚未生效（{exc}）")
    eligible = _all(c.conditions)
    ok = _list([cond.ok for cond in c.conditions if cond.ok is not None] + c.notes)
    def why_not(conds: list[Condition]) -> pl.Expr:
        return _list([pl.when(cond.holds.is_null()).then(cond.missing).when(~cond.holds).then(cond.fail)
                      for cond in conds])

    gates = [cond for cond in c.conditions if cond.gate]
    failed = why_not(c.conditions)
    in_scope = _all(gates)
    if gates:
        failed = pl.when(in_scope).then(failed).otherwise(why_not(gates))
    amount_col = c.outputs.get("amount")
    if amount_col is None:
        amount = pl.lit(None, dtype=pl.Float64)
    else:
        raw = pl.col(amount_col).cast(pl.Float64)
        amount = round_fen(raw) if c.unit in MONEY_UNITS else raw.round(6)
    outputs = [n for n in c.outputs if n != "amount"]
    results = c.frame.select(
        pl.col(UNIT_KEY),
        eligible.alias("eligible"),
        pl.when(eligible).then(amount).otherwise(None).alias("amount"),
        pl.when(eligible).then(ok).otherwise(failed).alias("reasons"),
        in_scope.alias("in_scope"),
        *[pl.col(c.outputs[n]).alias(n) for n in outputs],
        *[pl.col(name).alias(f"trace.{name}") for name, _ in c.traced],
    )
    return Outcome(rule=r, unit=c.unit, results=results, outputs=outputs,  # type: ignore[arg-type]
                   traced=c.traced, parameters=view.used)


def check_overrides(reg: Registry, overrides: dict[str, Any]) -> list[str]:
    """Names in ``overrides`` that are not parameters (a bad case)."""
    return sorted(n for n in overrides if n not in reg.parameters)


def resolve_overlaps(outcomes: dict[str, Outcome], reg: Registry) -> None:
    """Where two results are the same money under two documents, pay one: the
    larger amount, ties to the first of the group; the other carries ``overlaps``."""
    for group in reg.overlap_groups:
        present = [pid for pid in group if pid in outcomes]
        if len(present) < 2:
            continue
        amounts = pl.DataFrame({UNIT_KEY: outcomes[present[0]].results[UNIT_KEY]})
        for i, pid in enumerate(present):
            res = outcomes[pid].results
            amounts = amounts.join(
                res.select(UNIT_KEY, pl.when(pl.col("eligible")).then(pl.col("amount").fill_null(0.0)).alias(f"a{i}")),
                on=UNIT_KEY, how="left", maintain_order="left",
            )
        cols = [f"a{i}" for i in range(len(present))]
        best = amounts.select(
            UNIT_KEY,
            pl.concat_list([pl.col(c).fill_null(-1.0) for c in cols]).list.arg_max().alias("best"),
            pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Int32) for c in cols]).alias("n"),
        )
        for i, pid in enumerate(present):
            out = outcomes[pid]
            joined = out.results.join(best, on=UNIT_KEY, how="left", maintain_order="left")
            overlaps = (
                pl.when((pl.col("n") >= 2) & pl.col("eligible") & (pl.col("best") != i))
                .then(pl.col("best").replace_strict(dict(enumerate(present)), return_dtype=pl.String))
                .otherwise(None)
            )
            if "overlaps" in joined.columns:  # already marked by an earlier group: keep that mark
                overlaps = pl.coalesce(pl.col("overlaps"), overlaps)
            out.results = joined.with_columns(overlaps.alias("overlaps")).drop("best", "n")


def run(pop: Population, as_of: dt.date, overrides: dict[str, Any] | None = None,
        rule_ids: list[str] | None = None) -> dict[str, Outcome]:
    reg = registry()
    params = ParameterView(reg.parameters, as_of, overrides)
    chosen = rule_ids if rule_ids is not None else list(reg.rules)
    outcomes: dict[str, Outcome] = {}
    for rid in chosen:
        outcome = run_rule(reg.rules[rid], pop, params)
        if outcome is not None:
            outcomes[rid] = outcome
    planned = [o for o in outcomes.values() if isinstance(o.results, pl.LazyFrame)]
    frames = pl.collect_all([o.results for o in planned])  # type: ignore[misc]
    for out, frame in zip(planned, frames, strict=True):
        out.results = frame
    resolve_overlaps(outcomes, reg)
    for out in outcomes.values():
        if "overlaps" not in out.results.columns:
            out.results = out.results.with_columns(pl.lit(None, dtype=pl.String).alias("overlaps"))
    return outcomes


__all__ = ["Outcome", "run", "run_rule", "check_overrides", "text"]
