"""京人社就字〔2020〕14号 — Beijing employment work during epidemic control.

三 一次性吸纳就业补贴 (hiring subsidy for producers of epidemic supplies) and
二 一次性就业创业服务补助 (service subsidy for HR agencies placing workers with
key enterprises)."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc, month_range
from renshe.engine.rules import rule


@rule("beijing.hiring_subsidy_2020")
def hiring_subsidy(c: Calc) -> None:
    p = "beijing.hiring_subsidy_2020."
    c.require(pl.col("flag_epidemic_supplies_producer"),
              "经认定的春节期间（截至2020年2月9日）开工生产、配送疫情防控急需物资企业",
              "未经认定为春节期间开工生产、配送疫情防控急需物资的企业")
    months = month_range(*c.p(p + "months"))
    added = c.col("si_additions_jan_feb", c.aggregate("si_additions", pl.col("count").sum(),
                  where=pl.col("month").is_in(months), default=0), "2020年1-2月社保增员人数")
    per = c.p(p + "per_person")
    c.amount(added * per)
    c.period(months[0], months[-1])
    c.note(pl.format("社保增员 {} 人 × {} 元/人", added, pl.lit(per)))


@rule("beijing.job_intro_service_subsidy_2020")
def job_intro_service_subsidy(c: Calc) -> None:
    tiers = sorted(c.p("beijing.job_intro_service_subsidy_2020.tiers"), key=lambda t: -t["min_placements"])
    placed = c.col("placements", c.aggregate("placements", pl.col("count").sum(), default=0), "推荐成功上岗人数 P")
    lowest = tiers[-1]["min_placements"]
    c.require(placed >= lowest, pl.format("推荐成功上岗 {} 人", placed),
              pl.format("推荐成功上岗 {} 人，不足 {} 人", placed, pl.lit(lowest)))
    amount = pl.lit(None, dtype=pl.Float64)
    for tier in reversed(tiers):
        amount = pl.when(placed >= tier["min_placements"]).then(pl.lit(float(tier["amount"]))).otherwise(amount)
    c.amount(amount)
