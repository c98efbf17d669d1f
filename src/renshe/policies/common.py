"""What the policy modules of every jurisdiction share: the small helpers over dates,
parameters and entity columns, and quantities several documents define the same
way (one definition, many citations). No policy number lives here; month arithmetic
is in ``renshe.engine.calc`` (``month_index``, ``month_index_of``, ``last_day_of``…)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, overload

import polars as pl

from renshe.domain import calendar
from renshe.engine.calc import Calc, exact
from renshe.engine.quantities import quantity

# ---- dates and parameters ------------------------------------------------------------------


@overload
def as_date(value: None) -> None: ...


@overload
def as_date(value: dt.date | str) -> dt.date: ...


def as_date(value: Any) -> dt.date | None:
    """A date parameter (a YAML date, or an ISO string from a case override) as a date;
    None (a parameter without a value) stays None."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def date_lit(value: Any) -> pl.Expr:
    """A date parameter as a Date literal (null when None)."""
    return pl.lit(as_date(value), dtype=pl.Date)


def iso(expr: pl.Expr) -> pl.Expr:
    """A date column as an ISO date string, the form of ``deadline`` in a result (null stays null)."""
    return expr.dt.strftime("%Y-%m-%d")


def as_of(c: Calc) -> dt.date:
    """The date the rule is judged at (测算日)."""
    return c.params.as_of


def as_of_lit(c: Calc) -> pl.Expr:
    """The date the rule is judged at, as a Date literal."""
    return date_lit(c.params.as_of)


def num(value: Any) -> pl.Expr:
    """A parameter value as a Float64 literal (null stays null: a standard not yet set)."""
    return pl.lit(None if value is None else float(value), dtype=pl.Float64)


# ---- entity columns ------------------------------------------------------------------------


def flag(name: str) -> pl.Expr:
    """The entity's flag ``name`` (``flags`` in the case), false when absent."""
    return pl.col(f"flag_{name}").fill_null(False)


def known(*exprs: pl.Expr) -> pl.Expr:
    """A condition that facts are given: true when every one of ``exprs`` is not null, null
    (undetermined: the case lacks a fact) otherwise. Never false: an absent fact is not a
    "no". Pair it with ``facts=("person.foo",)`` in ``c.require`` (or use ``require_fact``)."""
    given = pl.all_horizontal([e.is_not_null() for e in exprs]) if len(exprs) > 1 else exprs[0].is_not_null()
    return pl.when(given).then(pl.lit(True))


def known_any(*exprs: pl.Expr) -> pl.Expr:
    """True when at least one of ``exprs`` is given, null (undetermined) when none is."""
    return pl.when(pl.any_horizontal([e.is_not_null() for e in exprs])).then(pl.lit(True))


def require_fact(c: Calc, *values: pl.Expr, missing: str, facts: tuple[str, ...]) -> None:
    """The rule needs these facts of the case: when one is absent the result is undetermined
    (``missing`` says what to give; ``facts`` are its JSON paths), never ineligible."""
    c.require(known(*values), None, missing, missing, facts=facts)


def has_group(groups: list[str]) -> pl.Expr:
    """The person's ``groups`` contain one of ``groups``."""
    return pl.col("groups").list.eval(pl.element().is_in(groups)).list.any().fill_null(False)


def _starts_with_any(column: str, prefixes: Any) -> pl.Expr:
    if not prefixes:
        return pl.lit(False)
    if isinstance(prefixes, (str, int)):
        prefixes = [str(prefixes)]
    return pl.any_horizontal([pl.col(column).str.starts_with(str(p)) for p in prefixes])


def in_regions(prefixes: list[str] | None) -> pl.Expr:
    """The entity's region code (GB/T 2260) starts with one of ``prefixes``."""
    return _starts_with_any("region", prefixes)


def in_industries(prefixes: list[str]) -> pl.Expr:
    """The unit's industry code (GB/T 4754) starts with one of ``prefixes`` (false when unknown)."""
    return _starts_with_any("industry", prefixes).fill_null(False)


# ---- amounts and quantities ----------------------------------------------------------------


def pending_amount(c: Calc, note: str, unit: str | None = None) -> None:
    """Eligible with the amount still to be set (待核定): a standard the document leaves
    to a parameter without a value or to the local bureau; ``note`` says which."""
    c.amount(pl.lit(None, dtype=pl.Float64), unit)
    c.note(note)


def parameter_amount(c: Calc, value: Any, pending: str, unit: str | None = None) -> None:
    """amount = the parameter ``value`` (a fixed sum); pending (``pending_amount``, with the
    note ``pending``) while the parameter is unset."""
    if value is None:
        pending_amount(c, pending, unit)
    else:
        c.amount(pl.lit(float(value)), unit)


def layoff_rate(c: Calc, base_month: str, year_end_month: str) -> pl.Expr:
    """裁员率 r = 1 − (insured at year end + natural attrition) / insured a year before, the
    named quantity ``layoff_rate`` (one column per plan and pair of months, however many
    of the rule's conditions and outputs read it).

    r ≤ 0 counts as no layoff (the rate is floored at 0). Null when data is missing."""
    return c.q("layoff_rate", base_month, year_end_month)


@quantity(
    "layoff_rate",
    "裁员率 = 1 −（年末失业保险参保人数 + 年度自然减员人数）/ 上年末失业保险参保人数",
    "京人社就字〔2020〕15号 一（二）1（1）",
)
def _layoff_rate(c: Calc, base_month: str, year_end_month: str) -> pl.Expr:
    base = c.month_value("insured", base_month, "headcount")
    end = c.month_value("insured", year_end_month, "headcount")
    r = 1 - (end + pl.col("attrition_2019")) / base
    return pl.when(base > 0).then(exact(r.clip(lower_bound=0.0)))


def months_of_benefit(c: Calc, benefit_parameter: str, label: str, months: int, headcount: pl.Expr) -> None:
    """稳岗返还 by the benefit standard: months × monthly unemployment benefit × insured
    headcount. A standard the seeds do not print (no default) leaves the amount
    pending, with a reason naming the parameter to set."""
    benefit = c.p(benefit_parameter)
    if benefit is None:
        pending_amount(c, f"参数 {benefit_parameter}（{label}）未设定，金额待核定")
        return
    c.amount(pl.lit(months) * pl.lit(float(benefit)) * headcount)
    c.note(pl.format("返还 {} 个月 × {} 元 × {} 人", pl.lit(months), pl.lit(benefit), headcount))


# ---- the local measures (豫人社〔2020〕4号, 新密政〔2020〕4号, 永人社发〔2022〕3号) ---------------------
# birth dates, working days, the SME condition and per-person standards the Henan, Xinmi and
# Yongzhou rules share


def birth_date(id_col: str = "id_number") -> pl.Expr:
    """Birth date from the 18-digit resident ID number (digits 7–14)."""
    return pl.col(id_col).str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)


@cache
def _working_days_back(n: int) -> tuple[list[dt.date], list[dt.date]]:
    """Every date of the calendar's years and the n-th working day before it (dates
    whose count runs out of the calendar are left out)."""
    years = calendar.covered_years()
    day, last = (
        dt.date(years.start, dt.date.min.month, dt.date.min.day),
        dt.date(years.stop, dt.date.min.month, dt.date.min.day),
    )
    keys, values = [], []
    while day < last:
        try:
            values.append(calendar.subtract_working_days(day, n))
            keys.append(day)
        except ValueError:
            pass
        day += dt.timedelta(days=1)
    return keys, values


def working_days_before(expr: pl.Expr, n: int) -> pl.Expr:
    """The n-th working day before each date (State Council calendar); null outside the
    calendar's years. A lookup in the calendar, so the plan stays a plain expression."""
    keys, values = _working_days_back(n)
    return expr.replace_strict(
        pl.Series(keys, dtype=pl.Date), pl.Series(values, dtype=pl.Date), default=None, return_dtype=pl.Date
    )


def sme_like(c: Calc, sizes: list[str], like_unit_types: list[str]) -> pl.Expr:
    """中小微企业, or a unit type that counts as one (以单位方式参保的个体工商户)."""
    return ((pl.col("unit_type") == "enterprise") & pl.col("size").is_in(sizes)) | pl.col("unit_type").is_in(
        like_unit_types
    )


def require_sme(c: Calc, sizes: list[str], like_unit_types: list[str]) -> pl.Expr:
    ok = sme_like(c, sizes, like_unit_types)
    c.require(
        ok.fill_null(False) | pl.col("unit_type").is_in(like_unit_types),
        pl.when(pl.col("unit_type") == "enterprise")
        .then(pl.format("中小微企业（{}）", pl.col("size")))
        .otherwise(pl.lit("以单位方式参保的个体工商户（参照中小微企业）")),
        pl.when(pl.col("size").is_null() & (pl.col("unit_type") == "enterprise"))
        .then(pl.lit("未能划型（缺少行业、从业人员、营业收入或资产总额），无法确认中小微企业条件"))
        .otherwise(pl.format("单位类型 {}、划型 {}，非中小微企业", pl.col("unit_type"), pl.col("size"))),
    )
    return ok


def null_amount(c: Calc, param: str, unit: str = "CNY") -> None:
    """Eligible with no amount: the standard is a parameter without default."""
    pending_amount(
        c, f"参数 {param}（补贴标准，种子文件未载明）未设定，金额待核定；可在案例 parameters 中设定", unit=unit
    )


def per_person_standard(c: Calc, param: str, persons: pl.Expr, note: str | None = None) -> None:
    """persons × the per-person standard ``param``; pending while the standard is unset.
    ``note``: a reason shown with the amount, formatted with the persons and the standard."""
    standard = c.p(param)
    if standard is None:
        null_amount(c, param)
    else:
        c.amount(persons * float(standard))
        if note is not None:
            c.note(pl.format(note, persons, pl.lit(standard)))
