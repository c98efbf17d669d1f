"""京人社劳字〔2020〕11号 — keeping labour relations stable (维护劳动关系稳定):
annual leave (年休假), standby living allowance (待岗基本生活费) and sick pay
(病假工资) floors."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.rules import rule


@rule("beijing.annual_leave_days")
def annual_leave_days(c: Calc) -> None:
    years = c.col("work_years", pl.col("work_years"), "累计工作年限")
    c.require(years.is_not_null(), None, "需提供累计工作年限（person.work_years）")
    days = pl.lit(0.0)
    for tier in sorted(c.p("beijing.annual_leave_days.tiers"), key=lambda t: t["min_years"]):
        days = pl.when(years >= tier["min_years"]).then(pl.lit(float(tier["days"]))).otherwise(days)
    c.amount(days, unit="days")
    c.note(pl.format("累计工作 {} 年，年休假 {} 天，期间工资照发", years, days))


def _minimum_wage_share(c: Calc, ratio_name: str, what: str) -> None:
    wage = c.p("beijing.minimum_wage_monthly")
    ratio = c.p(ratio_name)
    c.amount(pl.lit(float(wage)) * ratio, unit="CNY/month")
    c.note(f"{what}不低于本市月最低工资标准 {wage} 元的 {round(ratio * 100)}%")


@rule("beijing.standby_living_allowance_floor")
def standby_living_allowance_floor(c: Calc) -> None:
    _minimum_wage_share(c, "beijing.standby_living_allowance_floor.ratio", "待岗期间基本生活费")


@rule("beijing.sick_pay_floor")
def sick_pay_floor(c: Calc) -> None:
    _minimum_wage_share(c, "beijing.sick_pay_floor.ratio", "医疗期病假工资")
