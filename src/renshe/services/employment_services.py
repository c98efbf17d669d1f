"""Employment-service ledgers of Xinmi and Yongzhou (就业服务台账): one record per person (or an
enterprise's worker) with the service given and a follow-up due on the working-day calendar —
overcapacity workers and their resettlement channel (化解过剩产能职工分流安置, until every worker
has one), returnee start-up services and award nominations (返乡创业“五个一”、“创业之星”),
flexible-employment guidance (灵活就业分类指导, with the referral to occupational-injury
protection), and one-to-one online career guidance of graduates by the expert pool (职业指导
云诊室). Who is overdue for a follow-up shows per kind; the ledger downloads as a workbook."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.times import chinese_date
from renshe.engine.catalog import implements
from renshe.services import audit, exports
from renshe.services.errors import NotFound
from renshe.services.programmes_common import (
    STAFF,
    FieldError,
    added,
    check_choice,
    check_id_number,
    check_region,
    check_text,
    check_uscc,
    covers,
    due_after,
    region_label,
    require,
    require_caseworker_of,
)
from renshe.services.programmes_settings import citation, param
from renshe.services.security import mask_id_number
from renshe.store.models import User
from renshe.store.models_programmes import CareerExpert, ServiceRecord

#: kind → (Chinese name, the parameter listing its options, the option's label)
KINDS: dict[str, tuple[str, str, str]] = {
    "overcapacity": ("过剩产能职工分流安置", "services.resettlement_channels", "安置渠道"),
    "returnee": ("返乡创业服务", "services.returnee_items", "服务事项"),
    "flexible": ("灵活就业指导", "services.flexible_forms", "就业形式"),
    "campus": ("职业指导云诊室", "services.guidance_topics", "指导内容"),
}


def kind_name(kind: str) -> str:
    if kind not in KINDS:
        raise FieldError("kind", f"台账类别“{kind}”应为 {'、'.join(v[0] for v in KINDS.values())} 之一")
    return KINDS[kind][0]


def choices(kind: str, on: dt.date | None = None) -> list[str]:
    kind_name(kind)
    return list(param(KINDS[kind][1], on))


@implements(
    "xinmi.overcapacity_worker_resettlement_2020",
    "xinmi.returnee_startup_services_2020",
    "xinmi.flexible_employment_guidance_2020",
    "yongzhou.campus_career_guidance_2022",
    tests=[
        "tests/desk/test_programmes_services.py::test_ledger_record_follow_up_and_overdue",
        "tests/desk/test_programmes_services.py::test_ledger_bad_input_names_the_field",
    ],
)
def record(
    s: Session,
    user: User,
    kind: str,
    *,
    region: str,
    name: str,
    id_number: str,
    served_on: dt.date | str,
    option: str = "",
    service: str = "",
    enterprise: str = "",
    uscc: str = "",
    expert_id: int | None = None,
) -> ServiceRecord:
    """One service to one person, with the follow-up due after the working-day limit.
    Overcapacity workers carry their enterprise (USCC) and may be entered before a channel is
    found (option left blank); campus guidance names the expert of the pool."""
    label = kind_name(kind)
    region = check_region(region)
    require_caseworker_of(user, region, f"登记{label}")
    name = check_text(name, "name", "姓名")
    id_number = check_id_number(id_number)
    try:
        on = served_on if isinstance(served_on, dt.date) else dt.date.fromisoformat(str(served_on).strip())
    except ValueError:
        raise FieldError("served_on", f"服务日期“{served_on}”应为 YYYY-MM-DD 格式的日期") from None
    if on > dt.date.today():
        raise FieldError("served_on", f"服务日期 {chinese_date(on)} 晚于今天")
    option = (option or "").strip()
    if option or kind != "overcapacity":
        option = check_choice(option, choices(kind, on), "option", KINDS[kind][2])
    if kind == "overcapacity":
        uscc = check_uscc(uscc, "企业统一社会信用代码")
        enterprise = check_text(enterprise, "enterprise", "企业名称")
    expert = None
    if kind == "campus":
        expert = s.get(CareerExpert, expert_id) if expert_id else None
        if expert is None or not covers(user, expert.region):
            raise FieldError("expert_id", "请选择本地职业指导专家库中的专家")
    due = due_after(on, int(param("services.follow_up_working_days", on)))
    rec = ServiceRecord(
        kind=kind,
        region=region,
        name=name,
        id_number=id_number,
        enterprise=(enterprise or "").strip(),
        uscc=uscc or "",
        option=option,
        service=(service or "").strip(),
        served_on=on,
        follow_up_due=due,
        expert_id=expert.id if expert else None,
        caseworker_id=user.id,
    )
    return added(s, user, rec, "services.record", "employment_service_record", {"kind": kind, "region": region})


def _get(s: Session, user: User, record_id: int) -> ServiceRecord:
    rec = s.get(ServiceRecord, record_id)
    if rec is None:
        raise NotFound(f"未找到台账记录 {record_id}")
    return rec


@implements(
    "xinmi.overcapacity_worker_resettlement_2020",
    "xinmi.flexible_employment_guidance_2020",
    "xinmi.returnee_startup_services_2020",
    "yongzhou.campus_career_guidance_2022",
    tests=["tests/desk/test_programmes_services.py::test_ledger_record_follow_up_and_overdue"],
)
def follow_up(
    s: Session, user: User, record_id: int, *, on: dt.date, option: str = "", note: str = ""
) -> ServiceRecord:
    """The follow-up visit (回访); an overcapacity worker's channel may be set here once found."""
    rec = _get(s, user, record_id)
    require_caseworker_of(user, rec.region, "记录回访")
    if on < rec.served_on:
        raise FieldError("on", f"回访日期 {chinese_date(on)} 早于服务日期 {chinese_date(rec.served_on)}")
    if option:
        rec.option = check_choice(option, choices(rec.kind, on), "option", KINDS[rec.kind][2])
    rec.followed_up_on = on
    if note.strip():
        rec.service = f"{rec.service}\n回访（{chinese_date(on)}）：{note.strip()}".strip()
    audit.record(s, user, "services.follow_up", "employment_service_record", rec.id, {"on": on.isoformat()})
    return rec


def kind_of(s: Session, record_id: int) -> str:
    """Which ledger a record belongs to (to show its page again)."""
    rec = s.get(ServiceRecord, record_id)
    if rec is None:
        raise NotFound(f"未找到台账记录 {record_id}")
    return rec.kind


def view(rec: ServiceRecord, today: dt.date, expert: CareerExpert | None = None) -> dict[str, Any]:
    return {
        "id": rec.id,
        "kind": rec.kind,
        "kind_name": KINDS[rec.kind][0],
        "region": rec.region,
        "region_name": region_label(rec.region),
        "name": rec.name,
        "id_number": mask_id_number(rec.id_number),
        "enterprise": rec.enterprise,
        "uscc": rec.uscc,
        "option": rec.option,
        "service": rec.service,
        "served_on": chinese_date(rec.served_on),
        "follow_up_due": chinese_date(rec.follow_up_due) or "未排期",
        "followed_up_on": chinese_date(rec.followed_up_on),
        "expert": expert.name if expert else "",
        "overdue": rec.followed_up_on is None and rec.follow_up_due is not None and rec.follow_up_due < today,
    }


@implements(
    "xinmi.overcapacity_worker_resettlement_2020",
    "xinmi.returnee_startup_services_2020",
    "xinmi.flexible_employment_guidance_2020",
    "yongzhou.campus_career_guidance_2022",
    tests=[
        "tests/desk/test_programmes_services.py::test_ledger_record_follow_up_and_overdue",
        "tests/desk/test_programmes_services.py::test_ledgers_are_scoped_to_the_district",
    ],
)
def ledger(s: Session, user: User, kind: str, today: dt.date | None = None) -> dict[str, Any]:
    """The ledger of one kind in the user's area: the records, the overdue follow-ups and, for
    overcapacity, each enterprise's workers with and without a resettlement channel."""
    require(user, STAFF, "就业服务台账仅供人社部门人员查看")
    label = kind_name(kind)
    today = today or dt.date.today()
    rows = [
        r
        for r in s.execute(select(ServiceRecord).where(ServiceRecord.kind == kind).order_by(ServiceRecord.id)).scalars()
        if covers(user, r.region)
    ]
    experts = {e.id: e for e in s.execute(select(CareerExpert)).scalars()}
    items = [view(r, today, experts.get(r.expert_id or 0)) for r in rows]
    by_enterprise: dict[str, dict[str, Any]] = defaultdict(lambda: {"workers": 0, "placed": 0, "enterprise": ""})
    for r in rows:
        if kind == "overcapacity":
            e = by_enterprise[r.uscc]
            e["enterprise"], e["workers"], e["placed"] = r.enterprise, e["workers"] + 1, e["placed"] + bool(r.option)
    return {
        "kind": kind,
        "kind_name": label,
        "records": items,
        "overdue": [i for i in items if i["overdue"]],
        "choices": choices(kind, today),
        "option_label": KINDS[kind][2],
        "enterprises": [{"uscc": k, **v, "unplaced": v["workers"] - v["placed"]} for k, v in by_enterprise.items()],
        "citation": citation(KINDS[kind][1]),
        "follow_up_citation": citation("services.follow_up_working_days"),
    }


LEDGER_HEADER = [
    "编号",
    "类别",
    "地区",
    "姓名",
    "身份证号",
    "企业",
    "统一社会信用代码",
    "选项",
    "服务内容",
    "服务日期",
    "回访期限",
    "回访日期",
    "专家",
    "回访超期",
]


def ledger_xlsx(data: dict[str, Any]) -> bytes:
    """The ledger as a workbook (identity numbers masked as on the page)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = data["kind_name"][:31]
    exports.append_row(ws, LEDGER_HEADER)
    for r in data["records"]:
        exports.append_row(
            ws,
            [
                r["id"],
                r["kind_name"],
                r["region_name"],
                r["name"],
                r["id_number"],
                r["enterprise"],
                r["uscc"],
                r["option"],
                r["service"],
                r["served_on"],
                r["follow_up_due"],
                r["followed_up_on"],
                r["expert"],
                "是" if r["overdue"] else "否",
            ],
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@implements(
    "yongzhou.campus_career_guidance_2022",
    tests=["tests/desk/test_programmes_services.py::test_ledger_record_follow_up_and_overdue"],
)
def add_expert(
    s: Session, user: User, *, region: str, name: str, institution: str, speciality: str = ""
) -> CareerExpert:
    """An expert joins the pool (将本地优秀高校教师纳入职业指导专家库)."""
    region = check_region(region)
    require_caseworker_of(user, region, "管理职业指导专家库")
    expert = CareerExpert(
        region=region,
        name=check_text(name, "name", "专家姓名"),
        institution=check_text(institution, "institution", "所在单位（高校）"),
        speciality=(speciality or "").strip(),
    )
    return added(s, user, expert, "services.expert", "career_expert", {"region": region})


def experts(s: Session, user: User) -> list[dict[str, Any]]:
    require(user, STAFF, "职业指导专家库仅供人社部门人员查看")
    return [
        {
            "id": e.id,
            "name": e.name,
            "institution": e.institution,
            "speciality": e.speciality,
            "region_name": region_label(e.region),
        }
        for e in s.execute(select(CareerExpert).order_by(CareerExpert.id)).scalars()
        if covers(user, e.region)
    ]


def check_kind(kind: str) -> str:
    """The kind of a URL, or a 404-style error for one that is not a ledger."""
    if kind not in KINDS:
        raise NotFound(f"没有“{kind}”台账")
    return kind
