"""The four enterprise rules of the benchmark as an OpenFisca tax-benefit system.

cn.si_relief_2020, cn.si_feb_refund_2020, beijing.one_time_si_subsidy_2020 and
henan.stable_job_refund_2020, written the way an OpenFisca country package
writes rules: one entity (``unit``, the insured unit 参保单位), input variables
per month, formulas vectorised with numpy over every unit at once, and
parameters loaded from YAML (``parameters/``, the same values as renshe's
policy YAML).

Conventions of this model:

- The size class (``size``) is an *input*: the class renshe computes
  (工信部联企业〔2011〕300号) is fed to both engines, so classification is not
  part of the comparison.
- Region membership is given as three boolean inputs (``region_beijing``,
  ``region_henan``, ``region_hubei``) from the region code's prefix.
- Missing data: a monthly insured headcount that the registry does not hold is
  NaN (``default_value``), so a mean over months fails exactly when renshe's
  "all months present" test fails; a contribution row that is absent counts 0,
  as in renshe's sums.
- Money and headcounts are float64. Stock OpenFisca stores ``float`` variables
  as float32, whose 24-bit mantissa cannot hold the yuan sums of large units
  to the fen (above ~167,772 yuan the step is over 0.01 yuan), so the amounts
  could not be checked against renshe's; ``build(float32=True)`` gives the
  stock behaviour for a speed comparison.
- Rules are evaluated for the month of the judgment date (``2020-07`` for
  as_of 2020-07-31); parameters are read at that month's start. Formula names
  carry each rule's date of effect.
"""

from __future__ import annotations

from pathlib import Path

import numpy
from openfisca_core import periods
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.model_api import ADD, ETERNITY, MONTH, Variable, max_, min_, not_, round_, select, where
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

PARAMETERS = Path(__file__).with_name("parameters")
RATE_DECIMALS = 10  # renshe's exact(): ratios snapped to 10 decimals before comparing with a limit
NAN = float("nan")

unit = build_entity(key="unit", plural="units", label="参保单位 (insured unit)", is_person=True)

_FLOAT32 = False  # set by build()


class Size(Enum):
    large = "大型"
    medium = "中型"
    small = "小型"
    micro = "微型"
    unclassifiable = "无法划型"
    unknown = "未划型 (no class)"


class UnitType(Enum):
    enterprise = "企业"
    individual_business = "个体工商户"
    private_non_enterprise = "民办非企业单位"
    social_group = "社会团体"
    public_institution = "事业单位"
    government_agency = "机关"
    unknown = "未知"


class Money(Variable):
    """Base of the float variables: float64 storage (see the module note)."""

    def __init__(self, baseline_variable=None) -> None:
        super().__init__(baseline_variable)
        if not _FLOAT32:
            self.dtype = numpy.float64


def span(first: str, last: str) -> periods.Period:
    """The period of the months ``first``..``last`` (YYYY-MM, inclusive)."""
    count = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1
    return periods.period(f"month:{first}:{count}")


def is_in(values, names: list[str]) -> numpy.ndarray:
    """Membership of an enum array in the members named by a parameter list."""
    enum = values.possible_values
    return numpy.isin(numpy.asarray(values), [enum[name].index for name in names])


# ---- inputs: the unit -----------------------------------------------------------------------


def _input(name: str, value_type: type, label: str, period=ETERNITY, default=None, base=Variable, **extra):
    attrs = {"value_type": value_type, "entity": unit, "definition_period": period, "label": label, **extra}
    if default is not None:
        attrs["default_value"] = default
    return type(name, (base,), attrs)


INPUTS = [
    _input("region_beijing", bool, "注册地在北京市（行政区划代码 11）"),
    _input("region_henan", bool, "注册地在河南省（41）"),
    _input("region_hubei", bool, "注册地在湖北省（42）"),
    _input("unit_type", Enum, "单位类型", possible_values=UnitType, default=UnitType.unknown),
    _input("size", Enum, "企业划型（renshe 计算结果，作为输入）", possible_values=Size,
           default=Size.unknown),
    _input("state_owned", bool, "国有企业"),
    _input("flag_capital_function", bool, "符合首都功能定位和产业发展方向"),
    _input("flag_restricted_list", bool, "在北京市禁限目录内"),
    _input("flag_epidemic_affected", bool, "受疫情影响（经认定）"),
    _input("attrition_2019", float, "2019年自然减员人数", default=NAN, base=Money),
    # ---- inputs per month
    _input("insured_headcount", float, "月末失业保险参保人数", period=MONTH, default=NAN, base=Money),
    *[_input(f"employer_{kind}_{ins}", float, f"单位{label}（{ins}，费款所属期）", period=MONTH, base=Money)
      for kind, label in (("due", "应缴"), ("paid", "实缴"))
      for ins in ("pension", "unemployment", "work_injury", "medical")],
]


def _sum_insurances(u, kind: str, insurances: list[str], period: periods.Period) -> numpy.ndarray:
    return sum(u(f"employer_{kind}_{ins}", period, options=[ADD]) for ins in insurances)


# ---- 人社部发〔2020〕11号 -------------------------------------------------------------------


class si_relief_sme_like(Variable):
    value_type = bool
    entity = unit
    definition_period = MONTH
    label = "中小微企业或以单位方式参保的个体工商户（免征档）"

    def formula_2020_02_01(u, period, parameters):
        p = parameters(period).cn.si_relief_2020
        enterprise = u("unit_type", period) == UnitType.enterprise
        return is_in(u("size", period), p.sme_sizes) * enterprise + is_in(u("unit_type", period), p.sme_like_unit_types)


class si_relief_ratio(Money):
    value_type = float
    entity = unit
    definition_period = MONTH
    label = "减免比例（不在减免范围：NaN）"

    def formula_2020_02_01(u, period, parameters):
        p = parameters(period).cn.si_relief_2020
        unit_type = u("unit_type", period)
        enterprise = unit_type == UnitType.enterprise
        halved = enterprise * (u("size", period) == Size.large) + is_in(unit_type, p.halving_unit_types)
        excluded = is_in(unit_type, p.excluded_unit_types) + (unit_type == UnitType.unknown)
        return select(
            [excluded, u("region_hubei", period), u("si_relief_sme_like", period), halved],
            [NAN, p.exemption_ratio, p.exemption_ratio, p.halving_ratio],
            default=NAN,
        )


class employer_due_si3_in_window(Money):
    value_type = float
    entity = unit
    definition_period = MONTH
    label = "窗口内三项社保单位应缴额合计（免征到6月，减半到4月）"

    def formula_2020_02_01(u, period, parameters):
        p = parameters(period).cn.si_relief_2020
        first_part = _sum_insurances(u, "due", p.insurances, span(p.exemption_from, p.halving_to))
        after = periods.period(p.halving_to).offset(1)
        rest = _sum_insurances(u, "due", p.insurances, span(str(after)[:7], p.exemption_to))
        full_window = u("region_hubei", period) + u("si_relief_sme_like", period)
        return first_part + where(full_window, rest, 0)


class cn_si_relief_2020(Money):
    value_type = float
    entity = unit
    definition_period = MONTH
    label = "人社部发〔2020〕11号：阶段性减免三项社会保险单位缴费（元）"

    def formula_2020_02_01(u, period, parameters):
        ratio = u("si_relief_ratio", period)
        amount = u("employer_due_si3_in_window", period) * ratio
        return where(numpy.isnan(ratio), 0, amount)


class cn_si_feb_refund_2020(Money):
    value_type = float
    entity = unit
    definition_period = MONTH
    label = "2020年2月已缴三项社会保险单位费款中应减免部分的退还（元）"

    def formula_2020_02_20(u, period, parameters):
        insurances = parameters(period).cn.si_relief_2020.insurances
        month = periods.period(parameters(period).cn.si_feb_refund_2020.refund_month)
        ratio = u("si_relief_ratio", period)
        keep = 1 - ratio
        refund = sum(
            max_(u(f"employer_paid_{ins}", month) - u(f"employer_due_{ins}", month) * keep, 0)
            for ins in insurances
        )
        return where(numpy.isnan(ratio), 0, refund)


# ---- 京人社就字〔2020〕15号 一（三） --------------------------------------------------------


class beijing_insured_growth_2020(Money):
    value_type = float
    entity = unit
    definition_period = MONTH
    label = "2020年1-4月月均参保人数较2019年月均的增长率 g"

    def formula_2020_02_07(u, period, parameters):
        p = parameters(period).beijing.one_time_si_subsidy_2020
        m2020, m2019 = span(*p.compare_2020), span(*p.compare_2019)
        mean_2020 = u("insured_headcount", m2020, options=[ADD]) / m2020.size
        mean_2019 = u("insured_headcount", m2019, options=[ADD]) / m2019.size
        with numpy.errstate(divide="ignore", invalid="ignore"):
            return round_(mean_2020 / mean_2019 - 1, RATE_DECIMALS)


class beijing_one_time_si_subsidy_2020(Money):
    value_type = float
    entity = unit
    definition_period = MONTH
    label = "京人社就字〔2020〕15号 一（三）：一次性社会保险补贴（元）"

    def formula_2020_02_07(u, period, parameters):
        p = parameters(period).beijing.one_time_si_subsidy_2020
        growth = u("beijing_insured_growth_2020", period)
        eligible = (
            u("region_beijing", period)
            * is_in(u("size", period), p.sme_sizes)
            * not_(u("state_owned", period))
            * u("flag_capital_function", period)
            * not_(u("flag_restricted_list", period))
            * (growth >= p.growth_floor)
        )
        ratio = where(growth >= p.growth_high, p.ratio_high, p.ratio_low)
        months = span(*p.subsidy_months)
        paid = _sum_insurances(u, "paid", p.insurances, months)
        cap = u("insured_headcount", months, options=[ADD]) / months.size * p.cap_per_person
        subsidy = where(numpy.isnan(cap), ratio * paid, min_(ratio * paid, cap))
        return where(eligible, subsidy, 0)


# ---- 豫人社〔2020〕4号 六 -------------------------------------------------------------------


class henan_layoff_rate_2019(Money):
    value_type = float
    entity = unit
    definition_period = MONTH
    label = "2019年度裁员率 r = 1 − (2019-12 参保人数 + 自然减员) / 2018-12 参保人数，不低于0"

    def formula_2020_01_01(u, period, parameters):
        p = parameters(period).henan.stable_job_refund_2020
        base = u("insured_headcount", periods.period(p.base_month))
        end = u("insured_headcount", periods.period(p.headcount_month))
        with numpy.errstate(divide="ignore", invalid="ignore"):
            rate = 1 - (end + u("attrition_2019", period)) / base
            return where(base > 0, round_(max_(rate, 0.0), RATE_DECIMALS), NAN)


class henan_stable_job_refund_2020(Money):
    value_type = float
    entity = unit
    definition_period = MONTH
    label = "豫人社〔2020〕4号 六：失业保险应急稳岗返还（元）"

    def formula_2020_01_01(u, period, parameters):
        p = parameters(period).henan.stable_job_refund_2020
        headcount = u("insured_headcount", periods.period(p.headcount_month))
        limit = where(headcount <= p.small_unit_max_insured, p.small_unit_max_layoff_rate, p.max_layoff_rate)
        eligible = (
            u("region_henan", period)
            * is_in(u("size", period), p.sme_sizes)
            * u("flag_epidemic_affected", period)
            * (u("henan_layoff_rate_2019", period) <= limit)
        )
        benefit = parameters(period).henan.ui_benefit_monthly_2019
        return where(eligible, p.benefit_months * benefit * headcount, 0)


RULES = {
    "cn.si_relief_2020": "cn_si_relief_2020",
    "cn.si_feb_refund_2020": "cn_si_feb_refund_2020",
    "beijing.one_time_si_subsidy_2020": "beijing_one_time_si_subsidy_2020",
    "henan.stable_job_refund_2020": "henan_stable_job_refund_2020",
}

FORMULAS = [
    si_relief_sme_like, si_relief_ratio, employer_due_si3_in_window, cn_si_relief_2020, cn_si_feb_refund_2020,
    beijing_insured_growth_2020, beijing_one_time_si_subsidy_2020, henan_layoff_rate_2019,
    henan_stable_job_refund_2020,
]


def build(float32: bool = False) -> TaxBenefitSystem:
    """The tax-benefit system: the entity, the variables and the parameters."""
    global _FLOAT32
    _FLOAT32 = float32
    system = TaxBenefitSystem([unit])
    system.add_variables(*INPUTS, *FORMULAS)
    system.load_parameters(str(PARAMETERS))
    return system
