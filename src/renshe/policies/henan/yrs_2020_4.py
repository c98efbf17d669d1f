"""豫人社〔2020〕4号 六 — 失业保险应急稳岗返还 (emergency job-stabilisation refund)
for Henan SMEs, extended to 2020-12-31 with loosened layoff-rate limits."""

from __future__ import annotations

from typing import Annotated, Literal

import polars as pl
from pydantic import Field

from renshe.domain.calendar import covered_years
from renshe.engine.calc import (
    MONTHS_PER_YEAR,
    Calc,
    add_months,
    days_between,
    month_index,
    month_index_of,
    month_number_of,
    month_of_index,
    month_range,
)
from renshe.engine.case import Date, Facts, Money, Month, MonthsAtLeastOne, Persons, Strict
from renshe.engine.rules import rule
from renshe.policies.common import as_date, as_of_lit, date_lit, iso, layoff_rate, months_of_benefit, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class LateSiPayment(Strict):  # henan.late_registration_late_fee_waiver_2020
    month: Month
    amount: Money
    due_date: Date
    paid_on: Date


class SiStopOvercollection(Strict):  # henan.si_overpayment_refund_2020
    employee: str | None = None
    stop_month: Month
    month: Month
    amount: Money
    reason: Literal["no_ca_certificate", "other_online_obstacle"] = "no_ca_certificate"


class RetirementClaim(Strict):  # henan.retirement_pension_back_pay_2020, yongzhou.deferred_retirement_processing_2022
    age: Annotated[int, Field(ge=40, le=70)]
    processed_month: Month
    monthly_pension: Money | None = None
    prevented_by_epidemic: bool = False


class GuaranteedLoanTerms(Strict):  # henan.guaranteed_loan_extension_2020 (+ application deadline)
    maturity_date: Date
    extension_applied_on: Date | None = None
    extension_months_requested: MonthsAtLeastOne | None = None
    repayment_difficulty: bool = False


class SiSubsidyTerm(Strict):  # henan.si_post_subsidy_extension_2020, xinmi si-subsidy rules
    kind: Literal["si_subsidy", "post_subsidy"]
    start_month: Month
    original_end: Date | None = None
    retirement_age: Annotated[int, Field(ge=40, le=70)] | None = None
    stably_employed: bool | None = None


class EnterpriseFacts(Facts, entity="enterprise"):
    si_deferral_filed: bool | None = None  # henan.si_deferral_2020, henan.si_deferral_repayment_deadline_2020
    late_registration_on: Date | None = None  # henan.late_registration_2020
    registration_missed_due_to_epidemic: bool | None = (
        None  # henan.late_registration_2020: did not register in time (未能及时办理参保登记) because of the epidemic
    )
    late_si_payments: list[LateSiPayment] = Field(default_factory=list)  # henan.late_registration_late_fee_waiver_2020
    si_stop_overcollections: list[SiStopOvercollection] = Field(
        default_factory=list
    )  # henan.si_overpayment_refund_2020
    hiring_subsidy_qualifying_hires: Persons | None = None  # henan.hiring_subsidy_2020
    project_training_subsidy_total: Money | None = None  # henan.project_training_advance_2020
    guaranteed_loan: GuaranteedLoanTerms | None = None  # henan.guaranteed_loan_extension_2020 (enterprise borrower)


class PersonFacts(Facts, entity="person"):
    employer_si_deferral_filed: bool | None = None  # henan.si_deferral_benefits_protected_2020
    retirement: RetirementClaim | None = (
        None  # henan.retirement_pension_back_pay_2020, yongzhou.deferred_retirement_processing_2022
    )
    guaranteed_loan: GuaranteedLoanTerms | None = None  # henan.guaranteed_loan_extension_2020 (+ application deadline)
    si_subsidy: SiSubsidyTerm | None = None  # henan.si_post_subsidy_extension_2020, xinmi.si_subsidy_period_2020 …


ALL_INSURANCES = ["pension", "unemployment", "work_injury", "medical", "maternity"]


@rule("henan.stable_job_refund_2020")
def stable_job_refund(c: Calc) -> None:
    p = "henan.stable_job_refund_2020."
    c.require(
        pl.col("size").is_in(c.p(p + "sme_sizes")),
        pl.format("中小微企业（{}）", pl.col("size")),
        pl.format("企业划型为 {}，非中小微企业", pl.col("size")),
        "未能划型，无法确认中小微企业条件",
    )
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响生产经营暂时遇到困难", "未认定受疫情影响")
    headcount = c.col(
        "insured_2019_12",
        c.month_value("insured", c.p(p + "headcount_month"), "headcount"),
        "2019年12月参加失业保险职工人数",
    )
    rate = c.col("layoff_rate", layoff_rate(c, c.p(p + "base_month"), c.p(p + "headcount_month")), "裁员率")
    small = c.p(p + "small_unit_max_insured")
    limit = c.col(
        "layoff_rate_limit",
        pl.when(headcount <= small)
        .then(pl.lit(c.p(p + "small_unit_max_layoff_rate")))
        .otherwise(pl.lit(c.p(p + "max_layoff_rate"))),
        "适用的裁员率上限",
    )
    c.require(
        rate <= limit,
        pl.format("裁员率 {}% 不高于 {}%", (rate * 100).round(2), (limit * 100).round(2)),
        pl.format("裁员率 {}% 高于 {}%", (rate * 100).round(2), (limit * 100).round(2)),
        "缺少计算裁员率所需的 2018-12、2019-12 参保人数或 2019 年自然减员人数",
    )
    c.output("layoff_rate", rate.round(6))
    window = month_range(*c.p(p + "alt_window"))
    months_present = c.months_present("contributions", window)
    paid = c.sum_contributions(ALL_INSURANCES, (window[0], window[-1]), pl.col("employer_paid"))
    c.output("alternative_amount", pl.when(months_present == len(window)).then((paid * c.p(p + "alt_share")).round(2)))
    months_of_benefit(
        c, "henan.ui_benefit_monthly_2019", "上年度当地月失业保险金标准", c.p(p + "benefit_months"), headcount
    )


# ---- 三 至 十: the other measures of the notice ------------------------------------------------
from renshe.policies import common as h  # noqa: E402

SI3 = "cn.si_relief_2020."


@rule("henan.job_intro_service_subsidy_2020")
def job_intro_service_subsidy(c: Calc) -> None:
    p = "henan.job_intro_service_subsidy_2020."
    placed = c.col(
        "placements_total",
        c.aggregate("placements", pl.col("count").sum(), default=0),
        "免费介绍在豫就业的符合条件求职者人数 P",
    )
    c.require(
        placed > 0,
        pl.format("免费介绍符合条件的求职者在我省就业 {} 人", placed),
        "未申报免费介绍符合条件求职者在我省就业的人数（agency.placements）",
    )
    h.per_person_standard(c, p + "per_person", placed, "{} 人 × {} 元/人")


def _deferred(c: Calc) -> pl.Expr:
    """Deferred amount: employer due of the three insurances in the deferral months, net of
    the exemption of 人社部发〔2020〕11号 and of what stands paid."""
    p = "henan.si_deferral_2020."
    months = c.p(p + "fee_months")
    ex_from, ex_to = c.p(SI3 + "exemption_from"), c.p(SI3 + "exemption_to")
    ratio = (
        pl.when((pl.col("month") >= ex_from) & (pl.col("month") <= ex_to))
        .then(pl.lit(float(c.p(SI3 + "exemption_ratio"))))
        .otherwise(0.0)
    )
    per_row = (pl.col("employer_due") * (1 - ratio) - pl.col("employer_paid")).clip(lower_bound=0)
    return c.col(
        "deferred_amount",
        c.sum_contributions(c.p(p + "insurances"), (months[0], months[1]), per_row),
        "缓缴月份三项社保单位应缴未缴（已扣除免征部分）",
    )


def _deferral_conditions(c: Calc) -> None:
    p = "henan.si_deferral_2020."
    h.require_sme(c, c.p(p + "sme_sizes"), c.p(p + "sme_like_unit_types"))
    c.require(
        pl.col("si_deferral_filed"),
        "已向社会保险经办机构备案缓缴（备案制，无需签订缓缴协议）",
        "未备案缓缴：缓缴由企业根据自身缴费能力自行决定，须向参保经办机构登记备案",
        "缺少是否已备案缓缴（enterprise.si_deferral_filed）",
    )


@rule("henan.si_deferral_2020")
def si_deferral(c: Calc) -> None:
    p = "henan.si_deferral_2020."
    _deferral_conditions(c)
    amount = _deferred(c)
    months = c.p(p + "fee_months")
    c.amount(amount)
    c.period(months[0], months[1])
    due = as_date(c.p(p + "repayment_due_by"))
    c.output("deadline", pl.lit(due.isoformat()))
    c.note(
        pl.format(
            "缓缴 {} 至 {} 养老、失业、工伤保险费 {} 元（免征部分不计入），缓缴期间不计滞纳金，应于 {} 前补缴",
            pl.lit(months[0]),
            pl.lit(months[1]),
            amount.round(2),
            pl.lit(due.isoformat()),
        )
    )


@rule("henan.si_deferral_repayment_deadline_2020")
def si_deferral_repayment_deadline(c: Calc) -> None:
    p = "henan.si_deferral_repayment_deadline_2020."
    _deferral_conditions(c)
    outstanding = _deferred(c)
    end = as_date(c.p(p + "deferral_end"))
    window = c.p(p + "repayment_window_months")
    due = add_months(date_lit(end), window)
    due_by = c.col("due_by", due, "补缴截止日（缓缴到期后3个月内）")
    as_of = as_of_lit(c)
    left = c.col("days_left", days_between(as_of, due_by), "距补缴截止日天数（负数为已逾期）")
    c.amount(left, unit="days")
    c.output("deadline", iso(due_by))
    c.output("outstanding", outstanding.round(2))
    rate = c.p(p + "late_fee_daily_rate")
    overdue = (-left).clip(lower_bound=0)
    c.output("late_fee_accrued", (outstanding * rate * overdue).round(2))
    c.note(
        pl.format("缓缴费用应在 {} 前（含当日）补缴，期内不计滞纳金；尚未补缴 {} 元", iso(due_by), outstanding.round(2))
    )
    c.note(
        pl.format("已逾期 {} 天：自 {} 起按日加收万分之五滞纳金", overdue, iso(due_by.dt.offset_by("1d"))),
        when=(overdue > 0) & (outstanding > 0),
    )


@rule("henan.si_deferral_benefits_protected_2020")
def si_deferral_benefits_protected(c: Calc) -> None:
    p = "henan.si_deferral_benefits_protected_2020."
    months = c.p(p + "protected_fee_months")
    c.require(
        pl.col("employer_si_deferral_filed"),
        "所在单位已备案缓缴社会保险费",
        "所在单位未备案缓缴，不适用缓缴期间待遇保障",
        "缺少所在单位是否备案缓缴（person.employer_si_deferral_filed）",
    )
    c.period(months[0], months[1])
    c.note(
        pl.format(
            "缓缴期间（{} 至 {} 费款所属期）享受正常待遇，缓缴月份记为缓缴而非欠缴，不影响个人权益记录",
            pl.lit(months[0]),
            pl.lit(months[1]),
        )
    )


@rule("henan.late_registration_2020")
def late_registration(c: Calc) -> None:
    p = "henan.late_registration_2020."
    h.require_sme(c, c.p(p + "sme_sizes"), c.p(p + "sme_like_unit_types"))
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响", "未认定受疫情影响")
    # a late registration made (late_registration_on) shows the unit missed the registration in time
    missed = pl.coalesce(
        pl.col("registration_missed_due_to_epidemic"),
        pl.when(pl.col("late_registration_on").is_not_null()).then(pl.lit(True)),
    )
    c.require(
        missed,
        "因受疫情影响未能及时办理参保登记",
        "已按时办理参保登记（或未能及时办理并非因疫情），无需补办",
        "未说明是否因受疫情影响未能及时办理参保登记（enterprise.registration_missed_due_to_epidemic）",
        facts=("enterprise.registration_missed_due_to_epidemic",),
    )
    end = as_date(c.p("henan.epidemic_end_date"))
    if end is None:
        c.output("deadline", pl.lit(None, dtype=pl.String))
        c.note("疫情结束日期未设定（参数 henan.epidemic_end_date），补办窗口仍开放；补办时无需提供附加证明材料")
        return
    due = c.col("due_by", add_months(date_lit(end), c.p(p + "window_months")), "补办截止日（疫情结束后3个月）")
    done = pl.coalesce(pl.col("late_registration_on"), as_of_lit(c))
    c.require(
        done <= due,
        pl.format("在 {} 前补办参保登记，无需提供附加证明材料", iso(due)),
        pl.format("补办期限已于 {} 届满（疫情结束后3个月内）", iso(due)),
    )
    c.amount(days_between(as_of_lit(c), due), unit="days")
    c.output("deadline", iso(due))


@rule("henan.late_registration_late_fee_waiver_2020")
def late_registration_late_fee_waiver(c: Calc) -> None:
    p = "henan.late_registration_late_fee_waiver_2020."
    h.require_sme(c, c.p(p + "sme_sizes"), c.p(p + "sme_like_unit_types"))
    c.require(pl.col("flag_epidemic_affected"), "因受疫情影响未能及时办理参保登记而延迟缴费", "未认定受疫情影响")
    w_from, w_to = (as_date(v) for v in c.p(p + "waiver_window"))
    rate = float(c.p(p + "late_fee_daily_rate"))
    first_late = pl.col("due_date").dt.offset_by("1d")
    all_days = days_between(pl.col("due_date"), pl.col("paid_on")).clip(lower_bound=0)
    start = pl.max_horizontal(first_late, pl.lit(w_from))
    stop = pl.min_horizontal(pl.col("paid_on"), pl.lit(w_to))
    in_window = (days_between(start, stop) + 1).clip(lower_bound=0)
    rows = c.col("late_rows", c.aggregate("late_si_payments", pl.len(), default=0), "延迟补缴的费款笔数")
    c.require(rows > 0, None, "未提供因补办参保登记而延迟缴纳的费款（enterprise.late_si_payments）")
    total = c.col(
        "late_fee_total",
        c.aggregate("late_si_payments", (pl.col("amount") * rate * all_days).sum(), default=0.0),
        "按日万分之五计算的滞纳金合计",
    )
    waived = c.col(
        "late_fee_waived",
        c.aggregate("late_si_payments", (pl.col("amount") * rate * in_window).sum(), default=0.0),
        "2020-01-01至2020-06-30期间不计征的滞纳金",
    )
    c.amount(waived)
    c.period(w_from.isoformat(), w_to.isoformat())
    c.output("late_fee_charged", (total - waived).round(2))
    c.note(
        pl.format(
            "{} 至 {} 期间的滞纳金 {} 元不计征；期外逾期天数照常计征 {} 元",
            pl.lit(w_from.isoformat()),
            pl.lit(w_to.isoformat()),
            waived.round(2),
            (total - waived).round(2),
        )
    )


@rule("henan.si_overpayment_refund_2020")
def si_overpayment_refund(c: Calc) -> None:
    refund = c.col(
        "overcollected",
        c.aggregate(
            "si_stop_overcollections",
            pl.col("amount").sum(),
            where=month_index(pl.col("month")) >= month_index(pl.col("stop_month")),
            default=0.0,
        ),
        "应中断月份起多收的社会保险费",
    )
    months = c.col(
        "overcollected_months",
        c.aggregate(
            "si_stop_overcollections",
            pl.col("month").n_unique(),
            where=month_index(pl.col("month")) >= month_index(pl.col("stop_month")),
            default=0,
        ),
        "多收月份数",
    )
    c.require(
        refund > 0,
        pl.format("因未办理CA认证等原因未能及时网上中断，多收 {} 个月费款", months),
        "未见应中断之后多收的社会保险费（enterprise.si_stop_overcollections）",
    )
    c.amount(refund)
    c.note("多收的社会保险费应予及时退还")


@rule("henan.retirement_pension_back_pay_2020")
def retirement_pension_back_pay(c: Calc) -> None:
    c.require(
        pl.col("retirement_prevented_by_epidemic"),
        "因受疫情影响未能及时办理退休手续",
        "未说明因疫情影响未能及时办理退休（person.retirement.prevented_by_epidemic）",
        "缺少退休办理信息（person.retirement）",
    )
    birth = h.birth_date()
    reach = c.col(
        "retirement_reached_month",
        month_index_of(birth) + pl.col("retirement_age") * MONTHS_PER_YEAR,
        "达到法定退休年龄的月份",
    )
    start = reach + 1
    require_fact(
        c,
        start,
        missing="缺少身份证号码或法定退休年龄（person.id_number, person.retirement.age）",
        facts=("person.id_number", "person.retirement.age"),
    )
    regular = month_index(pl.col("retirement_processed_month")) + 1
    months = c.col("back_pay_months", (regular - start).clip(lower_bound=0), "补发月数")
    c.output("pension_start_month", month_of_index(start))
    c.output("back_pay_months", months)
    c.period(month_of_index(start), month_of_index(regular - 1))
    c.amount(months * pl.col("retirement_monthly_pension"))
    c.note(pl.format("经审核后自达到法定退休年龄次月（{}）起补发养老金，补发 {} 个月", month_of_index(start), months))
    c.note(
        "缺少月养老金数额（person.retirement.monthly_pension），补发金额待核定",
        when=pl.col("retirement_monthly_pension").is_null(),
    )


@rule("henan.no_layoff_ui_refund_2020")
def no_layoff_ui_refund(c: Calc) -> None:
    p = "henan.no_layoff_ui_refund_2020."
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响的参保企业", "未认定受疫情影响")
    headcount = c.col(
        "insured_2019_12",
        c.month_value("insured", c.p(p + "headcount_month"), "headcount"),
        "2019年12月参加失业保险职工人数",
    )
    rate = c.col("layoff_rate", layoff_rate(c, c.p(p + "base_month"), c.p(p + "headcount_month")), "裁员率")
    limit = c.col(
        "layoff_rate_limit",
        pl.when(headcount <= c.p(p + "small_unit_max_insured"))
        .then(pl.lit(c.p(p + "small_unit_max_layoff_rate")))
        .otherwise(pl.lit(c.p(p + "max_layoff_rate"))),
        "不裁员或少裁员的裁员率上限（本系统的解读）",
    )
    c.require(
        rate <= limit,
        pl.format("坚持不裁员或少裁员（裁员率 {}% 不高于 {}%）", (rate * 100).round(2), (limit * 100).round(2)),
        pl.format("裁员率 {}% 高于 {}%，不属于不裁员或少裁员", (rate * 100).round(2), (limit * 100).round(2)),
        "缺少计算裁员率所需的 2018-12、2019-12 参保人数或 2019 年自然减员人数",
    )
    c.output("layoff_rate", rate.round(6))
    window = month_range(*c.p(p + "base_fee_months"))
    present = c.col(
        "ui_months_2019",
        c.aggregate(
            "contributions",
            pl.col("month").n_unique(),
            where=(pl.col("insurance") == "unemployment") & pl.col("month").is_in(window),
            default=0,
        ),
        "2019年有失业保险缴费记录的月数",
    )
    c.require(present > 0, None, "缺少2019年失业保险缴费记录（enterprise.contributions）")
    paid = c.col(
        "ui_paid_2019",
        c.sum_contributions(["unemployment"], (window[0], window[-1]), pl.col("employer_paid")),
        "2019年度实际缴纳失业保险费（单位部分）",
    )
    share = c.p(p + "refund_share")
    c.amount(paid * share)
    c.period(window[0], window[-1])
    c.output("exclusive_with", pl.lit("henan.stable_job_refund_2020"))
    c.note(pl.format("返还上年度实际缴纳失业保险费 {} 元的 {}%", paid.round(2), pl.lit(share * 100)))
    c.note(pl.format("2019年仅有 {} 个月缴费记录，其余月份未计入", present), when=present < len(window))
    c.note("与中小微企业应急稳岗返还（henan.stable_job_refund_2020）同一年度择一享受")


@rule("henan.hiring_subsidy_2020")
def hiring_subsidy(c: Calc) -> None:
    p = "henan.hiring_subsidy_2020."
    c.require(
        pl.col("flag_epidemic_supplies_producer"),
        "防控疫情期间开工生产、配送疫情防控急需物资的企业",
        "未经认定为防控疫情期间开工生产、配送疫情防控急需物资的企业",
    )
    hires = c.col(
        "qualifying_hires",
        pl.col("hiring_subsidy_qualifying_hires"),
        "吸纳登记失业半年以上人员或离校两年内未就业高校毕业生（签1年以上合同并缴社保）人数",
    )
    c.require(
        hires >= 1,
        pl.format("吸纳符合条件人员 {} 人", hires),
        "未吸纳登记失业半年以上人员或离校两年内未就业高校毕业生（1年以上劳动合同并缴纳社保）",
        "缺少符合条件的吸纳人数（enterprise.hiring_subsidy_qualifying_hires）",
    )
    h.per_person_standard(c, p + "per_person", hires, "一次性吸纳就业补贴 {} 人 × {} 元")


@rule("henan.si_post_subsidy_extension_2020")
def si_post_subsidy_extension(c: Calc) -> None:
    p = "henan.si_post_subsidy_extension_2020."
    ref = as_date(c.p(p + "reference_date"))
    new_end = as_date(c.p(p + "extended_end"))
    start = month_index(pl.col("si_subsidy_start_month"))
    end = pl.col("si_subsidy_original_end")
    require_fact(
        c,
        pl.col("si_subsidy_kind"),
        missing="缺少社会保险补贴或岗位补贴信息（person.si_subsidy）",
        facts=("person.si_subsidy",),
    )
    c.require(
        (start <= month_number_of(ref)) & (end >= pl.lit(ref)),
        pl.format("{} 正在享受补贴", pl.lit(ref.isoformat())),
        pl.format("{} 未在享受社会保险补贴或岗位补贴", pl.lit(ref.isoformat())),
        "缺少补贴原到期日（person.si_subsidy.original_end）",
    )
    c.require(
        end < pl.lit(new_end),
        pl.format("原到期日 {} 早于 {}，延长至 {}", iso(end), pl.lit(new_end.isoformat()), pl.lit(new_end.isoformat())),
        pl.format("原到期日 {} 不早于 {}，无需延长", iso(end), pl.lit(new_end.isoformat())),
    )
    c.amount(days_between(end, pl.lit(new_end)), unit="days")
    c.output("deadline", pl.lit(new_end.isoformat()))
    c.output("extended_months", month_number_of(new_end) - month_index_of(end))


def _extension_latest(c: Calc) -> pl.Expr:
    n = int(c.p("henan.guaranteed_loan_extension_application_deadline_2020.working_days_before_maturity"))
    return c.col(
        "latest_application_date",
        h.working_days_before(pl.col("guaranteed_loan_maturity_date"), n),
        "最迟申请日（贷款到期7个工作日前）",
    )


@rule("henan.guaranteed_loan_extension_application_deadline_2020")
def guaranteed_loan_extension_application_deadline(c: Calc) -> None:
    require_fact(
        c,
        pl.col("guaranteed_loan_maturity_date"),
        missing="缺少创业担保贷款到期日（guaranteed_loan.maturity_date）",
        facts=("person.guaranteed_loan.maturity_date",),
    )
    latest = _extension_latest(c)
    years = covered_years()
    c.require(latest.is_not_null(), None, f"到期日超出工作日日历覆盖年份（{years.start}–{years.stop - 1}），无法推算")
    applied = pl.coalesce(pl.col("guaranteed_loan_extension_applied_on"), as_of_lit(c))
    c.require(
        applied <= latest,
        pl.format("应在 {} 前（含）向经办银行提交展期申请", iso(latest)),
        pl.format("展期申请应在贷款到期7个工作日前（{}）提交，已逾期", iso(latest)),
    )
    c.output("deadline", iso(latest))
    c.output("timely", pl.col("guaranteed_loan_extension_applied_on") <= latest)


@rule("henan.guaranteed_loan_extension_2020")
def guaranteed_loan_extension(c: Calc) -> None:
    p = "henan.guaranteed_loan_extension_2020."
    c.require(
        pl.col("guaranteed_loan_repayment_difficulty"),
        "受疫情影响还贷困难",
        "未说明受疫情影响还贷困难",
        "缺少创业担保贷款信息（guaranteed_loan）",
    )
    latest = _extension_latest(c)
    c.require(
        pl.col("guaranteed_loan_extension_applied_on") <= latest,
        pl.format("已于到期7个工作日前（{}）提交展期申请", iso(latest)),
        pl.format("展期申请晚于到期7个工作日前（{}）", iso(latest)),
        "缺少展期申请日期（guaranteed_loan.extension_applied_on）或到期日超出日历年份",
    )
    cap = int(c.p(p + "max_extension_months"))
    months = c.col(
        "extension_months",
        pl.min_horizontal(pl.col("guaranteed_loan_extension_months_requested").fill_null(cap), pl.lit(cap)),
        "展期月数（原则上不超过1年）",
    )
    new_maturity = add_months(pl.col("guaranteed_loan_maturity_date"), months)
    c.output("extension_months", months)
    c.output("deadline", iso(new_maturity))
    c.output("interest_subsidy", pl.lit(bool(c.p(p + "interest_subsidy_continues"))))
    c.note(
        pl.format(
            "可申请展期 {} 个月至 {}，经经办银行与担保机构调查审核后办理；展期内财政继续贴息", months, iso(new_maturity)
        )
    )


@rule("henan.project_training_advance_2020")
def project_training_advance(c: Calc) -> None:
    p = "henan.project_training_advance_2020."
    c.require(
        pl.col("flag_epidemic_affected") & pl.col("flag_severe_difficulty"),
        "受疫情影响的困难企业",
        "未认定为受疫情影响的困难企业（须 epidemic_affected 与 severe_difficulty）",
    )
    total = c.col(
        "project_training_subsidy_total", pl.col("project_training_subsidy_total"), "核定的项目制培训补贴总额 T"
    )
    c.require(total > 0, None, "缺少核定的项目制培训补贴总额（enterprise.project_training_subsidy_total）")
    share = c.p(p + "advance_share")
    c.amount(total * share)
    c.note(
        pl.format(
            "由所在地财政部门从职业技能提升行动专项资金先行支付 {}%（{} 元中的预付部分），余款结业后按规定结算",
            pl.lit(share * 100),
            total.round(2),
        )
    )


@rule("henan.internet_plus_startup_training_subsidy_2020")
def internet_plus_startup_training_subsidy(c: Calc) -> None:
    p = "henan.internet_plus_startup_training_subsidy_2020."
    c.require(
        (pl.col("training_course_mode") == "online") & (pl.col("training_course_type") == "startup"),
        "“互联网+”创业培训（线上）纳入职业培训补贴范围",
        "非“互联网+”线上创业培训",
        "缺少培训信息（person.training_course）",
    )
    c.require(pl.col("training_course_completed"), "已通过线上结业考核", "尚未通过线上结业考核")
    standard = c.p(p + "standard")
    if standard is None:
        h.null_amount(c, p + "standard")
    else:
        c.amount(pl.lit(float(standard)))
        c.note(pl.format("补贴标准比照线下创业培训：{} 元/人", pl.lit(standard)))


@rule("henan.internet_plus_skills_training_subsidy_2020")
def internet_plus_skills_training_subsidy(c: Calc) -> None:
    p = "henan.internet_plus_skills_training_subsidy_2020."
    c.require(
        (pl.col("training_course_mode") == "online") & (pl.col("training_course_type") == "skills"),
        "“互联网+”职业技能培训（线上）",
        "非“互联网+”线上职业技能培训",
        "缺少培训信息（person.training_course）",
    )
    platforms = c.p(p + "recognised_platforms")
    c.require(
        pl.col("training_course_platform").is_in(platforms),
        pl.format("依托{}开展线上职业技能培训，纳入政策补贴范围", pl.col("training_course_platform")),
        pl.format("培训平台“{}”不在认可的线上培训平台名单内", pl.col("training_course_platform")),
        "缺少培训平台（person.training_course.platform）",
    )
    c.note("补贴标准与线下职业技能培训相同；线上培训得分计入理论知识学分")


# The same extension for a small or micro enterprise that borrowed (same columns on the enterprise).
rule("henan.guaranteed_loan_extension_2020_enterprise")(guaranteed_loan_extension)
rule("henan.guaranteed_loan_extension_application_deadline_2020_enterprise")(
    guaranteed_loan_extension_application_deadline
)
