"""人社部发〔2020〕11号 — 阶段性减免企业社会保险费 (social-insurance fee relief).

三项社会保险 (pension, unemployment, work-injury), employer share: exemption
(免征) for SMEs and individual businesses, halving (减半征收) for large
enterprises and social organisations, exemption for every unit in Hubei;
机关事业单位 never. The February fees already paid are refunded (退费) or
offset (冲抵).
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from renshe.domain.regions import jurisdiction_flags
from renshe.engine.calc import Calc, month_end, month_of
from renshe.engine.case import Facts, Money, Month, MonthsAtLeastOne, Persons, Strict, Uscc
from renshe.engine.quantities import quantity
from renshe.engine.rules import rule
from renshe.policies.common import iso, num, require_fact

RELIEF = "cn.si_relief_2020."
DOC = "人社部发〔2020〕11号"


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class SiHardshipDeferral(Strict):  # cn.si_relief_hardship_deferral_2020
    first_fee_month: Month
    months: MonthsAtLeastOne


class EnterpriseFacts(Facts, entity="enterprise"):
    enterprise_pension_scheme: bool | None = None  # cn.si_relief_hardship_deferral_2020 (事业单位参加企业养老)
    si_hardship_deferral: SiHardshipDeferral | None = None  # cn.si_relief_hardship_deferral_2020
    parent_uscc: Uscc | None = None  # cn.si_relief_size_classification_2020 (分支机构)
    parent_size: Literal["large", "medium", "small", "micro"] | None = None  # cn.si_relief_size_classification_2020
    declared_size: Literal["large", "medium", "small", "micro"] | None = (
        None  # cn.si_relief_size_classification_2020 (告知承诺)
    )


class PersonFacts(Facts, entity="person"):
    pension_transfer_cross_province: bool | None = None  # cn.pension_transfer_12pct_during_relief_2020
    pension_contribution_bases: dict[Month, Money] = Field(
        default_factory=dict
    )  # cn.pension_transfer_12pct_during_relief_2020


class BureauFacts(Facts, entity="bureau"):
    province_average_wage: Money | None = None  # 全省职工平均工资, yuan a year
    province_insured_workers: Persons | None = None  # 在职应参保人数


@quantity(RELIEF + "sme_like", "中小微企业或参照执行的单位（个体工商户等）", f"{DOC} 一")
def sme_like(c: Calc) -> pl.Expr:
    return pl.col("size").is_in(c.p(RELIEF + "sme_sizes")) & (pl.col("unit_type") == "enterprise") | pl.col(
        "unit_type"
    ).is_in(c.p(RELIEF + "sme_like_unit_types"))


@quantity(RELIEF + "in_hubei", "湖北省参保单位", f"{DOC} 二")
def in_hubei(c: Calc) -> pl.Expr:
    return jurisdiction_flags(pl.col("region"))[c.p(RELIEF + "hubei_jurisdiction")]


@quantity(RELIEF + "ratio", "减免比例（免征 1、减半 0.5；机关事业单位及未划型为空）", f"{DOC} 一、二")
def relief_ratio(c: Calc) -> pl.Expr:
    sme, hubei = c.q(RELIEF + "sme_like"), c.q(RELIEF + "in_hubei")
    halved = ((pl.col("unit_type") == "enterprise") & (pl.col("size") == "large")) | pl.col("unit_type").is_in(
        c.p(RELIEF + "halving_unit_types")
    )
    excluded = pl.col("unit_type").is_in(c.p(RELIEF + "excluded_unit_types"))
    full, half = c.p(RELIEF + "exemption_ratio"), c.p(RELIEF + "halving_ratio")
    return (
        pl.when(excluded)
        .then(None)
        .when(hubei)
        .then(pl.lit(full))
        .when(sme)
        .then(pl.lit(full))
        .when(halved)
        .then(pl.lit(half))
        .otherwise(None)
    )


@quantity(RELIEF + "window_to", "减免截止费款所属期（免征至 12 月，减半至 6 月）", f"{DOC} 一、二")
def relief_window_to(c: Calc) -> pl.Expr:
    return (
        pl.when(c.q(RELIEF + "in_hubei") | c.q(RELIEF + "sme_like"))
        .then(pl.lit(c.p(RELIEF + "exemption_to")))
        .otherwise(pl.lit(c.p(RELIEF + "halving_to")))
    )


def relief_terms(c: Calc) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """Per unit: (ratio, last fee month of the window, is_sme_like, in_hubei), the named
    quantities above (each computed once in a rule's plan).

    ratio is null for units outside the measure (机关事业单位, unclassified)."""
    return (c.q(RELIEF + "ratio"), c.q(RELIEF + "window_to"), c.q(RELIEF + "sme_like"), c.q(RELIEF + "in_hubei"))


def require_in_scope(c: Calc, ratio: pl.Expr) -> None:
    excluded = pl.col("unit_type").is_in(c.p("cn.si_relief_2020.excluded_unit_types"))
    c.require(~excluded, None, "机关事业单位不在阶段性减免范围内")
    c.require(
        ratio.is_not_null() | excluded,
        None,
        "未能划型（缺少行业、从业人员、营业收入或资产总额，或行业代码不够具体），无法确定减免档次",
    )


@rule("cn.si_relief_2020")
def si_relief(c: Calc) -> None:
    ratio_expr, to_expr, sme_like, hubei = relief_terms(c)
    ratio = c.col("ratio", ratio_expr, "减免比例")
    window_to = c.col("window_to", to_expr, "减免截止费款所属期")
    start = c.p("cn.si_relief_2020.exemption_from")
    require_in_scope(c, ratio)
    insurances = c.p("cn.si_relief_2020.insurances")
    due = c.col(
        "employer_due_in_window",
        c.sum_contributions(insurances, (start, window_to), pl.col("employer_due")),
        "窗口内三项社保单位应缴额合计",
    )
    c.amount(due * ratio)
    c.period(start, window_to)
    national = (
        pl.when(hubei)
        .then(pl.lit(["二"]))
        .when(pl.col("unit_type") == "enterprise")
        .then(pl.lit(["一"]))
        .otherwise(pl.lit(["一", "答记者问（适用对象）"]))
    )
    # 新密政〔2020〕4号 二（一） restates the exemption for 新密's SMEs and individual businesses
    xinmi = (
        jurisdiction_flags(pl.col("region"))[c.p("cn.si_relief_2020.xinmi_jurisdiction")].fill_null(False) & sme_like
    )
    c.cite(pl.when(xinmi).then(pl.concat_list([national, pl.lit(["二（一）"])])).otherwise(national))
    kind = (
        pl.when(hubei)
        .then(pl.lit("湖北省参保单位"))
        .when(pl.col("unit_type") == "individual_business")
        .then(pl.lit("以单位方式参保的个体工商户（参照中小微企业）"))
        .when(sme_like)
        .then(pl.lit("中小微企业"))
        .when(pl.col("unit_type") == "enterprise")
        .then(pl.lit("大型企业"))
        .otherwise(pl.lit("民办非企业单位、社会团体等社会组织"))
    )
    how = pl.when(ratio >= c.p("cn.si_relief_2020.exemption_ratio")).then(pl.lit("免征")).otherwise(pl.lit("减半征收"))
    c.note(
        pl.format("{}：{}至{}三项社会保险单位缴费{}（应缴 {} 元）", kind, pl.lit(start), window_to, how, due.round(2))
    )


@rule("cn.si_feb_refund_2020")
def si_feb_refund(c: Calc) -> None:
    ratio_expr, _, sme_like, _ = relief_terms(c)
    ratio = c.col("ratio", ratio_expr, "2月减免比例")
    require_in_scope(c, ratio)
    month = c.p("cn.si_feb_refund_2020.refund_month")
    insurances = c.p("cn.si_relief_2020.insurances")
    per_row = (pl.col("employer_paid") - pl.col("employer_due") * (1 - pl.col("ratio"))).clip(lower_bound=0)
    refund = c.col(
        "refund",
        c.sum_contributions(insurances, (month, month), per_row, uses=("ratio",)),
        "2月已缴超出减免后应缴的部分",
    )
    c.amount(refund)
    c.period(month, month)
    mode = pl.when(sme_like).then(pl.lit("auto_refund")).otherwise(pl.lit("refund_or_offset"))
    c.output("mode", mode)
    c.note(
        pl.when(sme_like)
        .then(pl.lit("中小微企业及个体工商户：批量退费，无需申请（免申即享）"))
        .otherwise(pl.lit("大型企业等其他参保单位：可选择退费或冲抵以后月份缴费"))
    )


# ---- further measures of this document ---------------------------------------------------


@rule("cn.si_relief_window_rule_2020")
def si_relief_window_rule(c: Calc) -> None:
    ratio_expr, _, sme_like, hubei = relief_terms(c)
    ratio = c.col("ratio", ratio_expr, "减免比例")
    require_in_scope(c, ratio)
    p = "cn.si_relief_window_rule_2020."
    start = c.p(p + "start_month")
    exempt = hubei | sme_like
    cap = c.col(
        "max_end",
        pl.when(exempt).then(pl.lit(c.p(p + "max_end_exemption"))).otherwise(pl.lit(c.p(p + "max_end_halving"))),
        "终止费款所属期上限",
    )
    provincial = c.p(p + "provincial_end_month")
    end = c.col("window_end", cap if provincial is None else pl.lit(provincial), "终止费款所属期")
    c.require(
        (end >= start) & (end <= cap),
        None,
        pl.format("本省终止月份 {} 不符合要求：须自 {} 起连续执行且不晚于 {}", end, pl.lit(start), cap),
    )
    insurances = c.p("cn.si_relief_2020.insurances")
    before = c.col(
        "arrears_before",
        c.sum_contributions(insurances, ("0000-01", "2020-01"), pl.col("employer_due")),
        "减免前欠费（费款所属期早于起始月，不属减免范围）",
    )
    c.output("arrears_out_of_scope", before)
    c.period(start, end)
    c.output("deadline", iso(month_end(end)))
    c.note(pl.format("减免按费款所属期 {} 至 {} 界定；补缴此前欠费、预缴此后费款均不属减免范围", pl.lit(start), end))


@rule("cn.si_relief_hardship_deferral_2020")
def si_relief_hardship_deferral(c: Calc) -> None:
    p = "cn.si_relief_hardship_deferral_2020."
    c.require(
        pl.col("flag_severe_difficulty"), "受疫情影响生产经营出现严重困难", "未经确认受疫情影响生产经营出现严重困难"
    )
    unit = pl.col("unit_type")
    c.require(~unit.is_in(c.p(p + "excluded_unit_types")), None, "机关不在缓缴范围内")
    c.require(
        ~unit.is_in(c.p(p + "conditional_unit_types")) | pl.col("enterprise_pension_scheme").fill_null(False),
        None,
        "事业单位仅在参加企业基本养老保险时可申请缓缴",
    )
    first = pl.col("si_hardship_deferral_first_fee_month")
    require_fact(
        c,
        first,
        missing="需提供缓缴申请（enterprise.si_hardship_deferral：first_fee_month、months）",
        facts=("enterprise.si_hardship_deferral",),
    )
    c.require(
        first.str.slice(0, 4) == c.p(p + "deferral_year"), None, "缓缴的费款所属期须在2020年内（缓缴执行期为2020年内）"
    )
    cap = c.p(p + "max_deferral_months")
    asked = pl.col("si_hardship_deferral_months")
    months = c.col("deferral_months", pl.min_horizontal(asked, pl.lit(cap)), "缓缴月数（不超过上限）")
    deadline = c.col("deferred_due", month_end(first, months), "缓缴后应缴截止日")
    ratio_expr, window_to, _, _ = relief_terms(c)
    c.col("ratio", ratio_expr.fill_null(0.0), "减免比例")
    c.col("window_to", window_to, "减免截止费款所属期")
    last = c.col("deferral_last_month", month_of(month_end(first, months - 1)), "缓缴最后一个费款所属期")
    c.col("relief_from", pl.lit(c.p("cn.si_relief_2020.exemption_from")), "减免起始费款所属期")
    relieved = (pl.col("month") >= pl.col("relief_from")) & (pl.col("month") <= pl.col("window_to"))
    net = pl.col("employer_due") * (1 - pl.when(relieved).then(pl.col("ratio")).otherwise(0.0))
    days = (pl.col("deferred_due") - month_end(pl.col("month"))).dt.total_days()
    rate = c.p(p + "late_fee_daily_rate")
    waived = c.col(
        "waived_late_fee",
        c.sum_contributions(
            c.p("cn.si_relief_2020.insurances"),
            (first, last),
            net * rate * days,
            uses=("ratio", "window_to", "relief_from", "deferred_due"),
        ),
        "缓缴期间免收的滞纳金（按各月应缴额自所属月末计至缓缴截止日）",
    )
    c.amount(waived)
    c.output("deadline", iso(deadline))
    c.period(first, last)
    c.note(
        pl.format(
            "缓缴 {} 个月（{} 至 {}），应于 {} 前缴纳，缓缴期间免收滞纳金约 {} 元",
            months,
            first,
            last,
            iso(deadline),
            waived.round(2),
        )
    )
    c.note(
        pl.when(asked > cap).then(
            pl.format("申请 {} 个月超过原则上限 {} 个月，按 {} 个月计算", asked, pl.lit(cap), pl.lit(cap))
        )
    )


@rule("cn.si_relief_size_classification_2020")
def si_relief_size_classification(c: Calc) -> None:
    given, computed = pl.col("size_given"), pl.col("size")
    branch = pl.col("parent_uscc").is_not_null()
    computed_ok = given.is_null() & computed.is_not_null() & (computed != "unclassifiable")
    source = c.col(
        "size_source",
        pl.when(given.is_not_null())
        .then(pl.lit("authority"))
        .when(branch & pl.col("parent_size").is_not_null())
        .then(pl.lit("parent"))
        .when(computed_ok)
        .then(pl.lit("computed"))
        .when(pl.col("declared_size").is_not_null())
        .then(pl.lit("pledge")),
        "划型依据",
    )
    size = c.col(
        "relief_size",
        pl.when(source == "authority")
        .then(given)
        .when(source == "parent")
        .then(pl.col("parent_size"))
        .when(source == "computed")
        .then(computed)
        .when(source == "pledge")
        .then(pl.col("declared_size")),
        "减免划型结果",
    )
    c.require(
        size.is_not_null(),
        None,
        pl.when(branch)
        .then(pl.lit("分支机构须按其所属独立法人的类型划型：请提供 enterprise.parent_size"))
        .otherwise(pl.lit("现有数据无法划型：可实行告知承诺制（enterprise.declared_size）")),
    )
    c.output("size", size)
    c.output("size_source", source)
    c.note(
        pl.format(
            "划型结果 {}（{}）",
            size,
            source.replace_strict(
                {
                    "authority": "相关部门已有划定结果，直接采用",
                    "parent": "分支机构按所属独立法人的类型划型",
                    "computed": "按工信部联企业〔2011〕300号根据现有数据划型",
                    "pledge": "告知承诺制",
                },
                default="",
            ),
        )
    )


@rule("cn.ui_wi_rate_cut_extended_to_2021_04")
def ui_wi_rate_cut_extended(c: Calc) -> None:
    p = "cn.ui_wi_rate_cut_extended_to_2021_04."
    end = c.p(p + "extended_end")
    ui, wi = c.p(p + "reduced_unemployment_rate"), c.p(p + "reduced_work_injury_rate")
    c.amount(num(ui), unit="percent")
    c.output("work_injury_rate", num(wi))
    c.output("deadline", pl.lit(str(end)))
    c.note(f"阶段性降低失业保险、工伤保险费率的政策延长至 {end}，具体费率按本省实施方案")
    if ui is None or wi is None:
        c.note(
            "本省降低后的费率未设置：请设置 cn.ui_wi_rate_cut_extended_to_2021_04.reduced_unemployment_rate / "
            "reduced_work_injury_rate"
        )


@rule("cn.pension_transfer_12pct_during_relief_2020")
def pension_transfer_12pct(c: Calc) -> None:
    c.require(
        pl.col("pension_transfer_cross_province"),
        "跨省转移接续养老保险关系",
        "非跨省转移接续，不转移统筹基金",
        "需提供是否跨省转移（person.pension_transfer_cross_province）",
    )
    bases = c.col(
        "contribution_base_total",
        c.aggregate("pension_contribution_bases", pl.col("value").sum()),
        "各缴费月缴费基数合计（含减免月份）",
    )
    require_fact(
        c,
        bases,
        missing="需提供各月缴费基数（person.pension_contribution_bases）",
        facts=("person.pension_contribution_bases",),
    )
    rate = c.p("cn.pension_transfer_12pct_during_relief_2020.pooled_fund_transfer_rate")
    c.amount(bases * rate / 100)
    c.note(pl.format("缴费基数合计 {} 元 × {}% 转移统筹基金；减免月份照常计算", bases, pl.lit(rate)))


@rule("cn.pension_central_adjustment_ratio_2020")
def pension_central_adjustment(c: Calc) -> None:
    """The province's contribution to the central adjustment fund (上解额) at the 2020 ratio."""
    ratio, share = c.p("ratio"), c.p("wage_share")
    wage = c.col("province_average_wage", pl.col("province_average_wage"), "全省职工平均工资（元/年）")
    insured = c.col("province_insured_workers", pl.col("province_insured_workers"), "在职应参保人数")
    c.require(
        (wage >= 0) & (insured >= 0),
        None,
        "职工平均工资或在职应参保人数无效",
        "需提供全省职工平均工资和在职应参保人数（bureau.province_average_wage、bureau.province_insured_workers）",
        facts=("bureau.province_average_wage", "bureau.province_insured_workers"),
    )
    c.output("ratio", num(ratio))
    c.amount((wage * share * insured * ratio / 100).round(2))
    c.note(
        pl.format(
            "上解额 = 职工平均工资 {} 元 × {} × 在职应参保人数 {} × 中央调剂比例 {}%",
            wage,
            pl.lit(share),
            insured,
            pl.lit(ratio),
        )
    )
