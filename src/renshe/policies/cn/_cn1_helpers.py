"""Small helpers shared by the national part-1 policy modules (cn1): group tests,
dates from parameters, the epidemic-control period and local amounts that the
seeds leave to a parameter without a default."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from renshe.engine.calc import Calc

EPIDEMIC_END = "cn.epidemic_end_date"


def day(value: Any) -> dt.date | None:
    """A parameter date (YAML date or ISO string) as a date; None stays None."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def iso(expr: pl.Expr) -> pl.Expr:
    """A date column as an ISO string (the form of ``deadline`` in a result)."""
    return expr.dt.strftime("%Y-%m-%d")


def has_group(groups: list[str]) -> pl.Expr:
    """True when ``person.groups`` contains any of ``groups``."""
    return pl.col("groups").list.eval(pl.element().is_in(groups)).list.any().fill_null(False)


def in_regions(prefixes: list[str] | None) -> pl.Expr:
    """True when the entity's region code starts with one of ``prefixes``."""
    if not prefixes:
        return pl.lit(False)
    if isinstance(prefixes, (str, int)):
        prefixes = [str(prefixes)]
    return pl.any_horizontal([pl.col("region").str.starts_with(str(p)) for p in prefixes])


def as_of(c: Calc) -> dt.date:
    return c.params.as_of


def require_epidemic_period(c: Calc, what: str) -> dt.date | None:
    """The measure runs 疫情防控期间: fail once ``cn.epidemic_end_date`` is set and passed."""
    end = day(c.p(EPIDEMIC_END))
    if end is not None:
        c.require(pl.lit(as_of(c) <= end), f"{what}：测算日在疫情防控期间内（截至 {end.isoformat()}）",
                  f"{what}：疫情防控期间已于 {end.isoformat()} 结束，测算日 {as_of(c).isoformat()} 不再适用")
    return end


def local_amount(c: Calc, name: str, quantity: pl.Expr, label: str, unit: str = "CNY") -> None:
    """amount = quantity × the local standard ``name``; null (with the parameter to set) when unset."""
    rate = c.p(name)
    if rate is None:
        c.amount(pl.lit(None, dtype=pl.Float64), unit)
        c.note(f"{label}由地方确定，参数 {name} 未设定，金额待核定（可在案例 parameters 中设定）")
    else:
        c.amount(quantity * pl.lit(float(rate)), unit)
        c.note(pl.format("{} × {} 元（{}）", quantity, pl.lit(rate), pl.lit(label)))
