"""Point-to-point return transport (农民工返岗“点对点”运输), 人社部明电〔2020〕4号 二、三:
workers register trips; trips with the same origin county, destination and date are
grouped into vehicles of at most the seat capacity, one plan per vehicle (一车一方案),
and the passenger lists are exported for the transport operator and the receiving bureau.
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
from renshe.services import audit
from renshe.services.dispatch import id_number_problem
from renshe.services.errors import Forbidden, NotFound, ServiceError
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
            vehicles.append(members[at:at + take])
            at += take
    return vehicles


def register_trip(s: Session, user: User, *, origin: str, destination: str, employer: str, travel_date: dt.date,
                  name: str | None = None, id_number: str | None = None, phone: str | None = None) -> TransportTrip:
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
    trip = TransportTrip(person_id=user.id if user.role == "person" else None, name=name.strip(),  # type: ignore[union-attr]
                         id_number=idn, phone=(phone or "").strip(), origin=origin, destination=destination.strip(),
                         employer=employer.strip(), travel_date=travel_date)
    s.add(trip)
    s.flush()
    audit.record(s, user, "transport.trip", "transport_trip", trip.id, {"origin": origin, "date": travel_date.isoformat()})
    return trip


def plan(s: Session, user: User, travel_date: dt.date, capacity: int | None = None) -> list[TransportVehicle]:
    """Group the unassigned trips of a date into vehicles (one plan each)."""
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以编排车辆")
    capacity = capacity or int(param("transport.seats_per_vehicle", travel_date))
    trips = s.execute(select(TransportTrip).where(TransportTrip.travel_date == travel_date,
                                                  TransportTrip.vehicle_id.is_(None))).scalars().all()
    by_id = {t.id: t for t in trips}
    made = []
    existing = s.execute(select(TransportVehicle).where(TransportVehicle.travel_date == travel_date)).scalars().all()
    seq = len(existing)
    for group in group_trips([Trip(t.id, t.origin, t.destination, t.travel_date) for t in trips], capacity):
        seq += 1
        first = group[0]
        v = TransportVehicle(code=f"DD{travel_date:%Y%m%d}-{first.origin}-{seq:03d}", origin=first.origin,
                             destination=first.destination, travel_date=travel_date, capacity=capacity,
                             created_by=user.id)
        s.add(v)
        s.flush()
        for t in group:
            by_id[t.id].vehicle_id = v.id
        made.append(v)
    s.flush()
    for v in made:
        s.refresh(v)
    audit.record(s, user, "transport.plan", "transport_date", travel_date.isoformat(),
                 {"vehicles": len(made), "trips": len(trips), "capacity": capacity})
    return made


def vehicles(s: Session, user: User, travel_date: dt.date | None = None) -> list[TransportVehicle]:
    if user.role not in ("caseworker", "auditor", "admin"):
        raise Forbidden("车辆方案仅供人社部门人员查看")
    q = select(TransportVehicle).order_by(TransportVehicle.id)
    if travel_date:
        q = q.where(TransportVehicle.travel_date == travel_date)
    return list(s.execute(q).scalars())


def vehicle_view(v: TransportVehicle, full: bool = False) -> dict[str, Any]:
    return {"id": v.id, "code": v.code, "origin": v.origin, "origin_name": _name(v.origin),
            "destination": v.destination, "date": v.travel_date.isoformat(), "capacity": v.capacity,
            "passengers": [{"name": t.name, "id_number": t.id_number if full else mask_id_number(t.id_number),
                            "phone": t.phone if full else mask_phone(t.phone), "employer": t.employer}
                           for t in v.trips]}


def _name(code: str) -> str:
    try:
        return region_name(code)
    except (KeyError, ValueError):
        return code


def export(s: Session, user: User, travel_date: dt.date, audience: str) -> bytes:
    """Passenger lists of a date as xlsx, one sheet per vehicle. ``operator`` (承运单位): names,
    phones, masked ID numbers; ``bureau`` (输入地人社部门): full ID numbers and phones."""
    from openpyxl import Workbook

    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以导出乘客名单")
    if audience not in ("operator", "bureau"):
        raise ServiceError("导出对象应为 operator（承运单位）或 bureau（输入地人社部门）")
    found = vehicles(s, user, travel_date)
    if not found:
        raise NotFound(f"{travel_date} 尚无车辆方案")
    wb = Workbook()
    wb.remove(wb.active)
    for v in found:
        ws = wb.create_sheet(v.code[-20:])
        ws.append(["车辆方案", v.code, "出发地", _name(v.origin), "目的地", v.destination, "日期",
                   v.travel_date.isoformat(), "座位", v.capacity])
        ws.append(["序号", "姓名", "身份证号", "手机号", "用人单位"])
        for i, t in enumerate(v.trips, 1):
            ws.append([i, t.name, t.id_number if audience == "bureau" else mask_id_number(t.id_number),
                       t.phone, t.employer])
    audit.record(s, user, "transport.export", "transport_date", travel_date.isoformat(),
                 {"audience": audience, "vehicles": len(found)})
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
