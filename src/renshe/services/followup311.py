"""“311” follow-up of people with employment difficulties (就业困难人员“311”就业帮扶),
永人社发〔2022〕3号 四: within a year at least 3 job recommendations, 1 career-guidance
session and 1 free-training offer, and a follow-up visit every month.

"Behind schedule today" (进度滞后) is read pro rata with the services spread evenly over
the 12-month period: after a share f of it, at least round(f × required) of each yearly
service must be recorded (3 referrals: the 1st due after 2 months, the 2nd after 6, the
3rd after 10; guidance and training after 6 months), so a shortfall shows while there is
still time in the year; and every calendar month of the period that has ended must have
its visit. The duty ends when the person is employed.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.engine.catalog import implements
from renshe.services import audit
from renshe.services.dispatch import id_number_problem
from renshe.services.errors import Forbidden, NotFound, ServiceError
from renshe.services.labour_settings import citation, param
from renshe.services.security import mask_id_number
from renshe.store.models import User
from renshe.store.models_labour import DifficultyPerson, FollowUpService

KINDS = {
    "job_referral": ("推荐岗位信息", "followup311.min_job_referrals"),
    "career_guidance": ("职业指导", "followup311.min_career_guidance"),
    "training_offer": ("免费技能培训信息", "followup311.min_training_offers"),
    "visit": ("回访", "followup311.visits_per_month"),
}


def _area(region: str) -> str:
    while region.endswith("00"):
        region = region[:-2]
    return region


def _covers(user: User, region: str) -> bool:
    if user.role in ("auditor", "admin"):
        return True
    return user.role == "caseworker" and (not user.region or region.startswith(_area(user.region)))


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def period(person: DifficultyPerson, today: dt.date) -> tuple[dt.date, dt.date]:
    """The current 12-month period: from registration (or the measure's start if earlier)."""
    start = max(person.registered_on, param("followup311.effective_from", today))
    months = int(param("followup311.period_months", today))
    while add_months(start, months) <= today:
        start = add_months(start, months)
    return start, add_months(start, months)


@implements(
    "yongzhou.hard_to_employ_311_service_2022",
    "cn.poverty_labour_contact_care_2020",
    "cn.poverty_labour_dynamic_tracking_2020",
    "xinmi.poverty_labour_outreach_2020",
    tests=["tests/labour/test_followup311.py::test_api"],
)
def register(
    s: Session,
    user: User,
    *,
    name: str,
    id_number: str,
    region: str,
    phone: str | None = None,
    registered_on: dt.date | None = None,
    caseworker: User | None = None,
) -> DifficultyPerson:
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以登记就业困难人员")
    id_number = id_number.strip()
    id_number = id_number[:-1] + "X" if id_number.endswith("x") else id_number
    if p := id_number_problem(id_number):
        raise ServiceError(f"身份证号有误：{p}")
    if not name.strip():
        raise ServiceError("姓名不能为空")
    if not _covers(user, region):
        raise Forbidden("只能登记本辖区的人员")
    person = DifficultyPerson(
        name=name.strip(),
        id_number=id_number,
        phone=phone,
        region=region,
        caseworker_id=(caseworker or user).id,
        registered_on=registered_on or dt.date.today(),
    )
    s.add(person)
    s.flush()
    audit.record(s, user, "f311.register", "difficulty_person", person.id, {"region": region})
    return person


def get(s: Session, user: User, person_id: int) -> DifficultyPerson:
    person = s.get(DifficultyPerson, person_id)
    if person is None:
        raise NotFound(f"未找到帮扶对象 {person_id}")
    if not _covers(user, person.region):
        raise Forbidden("该人员不在本辖区")
    return person


def record_service(
    s: Session, user: User, person_id: int, kind: str, on: dt.date | None = None, note: str | None = None
) -> FollowUpService:
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以记录帮扶服务")
    if kind not in KINDS:
        raise ServiceError(f"未知的服务类型 {kind}，应为 {' / '.join(KINDS)}")
    person = get(s, user, person_id)
    on = on or dt.date.today()
    if on < person.registered_on or on > dt.date.today():
        raise ServiceError(f"服务日期 {on} 应在登记日 {person.registered_on} 与今天之间")
    svc = FollowUpService(person_id=person.id, kind=kind, on=on, note=note, by_id=user.id)
    s.add(svc)
    s.flush()
    audit.record(s, user, "f311.service", "difficulty_person", person.id, {"kind": kind, "on": on.isoformat()})
    return svc


def mark_employed(s: Session, user: User, person_id: int, on: dt.date) -> DifficultyPerson:
    person = get(s, user, person_id)
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以登记就业")
    person.employed_on = on
    audit.record(s, user, "f311.employed", "difficulty_person", person.id, {"on": on.isoformat()})
    return person


def progress(person: DifficultyPerson, today: dt.date) -> dict[str, Any]:
    """What is done and what is missing in the current period, as of ``today``."""
    if person.employed_on and person.employed_on <= today:
        return {"employed": True, "behind": False, "missing": [], "counts": {}}
    start, end = period(person, today)
    share = (today - start).days / (end - start).days
    counts: dict[str, int] = {}
    missing: list[str] = []
    in_period = [x for x in person.services if start <= x.on <= today]
    for kind, (label, name) in KINDS.items():
        done = sum(1 for x in in_period if x.kind == kind)
        counts[kind] = done
        if kind == "visit":
            continue
        required = int(param(name, today))
        due_now = math.floor(share * required + 0.5)
        if done < due_now:
            missing.append(f"{label}：已 {done} 次，按进度今日应至少 {due_now} 次（全年至少 {required} 次）")
    month = dt.date(start.year, start.month, 1)
    need = int(param("followup311.visits_per_month", today))
    while add_months(month, 1) <= dt.date(today.year, today.month, 1):
        n = sum(1 for x in in_period if x.kind == "visit" and (x.on.year, x.on.month) == (month.year, month.month))
        if n < need:
            missing.append(f"{month:%Y-%m} 未回访")
        month = add_months(month, 1)
    return {
        "employed": False,
        "behind": bool(missing),
        "missing": missing,
        "counts": counts,
        "period": [start.isoformat(), end.isoformat()],
    }


def view(user: User, person: DifficultyPerson, today: dt.date) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "id_number": mask_id_number(person.id_number),
        "region": person.region,
        "caseworker": person.caseworker.display_name,
        "registered_on": person.registered_on.isoformat(),
        **progress(person, today),
    }


@implements(
    "yongzhou.hard_to_employ_311_service_2022",
    "cn.poverty_labour_contact_care_2020",
    "cn.poverty_labour_dynamic_tracking_2020",
    tests=["tests/labour/test_followup311.py::test_on_schedule_and_behind"],
)
def behind_schedule(s: Session, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """Who is behind schedule today, grouped per caseworker and per area."""
    if user.role not in ("caseworker", "auditor", "admin"):
        raise Forbidden("帮扶进度仅供人社部门人员查看")
    today = today or dt.date.today()
    people = [
        p
        for p in s.execute(select(DifficultyPerson).order_by(DifficultyPerson.id)).scalars()
        if _covers(user, p.region)
    ]
    items = [view(user, p, today) for p in people]
    by_cw: dict[str, dict[str, Any]] = {}
    by_area: dict[str, dict[str, Any]] = {}
    for item in items:
        for key, table in ((item["caseworker"], by_cw), (item["region"], by_area)):
            row = table.setdefault(key, {"key": key, "people": 0, "behind": 0})
            row["people"] += 1
            row["behind"] += item["behind"]
    return {
        "today": today.isoformat(),
        "people": items,
        "behind": [i for i in items if i["behind"]],
        "by_caseworker": list(by_cw.values()),
        "by_area": list(by_area.values()),
        "citation": citation("followup311.min_job_referrals"),
    }
