"""京政办发〔2020〕5号 — 临时性工作补助 for frontline medical and epidemic-control staff."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.rules import rule


@rule("beijing.frontline_allowance_2020")
def frontline_allowance(c: Calc) -> None:
    direct = c.col("days_direct_contact", pl.col("days_direct_contact").fill_null(0), "直接接触病例工作天数")
    other = c.col("days_other_frontline", pl.col("days_other_frontline").fill_null(0), "其他一线防控工作天数")
    c.require(direct + other > 0, None, "无疫情防控一线工作天数（person.days）")
    rate_direct = c.p("beijing.frontline_allowance_2020.daily_direct_contact")
    rate_other = c.p("beijing.frontline_allowance_2020.daily_other_frontline")
    c.amount(direct * rate_direct + other * rate_other)
    c.note(pl.format("直接接触 {} 天 × {} 元 + 其他一线 {} 天 × {} 元", direct, pl.lit(rate_direct), other, pl.lit(rate_other)))
