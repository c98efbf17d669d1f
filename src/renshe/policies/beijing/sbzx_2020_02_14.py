"""无文号（北京市社会保险基金管理中心，2020年2月14日）— refund of January 2020
contributions already debited (养老、失业、工伤), stop of the February debit, and the
automatic extension where the January debit failed."""

from __future__ import annotations

from typing import Literal

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Date, Facts, Money, Strict
from renshe.engine.rules import rule
from renshe.policies.common import as_date, date_lit, iso


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class BjJanSiApplication(
    Strict
):  # beijing.jan_si_deducted_refund_2020, jan_si_refund_timing_2020, feb_si_auto_debit_stop_2020
    date: Date
    type: Literal["refund", "defer_only"]
    settled_persons_amount: Money = 0.0


class EnterpriseFacts(Facts, entity="enterprise"):
    bj_jan_si_debit_succeeded: bool | None = None  # beijing.jan_deducted_si_auto_extension_2020
    bj_jan_si_application: BjJanSiApplication | None = (
        None  # beijing.jan_si_deducted_refund_2020, jan_si_refund_timing, feb_si_auto_debit_stop
    )


REFUND = "beijing.jan_si_deducted_refund_2020."
APP_DATE = pl.col("bj_jan_si_application_date")
APP_TYPE = pl.col("bj_jan_si_application_type")


def _in_window(c: Calc) -> pl.Expr:
    return APP_DATE.is_between(date_lit(c.p(REFUND + "from")), date_lit(c.p(REFUND + "to")))


def _require_application(c: Calc, types: list[str], what: str) -> None:
    start, end = as_date(c.p(REFUND + "from")), as_date(c.p(REFUND + "to"))
    c.require(
        APP_TYPE.is_in(types),
        pl.format("已提交{}申请（{}）", pl.lit(what), iso(APP_DATE)),
        f"未提交{what}申请",
        "需提供申请情况（enterprise.bj_jan_si_application）",
    )
    c.require(
        _in_window(c),
        f"申请日期在 {start.isoformat()} 至 {end.isoformat()} 之间",
        pl.format("申请日期 {} 不在 {} 至 {} 之间", iso(APP_DATE), pl.lit(start.isoformat()), pl.lit(end.isoformat())),
    )


@rule("beijing.jan_si_deducted_refund_2020")
def jan_si_deducted_refund(c: Calc) -> None:
    month = c.p(REFUND + "fee_month")
    _require_application(c, ["refund"], "退费")
    paid = c.col(
        "jan_paid",
        c.sum_contributions(c.p(REFUND + "insurances"), (month, month), pl.col("employer_paid")),
        "已扣缴的2020年1月养老、失业、工伤保险费（单位部分）",
    )
    settled = pl.col("bj_jan_si_application_settled_persons_amount").fill_null(0.0)
    refund = c.col("jan_refund", pl.max_horizontal(paid - settled, pl.lit(0.0)), "可退费金额")
    c.require(
        paid > 0, pl.format("已扣缴2020年1月社会保险费 {} 元", paid.round(2)), "2020年1月社会保险费未扣缴，无需退费"
    )
    c.amount(refund)
    c.note(pl.format("1月已办理退休、转移接续、死亡清算等账户清算人员的 {} 元不予退费", settled.round(2)))
    c.note("申请退费后2月份社会保险费不再自动扣缴，1、2月费用于3月底前缴纳")


@rule("beijing.jan_si_refund_timing_2020")
def jan_si_refund_timing(c: Calc) -> None:
    p = "beijing.jan_si_refund_timing_2020."
    _require_application(c, ["refund"], "退费")
    early_end = date_lit(c.p(p + "early_applications_to"))
    early = early_end >= APP_DATE
    by = (
        pl.when(early)
        .then(pl.lit(as_date(c.p(p + "early_refund_by")).isoformat()))
        .otherwise(pl.lit(as_date(c.p(p + "late_refund_by")).isoformat()))
    )
    c.output("deadline", by)
    c.note(pl.format("已扣缴的1月份社会保险费将于 {} 前退回参保单位银行账户", by))


@rule("beijing.feb_si_auto_debit_stop_2020")
def feb_si_auto_debit_stop(c: Calc) -> None:
    p = "beijing.feb_si_auto_debit_stop_2020."
    _require_application(c, ["refund", "defer_only"], "退费或延期至3月底")
    deadline = as_date(c.p(p + "deadline"))
    c.output("deadline", pl.lit(deadline.isoformat()))
    c.note(f"2月份社会保险费不再自动扣缴，须于 {deadline.isoformat()} 前缴纳；未申请的2月份照常自动扣缴")


@rule("beijing.jan_deducted_si_auto_extension_2020")
def jan_deducted_si_auto_extension(c: Calc) -> None:
    p = "beijing.jan_deducted_si_auto_extension_2020."
    deadline = as_date(c.p(p + "deadline"))
    c.require(
        ~pl.col("bj_jan_si_debit_succeeded"),
        "2020年1月社会保险费未成功扣缴，无需申请",
        "2020年1月社会保险费已扣缴（可申请退费或延期，见 beijing.jan_si_deducted_refund_2020）",
        "需说明1月社会保险费是否扣缴成功（enterprise.bj_jan_si_debit_succeeded）",
    )
    c.output("deadline", pl.lit(deadline.isoformat()))
    c.note(f"1月、2月社会保险费征收期自动延长至 {deadline.isoformat()}")
