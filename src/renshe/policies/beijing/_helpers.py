"""Helpers of the Beijing rules: the scope of 京政办发〔2020〕7号, the Hubei exposure of
京政发〔2020〕3号 and 京政办发〔2020〕5号, the daily wage, and an application window.
Only structure lives here: every number comes from the rule's parameters; the
helpers every jurisdiction shares are in ``renshe.policies.common``."""

from __future__ import annotations

from typing import Any

import polars as pl

from renshe.engine.calc import Calc, days_between
from renshe.policies.common import as_date, as_of, iso

SCOPE = "beijing.sme_measures_scope_2020."


def require_sme_scope(c: Calc) -> None:
    """京政办发〔2020〕7号 附则: a Beijing-registered SME under 工信部联企业〔2011〕300号,
    judged up to the end date of the measures (the region is the rule's gate)."""
    sizes = c.p(SCOPE + "sme_sizes")
    c.require(
        pl.col("size").is_in(sizes),
        pl.format("在京注册的中小微企业（{}）", pl.col("size")),
        pl.format("企业划型为 {}，非中小微企业，不适用京政办发〔2020〕7号", pl.col("size")),
        "未能划型（缺少行业、从业人员、营业收入或资产总额），无法确认中小微企业条件",
    )
    end = c.p(SCOPE + "valid_to")
    c.require(pl.lit(as_of(c) <= as_date(end)), None, f"京政办发〔2020〕7号各项措施有效期至 {end}，测算日已过")


def hubei_exposure(c: Calc) -> tuple[pl.Expr, pl.Expr]:
    """(days from the last Hubei exposure to arrival in Beijing, arrival date)."""
    exposure = pl.max_horizontal(pl.col("left_hubei_date"), pl.col("hubei_contact_date"))
    c.col("hubei_exposure_date", iso(exposure), "最后离开湖北或接触湖北地区人员的日期")
    arrival = pl.col("arrival_beijing_date")
    gap = c.col("days_exposure_to_arrival", days_between(exposure, arrival), "离鄂（接触）至到京天数")
    return gap, arrival


def per_day(c: Calc, monthly: pl.Expr) -> pl.Expr:
    """Daily wage = monthly wage ÷ the monthly paid days (21.75)."""
    return monthly / c.p("beijing.paid_days_per_month")


def application_window(c: Calc, start: Any, end: Any, what: str) -> None:
    """An application window ``start..end`` (inclusive) judged at ``as_of``: eligible
    while open; ``deadline`` = end; amount = days left (inclusive of today)."""
    first, last, today = as_date(start), as_date(end), as_of(c)
    c.output("deadline", pl.lit(last.isoformat()))
    c.output("window_from", pl.lit(first.isoformat()))
    c.require(
        pl.lit(today >= first),
        None,
        f"{what}申请期为 {first.isoformat()} 至 {last.isoformat()}，测算日 {today.isoformat()} 尚未开始",
    )
    c.require(
        pl.lit(today <= last),
        pl.lit(f"{what}申请期 {first.isoformat()} 至 {last.isoformat()}，现可申请"),
        f"{what}申请期已于 {last.isoformat()} 截止（测算日 {today.isoformat()}）",
    )
    c.amount(pl.lit(float((last - today).days + 1)), unit="days")
    c.note(f"距申请截止（{last.isoformat()}）尚余 {(last - today).days + 1} 天（含当日）")
