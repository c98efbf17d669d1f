"""Helpers for the local measures (豫人社〔2020〕4号, 新密政〔2020〕4号, 永人社发〔2022〕3号):
dates, months and working days as Polars expressions. No policy numbers live here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from renshe.domain import calendar
from renshe.engine.calc import Calc


def as_date(value: Any) -> dt.date | None:
    """A parameter value (a YAML date or an ISO string from a case override) as a date."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def date_lit(value: Any) -> pl.Expr:
    return pl.lit(as_date(value), dtype=pl.Date)


def iso(expr: pl.Expr) -> pl.Expr:
    """A date expression as an ISO string (null stays null)."""
    return expr.dt.strftime("%Y-%m-%d")


#: months in a year — structural, not a policy number
MONTHS = dt.date.max.month


def month_index(expr: pl.Expr) -> pl.Expr:
    """'YYYY-MM' → year × 12 + month − 1 (an integer that months can be added to)."""
    return month_of_date(pl.concat_str([expr, pl.lit("-01")]).str.strptime(pl.Date, "%Y-%m-%d", strict=False))


def month_of_date(expr: pl.Expr) -> pl.Expr:
    """A date → its month index."""
    return expr.dt.year().cast(pl.Int64) * MONTHS + expr.dt.month().cast(pl.Int64) - 1


def index_month(expr: pl.Expr) -> pl.Expr:
    """A month index → 'YYYY-MM'."""
    return pl.date(expr // MONTHS, expr % MONTHS + 1, 1).dt.strftime("%Y-%m")


def month_lit(month: str) -> int:
    """A 'YYYY-MM' parameter as a month index (Python side)."""
    d = dt.datetime.strptime(month, "%Y-%m")
    return d.year * MONTHS + d.month - 1


def date_month(d: dt.date) -> int:
    """A date's month index (Python side)."""
    return d.year * MONTHS + d.month - 1


def month_end(index: pl.Expr) -> pl.Expr:
    """The last day of the month with this index."""
    return pl.date((index + 1) // MONTHS, (index + 1) % MONTHS + 1, 1).dt.offset_by("-1d")


def birth_date(id_col: str = "id_number") -> pl.Expr:
    """Birth date from the 18-digit resident ID number (digits 7–14)."""
    return pl.col(id_col).str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)


def add_months(expr: pl.Expr, months: int) -> pl.Expr:
    """A date plus whole months (clamped to the month end, e.g. 06-30 + 3 months = 09-30)."""
    return expr.dt.offset_by(f"{int(months)}mo")


def days_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """end − start in days (dates)."""
    return (end - start).dt.total_days()


def _safe(fn: Any) -> Any:
    def run(d: dt.date | None) -> dt.date | None:
        if d is None:
            return None
        try:
            return fn(d)
        except ValueError:
            return None
    return run


def working_days_before(expr: pl.Expr, n: int) -> pl.Expr:
    """The n-th working day before each date (State Council calendar); null outside the
    calendar's years."""
    return expr.map_elements(_safe(lambda d: calendar.subtract_working_days(d, n)), return_dtype=pl.Date)


def sme_like(c: Calc, sizes: list[str], like_unit_types: list[str]) -> pl.Expr:
    """中小微企业, or a unit type that counts as one (以单位方式参保的个体工商户)."""
    return ((pl.col("unit_type") == "enterprise") & pl.col("size").is_in(sizes)) | \
        pl.col("unit_type").is_in(like_unit_types)


def require_sme(c: Calc, sizes: list[str], like_unit_types: list[str]) -> pl.Expr:
    ok = sme_like(c, sizes, like_unit_types)
    c.require(ok.fill_null(False) | pl.col("unit_type").is_in(like_unit_types),
              pl.when(pl.col("unit_type") == "enterprise").then(pl.format("中小微企业（{}）", pl.col("size")))
              .otherwise(pl.lit("以单位方式参保的个体工商户（参照中小微企业）")),
              pl.when(pl.col("size").is_null() & (pl.col("unit_type") == "enterprise"))
              .then(pl.lit("未能划型（缺少行业、从业人员、营业收入或资产总额），无法确认中小微企业条件"))
              .otherwise(pl.format("单位类型 {}、划型 {}，非中小微企业", pl.col("unit_type"), pl.col("size"))))
    return ok


def null_amount(c: Calc, param: str, unit: str = "CNY") -> None:
    """Eligible with no amount: the standard is a parameter without default."""
    c.amount(pl.lit(None, dtype=pl.Float64), unit=unit)
    c.note(f"参数 {param}（补贴标准，种子文件未载明）未设定，金额待核定；可在案例 parameters 中设定")


def per_person_standard(c: Calc, param: str, persons: pl.Expr) -> None:
    """persons × the per-person standard ``param``; pending while the standard is unset."""
    standard = c.p(param)
    if standard is None:
        null_amount(c, param)
    else:
        c.amount(persons * float(standard))
