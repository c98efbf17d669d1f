"""京政办发〔2020〕7号 — 促进中小微企业持续健康发展的若干措施 (Beijing SME measures).

Every measure applies to Beijing-registered SMEs under 工信部联企业〔2011〕300号
until the end of 2020 (附则, ``beijing.sme_measures_scope_2020``). The
unemployment-insurance refund and the one-time social-insurance subsidy of
12 are computed by 京人社就字〔2020〕15号 (jrsjz_2020_15)."""

from __future__ import annotations

from typing import Literal

import polars as pl

from renshe.engine.calc import Calc, add_months, exact
from renshe.engine.case import Date, Facts, Money, Persons, Strict
from renshe.engine.rules import rule
from renshe.policies.beijing._helpers import require_sme_scope
from renshe.policies.common import date_lit, flag, has_group, in_industries, iso, pending_amount, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class SoeLease(Strict):  # beijing.sme_soe_rent_waiver_2020
    landlord_beijing_soe: bool = False
    use: Literal["operating", "office"] | None = None
    rent_feb_2020: Money | None = None


class SuspendedFees(Strict):  # beijing.sme_admin_fee_suspension_2020
    special_equipment_inspection: Money = 0.0
    sewage_treatment: Money = 0.0
    road_occupation: Money = 0.0


class Exhibition(Strict):  # beijing.exhibition_venue_rent_subsidy_2020
    suspended_by_epidemic: bool = False
    held_in_beijing_2020: bool = False
    sme_exhibitors: Persons | None = None
    total_exhibitors: Persons | None = None


class EnterpriseFacts(
    Facts,
    entity="enterprise",
    flags=(
        "zgc_tech_enterprise",
        "life_services_supplier",
        "kept_open_or_closed_per_rules",
        "no_or_few_layoffs",
        "travel_agency_good_standing",
        "taxi_fee_reduced",
        "ice_snow_venue",
        "cultural_enterprise",
        "chain_outlet_project",
        "repayment_difficulty",
        "incubator_or_park",
    ),
):
    soe_lease: SoeLease | None = None
    suspended_fees_2020: SuspendedFees | None = None
    sme_tenant_rent_reduction: Money | None = None
    tax_original_due_date: Date | None = None
    rnd_expense_2020: Money | None = None
    chain_outlet_supported_cost: Money | None = None
    exhibition_2020: Exhibition | None = None
    key_supply_loan_interest: Money | None = None
    share_pledge_maturity_date: Date | None = None
    guarantee_base_rate_percent: Money | None = None
    service_voucher_contract_amount: Money | None = None
    travel_agency_quality_deposit: Money | None = None  # beijing.travel_agency_deposit_refund_2020


P = "beijing."


def _null_amount(c: Calc, name: str, what: str) -> None:
    pending_amount(c, f"文件未定{what}：金额按相关政策核定（参数 {name} 未设定）")


@rule("beijing.sme_measures_scope_2020")
def sme_measures_scope(c: Calc) -> None:
    require_sme_scope(c)
    c.note(
        pl.format("适用京政办发〔2020〕7号各项措施，有效期至 {}", pl.lit(c.p(P + "sme_measures_scope_2020.valid_to")))
    )


@rule("beijing.sme_admin_fee_suspension_2020")
def sme_admin_fee_suspension(c: Calc) -> None:
    require_sme_scope(c)
    c.require(flag("epidemic_affected"), "受疫情影响较大", "未认定受疫情影响较大（flag epidemic_affected）")
    fees = c.col(
        "suspended_fees",
        pl.col("suspended_fees_2020_special_equipment_inspection").fill_null(0.0)
        + pl.col("suspended_fees_2020_sewage_treatment").fill_null(0.0)
        + pl.col("suspended_fees_2020_road_occupation").fill_null(0.0),
        "疫情期间应缴的特种设备检验费、污水处理费、占道费",
    )
    c.require(fees > 0, None, "疫情期间无应缴的特种设备检验费、污水处理费、占道费（enterprise.suspended_fees_2020）")
    c.amount(fees)
    c.note(pl.format("停征特种设备检验费、污水处理费、占道费共 {} 元", fees.round(2)))


@rule("beijing.sme_soe_rent_waiver_2020")
def sme_soe_rent_waiver(c: Calc) -> None:
    p = P + "sme_soe_rent_waiver_2020."
    require_sme_scope(c)
    c.require(
        pl.col("soe_lease_landlord_beijing_soe").fill_null(False),
        "承租京内市及区属国有企业房产",
        "未承租京内市及区属国有企业房产（enterprise.soe_lease.landlord_beijing_soe）",
    )
    use = pl.col("soe_lease_use")
    require_fact(
        c,
        use,
        missing="缺少房产用途（enterprise.soe_lease.use：operating 生产经营 / office 办公用房）",
        facts=("enterprise.soe_lease.use",),
    )
    operating = use == "operating"
    c.require(
        ~operating | (flag("kept_open_or_closed_per_rules") & flag("no_or_few_layoffs")),
        None,
        "生产经营用房：须按照政府要求坚持营业或依照防疫规定关闭停业（flag kept_open_or_closed_per_rules）"
        "且不裁员、少裁员（flag no_or_few_layoffs）",
    )
    rent = c.col("rent_feb_2020", pl.col("soe_lease_rent_feb_2020"), "2020年2月房租")
    require_fact(
        c,
        rent,
        missing="缺少2020年2月房租（enterprise.soe_lease.rent_feb_2020）",
        facts=("enterprise.soe_lease.rent_feb_2020",),
    )
    ratio = c.col(
        "waiver_ratio",
        pl.when(operating)
        .then(pl.lit(c.p(p + "waiver_ratio_operating")))
        .otherwise(pl.lit(c.p(p + "waiver_ratio_office"))),
        "减免比例",
    )
    c.amount(rent * ratio)
    month = c.p(p + "month")
    c.period(month, month)
    c.note(
        pl.when(operating).then(pl.lit("生产经营用房：免收2月份房租")).otherwise(pl.lit("办公用房：2月份租金减免50%"))
    )


@rule("beijing.sme_rent_relief_landlord_subsidy_2020")
def sme_rent_relief_landlord_subsidy(c: Calc) -> None:
    reduced = c.col("sme_tenant_rent_reduction", pl.col("sme_tenant_rent_reduction"), "疫情期间为中小微租户减免的租金")
    c.require(
        reduced > 0,
        pl.format("疫情期间为承租房屋的中小微企业减免租金 {} 元：可获市区政府资金补贴", reduced.round(2)),
        "疫情期间未为承租房屋的中小微企业减免租金（enterprise.sme_tenant_rent_reduction）",
        "缺少为中小微租户减免的租金（enterprise.sme_tenant_rent_reduction）",
    )
    c.note(
        "特色园、孵化器、大学科技园、众创空间、创业基地、文化产业园、视听园区等载体优先予以政策扶持",
        when=flag("incubator_or_park"),
    )
    _null_amount(c, P + "sme_rent_relief_landlord_subsidy_2020.amount", "补贴标准")


@rule("beijing.sme_tax_payment_extension_2020")
def sme_tax_payment_extension(c: Calc) -> None:
    p = P + "sme_tax_payment_extension_2020."
    require_sme_scope(c)
    c.require(flag("epidemic_affected"), "受疫情影响纳税申报困难", "未认定受疫情影响（flag epidemic_affected）")
    due = pl.col("tax_original_due_date")
    months = c.p(p + "max_extension_months")
    latest = iso(add_months(due, months))
    c.output("deadline", pl.when(due.is_not_null()).then(latest))
    c.note(
        pl.format("可依法办理延期缴纳税款，最长 {} 个月：原缴款期限 {}，最迟 {}", pl.lit(months), iso(due), latest),
        when=due.is_not_null(),
    )
    c.note(
        f"可依法办理延期缴纳税款，最长不超过 {months} 个月（提供 enterprise.tax_original_due_date 可算出最迟期限）",
        when=due.is_null(),
    )


@rule("beijing.zgc_small_rnd_subsidy_2020")
def zgc_small_rnd_subsidy(c: Calc) -> None:
    p = P + "zgc_small_rnd_subsidy_2020."
    require_sme_scope(c)
    c.require(
        pl.col("size").is_in(c.p(p + "sizes")), "小微企业", pl.format("企业划型为 {}，非小微企业", pl.col("size"))
    )
    c.require(
        flag("zgc_tech_enterprise"),
        "中关村国家自主创新示范区内的科技型企业",
        "未认定为中关村国家自主创新示范区内的科技型企业（flag zgc_tech_enterprise）",
    )
    cap = c.p(p + "cap_per_enterprise")
    rate = c.p(p + "rate")
    rnd = c.col("rnd_expense_2020", pl.col("rnd_expense_2020"), "研发投入")
    if rate is None:
        c.output("cap", pl.lit(float(cap)))
        _null_amount(c, p + "rate", "研发费用补助比例")
        c.note(f"每家最高不超过 {cap} 元")
    else:
        require_fact(
            c, rnd, missing="缺少研发投入（enterprise.rnd_expense_2020）", facts=("enterprise.rnd_expense_2020",)
        )
        c.amount(pl.min_horizontal(rnd * rate, pl.lit(float(cap))))
        c.note(pl.format("研发投入 {} 元 × {}，最高 {} 元", rnd.round(2), pl.lit(rate), pl.lit(cap)))


@rule("beijing.cultural_sme_financing_award_2020")
def cultural_sme_financing_award(c: Calc) -> None:
    require_sme_scope(c)
    c.require(
        flag("cultural_enterprise"),
        "中小文化企业：融资可通过“投贷奖”政策获得贴息、贴租等奖励",
        "未认定为文化企业（flag cultural_enterprise）",
    )
    _null_amount(c, P + "cultural_sme_financing_award_2020.amount", "“投贷奖”奖励标准")


@rule("beijing.cultural_micro_rent_subsidy_2020")
def cultural_micro_rent_subsidy(c: Calc) -> None:
    require_sme_scope(c)
    c.require(flag("cultural_enterprise"), "文化企业", "未认定为文化企业（flag cultural_enterprise）")
    c.require(
        pl.col("size").is_in(c.p(P + "cultural_micro_rent_subsidy_2020.sizes")),
        "小微文化企业：房租可通过“房租通”政策获得补贴",
        pl.format("企业划型为 {}，非小微企业（初创型文化企业由主管部门认定）", pl.col("size")),
    )
    _null_amount(c, P + "cultural_micro_rent_subsidy_2020.amount", "“房租通”补贴标准")


@rule("beijing.ski_venue_utility_subsidy_2020")
def ski_venue_utility_subsidy(c: Calc) -> None:
    require_sme_scope(c)
    c.require(flag("ice_snow_venue"), "滑冰滑雪场所", "非滑冰滑雪场所（flag ice_snow_venue）")
    c.require(
        flag("epidemic_affected"), "受疫情影响：给予适当额度用水用电补贴", "未认定受疫情影响（flag epidemic_affected）"
    )
    _null_amount(c, P + "ski_venue_utility_subsidy_2020.amount", "用水用电补贴额度")


@rule("beijing.travel_agency_deposit_refund_2020")
def travel_agency_deposit_refund(c: Calc) -> None:
    p = P + "travel_agency_deposit_refund_2020."
    require_sme_scope(c)
    agency = in_industries(c.p(p + "industries"))
    c.require(agency, "旅行社", "非旅行社（行业代码须为 L7291 旅行社及相关服务）")
    c.require(
        flag("travel_agency_good_standing"),
        "经营规范、信誉良好",
        "未认定经营规范、信誉良好（flag travel_agency_good_standing）",
    )
    deposit = c.col("quality_deposit", pl.col("travel_agency_quality_deposit"), "已缴旅行社质量保证金")
    require_fact(
        c,
        deposit,
        missing="缺少已缴旅行社质量保证金数额（enterprise.travel_agency_quality_deposit）",
        facts=("enterprise.travel_agency_quality_deposit",),
    )
    c.amount(deposit * c.p(p + "refund_ratio"))
    c.note("全额退还旅行社质量保证金，待疫情结束后再适时重新缴纳")


@rule("beijing.chain_outlet_rent_support_cap_2020")
def chain_outlet_rent_support_cap(c: Calc) -> None:
    p = P + "chain_outlet_rent_support_cap_2020."
    require_sme_scope(c)
    c.require(
        flag("chain_outlet_project"),
        "重点连锁餐饮（早餐）、菜店（生鲜超市）、便利店网点设立项目",
        "非重点连锁餐饮（早餐）、菜店（生鲜超市）、便利店网点设立项目（flag chain_outlet_project）",
    )
    c.require(
        flag("epidemic_affected") | flag("life_services_supplier"),
        "受疫情影响严重或保障市民基本生活",
        "未认定受疫情影响严重或在疫情防控中保障市民基本生活（flag epidemic_affected / life_services_supplier）",
    )
    cost = c.col("chain_outlet_supported_cost", pl.col("chain_outlet_supported_cost"), "房屋租金等支持范围内费用")
    require_fact(
        c,
        cost,
        missing="缺少房屋租金等支持范围内费用（enterprise.chain_outlet_supported_cost）",
        facts=("enterprise.chain_outlet_supported_cost",),
    )
    cap = c.p(p + "support_ratio_cap")
    c.amount(cost * cap)
    c.note(
        pl.format(
            "支持比例上限由原 {}% 提高至 {}%：最高 {} 元",
            pl.lit(round(c.p(p + "support_ratio_cap_old") * 100)),
            pl.lit(round(cap * 100)),
            (cost * cap).round(2),
        )
    )


@rule("beijing.exhibition_venue_rent_subsidy_2020")
def exhibition_venue_rent_subsidy(c: Calc) -> None:
    p = P + "exhibition_venue_rent_subsidy_2020."
    c.require(
        pl.col("exhibition_2020_suspended_by_epidemic").fill_null(False),
        "展会因疫情影响暂停举办",
        "展会未因疫情影响暂停举办（enterprise.exhibition_2020.suspended_by_epidemic）",
    )
    c.require(
        pl.col("exhibition_2020_held_in_beijing_2020").fill_null(False),
        "年内继续在京举办",
        "展会未于年内继续在京举办（enterprise.exhibition_2020.held_in_beijing_2020）",
    )
    share = c.col(
        "sme_exhibitor_share",
        exact(pl.col("exhibition_2020_sme_exhibitors") / pl.col("exhibition_2020_total_exhibitors")),
        "参展中小微企业占比",
    )
    limit = c.p(p + "sme_share_threshold")
    c.require(
        share > limit,
        pl.format("参展中小微企业占 {}%，超过 {}%", (share * 100).round(2), pl.lit(limit * 100)),
        pl.format("参展中小微企业占 {}%，未超过 {}%", (share * 100).round(2), pl.lit(limit * 100)),
        "缺少参展中小微企业数和参展企业总数（enterprise.exhibition_2020）",
    )
    _null_amount(c, p + "amount", "场租费用补贴标准（「一定的」）")


@rule("beijing.taxi_fee_reduction_subsidy_2020")
def taxi_fee_reduction_subsidy(c: Calc) -> None:
    p = P + "taxi_fee_reduction_subsidy_2020."
    taxi = in_industries(c.p(p + "industries"))
    c.require(taxi, "出租车企业", "非出租车企业（行业代码须为 G5412 出租车客运）")
    c.require(
        flag("taxi_fee_reduced"),
        "对疫情期间继续运营的司机减免承包金：市区两级可给予运营补贴",
        "未对疫情期间继续运营的出租车司机减免承包金（flag taxi_fee_reduced）",
    )
    _null_amount(c, p + "amount", "运营补贴标准")


@rule("beijing.sme_loan_extension_renewal_2020")
def sme_loan_extension_renewal(c: Calc) -> None:
    require_sme_scope(c)
    c.require(flag("severe_difficulty"), "受疫情影响严重", "未认定受疫情影响严重（flag severe_difficulty）")
    c.require(
        flag("repayment_difficulty"), "到期还款困难：可予以展期或续贷", "无到期还款困难（flag repayment_difficulty）"
    )


@rule("beijing.key_supply_enterprise_interest_subsidy_2020")
def key_supply_enterprise_interest_subsidy(c: Calc) -> None:
    p = P + "key_supply_enterprise_interest_subsidy_2020."
    require_sme_scope(c)
    c.require(
        flag("key_supply_list"),
        "疫情防控重点保障企业：给予贷款贴息支持",
        "未列入疫情防控重点保障企业名单（flag key_supply_list）",
    )
    ratio = c.p(p + "ratio")
    interest = c.col("key_supply_loan_interest", pl.col("key_supply_loan_interest"), "贷款利息")
    if ratio is None:
        _null_amount(c, p + "ratio", "贴息比例")
    else:
        require_fact(
            c,
            interest,
            missing="缺少贷款利息（enterprise.key_supply_loan_interest）",
            facts=("enterprise.key_supply_loan_interest",),
        )
        c.amount(interest * ratio)
        c.note(pl.format("贷款利息 {} 元 × 贴息比例 {}", interest.round(2), pl.lit(ratio)))


@rule("beijing.sme_share_pledge_extension_2020")
def sme_share_pledge_extension(c: Calc) -> None:
    p = P + "sme_share_pledge_extension_2020."
    require_sme_scope(c)
    c.require(flag("repayment_difficulty"), "还款困难", "无还款困难（flag repayment_difficulty）")
    maturity = pl.col("share_pledge_maturity_date")
    start, end = c.p(p + "period")
    inside = (maturity >= date_lit(start)) & (maturity <= date_lit(end))
    c.require(
        inside,
        pl.format("股票质押协议于疫情防控期间（{}）到期", iso(maturity)),
        pl.format("股票质押协议到期日 {} 不在疫情防控期间（{} 至 {}）", iso(maturity), pl.lit(start), pl.lit(end)),
        "缺少股票质押协议到期日（enterprise.share_pledge_maturity_date）",
    )
    lo, hi = c.p(p + "extension_min_months"), c.p(p + "extension_max_months")
    c.output("deadline", iso(add_months(maturity, hi)))
    c.output("earliest_extended_maturity", iso(add_months(maturity, lo)))
    c.note(
        pl.format(
            "可与证券公司等协商展期 {} 至 {} 个月：展期后到期日 {} 至 {}",
            pl.lit(lo),
            pl.lit(hi),
            iso(add_months(maturity, lo)),
            iso(add_months(maturity, hi)),
        )
    )


@rule("beijing.guarantee_fee_rate_cut_2020")
def guarantee_fee_rate_cut(c: Calc) -> None:
    p = P + "guarantee_fee_rate_cut_2020."
    require_sme_scope(c)
    base = c.col("guarantee_base_rate", pl.col("guarantee_base_rate_percent"), "原担保综合费率（%）")
    epidemic = flag("epidemic_control_related") | flag("epidemic_supplies_producer")
    life = flag("life_services_supplier")
    severe = flag("severe_difficulty")
    c.require(epidemic | life | severe, None, "非疫情防控相关企业、生活服务保障企业或受疫情影响严重的中小微企业")
    require_fact(
        c,
        base,
        missing="缺少政府性担保机构原担保费率（enterprise.guarantee_base_rate_percent，%）",
        facts=("enterprise.guarantee_base_rate_percent",),
    )
    cut = c.p(p + "severe_sme_reduction")
    rate = pl.min_horizontal(  # the lowest of the rates that apply (min_horizontal skips the nulls)
        pl.when(epidemic).then(pl.min_horizontal(base, pl.lit(c.p(p + "epidemic_related_max_rate")))),
        pl.when(life).then(pl.min_horizontal(base, pl.lit(c.p(p + "life_services_max_rate")))),
        pl.when(severe).then((base - cut).clip(lower_bound=0.0)),
    )
    c.amount(rate, unit="percent")
    c.note(pl.format("担保费率由 {}% 降至 {}%（多项适用时取最低）", base, rate.round(4)))


@rule("beijing.sme_no_credit_downgrade_2020")
def sme_no_credit_downgrade(c: Calc) -> None:
    require_sme_scope(c)
    c.require(
        flag("epidemic_affected"),
        "因疫情造成信用评级负面影响：暂不予以信用降级",
        "未认定受疫情影响（flag epidemic_affected）",
    )


@rule("beijing.zgc_innovative_sme_interest_subsidy_2020")
def zgc_innovative_sme_interest_subsidy(c: Calc) -> None:
    require_sme_scope(c)
    c.require(
        flag("zgc_tech_enterprise"),
        "中关村创新型中小微企业：可申请贷款贴息以及债券、融资租赁费用补贴",
        "未认定为中关村创新型中小微企业（flag zgc_tech_enterprise）",
    )
    _null_amount(c, P + "zgc_innovative_sme_interest_subsidy_2020.amount", "贴息和费用补贴标准（按中关村有关规定）")


@rule("beijing.sme_service_voucher_2020")
def sme_service_voucher(c: Calc) -> None:
    p = P + "sme_service_voucher_2020."
    require_sme_scope(c)
    c.require(flag("severe_difficulty"), "受疫情影响严重", "未认定受疫情影响严重（flag severe_difficulty）")
    contract = c.col(
        "service_voucher_contract_amount", pl.col("service_voucher_contract_amount"), "采购指定服务产品合同额合计"
    )
    c.require(
        contract > 0,
        None,
        "未采购远程办公、视频会议、法律咨询、在线检测、网络销售等指定服务产品",
        "缺少采购指定服务产品的合同额（enterprise.service_voucher_contract_amount）",
    )
    ratio, cap = c.p(p + "subsidy_ratio_max"), c.p(p + "cap_per_enterprise")
    c.amount(pl.min_horizontal(contract * ratio, pl.lit(float(cap))))
    c.note(pl.format("合同额 {} 元 × {}%，每家最高 {} 元", contract.round(2), pl.lit(round(ratio * 100)), pl.lit(cap)))


@rule("beijing.unemployed_free_training_2020")
def unemployed_free_training(c: Calc) -> None:
    c.require(
        has_group(c.p(P + "unemployed_free_training_2020.groups")),
        "本市登记失业人员：按照有关规定可享受免费职业技能培训",
        "非本市登记失业人员（person.groups 须含 registered_unemployed）",
    )
