"""京政发〔2020〕3号 — 疫情防控期间本市企业灵活安排工作: enterprises essential to
epidemic control, city operation and daily life keep normal on-site work until
2020-02-09 24:00 (一); workers who left Hubei within 14 days before arriving in
Beijing undergo supervised medical observation (三)."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Facts
from renshe.engine.rules import rule
from renshe.policies.beijing._helpers import hubei_exposure
from renshe.policies.common import flag, in_industries, iso, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class EnterpriseFacts(Facts, entity="enterprise", flags=("essential_operations",)):
    """Flags an authority confirms (enterprise.flags)."""


@rule("beijing.essential_enterprise_onsite_work_2020")
def essential_enterprise_onsite_work(c: Calc) -> None:
    essential = flag("essential_operations")
    hint = in_industries(c.p("beijing.essential_enterprise_onsite_work_2020.industry_hints"))
    c.require(
        essential,
        "疫情防控、城市运行、群众生活必需或重点项目等企业：2月9日24时前应当安排职工正常到单位上班，并加强体温检测和健康防护",
        "不属于经认定的疫情防控、城市运行、群众生活必需等企业（flag essential_operations）：2月9日24时前应安排职工在家上班或错时、弹性上班",
    )
    c.output("mode", pl.when(essential).then(pl.lit("onsite")).otherwise(pl.lit("remote_or_flexible")))
    c.output("deadline", pl.lit(c.p("beijing.essential_enterprise_onsite_work_2020.window_end")))
    c.note(pl.format("行业代码 {} 属于所列必需行业的常见代码", pl.col("industry")), when=hint)


@rule("beijing.hubei_returnee_medical_observation_2020")
def hubei_returnee_medical_observation(c: Calc) -> None:
    lookback = c.p("beijing.hubei_returnee_medical_observation_2020.lookback_days")
    gap, arrival = hubei_exposure(c)
    require_fact(
        c, arrival, missing="缺少返京日期（person.arrival_beijing_date）", facts=("person.arrival_beijing_date",)
    )
    required = ((gap >= 0) & (gap <= lookback)).fill_null(False)
    c.require(
        required,
        pl.format("到京前 {} 日离开湖北地区或接触湖北地区人员：须按京政办发〔2020〕4号严格落实监督性医学观察", gap),
        pl.format("到京前 {} 日内未离开湖北地区、无湖北地区人员接触史", pl.lit(lookback)),
    )
    c.output("deadline", iso(arrival + pl.duration(days=lookback)))
