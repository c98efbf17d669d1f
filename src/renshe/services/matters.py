"""Service matters (办事事项): the administrative matters the bureau handles for enterprises,
people and agencies — special working-hours permits, social-insurance registration, levy
and records, benefit claims and transfers, card replacement, complaints, work-injury
filings, subsidy applications, personnel archives — as one desk.

The catalog (services/matters.yaml) says for each matter who files, the channels the text
allows, the materials, the matter's own fields and checks, the time limit, the green-channel
and priority conditions and the catalog ids it carries out; the numbers are parameters
(services/matters_parameters.yaml). Filing, acceptance, deferral (暂缓立案), completion
and refusal are audited; deadlines run on the working-day calendar; a caseworker sees the
matters of their area, green channel and priority first, then by deadline; matters handled
off-system (系统外经办、手工应急操作) or paid in advance (预发待遇) are flagged for the
auditor's later review (事后稽核).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.calendar import is_working_day
from renshe.domain.identifiers import id_rule
from renshe.domain.regions import problem_with_region
from renshe.engine.catalog import implements
from renshe.engine.settings import load_settings, setting
from renshe.services import attachments, audit, exports
from renshe.services.applications import ROLE_NAMES, in_area, working_day_after
from renshe.services.errors import Conflict, Forbidden, NotFound, ServiceError
from renshe.services.security import mask_text
from renshe.store.models import User
from renshe.store.models_matters import ServiceMatter

CATALOG = Path(__file__).with_name("matters.yaml")
PARAMETERS = Path(__file__).with_name("matters_parameters.yaml")
TEST = "tests/desk/test_matters.py::"
FILERS = ("enterprise", "person", "agency")
STAFF_ALL = frozenset({"auditor", "admin"})  # see every area's matters
AUDITORS = frozenset({"auditor"})
STATUS_NAMES = {
    "filed": "已提交待受理",
    "accepted": "已受理办理中",
    "deferred": "暂缓立案（已登记留存材料）",
    "completed": "已办结",
    "refused": "不予办理",
}
OPEN = ("filed", "accepted", "deferred")
TEXT_MAX = 500
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
TRUE = ("1", "true", "on", "yes")
MONTHS = 12  # months of a year (the calendar, not a policy number)
#: GB 32100-2015: characters 3–8 of a USCC are the division code of the registering authority
REGION_IN_USCC = slice(2, 8)


class MatterProblems(ServiceError):
    """Bad input: one Chinese sentence per problem, each naming its field (``field`` the
    form's name, or None)."""

    def __init__(self, problems: list[tuple[str | None, str]]):
        super().__init__("；".join(m for _, m in problems))
        self.problems = problems


# --------------------------------------------------------------------------- the catalog


@cache
def catalog() -> dict[str, Any]:
    data = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    names = set(load_settings(PARAMETERS))
    for key, m in data["matters"].items():
        unknown = [c for c in m["channels"] if c not in data["channels"]]
        params = [m["time_limit"], *(c["from"] for c in m.get("green_channel", []) + m.get("priority", []))]
        params += [c["param"] for c in m.get("checks", []) if "param" in c]
        missing = [p for p in params if p not in names]
        if unknown or missing or not set(m["filers"]) <= set(FILERS):
            raise ValueError(f"matters.yaml: {key}: unknown channels {unknown} or parameters {missing}")
    return data


def matter(key: str) -> dict[str, Any]:
    try:
        return dict(catalog()["matters"][key])
    except KeyError:
        raise MatterProblems([("matter", f"办理事项：未知的事项“{key}”")]) from None


def param(name: str, on: dt.date | None = None) -> Any:
    return setting(load_settings(PARAMETERS), name, on)


def citation(name: str) -> dict[str, str]:
    ref = load_settings(PARAMETERS)[name].reference
    return {"doc_no": ref.doc_no, "article": ref.article, "quote": ref.quote}


def channel_name(code: str) -> str:
    return str(catalog()["channels"].get(code, code))


def describe(key: str, on: dt.date | None = None) -> dict[str, Any]:
    """One matter as the forms and the catalog page show it."""
    m = matter(key)
    return {
        "key": key,
        "name": m["name"],
        "filers": m["filers"],
        "filer_names": [ROLE_NAMES[r] for r in m["filers"]],
        "channels": {c: channel_name(c) for c in m["channels"]},
        "materials": m.get("materials", []),
        "fields": m.get("fields", []),
        "complete_fields": m.get("complete_fields", []),
        "time_limit_days": int(param(m["time_limit"], on)),
        "time_limit": citation(m["time_limit"]),
        "green_channel": [c["reason"] for c in m.get("green_channel", [])],
        "priority": [c["reason"] for c in m.get("priority", [])],
        "note": m.get("note"),
        "may_defer": bool(m.get("may_defer")),
        "offline_allowed": bool(m.get("offline_allowed")),
        "advance_allowed": bool(m.get("advance_allowed")),
        "originals_later": bool(m.get("originals_later")),
        "implements": m["implements"],
    }


def listing(user: User | None = None, on: dt.date | None = None) -> list[dict[str, Any]]:
    """The matters (for a filer: those they may file)."""
    keys = catalog()["matters"]
    return [
        describe(k, on)
        for k in keys
        if user is None or user.role not in FILERS or user.role in catalog()["matters"][k]["filers"]
    ]


def appointment_slots(on: dt.date | None = None) -> list[str]:
    return [str(x) for x in param("matters.appointment.slots", on)]


# --------------------------------------------------------------------------- checking input


def _month(value: str) -> tuple[int, int] | None:
    found = MONTH.match(value)
    if not found or not 1 <= int(found.group(2)) <= 12:
        return None
    return int(found.group(1)), int(found.group(2))


def _value(spec: dict[str, Any], raw: Any) -> tuple[Any, str | None]:
    """(the value, or None with the problem) of one field of the matter's form."""
    label, kind = spec["label"], spec["type"]
    text = "" if raw is None else str(raw).strip()
    if kind == "flag":
        flag = raw is True or text.lower() in TRUE
        if not flag and not spec.get("optional"):
            return None, f"{label}：须确认后勾选"
        return flag, None
    if not text:
        return None, None if spec.get("optional") else f"{label}不能为空"
    if len(text) > TEXT_MAX:
        return None, f"{label}过长：最多 {TEXT_MAX} 个字符，实际 {len(text)} 个"
    if kind == "date":
        try:
            return dt.date.fromisoformat(text).isoformat(), None
        except ValueError:
            return None, f"{label}“{text}”应为 YYYY-MM-DD 格式的日期"
    if kind == "month":
        return (text, None) if _month(text) else (None, f"{label}“{text}”应为 YYYY-MM 格式的月份")
    if kind == "count":
        return (int(text), None) if text.isdigit() else (None, f"{label}“{text}”应为不小于 0 的整数")
    if kind == "choice":
        if text in spec["choices"]:
            return text, None
        return None, f"{label}“{text}”应为：{'、'.join(spec['choices'].values())}"
    return text, None


def _values(specs: list[dict[str, Any]], raw: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str | None, str]]]:
    known = {s["name"] for s in specs}
    problems: list[tuple[str | None, str]] = [(k, f"未知的字段“{k}”") for k in raw if k not in known]
    out: dict[str, Any] = {}
    for spec in specs:
        value, problem = _value(spec, raw.get(spec["name"]))
        if problem:
            problems.append((spec["name"], problem))
        elif value is not None:
            out[spec["name"]] = value
    return out, problems


def _months_between(a: tuple[int, int], b: tuple[int, int]) -> int:
    return (b[0] - a[0]) * MONTHS + b[1] - a[1]


def _label(m: dict[str, Any], name: str) -> str:
    return next((f["label"] for f in m.get("fields", []) if f["name"] == name), name)


@dataclass
class Checked:
    late: bool = False
    originals: bool = False
    reasons: tuple[str, ...] = ()


def _checks(m: dict[str, Any], values: dict[str, Any], today: dt.date) -> tuple[Checked, list[tuple[str | None, str]]]:
    """The matter's own checks (matters.yaml ``checks``) on the values given."""
    out, problems, reasons = Checked(), [], []
    this_month = (today.year, today.month)
    for c in m.get("checks", []):
        kind = c["kind"]
        if any(values.get(k) != v for k, v in (c.get("when") or {}).items()):
            continue
        if kind == "date_order" and c["first"] in values and c["then"] in values:
            if str(values[c["then"]]) < str(values[c["first"]]):
                problems.append((c["then"], f"{_label(m, c['then'])}不能早于{_label(m, c['first'])}"))
        elif kind == "recent_months" and c["field"] in values:
            months = int(param(c["param"], today))
            first = _month(values[c["field"]])
            if first is not None and not 0 < _months_between(first, this_month) <= months:
                problems.append(
                    (
                        c["field"],
                        f"{_label(m, c['field'])}：可直接办理的只有提交当月之前近 {months} 个月"
                        f"（{citation(c['param'])['doc_no']} {citation(c['param'])['article']}），"
                        "更早的月份请按补缴程序另行办理",
                    )
                )
        elif kind == "late_after_month" and c["field"] in values:
            month = _month(values[c["field"]])
            if month is not None and _months_between(month, this_month) < 0:
                problems.append((c["field"], f"{_label(m, c['field'])}不能晚于提交的月份"))
            elif month is not None and _months_between(month, this_month) > 0:
                out.late = True
                reasons.append(f"{c['reason']}（发生于 {values[c['field']]}，{today.isoformat()} 申报）")
        elif kind == "originals_if_within_months" and c["field"] in values:
            months = int(param(c["param"], today))
            day = dt.date.fromisoformat(values[c["field"]])
            if day < today:
                problems.append((c["field"], f"{_label(m, c['field'])}已过，不能再办理账户补填"))
            elif _months_between((today.year, today.month), (day.year, day.month)) - (day.day < today.day) >= months:
                problems.append(
                    (
                        c["field"],
                        f"{_label(m, c['field'])}：疫情防控期间账户补填暂停联审，距法定退休年龄不足 "
                        f"{months} 个月的方可邮寄复印件和承诺书办理（{citation(c['param'])['doc_no']} "
                        f"{citation(c['param'])['article']}）",
                    )
                )
            else:
                out.originals = True
                reasons.append(f"距法定退休年龄不足 {months} 个月：以复印件和承诺书办理，原件待疫情结束后补充提供")
    out.reasons = tuple(reasons)
    return out, problems


def _conditions_hold(c: dict[str, Any], region: str, values: dict[str, Any], on: dt.date) -> bool:
    if on < param(c["from"], on):
        return False
    if "region" in c and not region.startswith(_area(c["region"])):
        return False
    if "flag" in c and values.get(c["flag"]) is not True:
        return False
    return not ("field" in c and values.get(c["field"]) not in c["values"])


def _area(region: str) -> str:
    while region.endswith("00"):
        region = region[:-2]
    return region


def default_region(user: User) -> str:
    """Where the filer belongs: the unit's registration area (USCC characters 3–8), the
    person's (ID number 1–6), else the account's area."""
    for code in ((user.uscc or "")[REGION_IN_USCC], (user.id_number or "")[: id_rule().birth_start]):
        if code and problem_with_region(code) is None:
            return code
    return user.region or ""


# --------------------------------------------------------------------------- filing


@implements(
    "beijing.comprehensive_working_hours_application_2020",
    "henan.comprehensive_working_hours_2020",
    "beijing.special_working_hours_green_channel_2020",
    "beijing.special_working_hours_green_channel_jobs_2020",
    "beijing.si_direct_online_items_2020",
    "beijing.si_registration_by_fax_email_2020",
    "beijing.si_bank_remittance_payment_2020",
    "beijing.si_medical_account_after_back_pay_2020",
    "cn.si_relief_individual_rights_2020",
    "henan.si_deferral_staff_change_report_2020",
    "henan.si_deferral_retirement_transfer_2020",
    "henan.online_si_termination_2020",
    "beijing.pension_transfer_online_2020",
    "beijing.resident_pension_online_2020",
    "cn.pension_transfer_online_2020",
    "yongzhou.unemployment_registration_2022",
    "beijing.si_card_replacement_by_post_2020",
    "beijing.work_injury_benefit_fast_channel_2020",
    "cn.medical_work_injury_green_channel_2020",
    "cn.hrss_medical_work_injury_green_channel_2020",
    "yongzhou.work_injury_workgroup_filing_2022",
    "henan.subsidy_priority_processing_2020",
    "cn.personnel_archive_no_contact_2020",
    "cn.personnel_archive_appointment_2020",
    tests=[
        TEST + "test_file_accept_complete",
        TEST + "test_green_channel_and_priority_order_the_queue",
        TEST + "test_matter_rules",
        TEST + "test_bad_input_names_the_field_and_saves_nothing",
        TEST + "test_appointment_slots",
    ],
)
def file(
    s: Session,
    user: User,
    matter_key: str,
    *,
    channel: str,
    fields: dict[str, Any],
    region: str | None = None,
    materials: list[str] | None = None,
    appointment_on: dt.date | None = None,
    appointment_slot: str | None = None,
    files: list[tuple[str, bytes]] | None = None,
    today: dt.date | None = None,
) -> ServiceMatter:
    """File a matter (提交办理): checked field by field — a problem names its field and
    nothing is saved — then stored with its deadline, green channel and priority; ``files``
    (name, bytes) are the materials' scans, checked by content as an application's."""
    today = today or dt.date.today()
    if user.role not in FILERS:
        raise Forbidden("办事事项由用人单位、个人或人力资源服务机构提交")
    m = matter(matter_key)
    problems: list[tuple[str | None, str]] = []
    if user.role not in m["filers"]:
        names = "、".join(ROLE_NAMES[r] for r in m["filers"])
        problems.append(("matter", f"办理事项：“{m['name']}”由{names}办理"))
    if channel not in m["channels"]:
        allowed = "、".join(channel_name(c) for c in m["channels"])
        problems.append(("channel", f"办理方式：“{m['name']}”可通过{allowed}办理"))
    region = (region or default_region(user)).strip()
    if not region or problem_with_region(region):
        problems.append(("region", f"办理地区“{region}”不是有效的行政区划，请按省、市、区（县）选择"))
    values, bad = _values(m.get("fields", []), fields)
    problems += bad
    materials = [x for x in (materials or []) if x]
    unknown = [x for x in materials if x not in m.get("materials", [])]
    if unknown:
        problems.append(("materials", f"申请材料：“{'、'.join(unknown)}”不是本事项的材料"))
    checked, bad = _checks(m, values, today)
    problems += bad
    if channel == "appointment":
        problems += _appointment_problems(s, matter_key, region, appointment_on, appointment_slot, today)
    elif appointment_on or appointment_slot:
        problems.append(("appointment_on", "预约日期：只有现场预约办理需要预约"))
    checked_files: list[attachments.Checked] = []
    try:
        checked_files = attachments.check_all(files or [], today)
    except ServiceError as exc:
        problems.append(("files", f"材料附件：{exc.message}"))
    if problems:
        raise MatterProblems(problems)
    for c in checked_files:
        attachments.store(c)
    green = [c for c in m.get("green_channel", []) if _conditions_hold(c, region, values, today)]
    priority = [c for c in m.get("priority", []) if _conditions_hold(c, region, values, today)]
    reasons = [
        f"绿色通道：{c['reason']}" + (f"（会同{'、'.join(c['joint'])}共同办理）" if c.get("joint") else "")
        for c in green
    ]
    reasons += [f"优先受理：{c['reason']}" for c in priority] + list(checked.reasons)
    if m.get("originals_later"):
        reasons.append("先以电子资料备案审批，事后补交纸质原件")
    limit = int(param("matters.time_limit.green_channel", today) if green else param(m["time_limit"], today))
    record = ServiceMatter(
        number=f"BS{today:%Y%m%d}{secrets.token_hex(3).upper()}",
        matter=matter_key,
        applicant_id=user.id,
        applicant_name=user.display_name,
        region=region,
        channel=channel,
        fields=values,
        materials=materials,
        files=[
            {"filename": c.filename, "kind": c.kind, "size": len(c.data), "sha256": c.sha256} for c in checked_files
        ],
        status="filed",
        green_channel=bool(green),
        priority=bool(priority),
        reasons=reasons,
        filed_on=today,
        due_on=working_day_after(today, limit),
        appointment_on=appointment_on,
        appointment_slot=appointment_slot if channel == "appointment" else None,
        late=checked.late,
        originals_pending=bool(m.get("originals_later") or checked.originals),
        outcome={},
        handled_offline=False,
        advance_paid=False,
        history=[{"on": today.isoformat(), "action": "filed", "by": user.username, "note": channel_name(channel)}],
    )
    s.add(record)
    s.flush()
    audit.record(
        s,
        user,
        "matter.file",
        "matter",
        record.number,
        {
            "matter": matter_key,
            "channel": channel,
            "green_channel": bool(green),
            "priority": bool(priority),
            "files": [f["sha256"] for f in record.files],
        },
    )
    return record


def _appointment_problems(
    s: Session, key: str, region: str, on: dt.date | None, slot: str | None, today: dt.date
) -> list[tuple[str | None, str]]:
    if on is None:
        return [("appointment_on", "预约日期不能为空：确需现场办理的业务实行预约办理")]
    problems: list[tuple[str | None, str]] = []
    if on < today:
        problems.append(("appointment_on", "预约日期不能早于今天"))
    else:
        try:
            if not is_working_day(on):
                problems.append(("appointment_on", f"预约日期 {on.isoformat()} 不是工作日"))
        except ValueError:
            problems.append(("appointment_on", f"预约日期 {on.isoformat()} 超出可预约的年份"))
    slots = appointment_slots(today)
    if slot not in slots:
        problems.append(("appointment_slot", f"预约时段应为：{'、'.join(slots)}"))
    if not problems:
        taken = s.execute(
            select(ServiceMatter.id).where(
                ServiceMatter.matter == key,
                ServiceMatter.region == region,
                ServiceMatter.appointment_on == on,
                ServiceMatter.appointment_slot == slot,
                ServiceMatter.status != "refused",
            )
        ).all()
        capacity = int(param("matters.appointment.capacity", today))
        if len(taken) >= capacity:
            problems.append(
                ("appointment_slot", f"预约时段 {on.isoformat()} {slot} 已约满（每时段 {capacity} 人），请另选时段")
            )
    return problems


# --------------------------------------------------------------------------- who sees what


def can_see(user: User, record: ServiceMatter) -> bool:
    if user.role in FILERS:
        return record.applicant_id == user.id
    if user.role in STAFF_ALL:
        return True
    return user.role == "caseworker" and in_area(user, record.region)


def get(s: Session, user: User, number: str) -> ServiceMatter:
    record = s.execute(select(ServiceMatter).where(ServiceMatter.number == number)).scalar_one_or_none()
    if record is None:
        raise NotFound(f"未找到办件 {number}")
    if not can_see(user, record):
        raise Forbidden("无权查看该办件（不是本人提交或不在本辖区）")
    return record


def _order(record: ServiceMatter) -> tuple[Any, ...]:
    return (not record.green_channel, not record.priority, record.due_on or dt.date.max, record.id)


@implements(
    "henan.subsidy_priority_processing_2020",
    "beijing.special_working_hours_green_channel_2020",
    "beijing.work_injury_benefit_fast_channel_2020",
    "cn.medical_work_injury_green_channel_2020",
    "cn.hrss_medical_work_injury_green_channel_2020",
    tests=[TEST + "test_green_channel_and_priority_order_the_queue", TEST + "test_area_scoping"],
)
def queue(s: Session, user: User, status: str | None = None, matter_key: str | None = None) -> list[ServiceMatter]:
    """What ``user`` may see: a filer their own matters (newest first); staff the matters of
    their area, green channel first, then priority, then by deadline."""
    if status and status not in STATUS_NAMES:
        raise ServiceError(f"未知的状态：{status}")
    q = select(ServiceMatter)
    if user.role in FILERS:
        q = q.where(ServiceMatter.applicant_id == user.id)
    elif user.role == "caseworker":
        if not user.region:
            return []
        q = q.where(ServiceMatter.region.like(_area(user.region) + "%"))
    elif user.role not in STAFF_ALL:
        return []
    if status:
        q = q.where(ServiceMatter.status == status)
    if matter_key:
        q = q.where(ServiceMatter.matter == matter_key)
    rows = [r for r in s.execute(q).scalars() if can_see(user, r)]
    if user.role in FILERS:
        return sorted(rows, key=lambda r: r.id, reverse=True)
    return sorted(rows, key=_order)


def read_file(s: Session, user: User, number: str, index: int) -> tuple[dict[str, Any], bytes]:
    """One uploaded material of a matter, to whoever may see the matter (audited)."""
    record = get(s, user, number)
    if not 0 <= index < len(record.files):
        raise NotFound("未找到该材料附件")
    row = record.files[index]
    data = attachments.path_of(row["sha256"]).read_bytes()
    if hashlib.sha256(data).hexdigest() != row["sha256"]:
        raise ServiceError("附件内容与登记的 SHA-256 不一致，可能已被改动")
    audit.record(s, user, "matter.file_view", "matter", record.number, {"sha256": row["sha256"]})
    return row, data


# --------------------------------------------------------------------------- handling


def _handle(
    s: Session, user: User, number: str, states: tuple[str, ...], doing: str
) -> tuple[ServiceMatter, dict[str, Any]]:
    if user.role != "caseworker":
        raise Forbidden(f"只有经办人员可以{doing}")
    record = get(s, user, number)
    if record.status not in states:
        raise Conflict(f"办件 {number} 当前状态为“{STATUS_NAMES[record.status]}”，不能{doing}")
    return record, matter(record.matter)


def _step(
    s: Session,
    user: User,
    record: ServiceMatter,
    action: str,
    status: str,
    note: str,
    on: dt.date,
    detail: dict[str, Any] | None = None,
) -> ServiceMatter:
    record.status = status
    record.handler_id = user.id
    record.history = [*record.history, {"on": on.isoformat(), "action": action, "by": user.username, "note": note}]
    audit.record(s, user, f"matter.{action}", "matter", record.number, {"status": status, **(detail or {})})
    return record


@implements(
    "cn.pension_monthly_advance_payment_2020",
    "cn.si_advance_payment_marking_audit_2020",
    "beijing.si_benefits_on_time_2020",
    "yongzhou.pension_payment_continuity_2022",
    tests=[TEST + "test_advance_and_offline_are_flagged_for_audit"],
)
def accept(
    s: Session, user: User, number: str, *, advance: bool = False, note: str = "", today: dt.date | None = None
) -> ServiceMatter:
    """Accept (受理). For a benefit claim that cannot be finally processed yet, ``advance``
    records that the benefit is advanced monthly (按月预发): the matter is flagged for audit."""
    today = today or dt.date.today()
    record, m = _handle(s, user, number, ("filed",), "受理")
    if advance:
        if not m.get("advance_allowed"):
            raise MatterProblems([("advance", f"按月预发：“{m['name']}”不涉及待遇预发")])
        record.advance_paid = True
        record.flag_note = note.strip() or "按月预发待遇，疫情稳定后审核、结算"
        record.reasons = [*record.reasons, "预发待遇：已在系统中标识，待事后审核、结算和稽核"]
    return _step(
        s, user, record, "accept", "accepted", "按月预发待遇" if advance else "受理", today, {"advance": advance}
    )


@implements(
    "beijing.si_complaint_registration_deferred_2020",
    tests=[TEST + "test_complaint_deferred_and_resumed", TEST + "test_pages_keep_what_was_typed_and_mark_the_field"],
)
def defer(s: Session, user: User, number: str, reason: str, today: dt.date | None = None) -> ServiceMatter:
    """暂缓立案: the complaint is registered and its materials kept; filed once handling resumes."""
    today = today or dt.date.today()
    record, m = _handle(s, user, number, ("filed",), "暂缓立案")
    if not m.get("may_defer"):
        raise Conflict(f"“{m['name']}”不适用暂缓立案")
    if not reason.strip():
        raise MatterProblems([("reason", "暂缓立案须写明原因")])
    record.deferral_reason = reason.strip()[:TEXT_MAX]
    record.due_on = None
    return _step(s, user, record, "defer", "deferred", record.deferral_reason, today)


@implements("beijing.si_complaint_registration_deferred_2020", tests=[TEST + "test_complaint_deferred_and_resumed"])
def resume(s: Session, user: User, number: str, today: dt.date | None = None) -> ServiceMatter:
    """恢复办理后立案: the time limit runs from the day the case is filed."""
    today = today or dt.date.today()
    record, m = _handle(s, user, number, ("deferred",), "立案")
    record.due_on = working_day_after(today, int(param(m["time_limit"], today)))
    return _step(s, user, record, "resume", "accepted", "恢复办理，立案", today)


@implements(
    "beijing.si_offline_operation_flagging_2020",
    "henan.si_deferral_retirement_transfer_2020",
    "beijing.si_card_replacement_by_post_2020",
    "cn.covid_work_injury_joint_handling_2020",
    "beijing.si_benefits_on_time_2020",
    "yongzhou.pension_payment_continuity_2022",
    tests=[
        TEST + "test_file_accept_complete",
        TEST + "test_matter_rules",
        TEST + "test_advance_and_offline_are_flagged_for_audit",
        TEST + "test_joint_handling_and_back_pay_are_recorded",
    ],
)
def complete(
    s: Session,
    user: User,
    number: str,
    outcome: dict[str, Any],
    *,
    offline: bool = False,
    note: str = "",
    today: dt.date | None = None,
) -> ServiceMatter:
    """Complete (办结) with what the matter records (matters.yaml ``complete_fields``);
    ``offline`` says it was handled off-system or manually (系统外经办、手工应急操作): flagged."""
    today = today or dt.date.today()
    record, m = _handle(s, user, number, ("accepted",), "办结")
    values, problems = _values(m.get("complete_fields", []), outcome)
    if offline and not m.get("offline_allowed"):
        problems.append(("offline", f"系统外经办：“{m['name']}”须在系统内办理"))
    if offline and not note.strip():
        problems.append(("note", "系统外经办或手工应急操作须写明情况，以便事后审核"))
    for c in m.get("checks", []):
        if c["kind"] == "not_before" and today < param(c["param"], today):
            problems.append((None, f"{c['reason']}为 {param(c['param'], today).isoformat()}，此前不能办结"))
    for c in m.get("green_channel", []):
        if (
            c.get("joint")
            and record.green_channel
            and c.get("flag")
            and record.fields.get(c["flag"])
            and not note.strip()
        ):
            problems.append(("note", f"须写明会同{'、'.join(c['joint'])}共同办理的情况"))
    if problems:
        raise MatterProblems(problems)
    record.outcome = values
    if offline:
        record.handled_offline = True
        record.flag_note = "；".join(x for x in (record.flag_note, note.strip()[:TEXT_MAX]) if x)
    return _step(
        s, user, record, "complete", "completed", note.strip()[:TEXT_MAX] or "办结", today, {"offline": offline}
    )


def refuse(s: Session, user: User, number: str, reason: str, today: dt.date | None = None) -> ServiceMatter:
    """不予办理, with the reason the filer sees."""
    today = today or dt.date.today()
    record, _ = _handle(s, user, number, OPEN, "不予办理")
    if not reason.strip():
        raise MatterProblems([("reason", "不予办理须写明理由")])
    record.refusal_reason = reason.strip()[:TEXT_MAX]
    return _step(s, user, record, "refuse", "refused", record.refusal_reason, today)


@implements(
    "yongzhou.work_injury_workgroup_filing_2022",
    "beijing.pension_transfer_online_2020",
    tests=[TEST + "test_matter_rules"],
)
def originals_received(s: Session, user: User, number: str, today: dt.date | None = None) -> ServiceMatter:
    """事后补交的纸质原件已收到."""
    today = today or dt.date.today()
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以登记原件")
    record = get(s, user, number)
    if not record.originals_pending:
        raise Conflict(f"办件 {number} 没有待补交的原件")
    record.originals_pending = False
    record.originals_received_on = today
    record.history = [
        *record.history,
        {"on": today.isoformat(), "action": "originals", "by": user.username, "note": "纸质原件已补交"},
    ]
    audit.record(s, user, "matter.originals", "matter", record.number, {})
    return record


# --------------------------------------------------------------------------- audit afterwards


@implements(
    "beijing.si_offline_operation_flagging_2020",
    "cn.si_advance_payment_marking_audit_2020",
    tests=[TEST + "test_advance_and_offline_are_flagged_for_audit"],
)
def flagged(s: Session, user: User, pending_only: bool = False) -> list[ServiceMatter]:
    """Matters handled off-system or paid in advance, for the auditor (事后稽核)."""
    if user.role not in AUDITORS | {"admin"}:
        raise Forbidden("系统外经办和预发待遇的稽核清单仅供审计人员查看")
    q = select(ServiceMatter).where((ServiceMatter.handled_offline.is_(True)) | (ServiceMatter.advance_paid.is_(True)))
    if pending_only:
        q = q.where(ServiceMatter.audited_on.is_(None))
    return list(s.execute(q.order_by(ServiceMatter.id)).scalars())


def audit_done(s: Session, user: User, number: str, note: str, today: dt.date | None = None) -> ServiceMatter:
    """The auditor records the later review (审核、结算、稽核内审) of a flagged matter."""
    today = today or dt.date.today()
    if user.role not in AUDITORS:
        raise Forbidden("只有审计人员可以登记稽核")
    record = get(s, user, number)
    if not (record.handled_offline or record.advance_paid):
        raise Conflict(f"办件 {number} 未标识系统外经办或预发待遇，无需稽核")
    if record.audited_on is not None:
        raise Conflict(f"办件 {number} 已于 {record.audited_on.isoformat()} 稽核")
    if not note.strip():
        raise MatterProblems([("note", "稽核须写明结论")])
    record.audited_on, record.audit_note = today, note.strip()[:TEXT_MAX]
    record.history = [
        *record.history,
        {"on": today.isoformat(), "action": "audit", "by": user.username, "note": record.audit_note},
    ]
    audit.record(s, user, "matter.audit", "matter", record.number, {})
    return record


# --------------------------------------------------------------------------- views and export


def view(record: ServiceMatter, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    m = matter(record.matter)
    specs = {f["name"]: f for f in m.get("fields", []) + m.get("complete_fields", [])}

    def shown(values: dict[str, Any]) -> list[dict[str, str]]:
        out = []
        for k, v in values.items():
            spec = specs.get(k, {"label": k, "type": "text"})
            text = (
                spec["choices"].get(v, v)
                if spec["type"] == "choice"
                else ("是" if v is True else "否" if v is False else v)
            )
            out.append({"name": k, "label": spec["label"], "value": str(text)})
        return out

    return {
        "number": record.number,
        "matter": record.matter,
        "matter_name": m["name"],
        "applicant": record.applicant_name,
        "region": record.region,
        "channel": record.channel,
        "channel_name": channel_name(record.channel),
        "status": record.status,
        "status_name": STATUS_NAMES[record.status],
        "fields": record.fields,
        "fields_shown": shown(record.fields),
        "materials": record.materials,
        "files": [
            {
                **f,
                "kind_name": attachments.KIND_NAMES.get(f["kind"], f["kind"]),
                "size_text": attachments.size_text(int(f["size"])),
            }
            for f in record.files
        ],
        "green_channel": record.green_channel,
        "priority": record.priority,
        "reasons": record.reasons,
        "filed_on": record.filed_on.isoformat(),
        "filed_at": record.filed_at.isoformat(),
        "due_on": record.due_on.isoformat() if record.due_on else None,
        "overdue": bool(record.due_on and record.status in OPEN and today > record.due_on),
        "appointment_on": record.appointment_on.isoformat() if record.appointment_on else None,
        "appointment_slot": record.appointment_slot,
        "late": record.late,
        "originals_pending": record.originals_pending,
        "originals_received_on": record.originals_received_on.isoformat() if record.originals_received_on else None,
        "outcome": record.outcome,
        "outcome_shown": shown(record.outcome),
        "refusal_reason": record.refusal_reason,
        "deferral_reason": record.deferral_reason,
        "handled_offline": record.handled_offline,
        "advance_paid": record.advance_paid,
        "flag_note": record.flag_note,
        "audited_on": record.audited_on.isoformat() if record.audited_on else None,
        "audit_note": record.audit_note,
        "history": record.history,
        "implements": m["implements"],
    }


QUEUE_HEADER = [
    "办件编号",
    "办理事项",
    "申请人",
    "办理地区",
    "办理方式",
    "状态",
    "绿色通道",
    "优先受理",
    "提交日期",
    "办理时限",
    "是否超期",
    "原件待补交",
    "说明",
]


def export_queue(s: Session, user: User, today: dt.date | None = None) -> bytes:
    """The caseworker's queue as xlsx (in queue order); cells are data, free text masked."""
    from openpyxl import Workbook

    from renshe.domain.regions import region_name

    if user.role not in ("caseworker", "auditor", "admin"):
        raise Forbidden("办件队列导出仅供人社部门人员使用")
    rows = queue(s, user)
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "办件队列"
    exports.append_row(ws, QUEUE_HEADER)
    for r in rows:
        v = view(r, today)
        try:
            place = region_name(r.region)
        except (KeyError, ValueError):
            place = r.region
        exports.append_row(
            ws,
            [
                v["number"],
                v["matter_name"],
                v["applicant"],
                place,
                v["channel_name"],
                v["status_name"],
                "是" if r.green_channel else "",
                "是" if r.priority else "",
                v["filed_on"],
                v["due_on"] or "",
                "超期" if v["overdue"] else "",
                "是" if r.originals_pending else "",
                mask_text("；".join(r.reasons)),
            ],
        )
    audit.record(s, user, "matter.export", "matter_queue", user.region or "all", {"rows": len(rows)})
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
