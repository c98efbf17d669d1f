"""永人社发〔2022〕3号 — Yongzhou's ten measures for HR and social-security services
during the epidemic: work-injury base rates (一) and guaranteed loan limits (二)."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.rules import rule
from renshe.policies.loans import limit_by_applicant


@rule("yongzhou.work_injury_base_rate")
def work_injury_base_rate(c: Calc) -> None:
    rates = c.p("yongzhou.work_injury_base_rate.class_rates")
    construction = c.p("yongzhou.work_injury_base_rate.construction_rate")
    project = pl.col("construction_project").fill_null(False)
    klass = c.col("work_injury_class", pl.col("work_injury_class"), "工伤保险行业风险类别")
    c.require(project | klass.is_not_null(), None, "需提供工伤保险行业风险类别（enterprise.work_injury_class，1-8）或工程建设项目标志")
    class_rate = klass.replace_strict({i + 1: float(r) for i, r in enumerate(rates)}, default=None, return_dtype=pl.Float64)
    c.amount(pl.when(project).then(pl.lit(float(construction))).otherwise(class_rate), unit="percent")
    c.output("unit", pl.when(project).then(pl.lit("permille")).otherwise(pl.lit("percent")))
    c.output("fee", pl.when(project & pl.col("contract_value").is_not_null())
             .then((pl.col("contract_value") * construction / 1000).round(2)))
    c.note(pl.when(project).then(pl.format("工程建设项目：按工程合同总造价的 {}‰", pl.lit(construction)))
           .otherwise(pl.format("{}类行业基准费率 {}%", klass, class_rate)))


@rule("yongzhou.guaranteed_loan_limit")
def guaranteed_loan_limit(c: Calc) -> None:
    p = "yongzhou.guaranteed_loan_limit."
    individual = float(c.p(p + "individual"))
    partners = c.col("partners", pl.col("partners"), "合伙人数")
    is_partnership = pl.col("applicant") == "partnership"
    least = c.p(p + "min_partners")
    c.require(~is_partnership | (partners >= least), None, f"合伙创业须有 {least} 名以上合伙人（loan.partners）")
    c.require((pl.col("applicant") != "enterprise") | pl.col("size").is_in(c.p(p + "enterprise_sizes")), None,
              pl.format("企业划型为 {}，非小微企业", pl.col("size")), "未能划型，无法确认小微企业条件")
    limit_by_applicant(c, {
        "individual": pl.lit(individual),
        "partnership": partners * individual * (1 + c.p(p + "partnership_uplift")),
        "enterprise": pl.lit(float(c.p(p + "enterprise"))),
    })
