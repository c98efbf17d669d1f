"""建金〔2020〕23号 — housing provident fund support (住房公积金阶段性支持政策):
deferral by affected enterprises, no overdue status for affected borrowers,
higher rent withdrawals, voluntary contribution in the hardest-hit areas."""

from __future__ import annotations

import datetime as dt

import polars as pl
from pydantic import Field

from renshe.domain.regions import jurisdiction_flags
from renshe.engine.calc import Calc, month_index
from renshe.engine.case import Date, Facts, Money, Month, Rate, Strict
from renshe.engine.rules import rule
from renshe.policies.cn._helpers import BEIJING
from renshe.policies.common import in_regions, num, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class MonthSpan(Strict):  # cn.housing_fund_deferral_2020
    first_month: Month
    last_month: Month


class HousingFundInstallment(Strict):  # cn.housing_fund_loan_no_overdue_2020
    due_date: Date
    amount: Money


class EnterpriseFacts(Facts, entity="enterprise"):
    hpf_deferral: MonthSpan | None = None  # cn.housing_fund_deferral_2020
    hpf_consultation_done: bool | None = None  # cn.housing_fund_voluntary_contribution_2020
    hpf_rate_chosen: Rate | None = None  # cn.housing_fund_voluntary_contribution_2020 (percent)


class PersonFacts(Facts, entity="person"):
    hpf_epidemic_affected: bool | None = None  # cn.housing_fund_loan_no_overdue_2020
    hpf_missed_installments: list[HousingFundInstallment] = Field(
        default_factory=list
    )  # cn.housing_fund_loan_no_overdue_2020
    hpf_balance: Money | None = None  # cn.housing_fund_rent_withdrawal_2020
    rent_paid_monthly: Money | None = None  # cn.housing_fund_rent_withdrawal_2020


@rule("cn.housing_fund_deferral_2020")
def housing_fund_deferral(c: Calc) -> None:
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响的企业", "未经确认受疫情影响")
    first, last = pl.col("hpf_deferral_first_month"), pl.col("hpf_deferral_last_month")
    require_fact(
        c,
        first,
        missing="需提供缓缴申请（enterprise.hpf_deferral：first_month、last_month）",
        facts=("enterprise.hpf_deferral",),
    )
    cap = c.p("last_month")
    c.require(first <= cap, None, f"缓缴月份须在 {cap} 及以前（2020年6月30日前缓缴）")
    end = c.col("deferred_to", pl.min_horizontal(last, pl.lit(cap)), "缓缴最后月份（不晚于2020年6月）")
    n = c.col("deferred_months", month_index(end) - month_index(first) + 1, "缓缴月数")
    c.period(first, end)
    c.output("deferred_months", n)
    c.output("deadline", pl.lit(str(c.p("deferral_end"))))
    c.output("contribution_continuous", pl.lit(True))
    c.note(
        pl.format(
            "{} 至 {} 共 {} 个月住房公积金缓缴，缓缴期间缴存时间连续计算，不影响职工正常提取和申请贷款", first, end, n
        )
    )
    c.note(pl.when(last > cap).then(pl.format("申请至 {}，超过2020年6月的部分不在缓缴范围", last)))


@rule("cn.housing_fund_loan_no_overdue_2020")
def housing_fund_loan_no_overdue(c: Calc) -> None:
    c.require(
        pl.col("hpf_epidemic_affected"),
        "经公积金中心确认受疫情影响",
        "未经公积金中心确认受疫情影响",
        "需提供是否受疫情影响（person.hpf_epidemic_affected）",
    )
    cutoff = dt.date.fromisoformat(str(c.p("cutoff")))
    protected = c.col(
        "protected_installments",
        c.aggregate("hpf_missed_installments", pl.len(), where=pl.col("due_date") <= cutoff, default=0).cast(pl.Int64),
        "2020年6月30日前应还未还的期数",
    )
    amount = c.col(
        "protected_amount",
        c.aggregate("hpf_missed_installments", pl.col("amount").sum(), where=pl.col("due_date") <= cutoff, default=0.0),
        "不作逾期处理的金额",
    )
    later = c.aggregate("hpf_missed_installments", pl.len(), where=pl.col("due_date") > cutoff, default=0).cast(
        pl.Int64
    )
    c.require(protected > 0, None, "没有2020年6月30日前不能正常偿还的住房公积金贷款（person.hpf_missed_installments）")
    c.output("protected_installments", protected)
    c.output("protected_amount", amount)
    c.output("installments_after_cutoff", later)
    c.note(
        pl.format(
            "{} 期（{} 元）不作逾期处理、不作为逾期记录报送征信，已报送的予以调整；仍需补还本息",
            protected,
            amount.round(2),
        )
    )
    c.note(pl.when(later > 0).then(pl.format("{} 期应还日在2020年6月30日后，按正常规定处理", later)))


@rule("cn.housing_fund_rent_withdrawal_2020")
def housing_fund_rent_withdrawal(c: Calc) -> None:
    rent = pl.col("rent_paid_monthly")
    c.require(rent > 0, "租房并支付房租", "未租房或未支付房租", "需提供每月实际支付的房租（person.rent_paid_monthly）")
    in_beijing = jurisdiction_flags(pl.col("region"))[BEIJING]
    limit = c.col(
        "rent_withdrawal_limit",
        pl.when(in_beijing).then(rent).otherwise(num(c.p("rent_withdrawal_limit_local"))),
        "提高后的月租房提取额度",
    )
    balance = pl.col("hpf_balance")
    withdrawable = pl.min_horizontal(rent, limit, balance)  # no balance given: no limit (nulls are skipped)
    c.amount(pl.when(limit.is_null()).then(None).otherwise(withdrawable), unit="CNY/month")
    c.note(
        pl.when(in_beijing)
        .then(pl.lit("北京市：租房提取额度以实际支付的房租确定，提取时间灵活安排"))
        .when(limit.is_null())
        .then(
            pl.lit(
                "所在城市提高后的租房提取额度未设置：请设置 "
                "cn.housing_fund_rent_withdrawal_2020.rent_withdrawal_limit_local"
            )
        )
        .otherwise(pl.format("提高后的月租房提取额度 {} 元，提取时间灵活安排", limit))
    )


@rule("cn.housing_fund_voluntary_contribution_2020")
def housing_fund_voluntary_contribution(c: Calc) -> None:
    areas = c.p("severe_areas")
    c.require(in_regions(areas), "经认定的疫情严重和较严重地区", "不在经认定的疫情严重和较严重地区")
    c.require(
        pl.col("hpf_consultation_done"),
        "已与职工充分协商",
        "未与职工充分协商，不得自行降低比例或停缴",
        "需提供是否已与职工充分协商（enterprise.hpf_consultation_done）",
    )
    rate = pl.col("hpf_rate_chosen")
    c.amount(rate, unit="percent")
    c.output("contribution_continuous", pl.lit(True))
    c.note(
        pl.when(rate == 0)
        .then(pl.lit("2020年6月30日前停缴住房公积金，停缴期间缴存时间连续计算，不影响职工提取和贷款"))
        .when(rate.is_not_null())
        .then(pl.format("2020年6月30日前自主确定缴存比例 {}%", rate))
        .otherwise(pl.lit("2020年6月30日前可自愿缴存、自主确定缴存比例或停缴（enterprise.hpf_rate_chosen）"))
    )
