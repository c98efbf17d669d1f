"""人社部发〔2020〕11号 — 阶段性减免企业社会保险费 (social-insurance fee relief).

三项社会保险 (pension, unemployment, work-injury), employer share: exemption
(免征) for SMEs and individual businesses, halving (减半征收) for large
enterprises and social organisations, exemption for every unit in Hubei;
机关事业单位 never. The February fees already paid are refunded (退费) or
offset (冲抵).
"""

from __future__ import annotations

import polars as pl

from renshe.domain.regions import jurisdiction_flags
from renshe.engine.calc import Calc
from renshe.engine.rules import rule


def relief_terms(c: Calc) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """Per unit: (ratio, last fee month of the window, is_sme_like, in_hubei).

    ratio is null for units outside the measure (机关事业单位, unclassified)."""
    sme_like = pl.col("size").is_in(c.p("cn.si_relief_2020.sme_sizes")) & (pl.col("unit_type") == "enterprise") | \
        pl.col("unit_type").is_in(c.p("cn.si_relief_2020.sme_like_unit_types"))
    halved = ((pl.col("unit_type") == "enterprise") & (pl.col("size") == "large")) | \
        pl.col("unit_type").is_in(c.p("cn.si_relief_2020.halving_unit_types"))
    excluded = pl.col("unit_type").is_in(c.p("cn.si_relief_2020.excluded_unit_types"))
    hubei = jurisdiction_flags(pl.col("region"))[c.p("cn.si_relief_2020.hubei_jurisdiction")]
    full, half = c.p("cn.si_relief_2020.exemption_ratio"), c.p("cn.si_relief_2020.halving_ratio")
    ratio = (
        pl.when(excluded).then(None)
        .when(hubei).then(pl.lit(full))
        .when(sme_like).then(pl.lit(full))
        .when(halved).then(pl.lit(half))
        .otherwise(None)
    )
    window_to = (
        pl.when(hubei | sme_like).then(pl.lit(c.p("cn.si_relief_2020.exemption_to")))
        .otherwise(pl.lit(c.p("cn.si_relief_2020.halving_to")))
    )
    return ratio, window_to, sme_like, hubei


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
    c.cite(pl.when(hubei).then(pl.lit(["二"])).when(pl.col("unit_type") == "enterprise").then(pl.lit(["一"]))
           .otherwise(pl.lit(["一", "答记者问（适用对象）"])))
    kind = (
        pl.when(hubei).then(pl.lit("湖北省参保单位"))
        .when(pl.col("unit_type") == "individual_business").then(pl.lit("以单位方式参保的个体工商户（参照中小微企业）"))
        .when(sme_like).then(pl.lit("中小微企业"))
        .when(pl.col("unit_type") == "enterprise").then(pl.lit("大型企业"))
        .otherwise(pl.lit("民办非企业单位、社会团体等社会组织"))
    )
    how = pl.when(ratio >= c.p("cn.si_relief_2020.exemption_ratio")).then(pl.lit("免征")).otherwise(pl.lit("减半征收"))
    c.note(pl.format("{}：{}至{}三项社会保险单位缴费{}（应缴 {} 元）", kind, pl.lit(start), window_to, how, due.round(2)))


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
    c.note(pl.when(sme_like).then(pl.lit("中小微企业及个体工商户：批量退费，无需申请（免申即享）"))
           .otherwise(pl.lit("大型企业等其他参保单位：可选择退费或冲抵以后月份缴费")))
