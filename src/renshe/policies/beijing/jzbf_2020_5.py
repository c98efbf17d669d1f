"""京政办发〔2020〕5号 — 进一步支持打好疫情防控阻击战若干措施: 临时性工作补助 for
frontline medical and epidemic-control staff (7), and the other measures of the
document: import-tax exemption and refund (2), remittance fees (4), patients'
self-pay and work injury of medical staff (7), credit (8, 11), capacity
projects (9), flexible work and job retention (10), social-insurance deferral
(12), returnees (17) and the green channel (18). Restatements in the notices of
2020-01-31 are cited by the rules here."""

from __future__ import annotations

import polars as pl
from pydantic import Field

from renshe.engine.calc import Calc
from renshe.engine.case import Date, Facts, Money, Strict
from renshe.engine.rules import rule


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class EpidemicImport(Strict):  # beijing.donated_import_tax_exemption_2020, beijing.import_tax_refund_2020
    declaration_date: Date
    donated: bool = False
    by_health_authority: bool = False
    duty: Money = 0.0
    import_vat: Money = 0.0
    consumption_tax: Money = 0.0
    taxes_paid: Money = 0.0


class WorkInjuryClaim(
    Strict
):  # beijing.medical_staff_covid_work_injury_2020, beijing.covid_treatment_work_injury_fund_scope_2020
    accepted_date: Date | None = None
    facts_clear_documents_complete: bool = False
    recognised: bool = False
    employer_insured: bool | None = None


class EnterpriseFacts(
    Facts,
    entity="enterprise",
    flags=(
        "epidemic_control_related",
        "key_supply_list",
        "supplies_capacity_project",
        "worker_consultation_agreed",
        "development_prospects",
    ),
):
    epidemic_imports: list[EpidemicImport] = Field(default_factory=list)
    epidemic_remittance_fees: Money | None = None
    essential_transport_tolls: Money | None = None


class PersonFacts(Facts, entity="person"):
    arrival_beijing_date: Date | None = None
    left_hubei_date: Date | None = None
    hubei_contact_date: Date | None = None
    covid_treatment_self_pay: Money | None = None
    covid_infected_on_duty: bool = False
    work_injury_claim: WorkInjuryClaim | None = None


@rule("beijing.frontline_allowance_2020")
def frontline_allowance(c: Calc) -> None:
    direct = c.col("days_direct_contact", pl.col("days_direct_contact").fill_null(0), "直接接触病例工作天数")
    other = c.col("days_other_frontline", pl.col("days_other_frontline").fill_null(0), "其他一线防控工作天数")
    c.require(direct + other > 0, None, "无疫情防控一线工作天数（person.days）")
    rate_direct = c.p("beijing.frontline_allowance_2020.daily_direct_contact")
    rate_other = c.p("beijing.frontline_allowance_2020.daily_other_frontline")
    c.amount(direct * rate_direct + other * rate_other)
    c.note(
        pl.format(
            "直接接触 {} 天 × {} 元 + 其他一线 {} 天 × {} 元", direct, pl.lit(rate_direct), other, pl.lit(rate_other)
        )
    )


# ---- the other measures of 京政办发〔2020〕5号 ------------------------------------
from renshe.policies.beijing._helpers import hubei_exposure  # noqa: E402
from renshe.policies.common import date_lit, flag, has_group, in_industries, iso, parameter_amount, require_fact  # noqa: E402


def _import_terms(c: Calc) -> tuple[pl.Expr, pl.Expr]:
    """Per import row: (exempt taxes, in window) for donated / health-authority imports."""
    p = "beijing.donated_import_tax_exemption_2020."
    start, end = (date_lit(v) for v in c.p(p + "window"))
    in_window = (pl.col("declaration_date") >= start) & (pl.col("declaration_date") <= end)
    exempt = (
        pl.when(pl.col("donated"))
        .then(pl.col("duty") + pl.col("import_vat") + pl.col("consumption_tax"))
        .when(pl.col("by_health_authority"))
        .then(pl.col("duty"))
        .otherwise(0.0)
    )
    return exempt, in_window & (pl.col("donated") | pl.col("by_health_authority"))


@rule("beijing.donated_import_tax_exemption_2020")
def donated_import_tax_exemption(c: Calc) -> None:
    exempt, qualifies = _import_terms(c)
    n = c.col(
        "qualifying_imports",
        c.aggregate("epidemic_imports", qualifies.sum(), default=0),
        "2020-01-01至03-31 捐赠或卫生健康部门组织进口的防控物资批次",
    )
    window = c.p("beijing.donated_import_tax_exemption_2020.window")
    c.require(
        n > 0,
        pl.format("{} 批进口物资符合免税条件", n),
        f"无 {window[0]} 至 {window[1]} 期间捐赠用于疫情防控或卫生健康部门组织进口的物资（enterprise.epidemic_imports）",
    )
    total = c.col(
        "exempt_taxes", c.aggregate("epidemic_imports", exempt.filter(qualifies).sum(), default=0.0), "免征税款合计"
    )
    c.amount(total)
    c.period(window[0], window[1])
    c.note("捐赠物资免征进口关税和进口环节增值税、消费税；卫生健康部门组织进口的直接用于防控物资免征关税")


@rule("beijing.import_tax_refund_2020")
def import_tax_refund(c: Calc) -> None:
    exempt, qualifies = _import_terms(c)
    refund_row = pl.min_horizontal(pl.col("taxes_paid"), exempt)
    refund = c.col(
        "refund", c.aggregate("epidemic_imports", refund_row.filter(qualifies).sum(), default=0.0), "已征收的应免税款"
    )
    c.require(refund > 0, None, "符合免税条件的进口物资没有已征收的应免税款（epidemic_imports[].taxes_paid）")
    c.amount(refund)
    c.note(pl.format("已征收的应免税款 {} 元予以退还", refund.round(2)))


@rule("beijing.epidemic_remittance_fee_waiver_2020")
def epidemic_remittance_fee_waiver(c: Calc) -> None:
    p = "beijing.epidemic_remittance_fee_waiver_2020."
    prefixes = c.p(p + "bank_industries")
    bank = in_industries(prefixes)
    c.require(bank, "银行业金融机构", "非银行业金融机构（行业代码须为货币金融服务 J66）")
    fees = c.col("epidemic_remittance_fees", pl.col("epidemic_remittance_fees"), "防控疫情相关款项汇划费用")
    c.require(
        fees > 0,
        None,
        "无通过人民银行支付系统办理防控疫情相关款项的汇划费用",
        "缺少防控疫情相关款项汇划费用（enterprise.epidemic_remittance_fees）",
    )
    ratio = c.p(p + "max_relief_ratio")
    c.amount(fees * ratio)
    c.note("「减免」未定比例：按汇划费用全额作为最高减免额")


@rule("beijing.covid_patient_self_pay_subsidy_2020")
def covid_patient_self_pay_subsidy(c: Calc) -> None:
    p = "beijing.covid_patient_self_pay_subsidy_2020."
    c.require(
        has_group(c.p(p + "groups")),
        "新型冠状病毒感染的肺炎确诊患者",
        "非确诊患者（疑似病例等不在本项补助范围；person.groups 须含 confirmed_case）",
    )
    self_pay = c.col("covid_treatment_self_pay", pl.col("covid_treatment_self_pay"), "救治费用个人自付部分")
    require_fact(
        c,
        self_pay,
        missing="缺少救治费用个人自付金额（person.covid_treatment_self_pay）",
        facts=("person.covid_treatment_self_pay",),
    )
    ratio = c.p(p + "subsidy_ratio")
    c.amount(self_pay * ratio)
    c.note(pl.format("个人自付 {} 元由财政全额补助", self_pay.round(2)))


@rule("beijing.medical_staff_covid_work_injury_2020")
def medical_staff_covid_work_injury(c: Calc) -> None:
    p = "beijing.medical_staff_covid_work_injury_2020."
    c.require(
        has_group(c.p(p + "groups")),
        "医护及相关工作人员",
        "非医护及相关工作人员（person.groups 须含 medical_staff 或 epidemic_worker）",
    )
    c.require(
        pl.col("covid_infected_on_duty").fill_null(False),
        "因履行工作职责感染新型冠状病毒肺炎，按规定认定为工伤",
        "未因履行工作职责感染新型冠状病毒肺炎（person.covid_infected_on_duty）",
    )
    accepted = pl.col("work_injury_claim_accepted_date")
    complete = pl.col("work_injury_claim_facts_clear_documents_complete").fill_null(False)
    days = c.p(p + "recognition_days")
    due = pl.when(complete & accepted.is_not_null()).then(iso(accepted + pl.duration(days=days)))
    c.output("deadline", due)
    c.note(
        pl.format("事实清楚、材料完整：受理（{}）后 {} 日内完成认定，即不迟于 {}", iso(accepted), pl.lit(days), due),
        when=due.is_not_null(),
    )
    c.note("事实清楚、材料完整的申报，应在受理3日内完成认定", when=due.is_null())


@rule("beijing.covid_treatment_work_injury_fund_scope_2020")
def covid_treatment_work_injury_fund_scope(c: Calc) -> None:
    c.require(
        pl.col("work_injury_claim_recognised").fill_null(False),
        "已认定工伤",
        "未认定工伤（person.work_injury_claim.recognised）：诊疗方案药品和项目的工伤基金支付以认定工伤为前提",
    )
    insured = pl.col("work_injury_claim_employer_insured")
    payer = pl.when(insured).then(pl.lit("work_injury_fund_and_employer")).when(~insured).then(pl.lit("employer"))
    c.output("payer", payer)
    c.note("《新型冠状病毒感染的肺炎诊疗方案》覆盖的药品和医疗服务项目临时纳入工伤保险基金支付范围")
    c.note("用人单位已参加工伤保险：由工伤保险基金和用人单位按工伤保险有关规定支付", when=insured.fill_null(False))
    c.note("用人单位未参加工伤保险：由用人单位按法定标准支付", when=~insured.fill_null(True))
    c.note("未说明用人单位是否参加工伤保险（work_injury_claim.employer_insured），支付方待定", when=insured.is_null())


@rule("beijing.epidemic_special_credit_2020")
def epidemic_special_credit(c: Calc) -> None:
    key = flag("epidemic_supplies_producer") | flag("key_supply_list")
    c.require(
        key | flag("epidemic_control_related"),
        "涉及疫情防控的企业：专项信贷服务，特事特办、简化流程",
        "未认定为涉及疫情防控（卫生防疫、医药产品制造及采购、公共卫生基础设施建设、科研攻关）的企业",
    )
    c.output("mode", pl.when(key).then(pl.lit("preferential_rate_relending")).otherwise(pl.lit("fast_track_credit")))
    c.note(
        "直接参与防控的重点医用物品和生活物资生产、运输和销售重点企业：人民银行专项再贷款支持的优惠利率信贷", when=key
    )


@rule("beijing.personal_credit_repayment_relief_2020")
def personal_credit_repayment_relief(c: Calc) -> None:
    c.require(
        has_group(c.p("beijing.personal_credit_repayment_relief_2020.groups")),
        "疫情防控一线工作者、接受治疗或隔离人员或暂失收入人群：可申请灵活调整住房按揭、信用卡等还款安排，合理延后还款期限",
        "非疫情防控一线工作者、接受治疗或隔离人员或受疫情影响暂时失去收入来源的人群（person.groups）",
    )


@rule("beijing.supplies_capacity_investment_subsidy_2020")
def supplies_capacity_investment_subsidy(c: Calc) -> None:
    c.require(
        flag("supplies_capacity_project"),
        "有效释放防控疫情所需物资产能的项目：投资补贴或贷款贴息",
        "无经认定有效释放防控疫情所需物资产能的技术改造或新增生产线项目（flag supplies_capacity_project）",
    )
    parameter_amount(
        c,
        c.p("beijing.supplies_capacity_investment_subsidy_2020.amount"),
        "文件未定补贴标准：参数 beijing.supplies_capacity_investment_subsidy_2020.amount 未设定，金额待核定",
    )


@rule("beijing.flexible_rest_day_scheduling_2020")
def flexible_rest_day_scheduling(c: Calc) -> None:
    c.note("实施灵活用工政策：企业可综合调剂使用年度内的休息日（全年休息日总数不减少）")


@rule("beijing.difficulty_job_retention_measures_2020")
def difficulty_job_retention_measures(c: Calc) -> None:
    c.require(
        flag("epidemic_affected") | flag("severe_difficulty"),
        "受疫情影响导致生产经营困难",
        "未认定受疫情影响导致生产经营困难（flag epidemic_affected 或 severe_difficulty）",
    )
    c.require(
        flag("worker_consultation_agreed"),
        "已与职工协商一致",
        "未与职工协商一致（flag worker_consultation_agreed）：调整薪酬、轮岗轮休、缩短工时、待岗须协商一致",
    )
    c.note(
        "可采取调整薪酬、轮岗轮休、缩短工时、待岗等方式稳定工作岗位，尽量不裁员或者少裁员；符合条件的可申请失业保险费返还"
    )


@rule("beijing.no_loan_withdrawal_renewal_2020")
def no_loan_withdrawal_renewal(c: Calc) -> None:
    c.require(
        flag("epidemic_affected"),
        "因受疫情影响经营暂时出现困难",
        "未认定受疫情影响经营暂时出现困难（flag epidemic_affected）",
    )
    c.require(
        flag("development_prospects"),
        "有发展前景：不抽贷、不断贷、不压贷，应续尽续（可线上续贷）",
        "未认定有发展前景（flag development_prospects）",
    )


def _deferral(c: Calc, p: str, what: str) -> None:
    months = c.p(p + "deferred_fee_months")
    deadline = c.p(p + "new_deadline")
    deferred = c.col(
        "deferred_employer_due",
        c.aggregate(
            "contributions",
            pl.col("employer_due").sum(),
            where=(pl.col("month") >= months[0]) & (pl.col("month") <= months[1]),
            default=0.0,
        ),
        f"{months[0]}至{months[1]}费款所属期单位应缴合计",
    )
    c.output("deadline", pl.lit(deadline))
    c.output("deferred_amount", deferred.round(2))
    c.period(months[0], months[1])
    c.note(
        pl.format(
            what + "：{}至{}应缴社会保险费（单位应缴 {} 元）征收期延长至 {}；延迟缴费期间不收取滞纳金，"
            "不影响社会保险待遇和个人权益记录",
            pl.lit(months[0]),
            pl.lit(months[1]),
            deferred.round(2),
            pl.lit(deadline),
        )
    )


@rule("beijing.si_deferral_jan_feb_2020")
def si_deferral_jan_feb(c: Calc) -> None:
    _deferral(c, "beijing.si_deferral_jan_feb_2020.", "本市参保单位")


@rule("beijing.si_deferral_hard_hit_2020")
def si_deferral_hard_hit(c: Calc) -> None:
    p = "beijing.si_deferral_hard_hit_2020."
    c.require(
        flag("hard_hit_industry_confirmed"),
        "经行业主管部门确认的受影响较大行业企业",
        "未经相关行业主管部门确认为受影响较大的行业企业（flag hard_hit_industry_confirmed）；仅适用1月、2月延至3月底",
    )
    listed = in_industries(c.p(p + "industry_codes"))
    _deferral(c, p, "受影响较大行业企业")
    c.note(pl.format("行业代码 {} 不在所列行业对应代码内，以主管部门确认为准", pl.col("industry")), when=~listed)


@rule("beijing.returnee_observation_2020")
def returnee_observation(c: Calc) -> None:
    p = "beijing.returnee_observation_2020."
    gap, arrival = hubei_exposure(c)
    lookback, obs = c.p(p + "lookback_days"), c.p(p + "observation_days")
    require_fact(
        c, arrival, missing="缺少到京日期（person.arrival_beijing_date）", facts=("person.arrival_beijing_date",)
    )
    required = (gap >= 0) & (gap <= lookback)
    c.require(
        required.fill_null(False),
        pl.format("到京前 {} 日离开湖北地区或接触湖北地区人员（{} 日内）", gap, pl.lit(lookback)),
        pl.format(
            "到京前 {} 日内未离开湖北地区、无湖北地区人员接触史：到京14日内早晚体温和健康监测，体温正常的可以上班",
            pl.lit(lookback),
        ),
    )
    end = iso(arrival + pl.duration(days=obs))
    c.output("deadline", end)
    c.output(
        "mode",
        pl.when(required.fill_null(False))
        .then(pl.lit("supervised_observation"))
        .otherwise(pl.lit("temperature_monitoring")),
    )
    c.note(
        pl.format(
            "到京之日（{}）向社区（村）报告健康状况，接受 {} 日监督性医学观察，不得外出；{} 起解除",
            iso(arrival),
            pl.lit(obs),
            end,
        )
    )


@rule("beijing.essential_goods_green_channel_2020")
def essential_goods_green_channel(c: Calc) -> None:
    tolls = c.col("essential_transport_tolls", pl.col("essential_transport_tolls"), "运输重要防疫和生活物资车辆通行费")
    c.require(
        tolls > 0,
        "运输重要防疫和生活物资：绿色通道「不停车、不检查、不收费」",
        "无纳入应急运输保障范围的重要防疫和生活物资运输（enterprise.essential_transport_tolls）",
        "缺少运输重要防疫和生活物资的车辆通行费（enterprise.essential_transport_tolls）",
    )
    c.amount(tolls)
