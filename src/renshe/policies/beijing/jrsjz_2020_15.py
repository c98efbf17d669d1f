"""京人社就字〔2020〕15号 — Beijing support for SMEs keeping jobs (稳定就业岗位).

一（二）困难企业失业保险费返还 (unemployment-insurance refund to enterprises in
difficulty) and 一（三）一次性社会保险补贴 (one-time social-insurance subsidy).
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from renshe.engine.calc import Calc, exact, first_day_of, month_index, month_range, quarter_index
from renshe.engine.case import Facts, Money, Month, MonthCount, Persons, Strict
from renshe.engine.rules import rule
from renshe.policies.common import layoff_rate, months_of_benefit, pending_amount


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class BjHardToEmployHire(Strict):  # beijing.hard_to_employ_hiring_eligibility_2020 and the 15号 一（一） subsidies
    group: Literal[
        "4050",
        "minimum_living_allowance",
        "military_spouse_first_entry",
        "unemployed_over_1_year",
        "zero_employment_household",
        "low_income_rural_household",
        "rural_hard_area_transferred",
        "registered_unemployed_other",
        "other",
    ]
    registered: bool = True
    contract_months: MonthCount | None = None
    si_paid: bool | None = None
    lowest_monthly_wage: Money | None = None
    start_month: Month | None = None
    months_employed: MonthCount = 0
    contribution_base: Money | None = None
    one_time_si_offset: Money = 0.0


class BjSkillTraining2020(Strict):  # beijing.enterprise_training_subsidy_2020, beijing.online_training_*_2020
    received_ui_refund_or_one_time_si: bool | None = None
    trainees_40h: Persons | None = None
    trainees_40h_offline: Persons | None = None
    trainees_claimed_elsewhere: Persons = 0
    online_platform_features: list[
        Literal["learner_management", "live_view", "statistics", "data_export", "online_teaching", "process_records"]
    ] = Field(default_factory=list)
    online_records_kept: bool | None = None


class EnterpriseFacts(Facts, entity="enterprise"):
    bj_hard_to_employ_hires: list[BjHardToEmployHire] = Field(
        default_factory=list
    )  # beijing.hard_to_employ_hiring_eligibility_2020 …
    bj_skill_training_2020: BjSkillTraining2020 | None = (
        None  # beijing.enterprise_training_subsidy_2020, online_training_*
    )


@rule("beijing.unemployment_refund_2020")
def unemployment_refund(c: Calc) -> None:
    p = "beijing.unemployment_refund_2020."
    months = c.col("ui_contribution_months", pl.col("finance_ui_contribution_months"), "足额缴纳失业保险费月数")
    need = c.p(p + "min_ui_contribution_months")
    c.require(
        months >= need,
        pl.format("足额缴纳失业保险费 {} 个月（≥{}）", months, pl.lit(need)),
        pl.format("足额缴纳失业保险费 {} 个月，不足 {} 个月", months, pl.lit(need)),
        "缺少失业保险缴费月数（finance.ui_contribution_months）",
    )
    headcount = c.col(
        "insured_2019_12",
        c.month_value("insured", c.p(p + "headcount_month"), "headcount"),
        "2019年12月失业保险参保人数",
    )
    rate = c.col("layoff_rate", layoff_rate(c, c.p(p + "base_month"), c.p(p + "headcount_month")), "2019年度裁员率")
    limit = c.p(p + "layoff_rate_limit")
    c.require(
        rate < limit,
        pl.format("2019年度裁员率 {}% 低于 {}%", (rate * 100).round(2), pl.lit(limit * 100)),
        pl.format("2019年度裁员率 {}% 不低于 {}%", (rate * 100).round(2), pl.lit(limit * 100)),
        "缺少计算裁员率所需的 2018-12、2019-12 参保人数或 2019 年自然减员人数",
    )
    c.require(~pl.col("flag_serious_dishonesty"), "未列入严重违法失信企业名单", "已列入严重违法失信企业名单")
    change = c.col("profit_tax_change_2019", pl.col("finance_profit_tax_change_2019"), "2019年度利税总额同比变化")
    drop = c.p(p + "profit_tax_change_limit")
    c.require(
        change <= drop,
        pl.format("2019年度利税总额同比变化 {}%（下降50%以上）", (change * 100).round(1)),
        pl.format("2019年度利税总额同比变化 {}%，未下降50%以上", (change * 100).round(1)),
        "缺少2019年度利税总额同比变化（finance.profit_tax_change_2019）",
    )
    quarter_no = quarter_index(pl.col("quarter"))
    consecutive = c.col(
        "two_consecutive_loss_quarters",
        c.aggregate(
            "quarterly_profit",
            ((pl.col("profit") < 0) & (pl.col("profit").shift(1) < 0) & (quarter_no - quarter_no.shift(1) == 1)).any(),
            order_by="quarter",
            default=False,
        ),
        "连续两个季度亏损",
    )
    c.require(consecutive, "连续两个季度出现亏损", "未见连续两个季度亏损（finance.quarterly_profit）")
    q = c.p(p + "loss_quarter")
    q1 = c.col("profit_2020q1", c.month_value("quarterly_profit", q, "profit", key="quarter"), "2020年第一季度利润")
    c.require(
        q1 < 0, "2020年第一季度出现亏损", "2020年第一季度未出现亏损", f"缺少 {q} 季度利润（finance.quarterly_profit）"
    )
    c.require(pl.col("flag_job_stabilisation_plan"), "已制定稳定就业岗位措施", "未制定稳定就业岗位措施")
    c.output("layoff_rate", rate.round(6))
    months_of_benefit(
        c, "beijing.ui_benefit_monthly_2019", "2019年度本市月人均失业保险金标准", c.p(p + "months_refunded"), headcount
    )


@rule("beijing.one_time_si_subsidy_2020")
def one_time_si_subsidy(c: Calc) -> None:
    p = "beijing.one_time_si_subsidy_2020."
    c.require(
        pl.col("size").is_in(c.p(p + "sme_sizes")),
        pl.format("中小微企业（{}）", pl.col("size")),
        pl.format("企业划型为 {}，非中小微企业", pl.col("size")),
        "未能划型，无法确认中小微企业条件",
    )
    c.require(~pl.col("state_owned"), "非国有企业", "国有企业不在补贴范围")
    c.require(
        pl.col("flag_capital_function"),
        "符合首都功能定位和产业发展方向",
        "未认定符合首都功能定位和产业发展方向（中关村一区十六园、三城一区或十大高精尖产业）",
    )
    c.require(~pl.col("flag_restricted_list"), "不在北京市禁限目录内", "在北京市禁限目录内")
    m2020 = month_range(*c.p(p + "compare_2020"))
    m2019 = month_range(*c.p(p + "compare_2019"))
    msub = c.p(p + "subsidy_months")
    mean20, n20 = c.months_mean("insured", m2020, "headcount")
    mean19, n19 = c.months_mean("insured", m2019, "headcount")
    mean20 = c.col("mean_insured_2020_01_04", pl.when(n20 == len(m2020)).then(mean20), "2020年1-4月月均参保人数")
    mean19 = c.col("mean_insured_2019", pl.when(n19 == len(m2019)).then(mean19), "2019年月均参保人数")
    growth = c.col("growth", pl.when(mean19 > 0).then(exact(mean20 / mean19 - 1)), "参保人数增长率 g")
    floor = c.p(p + "growth_floor")
    c.require(
        growth >= floor,
        pl.format("月均参保人数增长 {}%（持平或增长）", (growth * 100).round(2)),
        pl.format("月均参保人数下降 {}%", (growth * -100).round(2)),
        f"缺少 {m2019[0]}..{m2019[-1]} 或 {m2020[0]}..{m2020[-1]} 的逐月失业保险参保人数",
    )
    high = c.p(p + "growth_high")
    ratio = c.col(
        "ratio",
        pl.when(growth >= high).then(pl.lit(c.p(p + "ratio_high"))).otherwise(pl.lit(c.p(p + "ratio_low"))),
        "补贴比例",
    )
    paid = c.col(
        "employer_paid_feb_apr",
        c.sum_contributions(c.p(p + "insurances"), (msub[0], msub[1]), pl.col("employer_paid")),
        "2-4月养老、医疗、失业单位实缴合计",
    )
    mean_n, _ = c.months_mean("insured", month_range(*msub), "headcount")
    headcount = c.col("mean_insured_feb_apr", mean_n, "2-4月月均参保人数 N")
    cap = c.col("cap", headcount * c.p(p + "cap_per_person"), "补贴上限 6315 × N")
    c.amount(pl.min_horizontal(ratio * paid, cap))  # no headcount: no cap (min_horizontal skips nulls)
    c.period(msub[0], msub[1])
    c.note(
        pl.format("按 2-4 月单位实缴 {} 元的 {}% 补贴，上限 {} 元", paid.round(2), (ratio * 100).round(0), cap.round(2))
    )


# ---- 一（一）岗位补贴和社会保险补贴, application windows, 一（四）培训补贴 ----------------

from renshe.policies.beijing._helpers import application_window  # noqa: E402
from renshe.policies.common import as_of, iso  # noqa: E402

HIRE_RULE = "beijing.hard_to_employ_hiring_eligibility_2020."


def _hire_conditions(c: Calc) -> dict[str, pl.Expr]:
    """Row conditions over ``bj_hard_to_employ_hires`` (京人社就字〔2020〕15号 一（一）1)."""
    wage_floor = float(c.p("beijing.minimum_wage_monthly")) * c.p(HIRE_RULE + "wage_multiple")
    groups = c.p(HIRE_RULE + "groups_a") + c.p(HIRE_RULE + "groups_b")
    return {
        "group": pl.col("group").is_in(groups) & pl.col("registered"),
        "contract": pl.col("contract_months").fill_null(0) >= c.p(HIRE_RULE + "min_contract_months"),
        "si": pl.col("si_paid").fill_null(False),
        "wage": pl.col("lowest_monthly_wage").fill_null(0) >= wage_floor,
    }


def _hire_ok(c: Calc) -> pl.Expr:
    conds = _hire_conditions(c)
    return conds["group"] & conds["contract"] & conds["si"] & conds["wage"]


def _count(c: Calc, where: pl.Expr) -> pl.Expr:
    return c.aggregate("bj_hard_to_employ_hires", where.cast(pl.Int64).sum(), default=0)


@rule("beijing.hard_to_employ_hiring_eligibility_2020")
def hard_to_employ_hiring_eligibility(c: Calc) -> None:
    conds = _hire_conditions(c)
    wage_floor = float(c.p("beijing.minimum_wage_monthly")) * c.p(HIRE_RULE + "wage_multiple")
    total = c.col("hires_listed", _count(c, pl.lit(True)), "申报招用人员人数")
    ok = c.col("hires_qualifying", _count(c, _hire_ok(c)), "符合申请条件的招用人员人数")
    c.require(total > 0, None, "需提供招用的登记失业人员、城乡就业困难人员信息（enterprise.bj_hard_to_employ_hires）")
    c.require(
        ok > 0,
        pl.format(
            "招用人员中 {} 人符合申请条件（登记失业/就业困难人员，合同≥{}个月，按规定缴纳社保，月工资≥{}元）",
            ok,
            pl.lit(c.p(HIRE_RULE + "min_contract_months")),
            pl.lit(round(wage_floor, 2)),
        ),
        pl.format(
            "招用人员均不符合条件：非登记失业/就业困难人员 {} 人，合同期限不足{}个月 {} 人，未按规定缴纳社保 {} 人，"
            "月工资低于最低工资标准1.2倍（{}元） {} 人",
            _count(c, ~conds["group"]),
            pl.lit(c.p(HIRE_RULE + "min_contract_months")),
            _count(c, ~conds["contract"]),
            _count(c, ~conds["si"]),
            pl.lit(round(wage_floor, 2)),
            _count(c, ~conds["wage"]),
        ),
    )
    c.note("符合条件的可申请岗位补贴、社会保险补贴（beijing.post_subsidy_hard_to_employ_2020 等）")


def _months_capped(c: Calc, years_param: str) -> pl.Expr:
    months_per_year = 12  # unit conversion
    return pl.min_horizontal(pl.col("months_employed"), pl.lit(c.p(years_param) * months_per_year))


@rule("beijing.post_subsidy_hard_to_employ_2020")
def post_subsidy_hard_to_employ(c: Calc) -> None:
    p = "beijing.post_subsidy_hard_to_employ_2020."
    months_per_year = 12  # unit conversion
    group_a = _hire_ok(c) & pl.col("group").is_in(c.p(HIRE_RULE + "groups_a"))
    n = c.col("group_a_hires", _count(c, group_a), "符合条件的“4050”等重点人员人数")
    c.require(
        n > 0,
        pl.format("招用符合条件的“4050”、低保等重点人员 {} 人", n),
        "未招用符合条件的“4050”、低保、初次进京随军家属、登记失业1年以上、“零就业家庭”、低收入农户或农村就业困难地区转移劳动力",
        "需提供招用人员信息（enterprise.bj_hard_to_employ_hires）",
    )
    per_year = c.p(p + "per_year")
    months = c.col(
        "post_subsidy_months",
        c.aggregate("bj_hard_to_employ_hires", _months_capped(c, p + "max_years").sum(), where=group_a, default=0),
        "岗位补贴月数合计（每人最长五年）",
    )
    c.amount(months * (per_year / months_per_year))
    c.note(
        pl.format(
            "岗位补贴 {} 元/人/年 ÷ 12 × {} 人月（每人最长 {} 年）",
            pl.lit(per_year),
            months,
            pl.lit(c.p(p + "max_years")),
        )
    )


def _si_subsidy(c: Calc, p: str, group: pl.Expr, per_month: pl.Expr, what: str, null_params: list[str]) -> None:
    n = c.col("si_subsidy_hires", _count(c, group), f"符合条件的{what}人数")
    c.require(
        n > 0,
        pl.format("招用符合条件的{} {} 人", pl.lit(what), n),
        f"未招用符合条件的{what}",
        "需提供招用人员信息（enterprise.bj_hard_to_employ_hires）",
    )
    gross = c.col(
        "si_subsidy_gross",
        c.aggregate(
            "bj_hard_to_employ_hires", (per_month * _months_capped(c, p + "max_years")).sum(), where=group, default=0.0
        ),
        "社会保险补贴（核减前）",
    )
    offset = c.col(
        "one_time_si_offset",
        c.aggregate("bj_hard_to_employ_hires", pl.col("one_time_si_offset").sum(), where=group, default=0.0),
        "已享受一次性社会保险补贴中相应部分",
    )
    if null_params:
        pending_amount(c, "参数 " + "、".join(null_params) + " 未设定（种子文件未载明缴费基数），金额待核定")
    else:
        c.amount(pl.max_horizontal(gross - offset, pl.lit(0.0)))
        c.note(pl.format("社会保险补贴 {} 元，核减已享受的一次性社会保险补贴 {} 元", gross.round(2), offset.round(2)))


@rule("beijing.employer_si_subsidy_hard_to_employ_2020")
def employer_si_subsidy_hard_to_employ(c: Calc) -> None:
    p = "beijing.employer_si_subsidy_hard_to_employ_2020."
    group_a = _hire_ok(c) & pl.col("group").is_in(c.p(HIRE_RULE + "groups_a"))
    avg = c.p("beijing.avg_wage_monthly_prev_year")
    medical_base = c.p("beijing.medical_min_base_monthly_2020")
    cap = float(avg) * c.p(p + "cap_base_ratio")
    base = pl.min_horizontal(pl.col("contribution_base").fill_null(cap), pl.lit(cap))
    per_month = base * (c.p(p + "pension_rate") + c.p(p + "unemployment_rate")) + float(medical_base or 0) * c.p(
        p + "medical_rate"
    )
    missing = [] if medical_base is not None else ["beijing.medical_min_base_monthly_2020"]
    _si_subsidy(c, p, group_a, per_month, "“4050”等重点人员", missing)
    c.note(
        f"养老16%、失业0.8%以实际缴费基数为基数（最高为上年度平均工资 {avg} 元的60%即 {round(cap, 2)} 元）；"
        "医疗10%以医疗保险最低缴费基数为基数；每人最长五年"
    )


@rule("beijing.employer_si_subsidy_registered_unemployed_2020")
def employer_si_subsidy_registered_unemployed(c: Calc) -> None:
    p = "beijing.employer_si_subsidy_registered_unemployed_2020."
    group_b = _hire_ok(c) & pl.col("group").is_in(c.p(HIRE_RULE + "groups_b"))
    names = [
        "beijing.pension_min_base_monthly_2020",
        "beijing.unemployment_min_base_monthly_2020",
        "beijing.medical_min_base_monthly_2020",
    ]
    pension, unemp, medical = (c.p(n) for n in names)
    missing = [n for n, v in zip(names, (pension, unemp, medical), strict=True) if v is None]
    per_month = pl.lit(
        float(pension or 0) * c.p(p + "pension_rate")
        + float(unemp or 0) * c.p(p + "unemployment_rate")
        + float(medical or 0) * c.p(p + "medical_rate")
    )
    _si_subsidy(c, p, group_b, per_month, "其他登记失业人员", missing)
    c.note("养老16%、失业0.8%、医疗10%，以各险种最低缴费基数为基数；每人最长三年；不享受岗位补贴")


@rule("beijing.hiring_subsidy_application_window_2020")
def hiring_subsidy_application_window(c: Calc) -> None:
    p = "beijing.hiring_subsidy_application_window_2020."
    period = c.p(p + "claim_period_months")
    days = c.p(p + "window_days")
    today = as_of(c)
    now = today.year * 12 + today.month - 1
    start = month_index(pl.col("start_month"))
    done = (pl.lit(now) - start) // period  # completed periods whose following month has begun
    opens = first_day_of(start + done * period)
    closes = opens.dt.offset_by(f"{days - 1}d")
    is_open = (done >= 1) & (pl.lit(today) <= closes)
    where = _hire_ok(c) & pl.col("start_month").is_not_null()
    n = c.col("hires_with_start", _count(c, where), "有用工起始月份的符合条件招用人员")
    c.require(n > 0, None, "需提供符合条件招用人员的用工起始月份（bj_hard_to_employ_hires[].start_month）")
    deadline = c.col(
        "next_deadline",
        c.aggregate("bj_hard_to_employ_hires", closes.filter(is_open).min(), where=where),
        "当前申请期截止日",
    )
    c.require(
        deadline.is_not_null(),
        pl.format("当前有招用人员满{}个月的申请期开放，截止 {}", pl.lit(period), iso(deadline)),
        pl.format(
            "测算日 {} 无开放的申请期：每满{}个月（或一年）后于次月起{}日内申请",
            pl.lit(today.isoformat()),
            pl.lit(period),
            pl.lit(days),
        ),
    )
    c.output("deadline", iso(deadline))
    c.amount((deadline - pl.lit(today)).dt.total_days().cast(pl.Float64) + 1, unit="days")


@rule("beijing.unemployment_refund_application_2020")
def unemployment_refund_application(c: Calc) -> None:
    p = "beijing.unemployment_refund_application_2020."
    application_window(c, c.p(p + "from"), c.p(p + "to"), "困难企业失业保险费返还")
    c.note("通过互联网平台申请，经市审核小组联审")


@rule("beijing.one_time_si_subsidy_application_2020")
def one_time_si_subsidy_application(c: Calc) -> None:
    p = "beijing.one_time_si_subsidy_application_2020."
    application_window(c, c.p(p + "from"), c.p(p + "to"), "一次性社会保险补贴")
    c.note("通过互联网平台申请，区人力社保部门审核，有疑问的报市审核小组联审")


PLATFORM_RULE = "beijing.online_training_platform_requirements_2020."


def _missing_features(c: Calc) -> list[tuple[str, pl.Expr]]:
    have = pl.col("bj_skill_training_2020_online_platform_features")
    return [
        (label, ~have.list.contains(code).fill_null(False))
        for code, label in c.p(PLATFORM_RULE + "required_features").items()
    ]


def _platform_ok(c: Calc) -> pl.Expr:
    return ~pl.any_horizontal([lacking for _, lacking in _missing_features(c)])


@rule("beijing.online_training_platform_requirements_2020")
def online_training_platform_requirements(c: Calc) -> None:
    have = pl.col("bj_skill_training_2020_online_platform_features")
    c.require(
        have.list.len() > 0,
        None,
        "未列出线上培训平台功能（enterprise.bj_skill_training_2020.online_platform_features）",
        "需提供线上培训平台功能（enterprise.bj_skill_training_2020.online_platform_features）",
        facts=("enterprise.bj_skill_training_2020.online_platform_features",),
    )
    lacking = _missing_features(c)
    missing = pl.concat_str(
        [pl.when(cond).then(pl.lit(label)) for label, cond in lacking], separator="、", ignore_nulls=True
    )
    c.require(
        _platform_ok(c),
        "线上培训平台具备学员信息管理、实时查看、培训统计、数据导出、线上授课和过程记录功能",
        pl.format("线上培训平台缺少功能：{}", missing),
    )
    c.require(
        pl.col("bj_skill_training_2020_online_records_kept").fill_null(False),
        "已委托平台留存学员信息、学习记录备查",
        "未按要求委托平台留存学员信息、学习记录等培训补贴申请材料",
    )
    c.note("线上培训课时可累计计入补贴培训课时（40课时）")


@rule("beijing.enterprise_training_subsidy_2020")
def enterprise_training_subsidy(c: Calc) -> None:
    p = "beijing.enterprise_training_subsidy_2020."
    c.require(
        pl.col("bj_skill_training_2020_received_ui_refund_or_one_time_si"),
        "已享受困难企业失业保险费返还或一次性社会保险补贴",
        "未享受困难企业失业保险费返还或一次性社会保险补贴政策",
        "需说明是否享受失业保险费返还或一次性社会保险补贴（bj_skill_training_2020.received_ui_refund_or_one_time_si）",
        facts=("enterprise.bj_skill_training_2020.received_ui_refund_or_one_time_si",),
    )
    online_ok = _platform_ok(c) & pl.col("bj_skill_training_2020_online_records_kept").fill_null(False)
    trained = c.col(
        "trainees_40h",
        pl.when(online_ok)
        .then(pl.col("bj_skill_training_2020_trainees_40h"))
        .otherwise(
            pl.col("bj_skill_training_2020_trainees_40h_offline").fill_null(
                pl.col("bj_skill_training_2020_trainees_40h")
            )
        ),
        f"2020年培训累计满{c.p(p + 'min_class_hours')}课时且仍在本企业就业的职工",
    )
    elsewhere = pl.col("bj_skill_training_2020_trainees_claimed_elsewhere").fill_null(0)
    n = c.col(
        "trainees_subsidised", pl.max_horizontal(trained - elsewhere, pl.lit(0)), "可享受培训补贴人数（扣除重复申领）"
    )
    c.require(
        n > 0,
        pl.format(
            "培训满{}课时（每课时{}分钟）的在职职工 {} 人",
            pl.lit(c.p(p + "min_class_hours")),
            pl.lit(c.p(p + "class_hour_minutes")),
            n,
        ),
        pl.format(
            "无累计满{}课时且仍在本企业就业、未在其他培训补贴政策中申领的职工", pl.lit(c.p(p + "min_class_hours"))
        ),
        "需提供培训满40课时的职工人数（bj_skill_training_2020.trainees_40h）",
    )
    per = c.p(p + "per_trainee")
    c.amount(n * per)
    c.note(
        pl.format(
            "{} 人 × {} 元/人；已在职业技能提升行动其他培训补贴中申领的 {} 人不得重复申领", n, pl.lit(per), elsewhere
        )
    )
    c.note("线上平台功能或记录不全时，线上课时不计入", when=~online_ok)
