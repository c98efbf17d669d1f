"""京人社市场字〔2020〕25号 — dispatch and HR-service agencies' epidemic duties: a safety
officer per client unit (1), pre-dispatch screening (2, restated by the notice of
2020-02-28 二) and office/dormitory density (4, likewise restated).

Screening days and density limits are read from ``dispatch_settings.yaml`` (through
``_dispatch_schedule``) by :func:`screening_lines` and :func:`density_limits`. The
duties for one worker (:func:`screen`) and one site (:func:`check_site`) are written
here once; the services' checklists (``services/dispatch.py`` ``screen_worker`` and
``check_density``) call them, the rules below apply the same lines to a case."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Date, Facts, Money, Persons, Strict
from renshe.engine.rules import rule
from renshe.policies.beijing._dispatch_schedule import param as service_param
from renshe.policies.common import as_of, iso, require_fact


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class BjWorkplaceDensity(
    Strict
):  # beijing.workplace_density_standards_2020, beijing.real_name_density_requirements_2020
    office_area_m2: Money | None = None
    office_headcount: Persons | None = None
    dorm_max_occupants_per_room: Persons | None = None
    dorm_min_area_per_person_m2: Money | None = None
    dorm_underground: bool = False


class BjDispatchScreening(
    Strict
):  # beijing.dispatch_health_record_screening_2020, real_name_pre_dispatch_screening_2020
    health_record: bool = False
    wuhan_or_close_contact: bool = False
    isolation_end: Date | None = None
    symptoms: bool = False
    in_hubei: bool = False
    returned_to_beijing: Date | None = None


class EnterpriseFacts(Facts, entity="enterprise"):
    bj_workplace_density: BjWorkplaceDensity | None = None  # beijing.workplace_density_standards_2020


class PersonFacts(Facts, entity="person"):
    bj_dispatch_screening: BjDispatchScreening | None = None  # beijing.dispatch_health_record_screening_2020


class AgencyFacts(Facts, entity="agency"):
    bj_client_units: Persons | None = None  # beijing.dispatch_safety_officer_2020
    bj_client_units_with_safety_officer: Persons | None = None  # beijing.dispatch_safety_officer_2020


# ---- the document's lines, read once for the rules and the services -------------------------
@dataclass(frozen=True)
class ScreeningLines:
    """Pre-dispatch screening (二): the medical observation after returning, the symptoms asked about."""

    quarantine_days: int
    symptoms: tuple[str, ...]


def screening_lines(on: dt.date) -> ScreeningLines:
    return ScreeningLines(
        int(service_param("dispatch.quarantine_days", on)),
        tuple(str(s) for s in service_param("dispatch.symptoms", on)),
    )


@dataclass(frozen=True)
class DensityLimits:
    """Office and dormitory density (四): bounds inclusive."""

    min_office_area_per_person: float
    max_persons_per_dorm_room: int
    min_living_area_per_person: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "min_office_area_per_person": self.min_office_area_per_person,
            "max_persons_per_dorm_room": self.max_persons_per_dorm_room,
            "min_living_area_per_person": self.min_living_area_per_person,
        }


def density_limits(on: dt.date) -> DensityLimits:
    return DensityLimits(
        float(service_param("dispatch.min_office_area_per_person", on)),
        int(service_param("dispatch.max_persons_per_dorm_room", on)),
        float(service_param("dispatch.min_living_area_per_person", on)),
    )


# ---- one worker, one site (the agencies' checklists in the services) ---------------------------
def screen(
    *,
    has_health_record: bool,
    wuhan_contact: bool,
    close_contact: bool,
    symptoms: list[str],
    in_hubei: bool,
    returned_on: dt.date | None,
    today: dt.date,
) -> list[str]:
    """Why this worker may not be supplied to an employer today (empty: may be supplied)."""
    lines = screening_lines(today)
    reasons: list[str] = []
    if not has_health_record:
        reasons.append("没有电子健康档案（健康信息）的人员不得输送")
    if wuhan_contact:
        reasons.append("有武汉接触史的人员一律不得输送")
    if close_contact:
        reasons.append("有密切接触史的人员一律不得输送")
    found = [x.strip() for x in symptoms if x and x.strip()]
    if found:
        reasons.append(
            f"有疫情相关不适症状（{'、'.join(found)}）的人员不得输送，须立即报告属地社区（村）并协助就诊"
            f"（排查症状包括 {'、'.join(lines.symptoms)} 等）"
        )
    if in_hubei:
        reasons.append("目前在湖北的员工不得返京")
    days = lines.quarantine_days
    if returned_on is not None:
        ends = returned_on + dt.timedelta(days=days)
        if today < ends:
            reasons.append(
                f"返京未满 {days} 天医学观察期（{returned_on.isoformat()} 返京，{ends.isoformat()} 起期满），"
                "未过隔离期的人员不得输送"
            )
    return reasons


class BadSite(ValueError):
    """A site described incompletely (an area or a headcount missing or not positive)."""


def check_site(
    *, office_area_m2: float | None, office_headcount: int | None, rooms: list[dict[str, Any]], on: dt.date
) -> dict[str, Any]:
    """Office and dormitory density of one site: ≥ min office m² per person, ≤ max occupants
    per dormitory room, ≥ min living m² per person (bounds inclusive); underground rooms are a
    warning (「原则上」). Raises :class:`BadSite` for an incomplete description."""
    limits = density_limits(on)
    min_office, max_room, min_living = (
        limits.min_office_area_per_person,
        limits.max_persons_per_dorm_room,
        limits.min_living_area_per_person,
    )
    problems: list[str] = []
    warnings: list[str] = []
    checks: list[dict[str, Any]] = []
    if office_area_m2 is not None or office_headcount is not None:
        if not office_headcount or office_headcount <= 0 or office_area_m2 is None or office_area_m2 <= 0:
            raise BadSite("办公场所须同时填写面积（平方米，大于 0）和人数（大于 0）")
        per = office_area_m2 / office_headcount
        ok = per >= min_office
        checks.append({"item": "办公", "per_person_m2": round(per, 2), "ok": ok})
        if not ok:
            problems.append(
                f"办公场所人均 {per:.2f} 平方米，低于每人 {min_office:g} 平方米的要求"
                f"（{office_area_m2:g} 平方米 / {office_headcount} 人；最多可容纳 "
                f"{math.floor(office_area_m2 / min_office)} 人）"
            )
    for i, room in enumerate(rooms, start=1):
        name = str(room.get("name") or f"第 {i} 间宿舍")
        occupants = room.get("occupants")
        area = room.get("area_m2")
        if not isinstance(occupants, int) or occupants < 0 or not isinstance(area, (int, float)) or area <= 0:
            raise BadSite(f"{name}：须填写入住人数（0 或正整数）和面积（平方米，大于 0）")
        ok = True
        if occupants > max_room:
            ok = False
            problems.append(f"{name}住 {occupants} 人，超过每间 {max_room} 人的上限")
        if occupants and area / occupants < min_living:
            ok = False
            problems.append(
                f"{name}人均居住面积 {area / occupants:.2f} 平方米，低于 {min_living:g} 平方米"
                f"（{area:g} 平方米最多住 {math.floor(area / min_living)} 人）"
            )
        if room.get("underground"):
            warnings.append(f"{name}位于地下空间：原则上不安排在地下空间居住")
        checks.append(
            {
                "item": name,
                "occupants": occupants,
                "per_person_m2": round(area / occupants, 2) if occupants else None,
                "ok": ok,
            }
        )
    return {
        "compliant": not problems,
        "problems": problems,
        "warnings": warnings,
        "checks": checks,
        "parameters": limits.as_dict(),
    }


# ---- the rules (a case: an agency, a person, an enterprise) ------------------------------------
@rule("beijing.dispatch_safety_officer_2020")
def dispatch_safety_officer(c: Calc) -> None:
    per = c.p("beijing.dispatch_safety_officer_2020.officers_per_client_unit")
    units = pl.col("bj_client_units")
    officers = pl.col("bj_client_units_with_safety_officer")
    lacking = c.col("units_without_officer", (units - officers).clip(lower_bound=0), "未配备安全员的用人单位数")
    require_fact(
        c,
        units,
        officers,
        missing="需提供提供派遣/外包服务的用人单位数（agency.bj_client_units）及已配备安全员的单位数"
        "（agency.bj_client_units_with_safety_officer）",
        facts=("agency.bj_client_units", "agency.bj_client_units_with_safety_officer"),
    )
    c.require(
        lacking == 0,
        pl.format("为提供派遣和外包服务的全部 {} 家用人单位各配备 {} 名疫情防控安全员", units, pl.lit(per)),
        pl.format(
            "{} 家用人单位中有 {} 家未配备疫情防控安全员：须为每家用人单位配备 {} 名", units, lacking, pl.lit(per)
        ),
    )
    c.note("机构一把手是第一责任人，各层级都要有专人负责")


@rule("beijing.dispatch_health_record_screening_2020")
def dispatch_health_record_screening(c: Calc) -> None:
    today = as_of(c)
    lines = screening_lines(today)
    days = lines.quarantine_days
    symptoms = "、".join(lines.symptoms)
    s = "bj_dispatch_screening_"
    c.require(
        pl.col(s + "health_record"),
        "已建立电子健康档案并完成防疫排查",
        "没有电子健康档案（健康信息）的人员不得输送：须先建立档案、登记基本信息并排查",
        "需提供输送前防疫排查信息（person.bj_dispatch_screening）",
    )
    iso_end = pl.col(s + "isolation_end")
    contact = pl.col(s + "wuhan_or_close_contact").fill_null(False)
    c.require(
        ~contact | (iso_end.is_not_null() & (iso_end <= pl.lit(today))),
        None,
        pl.format(
            "有武汉接触史或密切接触史且未过隔离期（隔离期满日：{}），一律不得输送",
            pl.coalesce(iso(iso_end), pl.lit("未提供")),
        ),
    )
    c.require(
        ~pl.col(s + "symptoms").fill_null(False),
        None,
        f"有疫情相关不适症状（{symptoms}等）的人员不得输送，须立即报告属地社区（村）并协助到发热门诊就诊",
    )
    c.require(~pl.col(s + "in_hubei").fill_null(False), None, "目前在湖北的员工不得返京，不得输送")
    back = pl.col(s + "returned_to_beijing")
    ends = c.col("observation_end", back + pl.duration(days=days), f"返京后{days}天医学观察期满日")
    c.require(
        back.is_null() | (ends <= pl.lit(today)),
        None,
        pl.format("{} 返京，须居家或集中医学观察 {} 天，{} 起方可输送", iso(back), pl.lit(days), iso(ends)),
    )
    c.note("排查通过：有健康信息、无武汉/密切接触史（或已过隔离期）、无不适症状，可输送给用人单位")
    c.note(pl.format("返京医学观察 {} 天已于 {} 期满", pl.lit(days), iso(ends)), when=back.is_not_null())


@rule("beijing.workplace_density_standards_2020")
def workplace_density_standards(c: Calc) -> None:
    limits = density_limits(as_of(c))
    min_office, max_room, min_living = (
        limits.min_office_area_per_person,
        limits.max_persons_per_dorm_room,
        limits.min_living_area_per_person,
    )
    d = "bj_workplace_density_"
    area, heads = pl.col(d + "office_area_m2"), pl.col(d + "office_headcount")
    c.require(
        pl.when(area.is_not_null()).then(heads > 0),
        None,
        "办公人数为 0（enterprise.bj_workplace_density）",
        "需提供办公面积和办公人数（enterprise.bj_workplace_density）",
        facts=("enterprise.bj_workplace_density",),
    )
    per = c.col("office_area_per_person", area / heads, "人均办公面积（平方米）")
    c.require(
        per >= min_office,
        pl.format("人均办公面积 {} 平方米，不少于 {} 平方米", per.round(2), pl.lit(min_office)),
        pl.format(
            "人均办公面积 {} 平方米，低于 {} 平方米：{} 平方米最多容纳 {} 人",
            per.round(2),
            pl.lit(min_office),
            area,
            (area / min_office).floor().cast(pl.Int64),
        ),
    )
    occ = pl.col(d + "dorm_max_occupants_per_room")
    c.require(
        occ.is_null() | (occ <= max_room),
        None,
        pl.format("集体宿舍每间最多住 {} 人，超过 {} 人的上限", occ, pl.lit(max_room)),
    )
    living = pl.col(d + "dorm_min_area_per_person_m2")
    c.require(
        living.is_null() | (living >= min_living),
        None,
        pl.format("集体宿舍人均居住面积最低 {} 平方米，低于 {} 平方米", living, pl.lit(min_living)),
    )
    c.note(
        f"集体宿舍每间不超过 {max_room} 人、人均居住面积不少于 {min_living:g} 平方米（已核）",
        when=occ.is_not_null() | living.is_not_null(),
    )
    c.note("提示：有人员住在地下空间——原则上不安排在地下空间居住", when=pl.col(d + "dorm_underground").fill_null(False))
