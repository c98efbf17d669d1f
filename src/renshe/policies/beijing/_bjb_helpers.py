"""Helpers for the Beijing part-B rules (京人社就字〔2020〕14/15号, 京人社劳字〔2020〕13/17/23号,
the SI notices of 2020-02-07 and 2020-02-14, 京房公积金发〔2020〕9号, 京人社市场字〔2020〕25号
and the notice of 2020-02-28). Only structure lives here: every number comes
from the rule's parameters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from renshe.engine.calc import Calc


def day(value: Any) -> dt.date:
    """A date parameter (YAML date or ISO string from a case override)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def lit_day(value: Any) -> pl.Expr:
    return pl.lit(day(value), dtype=pl.Date)


def iso(expr: pl.Expr) -> pl.Expr:
    """A date column as an ISO date string (the ``deadline`` output)."""
    return expr.dt.strftime("%Y-%m-%d")


def as_of(c: Calc) -> dt.date:
    return c.params.as_of


def flag(name: str) -> pl.Expr:
    return pl.col(f"flag_{name}").fill_null(False)


def application_window(c: Calc, start: Any, end: Any, what: str) -> None:
    """An application window ``start..end`` (inclusive) judged at ``as_of``: eligible
    while open; ``deadline`` = end; amount = days left (inclusive of today)."""
    first, last, today = day(start), day(end), as_of(c)
    c.output("deadline", pl.lit(last.isoformat()))
    c.output("window_from", pl.lit(first.isoformat()))
    c.require(pl.lit(today >= first), None,
              f"{what}申请期为 {first.isoformat()} 至 {last.isoformat()}，测算日 {today.isoformat()} 尚未开始")
    c.require(pl.lit(today <= last), pl.lit(f"{what}申请期 {first.isoformat()} 至 {last.isoformat()}，现可申请"),
              f"{what}申请期已于 {last.isoformat()} 截止（测算日 {today.isoformat()}）")
    c.amount(pl.lit(float((last - today).days + 1)), unit="days")
    c.note(f"距申请截止（{last.isoformat()}）尚余 {(last - today).days + 1} 天（含当日）")


from renshe.engine.calc import first_day_of, month_index  # noqa: E402,F401  (re-exported)
