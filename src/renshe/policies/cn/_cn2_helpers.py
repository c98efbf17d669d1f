"""Helpers of the national part-2 rules (cn2): literals for nullable parameters,
the local minimum wage of a worker's region, date arithmetic."""

from __future__ import annotations

from typing import Any

import polars as pl

from renshe.domain.regions import jurisdiction_flags
from renshe.engine.calc import Calc

#: the jurisdiction whose minimum wage renshe carries as a parameter
BEIJING = "beijing"


def num(value: Any) -> pl.Expr:
    """A parameter value as a Float64 literal (null stays null)."""
    return pl.lit(None if value is None else float(value), dtype=pl.Float64)


def local_minimum_wage(c: Calc, local_param: str) -> pl.Expr:
    """Monthly minimum wage of the person's/unit's region: Beijing's standard where
    the region lies in Beijing, else the rule's ``local_param`` (null until set)."""
    in_beijing = jurisdiction_flags(pl.col("region"))[BEIJING]
    return pl.when(in_beijing).then(num(c.p("beijing.minimum_wage_monthly"))).otherwise(num(c.p(local_param)))


def as_of(c: Calc) -> pl.Expr:
    return pl.lit(c.params.as_of, dtype=pl.Date)


def iso(expr: pl.Expr) -> pl.Expr:
    return expr.dt.strftime("%Y-%m-%d")


def month_end(month: pl.Expr, add_months: pl.Expr | int = 0) -> pl.Expr:
    """Last day of (YYYY-MM ``month`` + ``add_months``) as a date."""
    first = (month + pl.lit("-01")).str.to_date("%Y-%m-%d")
    shift = pl.format("{}mo", add_months if isinstance(add_months, pl.Expr) else pl.lit(add_months))
    return first.dt.offset_by(shift).dt.month_end()


def month_of(expr: pl.Expr) -> pl.Expr:
    return expr.dt.strftime("%Y-%m")
