"""人社厅明电〔2020〕11号 — human-resources services during the epidemic:
job-introduction service subsidy, training for key epidemic-control units,
rent relief and rewards for outstanding agencies."""

from __future__ import annotations

import polars as pl
from pydantic import Field

from renshe.domain.regions import jurisdiction_flags
from renshe.engine.calc import Calc
from renshe.engine.case import Facts, Persons, Strict
from renshe.engine.rules import rule
from renshe.policies.cn._helpers import BEIJING
from renshe.policies.common import num


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class AgencyTraining(Strict):  # cn.hr_services_training_subsidy_inclusion_2020
    client_key_unit: bool = False
    meets_training_conditions: bool = False
    trainees: Persons = 0


class AgencyFacts(Facts, entity="agency"):
    hr_trainings_2020: list[AgencyTraining] = Field(
        default_factory=list
    )  # cn.hr_services_training_subsidy_inclusion_2020
    hr_agency_outstanding_2020: bool | None = None  # cn.hr_services_park_rent_relief_reward_2020


@rule("cn.hr_services_job_intro_subsidy_2020")
def job_intro_subsidy(c: Calc) -> None:
    placed = c.col(
        "placements",
        c.aggregate("placements", pl.col("count").sum(), default=0).cast(pl.Float64),
        "成功介绍就业人数（各企业合计）",
    )
    c.require(placed > 0, None, "没有提供职业介绍并成功介绍就业的记录（agency.placements）")
    in_beijing = jurisdiction_flags(pl.col("region"))[BEIJING]
    per = c.p("per_placement")
    c.amount(pl.when(in_beijing).then(None).otherwise(placed * num(per)))
    c.note(
        pl.when(in_beijing)
        .then(pl.lit("北京市的补助标准见 beijing.job_intro_service_subsidy_2020（按介绍人数分档）"))
        .when(pl.lit(per is None))
        .then(pl.lit("当地就业创业服务补助标准未设置：请设置 cn.hr_services_job_intro_subsidy_2020.per_placement"))
        .otherwise(pl.format("成功介绍 {} 人，按当地标准 {} 元/人落实就业创业服务补助", placed, num(per)))
    )


@rule("cn.hr_services_training_subsidy_inclusion_2020")
def training_subsidy_inclusion(c: Calc) -> None:
    included = c.col(
        "included_trainees",
        c.aggregate(
            "hr_trainings_2020",
            pl.col("trainees").sum(),
            where=pl.col("client_key_unit") & pl.col("meets_training_conditions"),
            default=0,
        ).cast(pl.Int64),
        "向疫情防控重点单位提供、符合职业技能培训条件的培训人数",
    )
    c.require(included > 0, None, "没有向疫情防控重点单位提供且符合职业技能培训条件的培训（agency.hr_trainings_2020）")
    c.note(pl.format("向疫情防控重点单位提供的培训 {} 人次应纳入补贴类培训范围，补贴按当地职业培训补贴标准", included))


@rule("cn.hr_services_park_rent_relief_reward_2020")
def park_rent_relief_reward(c: Calc) -> None:
    c.require(
        pl.col("hr_agency_outstanding_2020"),
        "经当地认定在疫情防控期间发挥作用突出",
        "未经当地认定在疫情防控期间发挥作用突出",
        "需提供是否经认定作用突出（agency.hr_agency_outstanding_2020）",
    )
    value = c.p("rent_relief_and_reward")
    c.amount(num(value))
    if value is None:
        c.note(
            "减免场地租金、奖励补贴的具体办法由各地制定：可设置 "
            "cn.hr_services_park_rent_relief_reward_2020.rent_relief_and_reward"
        )
