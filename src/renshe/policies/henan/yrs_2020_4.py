"""豫人社〔2020〕4号 六 — 失业保险应急稳岗返还 (emergency job-stabilisation refund)
for Henan SMEs, extended to 2020-12-31 with loosened layoff-rate limits."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc, month_range
from renshe.engine.rules import rule
from renshe.policies.common import layoff_rate

ALL_INSURANCES = ["pension", "unemployment", "work_injury", "medical", "maternity"]


@rule("henan.stable_job_refund_2020")
def stable_job_refund(c: Calc) -> None:
    p = "henan.stable_job_refund_2020."
    c.require(pl.col("size").is_in(c.p(p + "sme_sizes")), pl.format("中小微企业（{}）", pl.col("size")),
              pl.format("企业划型为 {}，非中小微企业", pl.col("size")), "未能划型，无法确认中小微企业条件")
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响生产经营暂时遇到困难", "未认定受疫情影响")
    headcount = c.col("insured_2019_12", c.month_value("insured", c.p(p + "headcount_month"), "headcount"),
                      "2019年12月参加失业保险职工人数")
    rate = c.col("layoff_rate", layoff_rate(c, c.p(p + "base_month"), c.p(p + "headcount_month")), "裁员率")
    small = c.p(p + "small_unit_max_insured")
    limit = c.col("layoff_rate_limit", pl.when(headcount <= small).then(pl.lit(c.p(p + "small_unit_max_layoff_rate")))
                  .otherwise(pl.lit(c.p(p + "max_layoff_rate"))), "适用的裁员率上限")
    c.require(rate <= limit, pl.format("裁员率 {}% 不高于 {}%", (rate * 100).round(2), (limit * 100).round(2)),
              pl.format("裁员率 {}% 高于 {}%", (rate * 100).round(2), (limit * 100).round(2)),
              "缺少计算裁员率所需的 2018-12、2019-12 参保人数或 2019 年自然减员人数")
    c.output("layoff_rate", rate.round(6))
    window = month_range(*c.p(p + "alt_window"))
    months_present = c.aggregate("contributions", pl.col("month").n_unique(),
                                 where=pl.col("month").is_in(window), default=0)
    paid = c.sum_contributions(ALL_INSURANCES, (window[0], window[-1]), pl.col("employer_paid"))
    c.output("alternative_amount", pl.when(months_present == len(window))
             .then((paid * c.p(p + "alt_share")).round(2)))
    benefit = c.p("henan.ui_benefit_monthly_2019")
    months = c.p(p + "benefit_months")
    if benefit is None:
        c.amount(pl.lit(None, dtype=pl.Float64))
        c.note("参数 henan.ui_benefit_monthly_2019（上年度当地月失业保险金标准）未设定，金额待核定")
    else:
        c.amount(pl.lit(months) * pl.lit(float(benefit)) * headcount)
        c.note(pl.format("返还 {} 个月 × {} 元 × {} 人", pl.lit(months), pl.lit(benefit), headcount))
