"""无文号（北京市社会保险基金管理中心、北京市医疗保险事务管理中心通告，2020年2月7日）—
参保单位（个人）延长社会保险缴费具体办法: insurances covered, the March and July
deadlines, back payment, flexible workers' gaps and the late-fee rule."""

from __future__ import annotations

import polars as pl
from pydantic import Field

from renshe.engine.calc import Calc, add_months
from renshe.engine.case import Date, Facts, Money, Month, Strict
from renshe.engine.rules import rule
from renshe.policies.beijing._helpers import application_window
from renshe.policies.common import as_date, as_of, date_lit, flag, iso


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class BjSiBackPayment(Strict):  # beijing.si_deferral_late_fee_rule_2020
    fee_month: Month
    amount: Money
    due_date: Date
    paid_date: Date | None = None


class BjFlexibleSi2020(Strict):  # beijing.flexible_worker_contribution_gap_2020
    flexible_worker: bool = True
    failed_months: list[Month] = Field(default_factory=list)
    back_paid_date: Date | None = None


class EnterpriseFacts(Facts, entity="enterprise"):
    bj_si_july_application_date: Date | None = None  # beijing.si_deferral_to_july_application_2020
    bj_si_back_payments: list[BjSiBackPayment] = Field(default_factory=list)  # beijing.si_deferral_late_fee_rule_2020


class PersonFacts(Facts, entity="person"):
    bj_flexible_si_2020: BjFlexibleSi2020 | None = None  # beijing.flexible_worker_contribution_gap_2020


MARCH = "beijing.si_deferral_to_march_rules_2020."


def _unpaid_deferred(c: Calc) -> pl.Expr:
    """Σ (due − paid) over contribution rows of the deferred fee months and covered insurances."""
    months = c.p(MARCH + "fee_months")
    return c.sum_contributions(
        c.p(MARCH + "insurances"),
        (months[0], months[-1]),
        (pl.col("employer_due") - pl.col("employer_paid")).clip(lower_bound=0),
    )


@rule("beijing.si_deferral_to_march_rules_2020")
def si_deferral_to_march(c: Calc) -> None:
    deadline = as_date(c.p(MARCH + "new_deadline"))
    unpaid = c.col("unpaid_jan_feb", _unpaid_deferred(c), "2020年1、2月未按时缴纳的社会保险费（单位部分）")
    c.require(
        unpaid > 0,
        pl.format(
            "2020年1月、2月未按时缴纳的社会保险费 {} 元可延长至 {} 缴纳", unpaid.round(2), pl.lit(deadline.isoformat())
        ),
        "2020年1月、2月社会保险费已按时足额缴纳，无需延长缴费",
    )
    c.output("deadline", pl.lit(deadline.isoformat()))
    c.amount(unpaid)
    c.note("延长缴费包括职工养老、失业、工伤、职工医疗（含生育）保险；因春节假期调整顺延的1月31日缴费期同样适用")
    c.note(f"测算日已过延长期限 {deadline.isoformat()}，逾期补缴将收取滞纳金", when=pl.lit(as_of(c) > deadline))


@rule("beijing.si_back_payment_window_2020")
def si_back_payment_window(c: Calc) -> None:
    p = "beijing.si_back_payment_window_2020."
    unpaid = c.col("unpaid_jan_feb", _unpaid_deferred(c), "延长缴纳的社会保险费")
    c.require(unpaid > 0, pl.format("延长缴纳的社会保险费 {} 元", unpaid.round(2)), "无延长缴纳的社会保险费")
    accept = as_date(c.p(p + "accept_from"))
    c.require(
        pl.lit(as_of(c) >= accept),
        f"自 {accept.isoformat()} 起受理补缴（网上申报；传真、邮件并选择银行缴费；现场须电话预约）",
        f"补缴业务自 {accept.isoformat()} 起受理，测算日尚未开始",
    )
    end = c.p(p + "epidemic_end_date")
    grace = c.p(p + "grace_months")
    if end is None:
        c.output("deadline", pl.lit(None, dtype=pl.String))
        c.note(f"疫情解除日期未设定（参数 {p}epidemic_end_date），补缴期限为疫情解除后 {grace} 个月内，目前仍开放")
    else:
        due = add_months(date_lit(end), grace)
        c.output("deadline", iso(due))
        c.note(pl.format("应于疫情解除后 {} 个月内即 {} 前完成补缴", pl.lit(grace), iso(due)))
    c.amount(unpaid)


@rule("beijing.si_deferral_to_july_eligibility_2020")
def si_deferral_to_july_eligibility(c: Calc) -> None:
    p = "beijing.si_deferral_to_july_eligibility_2020."
    c.require(
        flag("hard_hit_industry_confirmed"),
        "属于旅游、住宿、餐饮、会展、商贸流通、交通运输、教育培训、文艺演出、影视剧院、冰雪体育行业并经市级行业主管部门确认",
        "不属于十个行业或未经市级相关行业主管部门确认，不能延长缴费至7月底（仍可延长至3月底）",
    )
    cutoff = c.p(p + "arrears_before")
    arrears = c.col(
        "arrears_before_2019_12",
        c.aggregate(
            "contributions",
            (pl.col("employer_due") - pl.col("employer_paid")).clip(lower_bound=0).sum(),
            where=pl.col("month") < cutoff,
            default=0.0,
        ),
        f"{cutoff}（不含）前未按时缴纳的社会保险费",
    )
    c.require(
        arrears <= 0,
        f"{cutoff}（不含）前不存在未按时缴纳社会保险费情况（在本市正常参保缴费）",
        pl.format("{}（不含）前尚有未缴社会保险费 {} 元，须补齐后方可适用", pl.lit(cutoff), arrears.round(2)),
    )
    c.output("deadline", pl.lit(as_date(c.p(p + "new_deadline")).isoformat()))
    c.note(f"经确认后缴费期延长至 {as_date(c.p(p + 'new_deadline')).isoformat()}")


@rule("beijing.si_deferral_to_july_application_2020")
def si_deferral_to_july_application(c: Calc) -> None:
    p = "beijing.si_deferral_to_july_application_2020."
    application_window(c, c.p(p + "from"), c.p(p + "to"), "延长缴费至7月底")
    c.note(
        "登录北京市社会保险网上服务平台“我要申请延长缴费”通道申请；先按3月底执行，经市级行业主管部门确认后统一延长至7月底"
    )


@rule("beijing.flexible_worker_contribution_gap_2020")
def flexible_worker_contribution_gap(c: Calc) -> None:
    p = "beijing.flexible_worker_contribution_gap_2020."
    first, last = c.p(p + "gap_months")
    deadline = as_date(c.p(p + "back_pay_deadline"))
    c.require(
        pl.col("bj_flexible_si_2020_flexible_worker"),
        "灵活就业人员",
        "非灵活就业人员（本条适用于灵活就业人员）",
        "需提供灵活就业缴费情况（person.bj_flexible_si_2020）",
    )
    failed = pl.col("bj_flexible_si_2020_failed_months")
    in_window = failed.list.eval((pl.element() >= first) & (pl.element() <= last)).list.any().fill_null(False)
    c.require(in_window, f"{first} 至 {last} 期间因缴费不成功出现中断", f"{first} 至 {last} 期间无缴费不成功导致的中断")
    paid = pl.col("bj_flexible_si_2020_back_paid_date")
    ok = pl.when(paid.is_null()).then(pl.lit(as_of(c) <= deadline)).otherwise(paid <= date_lit(deadline))
    c.require(
        ok,
        pl.when(paid.is_null())
        .then(pl.lit(f"可于 {deadline.isoformat()} 前补缴"))
        .otherwise(pl.format("已于 {} 补缴", iso(paid))),
        f"未在 {deadline.isoformat()} 前补缴，按断缴处理",
    )
    c.output("deadline", pl.lit(deadline.isoformat()))
    c.note(
        f"补缴后不视为断缴，中断期间医疗保险待遇可以享受，不受 {c.p(p + 'waiting_months_waived')} 个月待遇等待期限制"
    )


@rule("beijing.si_deferral_late_fee_rule_2020")
def si_deferral_late_fee_rule(c: Calc) -> None:
    p = "beijing.si_deferral_late_fee_rule_2020."
    rate = c.p(p + "late_fee_daily_rate")
    march = as_date(c.p(MARCH + "new_deadline"))
    july = as_date(c.p("beijing.si_deferral_to_july_eligibility_2020.new_deadline"))
    months = c.p(MARCH + "fee_months")
    today = as_of(c)
    c.col(
        "hard_hit_industry_confirmed",
        flag("hard_hit_industry_confirmed"),
        "经市级主管部门确认的十个行业企业（延长至7月底）",
    )
    deadline = (
        pl.when(pl.col("hard_hit_industry_confirmed"))
        .then(pl.lit(july))
        .when(pl.col("fee_month").is_in(months))
        .then(pl.lit(march))
        .otherwise(pl.col("due_date"))
    )
    settled = pl.col("paid_date").fill_null(pl.lit(today))
    days = (settled - pl.col("due_date")).dt.total_days().clip(lower_bound=0)
    fee = pl.col("amount") * rate * days
    on_time = settled <= deadline
    n = c.col("back_payments", c.aggregate("bj_si_back_payments", pl.len(), default=0), "延长缴费的补缴记录数")
    c.require(n > 0, None, "需提供延长缴纳的社会保险费补缴记录（enterprise.bj_si_back_payments）")
    waived = c.col(
        "late_fee_waived",
        c.aggregate(
            "bj_si_back_payments", fee.filter(on_time).sum(), uses=("hard_hit_industry_confirmed",), default=0.0
        ),
        "延长期限内补缴免收的滞纳金",
    )
    due = c.col(
        "late_fee_due",
        c.aggregate(
            "bj_si_back_payments", fee.filter(~on_time).sum(), uses=("hard_hit_industry_confirmed",), default=0.0
        ),
        "超过延长期限补缴应收的滞纳金（自原缴费期起算）",
    )
    late_rows = c.col(
        "late_rows",
        c.aggregate(
            "bj_si_back_payments", (~on_time).cast(pl.Int64).sum(), uses=("hard_hit_industry_confirmed",), default=0
        ),
        "逾期补缴记录数",
    )
    ontime_rows = c.col("ontime_rows", n - late_rows, "延长期限内补缴（或尚在期限内）的记录数")
    c.require(
        ontime_rows > 0,
        "在规定的延长缴费期限内补缴，不收取滞纳金，不影响社会保险待遇和个人权益记录",
        pl.format(
            "均未在延长缴费期限内补缴，视为不享受延长缴费政策：滞纳金 {} 元（自原缴费期起算），影响待遇、个人权益记录及购房、购车、积分落户资格审核",
            due.round(2),
        ),
    )
    c.note(
        pl.format(
            "另有 {} 笔未在延长缴费期限内补缴，视为不享受延长缴费政策，应缴滞纳金 {} 元（自原缴费期起算），影响个人权益记录",
            late_rows,
            due.round(2),
        ),
        when=late_rows > 0,
    )
    c.output("late_fee_due", due.round(2))
    c.amount(waived)
    c.note(pl.format("免收滞纳金 {} 元（按日万分之五计）", waived.round(2)))
