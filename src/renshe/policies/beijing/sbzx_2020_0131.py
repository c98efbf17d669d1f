"""无文号（北京市社会保险基金管理中心，2020年1月31日）— 关于切实做好新型冠状病毒感染肺炎
疫情防控期间我市社会保险经办工作的通知: late registration and payment after the
epidemic (一, also announced by the 通告 of the same day), processing by
commitment (二（一）2) or accepting with gaps (二（一）3), and suspension of audit
cases (二（七）1). The extension of the January/February collection period (一)
is computed by ``beijing.si_deferral_jan_feb_2020``."""

from __future__ import annotations

from typing import Literal

import polars as pl

from renshe.engine.calc import Calc, add_months
from renshe.engine.case import Date, Facts, Month, MonthCount, Span, Strict
from renshe.engine.rules import rule
from renshe.policies.common import date_lit, iso, pending_amount, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class SiRequest(Strict):  # beijing.si_commitment_processing_2020, beijing.si_accept_with_gaps_2020
    type: Literal["back_pay", "refund", "change"]
    account_type: Literal["general", "temporary"] | None = None
    beijing_pension_years: Span | None = None
    years_to_statutory_age: Span | None = None
    back_pay_from: Month | None = None
    back_pay_months: MonthCount | None = None
    declared_by_unit_for_individual: bool = False
    change_field: str | None = None


class SiAuditCase(Strict):  # beijing.si_audit_suspension_2020
    filed_date: Date
    original_deadline: Date


class EnterpriseFacts(Facts, entity="enterprise"):
    si_request: SiRequest | None = None
    si_audit_case: SiAuditCase | None = None


P = "beijing."


@rule("beijing.si_late_registration_grace_2020")
def si_late_registration_grace(c: Calc) -> None:
    p = P + "si_late_registration_grace_2020."
    end = c.p("beijing.epidemic_end_date")
    months = c.p(p + "grace_months")
    if end is None:
        c.output("deadline", pl.lit(None, dtype=pl.String))
        c.note(
            f"疫情解除日期未设定（参数 beijing.epidemic_end_date）：补办窗口仍开放，疫情解除后 {months} 个月内补办，"
            "不收取滞纳金，不影响个人权益记录"
        )
    else:
        deadline = iso(add_months(date_lit(str(end)), months))
        c.output("deadline", deadline)
        c.note(
            pl.format(
                "疫情期间未按时办理的参保登记、缴费等业务，应于疫情解除（{}）后 {} 个月内即 {} 前补办，"
                "不收取滞纳金，不影响个人权益记录",
                pl.lit(str(end)),
                pl.lit(months),
                deadline,
            )
        )


def _request(c: Calc) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    t = pl.col("si_request_type")
    require_fact(c, t, missing="缺少社会保险经办业务申请（enterprise.si_request）", facts=("enterprise.si_request",))
    earliest = c.p(P + "si_commitment_processing_2020.earliest_back_pay_month")
    from_ok = (pl.col("si_request_back_pay_from") >= earliest).fill_null(False)
    return t, from_ok, pl.col("si_request_back_pay_months")


@rule("beijing.si_commitment_processing_2020")
def si_commitment_processing(c: Calc) -> None:
    p = P + "si_commitment_processing_2020."
    t, from_ok, span = _request(c)
    years = c.p(p + "min_pension_years_general")
    max_span = c.p(p + "max_back_pay_months")
    span_ok = (span <= max_span).fill_null(False)
    general = (pl.col("si_request_account_type") == "general") & (pl.col("si_request_beijing_pension_years") > years)
    temporary = pl.col("si_request_account_type") == "temporary"
    back_pay = (t == "back_pay") & from_ok & span_ok & (general | temporary).fill_null(False)
    ok = (t == "refund") | back_pay
    c.require(
        ok,
        "可采用承诺制办理：由单位承诺，不需要提供相关材料",
        pl.format(
            "不属于承诺制业务：须为退费，或补缴 {} 之后且不超过 {} 个月（一般账户须在京缴纳养老保险费超过 {} 年，"
            "或临时账户）",
            pl.lit(c.p(p + "earliest_back_pay_month")),
            pl.lit(max_span),
            pl.lit(years),
        ),
    )
    c.note("退费业务（包括基数差退费）需要与参保人电话核实确认", when=t == "refund")


@rule("beijing.si_accept_with_gaps_2020")
def si_accept_with_gaps(c: Calc) -> None:
    p = P + "si_accept_with_gaps_2020."
    t, from_ok, span = _request(c)
    excluded = c.p(p + "excluded_change_fields")
    change = (t == "change") & ~pl.col("si_request_change_field").is_in(excluded).fill_null(False)
    short = (pl.col("si_request_years_to_statutory_age") + pl.col("si_request_beijing_pension_years")) < c.p(
        p + "min_total_years"
    )
    general = (
        (t == "back_pay")
        & (pl.col("si_request_account_type") == "general")
        & short.fill_null(False)
        & from_ok
        & (span > c.p(p + "min_back_pay_months")).fill_null(False)
    )
    unit = (
        (t == "back_pay")
        & pl.col("si_request_declared_by_unit_for_individual").fill_null(False)
        & from_ok
        & (span > c.p(p + "unit_back_pay_min_months")).fill_null(False)
    )
    c.require(
        (change | general | unit).fill_null(False),
        "可采用容缺受理制：先受理、记录相关信息，待疫情结束后收取材料再办理",
        "不属于容缺受理业务（变更姓名、身份证号码等除外的变更；缴费年限不足10年的一般账户人员补缴2011年7月之后超过3个月；"
        "单位申报个人补缴2011年7月之后超过3年）",
    )


@rule("beijing.si_audit_suspension_2020")
def si_audit_suspension(c: Calc) -> None:
    p = P + "si_audit_suspension_2020."
    filed, original = pl.col("si_audit_case_filed_date"), pl.col("si_audit_case_original_deadline")
    require_fact(
        c,
        filed,
        missing="缺少已受理立案的社会保险投诉举报稽核案件（enterprise.si_audit_case）",
        facts=("enterprise.si_audit_case",),
    )
    start = c.p(p + "suspension_from")
    c.require(
        filed < date_lit(start),
        "已经受理立案的稽核案件：2020年2月2日后稽核中止，稽核期限顺延",
        pl.format("案件于 {} 立案，不属于2020年2月2日前已受理立案的案件", iso(filed)),
    )
    c.require(original >= date_lit(start), None, pl.format("稽核期限 {} 在中止前已届满", iso(original)))
    resume = c.p("beijing.audit_resume_date")
    if resume is None:
        c.output("deadline", pl.lit(None, dtype=pl.String))
        pending_amount(
            c, "恢复稽核时间另行通知（参数 beijing.audit_resume_date 未设定）：期限待恢复后顺延", unit="days"
        )
    else:
        days = (date_lit(str(resume)) - date_lit(start)).dt.total_days()
        c.output("deadline", iso(original + pl.duration(days=days)))
        c.amount(days.cast(pl.Float64), unit="days")
        c.note(pl.format("稽核期限顺延 {} 天（{} 至 {}）", days, pl.lit(start), pl.lit(str(resume))))
