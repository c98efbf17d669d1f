"""人社部发〔2020〕8号 — stable labour relations during the epidemic (稳定劳动关系支持企业复工复产).

Labour standards owed to workers (remote work / leave first, standby pay,
quarantine pay, sick pay after quarantine, Spring Festival overtime),
eligibility determinations (overtime limit, dismissal bar, refusal to return,
recruitment-fee waiver, honours) and the support funds of 四（八）.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl
from pydantic import Field

from renshe.domain.regions import jurisdiction_flags
from renshe.engine.calc import Calc, add_months
from renshe.engine.case import Date, DaySpan, Facts, Money, MonthsAtLeastOne, Strict
from renshe.engine.rules import rule
from renshe.policies.cn._helpers import BEIJING, local_minimum_wage
from renshe.policies.common import as_of_lit, iso, known, layoff_rate, num, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class DatePeriod(
    Strict
):  # cn.stable_labour_shutdown_training_subsidy_2020, cn.internet_plus_training_enterprise_subsidy_2020
    start: Date
    end: Date | None = None


class EnterpriseFacts(
    Facts,
    entity="enterprise",
    flags=(
        "government_epidemic_task",
        "severe_labour_shortage",
        "union_fund_support_conditions",
        "lr_outstanding_contribution_2020",
    ),
):
    overtime_consulted_with_union: bool | None = None  # cn.stable_labour_overtime_limit_exemption_2020
    epidemic_shutdown: DatePeriod | None = (
        None  # cn.stable_labour_shutdown_training_subsidy_2020, cn.internet_plus_training_enterprise_subsidy_2020
    )
    epidemic_recovery: DatePeriod | None = None  # cn.stable_labour_shutdown_training_subsidy_2020
    union_fund_paid: Money | None = None  # cn.stable_labour_union_fund_refund_2020
    association_fee_paid: Money | None = None  # cn.stable_labour_association_fee_refund_2020


class PersonFacts(Facts, entity="person"):
    epidemic_absence_days: DaySpan | None = None  # cn.stable_labour_remote_work_or_leave_first_2020
    can_work_remotely: bool | None = None  # cn.stable_labour_remote_work_or_leave_first_2020
    annual_leave_days_remaining: DaySpan | None = None  # cn.stable_labour_remote_work_or_leave_first_2020
    welfare_leave_days_remaining: DaySpan | None = None  # cn.stable_labour_remote_work_or_leave_first_2020
    agreed_leave_days: DaySpan | None = None  # cn.stable_labour_remote_work_or_leave_first_2020
    termination_date: Date | None = None  # cn.stable_labour_no_dismissal_isolated_2020
    dispatched_worker: bool = False  # cn.stable_labour_no_dismissal_isolated_2020
    termination_ground: Literal["art39", "art40", "art41", "contract_expiry", "other"] | None = None  # same
    employer_resumed_lawfully: bool | None = None  # cn.stable_labour_return_to_work_refusal_2020
    employer_protection_provided: bool | None = None  # cn.stable_labour_return_to_work_refusal_2020
    persuaded_to_return: bool | None = None  # cn.stable_labour_return_to_work_refusal_2020
    return_refusal_reason: (
        Literal["none", "isolation", "illness", "family_isolation_care", "transport_shutdown", "other"] | None
    ) = None  # same
    contract_wage_monthly: Money | None = (
        None  # cn.stable_labour_standby_wage_2020, quarantine_wage, spring_festival_overtime
    )
    standby_from: Date | None = None  # cn.stable_labour_standby_wage_2020
    standby_to: Date | None = None  # cn.stable_labour_standby_wage_2020
    wage_cycle_months: MonthsAtLeastOne | None = None  # cn.stable_labour_standby_wage_2020
    employer_epidemic_difficulty: bool | None = None  # cn.stable_labour_pay_adjustment_consultation_2020
    pay_adjustment_consulted: bool | None = None  # cn.stable_labour_pay_adjustment_consultation_2020
    adjusted_wage_monthly: Money | None = None  # cn.stable_labour_pay_adjustment_consultation_2020
    regular_pay_date: Date | None = None  # cn.stable_labour_wage_payment_deferral_2020
    employer_no_wage_capacity: bool | None = None  # cn.stable_labour_wage_payment_deferral_2020
    wage_deferral_agreed_with_union: bool | None = None  # cn.stable_labour_wage_payment_deferral_2020
    wage_deferral_new_pay_date: Date | None = None  # cn.stable_labour_wage_payment_deferral_2020
    quarantine_lawful: bool | None = None  # cn.stable_labour_quarantine_wage_2020
    quarantine_paid_days: DaySpan | None = None  # cn.stable_labour_quarantine_wage_2020
    treatment_after_quarantine_to: Date | None = None  # cn.stable_labour_post_quarantine_medical_period_pay_2020
    medical_period_end: Date | None = None  # cn.stable_labour_post_quarantine_medical_period_pay_2020
    sick_pay_agreed_monthly: Money | None = None  # cn.stable_labour_post_quarantine_medical_period_pay_2020
    spring_festival_extension_dates_worked: list[Date] = Field(
        default_factory=list
    )  # cn.stable_labour_spring_festival_overtime_2020
    compensatory_days_granted: DaySpan | None = None  # cn.stable_labour_spring_festival_overtime_2020


@rule("cn.stable_labour_remote_work_or_leave_first_2020")
def remote_work_or_leave_first(c: Calc) -> None:
    absence = c.col("absence_days", pl.col("epidemic_absence_days"), "因疫情不能到岗/开工的工作日数")
    require_fact(
        c,
        absence,
        missing="需提供因疫情不能按期到岗的工作日数（person.epidemic_absence_days）",
        facts=("person.epidemic_absence_days",),
    )
    remote = pl.col("can_work_remotely").fill_null(False)
    available = pl.coalesce(
        pl.col("agreed_leave_days"),
        pl.col("annual_leave_days_remaining").fill_null(0.0) + pl.col("welfare_leave_days_remaining").fill_null(0.0),
    )
    leave = c.col(
        "leave_days",
        pl.when(remote).then(0.0).otherwise(pl.min_horizontal(absence, available)),
        "协商使用的带薪年休假、福利假天数",
    )
    remote_days = c.col("remote_days", pl.when(remote).then(absence).otherwise(0.0), "远程办公天数")
    standby = c.col("standby_days", absence - remote_days - leave, "用完各类假后仍不能提供正常劳动的天数")
    c.amount(leave, unit="days")
    c.output("remote_days", remote_days)
    c.output("leave_days", leave)
    c.output("standby_days", standby)
    c.note(
        pl.when(remote)
        .then(pl.format("具备远程办公条件：{} 天在家上班，按正常劳动支付工资", remote_days))
        .otherwise(
            pl.format(
                "不具备远程办公条件：与职工协商优先使用带薪年休假、企业自设福利假 {} 天（工资照发）；"
                "其余 {} 天按停工停产期间工资支付规定处理（见 cn.stable_labour_standby_wage_2020）",
                leave,
                standby,
            )
        )
    )


@rule("cn.stable_labour_overtime_limit_exemption_2020")
def overtime_limit_exemption(c: Calc) -> None:
    daily, monthly = c.p("daily_cap_hours"), c.p("monthly_cap_hours")
    c.require(
        pl.col("flag_government_epidemic_task"),
        "承担政府疫情防控保障任务（经确认）",
        f"未经确认承担政府疫情防控保障任务，延长工作时间仍受每日{daily}小时、每月{monthly}小时的限制",
    )
    c.require(
        pl.col("overtime_consulted_with_union"),
        "已与工会和职工协商",
        "未与工会和职工协商延长工作时间",
        "需提供是否已与工会和职工协商（enterprise.overtime_consulted_with_union）",
    )
    c.note(
        f"在保障劳动者身体健康和劳动安全的前提下，紧急加班依法不受每日{daily}小时、每月{monthly}小时的限制；"
        "加班工资仍按劳动法第四十四条支付"
    )


@rule("cn.stable_labour_no_dismissal_isolated_2020")
def no_dismissal_isolated(c: Calc) -> None:
    start, end, on = pl.col("isolation_start"), pl.col("isolation_end"), pl.col("termination_date")
    require_fact(
        c, start, missing="需提供隔离/紧急措施期间（person.isolation.start、end）", facts=("person.isolation",)
    )
    require_fact(
        c,
        on,
        missing="需提供解除劳动合同或退回被派遣劳动者的日期（person.termination_date）",
        facts=("person.termination_date",),
    )
    inside = (on >= start) & (end.is_null() | (on <= end))
    c.require(
        inside,
        None,
        pl.format(
            "解除/退回日期 {} 不在隔离或紧急措施期间（{} 至 {}）内",
            iso(on),
            iso(start),
            pl.coalesce(iso(end), pl.lit("未结束")),
        ),
    )
    unbarred = c.p("unbarred_grounds")
    c.require(
        ~pl.col("termination_ground").fill_null("").is_in(unbarred),
        None,
        "因职工严重过失（劳动合同法第三十九条）解除的，不在禁止之列",
    )
    what = pl.when(pl.col("dispatched_worker")).then(pl.lit("退回被派遣劳动者")).otherwise(pl.lit("解除劳动合同"))
    c.note(
        pl.format(
            "{} 处于隔离或政府紧急措施期间（{} 至 {}），企业不得{}",
            iso(on),
            iso(start),
            pl.coalesce(iso(end), pl.lit("未结束")),
            what,
        )
    )


@rule("cn.stable_labour_return_to_work_refusal_2020")
def return_to_work_refusal(c: Calc) -> None:
    c.require(
        pl.col("employer_resumed_lawfully"),
        "企业为符合规定的复工企业",
        "企业未按规定复工",
        "需提供企业是否按规定复工（person.employer_resumed_lawfully）",
    )
    c.require(
        pl.col("employer_protection_provided"),
        "企业已提供必要的防疫保护和劳动保护措施",
        "企业未提供必要的防疫保护和劳动保护措施",
        "需提供企业是否提供防疫和劳动保护（person.employer_protection_provided）",
    )
    today = as_of_lit(c)
    isolated = (
        pl.col("isolation_start").is_not_null()
        & (pl.col("isolation_start") <= today)
        & (pl.col("isolation_end").is_null() | (pl.col("isolation_end") >= today))
    )
    c.require(~isolated, None, "职工正处于隔离或政府紧急措施期间，不得按拒绝返岗处理")
    c.require(
        pl.col("persuaded_to_return"),
        "企业工会已宣讲政策并劝导返岗",
        "尚未经企业工会劝导返岗",
        "需提供是否经工会劝导（person.persuaded_to_return）",
    )
    legit = c.p("legitimate_reasons")
    c.require(
        ~pl.col("return_refusal_reason").fill_null("none").is_in(legit),
        None,
        pl.format("拒绝返岗有正当理由（{}），不得依法予以处理", pl.col("return_refusal_reason")),
    )
    c.note("经劝导无效或以其他非正当理由拒绝返岗的，企业可依法依规章制度予以处理")


@rule("cn.stable_labour_standby_wage_2020")
def standby_wage(c: Calc) -> None:
    wage = pl.col("contract_wage_monthly")
    require_fact(
        c,
        pl.col("standby_from"),
        missing="需提供用完各类休假后仍不能提供正常劳动的起始日（person.standby_from）",
        facts=("person.standby_from",),
    )
    require_fact(
        c,
        wage,
        missing="需提供劳动合同规定的月工资（person.contract_wage_monthly）",
        facts=("person.contract_wage_monthly",),
    )
    cycle = pl.col("wage_cycle_months").fill_null(c.p("wage_cycle_months_default"))
    first_end = c.col("first_cycle_end", add_months(pl.col("standby_from"), cycle), "第一个工资支付周期结束（不含）")
    judged = c.col(
        "judged_day",
        pl.min_horizontal(pl.coalesce(pl.col("standby_to"), as_of_lit(c)), as_of_lit(c)),
        "测算所依据的日期（待岗结束日与测算日中较早者）",
    )
    in_beijing = jurisdiction_flags(pl.col("region"))[BEIJING]
    beijing_living = num(c.p("beijing.minimum_wage_monthly")) * c.p("beijing.standby_living_allowance_floor.ratio")
    living = c.col(
        "living_allowance",
        pl.when(in_beijing).then(beijing_living).otherwise(num(c.p("living_allowance_monthly_local"))),
        "超过一个工资支付周期后的生活费标准（元/月）",
    )
    in_first = judged < first_end
    first = wage * c.p("first_cycle_wage_ratio")
    c.require(
        in_first | living.is_not_null(),
        None,
        "超过一个工资支付周期，但本地生活费标准未知：请设置 "
        "cn.stable_labour_standby_wage_2020.living_allowance_monthly_local",
    )
    c.amount(pl.when(in_first).then(first).otherwise(living), unit="CNY/month")
    c.output("first_cycle_end", iso(first_end))
    c.output("first_cycle_wage", first)
    c.output("living_allowance_monthly", living)
    c.note(
        pl.when(in_first)
        .then(
            pl.format(
                "处于第一个工资支付周期内（至 {} 前）：按劳动合同规定的标准支付工资 {} 元/月", iso(first_end), first
            )
        )
        .otherwise(
            pl.format(
                "已超过一个工资支付周期（自 {} 起）：按有关规定发放生活费 {} 元/月", iso(first_end), living.round(2)
            )
        )
    )


@rule("cn.stable_labour_pay_adjustment_consultation_2020")
def pay_adjustment_consultation(c: Calc) -> None:
    c.require(
        pl.col("employer_epidemic_difficulty"),
        "企业受疫情影响生产经营困难",
        "企业未受疫情影响出现生产经营困难，不适用协商调整薪酬",
        "需提供企业是否受疫情影响生产经营困难（person.employer_epidemic_difficulty）",
    )
    c.require(
        pl.col("pay_adjustment_consulted"),
        "调整已通过协商民主程序与职工协商",
        "调整薪酬、轮岗轮休、缩短工时须经协商民主程序（职代会或全体职工讨论）与职工协商",
        "需提供是否经民主协商程序（person.pay_adjustment_consulted）",
    )
    floor = c.col("minimum_wage", local_minimum_wage(c, "minimum_wage_monthly_local"), "当地月最低工资标准")
    adjusted = pl.col("adjusted_wage_monthly")
    c.amount(floor, unit="CNY/month")
    c.output("adjusted_wage_monthly", adjusted)
    c.output("below_minimum_wage", pl.when(floor.is_not_null() & adjusted.is_not_null()).then(adjusted < floor))
    c.note("可通过调整薪酬、轮岗轮休、缩短工时等方式稳定工作岗位")
    c.note(
        pl.when(floor.is_null())
        .then(
            pl.lit(
                "当地最低工资标准未设置：请设置 "
                "cn.stable_labour_pay_adjustment_consultation_2020.minimum_wage_monthly_local"
            )
        )
        .when(adjusted.is_null())
        .then(pl.format("提供正常劳动的，调整后工资不得低于当地最低工资标准 {} 元/月", floor))
        .when(adjusted < floor)
        .then(pl.format("提示：调整后工资 {} 元/月低于当地最低工资标准 {} 元/月", adjusted, floor))
        .otherwise(pl.format("调整后工资 {} 元/月不低于当地最低工资标准 {} 元/月", adjusted, floor))
    )


@rule("cn.stable_labour_wage_payment_deferral_2020")
def wage_payment_deferral(c: Calc) -> None:
    regular = pl.col("regular_pay_date")
    require_fact(
        c, regular, missing="需提供正常工资支付日（person.regular_pay_date）", facts=("person.regular_pay_date",)
    )
    c.require(
        pl.col("employer_no_wage_capacity"),
        "企业暂无工资支付能力",
        "企业并非暂无工资支付能力，应按期支付工资",
        "需提供企业是否暂无工资支付能力（person.employer_no_wage_capacity）",
    )
    c.require(
        pl.col("wage_deferral_agreed_with_union") & known(pl.col("wage_deferral_new_pay_date")),
        "已与工会或职工代表协商延期支付",
        "未与工会或职工代表协商一致延期支付，逾期未付即为拖欠工资",
        "需提供延期支付协商情况（person.wage_deferral_agreed_with_union、wage_deferral_new_pay_date）",
        facts=("person.wage_deferral_agreed_with_union", "person.wage_deferral_new_pay_date"),
    )
    cap = c.p("max_deferral_days")
    new = pl.col("wage_deferral_new_pay_date")
    if cap is not None:
        new = pl.min_horizontal(new, regular + pl.duration(days=int(cap)))
    valid = (
        pl.col("employer_no_wage_capacity").fill_null(False)
        & pl.col("wage_deferral_agreed_with_union").fill_null(False)
        & new.is_not_null()
    )
    due = c.col("due_date", pl.when(valid).then(new).otherwise(regular), "工资应付日期")
    c.output("deadline", iso(due))
    c.amount((due - regular).dt.total_days().cast(pl.Float64), unit="days")
    c.note(pl.format("协商延期支付：工资应于 {} 前支付（原支付日 {}），应付金额不变", iso(due), iso(regular)))
    if cap is not None:
        c.note(f"延期不超过 {cap} 天")


@rule("cn.stable_labour_quarantine_wage_2020")
def quarantine_wage(c: Calc) -> None:
    c.require(
        pl.col("quarantine_lawful"),
        "依法被隔离（隔离治疗、医学观察）",
        "并非依法被隔离，不适用按正常劳动支付工资",
        "需提供是否依法被隔离（person.quarantine_lawful）",
    )
    require_fact(
        c,
        pl.col("contract_wage_monthly"),
        pl.col("quarantine_paid_days"),
        missing="需提供月工资（person.contract_wage_monthly）和隔离期间计薪天数（person.quarantine_paid_days）",
        facts=("person.contract_wage_monthly", "person.quarantine_paid_days"),
    )
    per_day = c.col(
        "daily_wage", pl.col("contract_wage_monthly") / c.p("monthly_paid_days"), "日工资（月工资 ÷ 月计薪天数）"
    )
    c.amount(per_day * pl.col("quarantine_paid_days"))
    c.note(
        pl.format(
            "隔离期间视同正常劳动：{} 元/月 ÷ {} × {} 天",
            pl.col("contract_wage_monthly"),
            pl.lit(c.p("monthly_paid_days")),
            pl.col("quarantine_paid_days"),
        )
    )


@rule("cn.stable_labour_post_quarantine_medical_period_pay_2020")
def post_quarantine_medical_period_pay(c: Calc) -> None:
    end, to = pl.col("isolation_end"), pl.col("treatment_after_quarantine_to")
    require_fact(c, end, missing="需提供隔离期结束日（person.isolation.end）", facts=("person.isolation.end",))
    c.require(
        to > end,
        "隔离期结束后仍需停止工作进行治疗",
        "隔离期结束后无需停止工作治疗",
        "需提供隔离期满后停工治疗的截止日（person.treatment_after_quarantine_to）",
    )
    mp = pl.col("medical_period_end")
    c.require(
        mp.is_null() | (to <= mp),
        None,
        pl.format("治疗期超过医疗期（{} 届满），医疗期已满，不再按本条计算病假工资", iso(mp)),
    )
    floor = c.col(
        "sick_pay_floor",
        local_minimum_wage(c, "minimum_wage_monthly_local") * c.p("sick_pay_floor_ratio"),
        "病假工资下限（当地最低工资 × 80%）",
    )
    agreed = pl.col("sick_pay_agreed_monthly")
    pay = (
        pl.when(floor.is_null())
        .then(agreed)
        .when(agreed.is_null())
        .then(floor)
        .otherwise(pl.max_horizontal(agreed, floor))
    )
    c.require(
        pay.is_not_null(),
        None,
        "当地最低工资标准未知且无约定病假工资：请设置 "
        "cn.stable_labour_post_quarantine_medical_period_pay_2020.minimum_wage_monthly_local",
    )
    c.amount(pay, unit="CNY/month")
    c.period(iso(end + pl.duration(days=1)), iso(to))
    c.note(
        pl.format(
            "隔离期满后停工治疗期间按医疗期规定支付病假工资 {} 元/月（不低于当地最低工资标准的80%：{} 元）",
            pay.round(2),
            floor.round(2),
        )
    )


@rule("cn.stable_labour_spring_festival_overtime_2020")
def spring_festival_overtime(c: Calc) -> None:
    dates = [dt.date.fromisoformat(d) for d in c.p("extension_dates")]
    worked = c.col(
        "extension_days_worked",
        pl.col("spring_festival_extension_dates_worked")
        .list.eval(pl.element().is_in(dates))
        .list.sum()
        .fill_null(0)
        .cast(pl.Float64),
        "延长假期（1月31日至2月2日）上班天数",
    )
    c.require(worked > 0, None, "春节延长假期（2020年1月31日至2月2日）未上班")
    uncompensated = c.col(
        "uncompensated_days",
        (worked - pl.col("compensatory_days_granted").fill_null(0.0)).clip(lower_bound=0.0),
        "未能安排补休的天数",
    )
    require_fact(
        c,
        pl.col("contract_wage_monthly"),
        missing="需提供月工资（person.contract_wage_monthly）",
        facts=("person.contract_wage_monthly",),
    )
    rate = c.p("rest_day_overtime_rate")
    daily = pl.col("contract_wage_monthly") / c.p("monthly_paid_days")
    c.amount(uncompensated * daily * rate)
    c.output("compensatory_days_owed", uncompensated)
    c.note(
        pl.format(
            "延长假期上班 {} 天，已补休 {} 天；不能安排补休的 {} 天按日工资的 {}% 支付加班工资",
            worked,
            pl.col("compensatory_days_granted").fill_null(0.0),
            uncompensated,
            pl.lit(round(rate * 100)),
        )
    )


@rule("cn.stable_labour_recruitment_fee_waiver_2020")
def recruitment_fee_waiver(c: Calc) -> None:
    shortage = pl.col("flag_epidemic_affected") & pl.col("flag_severe_labour_shortage")
    task = pl.col("flag_government_epidemic_task")
    hard_hit = pl.col("flag_severe_difficulty")
    c.require(
        shortage | task | hard_hit, None, "非受疫情影响缺工较大、受疫情影响较大或承担政府（疫情防控）保障任务的企业"
    )
    c.cite(
        pl.concat_list(
            [pl.when(shortage | task).then(pl.lit("四（七）")), pl.when(task | hard_hit).then(pl.lit("二"))]
        ).list.drop_nulls()
    )
    c.note(
        pl.when(task)
        .then(pl.lit("承担政府疫情防控保障任务的企业"))
        .when(shortage)
        .then(pl.lit("受疫情影响缺工较大的企业"))
        .otherwise(pl.lit("受疫情影响较大的企业"))
    )
    c.note("人力资源服务机构受鼓励减免招聘服务费用（自愿，减免额由机构确定）")


@rule("cn.stable_labour_ui_refund_relaxed_layoff_rate_2020")
def ui_refund_relaxed_layoff_rate(c: Calc) -> None:
    c.require(
        pl.col("size").is_in(c.p("sme_sizes")),
        None,
        "非中小微企业，不适用放宽的裁员率标准",
        "未能划型，无法确认中小微企业条件",
    )
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响", "未经确认受疫情影响")
    rate = c.col("layoff_rate", layoff_rate(c, c.p("base_month"), c.p("year_end_month")), "裁员率")
    insured = c.col(
        "insured_year_end", c.month_value("insured", c.p("year_end_month"), "headcount"), "2019年末参保人数"
    )
    cap = c.col(
        "layoff_cap",
        pl.when(insured <= c.p("small_unit_insured_max"))
        .then(c.p("small_unit_layoff_rate_cap"))
        .otherwise(c.p("relaxed_layoff_rate_cap")),
        "适用的裁员率上限",
    )
    c.require(
        rate <= cap,
        None,
        pl.format("裁员率 {}% 高于放宽后的上限 {}%", (rate * 100).round(2), cap * 100),
        "缺少2018年末、2019年末参保人数或2019年自然减员数，无法计算裁员率",
    )
    c.output("layoff_rate", rate)
    c.note(
        pl.format(
            "裁员率 {}% 不高于放宽后的上限 {}%；返还金额按所在省的稳岗返还政策计算", (rate * 100).round(2), cap * 100
        )
    )


def training_trainees(c: Calc, periods: list[str], modes: list[str]) -> pl.Expr:
    """Σ trainees of staff-training rows lying within one of the enterprise's periods
    (``epidemic_shutdown`` / ``epidemic_recovery``; an open end runs to as_of)."""
    inside = pl.lit(False)
    uses: list[str] = []
    for period in periods:
        start, end = f"{period}_start", f"{period}_end"
        uses += [start, end]
        inside = inside | (
            pl.col(start).is_not_null()
            & (pl.col("start") >= pl.col(start))
            & (pl.col("end") <= pl.coalesce(pl.col(end), as_of_lit(c)))
        )
    where = inside & pl.col("mode").is_in(modes)
    return c.aggregate("staff_trainings_2020", pl.col("trainees").sum(), where=where, uses=tuple(uses), default=0)


@rule("cn.stable_labour_shutdown_training_subsidy_2020")
def shutdown_training_subsidy(c: Calc) -> None:
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响的企业", "未经确认受疫情影响")
    trainees = c.col(
        "trainees",
        training_trainees(c, ["epidemic_shutdown", "epidemic_recovery"], ["online", "offline"]),
        "停工期、恢复期内组织的线上或线下培训人数",
    )
    c.require(
        trainees > 0,
        None,
        "停工期、恢复期内没有组织职工参加职业培训（需提供 enterprise.epidemic_shutdown / "
        "epidemic_recovery 和 staff_trainings_2020）",
    )
    standard = c.p("training_subsidy_standard")
    c.amount(trainees * num(standard))
    c.note(pl.format("停工期、恢复期组织职工培训 {} 人次，纳入补贴类培训范围", trainees))
    if standard is None:
        c.note(
            "当地职业培训补贴标准未设置：请设置 cn.stable_labour_shutdown_training_subsidy_2020.training_subsidy_standard"
        )


@rule("cn.stable_labour_union_fund_refund_2020")
def union_fund_refund(c: Calc) -> None:
    c.require(pl.col("size").is_in(c.p("sizes")), None, "非小微企业", "未能划型，无法确认小微企业条件")
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响", "未经确认受疫情影响")
    c.require(
        pl.col("flag_union_fund_support_conditions"),
        "经工会确认符合小微企业工会经费支持条件",
        "未经工会确认符合小微企业工会经费支持条件",
    )
    paid = pl.col("union_fund_paid")
    require_fact(
        c, paid, missing="需提供已缴工会经费（enterprise.union_fund_paid）", facts=("enterprise.union_fund_paid",)
    )
    c.amount(paid * c.p("refund_ratio"))
    c.note(pl.format("小微企业工会经费全额返还：{} 元", paid))


@rule("cn.stable_labour_association_fee_refund_2020")
def association_fee_refund(c: Calc) -> None:
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响", "未经确认受疫情影响")
    c.require(pl.col("flag_severe_difficulty"), "生产经营困难", "未经确认为受疫情影响的困难企业")
    paid = pl.col("association_fee_paid")
    c.require(paid > 0, None, "未缴纳企业组织会费", "需提供已缴企业组织会费（enterprise.association_fee_paid）")
    ratio = c.p("refund_ratio")
    c.amount(paid * num(ratio))
    if ratio is None:
        c.note("返还比例由企联/工商联确定：请设置 cn.stable_labour_association_fee_refund_2020.refund_ratio")
    else:
        c.note(pl.format("企业会费 {} 元按 {}% 返还", paid, pl.lit(ratio * 100)))


@rule("cn.stable_labour_union_frontline_condolence_2020")
def union_frontline_condolence(c: Calc) -> None:
    c.require(pl.col("groups").list.contains(c.p("group")), "防疫一线职工", "非防疫一线职工")
    amount = c.p("condolence_amount")
    c.amount(num(amount))
    c.note("工会防疫专项资金慰问（与政府发放的一线人员补助互不冲抵）")
    if amount is None:
        c.note("慰问金额由工会确定：可设置 cn.stable_labour_union_frontline_condolence_2020.condolence_amount")


@rule("cn.stable_labour_commendation_priority_2020")
def commendation_priority(c: Calc) -> None:
    c.require(
        pl.col("flag_lr_outstanding_contribution_2020"),
        "经确认疫情防控期间对稳定劳动关系作出突出贡献",
        "未经确认疫情防控期间对稳定劳动关系作出突出贡献",
    )
    c.note("在和谐劳动关系创建活动评比、劳动模范评选、五一劳动奖章、奖状等荣誉授予中优先考虑（不直接决定授予）")
