"""人社部明电〔2020〕4号 — point-to-point return of migrant workers (农民工返岗复工“点对点”):
pre-departure screening, charter-fare subsidies, health check on arrival."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Facts, Money
from renshe.engine.rules import rule
from renshe.policies.common import num


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class PersonFacts(Facts, entity="person"):
    predeparture_temperature_normal: bool | None = None  # cn.migrant_p2p_predeparture_screening_2020
    close_contact_hit: bool | None = None  # cn.migrant_p2p_predeparture_screening_2020
    p2p_charter_registered: bool | None = None  # cn.migrant_p2p_charter_fare_subsidy_2020
    charter_fare: Money | None = None  # cn.migrant_p2p_charter_fare_subsidy_2020
    symptoms_14d_before_departure: bool | None = None  # cn.migrant_p2p_arrival_health_check_2020
    symptoms_en_route: bool | None = None  # cn.migrant_p2p_arrival_health_check_2020
    arrival_temperature_normal: bool | None = None  # cn.migrant_p2p_arrival_health_check_2020
    current_symptoms: bool | None = None  # cn.migrant_p2p_arrival_health_check_2020


@rule("cn.migrant_p2p_predeparture_screening_2020")
def predeparture_screening(c: Calc) -> None:
    c.require(
        pl.col("predeparture_temperature_normal"),
        "行前体温检测正常",
        "行前体温检测异常：及时报告处置，暂不外出",
        "需提供行前体温检测结果（person.predeparture_temperature_normal）",
    )
    c.require(
        ~pl.col("close_contact_hit"),
        "同行密接自查、同乘接触者查询未见异常",
        "同行密接自查或同乘接触者查询命中：阻断外出，报告卫生健康部门",
        "需提供同行密接查询结果（person.close_contact_hit）",
    )
    c.note("可以乘坐“点对点”集中返岗交通工具外出")


@rule("cn.migrant_p2p_charter_fare_subsidy_2020")
def charter_fare_subsidy(c: Calc) -> None:
    c.require(
        pl.col("p2p_charter_registered"),
        "乘坐登记的“点对点”返岗包车",
        "未乘坐登记的“点对点”返岗包车",
        "需提供是否乘坐登记的点对点包车（person.p2p_charter_registered）",
    )
    fare = pl.col("charter_fare")
    share = c.p("fare_subsidy_share")
    c.amount(fare * num(share))
    c.output("charter_fare", fare)
    if share is None:
        c.note(
            "补贴比例由输入地或输出地政府确定（政府购买服务时全额）：请设置 "
            "cn.migrant_p2p_charter_fare_subsidy_2020.fare_subsidy_share；用工企业承担的费用另行登记"
        )
    else:
        c.note(pl.format("包车费用 {} 元，政府补贴 {}%", fare, pl.lit(share * 100)))


@rule("cn.migrant_p2p_arrival_health_check_2020")
def arrival_health_check(c: Calc) -> None:
    days = c.p("symptom_free_days_before_departure")
    symptoms = pl.col("current_symptoms")
    c.require(
        ~symptoms,
        None,
        "出现发热、乏力、咳嗽等不适症状：应立即隔离观察，及时送诊排查，暂不上岗",
        "需提供到岗时是否有症状（person.current_symptoms）",
    )
    c.require(
        pl.col("arrival_temperature_normal"),
        "到岗体温测量正常",
        "体温测量异常，暂不上岗",
        "需提供到岗体温测量结果（person.arrival_temperature_normal）",
    )
    c.require(
        ~pl.col("symptoms_14d_before_departure"),
        f"行前{days}天内无相关症状",
        f"行前{days}天内有相关症状，待达到当地防疫要求后再上岗",
        f"需提供行前{days}天内是否有症状（person.symptoms_14d_before_departure）",
    )
    c.require(
        ~pl.col("symptoms_en_route"),
        "在途无相关症状",
        "在途出现相关症状，待达到当地防疫要求后再上岗",
        "需提供在途是否有症状（person.symptoms_en_route）",
    )
    mode = (
        pl.when(symptoms.fill_null(False))
        .then(pl.lit("isolate_and_refer"))
        .when(
            pl.col("arrival_temperature_normal").fill_null(False)
            & ~pl.col("symptoms_14d_before_departure").fill_null(True)
            & ~pl.col("symptoms_en_route").fill_null(True)
        )
        .then(pl.lit("may_start_work"))
        .otherwise(pl.lit("hold"))
    )
    c.output("mode", mode)
    c.note("可以上岗，要尽快复工")
