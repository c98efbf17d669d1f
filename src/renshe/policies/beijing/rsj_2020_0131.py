"""无文号（北京市人力资源和社会保障局，2020年1月31日）— 关于进一步做好疫情防控期间本市
人力资源和社会保障相关工作的通知: wages of isolated workers (一（一）1), contract
extension (一（一）1), remote work (一（一）2), the extended Spring Festival
holiday (一（二）), arbitration (一（四）), disability assessment (二（三）),
graduates (三（二）) and public-health institutions (四（二）). Its restatements
(social-insurance period, work injury, frontline allowance) are cited by the
rules that compute them."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Date, DayCount, Facts, Strict
from renshe.engine.rules import rule
from renshe.policies.beijing._helpers import per_day
from renshe.policies.beijing.jrslz_2020_11 import normal_wage_for_days
from renshe.policies.common import date_lit, flag, has_group, iso, known, pending_amount, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class ArbitrationCase(Strict):  # beijing.labour_arbitration_suspension_2020
    original_deadline: Date
    suspension_start: Date | None = None
    suspension_end: Date | None = None


class EnterpriseFacts(Facts, entity="enterprise", flags=("public_health_outstanding_contribution",)):
    """Flags an authority confirms (enterprise.flags)."""


class PersonFacts(Facts, entity="person"):
    remote_work_required: bool = False
    holiday_extension_days_worked: DayCount | None = None
    holiday_extension_comp_days: DayCount | None = None
    arbitration_case: ArbitrationCase | None = None
    disability_assessment_deadline: Date | None = None
    employment_agreement_date: Date | None = None


P = "beijing."
KINDS = {
    "medical_period": "医疗期",
    "medical_observation": "医学观察期",
    "isolation": "隔离期",
    "emergency_measures": "政府采取的紧急措施",
}


@rule("beijing.quarantine_worker_wage_protection_2020")
def quarantine_worker_wage_protection(c: Calc) -> None:
    c.require(
        has_group(c.p(P + "quarantine_worker_wage_protection_2020.groups")),
        "患者、疑似病人、密切接触者或因政府隔离等紧急措施不能提供正常劳动的职工：视同提供正常劳动，不得解除劳动关系",
        "非患者、疑似病人、密切接触者，也未因政府隔离等紧急措施不能提供正常劳动（person.groups）",
    )
    c.output("dismissal_allowed", pl.lit(False))
    normal_wage_for_days(
        c, "quarantine_days", "隔离治疗、医学观察或隔离等不能提供正常劳动的天数", "隔离治疗、医学观察期间工资"
    )


@rule("beijing.contract_expiry_extension_quarantine_2020")
def contract_expiry_extension_quarantine(c: Calc) -> None:
    end_contract = pl.col("contract_end_date")
    start, end = pl.col("protected_period_start"), pl.col("protected_period_end")
    kind = pl.col("protected_period_kind").replace_strict(KINDS, default=None)
    require_fact(
        c, end_contract, missing="缺少劳动合同到期日（person.contract_end_date）", facts=("person.contract_end_date",)
    )
    require_fact(
        c,
        start,
        missing="缺少医疗期、医学观察期、隔离期或紧急措施期间（person.protected_period）",
        facts=("person.protected_period",),
    )
    inside = (end_contract >= start) & (end.is_null() | (end_contract < end))
    c.require(
        inside,
        pl.format("劳动合同于{}内（{}）到期，顺延至{}期满", kind, iso(end_contract), kind),
        pl.format(
            "劳动合同到期日 {} 不在{}内（{} 至 {}），不顺延",
            iso(end_contract),
            kind,
            iso(start),
            iso(end).fill_null("未结束"),
        ),
    )
    c.output("deadline", iso(end))
    c.note(pl.format("顺延后劳动合同到期日：{}", iso(end)), when=end.is_not_null())
    c.note(pl.format("{}尚未结束，劳动合同顺延至其结束之日", kind), when=end.is_null())


@rule("beijing.remote_work_normal_wage_2020")
def remote_work_normal_wage(c: Calc) -> None:
    c.require(
        pl.col("remote_work_required").fill_null(False),
        "企业要求职工通过网络、电话等灵活方式在家上班",
        "企业未要求职工在家上班（person.remote_work_required）",
    )
    wage = c.col("normal_monthly_wage", pl.col("normal_monthly_wage"), "正常工作期间月工资")
    require_fact(
        c, wage, missing="缺少正常工作期间月工资（person.normal_monthly_wage）", facts=("person.normal_monthly_wage",)
    )
    c.amount(wage, unit="CNY/month")
    c.note("在家上班期间按照正常工作期间的工资收入支付工资")


@rule("beijing.extended_holiday_compensation_2020")
def extended_holiday_compensation(c: Calc) -> None:
    p = P + "extended_holiday_compensation_2020."
    first, last = c.p(p + "window")
    window_days = (date_lit(last) - date_lit(first)).dt.total_days() + 1
    worked = c.col("holiday_extension_days_worked", pl.col("holiday_extension_days_worked"), "1月31日至2月2日工作天数")
    require_fact(
        c,
        worked,
        missing="缺少2020年1月31日至2月2日期间工作天数（person.holiday_extension_days_worked）",
        facts=("person.holiday_extension_days_worked",),
    )
    c.require(worked <= window_days, None, pl.format("工作天数 {} 超过延长假期天数", worked))
    c.require(
        worked > 0, "延长假期期间因疫情防控不能休假或提前复工", "2020年1月31日至2月2日期间未工作，无需补休或加班工资"
    )
    comp = pl.col("holiday_extension_comp_days").fill_null(0)
    owed = c.col("days_without_comp_rest", (worked - comp).clip(lower_bound=0), "未安排补休的天数")
    ratio = c.p(p + "overtime_ratio_min")
    wage = pl.col("normal_monthly_wage")
    c.require(
        (owed == 0) | known(wage),
        None,
        "缺少工资基数（person.normal_monthly_wage）",
        "缺少工资基数（person.normal_monthly_wage）",
        facts=("person.normal_monthly_wage",),
    )
    c.amount(owed * per_day(c, wage).fill_null(0.0) * ratio)
    c.period(first, last)
    c.note(
        pl.format(
            "工作 {} 天，已补休 {} 天；未补休 {} 天按不低于日工资基数 {}% 支付加班工资",
            worked,
            comp,
            owed,
            pl.lit(round(ratio * 100)),
        )
    )


@rule("beijing.labour_arbitration_suspension_2020")
def labour_arbitration_suspension(c: Calc) -> None:
    original = pl.col("arbitration_case_original_deadline")
    start, end = pl.col("arbitration_case_suspension_start"), pl.col("arbitration_case_suspension_end")
    require_fact(
        c, original, missing="缺少劳动人事仲裁案件（person.arbitration_case）", facts=("person.arbitration_case",)
    )
    c.require(
        start.is_not_null(), "因疫情影响中止审理", "案件未因疫情影响中止审理（arbitration_case.suspension_start）"
    )
    suspended = c.col("suspended_days", (end - start).dt.total_days(), "中止天数")
    new = original + pl.duration(days=suspended)
    c.output("deadline", iso(new))
    c.amount(suspended.cast(pl.Float64), unit="days")
    c.note(pl.format("审理期限顺延 {} 天：{} → {}", suspended, iso(original), iso(new)), when=end.is_not_null())
    c.note("中止情形尚未消除：恢复审理后期限相应顺延", when=end.is_null())


@rule("beijing.disability_assessment_postponement_2020")
def disability_assessment_postponement(c: Calc) -> None:
    p = P + "disability_assessment_postponement_2020."
    original = pl.col("disability_assessment_deadline")
    require_fact(
        c,
        original,
        missing="缺少劳动能力鉴定办结时限（person.disability_assessment_deadline）",
        facts=("person.disability_assessment_deadline",),
    )
    start = c.p(p + "postponed_from")
    c.require(
        original >= date_lit(start),
        "劳动能力鉴定延期开展，办结时限相应顺延",
        pl.format("办结时限 {} 早于延期开展之日 {}，不受影响", iso(original), pl.lit(start)),
    )
    resume = c.p(p + "resume_date")
    if resume is None:
        c.output("deadline", pl.lit(None, dtype=pl.String))
        pending_amount(c, f"恢复鉴定日期未定（参数 {p}resume_date）：办结时限待恢复后顺延", unit="days")
    else:
        days = (date_lit(resume) - date_lit(start)).dt.total_days()
        c.output("deadline", iso(original + pl.duration(days=days)))
        c.amount(days.cast(pl.Float64), unit="days")
        c.note(pl.format("自 {} 至恢复日 {} 顺延 {} 天", pl.lit(start), pl.lit(resume), days))


@rule("beijing.graduate_agreement_window_2020")
def graduate_agreement_window(c: Calc) -> None:
    p = P + "graduate_agreement_window_2020."
    first, last = c.p(p + "window")
    c.require(has_group(c.p(p + "groups")), "2020年毕业生", "非2020年毕业生（person.groups 须含 graduate_2020）")
    signed = pl.col("employment_agreement_date")
    c.require(
        signed.is_null() | ((signed >= date_lit(first)) & (signed <= date_lit(last))),
        None,
        pl.format("就业协议签署日 {} 不在 {} 至 {} 之间", iso(signed), pl.lit(first), pl.lit(last)),
    )
    c.output("deadline", pl.lit(last))
    c.period(first, last)
    c.note(f"2020年毕业生签署就业协议书时间：{first} 至 {last}（可“不见面”签署）")


@rule("beijing.frontline_institution_performance_pay_2020")
def frontline_institution_performance_pay(c: Calc) -> None:
    c.require(pl.col("unit_type") == "public_institution", "医疗和公共卫生事业单位", "非事业单位")
    c.require(
        flag("public_health_outstanding_contribution"),
        "在疫情防治中承担重要职能、做出突出贡献：一次性增核当年绩效工资总量，经批准可适当提高中高级专业技术职务结构比例",
        "未认定在疫情防治中承担重要职能、做出突出贡献（flag public_health_outstanding_contribution）",
    )
