"""Helpers for the local measures (豫人社〔2020〕4号, 新密政〔2020〕4号, 永人社发〔2022〕3号):
birth dates, working days, the SME condition and per-person standards. No policy
numbers live here; the dates and months every jurisdiction uses are in
``renshe.policies.common`` and ``renshe.engine.calc``."""

from __future__ import annotations

import datetime as dt
from functools import cache

import polars as pl

from renshe.domain import calendar
from renshe.engine.calc import Calc
from renshe.policies.common import pending_amount


def birth_date(id_col: str = "id_number") -> pl.Expr:
    """Birth date from the 18-digit resident ID number (digits 7–14)."""
    return pl.col(id_col).str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)


@cache
def _working_days_back(n: int) -> tuple[list[dt.date], list[dt.date]]:
    """Every date of the calendar's years and the n-th working day before it (dates
    whose count runs out of the calendar are left out)."""
    years = calendar.covered_years()
    day, last = dt.date(years.start, dt.date.min.month, dt.date.min.day), dt.date(years.stop, dt.date.min.month,
                                                                                     dt.date.min.day)
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
    return expr.replace_strict(pl.Series(keys, dtype=pl.Date), pl.Series(values, dtype=pl.Date), default=None,
                               return_dtype=pl.Date)


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
    pending_amount(c, f"参数 {param}（补贴标准，种子文件未载明）未设定，金额待核定；可在案例 parameters 中设定", unit=unit)


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
