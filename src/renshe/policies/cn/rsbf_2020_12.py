"""人社部发〔2020〕12号 — 应对新冠肺炎疫情进一步做好就业扶贫工作 (employment
support for registered poor workers): hiring subsidies, labour-export service
subsidy, temporary posts, priority areas, unemployment allowance, training."""

from __future__ import annotations

from typing import Literal

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Facts, MonthCount, Persons, Strict
from renshe.engine.rules import rule
from renshe.policies.cn._helpers import local_amount
from renshe.policies.cn.rsbmd_2020_2 import capped_allowance, require_ui_allowance_conditions
from renshe.policies.common import has_group, in_regions, pending_amount


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class TrainingCourse(Strict):  # henan.internet_plus_*_training_subsidy_2020
    mode: Literal["online", "offline"]
    type: Literal["startup", "skills"]
    platform: str | None = None
    completed: bool = False


class EnterpriseFacts(Facts, entity="enterprise"):
    key_enterprise_confirmed: bool = False  # cn.poverty_hiring_subsidy_2020 (重点企业)
    agricultural_operator: bool = False  # cn.poverty_agri_hiring_subsidy_2020 (农资企业、农业经营主体)
    registered_poor_hires: Persons | None = None  # cn.poverty_hiring_subsidy_2020, cn.poverty_agri_hiring_subsidy_2020


class PersonFacts(Facts, entity="person"):
    training_course: TrainingCourse | None = None  # henan.internet_plus_*_training_subsidy_2020
    temp_epidemic_post_months: MonthCount | None = None  # cn.poverty_temp_post_subsidy_2020


class AgencyFacts(Facts, entity="agency"):
    poor_workers_exported: Persons | None = None  # cn.poverty_labour_export_service_subsidy_2020


HIRE = "cn.poverty_hiring_subsidy_2020."


def require_poor(c: Calc) -> None:
    c.require(
        has_group(c.p(HIRE + "poor_groups")),
        "建档立卡贫困劳动力",
        "不是建档立卡贫困劳动力（person.groups 含 registered_poor）",
    )


def hiring_subsidy(c: Calc) -> None:
    hires = c.col("poor_hires", pl.col("registered_poor_hires").fill_null(0), "招用符合条件的贫困劳动力人数")
    c.require(
        hires > 0, pl.format("招用贫困劳动力 {} 人", hires), "未招用贫困劳动力（enterprise.registered_poor_hires）"
    )
    local_amount(c, HIRE + "per_person", hires, "人数 × 一次性吸纳就业补贴标准")


@rule("cn.poverty_hiring_subsidy_2020")
def poverty_hiring_subsidy(c: Calc) -> None:
    c.require(
        pl.col("key_enterprise_confirmed"),
        "经认定的重点企业（防疫物资、生产生活必需品及上下游配套）",
        "未经认定为重点企业（enterprise.key_enterprise_confirmed）",
    )
    hiring_subsidy(c)


@rule("cn.poverty_agri_hiring_subsidy_2020")
def poverty_agri_hiring_subsidy(c: Calc) -> None:
    c.require(
        pl.col("agricultural_operator"),
        "农资企业、农业经营主体（参照重点企业）",
        "不是农资企业或农业经营主体（enterprise.agricultural_operator）",
    )
    hiring_subsidy(c)


@rule("cn.poverty_labour_export_service_subsidy_2020")
def poverty_labour_export_service_subsidy(c: Calc) -> None:
    n = c.col("poor_exported", pl.col("poor_workers_exported").fill_null(0), "有组织输出贫困劳动力人数")
    c.require(
        n > 0, pl.format("有组织输出贫困劳动力 {} 人", n), "无有组织劳务输出贫困劳动力（agency.poor_workers_exported）"
    )
    local_amount(c, "cn.poverty_labour_export_service_subsidy_2020.per_person", n, "人数 × 就业创业服务补助标准")


@rule("cn.poverty_temp_post_subsidy_2020")
def poverty_temp_post_subsidy(c: Calc) -> None:
    require_poor(c)
    months = c.col("post_months", pl.col("temp_epidemic_post_months").fill_null(0), "临时岗位在岗月数")
    c.require(
        months > 0,
        pl.format("在临时增设的保洁环卫/防疫消杀/卡点值守岗位 {} 个月", months),
        "未在临时增设的防疫岗位就业（person.temp_epidemic_post_months）",
    )
    local_amount(c, "cn.poverty_temp_post_subsidy_2020.monthly", months, "月数 × 当地乡村公益性岗位补贴标准")


@rule("cn.deep_poverty_area_support_2020")
def deep_poverty_area_support(c: Calc) -> None:
    regions = c.p("regions")
    if regions is None:
        c.require(
            pl.lit(None, dtype=pl.Boolean),
            None,
            "",
            "深度贫困地区、安置点所在地区和52个挂牌督战县的清单未设定（参数 cn.deep_poverty_area_support_2020.regions）",
        )
    else:
        c.require(
            in_regions(regions),
            "所在地为就业扶贫工作重点地区：定向投放岗位、扩大乡村公益性岗位、提高政策补贴标准",
            "所在地不在“三区三州”等深度贫困地区、易地扶贫搬迁安置点所在地区或52个挂牌督战县",
        )


@rule("cn.poverty_ui_allowance_2020")
def poverty_ui_allowance(c: Calc) -> None:
    require_poor(c)
    require_ui_allowance_conditions(c)
    capped_allowance(
        c, "cn.poverty_ui_allowance_2020.allowance_monthly", "cn.poverty_ui_allowance_2020.local_ui_benefit_monthly"
    )


@rule("cn.poverty_online_training_subsidy_2020")
def poverty_online_training_subsidy(c: Calc) -> None:
    require_poor(c)
    c.require(
        pl.col("training_course_mode") == "online", "参加线上培训", "未参加线上培训（person.training_course.mode）"
    )
    days = c.col("training_days", pl.col("online_training_days").fill_null(0), "培训天数")
    fee, daily = c.p("training_subsidy"), c.p("living_allowance_daily")
    if fee is None or daily is None:
        pending_amount(
            c,
            "纳入职业培训补贴范围并给予生活费补贴；标准由地方确定（参数 cn.poverty_online_training_subsidy_2020."
            "training_subsidy / living_allowance_daily 未设定）",
        )
    else:
        c.amount(pl.lit(float(fee)) + days * float(daily))
        c.note(pl.format("培训补贴 {} 元 + 生活费 {} 天 × {} 元", pl.lit(fee), days, pl.lit(daily)))
