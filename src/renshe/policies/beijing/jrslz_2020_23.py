"""京人社劳字〔2020〕23号 — stabilising labour relations: pay while workers cannot return
(三（四）) and the union-fund refund to small and micro enterprises (四（八）)."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.rules import rule
from renshe.policies.beijing import _bjb_helpers as bjb


@rule("beijing.non_return_period_pay_2020")
def non_return_period_pay(c: Calc) -> None:
    p = "beijing.non_return_period_pay_2020."
    c.require(pl.col("bj_leave_used_up"), "已用完各类休假仍不能提供正常劳动", "尚未用完各类休假（应先安排休假）",
              "需说明是否已用完各类休假（person.bj_leave_used_up）")
    start = pl.col("standby_from")
    c.require(start.is_not_null(), None, "需提供延迟复工/未返岗起始日期（person.standby_from）")
    cycle = pl.col("wage_cycle_months").fill_null(c.p(p + "pay_cycle_months"))
    first_end = c.col("first_cycle_end", start.dt.offset_by(pl.format("{}mo", cycle)), "第一个工资支付周期结束日（不含）")
    within = pl.lit(bjb.as_of(c)) < first_end
    floor = float(c.p("beijing.minimum_wage_monthly")) * c.p(p + "living_allowance_ratio")
    wage = pl.col("contract_wage_monthly")
    c.amount(pl.when(within).then(wage).otherwise(pl.lit(floor)), unit="CNY/month")
    c.output("mode", pl.when(within).then(pl.lit("contract_wage")).otherwise(pl.lit("living_allowance")))
    c.note(pl.format("一个工资支付周期内（至 {}）按劳动合同约定标准支付工资", bjb.iso(first_end)), when=within)
    c.note(pl.format("超过一个工资支付周期，按本市规定支付基本生活费，不低于最低工资标准的 {}%（{} 元/月）",
                     pl.lit(round(c.p(p + "living_allowance_ratio") * 100)), pl.lit(round(floor, 2))), when=~within)
    c.note("需提供劳动合同约定月工资（person.contract_wage_monthly）", when=within & wage.is_null())


@rule("beijing.small_enterprise_union_fee_refund_2020")
def small_enterprise_union_fee_refund(c: Calc) -> None:
    p = "beijing.small_enterprise_union_fee_refund_2020."
    c.require(pl.col("size").is_in(c.p(p + "sizes")), pl.format("小微企业（{}）", pl.col("size")),
              pl.format("企业划型为 {}，非小微企业", pl.col("size")), "未能划型，无法确认小微企业条件")
    c.require(bjb.flag("epidemic_affected"), "受疫情影响（经确认）", "未确认受疫情影响")
    paid = c.col("union_fund_paid", pl.col("union_fund_paid"), "已缴工会经费")
    c.require(paid.is_not_null(), None, "需提供已缴工会经费（enterprise.union_fund_paid）")
    ratio = c.p(p + "refund_ratio")
    c.amount(paid * ratio)
    c.note("工会经费全额返还（按工会组织规定的条件和期间）；困难企业会费按比例返还由企业联合会另定")
