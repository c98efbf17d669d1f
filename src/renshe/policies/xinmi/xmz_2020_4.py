"""新密政〔2020〕4号 — Xinmi's measures for stable employment: 稳岗返还 at the
Zhengzhou benefit standard, and 创业担保贷款 limits."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.rules import rule
from renshe.policies.loans import enterprise_hiring_condition, limit_by_applicant


@rule("xinmi.stable_job_refund_2020")
def stable_job_refund(c: Calc) -> None:
    p = "xinmi.stable_job_refund_2020."
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响较大或暂时性生产经营困难企业", "未认定受疫情影响")
    c.require(~pl.col("flag_receives_job_stabilisation_subsidy"), "未享受稳岗补贴", "已享受稳岗补贴，不得同时享受")
    headcount = c.col("insured_2019_12", c.month_value("insured", c.p(p + "headcount_month"), "headcount"),
                      "2019年12月失业保险缴费人数")
    c.require(headcount.is_not_null(), None, "缺少 2019-12 失业保险缴费人数（enterprise.insured）")
    months, benefit = c.p(p + "months"), c.p(p + "benefit_monthly")
    c.amount(headcount * months * benefit)
    c.note(pl.format("{} 人 × {} 个月 × {} 元（郑州市失业保险金标准），一次性返还，每户每年一次", headcount, pl.lit(months),
                     pl.lit(benefit)))


@rule("xinmi.guaranteed_loan_limit")
def guaranteed_loan_limit(c: Calc) -> None:
    p = "xinmi.guaranteed_loan_limit."
    enterprise_ok = enterprise_hiring_condition(
        c, c.p(p + "enterprise_sizes"), c.p(p + "hire_share"), c.p(p + "hire_share_large_workforce"),
        c.p(p + "large_workforce_above"),
    )
    limit_by_applicant(c, {
        "individual": pl.lit(float(c.p(p + "individual"))),
        "partnership": pl.lit(float(c.p(p + "partnership"))),
        "enterprise": pl.lit(float(c.p(p + "enterprise"))),
    }, enterprise_ok)
