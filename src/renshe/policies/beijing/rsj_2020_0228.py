"""Beijing notice of 2020-02-28 on real-name dynamic management of workers supplied by
dispatch and HR-service agencies: who is covered (一) and the 3-day reporting cycle (三).

The reporting dates come from ``_dispatch_schedule`` (``current_cycle``, ``deadline``),
which the report intake (services/dispatch.py) uses too, so the schedule is written once."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl
from pydantic import Field

from renshe.engine.calc import Calc
from renshe.engine.case import Facts
from renshe.engine.rules import rule
from renshe.policies.beijing import _dispatch_schedule as schedule
from renshe.policies.common import as_date, as_of


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class AgencyFacts(Facts, entity="agency"):
    bj_licences: list[Literal["labour_dispatch", "hr_service", "job_agency"]] = Field(
        default_factory=list
    )  # beijing.real_name_management_scope_2020, job_intro_service_subsidy_conditions_2020
    bj_supply_channels: list[Literal["dispatch", "outsourcing", "flexible", "intermediation"]] = Field(
        default_factory=list
    )  # beijing.real_name_management_scope_2020


LABELS = {
    "labour_dispatch": "劳务派遣许可证",
    "hr_service": "人力资源服务许可证",
    "job_agency": "职业中介许可",
    "dispatch": "劳务派遣",
    "outsourcing": "人力资源服务外包",
    "flexible": "灵活用工",
    "intermediation": "职业中介",
}


@rule("beijing.real_name_management_scope_2020")
def real_name_management_scope(c: Calc) -> None:
    p = "beijing.real_name_management_scope_2020."
    licences, channels = list(c.p(p + "licences")), list(c.p(p + "channels"))
    held = pl.col("bj_licences").list.set_intersection(pl.lit(licences, dtype=pl.List(pl.String)))
    c.require(
        held.list.len() > 0,
        pl.format("持有{}", held.list.eval(pl.element().replace(LABELS)).list.join("、")),
        "未持有本辖区《劳务派遣许可证》或《人力资源服务许可证》（agency.bj_licences），不在实名动态管理机构范围",
        "需提供机构许可证（agency.bj_licences）",
    )
    used = pl.col("bj_supply_channels").list.set_intersection(pl.lit(channels, dtype=pl.List(pl.String)))
    c.require(
        used.list.len() > 0,
        pl.format("通过{}方式向用人单位输送劳动者", used.list.eval(pl.element().replace(LABELS)).list.join("、")),
        "未通过劳务派遣、人力资源服务外包、灵活用工或职业中介方式向用人单位输送劳动者（agency.bj_supply_channels）",
        "需提供输送方式（agency.bj_supply_channels）",
    )
    c.note("自2020年2月28日起，须对输送的劳动者登记5项信息并实名动态管理（2月28日前输送、仍在岗的劳动者一并纳入）")


@rule("beijing.real_name_reporting_schedule_2020")
def real_name_reporting_schedule(c: Calc) -> None:
    today = as_of(c)
    end = schedule.param("dispatch.reporting_end", today)
    cycle = schedule.current_cycle(dt.datetime.combine(today, dt.time.min))
    due = schedule.deadline(cycle)
    step = schedule.cycle_days(today)
    c.require(pl.lit(end is None or cycle <= as_date(end)), None, f"实名信息报送已于 {end} 截止（另行通知的截止日期）")
    recipient = c.p("beijing.real_name_reporting_schedule_2020.recipient")
    c.output("deadline", pl.lit(cycle.isoformat()))
    c.output("deadline_time", pl.lit(due.strftime("%Y-%m-%d %H:%M")))
    c.output("recipient", pl.lit(recipient))
    c.amount(pl.lit(float((cycle - today).days)), unit="days")
    c.note(
        f"每 {step} 天报送一次（自 {schedule.first_report_date().isoformat()} 起），下一报送日 {cycle.isoformat()}，"
        f"须在当日 {due.strftime('%H:%M')} 前将5项信息数据电子版发送至{recipient}"
    )
