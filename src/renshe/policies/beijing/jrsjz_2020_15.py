"""京人社就字〔2020〕15号 — Beijing support for SMEs keeping jobs (稳定就业岗位).

一（二）困难企业失业保险费返还 (unemployment-insurance refund to enterprises in
difficulty) and 一（三）一次性社会保险补贴 (one-time social-insurance subsidy).
"""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc, exact, month_range, quarter_index
from renshe.engine.rules import rule
from renshe.policies.common import layoff_rate


@rule("beijing.unemployment_refund_2020")
def unemployment_refund(c: Calc) -> None:
    p = "beijing.unemployment_refund_2020."
    months = c.col("ui_contribution_months", pl.col("finance_ui_contribution_months"), "足额缴纳失业保险费月数")
    need = c.p(p + "min_ui_contribution_months")
    c.require(months >= need, pl.format("足额缴纳失业保险费 {} 个月（≥{}）", months, pl.lit(need)),
              pl.format("足额缴纳失业保险费 {} 个月，不足 {} 个月", months, pl.lit(need)),
              "缺少失业保险缴费月数（finance.ui_contribution_months）")
    headcount = c.col("insured_2019_12", c.month_value("insured", c.p(p + "headcount_month"), "headcount"),
                      "2019年12月失业保险参保人数")
    rate = c.col("layoff_rate", layoff_rate(c, c.p(p + "base_month"), c.p(p + "headcount_month")), "2019年度裁员率")
    limit = c.p(p + "layoff_rate_limit")
    c.require(rate < limit, pl.format("2019年度裁员率 {}% 低于 {}%", (rate * 100).round(2), pl.lit(limit * 100)),
              pl.format("2019年度裁员率 {}% 不低于 {}%", (rate * 100).round(2), pl.lit(limit * 100)),
              "缺少计算裁员率所需的 2018-12、2019-12 参保人数或 2019 年自然减员人数")
    c.require(~pl.col("flag_serious_dishonesty"), "未列入严重违法失信企业名单", "已列入严重违法失信企业名单")
    change = c.col("profit_tax_change_2019", pl.col("finance_profit_tax_change_2019"), "2019年度利税总额同比变化")
    drop = c.p(p + "profit_tax_change_limit")
    c.require(change <= drop, pl.format("2019年度利税总额同比变化 {}%（下降50%以上）", (change * 100).round(1)),
              pl.format("2019年度利税总额同比变化 {}%，未下降50%以上", (change * 100).round(1)),
              "缺少2019年度利税总额同比变化（finance.profit_tax_change_2019）")
    quarter_no = quarter_index(pl.col("quarter"))
    consecutive = c.col("two_consecutive_loss_quarters", c.aggregate(
        "quarterly_profit",
        ((pl.col("profit") < 0) & (pl.col("profit").shift(1) < 0) & (quarter_no - quarter_no.shift(1) == 1)).any(),
        order_by="quarter", default=False,
    ), "连续两个季度亏损")
    c.require(consecutive, "连续两个季度出现亏损", "未见连续两个季度亏损（finance.quarterly_profit）")
    q = c.p(p + "loss_quarter")
    q1 = c.col("profit_2020q1", c.month_value("quarterly_profit", q, "profit", key="quarter"), "2020年第一季度利润")
    c.require(q1 < 0, "2020年第一季度出现亏损", "2020年第一季度未出现亏损", f"缺少 {q} 季度利润（finance.quarterly_profit）")
    c.require(pl.col("flag_job_stabilisation_plan"), "已制定稳定就业岗位措施", "未制定稳定就业岗位措施")
    benefit = c.p("beijing.ui_benefit_monthly_2019")
    n_months = c.p(p + "months_refunded")
    c.output("layoff_rate", rate.round(6))
    if benefit is None:
        c.amount(pl.lit(None, dtype=pl.Float64))
        c.note("参数 beijing.ui_benefit_monthly_2019（2019年度本市月人均失业保险金标准）未设定，金额待核定")
    else:
        c.amount(pl.lit(n_months) * pl.lit(float(benefit)) * headcount)
        c.note(pl.format("返还 {} 个月 × {} 元 × {} 人", pl.lit(n_months), pl.lit(benefit), headcount))


@rule("beijing.one_time_si_subsidy_2020")
def one_time_si_subsidy(c: Calc) -> None:
    p = "beijing.one_time_si_subsidy_2020."
    c.require(pl.col("size").is_in(c.p(p + "sme_sizes")), pl.format("中小微企业（{}）", pl.col("size")),
              pl.format("企业划型为 {}，非中小微企业", pl.col("size")), "未能划型，无法确认中小微企业条件")
    c.require(~pl.col("state_owned"), "非国有企业", "国有企业不在补贴范围")
    c.require(pl.col("flag_capital_function"), "符合首都功能定位和产业发展方向",
              "未认定符合首都功能定位和产业发展方向（中关村一区十六园、三城一区或十大高精尖产业）")
    c.require(~pl.col("flag_restricted_list"), "不在北京市禁限目录内", "在北京市禁限目录内")
    m2020 = month_range(*c.p(p + "compare_2020"))
    m2019 = month_range(*c.p(p + "compare_2019"))
    msub = c.p(p + "subsidy_months")
    mean20, n20 = c.months_mean("insured", m2020, "headcount")
    mean19, n19 = c.months_mean("insured", m2019, "headcount")
    mean20 = c.col("mean_insured_2020_01_04", pl.when(n20 == len(m2020)).then(mean20), "2020年1-4月月均参保人数")
    mean19 = c.col("mean_insured_2019", pl.when(n19 == len(m2019)).then(mean19), "2019年月均参保人数")
    growth = c.col("growth", exact(mean20 / mean19 - 1), "参保人数增长率 g")
    floor = c.p(p + "growth_floor")
    c.require(growth >= floor, pl.format("月均参保人数增长 {}%（持平或增长）", (growth * 100).round(2)),
              pl.format("月均参保人数下降 {}%", (growth * -100).round(2)),
              f"缺少 {m2019[0]}..{m2019[-1]} 或 {m2020[0]}..{m2020[-1]} 的逐月失业保险参保人数")
    high = c.p(p + "growth_high")
    ratio = c.col("ratio", pl.when(growth >= high).then(pl.lit(c.p(p + "ratio_high")))
                  .otherwise(pl.lit(c.p(p + "ratio_low"))), "补贴比例")
    paid = c.col("employer_paid_feb_apr", c.sum_contributions(c.p(p + "insurances"), (msub[0], msub[1]),
                 pl.col("employer_paid")), "2-4月养老、医疗、失业单位实缴合计")
    mean_n, _ = c.months_mean("insured", month_range(*msub), "headcount")
    headcount = c.col("mean_insured_feb_apr", mean_n, "2-4月月均参保人数 N")
    cap = c.col("cap", headcount * c.p(p + "cap_per_person"), "补贴上限 6315 × N")
    c.amount(pl.min_horizontal(ratio * paid, cap.fill_null(float("inf"))))
    c.period(msub[0], msub[1])
    c.note(pl.format("按 2-4 月单位实缴 {} 元的 {}% 补贴，上限 {} 元", paid.round(2), (ratio * 100).round(0), cap.round(2)))
