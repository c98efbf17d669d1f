"""新密政〔2020〕4号 — Xinmi's measures for stable employment: 稳岗返还 at the
Zhengzhou benefit standard, and 创业担保贷款 limits."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from renshe.engine.calc import (
    MONTHS_PER_YEAR,
    Calc,
    add_months,
    days_between,
    last_day_of,
    month_index,
    month_index_of,
    month_number,
    month_number_of,
    month_of_index,
)
from renshe.engine.case import Date, Facts, Money, Month, MonthCount, MonthsAtLeastOne, Persons, Rate, Span, Strict
from renshe.engine.rules import rule
from renshe.policies.cn._helpers import medical_due_net_of_halving
from renshe.policies.common import as_date, as_of_lit, has_group, iso, known, require_fact
from renshe.policies.loans import enterprise_hiring_condition, limit_by_applicant

# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
Level = Literal["municipal", "provincial", "national"]


class MedicalDeferral(Strict):  # xinmi.medical_deferral_2020
    start_month: Month
    months: MonthsAtLeastOne


class GuarantorActivity(Strict):  # xinmi.guarantee_agency_award_2020
    small_micro_volume: Money
    previous_small_micro_volume: Money
    fee_rate: Rate
    previous_fee_rate: Rate


class Incubatee(Strict):  # xinmi.incubation_result_subsidy
    name: str | None = None
    operating_months: MonthCount
    jobs: Persons
    years_subsidised: MonthCount = 0


class TaxReliefHire(Strict):  # xinmi.hiring_tax_deduction
    group: Literal["registered_poor", "registered_unemployed"]
    unemployed_months: MonthCount | None = None
    certificate: bool = False
    contract_years: Span
    si_start_month: Month


class HardToEmploySiPaid(Strict):  # xinmi.employer_hard_to_employ_si_subsidy_2020
    employee: str | None = None
    subsidy_start: Month
    month: Month
    employer_paid: Money
    retirement_month: Month | None = None
    labour_contract: bool = True


class GraduateSiPaid(Strict):  # xinmi.graduate_hiring_si_subsidy_2020
    employee: str | None = None
    hired_month: Month
    month: Month
    employer_paid: Money
    contract_years: Span
    graduating_year_or_registered_unemployed: bool = True


class Internship(Strict):  # xinmi.internship_eligibility_2020
    start: Date
    months: MonthCount


class OwnBusiness(Strict):  # xinmi.startup_subsidy_2020, xinmi.self_employment_tax_deduction
    kind: Literal["individual_business", "enterprise"]
    registered_on: Date
    first_business: bool = True
    operating_normally: bool = True
    taxes_due_year: Money | None = None


class PostponedFormality(Strict):  # xinmi.employment_service_postponement_2020
    original_deadline: Date
    completed_on: Date | None = None
    prevented_by_epidemic: bool = False


class EnterpriseFacts(Facts, entity="enterprise"):
    self_funded_institution: bool = False  # xinmi.medical_deferral_2020 (自收自支事业单位)
    medical_deferral: MedicalDeferral | None = None  # xinmi.medical_deferral_2020
    onjob_training_end_date: Date | None = None  # xinmi.onjob_training_subsidy_extension_2020
    high_tech_certified: bool = False  # xinmi.high_tech_cit_rate_2020
    guarantor: GuarantorActivity | None = None  # xinmi.guarantee_agency_award_2020
    new_business_form: bool = False  # xinmi.new_business_form_hiring_2020
    graduates_hard_to_employ_hired: Persons | None = None  # xinmi.new_business_form_hiring_2020
    interns_completed: Persons | None = None  # xinmi.internship_subsidy_2020
    intern_months_completed: Persons | None = None  # xinmi.internship_subsidy_2020
    internship_base_level: Level | None = None  # xinmi.internship_base_award
    incubator_level: Level | None = None  # xinmi.incubation_result_subsidy
    incubator_demonstration_level: Level | None = None  # xinmi.incubation_base_award
    incubatees: list[Incubatee] = Field(default_factory=list)  # xinmi.incubation_result_subsidy
    tax_relief_hires: list[TaxReliefHire] = Field(default_factory=list)  # xinmi.hiring_tax_deduction
    hiring_taxes_due_year: Money | None = None  # xinmi.hiring_tax_deduction
    certified_trainees: Persons | None = None  # xinmi.enterprise_training_subsidy_2020
    hard_to_employ_si_paid: list[HardToEmploySiPaid] = Field(
        default_factory=list
    )  # xinmi.employer_hard_to_employ_si_subsidy_2020
    graduate_si_paid: list[GraduateSiPaid] = Field(default_factory=list)  # xinmi.graduate_hiring_si_subsidy_2020


class PersonFacts(Facts, entity="person"):
    graduated_on: Date | None = None  # xinmi.internship_eligibility_2020, job_search_subsidy, startup_subsidy
    internship: Internship | None = None  # xinmi.internship_eligibility_2020
    own_business: OwnBusiness | None = None  # xinmi.startup_subsidy_2020, xinmi.self_employment_tax_deduction
    si_paid_as_individual: dict[Month, Money] = Field(default_factory=dict)  # xinmi.flexible_employment_si_subsidy_2020
    postponed_formality: PostponedFormality | None = None  # xinmi.employment_service_postponement_2020


class AgencyFacts(Facts, entity="agency"):
    new_guaranteed_loans_total: Money | None = None  # xinmi.guaranteed_loan_operator_award_2020


@rule("xinmi.stable_job_refund_2020")
def stable_job_refund(c: Calc) -> None:
    p = "xinmi.stable_job_refund_2020."
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响较大或暂时性生产经营困难企业", "未认定受疫情影响")
    c.require(~pl.col("flag_receives_job_stabilisation_subsidy"), "未享受稳岗补贴", "已享受稳岗补贴，不得同时享受")
    headcount = c.col(
        "insured_2019_12",
        c.month_value("insured", c.p(p + "headcount_month"), "headcount"),
        "2019年12月失业保险缴费人数",
    )
    require_fact(
        c, headcount, missing="缺少 2019-12 失业保险缴费人数（enterprise.insured）", facts=("enterprise.insured",)
    )
    months, benefit = c.p(p + "months"), c.p(p + "benefit_monthly")
    c.amount(headcount * months * benefit)
    c.note(
        pl.format(
            "{} 人 × {} 个月 × {} 元（郑州市失业保险金标准），一次性返还，每户每年一次",
            headcount,
            pl.lit(months),
            pl.lit(benefit),
        )
    )


@rule("xinmi.guaranteed_loan_limit")
def guaranteed_loan_limit(c: Calc) -> None:
    p = "xinmi.guaranteed_loan_limit."
    enterprise_ok = enterprise_hiring_condition(
        c,
        c.p(p + "enterprise_sizes"),
        c.p(p + "hire_share"),
        c.p(p + "hire_share_large_workforce"),
        c.p(p + "large_workforce_above"),
    )
    limit_by_applicant(
        c,
        {
            "individual": pl.lit(float(c.p(p + "individual"))),
            "partnership": pl.lit(float(c.p(p + "partnership"))),
            "enterprise": pl.lit(float(c.p(p + "enterprise"))),
        },
        enterprise_ok,
    )


# ---- the other measures of 新密政〔2020〕4号 ---------------------------------------------------
import datetime as dt  # noqa: E402
from fractions import Fraction  # noqa: E402

from renshe.policies import common as h  # noqa: E402


def _has(group: str) -> pl.Expr:
    return pl.col("groups").list.contains(group).fill_null(False)


def _tax_year_months(c: Calc, start: pl.Expr, duration: int) -> pl.Expr:
    """Months of the tax year (the year of as_of) inside [start, start + duration − 1] (month indices)."""
    year = c.params.as_of.year
    first, last = year * MONTHS_PER_YEAR, (year + 1) * MONTHS_PER_YEAR - 1
    lo = pl.max_horizontal(start, pl.lit(first))
    hi = pl.min_horizontal(start + duration - 1, pl.lit(last))
    return (hi - lo + 1).clip(lower_bound=0)


def _level_amount(c: Calc, column: str, p: str, what: str) -> None:
    level = pl.col(column)
    amounts = {"provincial": float(c.p(p + "award_provincial")), "national": float(c.p(p + "award_national"))}
    names = {"provincial": "省级", "national": "国家级", "municipal": "郑州市级"}
    c.require(
        level.is_in(list(amounts)),
        pl.format("被评为{}示范{}", level.replace_strict(names, default=""), pl.lit(what)),
        pl.format("认定级别为{}，不在一次性奖补范围（省级或国家级示范基地）", level.replace_strict(names, default="")),
        f"缺少示范{what}认定级别",
    )
    c.amount(level.replace_strict(amounts, default=None, return_dtype=pl.Float64))
    c.note("一次性奖补，由省政府给予（每次认定一次）")


def _si_subsidy_end(c: Calc) -> pl.Expr:
    """Last month (index) of a hard-to-employ person's SI subsidy: start + 35, or the month of
    reaching retirement age when that is less than 5 years after the start."""
    p = "xinmi.si_subsidy_period_2020."
    start = month_index(pl.col("si_subsidy_start_month"))
    retire = month_index_of(h.birth_date()) + pl.col("si_subsidy_retirement_age") * MONTHS_PER_YEAR
    near = (retire - start) < c.p(p + "near_retirement_years") * MONTHS_PER_YEAR
    return pl.when(near.fill_null(False)).then(retire).otherwise(start + c.p(p + "max_months") - 1)


@rule("xinmi.medical_deferral_2020")
def medical_deferral(c: Calc) -> None:
    p = "xinmi.medical_deferral_2020."
    c.require(
        pl.col("flag_severe_difficulty"), "受疫情影响生产经营出现严重困难", "未认定受疫情影响生产经营出现严重困难"
    )
    unit_ok = pl.col("unit_type").is_in(c.p(p + "unit_types")) | (
        (pl.col("unit_type") == "public_institution") & pl.col("self_funded_institution")
    )
    c.require(
        unit_ok,
        "企业（含自收自支事业单位）",
        pl.format("单位类型 {} 不在缓缴范围（企业及自收自支事业单位）", pl.col("unit_type")),
    )
    s = c.col("deferral_start_idx", month_index(pl.col("medical_deferral_start_month")), "缓缴起始费款所属期（月序）")
    n = pl.col("medical_deferral_months")
    end = c.col("deferral_end_idx", s + n - 1, "缓缴最后一个费款所属期（月序）")
    require_fact(
        c,
        s,
        missing="缺少缓缴申请（enterprise.medical_deferral: start_month, months）",
        facts=("enterprise.medical_deferral",),
    )
    earliest, latest = c.p(p + "earliest_start"), as_date(c.p(p + "latest_end"))
    max_n = c.p(p + "max_months")
    c.require(
        s >= month_number(earliest),
        None,
        pl.format("缓缴起始月 {} 早于 {}", pl.col("medical_deferral_start_month"), pl.lit(earliest)),
    )
    c.require(
        n <= max_n,
        pl.format("连续缓缴 {} 个月（最长不超过 {} 个月）", n, pl.lit(max_n)),
        pl.format("缓缴 {} 个月，超过最长 {} 个月", n, pl.lit(max_n)),
    )
    c.require(
        end <= month_number_of(latest),
        None,
        pl.format("缓缴期至 {}，超过执行期 {}", month_of_index(end), pl.lit(latest.isoformat())),
    )
    months = month_index(pl.col("month"))
    # the halved half (医保发〔2020〕6号) is exempt, not deferred: money exempt is never also owed later
    net = medical_due_net_of_halving(c)
    amount = c.col(
        "medical_deferred",
        c.aggregate(
            "contributions",
            net.sum(),
            uses=("deferral_start_idx", "deferral_end_idx", "halving_from", "halving_to"),
            where=(pl.col("insurance") == "medical")
            & (months >= pl.col("deferral_start_idx"))
            & (months <= pl.col("deferral_end_idx")),
            default=0.0,
        ),
        "缓缴月份职工医保单位缴费合计（减征部分不计入）",
    )
    due = last_day_of(end)
    c.amount(amount)
    c.period(pl.col("medical_deferral_start_month"), month_of_index(end))
    c.output("deadline", iso(due))
    c.note(
        pl.format(
            "缓缴 {} 至 {} 职工医保单位缴费 {} 元，缓缴期间免收滞纳金，于 {} 前补缴",
            pl.col("medical_deferral_start_month"),
            month_of_index(end),
            amount.round(2),
            iso(due),
        )
    )


@rule("xinmi.onjob_training_subsidy_extension_2020")
def onjob_training_subsidy_extension(c: Calc) -> None:
    p = "xinmi.onjob_training_subsidy_extension_2020."
    end = as_date(c.p(p + "policy_end"))
    c.require(pl.col("flag_severe_difficulty"), "困难企业（受疫情影响生产经营出现严重困难）", "未认定为困难企业")
    held = pl.coalesce(pl.col("onjob_training_end_date"), as_of_lit(c))
    c.require(
        held <= pl.lit(end),
        pl.format("在岗培训于 {} 前结束并申请，可享受在岗培训补贴", pl.lit(end.isoformat())),
        pl.format("培训结束日 {} 晚于政策实施期限 {}", iso(held), pl.lit(end.isoformat())),
    )
    c.output("deadline", pl.lit(end.isoformat()))
    c.amount(days_between(as_of_lit(c), pl.lit(end)), unit="days")
    c.note("补贴标准按省、郑州市培训补贴规定执行")


@rule("xinmi.high_tech_cit_rate_2020")
def high_tech_cit_rate(c: Calc) -> None:
    rate = c.p("xinmi.high_tech_cit_rate_2020.rate")
    c.require(
        pl.col("high_tech_certified"), "经认定的高新技术企业", "未认定为高新技术企业（enterprise.high_tech_certified）"
    )
    c.amount(pl.lit(float(rate)), unit="percent")
    c.note(pl.format("减按 {}% 税率征收企业所得税（由税务部门执行）", pl.lit(rate)))


@rule("xinmi.guarantee_agency_award_2020")
def guarantee_agency_award(c: Calc) -> None:
    p = "xinmi.guarantee_agency_award_2020."
    c.require(
        pl.col("guarantor_small_micro_volume") > pl.col("guarantor_previous_small_micro_volume"),
        "扩大了小微企业融资担保业务规模",
        "小微企业融资担保业务规模未扩大",
        "缺少融资担保业务数据（enterprise.guarantor）",
    )
    c.require(
        pl.col("guarantor_fee_rate") < pl.col("guarantor_previous_fee_rate"),
        "降低了小微企业融资担保费率",
        "小微企业融资担保费率未降低",
        "缺少融资担保费率（enterprise.guarantor）",
    )
    award = c.p(p + "award")
    if award is None:
        h.null_amount(c, p + "award")
    else:
        c.amount(pl.lit(float(award)))
    c.note("降费奖补和风险代偿按市财政规定核定")


@rule("xinmi.new_business_form_hiring_2020")
def new_business_form_hiring(c: Calc) -> None:
    c.require(
        pl.col("new_business_form"),
        "新兴业态企业（平台经济、众包经济、分享经济等）",
        "非新兴业态企业（enterprise.new_business_form）",
    )
    hired = pl.col("graduates_hard_to_employ_hired")
    c.require(
        hired >= 1,
        pl.format("吸纳高校毕业生、就业困难人员 {} 人", hired),
        "未吸纳高校毕业生或就业困难人员",
        "缺少吸纳高校毕业生、就业困难人员人数（enterprise.graduates_hard_to_employ_hired）",
    )
    c.note(
        "按规定落实相关补贴：见 xinmi.employer_hard_to_employ_si_subsidy_2020、xinmi.graduate_hiring_si_subsidy_2020"
    )


@rule("xinmi.internship_eligibility_2020")
def internship_eligibility(c: Calc) -> None:
    p = "xinmi.internship_eligibility_2020."
    start = pl.col("internship_start")
    require_fact(c, start, missing="缺少见习信息（person.internship: start, months）", facts=("person.internship",))
    graduate = (
        _has("college_graduate")
        & ~_has("employed")
        & (start <= pl.col("graduated_on").dt.offset_by(f"{c.p(p + 'max_years_since_leaving_school')}y"))
    )
    birth = h.birth_date()
    youth = (
        _has("unemployed")
        & (start >= birth.dt.offset_by(f"{c.p(p + 'min_age')}y"))
        & (start < birth.dt.offset_by(f"{c.p(p + 'max_age') + 1}y"))
    )
    graduate, youth = graduate.fill_null(False), youth.fill_null(False)
    c.require(
        graduate | youth,
        pl.when(graduate).then(pl.lit("离校2年内未就业高校毕业生")).otherwise(pl.lit("16至24岁失业青年")),
        "既非离校2年内未就业高校毕业生（groups: college_graduate，graduated_on），也非16至24岁失业青年"
        "（groups: unemployed）",
    )
    lo, hi = c.p(p + "min_internship_months"), c.p(p + "max_internship_months")
    m = pl.col("internship_months")
    c.require(
        (m >= lo) & (m <= hi),
        pl.format("见习期 {} 个月（3至12个月）", m),
        pl.format("见习期 {} 个月，不在 {} 至 {} 个月之间", m, pl.lit(lo), pl.lit(hi)),
    )


@rule("xinmi.internship_subsidy_2020")
def internship_subsidy(c: Calc) -> None:
    p = "xinmi.internship_subsidy_2020."
    done = pl.col("interns_completed")
    months = c.col("intern_months", pl.col("intern_months_completed"), "完成见习人员的见习月数合计")
    c.require(
        (done >= 1) & (months > 0),
        pl.format("完成见习 {} 人、合计 {} 个月", done, months),
        "无完成见习的人员",
        "缺少完成见习人数和月数（enterprise.interns_completed, intern_months_completed）",
    )
    h.per_person_standard(c, p + "monthly", months, "{} 人月 × {} 元")
    c.note("补贴用于见习人员基本生活费、人身意外伤害保险、指导管理费用及见习工作经费")


@rule("xinmi.internship_base_award")
def internship_base_award(c: Calc) -> None:
    _level_amount(c, "internship_base_level", "xinmi.internship_base_award.", "就业见习基地")


@rule("xinmi.residence_as_business_premises_2020")
def residence_as_business_premises(c: Calc) -> None:
    sizes = c.p("xinmi.residence_as_business_premises_2020.sizes")
    c.require(
        pl.col("size").is_in(sizes),
        pl.format("小微企业（{}）可依法将住宅、公寓登记为营业场所（申报承诺制）", pl.col("size")),
        pl.format("企业划型为 {}，非小微企业", pl.col("size")),
        "未能划型，无法确认小微企业条件",
    )


@rule("xinmi.residence_as_business_premises_2020_freelancer")
def residence_as_business_premises_freelancer(c: Calc) -> None:
    c.require(
        _has("freelancer"),
        "自由职业者可依法将住宅、公寓登记为营业场所（申报承诺制）",
        "非自由职业者（person.groups: freelancer）",
    )


@rule("xinmi.incubation_base_award")
def incubation_base_award(c: Calc) -> None:
    _level_amount(c, "incubator_demonstration_level", "xinmi.incubation_base_award.", "创业孵化基地")


@rule("xinmi.incubation_result_subsidy")
def incubation_result_subsidy(c: Calc) -> None:
    p = "xinmi.incubation_result_subsidy."
    c.require(
        pl.col("incubator_level").is_in(c.p(p + "levels")),
        "郑州市级以上创业孵化基地、新型孵化平台",
        "孵化基地未经郑州市级以上认定",
        "缺少孵化基地认定级别（enterprise.incubator_level）",
    )
    ok = (
        (pl.col("operating_months") >= c.p(p + "min_operating_months"))
        & (pl.col("jobs") >= c.p(p + "min_jobs"))
        & (pl.col("years_subsidised") < c.p(p + "max_years"))
    )
    n = c.col(
        "qualifying_incubatees",
        c.aggregate("incubatees", ok.sum(), default=0),
        "运营满1年、带动3人以上就业且补贴未满2年的孵化企业户数",
    )
    c.require(
        n >= 1,
        pl.format("符合条件的孵化企业 {} 户", n),
        "无运营满1年并带动3人以上就业的孵化企业（enterprise.incubatees）",
    )
    per = min(float(c.p(p + "standard")), float(c.p(p + "cap_per_incubatee_year")))
    c.amount(n * per)
    c.note(pl.format("{} 户 × {} 元（每户每年不高于1万元，最长2年）", n, pl.lit(per)))


@rule("xinmi.guaranteed_loan_operator_award_2020")
def guaranteed_loan_operator_award(c: Calc) -> None:
    share = c.p("xinmi.guaranteed_loan_operator_award_2020.award_share")
    total = c.col("new_loans_total", pl.col("new_guaranteed_loans_total"), "当年新发放创业担保贷款总额")
    c.require(
        total > 0,
        pl.format("当年新发放创业担保贷款 {} 元", total.round(2)),
        "当年无新发放创业担保贷款",
        "缺少当年新发放创业担保贷款总额（agency.new_guaranteed_loans_total）",
    )
    c.amount(total * share)
    c.note(pl.format("按新发放总额的 {}% 奖补", pl.lit(share * 100)))


@rule("xinmi.self_employment_tax_deduction")
def self_employment_tax_deduction(c: Calc) -> None:
    p = "xinmi.self_employment_tax_deduction."
    c.require(
        has_group(c.p(p + "groups")),
        "建档立卡贫困人口或持注明“自主创业税收政策”的《就业创业证》/《就业失业登记证》",
        "非建档立卡贫困人口，也未持注明“自主创业税收政策”的证件（groups: registered_poor / startup_tax_certificate）",
    )
    c.require(
        pl.col("own_business_kind") == "individual_business",
        "从事个体经营",
        "未从事个体经营",
        "缺少个体经营登记信息（person.own_business）",
    )
    duration = int(c.p(p + "duration_months"))
    start = month_index_of(pl.col("own_business_registered_on"))
    months = c.col("months_in_tax_year", _tax_year_months(c, start, duration), "本纳税年度在3年期内的月数")
    c.require(months > 0, None, pl.format("{} 年不在自登记当月起3年的享受期内", pl.lit(c.params.as_of.year)))
    cap = c.col("annual_cap", months * c.p(p + "annual_cap") / MONTHS_PER_YEAR, "本年扣减限额（12000元×月数/12）")
    taxes = pl.col("own_business_taxes_due_year")
    c.amount(pl.when(taxes.is_null()).then(cap).otherwise(pl.min_horizontal(cap, taxes)))
    c.period(month_of_index(start), month_of_index(start + duration - 1))
    c.note(
        pl.format(
            "{} 年可扣减限额 {} 元，依次扣减增值税、城市维护建设税、教育费附加、地方教育附加和个人所得税",
            pl.lit(c.params.as_of.year),
            cap.round(2),
        )
    )
    c.note("未提供当年应纳税额（own_business.taxes_due_year），金额为限额", when=taxes.is_null())


@rule("xinmi.hiring_tax_deduction")
def hiring_tax_deduction(c: Calc) -> None:
    p = "xinmi.hiring_tax_deduction."
    duration = int(c.p(p + "duration_months"))
    qualifies = (
        (pl.col("group") == "registered_poor")
        | (
            (pl.col("group") == "registered_unemployed")
            & (pl.col("unemployed_months") >= c.p(p + "min_registered_unemployed_months"))
            & pl.col("certificate")
        )
    ) & (pl.col("contract_years") >= c.p(p + "min_contract_years"))
    year = c.params.as_of.year
    start = month_index(pl.col("si_start_month"))
    lo = pl.max_horizontal(start, pl.lit(year * MONTHS_PER_YEAR))
    hi = pl.min_horizontal(start + duration - 1, pl.lit((year + 1) * MONTHS_PER_YEAR - 1))
    months = (hi - lo + 1).clip(lower_bound=0)
    hires = c.col(
        "qualifying_hires",
        c.aggregate("tax_relief_hires", (qualifies & (months > 0)).sum(), default=0),
        "本年在享受期内的符合条件招用人数",
    )
    c.require(
        hires >= 1,
        pl.format("招用符合条件人员 {} 人", hires),
        "无符合条件的招用人员（建档立卡贫困人口，或登记失业半年以上持证人员，签1年以上合同并缴社保）",
    )
    cap = c.col(
        "annual_cap",
        c.aggregate("tax_relief_hires", (pl.when(qualifies).then(months).otherwise(0)).sum(), default=0)
        * c.p(p + "per_person_per_year")
        / MONTHS_PER_YEAR,
        "本年定额扣减限额",
    )
    taxes = pl.col("hiring_taxes_due_year")
    c.amount(pl.when(taxes.is_null()).then(cap).otherwise(pl.min_horizontal(cap, taxes)))
    c.note(
        pl.format(
            "{} 年按每人每年6000元（按月折算）可扣减 {} 元，依次扣减增值税、城市维护建设税、教育费附加、"
            "地方教育附加和企业所得税",
            pl.lit(year),
            cap.round(2),
        )
    )
    c.note("未提供当年应纳税额（enterprise.hiring_taxes_due_year），金额为限额", when=taxes.is_null())


@rule("xinmi.job_search_subsidy_2020")
def job_search_subsidy(c: Calc) -> None:
    p = "xinmi.job_search_subsidy_2020."
    c.require(
        _has("college_graduate") & (pl.col("graduated_on").dt.year() == c.params.as_of.year),
        "毕业年度高校毕业生",
        "非毕业年度高校毕业生（groups: college_graduate，graduated_on 须在测算年度）",
    )
    c.require(
        has_group(c.p(p + "hardship_groups")),
        "属低保家庭、贫困残疾人家庭、建档立卡贫困家庭、残疾、获得国家助学贷款或特困人员之一",
        "不属于规定的困难情形",
    )
    amount = c.p(p + "amount_per_person")
    c.amount(pl.lit(float(amount)))
    c.note("一次性求职创业补贴（可选其中一种困难情形申领一次），离校前拨付本人账户")


@rule("xinmi.startup_subsidy_2020")
def startup_subsidy(c: Calc) -> None:
    p = "xinmi.startup_subsidy_2020."
    years = c.p(p + "max_years_since_graduation")
    reg = pl.col("own_business_registered_on")
    recent = (reg <= pl.col("graduated_on").dt.offset_by(f"{years}y")).fill_null(False)
    group = has_group(c.p(p + "groups_any")) | (has_group(c.p(p + "groups_recent_graduates")) & recent)
    c.require(
        group,
        "属我市大中专学生（毕业5年内）、就业困难人员、贫困劳动力或返乡农民工",
        "不属于规定人员（在校学生、毕业5年内毕业生或留学回国人员、就业困难人员、贫困劳动力、返乡农民工）",
    )
    c.require(
        pl.col("own_business_first_business"),
        "首次创办企业或从事个体经营",
        "非首次创业",
        "缺少创业信息（person.own_business）",
    )
    c.require(pl.col("own_business_operating_normally"), None, "未正常经营")
    ready = reg.dt.offset_by(f"{c.p(p + 'min_operating_years')}y")
    c.require(
        ready <= as_of_lit(c),
        pl.format("自 {} 登记注册起正常经营1年以上", iso(reg)),
        pl.format("正常经营未满1年（{} 满1年）", iso(ready)),
    )
    c.amount(pl.lit(float(c.p(p + "amount"))))


@rule("xinmi.flexible_employment_si_subsidy_extension_2020")
def flexible_employment_si_subsidy_extension(c: Calc) -> None:
    p = "xinmi.flexible_employment_si_subsidy_extension_2020."
    lo, hi = (as_date(v) for v in c.p(p + "expiry_window"))
    c.require(_has("hard_to_employ"), "就业困难人员", "非就业困难人员（groups: hard_to_employ）")
    end = pl.col("si_subsidy_original_end")
    c.require(
        (pl.col("si_subsidy_kind") == "si_subsidy") & known(end),
        None,
        "不是灵活就业社会保险补贴（person.si_subsidy.kind）",
        "缺少灵活就业社会保险补贴期满日（person.si_subsidy.original_end）",
        facts=("person.si_subsidy.kind", "person.si_subsidy.original_end"),
    )
    c.require(
        (end >= pl.lit(lo)) & (end <= pl.lit(hi)),
        pl.format("补贴于 {} 期满（实施期限内）", iso(end)),
        pl.format("补贴期满日 {} 不在 {} 至 {} 之间", iso(end), pl.lit(lo.isoformat()), pl.lit(hi.isoformat())),
    )
    c.require(
        ~pl.col("si_subsidy_stably_employed"),
        "期满仍未实现稳定就业",
        "已实现稳定就业",
        "缺少是否已稳定就业（person.si_subsidy.stably_employed）",
    )
    ext = int(c.p(p + "extension_months"))
    new_end = add_months(end, ext)
    c.output("deadline", iso(new_end))
    c.amount(days_between(end, new_end), unit="days")
    c.note(pl.format("享受期限延长1年至 {}", iso(new_end)))


@rule("xinmi.enterprise_training_subsidy_2020")
def enterprise_training_subsidy(c: Calc) -> None:
    p = "xinmi.enterprise_training_subsidy_2020."
    n = pl.col("certified_trainees")
    c.require(
        n >= 1,
        pl.format("职工培训后取得培训合格证 {} 人", n),
        "无取得培训合格证的学员",
        "缺少取得培训合格证的学员人数（enterprise.certified_trainees）",
    )
    h.per_person_standard(c, p + "standard", n)


@rule("xinmi.job_intro_subsidy_2020")
def job_intro_subsidy(c: Calc) -> None:
    per = c.p("xinmi.job_intro_subsidy_2020.per_person")
    placed = c.col(
        "placements_total",
        c.aggregate("placements", pl.col("count").sum(), default=0),
        "为复工复产企业成功招聘并签订1年以上劳动合同人数",
    )
    c.require(
        placed >= 1,
        pl.format("为复工复产企业成功招聘 {} 人（签订1年以上劳动合同）", placed),
        "未申报为复工复产企业成功招聘的人数（agency.placements）",
    )
    c.amount(placed * float(per))
    c.note(pl.format("{} 人 × {} 元/人", placed, pl.lit(per)))


@rule("xinmi.employment_service_postponement_2020")
def employment_service_postponement(c: Calc) -> None:
    c.require(
        pl.col("postponed_formality_prevented_by_epidemic"),
        "受疫情影响不能及时到公共就业服务机构现场办理",
        "未说明受疫情影响不能到现场办理",
        "缺少待办手续信息（person.postponed_formality）",
    )
    end = as_date(c.p("xinmi.epidemic_control_end_date"))
    grace = c.p("xinmi.post_epidemic_grace_days")
    if end is None or grace is None:
        c.output("deadline", pl.lit(None, dtype=pl.String))
        c.note(
            "可延期至疫情防控结束之后办理；疫情防控结束日期或其后办理期限未设定"
            "（参数 xinmi.epidemic_control_end_date、xinmi.post_epidemic_grace_days），暂无截止日"
        )
        return
    c.require(pl.col("postponed_formality_original_deadline") <= pl.lit(end), None, "原办理期限不在疫情防控期间")
    deadline = pl.lit(end + dt.timedelta(days=int(grace)))
    done = pl.coalesce(pl.col("postponed_formality_completed_on"), as_of_lit(c))
    c.require(
        done <= deadline,
        pl.format("可延期至 {} 前办理", iso(deadline)),
        pl.format("延期办理期限 {} 已过", iso(deadline)),
    )
    c.output("deadline", iso(deadline))


@rule("xinmi.flexible_employment_si_subsidy_2020")
def flexible_employment_si_subsidy(c: Calc) -> None:
    p = "xinmi.flexible_employment_si_subsidy_2020."
    c.require(
        _has("hard_to_employ") & has_group(c.p(p + "key_groups")),
        "重点群体中的就业困难人员",
        "非重点群体中的就业困难人员（groups: hard_to_employ 及贫困劳动力、离校未就业高校毕业生等）",
    )
    c.require(_has("flexible_employed"), "灵活就业后已申报就业", "未申报灵活就业（groups: flexible_employed）")
    require_fact(
        c,
        pl.col("si_subsidy_start_month"),
        missing="缺少社会保险补贴起始月（person.si_subsidy.start_month）",
        facts=("person.si_subsidy.start_month",),
    )
    start = c.col("subsidy_start_idx", month_index(pl.col("si_subsidy_start_month")), "补贴起始月（月序）")
    end = c.col("subsidy_end_idx", _si_subsidy_end(c), "补贴最后一月（月序）")
    months = month_index(pl.col("month"))
    paid = c.col(
        "individual_si_paid",
        c.aggregate(
            "si_paid_as_individual",
            pl.col("value").sum(),
            uses=("subsidy_start_idx", "subsidy_end_idx"),
            where=(months >= pl.col("subsidy_start_idx")) & (months <= pl.col("subsidy_end_idx")),
            default=0.0,
        ),
        "补贴期内以个人身份实际缴纳的社会保险费",
    )
    c.require(paid > 0, None, "补贴期内无以个人身份缴费记录（person.si_paid_as_individual）")
    share = Fraction(str(c.p(p + "share")))
    c.amount(paid * share.numerator / share.denominator)
    c.period(month_of_index(start), month_of_index(end))
    c.note(pl.format("按实际缴费 {} 元的 {} 补贴（原则上不超过2/3）", paid.round(2), pl.lit(str(share))))


@rule("xinmi.employer_hard_to_employ_si_subsidy_2020")
def employer_hard_to_employ_si_subsidy(c: Calc) -> None:
    p = "xinmi.si_subsidy_period_2020."
    start = month_index(pl.col("subsidy_start"))
    month = month_index(pl.col("month"))
    retire = month_index(pl.col("retirement_month"))
    near = ((retire - start) < c.p(p + "near_retirement_years") * MONTHS_PER_YEAR).fill_null(False)
    last = pl.when(near).then(retire).otherwise(start + c.p(p + "max_months") - 1)
    inside = pl.col("labour_contract") & (month >= start) & (month <= last)
    paid = c.col(
        "hard_to_employ_si_paid",
        c.aggregate(
            "hard_to_employ_si_paid", pl.when(inside).then(pl.col("employer_paid")).otherwise(0.0).sum(), default=0.0
        ),
        "补贴期内为就业困难人员实际缴纳的社会保险费（单位部分）",
    )
    c.require(paid > 0, None, "无补贴期内为就业困难人员缴纳的社会保险费（enterprise.hard_to_employ_si_paid）")
    c.amount(paid)
    c.note(pl.format("按为就业困难人员实际缴纳的社会保险费 {} 元给予补贴", paid.round(2)))


@rule("xinmi.si_subsidy_period_2020")
def si_subsidy_period(c: Calc) -> None:
    c.require(_has("hard_to_employ"), "就业困难人员", "非就业困难人员（groups: hard_to_employ）")
    require_fact(
        c,
        pl.col("si_subsidy_start_month"),
        missing="缺少社会保险补贴起始月（person.si_subsidy.start_month）",
        facts=("person.si_subsidy.start_month",),
    )
    start = month_index(pl.col("si_subsidy_start_month"))
    end = c.col("subsidy_end_idx", _si_subsidy_end(c), "补贴最后一月（月序）")
    last_day = last_day_of(end)
    c.period(month_of_index(start), month_of_index(end))
    c.output("deadline", iso(last_day))
    c.output("months", end - start + 1)
    near = end != start + c.p("xinmi.si_subsidy_period_2020.max_months") - 1
    c.note(
        pl.when(near)
        .then(pl.format("距法定退休年龄不足5年，补贴可延长至退休（{}）", month_of_index(end)))
        .otherwise(pl.format("补贴期限最长3年，至 {}", month_of_index(end)))
    )
    c.note(
        "未提供法定退休年龄（si_subsidy.retirement_age），按最长3年计",
        when=pl.col("si_subsidy_retirement_age").is_null(),
    )


@rule("xinmi.graduate_hiring_si_subsidy_2020")
def graduate_hiring_si_subsidy(c: Calc) -> None:
    p = "xinmi.graduate_hiring_si_subsidy_2020."
    c.require(
        pl.col("size").is_in(c.p(p + "sizes")),
        pl.format("小微企业（{}）", pl.col("size")),
        pl.format("企业划型为 {}，非小微企业", pl.col("size")),
        "未能划型，无法确认小微企业条件",
    )
    start = month_index(pl.col("hired_month"))
    month = month_index(pl.col("month"))
    inside = (
        pl.col("graduating_year_or_registered_unemployed")
        & (pl.col("contract_years") >= c.p(p + "min_contract_years"))
        & (month >= start)
        & (month <= start + c.p(p + "max_months") - 1)
    )
    paid = c.col(
        "graduate_si_paid",
        c.aggregate(
            "graduate_si_paid", pl.when(inside).then(pl.col("employer_paid")).otherwise(0.0).sum(), default=0.0
        ),
        "招用后12个月内为高校毕业生缴纳的社会保险费（单位部分）",
    )
    c.require(
        paid > 0,
        None,
        "无符合条件的高校毕业生社保缴费（毕业年度或登记失业，签1年以上合同；enterprise.graduate_si_paid）",
    )
    c.amount(paid)
    c.note(pl.format("给予最长1年的社会保险补贴：{} 元", paid.round(2)))


@rule("xinmi.laid_off_temporary_living_allowance_2020")
def laid_off_temporary_living_allowance(c: Calc) -> None:
    p = "xinmi.laid_off_temporary_living_allowance_2020."
    c.require(
        has_group(["laid_off", "unemployed"]) & _has("hardship"),
        "生活困难的下岗失业人员",
        "非生活困难的下岗失业人员（groups: laid_off 或 unemployed，及 hardship）",
    )
    amount = c.p(p + "amount")
    if amount is None:
        h.null_amount(c, p + "amount")
    else:
        c.amount(pl.lit(float(amount)))
