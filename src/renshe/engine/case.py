"""The case (案例) — the evaluation contract's input, validated strictly.

Every problem is reported as ``Problem(path, message)`` with the JSON path first,
e.g. ``enterprise.contributions[3].month: "2020-13" is not a month (YYYY-MM)``.
See ``../shared/spec/interface.md`` for the field meanings.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from renshe.domain import identifiers, industries, regions, size

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
QUARTER_RE = re.compile(r"^\d{4}Q[1-4]$")

# ---- plausibility limits (validation limits, not policy numbers) ----------------------------
# A number or a date beyond them is a typo or a unit slip (分 typed for 元, a year typed 9999),
# never a fact: refusing it names the field, where letting it through would overflow the rules'
# date arithmetic or print absurd money. Every number and date field below is bounded through
# its type (Money, Persons, DayCount, Date…; tests/cli/test_bad_numbers.py finds any left bare),
# NaN and Infinity are refused everywhere (``parse_case``), and parameter overrides are checked
# against the registry by ``parameters.override_problems``.

#: ten trillion yuan (十万亿元): above any Chinese enterprise's annual revenue (the largest are
#: about 3e12) and any relief amount; below it a yuan amount still keeps its fen exact in a
#: float (15 significant digits)
MAX_MONEY = 1e13
#: ten million persons (一千万人): above the workforce of any employer (the largest have about
#: 1.5 million) and any placement or training count
MAX_PERSONS = 10_000_000
#: a span of time of at most a century, in days or in months (years fall well within it): a longer
#: one is a typo, and would carry the rules' date arithmetic past the calendar (year 9999)
MAX_DAYS = 36_600
MAX_MONTHS = 1_200
#: a rate, as a ratio or a percent (费率、缴存比例), is never above 100
MAX_RATE = 100
#: no record a relief case cites predates 1950 (as for disputes, services/disputes.py); 2100
#: leaves room for deadlines, contract ends and retirement months
EARLIEST_DATE = dt.date(1950, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)

UNIT_TYPES = ("enterprise", "individual_business", "private_non_enterprise", "social_group",
              "public_institution", "government_agency")
INSURANCES = ("pension", "unemployment", "work_injury", "medical", "maternity")
SIZES = ("large", "medium", "small", "micro")
FLAGS = (
    "capital_function", "restricted_list", "serious_dishonesty", "epidemic_affected", "severe_difficulty",
    "epidemic_supplies_producer", "job_stabilisation_plan", "hard_hit_industry_confirmed",
    "receives_job_stabilisation_subsidy",
    # national measures: 人社部发〔2020〕8号, 人社厅明电〔2020〕11号, 工信明电〔2020〕14号 (ids in docs/case-format.md)
    "government_epidemic_task", "severe_labour_shortage", "union_fund_support_conditions",
    "lr_outstanding_contribution_2020", "central_key_supplier_list", "viable_prospects", "specialised_sme",
    "epidemic_tech_breakthrough",
    # Beijing part A (京政办发〔2020〕5号/7号, 京政发〔2020〕3号, 2020-01-31 notices): see docs/case-format.md
    "essential_operations", "zgc_tech_enterprise", "life_services_supplier", "epidemic_control_related",
    "kept_open_or_closed_per_rules", "no_or_few_layoffs", "key_supply_list", "travel_agency_good_standing",
    "taxi_fee_reduced", "ice_snow_venue", "cultural_enterprise", "chain_outlet_project",
    "supplies_capacity_project", "worker_consultation_agreed", "development_prospects", "repayment_difficulty",
    "public_health_outstanding_contribution", "incubator_or_park",
)


def _problem(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _month(value: str) -> str:
    if not MONTH_RE.match(value):
        raise _problem("month", f'"{value}" is not a month (YYYY-MM)')
    if not EARLIEST_DATE.year <= int(value[:4]) <= LATEST_DATE.year:
        raise _problem("month_range", f'"{value}" is outside the months a case can hold (月份超出范围); '
                       f"expected a month from {EARLIEST_DATE:%Y-%m} to {LATEST_DATE:%Y-%m}")
    return value


def _quarter(value: str) -> str:
    if not QUARTER_RE.match(value):
        raise _problem("quarter", f'"{value}" is not a quarter (YYYYQn, e.g. 2020Q1)')
    if not EARLIEST_DATE.year <= int(value[:4]) <= LATEST_DATE.year:
        raise _problem("quarter_range", f'"{value}" is outside the quarters a case can hold (季度超出范围); '
                       f"expected a quarter from {EARLIEST_DATE.year}Q1 to {LATEST_DATE.year}Q4")
    return value


def _date(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise _problem("date_range", f'"{value.isoformat()}" is outside the dates a case can hold (日期超出范围); '
                       f"expected a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}")
    return value


def _checked(check: Any, what: str) -> Any:
    def validate(value: str) -> str:
        problem = check(value)
        if problem:
            raise _problem(what, f'"{value}" is not a valid {what}: {problem}')
        return value

    return validate


def _id_number(value: str) -> str:
    normal = identifiers.normalise_id_number(value)
    problem = identifiers.problem_with_id_number(normal)
    if problem:
        raise _problem("id_number", f'"{value}" is not a valid resident ID number: {problem}')
    return normal


Month = Annotated[str, AfterValidator(_month)]
Quarter = Annotated[str, AfterValidator(_quarter)]
Uscc = Annotated[str, AfterValidator(_checked(identifiers.problem_with_uscc, "unified social credit code"))]
Region = Annotated[str, AfterValidator(_checked(regions.problem_with_region, "region code (GB/T 2260)"))]
Industry = Annotated[str, AfterValidator(_checked(industries.problem_with_industry, "industry code (GB/T 4754-2017)"))]
IdNumber = Annotated[str, AfterValidator(_id_number)]
#: a date from EARLIEST_DATE to LATEST_DATE
Date = Annotated[dt.date, AfterValidator(_date)]
#: yuan (and the few other non-negative quantities the case format gives in the same type: m², hours)
Money = Annotated[float, Field(ge=0, le=MAX_MONEY)]
#: a profit, or a change in it, that may be negative
SignedAmount = Annotated[float, Field(ge=-MAX_MONEY, le=MAX_MONEY)]
#: persons (and other whole counts that are not spans of time)
Persons = Annotated[int, Field(ge=0, le=MAX_PERSONS)]
#: a count of at least one (partners of a loan)
AtLeastOne = Annotated[int, Field(ge=1, le=MAX_PERSONS)]
#: whole days (of quarantine, of care, of delay); days that may be fractional (leave taken in half days)
DayCount = Annotated[int, Field(ge=0, le=MAX_DAYS)]
DaySpan = Annotated[float, Field(ge=0, le=MAX_DAYS)]
#: whole months, or whole years (of contributions, of a contract, a child's age); at least one month
MonthCount = Annotated[int, Field(ge=0, le=MAX_MONTHS)]
MonthsAtLeastOne = Annotated[int, Field(ge=1, le=MAX_MONTHS)]
#: months or years that may be fractional (work_years 12.5, frontline_months 1.5)
Span = Annotated[float, Field(ge=0, le=MAX_MONTHS)]
#: a headcount that may be an average (从业人员 as a yearly average), so not necessarily whole
Headcount = Annotated[float, Field(ge=0, le=MAX_PERSONS)]
Rate = Annotated[float, Field(ge=0, le=MAX_RATE)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Contribution(Strict):
    month: Month
    insurance: Literal["pension", "unemployment", "work_injury", "medical", "maternity"]
    employer_due: Money
    employer_paid: Money


class Finance(Strict):
    profit_tax_change_2019: SignedAmount | None = None
    quarterly_profit: dict[Quarter, SignedAmount] = Field(default_factory=dict)
    ui_contribution_months: MonthCount | None = None


# ---- local measures (豫人社〔2020〕4号, 新密政〔2020〕4号, 永人社发〔2022〕3号): nested facts -------------
Level = Literal["municipal", "provincial", "national"]


class LateSiPayment(Strict):  # henan.late_registration_late_fee_waiver_2020
    month: Month
    amount: Money
    due_date: Date
    paid_on: Date


class SiStopOvercollection(Strict):  # henan.si_overpayment_refund_2020
    employee: str | None = None
    stop_month: Month
    month: Month
    amount: Money
    reason: Literal["no_ca_certificate", "other_online_obstacle"] = "no_ca_certificate"


class MedicalDeferral(Strict):  # xinmi.medical_deferral_2020
    start_month: Month
    months: MonthsAtLeastOne


class GuarantorActivity(Strict):  # xinmi.guarantee_agency_award_2020
    small_micro_volume: Money
    previous_small_micro_volume: Money
    fee_rate: Rate
    previous_fee_rate: Rate


class Incubatee(Strict):  # xinmi.incubation_result_subsidy
    name: str | None = None
    operating_months: MonthCount
    jobs: Persons
    years_subsidised: MonthCount = 0


class TaxReliefHire(Strict):  # xinmi.hiring_tax_deduction
    group: Literal["registered_poor", "registered_unemployed"]
    unemployed_months: MonthCount | None = None
    certificate: bool = False
    contract_years: Span
    si_start_month: Month


class HardToEmploySiPaid(Strict):  # xinmi.employer_hard_to_employ_si_subsidy_2020
    employee: str | None = None
    subsidy_start: Month
    month: Month
    employer_paid: Money
    retirement_month: Month | None = None
    labour_contract: bool = True


class GraduateSiPaid(Strict):  # xinmi.graduate_hiring_si_subsidy_2020
    employee: str | None = None
    hired_month: Month
    month: Month
    employer_paid: Money
    contract_years: Span
    graduating_year_or_registered_unemployed: bool = True


class RetirementClaim(Strict):  # henan.retirement_pension_back_pay_2020, yongzhou.deferred_retirement_processing_2022
    age: Annotated[int, Field(ge=40, le=70)]
    processed_month: Month
    monthly_pension: Money | None = None
    prevented_by_epidemic: bool = False


class GuaranteedLoanTerms(Strict):  # henan.guaranteed_loan_extension_2020 (+ application deadline)
    maturity_date: Date
    extension_applied_on: Date | None = None
    extension_months_requested: MonthsAtLeastOne | None = None
    repayment_difficulty: bool = False


class TrainingCourse(Strict):  # henan.internet_plus_*_training_subsidy_2020
    mode: Literal["online", "offline"]
    type: Literal["startup", "skills"]
    platform: str | None = None
    completed: bool = False


class SiSubsidyTerm(Strict):  # henan.si_post_subsidy_extension_2020, xinmi si-subsidy rules
    kind: Literal["si_subsidy", "post_subsidy"]
    start_month: Month
    original_end: Date | None = None
    retirement_age: Annotated[int, Field(ge=40, le=70)] | None = None
    stably_employed: bool | None = None


class Internship(Strict):  # xinmi.internship_eligibility_2020
    start: Date
    months: MonthCount


class OwnBusiness(Strict):  # xinmi.startup_subsidy_2020, xinmi.self_employment_tax_deduction
    kind: Literal["individual_business", "enterprise"]
    registered_on: Date
    first_business: bool = True
    operating_normally: bool = True
    taxes_due_year: Money | None = None


class PostponedFormality(Strict):  # xinmi.employment_service_postponement_2020
    original_deadline: Date
    completed_on: Date | None = None
    prevented_by_epidemic: bool = False


class ArbitrationAttendance(Strict):  # yongzhou.arbitration_hearing_postponement_2022
    role: Literal["party", "agent"]
    prevented_by_epidemic: bool = False


class IsolationPeriod(Strict):  # yongzhou.proxy_for_isolated_persons_2022
    start: Date
    end: Date | None = None
    relative_proxy: bool = True


# ---- Beijing part A nested facts (beijing.* of 京政办发〔2020〕5号/7号 and the 2020-01-31 notices) ----
class EpidemicImport(Strict):  # beijing.donated_import_tax_exemption_2020, beijing.import_tax_refund_2020
    declaration_date: Date
    donated: bool = False
    by_health_authority: bool = False
    duty: Money = 0.0
    import_vat: Money = 0.0
    consumption_tax: Money = 0.0
    taxes_paid: Money = 0.0


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


class SiRequest(Strict):  # beijing.si_commitment_processing_2020, beijing.si_accept_with_gaps_2020
    type: Literal["back_pay", "refund", "change"]
    account_type: Literal["general", "temporary"] | None = None
    beijing_pension_years: Span | None = None
    years_to_statutory_age: Span | None = None
    back_pay_from: Month | None = None
    back_pay_months: MonthCount | None = None
    declared_by_unit_for_individual: bool = False
    change_field: str | None = None


class SiAuditCase(Strict):  # beijing.si_audit_suspension_2020
    filed_date: Date
    original_deadline: Date


class WorkInjuryClaim(Strict):  # beijing.medical_staff_covid_work_injury_2020, beijing.covid_treatment_work_injury_fund_scope_2020
    accepted_date: Date | None = None
    facts_clear_documents_complete: bool = False
    recognised: bool = False
    employer_insured: bool | None = None


class ProtectedPeriod(Strict):  # beijing.contract_expiry_extension_quarantine_2020
    kind: Literal["medical_period", "medical_observation", "isolation", "emergency_measures"]
    start: Date
    end: Date | None = None


class ArbitrationCase(Strict):  # beijing.labour_arbitration_suspension_2020
    original_deadline: Date
    suspension_start: Date | None = None
    suspension_end: Date | None = None


# ---- national measures (人社部发〔2020〕8号/10号/11号, 人社厅明电〔2020〕11号, 人社部明电〔2020〕4号, 工信明电〔2020〕14号,
#      医保发〔2020〕6号, 建金〔2020〕23号): nested facts ------------------------------------------
class DatePeriod(Strict):  # cn.stable_labour_shutdown_training_subsidy_2020, cn.internet_plus_training_enterprise_subsidy_2020
    start: Date
    end: Date | None = None


class StaffTraining(Strict):  # cn.stable_labour_shutdown_training_subsidy_2020, cn.internet_plus_training_enterprise_subsidy_2020
    start: Date
    end: Date
    mode: Literal["online", "offline"]
    trainees: Persons
    organiser: Literal["self", "commissioned"] = "self"


class SiHardshipDeferral(Strict):  # cn.si_relief_hardship_deferral_2020
    first_fee_month: Month
    months: MonthsAtLeastOne


class UtilityBill(Strict):  # cn.miit_sme_utility_fee_deferral_2020
    month: Month
    kind: Literal["electricity", "water", "gas"]
    amount: Money


class ObligationFailure(Strict):  # cn.miit_sme_credit_record_exemption_2020
    date: Date
    obligation: str
    epidemic_cause: bool = False


class MonthSpan(Strict):  # cn.housing_fund_deferral_2020
    first_month: Month
    last_month: Month


class OnlineTraining(Strict):  # cn.internet_plus_training_trainee_subsidy_2020
    course: str | None = None
    platform: str | None = None
    hours: Money | None = None
    certificate: bool = False
    platform_in_catalogue: bool = False


class HousingFundInstallment(Strict):  # cn.housing_fund_loan_no_overdue_2020
    due_date: Date
    amount: Money


class AgencyTraining(Strict):  # cn.hr_services_training_subsidy_inclusion_2020
    client_key_unit: bool = False
    meets_training_conditions: bool = False
    trainees: Persons = 0


# ---- cn part 1 nested facts (national measures, seed 001 lines 1–1768; ids in docs/case-format.md) ----
class DormitoryRoom(Strict):  # cn.rtw_dormitory_density_2020
    room: str
    occupants: Persons
    area_m2: Money


class ContractTermination(Strict):  # cn.quarantine_dismissal_ban_2020, cn.no_dismissal_unable_to_return_2020
    date: Date
    basis: Literal["lcl_36_mutual", "lcl_39", "lcl_40", "lcl_41", "unable_to_return", "dispatch_return", "other"]


class WorkStoppage(Strict):  # cn.stoppage_wage_2020
    start: Date
    end: Date
    contract_monthly_wage: Money
    worked_normally: bool = False


class LabourDispute(Strict):  # cn.arbitration_limitation_suspension_2020, cn.arbitration_hearing_extension_2020
    limitation_start: Date | None = None
    obstacle_start: Date | None = None
    obstacle_end: Date | None = None
    accepted_on: Date | None = None
    extended_by_chair: bool = False
    epidemic_delay_days: DayCount = 0


class NewRetiree(Strict):  # cn.new_retiree_pension_back_pay_2020
    entitlement_month: Month
    review_month: Month
    monthly_pension: Money | None = None


class PlannedEvent(Strict):  # cn.outbreak_suspend_large_recruitment_2020, cn.suspend_onsite_recruitment_2020, cn.hr_agency_onsite_event_suspension_2020
    kind: Literal["large_recruitment", "onsite_recruitment", "cross_region_labour", "hr_training", "matching_event",
                  "online_recruitment"]
    date: Date


# ---- Beijing part B nested facts (京人社就字〔2020〕14/15号, 京人社劳字〔2020〕13/17/23号, SI notices of
#      2020-02-07/02-14, 京房公积金发〔2020〕9号, 京人社市场字〔2020〕25号; ids in docs/case-format.md) ----
class BjHardToEmployHire(Strict):  # beijing.hard_to_employ_hiring_eligibility_2020 and the 15号 一（一） subsidies
    group: Literal["4050", "minimum_living_allowance", "military_spouse_first_entry", "unemployed_over_1_year",
                   "zero_employment_household", "low_income_rural_household", "rural_hard_area_transferred",
                   "registered_unemployed_other", "other"]
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
    online_platform_features: list[Literal["learner_management", "live_view", "statistics", "data_export",
                                           "online_teaching", "process_records"]] = Field(default_factory=list)
    online_records_kept: bool | None = None


class BjJanSiApplication(Strict):  # beijing.jan_si_deducted_refund_2020, jan_si_refund_timing_2020, feb_si_auto_debit_stop_2020
    date: Date
    type: Literal["refund", "defer_only"]
    settled_persons_amount: Money = 0.0


class BjSiBackPayment(Strict):  # beijing.si_deferral_late_fee_rule_2020
    fee_month: Month
    amount: Money
    due_date: Date
    paid_date: Date | None = None


class BjLabourPractices2020(Strict):  # beijing.no_regional_discrimination_2020 and other 23号/20号 checks
    posting_excludes_severe_areas: bool | None = None
    refused_hire_for_origin: bool | None = None
    graduate_discrimination_quarantined_or_infected: bool | None = None
    government_supply_task: bool | None = None
    overtime_health_safety_ensured: bool | None = None
    unable_to_pay_wages: bool | None = None
    wage_deferral_agreed_with_union: bool | None = None
    outstanding_labour_relations_contribution: bool | None = None


class BjWorkplaceDensity(Strict):  # beijing.workplace_density_standards_2020, beijing.real_name_density_requirements_2020
    office_area_m2: Money | None = None
    office_headcount: Persons | None = None
    dorm_max_occupants_per_room: Persons | None = None
    dorm_min_area_per_person_m2: Money | None = None
    dorm_underground: bool = False


class BjChildcare2020(Strict):  # beijing.childcare_leave_wage_2020 / _no_dismissal / _definition / _flexible_work_options
    child_age: MonthCount | None = None
    child_school: Literal["kindergarten", "primary", "secondary", "college", "none"] | None = None
    school_opening_postponed: bool = True
    designated_household_carer: bool | None = None
    care_days: DayCount | None = None
    arrangement: Literal["leave", "remote", "flexible_hours", "rest_day_swap"] = "leave"


class BjStartupLoan(Strict):  # beijing.guaranteed_loan_extension_infected_2020
    granted: bool = True
    maturity_date: Date
    borrower_infected: bool = False


class BjFlexibleSi2020(Strict):  # beijing.flexible_worker_contribution_gap_2020
    flexible_worker: bool = True
    failed_months: list[Month] = Field(default_factory=list)
    back_paid_date: Date | None = None


class BjDispatchScreening(Strict):  # beijing.dispatch_health_record_screening_2020, real_name_pre_dispatch_screening_2020
    health_record: bool = False
    wuhan_or_close_contact: bool = False
    isolation_end: Date | None = None
    symptoms: bool = False
    in_hubei: bool = False
    returned_to_beijing: Date | None = None


class Enterprise(Strict):
    uscc: Uscc | None = None
    name: str | None = None
    region: Region
    unit_type: Literal[
        "enterprise", "individual_business", "private_non_enterprise", "social_group",
        "public_institution", "government_agency",
    ] = "enterprise"
    industry: Industry | None = None
    employees: Headcount | None = None
    revenue: Money | None = None
    assets: Money | None = None
    size: Literal["large", "medium", "small", "micro"] | None = None
    state_owned: bool = False
    flags: list[Literal[FLAGS]] = Field(default_factory=list)  # type: ignore[valid-type]
    insured: dict[Month, Persons] = Field(default_factory=dict)
    attrition_2019: Persons | None = None
    si_additions: dict[Month, Persons] = Field(default_factory=dict)
    contributions: list[Contribution] = Field(default_factory=list)
    finance: Finance | None = None
    eligible_new_hires_12m: Persons | None = None
    work_injury_class: Annotated[int, Field(ge=1, le=8)] | None = None
    construction_project: bool = False
    contract_value: Money | None = None
    # Beijing part A (京政办发〔2020〕5号/7号, 2020-01-31 notices): see docs/case-format.md
    epidemic_imports: list[EpidemicImport] = Field(default_factory=list)
    epidemic_remittance_fees: Money | None = None
    essential_transport_tolls: Money | None = None
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
    si_request: SiRequest | None = None
    si_audit_case: SiAuditCase | None = None
    travel_agency_quality_deposit: Money | None = None  # beijing.travel_agency_deposit_refund_2020
    # local measures — 豫人社〔2020〕4号 / 新密政〔2020〕4号 / 永人社发〔2022〕3号 (ids in docs/case-format.md)
    si_deferral_filed: bool | None = None  # henan.si_deferral_2020, henan.si_deferral_repayment_deadline_2020
    late_registration_on: Date | None = None  # henan.late_registration_2020
    registration_missed_due_to_epidemic: bool | None = None  # henan.late_registration_2020: did not register in time (未能及时办理参保登记) because of the epidemic
    late_si_payments: list[LateSiPayment] = Field(default_factory=list)  # henan.late_registration_late_fee_waiver_2020
    si_stop_overcollections: list[SiStopOvercollection] = Field(default_factory=list)  # henan.si_overpayment_refund_2020
    hiring_subsidy_qualifying_hires: Persons | None = None  # henan.hiring_subsidy_2020
    project_training_subsidy_total: Money | None = None  # henan.project_training_advance_2020
    self_funded_institution: bool = False  # xinmi.medical_deferral_2020 (自收自支事业单位)
    medical_deferral: MedicalDeferral | None = None  # xinmi.medical_deferral_2020
    onjob_training_end_date: Date | None = None  # xinmi.onjob_training_subsidy_extension_2020
    high_tech_certified: bool = False  # xinmi.high_tech_cit_rate_2020
    guarantor: GuarantorActivity | None = None  # xinmi.guarantee_agency_award_2020
    new_business_form: bool = False  # xinmi.new_business_form_hiring_2020
    graduates_hard_to_employ_hired: Persons | None = None  # xinmi.new_business_form_hiring_2020
    interns_completed: Persons | None = None  # xinmi.internship_subsidy_2020
    intern_months_completed: Persons | None = None  # xinmi.internship_subsidy_2020
    internship_base_level: Level | None = None  # xinmi.internship_base_award
    incubator_level: Level | None = None  # xinmi.incubation_result_subsidy
    incubator_demonstration_level: Level | None = None  # xinmi.incubation_base_award
    incubatees: list[Incubatee] = Field(default_factory=list)  # xinmi.incubation_result_subsidy
    tax_relief_hires: list[TaxReliefHire] = Field(default_factory=list)  # xinmi.hiring_tax_deduction
    hiring_taxes_due_year: Money | None = None  # xinmi.hiring_tax_deduction
    certified_trainees: Persons | None = None  # xinmi.enterprise_training_subsidy_2020
    hard_to_employ_si_paid: list[HardToEmploySiPaid] = Field(default_factory=list)  # xinmi.employer_hard_to_employ_si_subsidy_2020
    graduate_si_paid: list[GraduateSiPaid] = Field(default_factory=list)  # xinmi.graduate_hiring_si_subsidy_2020
    attrition_2021: Persons | None = None  # yongzhou.stable_job_refund_2022
    online_trainees_qualifying: Persons | None = None  # yongzhou.enterprise_online_training_subsidy_2022
    guaranteed_loan: GuaranteedLoanTerms | None = None  # henan.guaranteed_loan_extension_2020 (enterprise borrower)
    # national measures (ids in docs/case-format.md, "National measures (cn, part 2)")
    overtime_consulted_with_union: bool | None = None  # cn.stable_labour_overtime_limit_exemption_2020
    epidemic_shutdown: DatePeriod | None = None  # cn.stable_labour_shutdown_training_subsidy_2020, cn.internet_plus_training_enterprise_subsidy_2020
    epidemic_recovery: DatePeriod | None = None  # cn.stable_labour_shutdown_training_subsidy_2020
    staff_trainings_2020: list[StaffTraining] = Field(default_factory=list)  # same two rules
    union_fund_paid: Money | None = None  # cn.stable_labour_union_fund_refund_2020
    association_fee_paid: Money | None = None  # cn.stable_labour_association_fee_refund_2020
    enterprise_pension_scheme: bool | None = None  # cn.si_relief_hardship_deferral_2020 (事业单位参加企业养老)
    si_hardship_deferral: SiHardshipDeferral | None = None  # cn.si_relief_hardship_deferral_2020
    parent_uscc: Uscc | None = None  # cn.si_relief_size_classification_2020 (分支机构)
    parent_size: Literal["large", "medium", "small", "micro"] | None = None  # cn.si_relief_size_classification_2020
    declared_size: Literal["large", "medium", "small", "micro"] | None = None  # cn.si_relief_size_classification_2020 (告知承诺)
    utility_bills: list[UtilityBill] = Field(default_factory=list)  # cn.miit_sme_utility_fee_deferral_2020
    government_guaranteed_loan: bool | None = None  # cn.miit_sme_guarantee_terms_2020
    guaranteed_loan_unable_to_repay: bool | None = None  # cn.miit_sme_guarantee_compensation_2020
    landlord_type: Literal["national_or_provincial_sme_demo_base", "fiscally_supported_carrier", "other"] | None = None  # cn.miit_sme_base_rent_relief_2020
    rent_due_epidemic: Money | None = None  # cn.miit_sme_base_rent_relief_2020
    obligation_failures: list[ObligationFailure] = Field(default_factory=list)  # cn.miit_sme_credit_record_exemption_2020
    hpf_deferral: MonthSpan | None = None  # cn.housing_fund_deferral_2020
    hpf_consultation_done: bool | None = None  # cn.housing_fund_voluntary_contribution_2020
    hpf_rate_chosen: Rate | None = None  # cn.housing_fund_voluntary_contribution_2020 (percent)
    # Beijing part B (京人社就字〔2020〕14/15号, 京人社劳字〔2020〕23号, SI notices 2020-02-07/02-14, 京房公积金发〔2020〕9号): docs/case-format.md
    bj_hard_to_employ_hires: list[BjHardToEmployHire] = Field(default_factory=list)  # beijing.hard_to_employ_hiring_eligibility_2020 …
    bj_skill_training_2020: BjSkillTraining2020 | None = None  # beijing.enterprise_training_subsidy_2020, online_training_*
    bj_si_july_application_date: Date | None = None  # beijing.si_deferral_to_july_application_2020
    bj_jan_si_debit_succeeded: bool | None = None  # beijing.jan_deducted_si_auto_extension_2020
    bj_jan_si_application: BjJanSiApplication | None = None  # beijing.jan_si_deducted_refund_2020, jan_si_refund_timing, feb_si_auto_debit_stop
    bj_si_back_payments: list[BjSiBackPayment] = Field(default_factory=list)  # beijing.si_deferral_late_fee_rule_2020
    bj_hpf_deferral_applied: bool | None = None  # beijing.housing_fund_deferral_2020
    bj_labour_practices_2020: BjLabourPractices2020 | None = None  # beijing.no_regional_discrimination_2020 …
    bj_workplace_density: BjWorkplaceDensity | None = None  # beijing.workplace_density_standards_2020
    # national measures (ids in docs/case-format.md, "National measures (cn, part 1)")
    dormitory_rooms: list[DormitoryRoom] = Field(default_factory=list)  # cn.rtw_dormitory_density_2020
    fiscally_funded: bool = False  # cn.covid_work_injury_fiscal_subsidy_2020 (财政补助单位)
    uninsured_work_injury_costs: Money | None = None  # cn.covid_work_injury_fiscal_subsidy_2020
    job_retention_measure_agreed: bool | None = None  # cn.difficulty_job_retention_measures_2020
    key_enterprise_confirmed: bool = False  # cn.poverty_hiring_subsidy_2020 (重点企业)
    agricultural_operator: bool = False  # cn.poverty_agri_hiring_subsidy_2020 (农资企业、农业经营主体)
    registered_poor_hires: Persons | None = None  # cn.poverty_hiring_subsidy_2020, cn.poverty_agri_hiring_subsidy_2020
    posting_excludes_severe_areas: bool = False  # cn.no_epidemic_area_discrimination_2020
    refused_applicant_from_severe_area: bool = False  # cn.no_epidemic_area_discrimination_2020
    epidemic_training_participants: Persons | None = None  # cn.epidemic_enterprise_training_subsidy_2020
    training_in_stoppage_or_recovery: bool = False  # cn.epidemic_enterprise_training_subsidy_2020
    incubator_rent_reduced: bool = False  # cn.incubator_rent_relief_award_2020
    lost_income_due_to_epidemic: bool = False  # cn.guaranteed_loan_priority_2020


class Days(Strict):
    direct_contact: DayCount = 0
    other_frontline: DayCount = 0


class Person(Strict):
    id_number: IdNumber | None = None
    name: str | None = None
    region: Region
    work_years: Span | None = None
    groups: list[str] = Field(default_factory=list)
    days: Days | None = None
    # Beijing part A (京政发〔2020〕3号, 京政办发〔2020〕5号, 京人社劳字〔2020〕11号, 2020-01-31 notices): see docs/case-format.md
    arrival_beijing_date: Date | None = None
    left_hubei_date: Date | None = None
    hubei_contact_date: Date | None = None
    covid_treatment_self_pay: Money | None = None
    covid_infected_on_duty: bool = False
    work_injury_claim: WorkInjuryClaim | None = None
    normal_monthly_wage: Money | None = None
    quarantine_days: DayCount | None = None
    quarantine_cleared: bool | None = None
    stranded_business_trip_days: DayCount | None = None
    remote_work_required: bool = False
    holiday_extension_days_worked: DayCount | None = None
    holiday_extension_comp_days: DayCount | None = None
    contract_end_date: Date | None = None
    protected_period: ProtectedPeriod | None = None
    arbitration_case: ArbitrationCase | None = None
    disability_assessment_deadline: Date | None = None
    employment_agreement_date: Date | None = None
    on_standby: bool | None = None  # beijing.standby_living_allowance_floor: on standby (待岗) by agreement; absent: undetermined
    on_sick_leave: bool | None = None  # beijing.sick_pay_floor: off work sick within the medical period (医疗期); absent: undetermined
    # local measures — 豫人社〔2020〕4号 / 新密政〔2020〕4号 / 永人社发〔2022〕3号 (ids in docs/case-format.md)
    employer_si_deferral_filed: bool | None = None  # henan.si_deferral_benefits_protected_2020
    retirement: RetirementClaim | None = None  # henan.retirement_pension_back_pay_2020, yongzhou.deferred_retirement_processing_2022
    guaranteed_loan: GuaranteedLoanTerms | None = None  # henan.guaranteed_loan_extension_2020 (+ application deadline)
    training_course: TrainingCourse | None = None  # henan.internet_plus_*_training_subsidy_2020
    si_subsidy: SiSubsidyTerm | None = None  # henan.si_post_subsidy_extension_2020, xinmi.si_subsidy_period_2020 …
    graduated_on: Date | None = None  # xinmi.internship_eligibility_2020, job_search_subsidy, startup_subsidy
    internship: Internship | None = None  # xinmi.internship_eligibility_2020
    own_business: OwnBusiness | None = None  # xinmi.startup_subsidy_2020, xinmi.self_employment_tax_deduction
    si_paid_as_individual: dict[Month, Money] = Field(default_factory=dict)  # xinmi.flexible_employment_si_subsidy_2020
    postponed_formality: PostponedFormality | None = None  # xinmi.employment_service_postponement_2020
    work_injury_claim_filed_on: Date | None = None  # yongzhou.work_injury_claims_any_day_2022
    arbitration: ArbitrationAttendance | None = None  # yongzhou.arbitration_hearing_postponement_2022
    isolation: IsolationPeriod | None = None  # yongzhou.proxy_for_isolated_persons_2022
    # national measures (ids in docs/case-format.md, "National measures (cn, part 2)")
    epidemic_absence_days: DaySpan | None = None  # cn.stable_labour_remote_work_or_leave_first_2020
    can_work_remotely: bool | None = None  # cn.stable_labour_remote_work_or_leave_first_2020
    annual_leave_days_remaining: DaySpan | None = None  # cn.stable_labour_remote_work_or_leave_first_2020
    welfare_leave_days_remaining: DaySpan | None = None  # cn.stable_labour_remote_work_or_leave_first_2020
    agreed_leave_days: DaySpan | None = None  # cn.stable_labour_remote_work_or_leave_first_2020
    termination_date: Date | None = None  # cn.stable_labour_no_dismissal_isolated_2020
    dispatched_worker: bool = False  # cn.stable_labour_no_dismissal_isolated_2020
    termination_ground: Literal["art39", "art40", "art41", "contract_expiry", "other"] | None = None  # same
    employer_resumed_lawfully: bool | None = None  # cn.stable_labour_return_to_work_refusal_2020
    employer_protection_provided: bool | None = None  # cn.stable_labour_return_to_work_refusal_2020
    persuaded_to_return: bool | None = None  # cn.stable_labour_return_to_work_refusal_2020
    return_refusal_reason: Literal["none", "isolation", "illness", "family_isolation_care", "transport_shutdown", "other"] | None = None  # same
    contract_wage_monthly: Money | None = None  # cn.stable_labour_standby_wage_2020, quarantine_wage, spring_festival_overtime
    standby_from: Date | None = None  # cn.stable_labour_standby_wage_2020
    standby_to: Date | None = None  # cn.stable_labour_standby_wage_2020
    wage_cycle_months: MonthsAtLeastOne | None = None  # cn.stable_labour_standby_wage_2020
    employer_epidemic_difficulty: bool | None = None  # cn.stable_labour_pay_adjustment_consultation_2020
    pay_adjustment_consulted: bool | None = None  # cn.stable_labour_pay_adjustment_consultation_2020
    adjusted_wage_monthly: Money | None = None  # cn.stable_labour_pay_adjustment_consultation_2020
    regular_pay_date: Date | None = None  # cn.stable_labour_wage_payment_deferral_2020
    employer_no_wage_capacity: bool | None = None  # cn.stable_labour_wage_payment_deferral_2020
    wage_deferral_agreed_with_union: bool | None = None  # cn.stable_labour_wage_payment_deferral_2020
    wage_deferral_new_pay_date: Date | None = None  # cn.stable_labour_wage_payment_deferral_2020
    quarantine_lawful: bool | None = None  # cn.stable_labour_quarantine_wage_2020
    quarantine_paid_days: DaySpan | None = None  # cn.stable_labour_quarantine_wage_2020
    treatment_after_quarantine_to: Date | None = None  # cn.stable_labour_post_quarantine_medical_period_pay_2020
    medical_period_end: Date | None = None  # cn.stable_labour_post_quarantine_medical_period_pay_2020
    sick_pay_agreed_monthly: Money | None = None  # cn.stable_labour_post_quarantine_medical_period_pay_2020
    spring_festival_extension_dates_worked: list[Date] = Field(default_factory=list)  # cn.stable_labour_spring_festival_overtime_2020
    compensatory_days_granted: DaySpan | None = None  # cn.stable_labour_spring_festival_overtime_2020
    online_trainings_2020: list[OnlineTraining] = Field(default_factory=list)  # cn.internet_plus_training_trainee_subsidy_2020
    online_training_days: DaySpan | None = None  # cn.internet_plus_training_living_allowance_2020
    training_subsidy_fraud_found: bool = False  # cn.internet_plus_training_fraud_sanction_2020 (and the trainee subsidies)
    predeparture_temperature_normal: bool | None = None  # cn.migrant_p2p_predeparture_screening_2020
    close_contact_hit: bool | None = None  # cn.migrant_p2p_predeparture_screening_2020
    p2p_charter_registered: bool | None = None  # cn.migrant_p2p_charter_fare_subsidy_2020
    charter_fare: Money | None = None  # cn.migrant_p2p_charter_fare_subsidy_2020
    symptoms_14d_before_departure: bool | None = None  # cn.migrant_p2p_arrival_health_check_2020
    symptoms_en_route: bool | None = None  # cn.migrant_p2p_arrival_health_check_2020
    arrival_temperature_normal: bool | None = None  # cn.migrant_p2p_arrival_health_check_2020
    current_symptoms: bool | None = None  # cn.migrant_p2p_arrival_health_check_2020
    pension_transfer_cross_province: bool | None = None  # cn.pension_transfer_12pct_during_relief_2020
    pension_contribution_bases: dict[Month, Money] = Field(default_factory=dict)  # cn.pension_transfer_12pct_during_relief_2020
    hpf_epidemic_affected: bool | None = None  # cn.housing_fund_loan_no_overdue_2020
    hpf_missed_installments: list[HousingFundInstallment] = Field(default_factory=list)  # cn.housing_fund_loan_no_overdue_2020
    hpf_balance: Money | None = None  # cn.housing_fund_rent_withdrawal_2020
    rent_paid_monthly: Money | None = None  # cn.housing_fund_rent_withdrawal_2020
    # Beijing part B (京人社劳字〔2020〕13/17/23号, 京人社就字〔2020〕14号, SI notice 2020-02-07, 京人社市场字〔2020〕25号, 京房公积金发〔2020〕9号)
    bj_childcare_2020: BjChildcare2020 | None = None  # beijing.childcare_leave_wage_2020, childcare_no_dismissal_2020 …
    bj_affected_by_measures: bool | None = None  # beijing.no_dismissal_during_measures_2020
    bj_refused_return_without_reason: bool | None = None  # beijing.no_dismissal_during_measures_2020
    bj_leave_used_up: bool | None = None  # beijing.non_return_period_pay_2020
    bj_startup_loan: BjStartupLoan | None = None  # beijing.guaranteed_loan_extension_infected_2020
    bj_flexible_si_2020: BjFlexibleSi2020 | None = None  # beijing.flexible_worker_contribution_gap_2020
    bj_dispatch_screening: BjDispatchScreening | None = None  # beijing.dispatch_health_record_screening_2020
    bj_hpf_rent_withdrawal_date: Date | None = None  # beijing.housing_fund_rent_withdrawal_2020
    bj_hpf_lease_and_invoice: bool | None = None  # beijing.housing_fund_rent_withdrawal_2020
    # national measures (ids in docs/case-format.md, "National measures (cn, part 1)")
    spring_festival_holiday_dates_worked: list[Date] = Field(default_factory=list)  # cn.holiday_work_compensation_2020
    daily_wage: Money | None = None  # cn.holiday_work_compensation_2020, cn.quarantine_wage_2020
    child_school_type: Literal["university", "school", "kindergarten"] | None = None  # cn.school_opening_postponed_2020
    came_from_severe_area: bool | None = None  # cn.rtw_isolation_from_severe_areas_2020
    severe_area_arrival_date: Date | None = None  # cn.rtw_isolation_from_severe_areas_2020
    baseline_monthly_pay: Money | None = None  # hubei.frontline_medical_pay_triple_2020
    frontline_months: Span | None = None  # hubei.frontline_medical_pay_triple_2020
    grassroots_years: Span | None = None  # cn.medical_grassroots_experience_credit_2020
    frontline_assignment_end: Date | None = None  # cn.medical_post_epidemic_health_check_2020
    died_in_epidemic_duty: bool = False  # cn.epidemic_martyr_recognition_2020
    parent_medical_commended: bool = False  # cn.medical_children_education_benefit_2020
    parent_medical_martyr: bool = False  # cn.medical_children_education_benefit_2020
    died_of_covid: bool = False  # cn.covid_work_injury_medical_2020
    contract_termination: ContractTermination | None = None  # cn.quarantine_dismissal_ban_2020, cn.no_dismissal_unable_to_return_2020
    unable_to_return_due_to_epidemic: bool = False  # cn.no_dismissal_unable_to_return_2020
    work_stoppage: WorkStoppage | None = None  # cn.stoppage_wage_2020
    labour_dispute: LabourDispute | None = None  # cn.arbitration_*_2020
    temp_epidemic_post_months: MonthCount | None = None  # cn.poverty_temp_post_subsidy_2020
    ui_insured: bool | None = None  # cn.poverty_ui_allowance_2020, hubei.ui_allowance_severe_areas_2020
    unemployed_due_to_epidemic: bool = False  # same two rules
    receives_ui_benefit: bool = False  # same two rules, cn.ui_benefit_allowance_exclusive_2020
    receives_ui_allowance: bool = False  # cn.ui_benefit_allowance_exclusive_2020
    employer_unit_type: Literal[UNIT_TYPES] | None = None  # type: ignore[valid-type]  # cn.public_institution_timely_award_2020
    epidemic_contribution: bool = False  # cn.public_institution_timely_award_2020
    pension_certification_due: Date | None = None  # cn.pension_no_suspension_without_certification_2020
    pension_certification_done: bool = False  # cn.pension_no_suspension_without_certification_2020
    new_retiree: NewRetiree | None = None  # cn.new_retiree_pension_back_pay_2020
    si_insured_as: Literal["flexible_employment", "urban_rural_resident", "employee"] | None = None  # cn.si_flexible_resident_deferral_2020
    si_2020_payment_due: Date | None = None  # cn.si_flexible_resident_deferral_2020
    si_2020_payment_done: Date | None = None  # cn.si_flexible_resident_deferral_2020
    unable_to_leave_due_to_epidemic: bool = False  # cn.migrant_local_startup_subsidy_2020
    covid_infected: bool = False  # cn.guaranteed_loan_extension_covid_2020
    lost_income_due_to_epidemic: bool = False  # cn.guaranteed_loan_priority_2020
    graduate_registration_deadline: Date | None = None  # cn.graduate_registration_extension_2020


class Placement(Strict):
    enterprise_uscc: Uscc
    count: Persons


class Agency(Strict):
    uscc: Uscc | None = None
    name: str | None = None
    region: Region
    placements: list[Placement] = Field(default_factory=list)
    new_guaranteed_loans_total: Money | None = None  # xinmi.guaranteed_loan_operator_award_2020
    # national measures (ids in docs/case-format.md, part 2)
    training_subsidy_fraud_found: bool = False  # cn.internet_plus_training_fraud_sanction_2020
    hr_trainings_2020: list[AgencyTraining] = Field(default_factory=list)  # cn.hr_services_training_subsidy_inclusion_2020
    hr_agency_outstanding_2020: bool | None = None  # cn.hr_services_park_rent_relief_reward_2020
    # Beijing part B (2020-02-14 notice, 京人社市场字〔2020〕25号, 2020-02-28 notice, 京能指文〔2020〕1号)
    bj_licences: list[Literal["labour_dispatch", "hr_service", "job_agency"]] = Field(default_factory=list)  # beijing.real_name_management_scope_2020, job_intro_service_subsidy_conditions_2020
    bj_supply_channels: list[Literal["dispatch", "outsourcing", "flexible", "intermediation"]] = Field(default_factory=list)  # beijing.real_name_management_scope_2020
    bj_placements_via_urgent_board: bool | None = None  # beijing.job_intro_service_subsidy_conditions_2020
    bj_client_units: Persons | None = None  # beijing.dispatch_safety_officer_2020
    bj_client_units_with_safety_officer: Persons | None = None  # beijing.dispatch_safety_officer_2020
    bj_job_intro_subsidy_received: Money | None = None  # beijing.job_intro_subsidy_clawback_2020
    bj_job_intro_subsidy_fraud_found: bool | None = None  # beijing.job_intro_subsidy_clawback_2020
    bj_free_online_training_provided: bool | None = None  # beijing.free_training_providers_priority_2020
    # national measures (ids in docs/case-format.md, part 1)
    planned_events: list[PlannedEvent] = Field(default_factory=list)  # cn.*suspend*recruitment_2020, cn.hr_agency_onsite_event_suspension_2020
    poor_workers_exported: Persons | None = None  # cn.poverty_labour_export_service_subsidy_2020
    annual_report_due: Date | None = None  # cn.hr_agency_annual_report_extension_2020
    served_frontline_units: bool = False  # cn.hr_agency_integrity_model_priority_2020
    market_violations: list[Literal["price_gouging", "employment_discrimination", "false_job_information"]] = Field(default_factory=list)  # cn.hr_agency_blacklist_2020


class Bureau(Strict):
    """A province's or city's fund, for the measures whose subject is the fund itself
    (cn.pension_central_adjustment_ratio_2020, cn.miit_sme_loan_risk_compensation_2020)."""
    region: Region
    province_average_wage: Money | None = None  # 全省职工平均工资, yuan a year
    province_insured_workers: Persons | None = None  # 在职应参保人数
    npl_small_micro_epidemic_loans: Money | None = None  # 疫情期间向小微企业发放贷款的不良部分, yuan


class Loan(Strict):
    applicant: Literal["individual", "partnership", "enterprise"]
    partners: AtLeastOne | None = None


class Case(Strict):
    as_of: Date
    #: any JSON value here; its type is checked against the parameter's unit and registry values
    #: (``parameters.override_problems``, called by the calculator)
    parameters: dict[str, Any] = Field(default_factory=dict)
    enterprise: Enterprise | None = None
    person: Person | None = None
    agency: Agency | None = None
    loan: Loan | None = None
    bureau: Bureau | None = None


# ---- problems -------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def line(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class BadCase(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.line() for p in problems))
        self.problems = problems


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("[key]",):
            continue
        elif (isinstance(part, str) and (MONTH_RE.match(part) is None and not part.isidentifier())) or (isinstance(part, str) and MONTH_RE.match(part)):
            out += f'["{part}"]'
        else:
            out += ("." if out else "") + str(part)
    return out


_EXPECT = {
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "string_type": "expected a string",
    "dict_type": "expected an object",
    "list_type": "expected a list",
    "model_type": "expected an object",
    "date_type": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "expected a date (YYYY-MM-DD)",
}

#: NaN, Infinity and -Infinity (and a number too large for a float, such as 1e400, which reads as Infinity)
NOT_FINITE = "is not a finite number (NaN and Infinity are refused; 1e400 reads as Infinity)"


def _limit(value: Any) -> str:
    """A bound as written in a message: 10000000000000, not 1e+13 or 10000000000000.0."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _message(err: ErrorDetails) -> str:
    kind = err["type"]
    given = err.get("input")
    shown = json.dumps(given, ensure_ascii=False) if not isinstance(given, (dict, list)) else type(given).__name__
    if len(shown) > 40:  # a number of 400 digits
        shown = f"{shown[:24]}…({len(shown)} characters)"
    if kind == "extra_forbidden":
        return "unknown field; expected only the fields of the case format (interface.md)"
    if kind == "missing":
        return "required field is missing"
    if kind in ("greater_than_equal", "greater_than"):
        limit = err.get("ctx", {}).get("ge", err.get("ctx", {}).get("gt"))
        what = "a negative amount" if limit == 0 else "too small"
        return f"{shown} is {what}; expected a number ≥ {_limit(limit)}"
    if kind in ("less_than_equal", "less_than"):
        limit = err.get("ctx", {}).get("le", err.get("ctx", {}).get("lt"))
        return f"{shown} is too large (超出合理范围); expected a number ≤ {_limit(limit)}"
    if kind == "finite_number":
        return f"{shown} {NOT_FINITE}; expected a number"
    if kind in ("literal_error", "enum"):
        expected = err.get("ctx", {}).get("expected", "")
        return f"{shown} is not allowed; expected one of {expected}"
    if kind in _EXPECT:
        return f"{shown} is not valid; {_EXPECT[kind]}"
    if kind in ("json_invalid",):
        return f"invalid JSON: {err.get('ctx', {}).get('error', err['msg'])}"
    return str(err["msg"])


def _shown_path(loc: tuple[Any, ...]) -> str:
    """A problem's path; a parameter override is named ``parameters.<name>`` (as when unknown)."""
    if len(loc) >= 2 and loc[0] == "parameters" and isinstance(loc[1], str):
        rest = _path(loc[2:])
        return f"parameters.{loc[1]}" + ("." + rest if rest and not rest.startswith("[") else rest)
    return _path(loc)


def _not_finite(data: Any) -> list[tuple[Any, ...]]:
    """Where the decoded JSON holds NaN or ±Infinity (Python's JSON reader accepts them, and reads
    1e400 as Infinity): the locations, in document order."""
    out: list[tuple[Any, ...]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:  # not recursive: JSON nested as deep as the reader allows is still walked
        loc, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            out.append(loc)
        elif isinstance(value, dict):
            stack.extend(((*loc, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*loc, i), v) for i, v in reversed(list(enumerate(value))))
    return out


def parse_case(raw: str | bytes | dict[str, Any]) -> Case:
    """Validate a case given as JSON text or a decoded object; raise ``BadCase``."""
    if isinstance(raw, (str, bytes)):
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadCase([Problem("", f"invalid JSON: {exc}")]) from exc
        except ValueError as exc:  # an integer of more than 4300 digits
            raise BadCase([Problem("", f"invalid JSON: {exc}")]) from exc
        except RecursionError as exc:
            raise BadCase([Problem("", "invalid JSON: nested too deeply")]) from exc
    else:
        data = raw
    if not isinstance(data, dict):
        raise BadCase([Problem("", "the case must be a JSON object with as_of and enterprise/person/agency/loan")])
    # NaN and ±Infinity are refused wherever they stand, each named once with what the field expects;
    # in parameter overrides by ``parameters.override_problems``, which knows what each one expects
    bad_numbers = [loc for loc in _not_finite(data) if loc[:1] != ("parameters",)]
    problems: list[Problem] = []
    named: set[tuple[Any, ...]] = set()
    try:
        case = Case.model_validate_json(json.dumps(data, ensure_ascii=False), strict=True)
    except ValidationError as exc:
        for e in exc.errors():
            loc = tuple(e["loc"])
            bad = next((b for b in bad_numbers if loc[:len(b)] == b), None)
            if bad is None:
                problems.append(Problem(_shown_path(loc), _message(e)))
            elif bad not in named:
                named.add(bad)
                problems.append(Problem(_path(bad), _not_finite_message(_value_of(data, bad), e if loc == bad else None)))
    except RecursionError as exc:
        raise BadCase([Problem("", "invalid JSON: nested too deeply")]) from exc
    problems += [Problem(_path(b), _not_finite_message(_value_of(data, b), None)) for b in bad_numbers if b not in named]
    if problems:
        raise BadCase(problems)
    problems = consistency_problems(case)
    if problems:
        raise BadCase(problems)
    return case


def _not_finite_message(shown: str, err: ErrorDetails | None) -> str:
    """NaN or ±Infinity where the field (``err``: pydantic's error there) expects something."""
    kind = err["type"] if err else "finite_number"
    if kind in _EXPECT:
        return f"{shown} {NOT_FINITE}; {_EXPECT[kind]}"
    if kind in ("finite_number", "greater_than_equal", "less_than_equal"):
        return f"{shown} {NOT_FINITE}; expected a number"
    return _message(err) if err else f"{shown} {NOT_FINITE}"


def _value_of(data: Any, loc: tuple[Any, ...]) -> str:
    for part in loc:
        data = data[part]
    return json.dumps(data)  # NaN, Infinity or -Infinity


def consistency_problems(case: Case) -> list[Problem]:
    """Problems that involve more than one field (each still named by its path)."""
    out: list[Problem] = []
    if not any((case.enterprise, case.person, case.agency, case.bureau)):
        out.append(Problem("", "the case names no enterprise, person or agency; expected at least one"))
    e = case.enterprise
    if e is not None and e.industry and e.size is None and size.industry_class(e.industry) is None \
            and not e.industry.startswith("J"):
        out.append(Problem(
            "enterprise.industry",
            f'"{e.industry}" is a section that the size standard splits (工信部联企业〔2011〕300号); '
            "expected a 2–4 digit division code (e.g. F52, G54, H62, I65, K7020) or enterprise.size",
        ))
    loan = case.loan
    if loan is not None:
        needs = "enterprise" if loan.applicant == "enterprise" else "person"
        if getattr(case, needs) is None:
            out.append(Problem("loan.applicant", f"a loan with applicant {loan.applicant!r} needs the {needs} object"))
        if loan.applicant == "partnership" and loan.partners is None:
            out.append(Problem("loan.partners", "required for a partnership loan (number of partners, ≥ 1)"))
    return out
