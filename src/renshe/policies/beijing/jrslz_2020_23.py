"""京人社劳字〔2020〕23号 — stabilising labour relations: pay while workers cannot return
(三（四）) and the union-fund refund to small and micro enterprises (四（八）)."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc, add_months
from renshe.engine.case import Facts
from renshe.engine.rules import rule
from renshe.policies.common import as_of, flag, iso, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class PersonFacts(Facts, entity="person"):
    bj_affected_by_measures: bool | None = None  # beijing.no_dismissal_during_measures_2020
    bj_refused_return_without_reason: bool | None = None  # beijing.no_dismissal_during_measures_2020
    bj_leave_used_up: bool | None = None  # beijing.non_return_period_pay_2020


@rule("beijing.non_return_period_pay_2020")
def non_return_period_pay(c: Calc) -> None:
    p = "beijing.non_return_period_pay_2020."
    c.require(
        pl.col("bj_leave_used_up"),
        "已用完各类休假仍不能提供正常劳动",
        "尚未用完各类休假（应先安排休假）",
        "需说明是否已用完各类休假（person.bj_leave_used_up）",
    )
    start = pl.col("standby_from")
    require_fact(
        c, start, missing="需提供延迟复工/未返岗起始日期（person.standby_from）", facts=("person.standby_from",)
    )
    cycle = pl.col("wage_cycle_months").fill_null(c.p(p + "pay_cycle_months"))
    first_end = c.col("first_cycle_end", add_months(start, cycle), "第一个工资支付周期结束日（不含）")
    within = pl.lit(as_of(c)) < first_end
    floor = float(c.p("beijing.minimum_wage_monthly")) * c.p(p + "living_allowance_ratio")
    wage = pl.col("contract_wage_monthly")
    c.amount(pl.when(within).then(wage).otherwise(pl.lit(floor)), unit="CNY/month")
    c.output("mode", pl.when(within).then(pl.lit("contract_wage")).otherwise(pl.lit("living_allowance")))
    c.note(pl.format("一个工资支付周期内（至 {}）按劳动合同约定标准支付工资", iso(first_end)), when=within)
    c.note(
        pl.format(
            "超过一个工资支付周期，按本市规定支付基本生活费，不低于最低工资标准的 {}%（{} 元/月）",
            pl.lit(round(c.p(p + "living_allowance_ratio") * 100)),
            pl.lit(round(floor, 2)),
        ),
        when=~within,
    )
    c.note("需提供劳动合同约定月工资（person.contract_wage_monthly）", when=within & wage.is_null())


@rule("beijing.small_enterprise_union_fee_refund_2020")
def small_enterprise_union_fee_refund(c: Calc) -> None:
    p = "beijing.small_enterprise_union_fee_refund_2020."
    c.require(
        pl.col("size").is_in(c.p(p + "sizes")),
        pl.format("小微企业（{}）", pl.col("size")),
        pl.format("企业划型为 {}，非小微企业", pl.col("size")),
        "未能划型，无法确认小微企业条件",
    )
    c.require(flag("epidemic_affected"), "受疫情影响（经确认）", "未确认受疫情影响")
    paid = c.col("union_fund_paid", pl.col("union_fund_paid"), "已缴工会经费")
    require_fact(
        c, paid, missing="需提供已缴工会经费（enterprise.union_fund_paid）", facts=("enterprise.union_fund_paid",)
    )
    ratio = c.p(p + "refund_ratio")
    c.amount(paid * ratio)
    c.note("工会经费全额返还（按工会组织规定的条件和期间）；困难企业会费按比例返还由企业联合会另定")


LP = "bj_labour_practices_2020_"


@rule("beijing.flexible_hours_and_emergency_overtime_2020")
def flexible_hours_and_emergency_overtime(c: Calc) -> None:
    task = pl.col(LP + "government_supply_task")
    c.require(
        task,
        "承担政府疫情防控保障任务、需要紧急加班的企业",
        "未承担政府疫情防控保障任务：延长工作时间仍受法定限制（劳动法第四十一条）",
        "需说明是否承担政府疫情防控保障任务（enterprise.bj_labour_practices_2020.government_supply_task）",
    )
    c.require(
        pl.col(LP + "overtime_health_safety_ensured"),
        "已保障劳动者身体健康和劳动安全",
        "未保障劳动者身体健康和劳动安全，不得突破延长工作时间限制",
        "需说明是否已保障劳动者身体健康和劳动安全（overtime_health_safety_ensured）",
    )
    c.output("overtime_limit_applies", pl.lit(False))
    c.note("经与工会和职工协商，可适当延长工作时间应对紧急生产任务，依法不受延长工作时间的限制；加班工资仍依法支付")
    c.note("孕期女职工可协商安排符合条件的岗位，哺乳期女职工可自行选择集中使用哺乳时间")


@rule("beijing.no_dismissal_during_measures_2020")
def no_dismissal_during_measures(c: Calc) -> None:
    affected = pl.col("bj_affected_by_measures")
    c.require(
        affected,
        "受隔离等相关措施影响不能提供正常劳动",
        "未受隔离等相关措施影响，不适用本项保护（裁员须制定方案并依法履行程序）",
        "需说明是否受隔离等相关措施影响（person.bj_affected_by_measures）",
    )
    refused = pl.col("bj_refused_return_without_reason").fill_null(False)
    c.require(~refused, None, "经劝导无效或以其他非正当理由拒绝返岗：企业可依法予以处理")
    c.output("dismissal_allowed", pl.lit(False))
    c.note("企业不得在此期间解除劳动合同")
    c.note("不得退回被派遣劳动者", when=pl.col("dispatched_worker").fill_null(False))


@rule("beijing.difficult_enterprise_pay_negotiation_2020")
def difficult_enterprise_pay_negotiation(c: Calc) -> None:
    c.require(flag("epidemic_affected"), "受疫情影响导致生产经营困难", "未确认受疫情影响导致生产经营困难")
    unable = pl.col(LP + "unable_to_pay_wages").fill_null(False)
    agreed = pl.col(LP + "wage_deferral_agreed_with_union").fill_null(False)
    c.require(
        ~unable | agreed, None, "暂无工资支付能力但未与工会或职工代表协商一致：须协商延期支付，否则应按期足额支付工资"
    )
    deferral = unable & agreed
    c.output("wage_deferral_allowed", deferral)
    c.note("可通过协商民主程序与职工协商调整薪酬、轮岗轮休、缩短工时等方式稳定工作岗位")
    c.note("已与工会或职工代表协商一致，可延期支付工资", when=deferral)
    top = c.p("beijing.wage_deferral_max_days")
    if top is None:
        c.note("延期支付的最长期限本文件未规定（参数 beijing.wage_deferral_max_days 未设定）", when=deferral)
    else:
        c.output("wage_deferral_max_days", pl.lit(top))
        c.note(f"延期支付最长 {top} 天", when=deferral)


@rule("beijing.harmonious_relations_honours_priority_2020")
def harmonious_relations_honours_priority(c: Calc) -> None:
    c.require(
        pl.col(LP + "outstanding_labour_relations_contribution"),
        "疫情防控期间对稳定劳动关系做出突出贡献",
        "未经认定在疫情防控期间对稳定劳动关系做出突出贡献",
        "需说明是否经认定做出突出贡献（outstanding_labour_relations_contribution）",
    )
    c.output("priority", pl.lit(True))
    c.note("在和谐劳动关系创建评比达标、劳动模范评选、五一劳动奖章、奖状、优秀企业家评选等荣誉授予中优先考虑")
