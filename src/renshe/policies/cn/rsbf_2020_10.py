"""人社部发〔2020〕10号 — 互联网+职业技能培训计划 (online vocational training).

Training subsidies for enterprises' online training during shutdown, project
prepayments, trainee subsidies and living allowances, and exclusion of
institutions found to have defrauded training funds. 人社厅函〔2020〕24号 三
("探索对线上培训给予相应职业培训补贴") is cited by the two subsidy rules.
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from renshe.engine.calc import Calc
from renshe.engine.case import Date, DaySpan, Facts, Money, Persons, Strict
from renshe.engine.rules import rule
from renshe.policies.cn.rsbf_2020_8 import training_trainees
from renshe.policies.common import has_group, num


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class StaffTraining(
    Strict
):  # cn.stable_labour_shutdown_training_subsidy_2020, cn.internet_plus_training_enterprise_subsidy_2020
    start: Date
    end: Date
    mode: Literal["online", "offline"]
    trainees: Persons
    organiser: Literal["self", "commissioned"] = "self"


class OnlineTraining(Strict):  # cn.internet_plus_training_trainee_subsidy_2020
    course: str | None = None
    platform: str | None = None
    hours: Money | None = None
    certificate: bool = False
    platform_in_catalogue: bool = False


class EnterpriseFacts(Facts, entity="enterprise"):
    staff_trainings_2020: list[StaffTraining] = Field(default_factory=list)  # same two rules


class PersonFacts(Facts, entity="person"):
    online_trainings_2020: list[OnlineTraining] = Field(
        default_factory=list
    )  # cn.internet_plus_training_trainee_subsidy_2020
    online_training_days: DaySpan | None = None  # cn.internet_plus_training_living_allowance_2020
    training_subsidy_fraud_found: bool = (
        False  # cn.internet_plus_training_fraud_sanction_2020 (and the trainee subsidies)
    )


class AgencyFacts(Facts, entity="agency"):
    training_subsidy_fraud_found: bool = False  # cn.internet_plus_training_fraud_sanction_2020


FRAUD = "经查以虚假线上培训等套取、骗取培训补贴资金，不得享受培训补贴，已拨资金予以追回"


@rule("cn.internet_plus_training_enterprise_subsidy_2020")
def enterprise_subsidy(c: Calc) -> None:
    trainees = c.col(
        "online_trainees",
        training_trainees(c, ["epidemic_shutdown"], ["online"]),
        "停工期间（整体或部分停工）开展的职工线上培训人数",
    )
    c.require(
        trainees > 0,
        None,
        "停工期间没有开展职工线上培训（需提供 enterprise.epidemic_shutdown 和 "
        "staff_trainings_2020 中 mode 为 online 的培训）",
    )
    standard = c.p("training_subsidy_standard")
    c.amount(trainees * num(standard))
    c.note(
        pl.format(
            "各类企业停工期间自主或委托开展的职工线上培训 {} 人次，纳入职业培训补贴范围"
            "（资金从职业技能提升行动专账资金列支）",
            trainees,
        )
    )
    if standard is None:
        c.note(
            "当地职业培训补贴标准未设置：请设置 cn.internet_plus_training_enterprise_subsidy_2020.training_subsidy_standard"
        )


@rule("cn.internet_plus_training_project_prepayment_2020")
def project_prepayment(c: Calc) -> None:
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响的企业", "未经确认受疫情影响")
    total = pl.col("project_training_subsidy_total")
    c.require(
        total > 0,
        None,
        "未开展经核准的项目制培训",
        "需提供项目制培训补贴总额（enterprise.project_training_subsidy_total）",
    )
    ratio = c.p("prepayment_ratio")
    c.amount(total * num(ratio))
    c.note("项目制培训可预拨一定比例的培训补贴资金，结项时与最终补贴结算")
    if ratio is None:
        c.note("预拨比例由省确定：请设置 cn.internet_plus_training_project_prepayment_2020.prepayment_ratio")


@rule("cn.internet_plus_training_trainee_subsidy_2020")
def trainee_subsidy(c: Calc) -> None:
    c.require(~pl.col("training_subsidy_fraud_found"), None, FRAUD)
    courses = c.col(
        "certified_courses",
        c.aggregate(
            "online_trainings_2020", pl.len(), where=pl.col("certificate") & pl.col("platform_in_catalogue"), default=0
        ).cast(pl.Float64),
        "取得合格证明且平台在目录内的线上课程数",
    )
    c.require(courses > 0, None, "没有取得课程培训合格证明（且平台在当地目录内）的线上培训")
    standard = c.p("online_training_subsidy_standard")
    c.amount(courses * num(standard))
    c.note(pl.format("取得合格证明的线上课程 {} 门，按规定给予培训补贴", courses))
    if standard is None:
        c.note(
            "线上培训补贴标准由省级人社、财政部门规定：请设置 "
            "cn.internet_plus_training_trainee_subsidy_2020.online_training_subsidy_standard"
        )


@rule("cn.internet_plus_training_living_allowance_2020")
def living_allowance(c: Calc) -> None:
    groups = c.p("eligible_groups")
    c.require(
        has_group(groups),
        None,
        "非建档立卡贫困劳动力、就业困难人员、零就业家庭成员、“两后生”中农村学员或城市低保家庭学员",
    )
    c.require(~pl.col("training_subsidy_fraud_found"), None, FRAUD)
    days = pl.col("online_training_days")
    c.require(days > 0, None, "未参加线上培训", "需提供线上培训天数（person.online_training_days）")
    daily = c.p("living_allowance_daily")
    c.amount(days * num(daily))
    c.note(pl.format("参加线上培训 {} 天，培训期间给予生活费补贴（不含交通费补贴，资金从就业补助资金列支）", days))
    if daily is None:
        c.note(
            "生活费补贴标准由地方确定：请设置 cn.internet_plus_training_living_allowance_2020.living_allowance_daily"
        )


@rule("cn.internet_plus_training_fraud_sanction_2020")
def fraud_sanction(c: Calc) -> None:
    c.require(~pl.col("training_subsidy_fraud_found"), "未发现以虚假线上培训等套取、骗取培训补贴资金", FRAUD)
