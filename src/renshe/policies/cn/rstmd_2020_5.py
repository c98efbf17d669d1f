"""人社厅明电〔2020〕5号 — 疫情防控期间劳动关系问题 (labour relations during the
epidemic): pay during isolation/observation, the art. 40/41 dismissal ban, the
extension of expiring contracts, job-retention measures by agreement, stoppage
pay, and the suspension of arbitration time limits."""

from __future__ import annotations

from typing import Literal

import polars as pl

from renshe.domain.regions import jurisdiction_flags
from renshe.engine.calc import Calc, add_months, days_between
from renshe.engine.case import Date, DayCount, Facts, Money, Strict
from renshe.engine.rules import rule
from renshe.policies.cn._helpers import BEIJING, local_minimum_wage
from renshe.policies.common import iso, known, num, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class ContractTermination(Strict):  # cn.quarantine_dismissal_ban_2020, cn.no_dismissal_unable_to_return_2020
    date: Date
    basis: Literal["lcl_36_mutual", "lcl_39", "lcl_40", "lcl_41", "unable_to_return", "dispatch_return", "other"]


class WorkStoppage(Strict):  # cn.stoppage_wage_2020
    start: Date
    end: Date
    contract_monthly_wage: Money
    worked_normally: bool = False


class LabourDispute(Strict):  # cn.arbitration_limitation_suspension_2020, cn.arbitration_hearing_extension_2020
    limitation_start: Date | None = None
    obstacle_start: Date | None = None
    obstacle_end: Date | None = None
    accepted_on: Date | None = None
    extended_by_chair: bool = False
    epidemic_delay_days: DayCount = 0


class EnterpriseFacts(Facts, entity="enterprise"):
    job_retention_measure_agreed: bool | None = None  # cn.difficulty_job_retention_measures_2020


class PersonFacts(Facts, entity="person"):
    contract_termination: ContractTermination | None = (
        None  # cn.quarantine_dismissal_ban_2020, cn.no_dismissal_unable_to_return_2020
    )
    work_stoppage: WorkStoppage | None = None  # cn.stoppage_wage_2020
    labour_dispute: LabourDispute | None = None  # cn.arbitration_*_2020


KINDS = {
    "medical_period": "医疗期",
    "medical_observation": "医学观察期",
    "isolation": "隔离期",
    "emergency_measures": "政府紧急措施期间",
}


def period_kind() -> pl.Expr:
    return pl.col("protected_period_kind").replace_strict(KINDS, default="隔离等期间")


@rule("cn.quarantine_wage_2020")
def quarantine_wage(c: Calc) -> None:
    kind = pl.col("protected_period_kind")
    start, end = pl.col("protected_period_start"), pl.col("protected_period_end")
    c.require(
        pl.when(kind.is_not_null()).then(kind.is_in(c.p("paid_kinds"))),
        pl.format("{}不能提供正常劳动", period_kind()),
        "不在隔离治疗、医学观察或政府隔离/紧急措施期间（person.protected_period；医疗期按病假工资规定）",
        "缺少隔离/医学观察期间（person.protected_period）",
        facts=("person.protected_period",),
    )
    days = c.col(
        "days_unable_to_work",
        pl.coalesce(pl.col("quarantine_days").cast(pl.Int64), ((end - start).dt.total_days() + 1).cast(pl.Int64)),
        "不能提供正常劳动的天数",
    )
    wage = pl.col("daily_wage")
    c.require(
        days > 0,
        None,
        "期间天数为 0（person.quarantine_days 或 protected_period 的起止日）",
        "缺少期间天数（person.quarantine_days 或 protected_period 的起止日）",
        facts=("person.quarantine_days", "person.protected_period.end"),
    )
    require_fact(c, wage, missing="缺少正常工作时的日工资（person.daily_wage）", facts=("person.daily_wage",))
    c.amount(wage * days)
    c.note(pl.format("企业应支付此期间的工作报酬（按正常劳动工资）：{} 天 × {} 元", days, wage))


@rule("cn.quarantine_dismissal_ban_2020")
def quarantine_dismissal_ban(c: Calc) -> None:
    start, end = pl.col("protected_period_start"), pl.col("protected_period_end")
    c.require(
        pl.when(start.is_not_null()).then(pl.col("protected_period_kind") != "medical_period"),
        pl.format("{}内：不得依据劳动合同法第四十条、四十一条解除劳动合同", period_kind()),
        "不在隔离治疗、医学观察或政府紧急措施期间（person.protected_period）",
        "缺少隔离治疗、医学观察或政府紧急措施期间（person.protected_period）",
        facts=("person.protected_period",),
    )
    date, basis = pl.col("contract_termination_date"), pl.col("contract_termination_basis")
    inside = (date >= start) & (end.is_null() | (date <= end))
    barred = basis.is_in(c.p("barred_bases")) & inside
    c.output("termination_allowed", pl.when(date.is_null()).then(None).otherwise(~barred))
    c.note(
        pl.when(barred).then(
            pl.format(
                "{} 依据劳动合同法第{}条的解除不符合本条规定",
                date,
                basis.str.slice(4).replace({"40": "四十", "41": "四十一"}),
            )
        )
    )


@rule("cn.quarantine_contract_extension_2020")
def quarantine_contract_extension(c: Calc) -> None:
    start, end = pl.col("protected_period_start"), pl.col("protected_period_end")
    contract_end = pl.col("contract_end_date")
    require_fact(
        c,
        start,
        missing="缺少医疗期、医学观察期、隔离期或政府紧急措施期间（person.protected_period）",
        facts=("person.protected_period",),
    )
    require_fact(
        c, contract_end, missing="缺少劳动合同到期日（person.contract_end_date）", facts=("person.contract_end_date",)
    )
    inside = (contract_end >= start) & (end.is_null() | (contract_end <= end))
    c.require(
        inside,
        pl.format("劳动合同于 {} 到期，在{}内", contract_end, period_kind()),
        pl.format("劳动合同到期日 {} 不在{}内，不顺延", contract_end, period_kind()),
    )
    c.output("deadline", iso(end))
    c.note(
        pl.when(end.is_null())
        .then(pl.format("顺延至{}期满（尚未结束）", period_kind()))
        .otherwise(pl.format("顺延至{}期满：{}", period_kind(), iso(end)))
    )


@rule("cn.difficulty_job_retention_measures_2020")
def difficulty_job_retention_measures(c: Calc) -> None:
    c.require(
        pl.col("flag_epidemic_affected") | pl.col("flag_severe_difficulty"),
        "因受疫情影响导致生产经营困难",
        "未认定受疫情影响导致生产经营困难",
    )
    c.require(
        pl.col("job_retention_measure_agreed"),
        "已与职工协商一致：可调整薪酬、轮岗轮休、缩短工时，尽量不裁员或少裁员",
        "未与职工协商一致：不能单方调整薪酬、轮岗轮休或缩短工时",
        "未说明是否与职工协商一致（enterprise.job_retention_measure_agreed）",
    )


@rule("cn.stoppage_wage_2020")
def stoppage_wage(c: Calc) -> None:
    start, end = pl.col("work_stoppage_start"), pl.col("work_stoppage_end")
    wage = pl.col("work_stoppage_contract_monthly_wage")
    c.require(known(start), None, "缺少停工停产期间（person.work_stoppage）", facts=("person.work_stoppage",))
    cycle = int(c.p("pay_cycle_months"))
    # wage-payment cycles run from the stoppage start: cycle k covers start + k cycles .. the day
    # before start + (k + 1) cycles. ``begun``: cycles begun by the stoppage end (≥ 1).
    begun = c.col(
        "cycles_begun", pl.date_ranges(start, end, interval=f"{cycle}mo").list.len(), "停工停产期间开始的工资支付周期数"
    )
    first_end = c.col("first_cycle_end", add_months(start, cycle).dt.offset_by("-1d"), "第一个工资支付周期末日")
    # the last cycle begun is paid pro rata for its calendar days up to the stoppage end
    last_start = add_months(start, (begun - 1) * cycle)
    last_days = c.col("last_cycle_days", days_between(last_start, end) + 1, "最后一个周期内的停工停产天数")
    last_length = c.col(
        "last_cycle_length", days_between(last_start, add_months(start, begun * cycle)), "最后一个周期的天数"
    )
    share = last_days.cast(pl.Float64) / last_length
    first_share = c.col(
        "first_cycle_share", pl.when(begun == 1).then(share).otherwise(1.0), "第一个周期内停工停产天数占周期天数的比例"
    )
    later = c.col(
        "later_cycles",
        pl.when(begun > 1).then(begun - 2 + share).otherwise(0.0),
        "第一个工资支付周期后的周期数（末周期按天折算）",
    )
    in_beijing = jurisdiction_flags(pl.col("region"))[BEIJING]
    min_wage = c.col("minimum_wage", local_minimum_wage(c, "minimum_wage_monthly"), "当地月最低工资标准")
    ratio = (
        pl.when(in_beijing)
        .then(num(c.p("beijing.standby_living_allowance_floor.ratio")))
        .otherwise(num(c.p("living_allowance_ratio")))
    )
    worked = pl.col("work_stoppage_worked_normally").fill_null(False)
    floor = c.col(
        "floor_per_month",
        pl.when(worked).then(min_wage).otherwise(min_wage * ratio),
        "第一个周期后每月的工资（提供正常劳动）或生活费下限",
    )
    first = c.col("first_cycle_wage", wage * first_share, "第一个工资支付周期内按劳动合同标准支付的工资")
    c.output("deadline", iso(first_end))
    c.output(
        "mode",
        pl.when(later == 0)
        .then(pl.lit("contract_wage"))
        .when(worked)
        .then(pl.lit("minimum_wage"))
        .otherwise(pl.lit("living_allowance")),
    )
    c.amount(pl.when(later == 0).then(first).otherwise(first + later * cycle * floor))
    c.note(
        pl.format(
            "第一个工资支付周期（{} 至 {}）按劳动合同标准支付：{} 元/月 × {} 天 / {} 天 = {} 元",
            iso(start),
            iso(first_end),
            wage,
            last_days,
            last_length,
            first.round(2),
        ),
        when=begun == 1,
    )
    c.note(pl.format("第一个工资支付周期（至 {}）按劳动合同标准支付 {} 元", iso(first_end), wage), when=begun > 1)
    c.note(
        pl.format("其后 {} 个周期（末周期按天折算）：提供正常劳动的不低于最低工资 {} 元/月", later.round(4), min_wage),
        when=(later > 0) & worked,
    )
    c.note(
        pl.format(
            "其后 {} 个周期（末周期按天折算）：未提供正常劳动的发放生活费 {} 元/月", later.round(4), floor.round(2)
        ),
        when=(later > 0) & ~worked & floor.is_not_null(),
    )
    beijing_ratio = c.p("beijing.standby_living_allowance_floor.ratio")
    c.note(
        f"北京市：待岗期间按不低于本市最低工资标准的{round(beijing_ratio * 100)}%支付基本生活费（京人社劳字〔2020〕11号 二）",
        when=(later > 0) & ~worked & in_beijing,
    )
    c.note(
        "最低工资标准或生活费办法未设定（参数 cn.stoppage_wage_2020.minimum_wage_monthly / living_allowance_ratio），"
        "超过一个周期部分的金额待核定",
        when=(later > 0) & floor.is_null(),
    )


@rule("cn.arbitration_limitation_suspension_2020")
def arbitration_limitation_suspension(c: Calc) -> None:
    start = pl.col("labour_dispute_limitation_start")
    o_start, o_end = pl.col("labour_dispute_obstacle_start"), pl.col("labour_dispute_obstacle_end")
    require_fact(
        c,
        start,
        missing="缺少知道或应当知道权利被侵害之日（person.labour_dispute.limitation_start）",
        facts=("person.labour_dispute.limitation_start",),
    )
    years = int(c.p("limitation_years"))
    plain = c.col("plain_deadline", start.dt.offset_by(f"{years}y"), "未中止时的仲裁时效届满日")
    from_ = pl.max_horizontal(o_start, start)
    suspended = c.col(
        "suspended_days",
        pl.when(o_start.is_not_null() & o_end.is_not_null() & (o_start <= plain))
        .then((o_end - from_).dt.total_days().clip(lower_bound=0))
        .otherwise(0),
        "时效中止天数",
    )
    deadline = c.col("deadline_date", plain + pl.duration(days=suspended), "仲裁时效届满日")
    c.output("deadline", iso(deadline))
    c.amount(suspended, "days")
    c.note(
        pl.format(
            "仲裁时效 {} 年自 {} 起算；因疫情中止 {} 天，至 {} 届满", pl.lit(years), start, suspended, iso(deadline)
        )
    )


@rule("cn.arbitration_hearing_extension_2020")
def arbitration_hearing_extension(c: Calc) -> None:
    accepted = pl.col("labour_dispute_accepted_on")
    require_fact(
        c,
        accepted,
        missing="缺少仲裁受理日期（person.labour_dispute.accepted_on）",
        facts=("person.labour_dispute.accepted_on",),
    )
    base, extra = int(c.p("hearing_limit_days")), int(c.p("chair_extension_days"))
    delay = pl.col("labour_dispute_epidemic_delay_days").fill_null(0)
    days = c.col(
        "hearing_days",
        pl.lit(base) + pl.when(pl.col("labour_dispute_extended_by_chair")).then(extra).otherwise(0) + delay,
        "审理期限（天）",
    )
    deadline = c.col("award_deadline", accepted + pl.duration(days=days), "审理期限届满日")
    c.output("deadline", iso(deadline))
    c.amount(days, "days")
    c.note(pl.format("自受理起 {} 天（含因疫情顺延 {} 天），至 {}", days, delay, iso(deadline)))
