"""人社部明电〔2020〕2号 — 疫情防控期间有关就业工作 (employment measures during
the epidemic): hiring and placement subsidies, migrant start-ups, the
unemployment allowance of severely affected areas, anti-discrimination and
dismissal bans, the relaxed layoff-rate test of the job-stabilisation refund,
training, start-up loans, graduate registration, on-site recruitment, and the
term of the subsidies (疫情防控期间)."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from renshe.engine.calc import Calc, add_months, month_range
from renshe.engine.case import Date, Facts, Persons, Strict
from renshe.engine.rules import rule
from renshe.policies.cn._helpers import EPIDEMIC_END, local_amount, require_epidemic_period
from renshe.policies.common import (
    as_date,
    as_of,
    has_group,
    in_regions,
    iso,
    known,
    layoff_rate,
    parameter_amount,
    pending_amount,
    require_fact,
)


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class PlannedEvent(
    Strict
):  # cn.outbreak_suspend_large_recruitment_2020, cn.suspend_onsite_recruitment_2020, cn.hr_agency_onsite_event_suspension_2020
    kind: Literal[
        "large_recruitment",
        "onsite_recruitment",
        "cross_region_labour",
        "hr_training",
        "matching_event",
        "online_recruitment",
    ]
    date: Date


class EnterpriseFacts(Facts, entity="enterprise"):
    posting_excludes_severe_areas: bool = False  # cn.no_epidemic_area_discrimination_2020
    refused_applicant_from_severe_area: bool = False  # cn.no_epidemic_area_discrimination_2020
    epidemic_training_participants: Persons | None = None  # cn.epidemic_enterprise_training_subsidy_2020
    training_in_stoppage_or_recovery: bool = False  # cn.epidemic_enterprise_training_subsidy_2020
    incubator_rent_reduced: bool = False  # cn.incubator_rent_relief_award_2020
    lost_income_due_to_epidemic: bool = False  # cn.guaranteed_loan_priority_2020


class PersonFacts(Facts, entity="person"):
    unable_to_return_due_to_epidemic: bool = False  # cn.no_dismissal_unable_to_return_2020
    ui_insured: bool | None = None  # cn.poverty_ui_allowance_2020, hubei.ui_allowance_severe_areas_2020
    unemployed_due_to_epidemic: bool = False  # same two rules
    receives_ui_benefit: bool = False  # same two rules, cn.ui_benefit_allowance_exclusive_2020
    receives_ui_allowance: bool = False  # cn.ui_benefit_allowance_exclusive_2020
    unable_to_leave_due_to_epidemic: bool = False  # cn.migrant_local_startup_subsidy_2020
    covid_infected: bool = False  # cn.guaranteed_loan_extension_covid_2020
    lost_income_due_to_epidemic: bool = False  # cn.guaranteed_loan_priority_2020
    graduate_registration_deadline: Date | None = None  # cn.graduate_registration_extension_2020


class AgencyFacts(Facts, entity="agency"):
    planned_events: list[PlannedEvent] = Field(
        default_factory=list
    )  # cn.*suspend*recruitment_2020, cn.hr_agency_onsite_event_suspension_2020


PERIOD = "疫情防控期间补贴类政策"


@rule("cn.epidemic_supplies_hiring_subsidy_2020")
def epidemic_supplies_hiring_subsidy(c: Calc) -> None:
    by = as_date(c.p("start_by"))
    c.require(
        pl.col("flag_epidemic_supplies_producer"),
        f"春节期间（截至 {by.isoformat()}，含当日）开工生产、配送疫情防控急需物资的企业",
        f"未经认定为春节期间（截至 {by.isoformat()}）开工生产、配送疫情防控急需物资的企业",
    )
    require_epidemic_period(c, PERIOD)
    first, *_, last = c.p("hire_months")
    months = month_range(first, last)
    hires = c.col(
        "si_additions_window",
        c.aggregate("si_additions", pl.col("count").sum(), where=pl.col("month").is_in(months), default=0),
        f"{months[0]}至{months[-1]}社保增员人数",
    )
    c.require(hires > 0, None, f"{months[0]}至{months[-1]}无社保增员（enterprise.si_additions）")
    local_amount(
        c, "cn.epidemic_supplies_hiring_subsidy_2020.per_person", hires, "社保增员人数 × 一次性吸纳就业补贴标准"
    )


@rule("cn.job_intro_service_subsidy_2020")
def job_intro_service_subsidy(c: Calc) -> None:
    placed = c.col("placements_total", c.aggregate("placements", pl.col("count").sum(), default=0), "职业介绍成功人数")
    c.require(placed > 0, pl.format("提供职业介绍 {} 人", placed), "无职业介绍记录（agency.placements）")
    c.require(
        pl.col("market_violations").list.len().fill_null(0) == 0,
        None,
        "存在哄抬价格、就业歧视或虚假信息等违法违规行为（列入黑名单的机构不予补助）",
    )
    require_epidemic_period(c, PERIOD)
    local_amount(
        c, "cn.job_intro_service_subsidy_2020.per_placement", placed, "介绍人数 × 就业创业服务补助标准（按规定）"
    )


@rule("cn.migrant_local_startup_subsidy_2020")
def migrant_local_startup_subsidy(c: Calc) -> None:
    c.require(has_group(c.p("groups")), "农民工", "不是农民工（person.groups 含 migrant_worker）")
    c.require(
        pl.col("unable_to_leave_due_to_epidemic"),
        "受疫情影响暂时难以外出",
        "未说明暂时难以外出（person.unable_to_leave_due_to_epidemic）",
    )
    c.require(
        known(pl.col("own_business_registered_on")),
        pl.format("已在当地创业（{} 登记）", pl.col("own_business_registered_on")),
        "未见在当地创业登记（person.own_business）",
        "缺少在当地创业的登记信息（person.own_business）",
        facts=("person.own_business",),
    )
    require_epidemic_period(c, PERIOD)
    c.note("同等享受当地创业扶持政策")
    parameter_amount(
        c,
        c.p("one_time_subsidy"),
        "一次性创业补贴按当地标准：参数 cn.migrant_local_startup_subsidy_2020.one_time_subsidy 未设定",
    )


def require_ui_allowance_conditions(c: Calc) -> None:
    c.require(
        pl.col("ui_insured"),
        "参加失业保险",
        "未参加失业保险（person.ui_insured）",
        "未说明是否参加失业保险（person.ui_insured）",
    )
    c.require(
        pl.col("unemployed_due_to_epidemic"),
        "受疫情影响失业",
        "未说明受疫情影响失业（person.unemployed_due_to_epidemic）",
    )
    c.require(~pl.col("receives_ui_benefit"), None, "已领取失业保险金：失业保险金和失业补助金不得同时发放")


def capped_allowance(c: Calc, allowance_name: str, benefit_name: str) -> None:
    allowance, benefit = c.p(allowance_name), c.p(benefit_name)
    if allowance is None or benefit is None:
        pending_amount(
            c,
            f"失业补助金按不高于当地失业保险金标准发放：参数 {allowance_name}、{benefit_name} 须设定，金额待核定",
            unit="CNY/month",
        )
    else:
        c.amount(pl.lit(float(min(allowance, benefit))), "CNY/month")
        c.note(f"每月 min({allowance}, 当地失业保险金 {benefit}) 元")


@rule("hubei.ui_allowance_severe_areas_2020")
def ui_allowance_severe_areas(c: Calc) -> None:
    c.require(in_regions(c.p("regions")), "所在地为湖北等疫情严重地区", "所在地不属于湖北等疫情严重地区")
    require_ui_allowance_conditions(c)
    require_epidemic_period(c, PERIOD)
    capped_allowance(
        c,
        "hubei.ui_allowance_severe_areas_2020.allowance_monthly",
        "hubei.ui_allowance_severe_areas_2020.local_ui_benefit_monthly",
    )
    c.output("funded_by", pl.lit("失业保险基金"))


@rule("cn.ui_benefit_allowance_exclusive_2020")
def ui_benefit_allowance_exclusive(c: Calc) -> None:
    either = pl.col("receives_ui_benefit") | pl.col("receives_ui_allowance")
    c.require(
        either, None, "未领取失业保险金或失业补助金（person.receives_ui_benefit / receives_ui_allowance），不涉及"
    )
    both = pl.col("receives_ui_benefit") & pl.col("receives_ui_allowance")
    c.require(
        ~both,
        pl.when(pl.col("receives_ui_benefit"))
        .then(pl.lit("领取失业保险金，不得再领取失业补助金"))
        .when(pl.col("receives_ui_allowance"))
        .then(pl.lit("领取失业补助金，未同时领取失业保险金"))
        .otherwise(pl.lit("未同时领取失业保险金和失业补助金")),
        "同时领取失业保险金和失业补助金：二者不得同时发放，应停发失业补助金",
    )


@rule("cn.no_epidemic_area_discrimination_2020")
def no_epidemic_area_discrimination(c: Calc) -> None:
    c.require(
        ~pl.col("posting_excludes_severe_areas"),
        "未发布拒绝招录疫情严重地区劳动者的招聘信息",
        "发布了拒绝招录疫情严重地区劳动者的招聘信息（违反本条）",
    )
    c.require(
        ~pl.col("refused_applicant_from_severe_area"),
        "未以来自疫情严重地区为由拒绝招用",
        "以来自疫情严重地区为由拒绝招用相关人员（违反本条）",
    )


@rule("cn.no_dismissal_unable_to_return_2020")
def no_dismissal_unable_to_return(c: Calc) -> None:
    c.require(
        pl.col("unable_to_return_due_to_epidemic"),
        "因疫情暂不能返岗提供正常劳动：企业不得解除劳动合同或退回劳务派遣用工",
        "未因疫情暂不能返岗（person.unable_to_return_due_to_epidemic）",
    )
    basis = pl.col("contract_termination_basis")
    barred = basis.is_in(["unable_to_return", "dispatch_return"])
    c.output("termination_allowed", pl.when(basis.is_null()).then(None).otherwise(~barred))
    c.note(pl.when(barred).then(pl.lit("以暂不能返岗为由解除劳动合同或退回派遣用工的，不符合本条规定")))


@rule("cn.stable_job_refund_layoff_rate_2020")
def stable_job_refund_layoff_rate(c: Calc) -> None:
    c.require(
        pl.col("size").is_in(c.p("sme_sizes")),
        pl.format("中小微企业（{}）", pl.col("size")),
        pl.format("企业划型为 {}，非中小微企业", pl.col("size")),
        "未能划型，无法确认中小微企业条件",
    )
    head_month = c.p("headcount_month")
    headcount = c.col(
        "insured_year_end", c.month_value("insured", head_month, "headcount"), f"{head_month} 参保职工人数"
    )
    rate = c.col("layoff_rate", layoff_rate(c, c.p("base_month"), head_month), "裁员率")
    small = c.p("small_unit_max_insured")
    limit = c.col(
        "layoff_rate_limit",
        pl.when(headcount <= small)
        .then(pl.lit(c.p("small_unit_max_layoff_rate")))
        .otherwise(pl.lit(c.p("max_layoff_rate"))),
        "适用的裁员率上限",
    )
    c.require(
        rate <= limit,
        pl.format("裁员率 {}% 不高于 {}%", (rate * 100).round(2), (limit * 100).round(2)),
        pl.format("裁员率 {}% 高于 {}%", (rate * 100).round(2), (limit * 100).round(2)),
        "缺少计算裁员率所需的 2018-12、2019-12 参保人数或 2019 年自然减员人数",
    )
    c.output("layoff_rate", rate.round(6))
    c.note("返还标准和金额按省级规定（如豫人社〔2020〕4号 六）")


@rule("hubei.stable_job_refund_all_enterprises_2020")
def stable_job_refund_all_enterprises(c: Calc) -> None:
    p = "cn.stable_job_refund_layoff_rate_2020."
    c.require(in_regions(c.p("regions")), "所在地为湖北等重点地区", "所在地不属于湖北等重点地区")
    adopted = c.p("adopted")
    c.require(
        pl.lit(None if adopted is None else bool(adopted), dtype=pl.Boolean),
        "省级人民政府已确定实施办法",
        "省级人民政府尚未确定实施办法（'可'结合实际放宽）",
        "具体实施办法由省级人民政府确定：参数 hubei.stable_job_refund_all_enterprises_2020.adopted 未设定",
    )
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响企业（不限规模）", "未认定受疫情影响")
    rate = c.col("layoff_rate", layoff_rate(c, c.p(p + "base_month"), c.p(p + "headcount_month")), "裁员率")
    limit = c.p(p + "max_layoff_rate")
    c.require(
        rate <= limit,
        pl.format("裁员率 {}% 不高于 {}%", (rate * 100).round(2), pl.lit(limit * 100)),
        pl.format("裁员率 {}% 高于 {}%", (rate * 100).round(2), pl.lit(limit * 100)),
        "缺少计算裁员率所需的 2018-12、2019-12 参保人数或 2019 年自然减员人数",
    )
    c.output("layoff_rate", rate.round(6))


@rule("cn.epidemic_enterprise_training_subsidy_2020")
def epidemic_enterprise_training_subsidy(c: Calc) -> None:
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响的企业", "未认定受疫情影响")
    c.require(
        pl.col("training_in_stoppage_or_recovery"),
        "在停工期、恢复期组织职工参加线下或线上职业培训",
        "未在停工期、恢复期组织职工培训（enterprise.training_in_stoppage_or_recovery）",
    )
    people = c.col("trainees", pl.col("epidemic_training_participants").fill_null(0), "参加培训职工人数")
    c.require(people > 0, None, "缺少参加培训人数（enterprise.epidemic_training_participants）")
    require_epidemic_period(c, PERIOD)
    local_amount(c, "cn.epidemic_enterprise_training_subsidy_2020.per_person", people, "培训人数 × 职业培训补贴标准")


@rule("cn.industrial_restructuring_fund_2020")
def industrial_restructuring_fund(c: Calc) -> None:
    c.require(
        pl.col("flag_epidemic_affected"),
        "受疫情影响企业：可由工业企业结构调整专项奖补资金支持稳定岗位、保障基本生活等支出",
        "未认定受疫情影响",
    )
    require_epidemic_period(c, PERIOD)
    pending_amount(c, "条件和金额由地方确定（文本未规定公式）")


@rule("cn.guaranteed_loan_extension_covid_2020")
def guaranteed_loan_extension_covid(c: Calc) -> None:
    maturity = pl.col("guaranteed_loan_maturity_date")
    require_fact(
        c,
        maturity,
        missing="缺少已发放的个人创业担保贷款及到期日（person.guaranteed_loan.maturity_date）",
        facts=("person.guaranteed_loan.maturity_date",),
    )
    c.require(pl.col("covid_infected"), "借款人患新型冠状病毒感染肺炎", "借款人未患新冠肺炎（person.covid_infected）")
    most = int(c.p("max_extension_months"))
    months = c.col(
        "extension_months",
        pl.min_horizontal(pl.col("guaranteed_loan_extension_months_requested").fill_null(most), pl.lit(most)),
        "展期月数（原则上不超过1年）",
    )
    new_end = c.col("new_maturity", add_months(maturity, months), "展期后到期日")
    c.output("deadline", iso(new_end))
    c.output("extension_months", months)
    c.note(pl.format("可向贷款银行申请展期 {} 个月，至 {}；展期期间财政继续贴息", months, iso(new_end)))


@rule("cn.guaranteed_loan_priority_2020")
def guaranteed_loan_priority(c: Calc) -> None:
    c.require(
        pl.col("size").is_in(c.p("sizes")),
        pl.format("小微企业（{}）", pl.col("size")),
        pl.format("企业划型为 {}，非小微企业", pl.col("size")),
        "未能划型，无法确认小微企业条件",
    )
    c.require(
        pl.col("lost_income_due_to_epidemic"),
        "受疫情影响暂时失去收入来源：申请创业担保贷款予以优先支持（额度按地方规定）",
        "未说明受疫情影响暂时失去收入来源（enterprise.lost_income_due_to_epidemic）",
    )


@rule("cn.guaranteed_loan_priority_individual_2020")
def guaranteed_loan_priority_individual(c: Calc) -> None:
    c.require(
        pl.col("lost_income_due_to_epidemic"),
        "受疫情影响暂时失去收入来源：申请创业担保贷款予以优先支持（额度按地方规定）",
        "未说明受疫情影响暂时失去收入来源（person.lost_income_due_to_epidemic）",
    )


@rule("cn.incubator_rent_relief_award_2020")
def incubator_rent_relief_award(c: Calc) -> None:
    c.require(
        pl.col("incubator_rent_reduced"),
        "创业孵化园区、示范基地降低或减免了创业者场地租金等费用",
        "未降低或减免创业者场地租金（enterprise.incubator_rent_reduced）",
    )
    require_epidemic_period(c, PERIOD)
    parameter_amount(c, c.p("award"), "奖补金额由地方确定：参数 cn.incubator_rent_relief_award_2020.award 未设定")


@rule("cn.graduate_registration_extension_2020")
def graduate_registration_extension(c: Calc) -> None:
    original = pl.col("graduate_registration_deadline")
    require_fact(
        c,
        original,
        missing="缺少原定报到期限（person.graduate_registration_deadline）",
        facts=("person.graduate_registration_deadline",),
    )
    days = c.p("extension_days")
    if days is None:
        c.output("deadline", iso(original))
        pending_amount(
            c,
            "报到接收时间予以延长，延长天数由公共就业人才服务机构确定（参数 cn.graduate_registration_extension_2020.extension_days 未设定）；"
            "可通过信函、传真、网络办理就业协议签订和报到手续",
            unit="days",
        )
    else:
        end = c.col("registration_deadline", original + pl.duration(days=int(days)), "延长后的报到期限")
        c.output("deadline", iso(end))
        c.amount(pl.lit(float(days)), "days")
        c.note(pl.format("报到期限延长 {} 天至 {}；可通过信函、传真、网络办理", pl.lit(days), iso(end)))


def require_no_suspended_events(
    c: Calc, kinds: list[str], start: object, end: object, names: dict[str, str], why: str
) -> None:
    cond = pl.col("kind").is_in(kinds) & (pl.col("date") >= pl.lit(start))
    if end is not None:
        cond = cond & (pl.col("date") < pl.lit(end))
    n = c.col("planned", c.aggregate("planned_events", pl.len(), default=0), "拟举办活动数")
    banned = c.col(
        "suspended_events",
        c.aggregate(
            "planned_events",
            pl.format("{}（{}）", pl.col("kind").replace_strict(names, default=pl.col("kind")), pl.col("date"))
            .filter(cond)
            .str.join("、"),
        ).fill_null(""),
        "属于暂停范围的活动",
    )
    c.require(n > 0, None, "未填写拟举办的活动（agency.planned_events）")
    c.require(banned == "", "拟举办的活动不在暂停范围内", pl.format("{}：{}", pl.lit(why), banned))


EVENT_NAMES = {
    "large_recruitment": "大型招聘活动",
    "onsite_recruitment": "现场招聘会",
    "cross_region_labour": "跨地区劳务协作",
    "hr_training": "人力资源培训",
    "matching_event": "供需对接会",
    "online_recruitment": "线上招聘",
}


@rule("cn.suspend_onsite_recruitment_2020")
def suspend_onsite_recruitment(c: Calc) -> None:
    require_no_suspended_events(
        c,
        c.p("suspended_kinds"),
        as_date(c.p("from")),
        as_date(c.p(EPIDEMIC_END)),
        EVENT_NAMES,
        "疫情防控期间暂停举办现场招聘和跨地区劳务协作",
    )


@rule("cn.employment_subsidy_period_2020")
def employment_subsidy_period(c: Calc) -> None:
    end = as_date(c.p(EPIDEMIC_END))
    if end is None:
        c.output("deadline", pl.lit(None, dtype=pl.String))
        c.note(
            "补贴类政策执行至疫情防控期间结束；结束日期未公布（参数 cn.epidemic_end_date 未设定），测算日仍在执行期内"
        )
    else:
        c.output("deadline", pl.lit(end.isoformat()))
        c.require(
            pl.lit(as_of(c) <= end),
            f"补贴类政策执行至 {end.isoformat()}（疫情防控期间）",
            f"疫情防控期间已于 {end.isoformat()} 结束，补贴类政策不再执行",
        )
