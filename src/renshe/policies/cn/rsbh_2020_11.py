"""人社部函〔2020〕11号 — 医护及相关工作人员感染新冠肺炎的工伤保障 (work-injury
protection of medical and related staff infected on duty): recognition, who
pays, and the fiscal subsidy of fiscally funded units."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Facts, Money
from renshe.engine.rules import rule
from renshe.policies.common import has_group, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class EnterpriseFacts(Facts, entity="enterprise"):
    fiscally_funded: bool = False  # cn.covid_work_injury_fiscal_subsidy_2020 (财政补助单位)
    uninsured_work_injury_costs: Money | None = None  # cn.covid_work_injury_fiscal_subsidy_2020


class PersonFacts(Facts, entity="person"):
    died_of_covid: bool = False  # cn.covid_work_injury_medical_2020


def require_recognised(c: Calc) -> None:
    c.require(
        has_group(c.p("cn.covid_work_injury_medical_2020.groups")),
        "医护及相关工作人员",
        "不是医护及相关工作人员（person.groups）",
    )
    c.require(
        pl.col("covid_infected_on_duty"),
        "在疫情预防和救治工作中因履行工作职责感染新冠肺炎",
        "未因履行工作职责感染新冠肺炎（person.covid_infected_on_duty）",
    )


@rule("cn.covid_work_injury_medical_2020")
def covid_work_injury_medical(c: Calc) -> None:
    require_recognised(c)
    c.output("mode", pl.when(pl.col("died_of_covid")).then(pl.lit("death")).otherwise(pl.lit("injury")))
    c.note(
        pl.when(pl.col("died_of_covid"))
        .then(pl.lit("因感染死亡：应认定为工伤，依法享受工亡待遇"))
        .otherwise(pl.lit("应认定为工伤，依法享受工伤保险待遇；开辟绿色通道、简化理赔程序"))
    )


@rule("cn.covid_work_injury_cost_bearing_2020")
def covid_work_injury_cost_bearing(c: Calc) -> None:
    require_recognised(c)
    insured = pl.col("work_injury_claim_employer_insured")
    require_fact(
        c,
        insured,
        missing="未说明是否参加工伤保险（person.work_injury_claim.employer_insured）",
        facts=("person.work_injury_claim.employer_insured",),
    )
    c.output("payer", pl.when(insured).then(pl.lit("work_injury_fund_and_employer")).otherwise(pl.lit("employer")))
    c.note(
        pl.when(insured)
        .then(pl.lit("已参加工伤保险：相关费用由工伤保险基金和单位按工伤保险有关规定支付"))
        .otherwise(pl.lit("未参加工伤保险：由用人单位按照法定标准支付（财政补助单位由同级财政补助）"))
    )


@rule("cn.covid_work_injury_fiscal_subsidy_2020")
def covid_work_injury_fiscal_subsidy(c: Calc) -> None:
    c.require(pl.col("fiscally_funded"), "财政补助单位", "不是财政补助单位（enterprise.fiscally_funded）")
    cost = pl.col("uninsured_work_injury_costs")
    c.require(
        cost.fill_null(0) > 0,
        pl.format("为未参保人员按法定标准支付工伤费用 {} 元", cost),
        "无为未参加工伤保险人员支付的相关费用（enterprise.uninsured_work_injury_costs）",
    )
    share = c.p("share")
    c.amount(cost * share)
    c.note("由同级财政予以补助")
