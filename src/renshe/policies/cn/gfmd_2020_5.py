"""国发明电〔2020〕5号 — 保护关心爱护医务人员若干措施 (measures for medical
workers): temporary work subsidy (doubled in Hubei), Hubei pay ×3, allowance
scope, title/post measures, post-epidemic health check, martyrs and children."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Date, Facts, Money, Span
from renshe.engine.rules import rule
from renshe.policies.cn._helpers import EPIDEMIC_END
from renshe.policies.common import as_date, as_of, has_group, in_regions, pending_amount, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class PersonFacts(Facts, entity="person"):
    baseline_monthly_pay: Money | None = None  # hubei.frontline_medical_pay_triple_2020
    frontline_months: Span | None = None  # hubei.frontline_medical_pay_triple_2020
    grassroots_years: Span | None = None  # cn.medical_grassroots_experience_credit_2020
    frontline_assignment_end: Date | None = None  # cn.medical_post_epidemic_health_check_2020
    died_in_epidemic_duty: bool = False  # cn.epidemic_martyr_recognition_2020
    parent_medical_commended: bool = False  # cn.medical_children_education_benefit_2020
    parent_medical_martyr: bool = False  # cn.medical_children_education_benefit_2020


BASE = "cn.medical_temp_work_subsidy_2020."
DOUBLE = "hubei.medical_temp_work_subsidy_double_2020."


def require_medical(c: Calc) -> None:
    c.require(
        has_group(c.p(BASE + "eligible_groups")),
        "参与疫情防治的医务人员/卫生防疫人员",
        "不是参与疫情防治的医务人员或卫生防疫人员（person.groups）",
    )


def require_frontline(c: Calc) -> pl.Expr:
    is_front = c.col("frontline", has_group(c.p(BASE + "frontline_groups")), "一线医务人员")
    c.require(
        is_front, "参加疫情防治的一线医务人员", "不是参加疫情防治的一线医务人员（person.groups 含 frontline_medical）"
    )
    return is_front


def require_hubei_or_aid_team(c: Calc) -> pl.Expr:
    aid = has_group([c.p(DOUBLE + "aid_team_group")])
    hubei = in_regions(c.p(DOUBLE + "regions"))
    c.require(
        hubei | aid,
        pl.when(aid).then(pl.lit("援鄂医疗队队员")).otherwise(pl.lit("湖北省一线医务人员")),
        "不在湖北省且不是援鄂医疗队队员",
    )
    return aid


def base_subsidy(c: Calc) -> pl.Expr:
    direct = pl.col("days_direct_contact").fill_null(0)
    other = pl.col("days_other_frontline").fill_null(0)
    c.require(
        direct + other > 0,
        pl.format("直接接触 {} 天、其他一线 {} 天", direct, other),
        "无参与疫情防治的天数（person.days）",
    )
    return c.col(
        "base_subsidy",
        direct * c.p(BASE + "direct_contact_daily") + other * c.p(BASE + "other_frontline_daily"),
        "临时性工作补助（原标准）",
    )


@rule("cn.medical_temp_work_subsidy_2020")
def medical_temp_work_subsidy(c: Calc) -> None:
    require_medical(c)
    amount = base_subsidy(c)
    c.amount(amount)
    c.note(
        pl.format(
            "直接接触 {} 天 × {} 元 + 其他 {} 天 × {} 元",
            pl.col("days_direct_contact").fill_null(0),
            pl.lit(c.p(BASE + "direct_contact_daily")),
            pl.col("days_other_frontline").fill_null(0),
            pl.lit(c.p(BASE + "other_frontline_daily")),
        )
    )


@rule("hubei.medical_temp_work_subsidy_double_2020")
def medical_temp_work_subsidy_double(c: Calc) -> None:
    require_medical(c)
    require_frontline(c)
    require_hubei_or_aid_team(c)
    amount = base_subsidy(c)
    k = c.p("multiplier")
    c.amount(amount * k)
    c.output("funded_by", pl.lit("中央财政全额补助"))
    c.note(pl.format("原标准 {} 元 × {}（提高1倍），中央财政对湖北省全额补助", amount.round(2), pl.lit(k)))


@rule("hubei.frontline_medical_pay_triple_2020")
def frontline_medical_pay_triple(c: Calc) -> None:
    require_frontline(c)
    require_hubei_or_aid_team(c)
    base = pl.col("baseline_monthly_pay")
    months = pl.col("frontline_months")
    require_fact(
        c,
        base,
        months,
        missing="缺少疫情前月薪酬（person.baseline_monthly_pay）或一线工作月数（person.frontline_months）",
        facts=("person.baseline_monthly_pay", "person.frontline_months"),
    )
    k = c.p("pay_level_factor")
    c.output("pay_floor_monthly", (base * k).round(2))
    c.amount(base * (k - 1) * months)
    c.note(
        pl.format(
            "薪酬水平提高2倍：月薪酬不低于 {} × {} = {} 元；{} 个月增发 {} 元（由核增的一次性绩效工资总量支付）",
            base,
            pl.lit(k),
            (base * k).round(2),
            months,
            (base * (k - 1) * months).round(2),
        )
    )


@rule("cn.health_epidemic_allowance_scope_2020")
def health_epidemic_allowance_scope(c: Calc) -> None:
    c.require(
        has_group(c.p("groups")),
        "属于卫生防疫津贴发放范围（卫生防疫人员或一线医务人员），标准按现行规定，经费按现行渠道解决",
        "既不是卫生防疫人员也不是一线医务人员（person.groups）",
    )


def participated(c: Calc) -> pl.Expr:
    days = pl.col("days_direct_contact").fill_null(0) + pl.col("days_other_frontline").fill_null(0)
    return has_group(c.p(BASE + "frontline_groups")) | (has_group(c.p(BASE + "eligible_groups")) & (days > 0))


@rule("cn.medical_grassroots_experience_credit_2020")
def grassroots_experience_credit(c: Calc) -> None:
    c.require(participated(c), "医务人员参加了疫情防治", "未见参加疫情防治的经历（person.groups / person.days）")
    credit = c.p("credit_years")
    years = c.col("credited_grassroots_years", pl.col("grassroots_years").fill_null(0) + credit, "计入后的基层工作年限")
    c.output("credited_grassroots_years", years)
    c.note(
        pl.format(
            "疫情防治经历视同 {} 年基层工作经历：基层工作年限 {} 年计为 {} 年",
            pl.lit(credit),
            pl.col("grassroots_years").fill_null(0),
            years,
        )
    )


@rule("cn.medical_promotion_ratio_exemption_2020")
def promotion_ratio_exemption(c: Calc) -> None:
    require_frontline(c)
    c.output("post_ratio_limit_applies", pl.lit(False))
    c.note("晋升职称、晋升岗位等级不受本单位岗位结构比例限制")


@rule("cn.medical_post_epidemic_health_check_2020")
def post_epidemic_health_check(c: Calc) -> None:
    require_frontline(c)
    end = as_date(c.p(EPIDEMIC_END))
    assignment_end = pl.col("frontline_assignment_end")
    over = assignment_end <= pl.lit(as_of(c))
    if end is not None:
        over = over.fill_null(False) | pl.lit(as_of(c) >= end)
    c.require(
        over,
        "一线任务（疫情）已结束",
        "疫情尚未结束：一线任务未结束或未填写结束日期（person.frontline_assignment_end）",
    )
    c.output("free_health_checks", pl.lit(c.p("free_health_checks")))
    extra = c.p("extra_paid_leave_days")
    if extra is None:
        pending_amount(
            c,
            "应组织一次免费健康体检和疗养休养；增加的休息和带薪休假天数由地方设定"
            "（参数 cn.medical_post_epidemic_health_check_2020.extra_paid_leave_days 未设定）",
            unit="days",
        )
    else:
        c.amount(pl.lit(float(extra)), "days")
        c.note(f"应组织一次免费健康体检和疗养休养，并增加休息和带薪休假 {extra} 天")


@rule("cn.epidemic_martyr_recognition_2020")
def martyr_recognition(c: Calc) -> None:
    c.require(
        pl.col("died_in_epidemic_duty"),
        "因疫情防控牺牲殉职：依法进行烈士评定和褒扬，遗属按规定享受抚恤优待（评定条件和标准见烈士褒扬条例）",
        "未因疫情防控牺牲殉职（person.died_in_epidemic_duty）",
    )


@rule("cn.medical_children_education_benefit_2020")
def children_education_benefit(c: Calc) -> None:
    c.require(
        pl.col("parent_medical_commended") | pl.col("parent_medical_martyr"),
        pl.when(pl.col("parent_medical_martyr"))
        .then(pl.lit("父母为被认定为烈士的医务人员"))
        .otherwise(pl.lit("父母为获得表彰的医务人员"))
        + pl.lit("：子女入学升学按规定享受相关待遇"),
        "父母不是获得表彰或被认定为烈士的医务人员（person.parent_medical_commended / parent_medical_martyr）",
    )
