"""永人社发〔2022〕3号 — Yongzhou's ten measures for HR and social-security services
during the epidemic: work-injury base rates (一) and guaranteed loan limits (二)."""

from __future__ import annotations

from typing import Literal

import polars as pl

from renshe.engine.calc import MONTHS_PER_YEAR, Calc, exact, month_index, month_index_of, month_of_index, month_range
from renshe.engine.case import Date, Facts, Persons, Strict
from renshe.engine.rules import rule
from renshe.policies.common import as_date, as_of_lit, has_group, iso, known, num, pending_amount, require_fact
from renshe.policies.loans import limit_by_applicant


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class ArbitrationAttendance(Strict):  # yongzhou.arbitration_hearing_postponement_2022
    role: Literal["party", "agent"]
    prevented_by_epidemic: bool = False


class IsolationPeriod(Strict):  # yongzhou.proxy_for_isolated_persons_2022
    start: Date
    end: Date | None = None
    relative_proxy: bool = True


class EnterpriseFacts(Facts, entity="enterprise"):
    attrition_2021: Persons | None = None  # yongzhou.stable_job_refund_2022
    online_trainees_qualifying: Persons | None = None  # yongzhou.enterprise_online_training_subsidy_2022


class PersonFacts(Facts, entity="person"):
    work_injury_claim_filed_on: Date | None = None  # yongzhou.work_injury_claims_any_day_2022
    arbitration: ArbitrationAttendance | None = None  # yongzhou.arbitration_hearing_postponement_2022
    isolation: IsolationPeriod | None = None  # yongzhou.proxy_for_isolated_persons_2022


@rule("yongzhou.work_injury_base_rate")
def work_injury_base_rate(c: Calc) -> None:
    rates = c.p("yongzhou.work_injury_base_rate.class_rates")
    construction = c.p("yongzhou.work_injury_base_rate.construction_rate")
    project = pl.col("construction_project").fill_null(False)
    klass = c.col("work_injury_class", pl.col("work_injury_class"), "工伤保险行业风险类别")
    c.require(
        project | known(klass),
        None,
        "需提供工伤保险行业风险类别（enterprise.work_injury_class，1-8）或工程建设项目标志",
        "需提供工伤保险行业风险类别（enterprise.work_injury_class，1-8）或工程建设项目标志",
        facts=("enterprise.work_injury_class",),
    )
    class_rate = klass.replace_strict(
        {i + 1: float(r) for i, r in enumerate(rates)}, default=None, return_dtype=pl.Float64
    )
    c.amount(pl.when(project).then(pl.lit(float(construction))).otherwise(class_rate), unit="percent")
    c.output("unit", pl.when(project).then(pl.lit("permille")).otherwise(pl.lit("percent")))
    c.output(
        "fee",
        pl.when(project & pl.col("contract_value").is_not_null()).then(
            (pl.col("contract_value") * construction / 1000).round(2)
        ),
    )
    c.note(
        pl.when(project)
        .then(pl.format("工程建设项目：按工程合同总造价的 {}‰", pl.lit(construction)))
        .otherwise(pl.format("{}类行业基准费率 {}%", klass, class_rate))
    )


@rule("yongzhou.guaranteed_loan_limit")
def guaranteed_loan_limit(c: Calc) -> None:
    p = "yongzhou.guaranteed_loan_limit."
    individual = float(c.p(p + "individual"))
    partners = c.col("partners", pl.col("partners"), "合伙人数")
    is_partnership = pl.col("applicant") == "partnership"
    least = c.p(p + "min_partners")
    c.require(~is_partnership | (partners >= least), None, f"合伙创业须有 {least} 名以上合伙人（loan.partners）")
    c.require(
        (pl.col("applicant") != "enterprise") | pl.col("size").is_in(c.p(p + "enterprise_sizes")),
        None,
        pl.format("企业划型为 {}，非小微企业", pl.col("size")),
        "未能划型，无法确认小微企业条件",
    )
    limit_by_applicant(
        c,
        {
            "individual": pl.lit(individual),
            "partnership": partners * individual * (1 + c.p(p + "partnership_uplift")),
            "enterprise": pl.lit(float(c.p(p + "enterprise"))),
        },
    )


# ---- the other measures of the ten -----------------------------------------------------------
from renshe.policies import common as h  # noqa: E402


@rule("yongzhou.ui_rate_reduction_2022")
def ui_rate_reduction(c: Calc) -> None:
    p = "yongzhou.ui_rate_reduction_2022."
    total, employer = c.p(p + "total_rate"), c.p(p + "employer_rate")
    c.output("employer_rate", num(employer))
    if total is None:
        pending_amount(
            c,
            "延续实施阶段性降低失业保险费率；费率未在文件中载明（参数 yongzhou.ui_rate_reduction_2022.total_rate、"
            "employer_rate 未设定）",
            unit="percent",
        )
    else:
        c.amount(pl.lit(float(total)), unit="percent")
        c.note(pl.format("延续实施阶段性降低失业保险费率：总费率 {}%", pl.lit(total)))


@rule("yongzhou.stable_job_refund_2022")
def stable_job_refund_2022(c: Calc) -> None:
    p = "yongzhou.stable_job_refund_2022."
    base = c.month_value("insured", c.p(p + "base_month"), "headcount")
    end = c.month_value("insured", c.p(p + "headcount_month"), "headcount")
    rate = c.col(
        "layoff_rate",
        pl.when(base > 0).then(exact((1 - (end + pl.col("attrition_2021")) / base).clip(lower_bound=0.0))),
        "2021年度裁员率",
    )
    headcount = c.col("insured_2021_12", end, "2021年12月参保职工人数")
    small, limit, small_limit = (
        c.p(p + "small_unit_max_insured"),
        c.p(p + "max_layoff_rate"),
        c.p(p + "small_unit_max_layoff_rate"),
    )
    missing = "缺少计算裁员率所需的 2020-12、2021-12 参保人数或 2021 年自然减员人数（enterprise.attrition_2021）"
    facts = ("enterprise.insured", "enterprise.attrition_2021")
    if limit is None:  # a bureau that unsets the standard: eligible, the layoff test pending
        c.require(pl.when(rate.is_not_null()).then(pl.lit(True)), None, missing, missing, facts=facts)
        c.note(
            pl.format(
                "2021年度裁员率 {}%；“不裁员少裁员”的标准未设定（参数 yongzhou.stable_job_refund_2022."
                "max_layoff_rate），待核定",
                (rate * 100).round(2),
            )
        )
    else:
        cap_expr = pl.lit(float(limit))
        if small is not None and small_limit is not None:
            cap_expr = pl.when(headcount <= small).then(pl.lit(float(small_limit))).otherwise(cap_expr)
        cap = c.col("layoff_rate_limit", cap_expr, "适用的裁员率上限（不裁员少裁员）")
        c.require(
            rate <= cap,
            pl.format("不裁员少裁员（裁员率 {}% 不高于 {}%）", (rate * 100).round(2), (cap * 100).round(2)),
            pl.format("裁员率 {}% 高于 {}%，不属于不裁员少裁员的企业", (rate * 100).round(2), (cap * 100).round(2)),
            missing,
            facts=facts,
        )
    c.output("layoff_rate", rate.round(6))
    window = month_range(*c.p(p + "base_fee_months"))
    paid = c.col(
        "ui_paid_2021",
        c.sum_contributions(["unemployment"], (window[0], window[-1]), pl.col("employer_paid")),
        "2021年度实际缴纳失业保险费（单位部分）",
    )
    c.require(paid > 0, None, "缺少2021年失业保险缴费记录（enterprise.contributions）")
    sme = pl.col("size").is_in(c.p(p + "sme_sizes"))
    r_sme, r_large = c.p(p + "ratio_sme"), c.p(p + "ratio_large")
    ratio = (
        pl.when(sme)
        .then(pl.lit(None if r_sme is None else float(r_sme), dtype=pl.Float64))
        .otherwise(pl.lit(None if r_large is None else float(r_large), dtype=pl.Float64))
    )
    c.amount(paid * ratio)
    c.period(window[0], window[-1])
    c.output("mode", pl.lit("auto_refund"))
    c.note("“免申即享”：符合条件的企业无需申请")
    c.note(
        "返还比例未在文件中载明（参数 yongzhou.stable_job_refund_2022.ratio_sme / ratio_large 未设定），金额待核定",
        when=ratio.is_null(),
    )


@rule("yongzhou.enterprise_online_training_subsidy_2022")
def enterprise_online_training_subsidy(c: Calc) -> None:
    p = "yongzhou.enterprise_online_training_subsidy_2022."
    n = pl.col("online_trainees_qualifying")
    c.require(
        n >= 1,
        pl.format("组织员工线上培训，符合条件 {} 人", n),
        "无符合条件的线上培训学员",
        "缺少符合条件的线上培训人数（enterprise.online_trainees_qualifying）",
    )
    h.per_person_standard(c, p + "standard", n)


@rule("yongzhou.deferred_retirement_processing_2022")
def deferred_retirement_processing(c: Calc) -> None:
    c.require(
        pl.col("retirement_prevented_by_epidemic"),
        "身在外地或身处封控区无法到场办理退休，提供延期办服务",
        "未说明因身在外地或身处封控区无法到场办理（person.retirement.prevented_by_epidemic）",
        "缺少退休办理信息（person.retirement）",
    )
    reach = c.col(
        "retirement_reached_month",
        month_index_of(h.birth_date()) + pl.col("retirement_age") * MONTHS_PER_YEAR,
        "达到退休年龄或待遇领取年龄的月份",
    )
    start = reach + 1
    require_fact(
        c,
        start,
        missing="缺少身份证号码或退休（待遇领取）年龄（person.id_number, person.retirement.age）",
        facts=("person.id_number", "person.retirement.age"),
    )
    regular = month_index(pl.col("retirement_processed_month")) + 1
    months = c.col("back_pay_months", (regular - start).clip(lower_bound=0), "足额补发月数")
    c.output("pension_start_month", month_of_index(start))
    c.output("back_pay_months", months)
    c.period(month_of_index(start), month_of_index(regular - 1))
    c.amount(months * pl.col("retirement_monthly_pension"))
    c.note(pl.format("按正常到龄时间申报退休，养老金从 {} 起足额补发，补发 {} 个月", month_of_index(start), months))
    c.note(
        "缺少月养老金数额（person.retirement.monthly_pension），补发金额待核定",
        when=pl.col("retirement_monthly_pension").is_null(),
    )


@rule("yongzhou.work_injury_claims_any_day_2022")
def work_injury_claims_any_day(c: Calc) -> None:
    p = "yongzhou.work_injury_claims_any_day_2022."
    start = as_date(c.p(p + "from_date"))
    filed = pl.col("work_injury_claim_filed_on")
    c.require(
        filed >= pl.lit(start),
        pl.format("{} 申报（每月{}日），不再限定于每月1-10号，予以受理", iso(filed), filed.dt.day()),
        pl.format("{} 早于本措施施行日 {}", iso(filed), pl.lit(start.isoformat())),
        "缺少工伤待遇申报日期（person.work_injury_claim_filed_on）",
    )
    c.output("accepted", filed >= pl.lit(start))


@rule("yongzhou.arbitration_hearing_postponement_2022")
def arbitration_hearing_postponement(c: Calc) -> None:
    c.require(
        pl.col("arbitration_role").is_in(["party", "agent"]),
        pl.when(pl.col("arbitration_role") == "party")
        .then(pl.lit("劳动争议仲裁当事人"))
        .otherwise(pl.lit("当事人的代理人")),
        "非当事人或代理人",
        "缺少仲裁参与信息（person.arbitration）",
    )
    c.require(
        pl.col("arbitration_prevented_by_epidemic"),
        "受疫情影响无法到劳动人事争议仲裁机构参加庭审，可申请延期开庭审理",
        "未因疫情影响无法到庭",
    )


@rule("yongzhou.proxy_for_isolated_persons_2022")
def proxy_for_isolated_persons(c: Calc) -> None:
    groups = c.p("yongzhou.proxy_for_isolated_persons_2022.groups")
    c.require(
        has_group(groups),
        "新型冠状病毒感染的肺炎患者、疑似病人或密切接触者",
        "非患者、疑似病人或密切接触者（groups: covid_patient / suspected_case / close_contact）",
    )
    today = as_of_lit(c)
    inside = (pl.col("isolation_start") <= today) & (
        pl.col("isolation_end").is_null() | (today <= pl.col("isolation_end"))
    )
    c.require(
        inside,
        "正处于隔离治疗或医学观察期间",
        "测算日不在隔离治疗或医学观察期间",
        "缺少隔离治疗或医学观察期间（person.isolation）",
    )
    c.require(pl.col("isolation_relative_proxy"), "可通过亲属代办业务", "代办人非亲属")
