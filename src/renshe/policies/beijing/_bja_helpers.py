"""Helpers for the Beijing part-A rules (京政发〔2020〕3号, 京政办发〔2020〕5号/7号,
京人社劳字〔2020〕11号 and the notices of 2020-01-31). Only structure lives
here: every number comes from the rule's parameters."""

from __future__ import annotations

import datetime as dt

import polars as pl

from renshe.engine.calc import Calc

SCOPE = "beijing.sme_measures_scope_2020."


def iso(expr: pl.Expr) -> pl.Expr:
    """A date column as an ISO date string (the ``deadline`` output)."""
    return expr.dt.strftime("%Y-%m-%d")


def day(value: str) -> pl.Expr:
    return pl.lit(dt.date.fromisoformat(value))


def as_of(c: Calc) -> dt.date:
    return c.params.as_of


def has_group(codes: list[str]) -> pl.Expr:
    """The person's ``groups`` contain one of ``codes``."""
    return pl.col("groups").list.eval(pl.element().is_in(codes)).list.any().fill_null(False)


def flag(name: str) -> pl.Expr:
    return pl.col(f"flag_{name}").fill_null(False)


def require_flag(c: Calc, name: str, ok: str | None, fail: str) -> None:
    c.require(flag(name), ok, fail)


def require_sme_scope(c: Calc) -> None:
    """京政办发〔2020〕7号 附则: a Beijing-registered SME under 工信部联企业〔2011〕300号,
    judged up to the end date of the measures (the region is the rule's gate)."""
    sizes = c.p(SCOPE + "sme_sizes")
    c.require(pl.col("size").is_in(sizes), pl.format("在京注册的中小微企业（{}）", pl.col("size")),
              pl.format("企业划型为 {}，非中小微企业，不适用京政办发〔2020〕7号", pl.col("size")),
              "未能划型（缺少行业、从业人员、营业收入或资产总额），无法确认中小微企业条件")
    end = c.p(SCOPE + "valid_to")
    c.require(pl.lit(as_of(c) <= dt.date.fromisoformat(end)), None,
              f"京政办发〔2020〕7号各项措施有效期至 {end}，测算日已过")


def hubei_exposure(c: Calc) -> tuple[pl.Expr, pl.Expr]:
    """(days from the last Hubei exposure to arrival in Beijing, arrival date)."""
    exposure = pl.max_horizontal(pl.col("left_hubei_date"), pl.col("hubei_contact_date"))
    c.col("hubei_exposure_date", iso(exposure), "最后离开湖北或接触湖北地区人员的日期")
    arrival = pl.col("arrival_beijing_date")
    gap = c.col("days_exposure_to_arrival", (arrival - exposure).dt.total_days(), "离鄂（接触）至到京天数")
    return gap, arrival


def per_day(c: Calc, monthly: pl.Expr) -> pl.Expr:
    """Daily wage = monthly wage ÷ the monthly paid days (21.75)."""
    return monthly / c.p("beijing.paid_days_per_month")
