"""人社厅明电〔2020〕8号 — 疫情防控期间人力资源市场管理 (HR market management):
suspension of gatherings, later annual-report deadlines, integrity models and
the blacklist."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from renshe.engine.calc import Calc
from renshe.engine.case import Date, Facts
from renshe.engine.rules import rule
from renshe.policies.cn.rsbmd_2020_2 import EVENT_NAMES, require_no_suspended_events
from renshe.policies.common import as_date, iso, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class AgencyFacts(Facts, entity="agency"):
    annual_report_due: Date | None = None  # cn.hr_agency_annual_report_extension_2020
    served_frontline_units: bool = False  # cn.hr_agency_integrity_model_priority_2020
    market_violations: list[Literal["price_gouging", "employment_discrimination", "false_job_information"]] = Field(
        default_factory=list
    )  # cn.hr_agency_blacklist_2020


VIOLATIONS = {
    "price_gouging": "哄抬服务价格",
    "employment_discrimination": "就业歧视",
    "false_job_information": "发布虚假就业信息",
}


@rule("cn.hr_agency_onsite_event_suspension_2020")
def onsite_event_suspension(c: Calc) -> None:
    resume = as_date(c.p("resumption_date"))
    require_no_suspended_events(
        c,
        c.p("suspended_kinds"),
        as_date(c.p("from")),
        resume,
        EVENT_NAMES,
        "暂停现场招聘会等聚集性活动（恢复时间由各地安排"
        + ("" if resume is None else f"，{resume.isoformat()} 起恢复")
        + "）",
    )


@rule("cn.hr_agency_annual_report_extension_2020")
def annual_report_extension(c: Calc) -> None:
    due = pl.col("annual_report_due")
    require_fact(
        c, due, missing="缺少年度报告公示原定期限（agency.annual_report_due）", facts=("agency.annual_report_due",)
    )
    days = c.p("extension_days")
    n = 0 if days is None else int(days)
    end = c.col("report_deadline", due + pl.duration(days=n), "延长后的期限")
    c.output("deadline", iso(end))
    c.amount(pl.lit(float(n)), "days")
    c.note(
        f"可适当延长：延长 {n} 天"
        + ("（参数 cn.hr_agency_annual_report_extension_2020.extension_days 未设定，按0天）" if days is None else "")
    )


@rule("cn.hr_agency_integrity_model_priority_2020")
def integrity_model_priority(c: Calc) -> None:
    c.require(
        pl.col("served_frontline_units") & (pl.col("market_violations").list.len().fill_null(0) == 0),
        "为疫情防控一线企业、单位提供优质服务：可优先纳入诚信示范典型，加大表彰、宣传和扶持力度",
        "未经认定为疫情防控一线企业、单位提供优质服务（agency.served_frontline_units），或存在违法违规行为",
    )


@rule("cn.hr_agency_blacklist_2020")
def blacklist(c: Calc) -> None:
    found = (
        pl.col("market_violations")
        .list.eval(pl.element().replace_strict(VIOLATIONS, default=pl.element()))
        .list.join("、")
    )
    c.require(
        pl.col("market_violations").list.len().fill_null(0) > 0,
        pl.format("存在{}等违法违规行为：依法查处，失信机构纳入“黑名单”，不享受扶持政策", found),
        "未发现哄抬服务价格、就业歧视、发布虚假就业信息等违法违规行为",
    )
