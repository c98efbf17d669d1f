"""医保发〔2020〕6号 — halving the employer share of employee medical insurance
(阶段性减征职工基本医疗保险费): the halving with its fund, no-stacking and window
conditions, the continued deferral, and the refund of February fees."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc, month_end, month_of
from renshe.engine.rules import rule
from renshe.policies.cn._helpers import medical_due_net_of_halving
from renshe.policies.common import iso, require_fact

H = "cn.medical_insurance_halving_2020."


def halving_window(c: Calc) -> tuple[str, str]:
    """(start, end) fee months of the halving; conditions on the pooling region and unit."""
    c.require(~pl.col("unit_type").is_in(c.p(H + "excluded_unit_types")), None, "本省将该类单位排除在减征范围外")
    months = c.p(H + "pooling_fund_months_payable")
    threshold = c.p(H + "fund_months_threshold")
    approved = bool(c.p(H + "province_approved_halving"))
    if months is not None:
        ok = months > threshold or approved
        c.require(
            pl.lit(ok),
            f"统筹基金累计结存可支付 {months} 个月" + ("" if months > threshold else "，经省统筹安排减征"),
            f"统筹基金累计结存可支付 {months} 个月，未大于 {threshold} 个月且省未安排减征",
        )
    c.require(
        pl.lit(not bool(c.p(H + "pooling_rate_reduction_active"))),
        None,
        "统筹地区已实施阶段性降低职工医保单位费率，不得同时执行减半征收",
    )
    start, cap = c.p(H + "start_month"), c.p(H + "max_end_month")
    end = c.p(H + "pooling_end_month") or cap
    c.require(
        pl.lit(start <= end <= cap), None, f"统筹地区终止月份 {end} 不符合要求：须自 {start} 起连续执行且不晚于 {cap}"
    )
    return start, end


@rule("cn.medical_insurance_halving_2020")
def medical_insurance_halving(c: Calc) -> None:
    start, end = halving_window(c)
    ratio = c.p(H + "halving_ratio")
    due = c.col(
        "medical_due_in_window",
        c.sum_contributions(c.p(H + "insurances"), (start, end), pl.col("employer_due")),
        "窗口内职工医保单位应缴额",
    )
    c.require(
        due > 0, None, f"{start} 至 {end} 没有职工医保单位缴费记录（enterprise.contributions，insurance: medical）"
    )
    c.amount(due * ratio)
    c.period(start, end)
    c.note(
        pl.format(
            "{}至{}职工医保单位缴费减半征收（应缴 {} 元，按费款所属期界定）", pl.lit(start), pl.lit(end), due.round(2)
        )
    )


@rule("cn.medical_insurance_halving_deferral_2020")
def medical_insurance_deferral(c: Calc) -> None:
    p = "cn.medical_insurance_halving_deferral_2020."
    first = pl.col("medical_deferral_start_month")
    require_fact(
        c,
        first,
        missing="需提供经批准的职工医保缓缴（enterprise.medical_deferral：start_month、months）",
        facts=("enterprise.medical_deferral",),
    )
    cap = c.p(p + "max_deferral_months")
    asked = pl.col("medical_deferral_months")
    months = c.col("deferral_months", pl.min_horizontal(asked, pl.lit(cap)), "缓缴月数（不超过上限）")
    deadline = c.col("deferred_due", month_end(first, months), "缓缴后应缴截止日")
    last = c.col("deferral_last_month", month_of(month_end(first, months - 1)), "缓缴最后一个费款所属期")
    net = medical_due_net_of_halving(c)
    days = (pl.col("deferred_due") - month_end(pl.col("month"))).dt.total_days()
    waived = c.col(
        "waived_late_fee",
        c.sum_contributions(
            c.p(H + "insurances"),
            (first, last),
            net * c.p(p + "late_fee_daily_rate") * days,
            uses=("halving_from", "halving_to", "deferred_due"),
        ),
        "缓缴期间免收的滞纳金（自各所属月末计至缓缴截止日）",
    )
    c.amount(waived)
    c.output("deadline", iso(deadline))
    c.period(first, last)
    c.note(
        pl.format(
            "职工医保缓缴 {} 个月（{} 至 {}），应于 {} 前缴纳，缓缴期间免收滞纳金约 {} 元",
            months,
            first,
            last,
            iso(deadline),
            waived.round(2),
        )
    )
    c.note(
        pl.when(asked > cap).then(
            pl.format("申请 {} 个月超过原则上限 {} 个月，按 {} 个月计算", asked, pl.lit(cap), pl.lit(cap))
        )
    )


@rule("cn.medical_insurance_halving_feb_refund_2020")
def medical_insurance_feb_refund(c: Calc) -> None:
    start, end = halving_window(c)
    month = c.p("cn.medical_insurance_halving_feb_refund_2020.refund_month")
    c.require(pl.lit(start <= month <= end), None, f"{month} 不在本统筹地区的减征窗口内")
    ratio = c.p(H + "halving_ratio")
    per_row = (pl.col("employer_paid") - pl.col("employer_due") * (1 - ratio)).clip(lower_bound=0)
    refund = c.col(
        "refund", c.sum_contributions(c.p(H + "insurances"), (month, month), per_row), "2月已缴超出减征后应缴的部分"
    )
    c.amount(refund)
    c.period(month, month)
    c.output("mode", pl.lit("auto_refund"))
    c.output("offset_allowed", pl.lit(True))
    c.note("依职权批量退费，无需提交申请；参保单位愿意的，也可冲抵以后月份的单位缴费")
