"""A rule's plan (``evaluate.Plan``: its columns, aggregations and result columns)
compiled into Python functions over one row (:class:`Program`), checked against the
types Polars resolves for the same plan, and the result columns as the calculator
reads them (dates as ISO strings). A plan that cannot be compiled gives no program:
the caller runs it through Polars."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from renshe.engine.fast.compiler import Compiler
from renshe.engine.fast.dtypes import FLOAT, INT, NULL, UNKNOWN, DType, Row, Unsupported, coerce, dtype_of

if TYPE_CHECKING:
    from renshe.engine.calc import AggGroup
    from renshe.engine.evaluate import Plan

Columns = dict[str, list[Any]]


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
    select: list[tuple[str, Any, DType, bool]]  # name, fn, dtype, temporal

    def run(self, entity_row: Row, tables: dict[str, list[Row]]) -> Columns:
        """The plan's result columns (one row) for an entity's row and its long tables' rows."""
        row = dict(entity_row)
        for kind, name, step in self.steps:
            if kind == "col":
                row[name] = step(row)
            else:
                rows = tables.get(step.table, [])
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
            value = coerce(fn(row), dtype)
            cols[name] = [jsonable(value) if temporal else value]
        return cols


# ---- result values as the calculator prints them ---------------------------------------
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
    fields = getattr(dtype, "fields", None) or []
    return any(has_temporal(f.dtype) for f in fields)


def columns_of(frame: pl.DataFrame) -> Columns:
    """A result frame's columns as Python lists, dates as ISO strings."""
    return {
        name: [jsonable(v) for v in series.to_list()] if has_temporal(series.dtype) else series.to_list()
        for name, series in frame.to_dict().items()
    }


# ---- compiling ----------------------------------------------------------------------------
SELECTED = "__selected__"


def _schema(frame: pl.DataFrame) -> dict[str, DType]:
    return {name: dtype_of(dtype) for name, dtype in frame.schema.items()}


def compile_plan(plan: Plan, frame: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> Program:
    """``plan`` as Python functions over one row of an entity whose (empty) frame and long
    tables are given (raises ``Unsupported``)."""
    schema = _schema(frame)
    empty = {name: t.lazy() for name, t in tables.items()}
    replayed = plan.calc.replay(frame.lazy(), empty)
    # every column's Polars type and every result column's, from one schema resolution
    selected = [e.alias(f"{SELECTED}{e.meta.output_name()}") for e in plan.select]
    resolved = replayed.with_columns(selected).collect_schema()
    polars_schema = {name: dtype_of(d) for name, d in resolved.items()}
    compiler = Compiler(schema)
    steps: list[tuple[str, Any, Any]] = []
    for kind, step in plan.calc._steps:
        if kind == "cols":
            for name, expr in step.items():
                fn, dtype = compiler.row(expr)
                steps.append(("col", name, _coerced(fn, dtype, polars_schema.get(name))))
                schema[name] = dtype
        else:
            steps.append(
                ("agg", None, _aggregation(step, compiler, schema, _schema(tables[step.table]), polars_schema))
            )
    select = []
    for expr in plan.select:
        name = expr.meta.output_name()
        fn, dtype = compiler.row(expr)
        final = resolved[SELECTED + name]
        _check_type(name, dtype, dtype_of(final))
        select.append((name, fn, dtype_of(final), has_temporal(final)))
    return Program(steps, select)


def _check_type(name: str, inferred: DType, actual: DType) -> None:
    """The inferred type must be Polars' (an int where Polars has a float would print differently)."""
    if inferred in (actual, NULL):
        return
    if inferred == UNKNOWN or actual == UNKNOWN:
        raise Unsupported(f"type of {name}: {inferred} (Polars: {actual})")
    if isinstance(inferred, tuple) and isinstance(actual, tuple) and NULL in (inferred[1], actual[1]):
        return
    raise Unsupported(f"type of {name}: {inferred} (Polars: {actual})")


def _coerced(fn: Any, inferred: DType, actual: DType | None) -> Any:
    if actual is None:
        return fn
    _check_type("column", inferred, actual)
    if actual in (FLOAT, INT):
        return lambda row: coerce(fn(row), actual)
    return fn


def _aggregation(
    group: AggGroup,
    compiler: Compiler,
    schema: dict[str, DType],
    table_schema: dict[str, DType],
    polars_schema: dict[str, DType],
) -> _Aggregation:
    table = dict(table_schema)
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


#: compiled programs kept (as many as plans, see ``evaluate.PLANS_KEPT``)
PROGRAMS_KEPT = 4096
_programs: dict[int, tuple[Plan, Program | None]] = {}
_programs_lock = threading.Lock()


def program(plan: Plan, frame: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> Program | None:
    """The compiled plan (cached with the plan), or None when only Polars can run it."""
    with _programs_lock:
        known = _programs.get(id(plan))
    if known is not None and known[0] is plan:
        return known[1]
    try:
        prog: Program | None = compile_plan(plan, frame, tables)
    except (Unsupported, KeyError, TypeError, ValueError):
        prog = None
    with _programs_lock:
        if len(_programs) > 2 * PROGRAMS_KEPT:
            _programs.clear()
        _programs[id(plan)] = (plan, prog)
    return prog
