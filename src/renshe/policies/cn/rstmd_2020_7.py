"""人社厅明电〔2020〕7号 — 疫情防控期间社会保险经办 (social-insurance handling
during the epidemic): no suspension for missed certification, back pay for late
new retirees, late handling accepted, 2020 contributions of flexible workers and
residents deferred, catch-up within three months after the epidemic ends."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl

from renshe.engine.calc import Calc, add_months
from renshe.engine.case import Date, Facts, Money, Month, Strict
from renshe.engine.rules import rule
from renshe.policies.cn._helpers import EPIDEMIC_END
from renshe.policies.common import as_date, as_of, iso, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class NewRetiree(Strict):  # cn.new_retiree_pension_back_pay_2020
    entitlement_month: Month
    review_month: Month
    monthly_pension: Money | None = None


class PersonFacts(Facts, entity="person"):
    pension_certification_due: Date | None = None  # cn.pension_no_suspension_without_certification_2020
    pension_certification_done: bool = False  # cn.pension_no_suspension_without_certification_2020
    new_retiree: NewRetiree | None = None  # cn.new_retiree_pension_back_pay_2020
    si_insured_as: Literal["flexible_employment", "urban_rural_resident", "employee"] | None = (
        None  # cn.si_flexible_resident_deferral_2020
    )
    si_2020_payment_due: Date | None = None  # cn.si_flexible_resident_deferral_2020
    si_2020_payment_done: Date | None = None  # cn.si_flexible_resident_deferral_2020


WINDOW = "cn.si_late_handling_window_2020."


def catch_up_deadline(c: Calc) -> dt.date | None:
    """疫情解除后三个月 (same day of month, clipped to month end); None while the end is unset."""
    end = as_date(c.p(EPIDEMIC_END))
    if end is None:
        return None
    months = int(c.p(WINDOW + "catch_up_months"))
    return pl.select(add_months(pl.lit(end), months)).item()


@rule("cn.pension_no_suspension_without_certification_2020")
def pension_no_suspension(c: Calc) -> None:
    due = pl.col("pension_certification_due")
    require_fact(
        c,
        due,
        missing="缺少资格认证到期日（person.pension_certification_due）",
        facts=("person.pension_certification_due",),
    )
    c.require(~pl.col("pension_certification_done"), None, "已办理资格认证，待遇照常发放")
    start = as_date(c.p("from"))
    c.require(
        due >= pl.lit(start),
        pl.format("资格认证于 {} 到期（疫情防控期间）未办理：不暂停待遇发放", due),
        f"资格认证在 {start.isoformat()} 之前到期，按常规规定处理",
    )
    limit = catch_up_deadline(c)
    if limit is not None:
        c.require(
            pl.lit(as_of(c) <= limit),
            f"在疫情解除后三个月内（至 {limit.isoformat()}）",
            f"疫情解除后三个月（{limit.isoformat()}）已过，应补办资格认证，按常规规定处理",
        )


@rule("cn.new_retiree_pension_back_pay_2020")
def new_retiree_back_pay(c: Calc) -> None:
    ent, rev = pl.col("new_retiree_entitlement_month"), pl.col("new_retiree_review_month")
    require_fact(c, rev, missing="缺少新增退休人员申报审核信息（person.new_retiree）", facts=("person.new_retiree",))

    def first_day(m: pl.Expr) -> pl.Expr:
        return pl.concat_str([m, pl.lit("-01")]).str.to_date("%Y-%m-%d")

    start = c.col("pay_from_date", first_day(rev).dt.offset_by("1mo"), "自审核次月起发放")
    pay_from = iso(start)
    arrears = c.col(
        "arrears_months",
        pl.date_ranges(first_day(ent), first_day(rev), interval="1mo").list.len().fill_null(0),
        "补发月数（应领月至审核月）",
    )
    c.output("deadline", pay_from)
    c.output("arrears_months", arrears)
    pension = pl.col("new_retiree_monthly_pension")
    c.amount(arrears * pension)
    c.note(pl.format("自 {} 起发放，补发 {} 起至审核月 {} 共 {} 个月", pay_from, ent, rev, arrears))


def late_rows() -> tuple[pl.Expr, pl.Expr]:
    return pl.col("paid_on"), pl.col("due_date")


@rule("cn.si_employer_late_handling_2020")
def employer_late_handling(c: Calc) -> None:
    c.require(
        pl.col("flag_epidemic_affected"), "因受疫情影响逾期办理", "未认定受疫情影响（逾期原因与疫情无关的按常规处理）"
    )
    n = c.col("late_items", c.aggregate("late_si_payments", pl.len(), default=0), "逾期办理的缴费笔数")
    c.require(
        n > 0,
        pl.format("逾期办理参保登记、缴费等业务 {} 笔：经办机构应及时受理", n),
        "无逾期办理的业务（enterprise.late_si_payments）",
    )


@rule("cn.si_flexible_resident_deferral_2020")
def flexible_resident_deferral(c: Calc) -> None:
    kinds = {"flexible_employment": "灵活就业人员", "urban_rural_resident": "城乡居民"}
    c.require(
        pl.col("si_insured_as").is_in(c.p("insured_as")),
        pl.col("si_insured_as").replace_strict(kinds, default=""),
        "不是以灵活就业人员或城乡居民身份参保（person.si_insured_as）",
    )
    due = pl.col("si_2020_payment_due")
    year = int(c.p("year"))
    c.require(
        due.dt.year() == year,
        f"{year} 年度缴费放宽时限",
        f"仅 {year} 年度的缴费放宽时限",
        "缺少原缴费期限（person.si_2020_payment_due）",
    )
    limit = catch_up_deadline(c)
    done = pl.col("si_2020_payment_done")
    if limit is None:
        c.output("deadline", pl.lit(None, dtype=pl.String))
        c.note("允许疫情结束后补办并在系统内标识；疫情解除日期未设定（参数 cn.epidemic_end_date），补办期限待定")
    else:
        c.output("deadline", pl.lit(limit.isoformat()))
        c.require(
            done.is_null() | (done <= pl.lit(limit)),
            f"疫情解除后三个月内（至 {limit.isoformat()}）补办",
            pl.format("{} 补办，已超过疫情解除后三个月（{}）", done, pl.lit(limit.isoformat())),
        )
    c.output("flag_epidemic_deferred", (done > due).fill_null(False))


@rule("cn.si_late_handling_window_2020")
def late_handling_window(c: Calc) -> None:
    n = c.col("late_items", c.aggregate("late_si_payments", pl.len(), default=0), "逾期办理的缴费笔数")
    c.require(n > 0, None, "无逾期办理的缴费（enterprise.late_si_payments）")
    limit = catch_up_deadline(c)
    paid, due = late_rows()
    if limit is None:
        c.output("deadline", pl.lit(None, dtype=pl.String))
        c.note("疫情解除日期未设定（参数 cn.epidemic_end_date）：补办均在期限内，不影响个人权益记录")
    else:
        c.output("deadline", pl.lit(limit.isoformat()))
        late = c.col(
            "after_deadline",
            c.aggregate("late_si_payments", (paid > pl.lit(limit)).sum(), default=0),
            "超过补办期限的笔数",
        )
        c.require(
            late == 0,
            f"补办在疫情解除后三个月内（至 {limit.isoformat()}）完成：不影响参保人员个人权益记录",
            pl.format("{} 笔在 {} 之后补办，按常规规定处理", late, pl.lit(limit.isoformat())),
        )
    waived = bool(c.p("late_fee_waived"))
    rate = float(c.p("late_fee_daily_rate"))
    fee = c.col(
        "late_fee",
        c.aggregate(
            "late_si_payments",
            (pl.col("amount") * rate * (paid - due).dt.total_days().clip(lower_bound=0)).sum(),
            default=0.0,
        ),
        "按日万分之五计算的滞纳金",
    )
    c.output("late_fee", pl.lit(0.0) if waived else fee.round(2))
    c.note(
        "地方规定免收滞纳金"
        if waived
        else "全国文本未免除滞纳金：按社会保险法第八十六条每日万分之五计算（地方免收的从其规定）"
    )
