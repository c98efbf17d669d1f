"""The calculation context (计算) a rule's column function works in.

A rule receives a ``Calc`` over a table of entities (one row for a single
case, millions in a batch) and declares, as Polars expressions:

- ``c.col(name, expr)``: an intermediate quantity (kept for ``--explain``);
- ``c.require(cond, ok, fail)``: a condition with the reason shown when it
  holds and when it fails (the "why not");
- ``c.amount(expr)``, ``c.period(from, to)``, ``c.output(name, expr)``.

Parameters come from ``c.p(name)``; data in long tables (contributions,
insured headcounts…) from the aggregation helpers. Nothing here knows about
a particular policy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from renshe.engine import quantities, series
from renshe.engine.parameters import ParameterView
from renshe.engine.rules import Rule

Text = str | pl.Expr
UNIT_KEY = "_u"


RATE_DECIMALS = 10


def exact(rate: pl.Expr) -> pl.Expr:
    """A ratio snapped to 10 decimals, so that a rate exactly at a printed limit
    (945 of 1000 → 5.5 %, 120 of 100 → +20 %) compares as printed and not as
    0.05500000000000005 or 0.19999999999999996."""
    return rate.round(RATE_DECIMALS)


def text(value: Text) -> pl.Expr:
    return pl.lit(value) if isinstance(value, str) else value


@dataclass
class Condition:
    holds: pl.Expr
    ok: pl.Expr | None
    fail: pl.Expr
    missing: pl.Expr
    gate: bool = False
    #: JSON paths of the case facts this condition needs (shown as ``missing`` when it is
    #: undetermined); empty: the engine finds them from the columns the condition reads
    facts: tuple[str, ...] = ()


@dataclass
class AggGroup:
    """Aggregations of one long table over the same rows (same ``where``, ``uses``,
    ``order_by``): one group_by per unit and one left join onto the entity frame."""

    table: str
    where: pl.Expr | None
    uses: tuple[str, ...]
    order_by: str | None
    versions: tuple[int, ...]  # of the ``uses`` columns when the group was made
    aggs: list[tuple[str, pl.Expr]] = field(default_factory=list)

    def matches(
        self, table: str, where: pl.Expr | None, uses: tuple[str, ...], order_by: str | None, versions: tuple[int, ...]
    ) -> bool:
        if (table, uses, order_by, versions) != (self.table, self.uses, self.order_by, self.versions):
            return False
        if where is None or self.where is None:
            return where is None and self.where is None
        return where.meta.eq(self.where)

    def add(self, agg: pl.Expr, c: Calc) -> str:
        for name, known in self.aggs:
            if known.meta.eq(agg):
                return name
        c._n += 1
        name = f"__a{c._n}"
        self.aggs.append((name, agg))
        return name

    def join_onto(self, frame: pl.LazyFrame, tables: dict[str, pl.LazyFrame]) -> pl.LazyFrame:
        rows = tables[self.table]
        if self.order_by is not None:
            rows = rows.sort(UNIT_KEY, self.order_by)
        if self.uses:
            rows = rows.join(frame.select(UNIT_KEY, *self.uses), on=UNIT_KEY, how="inner")
        if self.where is not None:
            rows = rows.filter(self.where)
        per_unit = rows.group_by(UNIT_KEY).agg([agg.alias(name) for name, agg in self.aggs])
        return frame.join(per_unit, on=UNIT_KEY, how="left", maintain_order="left")


@dataclass
class Calc:
    rule: Rule
    frame: pl.LazyFrame
    tables: dict[str, pl.LazyFrame]
    params: ParameterView
    conditions: list[Condition] = field(default_factory=list)
    notes: list[pl.Expr] = field(default_factory=list)
    traced: list[tuple[str, str]] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    unit: str = "CNY"
    _n: int = 0
    # the plan as steps, so that aggregations of one table with the same filter share one
    # group_by + join: ("cols", {name: expr}) or ("agg", AggGroup)
    _steps: list[tuple[str, Any]] = field(default_factory=list)
    _base: pl.LazyFrame | None = None
    _version: dict[str, int] = field(default_factory=dict)  # times each column name was (re)defined
    _cells: dict[str, dict[str, list[tuple[str, ...]]]] | None = None  # the frame's series (``engine.series``)

    def __post_init__(self) -> None:
        self._base = self.frame

    def _series(self, table: str) -> dict[str, list[tuple[str, ...]]]:
        """The pivoted series of ``table`` the entity frame carries: value → cells' keys
        (empty: the helpers aggregate the long table)."""
        if self._cells is None:
            assert self._base is not None
            self._cells = series.cells(self._base.collect_schema().names())
        return self._cells.get(table, {})

    def _with(self, name: str, expr: pl.Expr) -> None:
        """Add (or replace) column ``name`` at the end of the plan."""
        self._version[name] = self._version.get(name, 0) + 1
        self._steps.append(("cols", {name: expr}))
        self.frame = self.frame.with_columns(expr.alias(name))

    def _rebuild(self) -> None:
        assert self._base is not None
        self.frame = self.replay(self._base, self.tables)

    def replay(self, frame: pl.LazyFrame, tables: dict[str, pl.LazyFrame]) -> pl.LazyFrame:
        """The rule's columns and aggregations over other rows: the plan this Calc
        built, applied to ``frame`` and its long ``tables`` (no rule code runs again)."""
        for kind, step in self._steps:
            if kind == "cols":
                frame = frame.with_columns([e.alias(n) for n, e in step.items()])
            else:
                frame = step.join_onto(frame, tables)
        return frame

    # ---- parameters -------------------------------------------------------
    def p(self, name: str) -> Any:
        """The value in force of parameter ``name`` (relative to the rule id, or global)."""
        local = f"{self.rule.id}.{name}"
        return self.params(local if local in self.params._parameters else name)

    # ---- named quantities ---------------------------------------------------
    def q(self, name: str, *args: Any) -> pl.Expr:
        """The named quantity ``name`` (``engine.quantities``, declared beside its policy) for
        ``args``: computed as one column the first time this plan reads it, reused after."""
        column = quantities.column_name(name, args)
        if column not in self._version:
            self._with(column, quantities.declared(name).compute(self, *args))
        return pl.col(column)

    # ---- columns ----------------------------------------------------------
    def col(self, name: str, expr: pl.Expr, label: str = "") -> pl.Expr:
        """Compute an intermediate quantity for every row; it appears in the trace."""
        self._with(name, expr)
        self.traced.append((name, label))
        return pl.col(name)

    def _tmp(self, expr: pl.Expr) -> str:
        self._n += 1
        name = f"__c{self._n}"
        self._with(name, expr)
        return name

    def require(
        self,
        holds: pl.Expr,
        ok: Text | None,
        fail: Text,
        missing: Text | None = None,
        gate: bool = False,
        facts: tuple[str, ...] = (),
    ) -> None:
        """A condition of eligibility. ``holds`` true: met (``ok`` explains it); false: the
        result is ineligible (``fail`` says why); null: the case lacks a fact to judge it,
        and the result is undetermined (``missing`` says what the fact would decide,
        default ``fail``; ``facts`` names its JSON paths, e.g. ``("person.<fact>",)``,
        else the engine names the case fields the condition reads that are empty).
        A failing ``gate`` (jurisdiction, time in force) is the only reason shown."""
        self.conditions.append(
            Condition(
                holds=pl.col(self._tmp(holds)),
                ok=None if ok is None else text(ok),
                fail=text(fail),
                missing=text(missing) if missing is not None else text(fail),
                gate=gate,
                facts=tuple(facts),
            )
        )

    def note(self, message: Text, when: pl.Expr | None = None) -> None:
        """A reason shown with an eligible result (e.g. the ratio and window applied)."""
        expr = text(message)
        self.notes.append(expr if when is None else pl.when(when).then(expr))

    def amount(self, expr: pl.Expr, unit: str | None = None) -> None:
        """The result's amount; ``unit`` defaults to the rule's declared unit (YAML ``unit:``)."""
        if unit is not None:
            self.unit = unit
        self.output("amount", expr)

    def period(self, start: Text, end: Text) -> None:
        self.output("period_from", text(start))
        self.output("period_to", text(end))

    def output(self, name: str, expr: pl.Expr) -> None:
        """A field of the result (``mode``, ``layoff_rate``, ``alternative_amount``…)."""
        column = f"__out_{name}"
        self._with(column, expr)
        self.outputs[name] = column

    def cite(self, articles: pl.Expr) -> None:
        """Which of the rule's citations apply to each row: a list of their articles (or of
        ``"<doc_no> <article>"`` where two of its documents use the same article name)."""
        self.output("_citations", articles)

    # ---- long-table helpers ------------------------------------------------
    # Long tables are reached only through ``aggregate`` (and the helpers below): the
    # rule's code runs once over empty frames and its steps are replayed over the rows,
    # so a plan must not hold a table itself.
    def aggregate(
        self,
        table: str,
        agg: pl.Expr,
        where: pl.Expr | None = None,
        uses: tuple[str, ...] = (),
        default: Any = None,
        order_by: str | None = None,
    ) -> pl.Expr:
        """Aggregate rows of a long table (keyed by unit) per unit, after joining the
        unit columns named in ``uses`` so that ``where``/``agg`` may refer to them.
        ``order_by`` sorts each unit's rows first (for shifts over quarters)."""
        uses = tuple(uses)
        versions = tuple(self._version.get(u, 0) for u in uses)
        group = next(
            (g for kind, g in self._steps if kind == "agg" and g.matches(table, where, uses, order_by, versions)), None
        )
        if group is not None:
            name = group.add(agg, self)
            self._rebuild()
        else:
            group = AggGroup(table, where, uses, order_by, versions)
            name = group.add(agg, self)
            self._steps.append(("agg", group))
            self.frame = group.join_onto(self.frame, self.tables)
        self._version[name] = self._version.get(name, 0) + 1
        col = pl.col(name)
        return col if default is None else col.fill_null(default)

    def sum_contributions(
        self, insurances: list[str], months: tuple[Text, Text], value: pl.Expr, uses: tuple[str, ...] = ()
    ) -> pl.Expr:
        """Σ ``value`` over contribution rows of the given insurances whose fee month
        (费款所属期) lies in ``months`` (inclusive; bounds may be per-row columns)."""
        start, end = months
        extra: list[str] = list(uses)
        bounds = []
        for bound in (start, end):
            if isinstance(bound, str):
                bounds.append(pl.lit(bound))
            else:
                name = self._tmp(bound)
                extra.append(name)
                bounds.append(pl.col(name))
        wide = self._sum_cells("contributions", insurances, (start, end), bounds, value, tuple(extra))
        if wide is not None:
            return wide
        where = pl.col("insurance").is_in(insurances) & (pl.col("month") >= bounds[0]) & (pl.col("month") <= bounds[1])
        return self.aggregate("contributions", value.sum(), where=where, uses=tuple(extra), default=0.0)

    def _sum_cells(
        self,
        table: str,
        insurances: list[str],
        months: tuple[Text, Text],
        bounds: list[pl.Expr],
        value: pl.Expr,
        uses: tuple[str, ...],
    ) -> pl.Expr | None:
        """``sum_contributions`` over the pivoted series: ``value`` on each cell of the
        insurances and months, added (a cell outside per-row bounds counts nothing);
        None when the frame has no such series or ``value`` reads other columns."""
        cols = self._series(table)
        values = [v for v in cols if v != series.ROWS]
        keys = series.SERIES[table]
        if not values or set(value.meta.root_names()) - {*values, *keys, *uses}:
            return None
        terms = []
        for cell in cols[values[0]]:
            month, insurance = cell
            if insurance not in insurances:
                continue
            fixed = [isinstance(b, str) for b in months]
            if (fixed[0] and month < str(months[0])) or (fixed[1] and month > str(months[1])):
                continue
            term = series.on_cell(
                value, {v: series.column(table, v, *cell) for v in values}, dict(zip(keys, cell, strict=True))
            )
            guards = [
                g for g, f in ((pl.lit(month) >= bounds[0], fixed[0]), (pl.lit(month) <= bounds[1], fixed[1])) if not f
            ]
            terms.append(pl.when(pl.all_horizontal(guards)).then(term) if guards else term)
        total = pl.sum_horizontal(terms).cast(pl.Float64) if terms else pl.lit(0.0)
        return pl.col(self._tmp(total))

    def month_value(self, table: str, month: str, column: str, key: str = "month") -> pl.Expr:
        """The value of ``column`` for one month (or quarter, with ``key``) of a long
        table; null when the unit has no such row."""
        cols = self._series(table)
        if key == series.MONTH and series.SERIES[table] == (series.MONTH,) and column in cols:
            return self._cell(table, column, month)
        return self.aggregate(table, pl.col(column).first(), where=pl.col(key) == month)

    def _cell(self, table: str, column: str, month: str) -> pl.Expr:
        """The series column of one month (null when no unit of the stage has that month)."""
        if (month,) in self._series(table)[column]:
            return pl.col(series.column(table, column, month))
        assert self._base is not None
        first = series.column(table, column, *self._series(table)[column][0])
        return pl.lit(None, dtype=self._base.collect_schema()[first])

    def months_mean(self, table: str, months: list[str], column: str) -> tuple[pl.Expr, pl.Expr]:
        """(mean over the months present, how many of ``months`` are present)."""
        cols = self._series(table)
        if series.SERIES.get(table) == (series.MONTH,) and column in cols:
            present = [self._cell(table, column, m) for m in months if (m,) in cols[column]]
            mean = pl.mean_horizontal(present) if present else pl.lit(None, dtype=pl.Float64)
            return pl.col(self._tmp(mean.cast(pl.Float64))), self.months_present(table, months)
        where = pl.col("month").is_in(months)
        mean = self.aggregate(table, pl.col(column).mean(), where=where)
        count = self.aggregate(table, pl.col("month").n_unique(), where=where, default=0)
        return mean, count

    def months_present(self, table: str, months: list[str]) -> pl.Expr:
        """How many of ``months`` the unit has rows of in ``table`` (0 when none)."""
        cols = self._series(table)
        if series.ROWS in cols:
            have = [
                (pl.col(series.column(table, series.ROWS, m)) > 0).cast(pl.UInt32)
                for m in months
                if (m,) in cols[series.ROWS]
            ]
            return pl.col(self._tmp(pl.sum_horizontal(have).cast(pl.UInt32) if have else pl.lit(0, dtype=pl.UInt32)))
        return self.aggregate(table, pl.col("month").n_unique(), where=pl.col("month").is_in(months), default=0)


QUARTERS_PER_YEAR = 4


def quarter_index(quarter: pl.Expr) -> pl.Expr:
    """ "2020Q1" → a running quarter number, so that consecutive quarters differ by 1."""
    return quarter.str.slice(0, 4).cast(pl.Int32) * QUARTERS_PER_YEAR + quarter.str.slice(5, 1).cast(pl.Int32)


MONTHS_PER_YEAR = 12


def month_index(month: pl.Expr) -> pl.Expr:
    """ "2020-03" → a running month number (year × 12 + month − 1), so that month
    differences are subtractions."""
    return month.str.slice(0, 4).cast(pl.Int32) * MONTHS_PER_YEAR + month.str.slice(5, 2).cast(pl.Int32) - 1


def first_day_of(index: pl.Expr) -> pl.Expr:
    """The first day of the month with running number ``index`` (see ``month_index``)."""
    return pl.date(index // MONTHS_PER_YEAR, index % MONTHS_PER_YEAR + 1, 1)


def month_range(start: str, end: str) -> list[str]:
    """Fee months from ``start`` to ``end`` inclusive, as YYYY-MM."""
    y, m = int(start[:4]), int(start[5:7])
    ey, em = int(end[:4]), int(end[5:7])
    out = []
    while (y, m) <= (ey, em):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# ---- month and date arithmetic shared by the rules -----------------------------------------
# Running month numbers (``month_index``) make month windows subtractions; these turn
# dates, running numbers and YYYY-MM text into one another.


def month_index_of(date: pl.Expr) -> pl.Expr:
    """A date → the running number of its month (as ``month_index`` of its YYYY-MM)."""
    return date.dt.year().cast(pl.Int64) * MONTHS_PER_YEAR + date.dt.month().cast(pl.Int64) - 1


def month_of(date: pl.Expr) -> pl.Expr:
    """A date → its month as YYYY-MM."""
    return date.dt.strftime("%Y-%m")


def month_of_index(index: pl.Expr) -> pl.Expr:
    """The month with running number ``index`` as YYYY-MM."""
    return month_of(first_day_of(index))


def last_day_of(index: pl.Expr) -> pl.Expr:
    """The last day of the month with running number ``index``."""
    return first_day_of(index + 1).dt.offset_by("-1d")


def month_end(month: pl.Expr, add_months: pl.Expr | int = 0) -> pl.Expr:
    """The last day of the YYYY-MM ``month`` plus ``add_months`` months, as a date."""
    return last_day_of(month_index(month) + add_months)


def month_number(month: str) -> int:
    """A YYYY-MM value's running month number on the Python side (see ``month_index``)."""
    return month_number_of(dt.datetime.strptime(month, "%Y-%m").date())


def month_number_of(day: dt.date) -> int:
    """A date's running month number on the Python side (see ``month_index_of``)."""
    return day.year * MONTHS_PER_YEAR + day.month - 1


def add_months(date: pl.Expr, months: pl.Expr | int) -> pl.Expr:
    """A date plus whole months (a number, or a column of them), clamped to the month's
    end (06-30 + 3 months = 09-30)."""
    return date.dt.offset_by(pl.format("{}mo", months) if isinstance(months, pl.Expr) else f"{int(months)}mo")


def days_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """``end`` − ``start`` in days."""
    return (end - start).dt.total_days()
