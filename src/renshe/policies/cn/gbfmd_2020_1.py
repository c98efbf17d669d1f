"""国办发明电〔2020〕1号 — 延长2020年春节假期 (extension of the 2020 Spring
Festival holiday to 2020-02-02), 推迟开学 (school opening postponed) and the
pay of workers kept at work by epidemic control during the holiday."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from renshe.engine.calc import Calc
from renshe.engine.case import Date, Facts, Money
from renshe.engine.rules import rule
from renshe.policies.common import as_date, as_of, known, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class PersonFacts(Facts, entity="person"):
    spring_festival_holiday_dates_worked: list[Date] = Field(default_factory=list)  # cn.holiday_work_compensation_2020
    daily_wage: Money | None = None  # cn.holiday_work_compensation_2020, cn.quarantine_wage_2020
    child_school_type: Literal["university", "school", "kindergarten"] | None = None  # cn.school_opening_postponed_2020


@rule("cn.spring_festival_extension_2020")
def spring_festival_extension(c: Calc) -> None:
    orig_from = as_date(c.p("holiday_original_from"))
    orig_to = as_date(c.p("holiday_original_to"))
    end = as_date(c.p("holiday_end"))
    resumes = as_date(c.p("work_resumes"))
    added = (end - orig_to).days
    c.amount(pl.lit(added), "days")
    c.output("deadline", pl.lit(end.isoformat()))
    c.output("work_resumes", pl.lit(resumes.isoformat()))
    c.note(
        f"春节假期 {orig_from.isoformat()} 至 {end.isoformat()}（延长 {added} 天：{orig_to.isoformat()} 之后至 "
        f"{end.isoformat()}，按休息日对待），{resumes.isoformat()} 起正常上班；地方另有推迟复工规定的从其规定"
    )


@rule("cn.school_opening_postponed_2020")
def school_opening_postponed(c: Calc) -> None:
    kinds = {"university": "大专院校", "school": "中小学", "kindergarten": "幼儿园"}
    school = pl.col("child_school_type")
    c.require(
        known(school),
        pl.format("子女在{}就读", school.replace_strict(kinds, default="学校")),
        "未填写子女就读学校类型（person.child_school_type）",
        "未填写子女就读学校类型（person.child_school_type）",
        facts=("person.child_school_type",),
    )
    reopen = as_date(c.p("school_reopening_date"))
    if reopen is None:
        c.note(
            "开学时间由教育部门另行通知；参数 cn.school_opening_postponed_2020.school_reopening_date 未设定，视为仍在推迟开学期间"
        )
        c.output("deadline", pl.lit(None, dtype=pl.String))
    else:
        c.require(
            pl.lit(as_of(c) < reopen),
            f"推迟开学至 {reopen.isoformat()}，测算日仍在推迟期间",
            f"已于 {reopen.isoformat()} 开学，测算日 {as_of(c).isoformat()} 不在推迟开学期间",
        )
        c.output("deadline", pl.lit(reopen.isoformat()))


@rule("cn.holiday_work_compensation_2020")
def holiday_work_compensation(c: Calc) -> None:
    p = "cn.spring_festival_extension_2020."
    start, end = as_date(c.p(p + "holiday_original_from")), as_date(c.p(p + "holiday_end"))
    s_from, s_to = as_date(c.p("statutory_holiday_from")), as_date(c.p("statutory_holiday_to"))
    dates = pl.col("spring_festival_holiday_dates_worked").list.unique()
    in_holiday = c.col(
        "holiday_days_worked",
        dates.list.eval(pl.element().is_between(pl.lit(start), pl.lit(end))).list.sum().fill_null(0),
        f"{start.isoformat()}至{end.isoformat()}假期内工作天数",
    )
    statutory = c.col(
        "statutory_days_worked",
        dates.list.eval(pl.element().is_between(pl.lit(s_from), pl.lit(s_to))).list.sum().fill_null(0),
        "其中法定节假日（正月初一至初三）工作天数",
    )
    rest = c.col("rest_days_worked", in_holiday - statutory, "其中休息日（含延长假期）工作天数")
    comp = c.col("comp_rest_given", pl.col("compensatory_days_granted").fill_null(0), "已安排补休天数")
    wage = pl.col("daily_wage")
    c.require(
        in_holiday > 0,
        pl.format("春节假期内因疫情防控工作 {} 天", in_holiday),
        "春节假期（2020-01-24至2020-02-02）内无工作日期（person.spring_festival_holiday_dates_worked）",
    )
    require_fact(c, wage, missing="缺少日工资（person.daily_wage）", facts=("person.daily_wage",))
    unrested = c.col("rest_days_without_comp", (rest - comp).clip(lower_bound=0), "未安排补休的休息日天数")
    s_rate, r_rate = c.p("statutory_holiday_premium"), c.p("rest_day_premium")
    c.amount(wage * statutory * s_rate + wage * unrested * r_rate)
    c.output("owed_comp_rest_days", unrested)
    c.note(
        pl.format(
            "法定节假日工作 {} 天 × 日工资 {} × {}%（不得以补休代替）；休息日工作 {} 天、已补休 {} 天，"
            "未补休的 {} 天应安排补休，不能补休的按 {}% 支付",
            statutory,
            wage,
            pl.lit(s_rate * 100),
            rest,
            comp,
            unrested,
            pl.lit(r_rate * 100),
        )
    )
