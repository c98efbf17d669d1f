"""工信明电〔2020〕14号 — helping SMEs resume work (帮助中小企业复工复产共渡难关):
utility-fee deferral, interest subsidies for listed key suppliers, relief
funds, loan extension, bridge loans, guarantees, 小巨人 priority, rent relief
at SME bases, credit-record exemption."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl
from pydantic import Field

from renshe.engine.calc import Calc
from renshe.engine.case import Date, Facts, Money, Month, Strict
from renshe.engine.rules import rule
from renshe.policies.common import num, pending_amount


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class UtilityBill(Strict):  # cn.miit_sme_utility_fee_deferral_2020
    month: Month
    kind: Literal["electricity", "water", "gas"]
    amount: Money


class ObligationFailure(Strict):  # cn.miit_sme_credit_record_exemption_2020
    date: Date
    obligation: str
    epidemic_cause: bool = False


class EnterpriseFacts(
    Facts,
    entity="enterprise",
    flags=(
        "central_key_supplier_list",
        "viable_prospects",
        "specialised_sme",
        "epidemic_tech_breakthrough",
    ),
):
    utility_bills: list[UtilityBill] = Field(default_factory=list)  # cn.miit_sme_utility_fee_deferral_2020
    government_guaranteed_loan: bool | None = None  # cn.miit_sme_guarantee_terms_2020
    guaranteed_loan_unable_to_repay: bool | None = None  # cn.miit_sme_guarantee_compensation_2020
    landlord_type: Literal["national_or_provincial_sme_demo_base", "fiscally_supported_carrier", "other"] | None = (
        None  # cn.miit_sme_base_rent_relief_2020
    )
    rent_due_epidemic: Money | None = None  # cn.miit_sme_base_rent_relief_2020
    obligation_failures: list[ObligationFailure] = Field(
        default_factory=list
    )  # cn.miit_sme_credit_record_exemption_2020


class BureauFacts(Facts, entity="bureau"):
    npl_small_micro_epidemic_loans: Money | None = None  # 疫情期间向小微企业发放贷款的不良部分, yuan


SME_MISSING = "未能划型，无法确认中小企业条件"


def _sme(c: Calc, sizes_param: str, what: str = "中小企业") -> None:
    c.require(
        pl.col("size").is_in(c.p(sizes_param)),
        None,
        pl.format("企业划型为 {}，非{}", pl.col("size"), pl.lit(what)),
        SME_MISSING,
    )


@rule("cn.miit_sme_utility_fee_deferral_2020")
def utility_fee_deferral(c: Calc) -> None:
    _sme(c, "sme_sizes")
    start, end = c.p("period_from"), c.p("deferral_end")
    where = pl.col("month") >= start
    if end is not None:
        where = where & (pl.col("month") <= dt.date.fromisoformat(str(end)).strftime("%Y-%m"))
    bills = c.col(
        "utility_bills_due",
        c.aggregate("utility_bills", pl.col("amount").sum(), where=where, default=0.0),
        "疫情期间生产经营用电、用水、用气费用",
    )
    c.require(bills > 0, None, "没有疫情期间的用电、用水、用气账单（enterprise.utility_bills）")
    c.amount(bills)
    c.output("deadline", pl.lit(None if end is None else str(end), dtype=pl.String))
    c.note(pl.format("用电、用水、用气费用 {} 元可阶段性缓缴，缓缴期间欠费不停供", bills.round(2)))
    if end is None:
        c.note("缓缴截止日由供水、供电、供气单位或地方规定：可设置 cn.miit_sme_utility_fee_deferral_2020.deferral_end")


@rule("cn.miit_sme_key_enterprise_interest_subsidy_2020")
def key_enterprise_interest_subsidy(c: Calc) -> None:
    _sme(c, "sme_sizes")
    c.require(
        pl.col("flag_central_key_supplier_list"),
        "已纳入中央疫情防控重点保障企业名单",
        "未纳入中央疫情防控重点保障企业名单",
    )
    priority = pl.col("region").str.slice(0, 2).is_in(c.p("priority_provinces"))
    c.output("priority_service", priority)
    c.note("可按政策规定申请中央贷款贴息支持和税收优惠（金额按其各自规定）；地方财政可在中央贴息基础上再予支持")
    c.note(pl.when(priority).then(pl.lit("所在省（市）为通知点名加强政策落实和服务的地区")))


@rule("cn.miit_sme_relief_fund_2020")
def relief_fund(c: Calc) -> None:
    _sme(c, "sme_sizes")
    c.require(pl.col("flag_severe_difficulty"), "受疫情影响严重", "未经确认受疫情影响严重")
    amount = c.p("relief_fund_amount")
    c.amount(num(amount))
    c.note(
        "可申请地方专项纾困资金支持"
        if amount is not None
        else "当地是否设立专项纾困资金及其标准由地方确定：可设置 cn.miit_sme_relief_fund_2020.relief_fund_amount"
    )


@rule("cn.miit_sme_loan_extension_2020")
def loan_extension(c: Calc) -> None:
    _sme(c, "sme_sizes", "中小微企业")
    c.require(pl.col("flag_epidemic_affected"), "受疫情影响暂遇困难", "未经确认受疫情影响")
    c.require(pl.col("flag_viable_prospects"), "经金融机构判断有发展前景", "未经金融机构判断有发展前景")
    c.note("金融机构不得盲目抽贷、断贷、压贷；到期还款困难的可予以展期或续贷，适当下调贷款利率（由金融机构决定）")


@rule("cn.miit_sme_bridge_loan_2020")
def bridge_loan(c: Calc) -> None:
    c.require(pl.col("flag_severe_difficulty"), "受疫情影响较大", "未经确认受疫情影响较大")
    rate = c.p("bridge_fee_rate")
    c.output("bridge_fee_rate", num(rate))
    c.note(
        "可获得应急转贷资金支持，应急转贷费率降低"
        + (
            ""
            if rate is not None
            else "（降低后的费率由地方应急转贷资金确定：可设置 cn.miit_sme_bridge_loan_2020.bridge_fee_rate）"
        )
    )


@rule("cn.miit_sme_guarantee_terms_2020")
def guarantee_terms(c: Calc) -> None:
    _sme(c, "sme_sizes")
    c.require(
        pl.col("government_guaranteed_loan"),
        "贷款由政府性融资担保机构担保",
        "贷款未由政府性融资担保机构担保",
        "需提供是否政府性融资担保（enterprise.government_guaranteed_loan）",
    )
    rate = c.p("guarantee_fee_rate")
    c.output("counter_guarantee_required", pl.lit(False))
    c.output("guarantee_fee_rate", num(rate))
    c.note("取消反担保要求，降低担保和再担保费率")


@rule("cn.miit_sme_guarantee_compensation_2020")
def guarantee_compensation(c: Calc) -> None:
    _sme(c, "sizes", "小微企业")
    c.require(
        pl.col("government_guaranteed_loan"),
        "贷款由政府性融资担保机构担保",
        "贷款未由政府性融资担保机构担保",
        "需提供是否政府性融资担保（enterprise.government_guaranteed_loan）",
    )
    c.require(
        pl.col("guaranteed_loan_unable_to_repay"),
        "经担保机构认定确无还款能力",
        "未经认定确无还款能力",
        "需提供是否确无还款能力（enterprise.guaranteed_loan_unable_to_repay）",
    )
    ext = c.p("recovery_extension_months")
    c.output("recovery_extension_months", num(ext))
    c.note("担保机构应及时履行代偿义务，视疫情影响适当延长追偿时限；符合核销条件的按规定核销代偿损失")


@rule("cn.miit_sme_little_giant_priority_2020")
def little_giant_priority(c: Calc) -> None:
    c.require(pl.col("flag_specialised_sme"), "“专精特新”中小企业", "非“专精特新”中小企业")
    c.require(
        pl.col("flag_epidemic_tech_breakthrough"),
        "新冠肺炎防治技术攻关取得重大突破（经确认）",
        "未经确认在检测技术、药物疫苗、医疗器械、防护装备等方面取得重大突破",
    )
    c.note("申报“专精特新”小巨人企业时予以优先考虑")


@rule("cn.miit_sme_base_rent_relief_2020")
def base_rent_relief(c: Calc) -> None:
    _sme(c, "sme_sizes")
    c.require(
        pl.col("landlord_type").is_in(c.p("landlord_types")),
        "租用国家或省级小微企业创业创新示范基地或享受过财政支持的载体",
        "出租方不是小微企业创业创新示范基地或享受过财政支持的创新创业特色载体",
        "需提供出租方类型（enterprise.landlord_type）",
    )
    rent = pl.col("rent_due_epidemic")
    share = c.p("relief_share")
    c.amount(rent * num(share))
    c.output("deferrable_amount", rent)
    c.note(
        "疫情期间可适当减免或延期收取租金、物业管理和其他费用（由基地或载体自愿确定）"
        + ("" if share is not None else "：减免比例可设置 cn.miit_sme_base_rent_relief_2020.relief_share")
    )


@rule("cn.miit_sme_credit_record_exemption_2020")
def credit_record_exemption(c: Calc) -> None:
    start = dt.date.fromisoformat(str(c.p("epidemic_period_from")))
    exempt = c.col(
        "exempt_failures",
        c.aggregate(
            "obligation_failures", pl.len(), where=pl.col("epidemic_cause") & (pl.col("date") >= start), default=0
        ).cast(pl.Int64),
        "确因疫情影响未能履行义务的次数",
    )
    total = c.aggregate("obligation_failures", pl.len(), default=0).cast(pl.Int64)
    c.require(exempt > 0, None, "没有确因疫情影响无法正常履行义务的记录（enterprise.obligation_failures）")
    c.output("exempt_failures", exempt)
    c.output("other_failures", total - exempt)
    c.note(pl.format("{} 项确因疫情影响未能履行的义务，协调不记入信用记录（最终由信用主管部门决定）", exempt))


@rule("cn.miit_sme_loan_risk_compensation_2020")
def loan_risk_compensation(c: Calc) -> None:
    """A local fund's compensation to the banks: share × the non-performing part of the loans
    granted to small and micro enterprises during the epidemic; pending while the share is unset."""
    npl = c.col(
        "npl_small_micro_epidemic_loans",
        pl.col("npl_small_micro_epidemic_loans"),
        "疫情期间小微企业贷款的不良部分（元）",
    )
    c.require(
        npl > 0,
        "有疫情期间向小微企业发放贷款的不良部分",
        "疫情期间向小微企业发放的贷款没有不良部分，无需补偿",
        "需提供疫情期间向小微企业发放贷款的不良部分（bureau.npl_small_micro_epidemic_loans）",
    )
    share = c.p("compensation_share")
    if share is None:
        pending_amount(
            c,
            "补偿比例由建立风险补偿资金的地方确定（“适当补偿”；参数 cn.miit_sme_loan_risk_compensation_2020.compensation_share 未设定）",
        )
    else:
        c.amount((npl * float(share)).round(2))
        c.note(pl.format("补偿 = 不良部分 {} 元 × 补偿比例 {}", npl, pl.lit(float(share))))
