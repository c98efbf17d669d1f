"""Beijing notice of 2020-02-14 on the one-time employment-service subsidy for HR agencies:
conditions (二、三) and recovery for fraud (六). The subsidy itself is paid by
beijing.job_intro_service_subsidy_2020 (京人社就字〔2020〕14号 二), whose tiers are reused here."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Facts, Money
from renshe.engine.rules import rule


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class AgencyFacts(Facts, entity="agency"):
    bj_placements_via_urgent_board: bool | None = None  # beijing.job_intro_service_subsidy_conditions_2020
    bj_job_intro_subsidy_received: Money | None = None  # beijing.job_intro_subsidy_clawback_2020
    bj_job_intro_subsidy_fraud_found: bool | None = None  # beijing.job_intro_subsidy_clawback_2020


@rule("beijing.job_intro_service_subsidy_conditions_2020")
def job_intro_service_subsidy_conditions(c: Calc) -> None:
    licence = str(c.p("beijing.job_intro_service_subsidy_conditions_2020.licence"))
    c.require(
        pl.col("bj_licences").list.contains(pl.lit(licence)),
        "已取得职业中介活动行政许可",
        "未取得市、区人力资源社会保障部门颁发的职业中介活动行政许可（agency.bj_licences 须含 job_agency）",
    )
    c.require(
        pl.col("bj_placements_via_urgent_board"),
        "服务对象为在“就业超市”急聘公告专栏发布用工需求的重点企业",
        "服务对象不是在“就业超市”急聘公告专栏发布用工需求的重点企业",
        "需说明推荐上岗的企业是否在“就业超市”急聘专栏发布需求（agency.bj_placements_via_urgent_board）",
    )
    tiers = c.p("beijing.job_intro_service_subsidy_2020.tiers")
    lowest = min(int(t["min_placements"]) for t in tiers)
    placed = c.col(
        "placements_total",
        c.aggregate("placements", pl.col("count").sum(), default=0),
        "推荐成功上岗人数（多家重点企业累加）",
    )
    c.require(
        placed >= lowest,
        pl.format("推荐成功上岗 {} 人（多家企业累加），达到 {} 人的规模", placed, pl.lit(lowest)),
        pl.format("推荐成功上岗 {} 人（多家企业累加），不足 {} 人", placed, pl.lit(lowest)),
    )
    c.output("placements_total", placed)
    c.note(
        "推荐上岗人员不限用工形式（合同制、非全日制、临时性、季节性、弹性工作等均可）；疫情结束后申请，"
        "补助金额见 beijing.job_intro_service_subsidy_2020"
    )


@rule("beijing.job_intro_subsidy_clawback_2020")
def job_intro_subsidy_clawback(c: Calc) -> None:
    ratio = c.p("beijing.job_intro_subsidy_clawback_2020.clawback_ratio")
    c.require(
        pl.col("bj_job_intro_subsidy_fraud_found"),
        "经查实虚报、冒领一次性就业创业服务补助",
        "未查实虚报、冒领，无需追回",
        "需说明是否查实虚报冒领（agency.bj_job_intro_subsidy_fraud_found）",
    )
    received = pl.col("bj_job_intro_subsidy_received")
    clawback = c.col("clawback_amount", received * ratio, "应追回金额")
    c.output("clawback_amount", clawback)
    c.note(pl.format("由市人力资源和社会保障局追回全部资金 {} 元", clawback.round(2)), when=received.is_not_null())
    c.note("需提供已领取的补助金额（agency.bj_job_intro_subsidy_received）", when=received.is_null())
    c.note("机构失信记录纳入全国信息共享平台，向社会公布")
