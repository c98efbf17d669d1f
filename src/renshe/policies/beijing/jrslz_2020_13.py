"""京人社劳字〔2020〕13号 (with 京人社劳字〔2020〕17号 一) — one worker per household caring
for a minor child at home while schools stay closed: wage as if attending; no
dismissal, contract extended to the end of the emergency measures."""

from __future__ import annotations

from typing import Literal

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Date, DayCount, Facts, MonthCount, Strict
from renshe.engine.rules import rule
from renshe.policies.common import date_lit, iso


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class BjChildcare2020(
    Strict
):  # beijing.childcare_leave_wage_2020 / _no_dismissal / _definition / _flexible_work_options
    child_age: MonthCount | None = None
    child_school: Literal["kindergarten", "primary", "secondary", "college", "none"] | None = None
    school_opening_postponed: bool = True
    designated_household_carer: bool | None = None
    care_days: DayCount | None = None
    arrangement: Literal["leave", "remote", "flexible_hours", "rest_day_swap"] = "leave"


class PersonFacts(Facts, entity="person"):
    contract_end_date: Date | None = None
    bj_childcare_2020: BjChildcare2020 | None = None  # beijing.childcare_leave_wage_2020, childcare_no_dismissal_2020 …


WAGE = "beijing.childcare_leave_wage_2020."


def require_qualifying_child(c: Calc) -> None:
    """京人社劳字〔2020〕17号 一: a minor in primary/secondary school or kindergarten whose opening is postponed."""
    age = pl.col("bj_childcare_2020_child_age")
    c.require(
        age < c.p(WAGE + "minor_age_below"),
        pl.format("子女 {} 周岁，未成年", age),
        pl.format("子女已满 {} 周岁，非未成年子女", pl.lit(c.p(WAGE + "minor_age_below"))),
        "需提供看护子女情况（person.bj_childcare_2020）",
    )
    schools = c.p(WAGE + "schools")
    c.require(
        pl.col("bj_childcare_2020_child_school").is_in(schools) & pl.col("bj_childcare_2020_school_opening_postponed"),
        "子女就读的中小学或幼儿园推迟开学，需在家看护",
        "子女不属于因中小学和幼儿园推迟开学需在家看护的情形（大专院校学生不在此列）",
    )
    c.require(
        pl.col("bj_childcare_2020_designated_household_carer"),
        "本户确定由该职工一人在家看护",
        "每户家庭仅可有一名职工在家看护未成年子女，该职工未被确定为本户看护人",
        "需说明是否为本户唯一看护职工",
    )


@rule("beijing.childcare_leave_wage_2020")
def childcare_leave_wage(c: Calc) -> None:
    require_qualifying_child(c)
    c.require(
        pl.col("bj_childcare_2020_arrangement") == "leave",
        None,
        "企业已安排远程办公或弹性工作，按正常劳动支付（见 beijing.childcare_flexible_work_options_2020）",
    )
    wage = c.col("normal_monthly_wage", pl.col("normal_monthly_wage"), "正常出勤月工资")
    c.amount(wage, unit="CNY/month")
    c.note("视为因政府实施隔离措施或其他紧急措施不能提供正常劳动，看护期间工资由企业按出勤照发")
    c.note("需提供正常出勤月工资（person.normal_monthly_wage）以计算金额", when=wage.is_null())
    c.note(
        pl.format("看护 {} 天，期间按出勤计发", pl.col("bj_childcare_2020_care_days")),
        when=pl.col("bj_childcare_2020_care_days").is_not_null(),
    )


@rule("beijing.childcare_no_dismissal_2020")
def childcare_no_dismissal(c: Calc) -> None:
    require_qualifying_child(c)
    end = c.p("beijing.childcare_no_dismissal_2020.emergency_measures_end_date")
    contract_end = pl.col("contract_end_date")
    c.note("看护期间企业不得解除劳动合同")
    if end is None:
        c.output("deadline", pl.lit(None, dtype=pl.String))
        c.note(
            "劳动合同在看护期间到期的，顺延至政府隔离措施或其他紧急措施结束（参数 "
            "beijing.childcare_no_dismissal_2020.emergency_measures_end_date 未设定，顺延期尚未结束）",
            when=contract_end.is_not_null(),
        )
    else:
        stop = date_lit(end)
        later = pl.when(contract_end.is_not_null() & (contract_end < stop)).then(stop).otherwise(contract_end)
        c.output("deadline", iso(later))
        c.note(pl.format("劳动合同顺延至 {}", iso(later)), when=contract_end < stop)
