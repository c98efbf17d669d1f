"""京人社就字〔2020〕14号 — Beijing employment work during epidemic control.

三 一次性吸纳就业补贴 (hiring subsidy for producers of epidemic supplies) and
二 一次性就业创业服务补助 (service subsidy for HR agencies placing workers with
key enterprises)."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc, add_months, month_range
from renshe.engine.case import Date, Facts, Strict
from renshe.engine.rules import rule
from renshe.policies.common import iso, known_any


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class BjLabourPractices2020(Strict):  # beijing.no_regional_discrimination_2020 and other 23号/20号 checks
    posting_excludes_severe_areas: bool | None = None
    refused_hire_for_origin: bool | None = None
    graduate_discrimination_quarantined_or_infected: bool | None = None
    government_supply_task: bool | None = None
    overtime_health_safety_ensured: bool | None = None
    unable_to_pay_wages: bool | None = None
    wage_deferral_agreed_with_union: bool | None = None
    outstanding_labour_relations_contribution: bool | None = None


class BjStartupLoan(Strict):  # beijing.guaranteed_loan_extension_infected_2020
    granted: bool = True
    maturity_date: Date
    borrower_infected: bool = False


class EnterpriseFacts(Facts, entity="enterprise"):
    bj_labour_practices_2020: BjLabourPractices2020 | None = None  # beijing.no_regional_discrimination_2020 …


class PersonFacts(Facts, entity="person"):
    bj_startup_loan: BjStartupLoan | None = None  # beijing.guaranteed_loan_extension_infected_2020


@rule("beijing.hiring_subsidy_2020")
def hiring_subsidy(c: Calc) -> None:
    p = "beijing.hiring_subsidy_2020."
    c.require(
        pl.col("flag_epidemic_supplies_producer"),
        "经认定的春节期间（截至2020年2月9日）开工生产、配送疫情防控急需物资企业",
        "未经认定为春节期间开工生产、配送疫情防控急需物资的企业",
    )
    months = month_range(*c.p(p + "months"))
    added = c.col(
        "si_additions_jan_feb",
        c.aggregate("si_additions", pl.col("count").sum(), where=pl.col("month").is_in(months), default=0),
        "2020年1-2月社保增员人数",
    )
    per = c.p(p + "per_person")
    c.amount(added * per)
    c.period(months[0], months[-1])
    c.note(pl.format("社保增员 {} 人 × {} 元/人", added, pl.lit(per)))


@rule("beijing.job_intro_service_subsidy_2020")
def job_intro_service_subsidy(c: Calc) -> None:
    tiers = sorted(c.p("beijing.job_intro_service_subsidy_2020.tiers"), key=lambda t: -t["min_placements"])
    placed = c.col("placements", c.aggregate("placements", pl.col("count").sum(), default=0), "推荐成功上岗人数 P")
    lowest = tiers[-1]["min_placements"]
    c.require(
        placed >= lowest,
        pl.format("推荐成功上岗 {} 人", placed),
        pl.format("推荐成功上岗 {} 人，不足 {} 人", placed, pl.lit(lowest)),
    )
    amount = pl.lit(None, dtype=pl.Float64)
    for tier in reversed(tiers):
        amount = pl.when(placed >= tier["min_placements"]).then(pl.lit(float(tier["amount"]))).otherwise(amount)
    c.amount(amount)


@rule("beijing.guaranteed_loan_extension_infected_2020")
def guaranteed_loan_extension_infected(c: Calc) -> None:
    months = int(c.p("beijing.guaranteed_loan_extension_infected_2020.max_extension_months"))
    maturity = pl.col("bj_startup_loan_maturity_date")
    granted = pl.col("bj_startup_loan_granted")
    c.require(
        pl.when(maturity.is_not_null() | granted.is_not_null()).then(maturity.is_not_null() & granted.fill_null(False)),
        "已发放个人创业担保贷款",
        "没有已发放的个人创业担保贷款（person.bj_startup_loan）",
        "需提供已发放的个人创业担保贷款及到期日（person.bj_startup_loan）",
        facts=("person.bj_startup_loan",),
    )
    c.require(
        pl.col("bj_startup_loan_borrower_infected").fill_null(False),
        "借款人患新型冠状病毒感染肺炎",
        "借款人未患新冠肺炎，不适用本项展期",
    )
    latest = c.col("latest_new_maturity", add_months(maturity, months), "展期后最迟到期日")
    c.output("deadline", iso(latest))
    c.output("extension_months", pl.lit(months))
    c.output("interest_subsidy_continues", pl.lit(True))
    c.note(
        pl.format(
            "可向贷款银行申请展期还款，展期原则上不超过 {} 个月（最迟至 {}），财政部门继续贴息",
            pl.lit(months),
            iso(latest),
        )
    )


@rule("beijing.no_regional_discrimination_2020")
def no_regional_discrimination(c: Calc) -> None:
    d = "bj_labour_practices_2020_"
    posting, refused = pl.col(d + "posting_excludes_severe_areas"), pl.col(d + "refused_hire_for_origin")
    c.require(
        known_any(posting, refused),
        None,
        "需提供招聘信息和招用情况（enterprise.bj_labour_practices_2020）",
        "需提供招聘信息和招用情况（enterprise.bj_labour_practices_2020）",
        facts=("enterprise.bj_labour_practices_2020",),
    )
    c.require(
        ~posting.fill_null(False),
        "招聘信息未拒绝招录疫情严重地区劳动者",
        "发布了拒绝招录疫情严重地区劳动者的招聘信息：不得发布，须撤下修改",
    )
    c.require(
        ~refused.fill_null(False),
        "未以来自疫情严重地区为由拒绝招用",
        "以来自疫情严重地区为由拒绝招用：不得以此为由拒绝招用相关人员",
    )
    c.note("对因疫情暂不能返岗提供正常劳动的劳动者，不得解除劳动合同或退回劳务派遣用工")
