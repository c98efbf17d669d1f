"""The gates (适用范围): whether a rule reaches a case at all — its jurisdiction covers
the entity's region (适用地区) and it is in force on the measuring date (施行期).

One definition, used by every path: the single case (``engine.single``), the Polars
populations of ``evaluate.run`` (the calculator's groups, the no-application batch
and the simulation, which runs the batch) and the calculator's result assembly
(``calculator._results``). A failing gate makes the result ``out_of_scope`` with the
gate's reason only (``evaluate.status_of``).

* :func:`covers` / :func:`covers_expr` — the jurisdiction test on one region code /
  on a Polars column of them (both the prefix of ``domain.regions``);
* :func:`unreached` — why a rule reaches none of the given regions on a date (the
  rule's plan is then not built nor run);
* :func:`apply` — the gates as conditions of a rule's plan, row by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl

from renshe.domain.regions import jurisdiction_prefixes, jurisdictions
from renshe.engine.calc import Calc
from renshe.engine.population import FIRST, LAST, dated_facts
from renshe.engine.rules import JURISDICTION_NAMES, Rule

#: the jurisdiction of the national rules: it covers every region
NATIONAL = "cn"
#: how far before a measure's start its facts may lie (its base data: 2019 headcounts for a 2020 refund)
FACTS_BEFORE_YEARS = 1


# ---- jurisdiction -------------------------------------------------------------------------
def regional(r: Rule) -> bool:
    """Whether the rule is bounded by a jurisdiction (every rule but the national ones)."""
    return r.jurisdiction != NATIONAL


def covers(r: Rule, region: str | None) -> bool:
    """Whether the rule's jurisdiction covers the region code (a missing region: only a national rule)."""
    return not regional(r) or r.jurisdiction in jurisdictions(region or "")


def covers_expr(r: Rule, region: pl.Expr) -> pl.Expr:
    """:func:`covers` over a column of region codes (null where the region is null)."""
    if not regional(r):
        return region.is_null() | pl.lit(True)  # true on every row (a bare literal would be one row)
    return region.str.starts_with(jurisdiction_prefixes()[r.jurisdiction]).alias(r.jurisdiction)


def outside_reason(r: Rule) -> str:
    """The reason shown for a region outside the rule's jurisdiction."""
    name = JURISDICTION_NAMES[r.jurisdiction]
    return f"注册地/所在地不在{name}，不适用{name}政策"


# ---- time -----------------------------------------------------------------------------------
def not_yet(r: Rule, as_of: dt.date) -> str | None:
    """Why the rule reaches no case at ``as_of`` (not yet in force), else None. A rule
    whose window has passed is judged row by row (:func:`apply`)."""
    if r.effective_from and as_of < r.effective_from:
        return f"测算日 {as_of.isoformat()} 该政策尚未施行（自 {r.effective_from.isoformat()} 起施行）"
    return None


# ---- both, before a plan is built ------------------------------------------------------------
def unreached(r: Rule, as_of: dt.date, regions: Iterable[str | None] | None) -> str | None:
    """Why the rule reaches none of the rows whose regions are given (not yet in force,
    or none in its jurisdiction), else None. ``regions`` may be a set of the codes present;
    None: not known (no rows), judged row by row."""
    late = not_yet(r, as_of)
    if late:
        return late
    if regions is not None and regional(r) and not any(covers(r, region) for region in regions):
        return outside_reason(r)
    return None


# ---- both, as conditions of the rule's plan --------------------------------------------------
def apply(c: Calc) -> None:
    """The gates as the first conditions of the rule's plan: its jurisdiction, then its window."""
    _jurisdiction_condition(c)
    _time_condition(c)


def _jurisdiction_condition(c: Calc) -> None:
    """The rule's jurisdiction covers the entity's region."""
    r = c.rule
    if regional(r):
        c.require(covers_expr(r, pl.col("region")), None, outside_reason(r), gate=True)


def _month_text(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _quarter_text(day: dt.date) -> str:
    return f"{day.year:04d}Q{(day.month - 1) // 3 + 1}"


def window_passed(r: Rule, as_of: dt.date) -> bool:
    """Whether the rule's window ended before ``as_of`` (the time gate then reads the fact bounds)."""
    return r.effective_to is not None and as_of > r.effective_to


def _time_condition(c: Calc) -> None:
    """A measure whose window has passed stays in scope only for a case holding facts
    inside it (a refund still owed, back pay): a date of the entity, or a row of a
    monthly or quarterly table, from the year before the measure began (its base data)
    to the window's end. An expiring measure (``expires``) is then ineligible."""
    r, as_of = c.rule, c.params.as_of
    if not window_passed(r, as_of):
        return
    end = r.effective_to
    assert end is not None
    start = None if r.effective_from is None else dt.date(r.effective_from.year - FACTS_BEFORE_YEARS, 1, 1)
    dates, tables = dated_facts(r.entity)
    inside: list[pl.Expr] = []
    for name in dates:
        col = pl.col(name)
        inside.append((col <= end) if start is None else col.is_between(start, end))
    for table, key in tables:
        text_of = _month_text if key == "month" else _quarter_text
        first, last = pl.col(FIRST + table), pl.col(LAST + table)  # ``Population.with_fact_bounds``
        inside.append((last >= text_of(start)) & (first <= text_of(end)) if start else first <= text_of(end))
    held = pl.any_horizontal([e.fill_null(False) for e in inside]) if inside else pl.lit(False)
    expired = f"该政策已于 {end.isoformat()} 到期，测算日 {as_of.isoformat()} 不再适用"
    window = f"{r.effective_from.isoformat() if r.effective_from else ''}至{end.isoformat()}"
    c.require(
        held,
        None,
        expired
        if r.expires
        else f"该政策适用期为{window}，测算日 {as_of.isoformat()} 已过，且案例中没有该期间的数据，不在适用范围",
        gate=True,
    )
    if r.expires:
        c.require(pl.lit(False), None, expired)
