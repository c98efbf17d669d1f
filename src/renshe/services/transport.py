"""Point-to-point return transport (农民工返岗“点对点”运输), 人社部明电〔2020〕4号 二、三:
workers register trips; trips with the same origin county, destination and date are
grouped into vehicles of at most the seat capacity, one plan per vehicle (一车一方案),
and the passenger lists are exported for the transport operator and the receiving bureau.

Area (辖区): a trip belongs to the area of its origin county (出发地, the exporting bureau that
organises the vehicle). A caseworker sees, groups and exports only the trips and vehicles whose
origin lies in their region, with the same rule as dispatch reports, "311" follow-up and disputes
(:func:`renshe.services.dispatch.covers`: a region code ending in 00 covers its prefecture or
province, no region the whole system); auditors and admins see all. One person (ID number) has
at most one registration per travel date (同一人同一出行日期只登记一次).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.identifiers import is_mobile
from renshe.domain.regions import problem_with_region, region_name
from renshe.engine.catalog import implements
from renshe.services import audit, exports
from renshe.services.dispatch import covers, id_number_problem
from renshe.services.errors import Conflict, Forbidden, NotFound, ServiceError
from renshe.services.labour_settings import param
from renshe.services.security import mask_id_number, mask_phone
from renshe.store.models import User
from renshe.store.models_labour import TransportTrip, TransportVehicle


@dataclass(frozen=True)
class Trip:
    id: int
    origin: str
    destination: str
    date: dt.date


def group_trips(trips: Sequence[Trip], capacity: int) -> list[list[Trip]]:
    """Vehicles for the trips: one group per (origin, destination, date), split into the fewest
    vehicles of at most ``capacity`` seats with loads as even as possible."""
    if capacity < 1:
        raise ValueError("capacity must be at least 1")
    groups: dict[tuple[str, str, dt.date], list[Trip]] = {}
    for t in sorted(trips, key=lambda t: (t.origin, t.destination, t.date, t.id)):
        groups.setdefault((t.origin, t.destination, t.date), []).append(t)
    vehicles: list[list[Trip]] = []
    for members in groups.values():
        n = math.ceil(len(members) / capacity)
        size, extra = divmod(len(members), n)
        at = 0
        for i in range(n):
            take = size + (1 if i < extra else 0)
            vehicles.append(members[at : at + take])
            at += take
    return vehicles


@implements(
    "cn.migrant_p2p_registration_2020",
    "cn.migrant_p2p_demand_survey_2020",
    "cn.migrant_return_monitoring_2020",
    "henan.migrant_worker_monitoring_2020",
    "henan.employee_return_coordination_2020",
    tests=["tests/labour/test_transport.py::test_plan_and_export"],
)
def register_trip(
    s: Session,
    user: User,
    *,
    origin: str,
    destination: str,
    employer: str,
    travel_date: dt.date,
    name: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
) -> TransportTrip:
    """A person registers their own trip; a caseworker registers one for a worker."""
    if user.role == "person":
        name, id_number, phone = user.display_name, user.id_number or id_number, user.phone or phone
    elif user.role != "caseworker":
        raise Forbidden("只有务工人员本人或经办人员可以登记出行")
    problems = []
    if not (name or "").strip():
        problems.append("姓名不能为空")
    idn = (id_number or "").strip()
    idn = idn[:-1] + "X" if idn.endswith("x") else idn
    if p := id_number_problem(idn):
        problems.append(f"身份证号：{p}")
    if not is_mobile((phone or "").strip()):
        problems.append("手机号应为 11 位中国大陆手机号")
    if problem_with_region(origin):
        problems.append(f"出发地“{origin}”应为 6 位县级行政区划代码")
    if not destination.strip():
        problems.append("目的地不能为空")
    if not employer.strip():
        problems.append("用人单位不能为空")
    if problems:
        raise ServiceError("；".join(problems))
    if user.role == "caseworker" and not covers(user, origin):
        raise Forbidden(f"出发地“{_name(origin)}”不在本辖区，只能登记出发地在本辖区的乘客")
    if (existing := registered_on(s, idn, travel_date)) is not None:
        raise Conflict(_duplicate_message(user, existing))
    trip = TransportTrip(
        person_id=user.id if user.role == "person" else None,
        name=name.strip(),  # type: ignore[union-attr]
        id_number=idn,
        phone=(phone or "").strip(),
        origin=origin,
        destination=destination.strip(),
        employer=employer.strip(),
        travel_date=travel_date,
    )
    s.add(trip)
    s.flush()
    audit.record(
        s, user, "transport.trip", "transport_trip", trip.id, {"origin": origin, "date": travel_date.isoformat()}
    )
    return trip


def registered_on(s: Session, id_number: str, travel_date: dt.date) -> TransportTrip | None:
    """The registration of this ID number on this travel date, if any (X and x are the same)."""
    idn = id_number.strip().upper()
    return s.execute(
        select(TransportTrip)
        .where(TransportTrip.id_number.in_({idn, idn.lower()}), TransportTrip.travel_date == travel_date)
        .order_by(TransportTrip.id)
        .limit(1)
    ).scalar_one_or_none()


def _duplicate_message(user: User, existing: TransportTrip) -> str:
    """Names the field and the existing registration; its route only for those who may see it."""
    where = ""
    if (user.role == "person" and existing.person_id == user.id) or covers(user, existing.origin):
        where = f"，{_name(existing.origin)} → {existing.destination}"
    return (
        f"身份证号：{mask_id_number(existing.id_number)} 已有 {existing.travel_date.isoformat()} 的出行登记"
        f"（登记号 {existing.id}{where}），同一人同一出行日期不能重复登记"
    )


def _staff(user: User, message: str = "车辆方案仅供人社部门人员查看") -> None:
    if user.role not in ("caseworker", "auditor", "admin"):
        raise Forbidden(message)


def trip_view(t: TransportTrip, vehicle: str | None = None) -> dict[str, Any]:
    """A trip with its ID number and phone masked; ``vehicle`` is the code of its vehicle plan."""
    return {
        "id": t.id,
        "name": t.name,
        "id_number": mask_id_number(t.id_number),
        "phone": mask_phone(t.phone),
        "origin": t.origin,
        "destination": t.destination,
        "employer": t.employer,
        "travel_date": t.travel_date.isoformat(),
        "vehicle": vehicle,
    }


def own_trips(s: Session, user: User) -> list[dict[str, Any]]:
    """The signed-in worker's own registrations (本人登记的出行), newest date first, with their vehicle."""
    if user.role != "person":
        raise Forbidden("只有务工人员本人可以查看本人登记的出行")
    rows = s.execute(
        select(TransportTrip, TransportVehicle.code)
        .outerjoin(TransportVehicle, TransportTrip.vehicle_id == TransportVehicle.id)
        .where(TransportTrip.person_id == user.id)
        .order_by(TransportTrip.travel_date.desc(), TransportTrip.id)
    ).all()
    return [trip_view(t, code) for t, code in rows]


def pending_trips(s: Session, user: User, travel_date: dt.date | None = None) -> list[dict[str, Any]]:
    """Trips of the user's area not yet in a vehicle (待编排), of one date or all, masked."""
    _staff(user, "待编排名单仅供人社部门人员查看")
    q = (
        select(TransportTrip)
        .where(TransportTrip.vehicle_id.is_(None))
        .order_by(TransportTrip.travel_date, TransportTrip.origin, TransportTrip.id)
    )
    if travel_date:
        q = q.where(TransportTrip.travel_date == travel_date)
    return [trip_view(t) for t in s.execute(q).scalars() if covers(user, t.origin)]


@implements(
    "cn.poverty_point_to_point_return_2020",
    "cn.key_enterprise_group_transport_2020",
    "cn.migrant_p2p_charter_transport_2020",
    "cn.stable_labour_online_recruitment_2020",
    "henan.point_to_point_transport_2020",
    "henan.key_enterprise_cross_region_recruitment_2020",
    "xinmi.point_to_point_transport_2020",
    "henan.employee_return_coordination_2020",
    tests=["tests/labour/test_transport.py::test_plan_and_export"],
)
def plan(s: Session, user: User, travel_date: dt.date, capacity: int | None = None) -> list[TransportVehicle]:
    """Group the unassigned trips of a date into vehicles (one plan each)."""
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以编排车辆")
    capacity = capacity or int(param("transport.seats_per_vehicle", travel_date))
    trips = [
        t
        for t in s.execute(
            select(TransportTrip).where(TransportTrip.travel_date == travel_date, TransportTrip.vehicle_id.is_(None))
        ).scalars()
        if covers(user, t.origin)
    ]  # only the caseworker's own area (本辖区)
    by_id = {t.id: t for t in trips}
    made = []
    existing = s.execute(select(TransportVehicle).where(TransportVehicle.travel_date == travel_date)).scalars().all()
    seq = len(existing)  # all areas: the codes stay unique
    for group in group_trips([Trip(t.id, t.origin, t.destination, t.travel_date) for t in trips], capacity):
        seq += 1
        first = group[0]
        v = TransportVehicle(
            code=f"DD{travel_date:%Y%m%d}-{first.origin}-{seq:03d}",
            origin=first.origin,
            destination=first.destination,
            travel_date=travel_date,
            capacity=capacity,
            created_by=user.id,
        )
        s.add(v)
        s.flush()
        for t in group:
            by_id[t.id].vehicle_id = v.id
        made.append(v)
    s.flush()
    for v in made:
        s.refresh(v)
    audit.record(
        s,
        user,
        "transport.plan",
        "transport_date",
        travel_date.isoformat(),
        {"vehicles": len(made), "trips": len(trips), "capacity": capacity},
    )
    return made


def _all_vehicles(s: Session, travel_date: dt.date | None) -> list[TransportVehicle]:
    q = select(TransportVehicle).order_by(TransportVehicle.id)
    if travel_date:
        q = q.where(TransportVehicle.travel_date == travel_date)
    return list(s.execute(q).scalars())


def vehicles(s: Session, user: User, travel_date: dt.date | None = None) -> list[TransportVehicle]:
    """The vehicle plans of the user's area (all for auditors and admins), of one date or all."""
    _staff(user)
    return [v for v in _all_vehicles(s, travel_date) if covers(user, v.origin)]


def vehicle(s: Session, user: User, vehicle_id: int) -> TransportVehicle:
    """One vehicle plan with its passengers; 403 outside the caseworker's area."""
    _staff(user)
    v = s.get(TransportVehicle, vehicle_id)
    if v is None:
        raise NotFound(f"未找到车辆方案 {vehicle_id}")
    if not covers(user, v.origin):
        raise Forbidden(f"车辆方案 {v.code} 的出发地不在本辖区，无权查看")
    return v


def vehicle_view(v: TransportVehicle, full: bool = False) -> dict[str, Any]:
    return {
        "id": v.id,
        "code": v.code,
        "origin": v.origin,
        "origin_name": _name(v.origin),
        "destination": v.destination,
        "date": v.travel_date.isoformat(),
        "capacity": v.capacity,
        "passengers": [
            {
                "name": t.name,
                "id_number": t.id_number if full else mask_id_number(t.id_number),
                "phone": t.phone if full else mask_phone(t.phone),
                "employer": t.employer,
            }
            for t in v.trips
        ],
    }


def _name(code: str) -> str:
    try:
        return region_name(code)
    except (KeyError, ValueError):
        return code


@implements(
    "cn.origin_destination_info_docking_2020",
    "cn.migrant_p2p_cross_province_handover_2020",
    "cn.migrant_p2p_arrival_handover_2020",
    tests=["tests/labour/test_transport.py::test_plan_and_export"],
)
def export(s: Session, user: User, travel_date: dt.date, audience: str) -> bytes:
    """Passenger lists of a date as xlsx, one sheet per vehicle. ``operator`` (承运单位): names,
    phones, masked ID numbers; ``bureau`` (输入地人社部门): full ID numbers and phones."""
    from openpyxl import Workbook

    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以导出乘客名单")
    if audience not in ("operator", "bureau"):
        raise ServiceError("导出对象应为 operator（承运单位）或 bureau（输入地人社部门）")
    every = _all_vehicles(s, travel_date)
    found = [v for v in every if covers(user, v.origin)]
    if every and not found:
        raise Forbidden(f"{travel_date} 的车辆方案均不在本辖区，无权导出乘客名单")
    if not found:
        raise NotFound(f"{travel_date} 尚无车辆方案")
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for v in found:
        ws = wb.create_sheet(v.code[-20:])
        exports.append_row(
            ws,
            [
                "车辆方案",
                v.code,
                "出发地",
                _name(v.origin),
                "目的地",
                v.destination,
                "日期",
                v.travel_date.isoformat(),
                "座位",
                v.capacity,
            ],
        )
        exports.append_row(ws, ["序号", "姓名", "身份证号", "手机号", "用人单位"])
        for i, t in enumerate(v.trips, 1):
            exports.append_row(
                ws,
                [i, t.name, t.id_number if audience == "bureau" else mask_id_number(t.id_number), t.phone, t.employer],
            )
    audit.record(
        s,
        user,
        "transport.export",
        "transport_date",
        travel_date.isoformat(),
        {"audience": audience, "vehicles": len(found)},
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
