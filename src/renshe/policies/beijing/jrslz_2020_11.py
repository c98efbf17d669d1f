"""京人社劳字〔2020〕11号 — keeping labour relations stable (维护劳动关系稳定):
annual leave (年休假), standby living allowance (待岗基本生活费) and sick pay
(病假工资) floors."""

from __future__ import annotations

from typing import Literal

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Date, DayCount, Facts, Money, Strict
from renshe.engine.rules import rule


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class ProtectedPeriod(Strict):  # beijing.contract_expiry_extension_quarantine_2020
    kind: Literal["medical_period", "medical_observation", "isolation", "emergency_measures"]
    start: Date
    end: Date | None = None


class PersonFacts(Facts, entity="person"):
    normal_monthly_wage: Money | None = None
    quarantine_days: DayCount | None = None
    quarantine_cleared: bool | None = None
    stranded_business_trip_days: DayCount | None = None
    protected_period: ProtectedPeriod | None = None
    on_standby: bool | None = (
        None  # beijing.standby_living_allowance_floor: on standby (待岗) by agreement; absent: undetermined
    )
    on_sick_leave: bool | None = (
        None  # beijing.sick_pay_floor: off work sick within the medical period (医疗期); absent: undetermined
    )


@rule("beijing.annual_leave_days")
def annual_leave_days(c: Calc) -> None:
    years = c.col("work_years", pl.col("work_years"), "累计工作年限")
    require_fact(c, years, missing="需提供累计工作年限（person.work_years）", facts=("person.work_years",))
    days = pl.lit(0.0)
    for tier in sorted(c.p("beijing.annual_leave_days.tiers"), key=lambda t: t["min_years"]):
        days = pl.when(years >= tier["min_years"]).then(pl.lit(float(tier["days"]))).otherwise(days)
    c.amount(days, unit="days")
    c.note(pl.format("累计工作 {} 年，年休假 {} 天，期间工资照发", years, days))


def _minimum_wage_share(c: Calc, ratio_name: str, what: str) -> str:
    """The floor (a share of the Beijing minimum wage) is shown whether or not the person's
    situation is known: it does not depend on it (undetermined results still carry it).
    Returns the sentence stating it."""
    wage = c.p("beijing.minimum_wage_monthly")
    ratio = c.p(ratio_name)
    c.amount(pl.lit(float(wage)) * ratio, unit="CNY/month")
    floor = f"{what}不低于本市月最低工资标准 {wage} 元的 {round(ratio * 100)}%"
    c.note(floor)
    return floor


@rule("beijing.standby_living_allowance_floor")
def standby_living_allowance_floor(c: Calc) -> None:
    floor = _minimum_wage_share(c, "beijing.standby_living_allowance_floor.ratio", "待岗期间基本生活费")
    # a standby start given (standby_from) shows the worker is on standby
    standby = pl.coalesce(pl.col("on_standby"), pl.when(pl.col("standby_from").is_not_null()).then(pl.lit(True)))
    c.require(
        standby,
        "经与职工协商一致安排待岗",
        "职工未待岗（person.on_standby）",
        f"未说明职工是否经协商安排待岗（person.on_standby）；待岗的，{floor}",
        facts=("person.on_standby",),
    )


@rule("beijing.sick_pay_floor")
def sick_pay_floor(c: Calc) -> None:
    floor = _minimum_wage_share(c, "beijing.sick_pay_floor.ratio", "医疗期病假工资")
    # a medical period given (medical_period_end, protected_period of kind medical_period) shows sick leave
    medical = pl.col("medical_period_end").is_not_null() | (
        pl.col("protected_period_kind") == "medical_period"
    ).fill_null(False)
    sick = pl.coalesce(pl.col("on_sick_leave"), pl.when(medical).then(pl.lit(True)))
    c.require(
        sick,
        "职工患病停止工作治疗，处于医疗期",
        "职工未在医疗期内病休（person.on_sick_leave）",
        f"未说明职工是否在医疗期内病休（person.on_sick_leave）；病休的，{floor}",
        facts=("person.on_sick_leave",),
    )


# ---- 二: wages during quarantine and stranded business trips (二) -----------------
from renshe.policies.beijing._helpers import per_day  # noqa: E402
from renshe.policies.common import has_group, require_fact  # noqa: E402


def normal_wage_for_days(c: Calc, days_col: str, days_label: str, what: str) -> None:
    """Normal wage for ``days``: monthly wage ÷ 21.75 × days (按正常工作期间工资支付)."""
    wage = c.col("normal_monthly_wage", pl.col("normal_monthly_wage"), "正常工作期间月工资")
    days = c.col(days_col, pl.col(days_col), days_label)
    require_fact(
        c, wage, missing="缺少正常工作期间月工资（person.normal_monthly_wage）", facts=("person.normal_monthly_wage",)
    )
    require_fact(c, days, missing=f"缺少{days_label}（person.{days_col}）", facts=(f"person.{days_col}",))
    daily = c.col("daily_wage", per_day(c, wage), "日工资（月工资 ÷ 21.75）")
    c.amount(daily * days)
    c.note(
        pl.format(
            what + "按正常工作期间工资支付：{} 元 ÷ {} × {} 天",
            wage.round(2),
            pl.lit(c.p("beijing.paid_days_per_month")),
            days,
        )
    )


@rule("beijing.quarantine_wage_2020")
def quarantine_wage(c: Calc) -> None:
    c.require(
        has_group(c.p("beijing.quarantine_wage_2020.groups")),
        "疑似病人或密切接触者",
        "非疑似病人或密切接触者（person.groups 须含 suspected_case 或 close_contact）",
    )
    cleared = pl.col("quarantine_cleared")
    c.require(
        cleared,
        "经隔离、医学观察排除是病人或者病原携带者",
        "经隔离、医学观察未排除是病人或病原携带者：治疗期间按医疗期和病假工资处理",
        "缺少隔离、医学观察结论（person.quarantine_cleared）",
    )
    normal_wage_for_days(c, "quarantine_days", "隔离、医学观察天数", "隔离、医学观察期间工资")


@rule("beijing.stranded_business_trip_wage_2020")
def stranded_business_trip_wage(c: Calc) -> None:
    days = pl.col("stranded_business_trip_days")
    c.require(
        days > 0,
        "执行工作任务的出差职工因疫情未能及时返京",
        "无因疫情未能及时返京的出差天数（person.stranded_business_trip_days）",
        "缺少因疫情未能返京的出差天数（person.stranded_business_trip_days）",
    )
    normal_wage_for_days(c, "stranded_business_trip_days", "因疫情未能返京的出差天数", "未能返京期间工资")
