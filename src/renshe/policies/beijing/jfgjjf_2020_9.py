"""京房公积金发〔2020〕9号 — Beijing housing-fund support: deferral of contributions until
2020-06-30 (一), rent withdrawal at the actual rent (二), no overdue treatment of missed
loan repayments (三); the notice runs to 2020-06-30 (四, the rules' effective window)."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Date, Facts
from renshe.engine.rules import rule
from renshe.policies.common import as_date, as_of, flag, iso


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class EnterpriseFacts(Facts, entity="enterprise"):
    bj_hpf_deferral_applied: bool | None = None  # beijing.housing_fund_deferral_2020


class PersonFacts(Facts, entity="person"):
    bj_hpf_rent_withdrawal_date: Date | None = None  # beijing.housing_fund_rent_withdrawal_2020
    bj_hpf_lease_and_invoice: bool | None = None  # beijing.housing_fund_rent_withdrawal_2020


SUB_CENTRES = "中直分中心、国管分中心、北京铁路分中心参照执行"


@rule("beijing.housing_fund_deferral_2020")
def housing_fund_deferral(c: Calc) -> None:
    until = as_date(c.p("beijing.housing_fund_deferral_2020.deferral_until"))
    c.require(flag("epidemic_affected"), "受新冠肺炎疫情影响的企业", "未确认受疫情影响（须为受疫情影响的企业）")
    c.require(
        pl.col("bj_hpf_deferral_applied"),
        "已按规定申请缓缴",
        "未按规定申请缓缴住房公积金（须向公积金中心申请）",
        "需说明是否已申请缓缴（enterprise.bj_hpf_deferral_applied）",
    )
    c.output("deadline", pl.lit(until.isoformat()))
    c.output("contribution_continuous", pl.lit(True))
    c.amount(pl.lit(float((until - as_of(c)).days)), unit="days")
    c.note(
        f"可缓缴至 {until.isoformat()}；缓缴期间缴存时间连续计算，不影响职工正常提取和申请住房公积金贷款；"
        f"补缴时间由公积金中心另行确定；{SUB_CENTRES}"
    )


@rule("beijing.housing_fund_rent_withdrawal_2020")
def housing_fund_rent_withdrawal(c: Calc) -> None:
    until = as_date(c.p("beijing.housing_fund_rent_withdrawal_2020.until"))
    c.require(
        pl.col("hpf_epidemic_affected"),
        "缴存人受新冠肺炎疫情影响",
        "缴存人未确认受疫情影响",
        "需说明是否受疫情影响（person.hpf_epidemic_affected）",
    )
    on = pl.col("bj_hpf_rent_withdrawal_date").fill_null(pl.lit(as_of(c)))
    c.require(
        on <= pl.lit(until),
        pl.format("{} 申请（{} 前）", iso(on), pl.lit(until.isoformat())),
        pl.format("{} 申请，已过 {}，按普通租房提取额度办理", iso(on), pl.lit(until.isoformat())),
    )
    c.require(
        pl.col("bj_hpf_lease_and_invoice"),
        "提供租房合同和房租发票",
        "未提供租房合同、房租发票，不适用按实际房租提取",
        "需说明是否提供租房合同和房租发票（person.bj_hpf_lease_and_invoice）",
    )
    rent = pl.col("rent_paid_monthly")
    c.output("withdrawal_limit", rent)
    c.note("提取额度以实际支付的房租金额确定，不受月缴存额限制")
    c.note(pl.format("按实际月房租 {} 元确定提取额度", rent), when=rent.is_not_null())


@rule("beijing.housing_fund_loan_no_overdue_2020")
def housing_fund_loan_no_overdue(c: Calc) -> None:
    until = as_date(c.p("beijing.housing_fund_loan_no_overdue_2020.until"))
    c.require(
        pl.col("hpf_epidemic_affected"),
        "借款人受新冠肺炎疫情影响",
        "借款人未确认受疫情影响",
        "需说明是否受疫情影响（person.hpf_epidemic_affected）",
    )
    table = "hpf_missed_installments"
    n = c.col(
        "protected_installments",
        c.aggregate(table, pl.len(), where=pl.col("due_date") <= until, default=0).cast(pl.Int64),
        "2020年6月30日前未能正常偿还的期数",
    )
    amount = c.col(
        "protected_amount",
        c.aggregate(table, pl.col("amount").sum(), where=pl.col("due_date") <= until, default=0.0),
        "不作逾期处理的金额",
    )
    later = c.aggregate(table, pl.len(), where=pl.col("due_date") > until, default=0).cast(pl.Int64)
    c.require(n > 0, None, "没有2020年6月30日前未能正常偿还的住房公积金贷款（person.hpf_missed_installments）")
    c.output("protected_amount", amount)
    c.output("overdue", pl.lit(False))
    c.note(pl.format("{} 期（{} 元）不作逾期处理，不作为逾期记录报送征信部门，已报送的予以调整", n, amount.round(2)))
    c.note(pl.format("{} 期应还日在 {} 后，按正常规定处理", later, pl.lit(until.isoformat())), when=later > 0)
