"""Applications (申请) and their review (审核).

An enterprise, person or agency applies for a policy the calculator found; the
application stores the evaluated result with its citations. Commitment-based
applications (告知承诺制) skip the proofs the policy allows; accept-with-gaps
(容缺受理) records what is missing and a due date. Caseworkers review against the
data, approve, reject with reason or return for correction, within a time limit
counted in working days.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import false, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from renshe.domain.calendar import add_working_days
from renshe.engine.calculator import evaluate_json
from renshe.engine.case import BadCase
from renshe.engine.catalog import implements
from renshe.engine.rules import Relation, registry
from renshe.services import audit, subsidy_priority
from renshe.services.errors import Conflict, Forbidden, NotFound, ServiceError
from renshe.services.security import UNMASKED_ROLES, mask_account, mask_id_number
from renshe.services.settings import setting
from renshe.store.models import Application, Objection, ReviewAction, User

APPLICANT_ROLES = {"enterprise": "enterprise", "agency": "agency", "person": "person"}
STAFF_ROLES = frozenset({"caseworker", "finance", "auditor", "admin"})
#: roles whose work is bounded by their area (辖区, ``User.region``)
AREA_ROLES = frozenset({"caseworker", "finance"})
REVIEWABLE = ("submitted", "resubmitted", "objected")
#: statuses in which an application no longer gets its money (the others still hold it)
SPENT = ("rejected", "clawed_back")
ROLE_NAMES = {
    "enterprise": "用人单位",
    "agency": "人力资源服务机构",
    "person": "个人",
    "caseworker": "经办人员",
    "finance": "财务人员",
    "auditor": "审计人员",
    "admin": "管理员",
}
STATUS_NAMES = {
    "submitted": "已提交待审核",
    "resubmitted": "补正后待审核",
    "returned": "退回补正",
    "approved": "审核通过",
    "rejected": "不予通过",
    "in_notice": "公示中",
    "objected": "公示有异议待复核",
    "cleared": "公示无异议待拨付",
    "disbursing": "拨付中",
    "paid": "已拨付",
    "clawed_back": "已追回",
}


WEEKEND = (5, 6)  # date.weekday() of Saturday and Sunday


def working_day_after(start: dt.date, days: int) -> dt.date:
    """``days`` working days after ``start`` by the statutory calendar (2020–2026, with
    adjusted holidays); outside the years it covers, Monday to Friday count."""
    try:
        return add_working_days(start, days)
    except ValueError:
        pass
    current, left = start, days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() not in WEEKEND:
            left -= 1
    return current


def _subject(user: User, case: dict[str, Any]) -> tuple[str | None, str | None, str, str | None]:
    """(uscc, id number, name, region) of whom the application is for; it must be the user's own."""
    if user.role == "enterprise":
        e = case.get("enterprise") or {}
        if e.get("uscc") != user.uscc:
            raise Forbidden("只能为本单位申请：案例中的统一社会信用代码与登录单位不一致")
        return e.get("uscc"), None, e.get("name") or user.display_name, e.get("region")
    if user.role == "agency":
        a = case.get("agency") or {}
        if a.get("uscc") != user.uscc:
            raise Forbidden("只能为本机构申请：案例中的统一社会信用代码与登录机构不一致")
        return a.get("uscc"), None, user.display_name, a.get("region")
    if user.role == "person":
        p = case.get("person") or {}
        if p.get("id_number") and p.get("id_number") != user.id_number:
            raise Forbidden("只能为本人申请：案例中的身份证号与登录用户不一致")
        return None, user.id_number, user.display_name, p.get("region")
    raise Forbidden("该角色不能提交申请")


def eligible_result(case: dict[str, Any], policy_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The calculator's answer on ``case`` and its result for ``policy_id``, which one may apply
    for (the form before filing and the filing itself): ServiceError when the case is bad, the
    policy has no result or the result is not eligible."""
    try:
        body = evaluate_json(case)
    except BadCase as bad:
        raise ServiceError("案例有误：" + "；".join(p.line() for p in bad.problems)) from None
    result = next((r for r in body["results"] if r["policy"] == policy_id), None)
    if result is None:
        raise ServiceError(f"测算结果中没有政策 {policy_id}")
    if not result["eligible"]:
        raise ServiceError("测算结果为不符合条件，不能申请：" + "；".join(result["reasons"]))
    return body, result


@implements(
    "beijing.government_services_online_2020",
    "beijing.si_contactless_service_2020",
    "beijing.si_benefit_docs_by_email_2020",
    "beijing.hrss_services_online_2020",
    "beijing.stable_job_subsidy_online_publicity_2020",
    "beijing.training_subsidy_procedure_2020",
    "beijing.guaranteed_loan_green_channel_2020",
    "beijing.job_intro_subsidy_application_2020",
    "beijing.commercial_hr_agency_platform_participation_2020",
    "cn.hrss_no_contact_window_service_2020",
    "cn.hrss_no_contact_window_service_jan30_2020",
    "cn.si_online_benefit_claim_2020",
    "cn.si_no_contact_service_2020",
    "cn.ui_online_claim_platforms_2020",
    "cn.ui_remote_claim_phone_mail_2020",
    "cn.ui_onsite_claim_commitment_2020",
    "cn.pes_opening_hours_online_2020",
    "cn.internet_plus_training_online_application_2020",
    "cn.job_stabilisation_subsidy_pointer_2020",
    "henan.si_deferral_filing_2020",
    "henan.guaranteed_loan_priority_2020",
    "xinmi.job_search_subsidy_procedure_2020",
    "xinmi.streamlined_service_2020",
    "yongzhou.contactless_service_2022",
    "beijing.medical_staff_work_injury_fast_channel_2020",
    "cn.si_work_injury_fast_track_2020",
    tests=["tests/desk/test_flow.py::test_whole_flow"],
)
def submit(
    s: Session,
    user: User,
    policy_id: str,
    case: dict[str, Any],
    idempotency_key: str,
    *,
    commitment: bool = False,
    missing_items: list[str] | None = None,
    bank_account: str | None = None,
    today: dt.date | None = None,
) -> tuple[Application, bool]:
    """File an application; the same idempotency key returns the first one (created=False)."""
    if user.role not in APPLICANT_ROLES:
        raise Forbidden("只有单位、机构或个人可以提交申请")
    if not idempotency_key or len(idempotency_key) > 64:
        raise ServiceError("缺少幂等键（Idempotency-Key，1-64 个字符）")
    existing = s.execute(
        select(Application).where(Application.applicant_id == user.id, Application.idempotency_key == idempotency_key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing, False
    result = eligible_result(case, policy_id)[1]
    uscc, id_number, name, region = _subject(user, case)
    _serialise(s, uscc or id_number or f"user:{user.id}")
    refusal = same_money_refusal(s, user, policy_id, result, uscc, id_number)
    if refusal is not None:
        raise Conflict(refusal)
    today = today or dt.date.today()
    missing = [m for m in (missing_items or []) if m.strip()]
    app = Application(
        number=f"SQ{today:%Y%m%d}{secrets.token_hex(4).upper()}",
        applicant_id=user.id,
        idempotency_key=idempotency_key,
        policy_id=policy_id,
        subject_uscc=uscc,
        subject_id_number=id_number,
        subject_name=name,
        region=region,
        case=case,
        result=result,
        amount=result.get("amount") if result.get("unit") == "CNY" else None,
        bank_account=bank_account,
        commitment=commitment,
        missing_items=missing,
        missing_due=working_day_after(today, int(setting("gap_documents_working_days", today))) if missing else None,
        status="submitted",
        submitted_on=today,
        review_due=working_day_after(today, int(setting("review_working_days", today))),
    )
    s.add(app)
    try:
        s.flush()
    except IntegrityError:  # a concurrent request with the same key won the race
        s.rollback()
        again = s.execute(
            select(Application).where(
                Application.applicant_id == user.id, Application.idempotency_key == idempotency_key
            )
        ).scalar_one()
        return again, False
    audit.record(
        s,
        user,
        "application.submit",
        "application",
        app.number,
        {"policy": policy_id, "amount": str(app.amount), "commitment": commitment, "missing": missing},
    )
    return app, True


def _serialise(s: Session, subject: str) -> None:
    """Hold the subject's applications until this transaction ends, so that two concurrent
    applications for the same money cannot both pass ``same_money_refusal``: a transaction
    advisory lock per subject on PostgreSQL; on SQLite the database's one write lock, taken
    by a write that changes nothing (the check then reads what the other committed)."""
    if s.bind is None:
        return
    if s.bind.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"application:{subject}".encode()).digest()[:8], "big", signed=True)
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
    elif s.bind.dialect.name == "sqlite":
        s.execute(text("UPDATE applications SET id = id WHERE 0"))


def relation_citation(rel: Relation) -> str:
    """A same-money relation's citation as printed: document number and article (no
    article shown where the document declares none)."""
    article = (rel.citation.article or "").strip()
    return rel.citation.doc_no if article in ("", "—", "-") else f"{rel.citation.doc_no} {article}"


def _title(policy_id: str) -> str:
    rule = registry().rules.get(policy_id)
    return rule.title if rule is not None else policy_id


def same_money_refusal(
    s: Session, user: User, policy_id: str, result: dict[str, Any], uscc: str | None, id_number: str | None
) -> str | None:
    """Why an application for ``policy_id`` would pay money the subject already gets, or None.

    The same-money relations are the engine's (``registry().relations``, interface.md
    "Same money, counted once"): under ``overlaps`` (one measure under several documents)
    and ``exclusive_with`` (not both) any live application of another member refuses this
    one; under ``part_of`` the part (the February refund) and the whole it is part of (the
    relief) are the same money where both carry an amount. A live application is one not
    rejected and not clawed back."""
    relations = [rel for rel in registry().relations if policy_id in rel.members]
    if not relations:
        return None
    partners = sorted({m for rel in relations for m in rel.members if m != policy_id})
    q = select(Application).where(Application.policy_id.in_(partners), Application.status.not_in(SPENT))
    if uscc:
        q = q.where(Application.subject_uscc == uscc)
    elif id_number:
        q = q.where(Application.subject_id_number == id_number)
    else:
        q = q.where(Application.applicant_id == user.id)
    held = list(s.execute(q.order_by(Application.id)).scalars())
    if not held:
        return None
    who = "本人" if user.role == "person" else ("本机构" if user.role == "agency" else "本单位")
    title = _title(policy_id)
    for rel in relations:
        for app in held:
            if app.policy_id not in rel.members:
                continue
            other = (
                f"「{_title(app.policy_id)}」（{app.policy_id}，申请编号 {app.number}，"
                f"{STATUS_NAMES.get(app.status, app.status)}）"
            )
            basis = f"依据 {relation_citation(rel)}"
            if rel.kind == "overlaps":
                return f"不能申请「{title}」：{who}已申请{other}，两者是同一笔资金（{basis}），只能享受一次"
            if rel.kind == "exclusive_with":
                return f"不能申请「{title}」：{who}已申请{other}，两者不可同时享受（{basis}）"
            # part_of: members = (whole, part); the same money twice only where both carry an amount
            if not (result.get("amount") or 0) or not (app.amount or 0):
                continue
            whole, part = rel.members
            if policy_id == part:
                return (
                    f"不能单独申请「{title}」：本项是「{_title(whole)}」的一部分，{who}已申请{other}，"
                    f"其金额已含本项，再申请将重复享受同一笔资金（{basis}）"
                )
            return f"不能申请「{title}」：其中一部分{who}已通过{other}申请，再按全额申请将重复享受同一笔资金（{basis}）"
    return None


def can_see(user: User, app: Application) -> bool:
    if user.role in STAFF_ROLES:
        return user.role not in AREA_ROLES or not user.region or in_area(user, app.region)
    return app.applicant_id == user.id


def _area(region: str) -> str:
    """The region prefix a caseworker covers: 110108 the district, 110100 the city, 110000 the province."""
    while region.endswith("00"):
        region = region[:-2]
    return region


def in_area(user: User, region: str | None) -> bool:
    """Whether ``region`` (a GB/T 2260 code) lies in the user's area. Strict: a user without
    an area covers nothing, so that no step on the money path can reach "everything"."""
    return bool(user.region) and bool(region) and str(region).startswith(_area(str(user.region)))


def require_area(user: User, apps: list[Application], roles: tuple[str, ...], doing: str) -> None:
    """The role and area check of every money step (公示、异议复核、拨付、导出、确认拨付、追回):
    the user's role must be one of ``roles`` and every application must lie in the user's area."""
    if user.role not in roles:
        names = "、".join(ROLE_NAMES.get(r, r) for r in roles)
        raise Forbidden(f"只有{names}可以{doing}（当前角色：{ROLE_NAMES.get(user.role, user.role)}）")
    if not user.region:
        raise Forbidden(f"当前用户未设置辖区（region），不能{doing}")
    outside = [a.number for a in apps if not in_area(user, a.region)]
    if outside:
        raise Forbidden(f"以下申请不在本辖区（{user.region}），不能{doing}：" + "、".join(outside))


def get(s: Session, user: User, number: str) -> Application:
    app = s.execute(select(Application).where(Application.number == number)).scalar_one_or_none()
    if app is None:
        raise NotFound(f"未找到申请 {number}")
    if not can_see(user, app):
        raise Forbidden("无权查看该申请")
    return app


#: applications shown per page (列表分页) unless asked otherwise, and the most one page holds
PAGE_SIZE = 50
PAGE_SIZE_MAX = 500


def _scoped(q: Any, user: User) -> Any:
    """``q`` bounded to what ``user`` may see, in SQL: an applicant its own applications, an
    area's staff the applications whose region lies in their area (:func:`in_area`), a staff
    member of an area role without an area nothing."""
    if user.role in APPLICANT_ROLES:
        return q.where(Application.applicant_id == user.id)
    if user.role not in STAFF_ROLES:
        return q.where(false())
    if user.role in AREA_ROLES:
        if not user.region:
            return q.where(false())
        return q.where(Application.region.like(_area(str(user.region)) + "%"))
    return q


def visible(s: Session, user: User, status: str | None = None) -> list[Application]:
    q = _scoped(select(Application).order_by(Application.id), user)
    if status:
        q = q.where(Application.status == status)
    return [a for a in s.execute(q).scalars() if can_see(user, a)]


def visible_page(
    s: Session, user: User, status: str | None = None, page: int = 1, size: int = PAGE_SIZE
) -> tuple[list[Application], int]:
    """One page (from 1) of what ``user`` may see, newest last (a caseworker's priorities first:
    :func:`_queue_order`), and how many there are in all."""
    if page < 1:
        raise ServiceError("页码（page）应为不小于 1 的整数")
    if not 1 <= size <= PAGE_SIZE_MAX:
        raise ServiceError(f"每页条数（size）应在 1 到 {PAGE_SIZE_MAX} 之间")
    q = _scoped(select(Application), user)
    if status:
        if status not in STATUS_NAMES:
            raise ServiceError(f"未知的状态（status）：{status}")
        q = q.where(Application.status == status)
    total = s.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    items = list(s.execute(q.order_by(*_queue_order(s, user, q)).offset((page - 1) * size).limit(size)).scalars())
    return [a for a in items if can_see(user, a)], int(total)


def _queue_order(s: Session, user: User, q: Any) -> list[Any]:
    """A caseworker's review queue: the applications a rule puts first (优先受理, Henan's SMEs:
    services/subsidy_priority.py) ahead, by their review deadline; then the rest as filed."""
    first = subsidy_priority.prioritised(s, q) if user.role == "caseworker" else []
    if not first:
        return [Application.id]
    ahead = Application.id.in_(first)
    return [sql_case((ahead, 0), else_=1), sql_case((ahead, Application.review_due), else_=None), Application.id]


def view(user: User, app: Application, s: Session | None = None) -> dict[str, Any]:
    """The application as a user may see it: identity numbers and accounts masked
    unless the role needs them (a view of unmasked data is audited)."""
    full = user.role in UNMASKED_ROLES
    if full and s is not None and (app.subject_id_number or app.bank_account):
        audit.record(s, user, "personal_data.view", "application", app.number, {"fields": "id_number,bank_account"})
    return {
        "number": app.number,
        "policy": app.policy_id,
        "status": app.status,
        "status_name": STATUS_NAMES.get(app.status),
        "subject_name": app.subject_name,
        "subject_uscc": app.subject_uscc,
        "subject_id_number": app.subject_id_number if full else mask_id_number(app.subject_id_number),
        "bank_account": app.bank_account if full else mask_account(app.bank_account),
        "region": app.region,
        "amount": float(app.amount) if app.amount is not None else None,
        "commitment": app.commitment,
        "missing_items": app.missing_items,
        "missing_due": app.missing_due.isoformat() if app.missing_due else None,
        "submitted_on": app.submitted_on.isoformat(),
        "review_due": app.review_due.isoformat(),
        "decided_reason": app.decided_reason,
        "result": app.result,
    }


def view_list(s: Session, user: User, apps: list[Application]) -> list[dict[str, Any]]:
    """A list of applications as the user may see it (:func:`view`); when it shows identity
    numbers or accounts unmasked, one audit row names every application shown so."""
    unmasked = [a.number for a in apps if user.role in UNMASKED_ROLES and (a.subject_id_number or a.bank_account)]
    if unmasked:
        audit.record(
            s,
            user,
            "personal_data.list",
            "application",
            f"{len(unmasked)} items",
            {"fields": "id_number,bank_account", "numbers": unmasked},
        )
    return [view(user, a) for a in apps]


def _require_caseworker(user: User, app: Application) -> None:
    if user.role != "caseworker":  # finance (财务) never approves: maker–checker
        raise Forbidden("只有经办人员可以审核")
    if not can_see(user, app):
        raise Forbidden("该申请不在本辖区")


@implements(
    "beijing.stable_job_subsidy_online_publicity_2020",
    "beijing.si_benefit_docs_by_email_2020",
    "cn.si_online_benefit_claim_2020",
    "beijing.job_intro_subsidy_review_publicity_2020",
    tests=["tests/desk/test_flow.py::test_whole_flow"],
)
def compare(app: Application, s: Session | None = None) -> dict[str, Any]:
    """Review by data comparison (数据比对): the unit's facts as declared against the
    bureau's own registration, field by field (``registry``, services/registry_records);
    and, beside it, whether today's rules and parameters still give what the applicant
    was told (``same``, ``then``, ``now``)."""
    body = evaluate_json(app.case)
    now_result = next((r for r in body["results"] if r["policy"] == app.policy_id), None)
    same = (
        now_result is not None
        and now_result["eligible"] == app.result["eligible"]
        and now_result.get("amount") == app.result.get("amount")
    )
    out: dict[str, Any] = {"same": same, "then": app.result, "now": now_result}
    if s is not None:
        from renshe.services import registry_records

        out["registry"] = registry_records.compare(s, app)
    return out


def open_objection_count(s: Session, app: Application) -> int:
    return int(
        s.execute(
            select(func.count())
            .select_from(Objection)
            .where(Objection.application_id == app.id, Objection.resolved.is_(False))
        ).scalar_one()
    )


@implements(
    "beijing.training_subsidy_procedure_2020",
    "beijing.job_intro_subsidy_review_publicity_2020",
    "cn.si_online_processing_eseal_2020",
    "xinmi.job_search_subsidy_procedure_2020",
    "beijing.stable_job_subsidy_online_publicity_2020",
    tests=["tests/desk/test_flow.py::test_whole_flow"],
)
def review(s: Session, user: User, number: str, action: str, reason: str | None = None) -> Application:
    """approve | reject (reason required) | return (reason required: what to correct)."""
    app = get(s, user, number)
    _require_caseworker(user, app)
    if app.status not in REVIEWABLE:
        raise Conflict(f"申请当前状态为“{STATUS_NAMES.get(app.status, app.status)}”，不能审核")
    if open_objection_count(s, app):  # an objection is answered on its own (notice.resolve_objection)
        raise Conflict("该申请有未复核的公示异议，须先逐条复核异议（异议成立或不成立并写明理由），不能直接审核")
    if action in ("reject", "return") and not (reason or "").strip():
        raise ServiceError("不予通过或退回补正须写明理由")
    if action == "approve":
        if app.missing_items:
            raise Conflict("容缺受理的材料尚未补齐：" + "、".join(app.missing_items))
        app.status = "approved"
    elif action == "reject":
        app.status = "rejected"
    elif action == "return":
        app.status = "returned"
    else:
        raise ServiceError(f"未知的审核操作 {action}，应为 approve / reject / return")
    app.decided_reason = reason
    s.add(ReviewAction(application_id=app.id, actor_id=user.id, action=action, reason=reason))
    audit.record(s, user, f"application.{action}", "application", app.number, {"reason": reason or ""})
    return app


@implements(
    "beijing.si_contactless_service_2020",
    "yongzhou.deferred_onsite_formalities_2022",
    "beijing.si_benefit_docs_by_email_2020",
    tests=["tests/desk/test_flow.py::test_accept_with_gaps_blocks_approval_until_supplied"],
)
def resubmit(
    s: Session, user: User, number: str, case: dict[str, Any] | None = None, supplied: list[str] | None = None
) -> Application:
    """The applicant corrects a returned application or supplies missing documents."""
    app = get(s, user, number)
    if app.applicant_id != user.id:
        raise Forbidden("只能补正本人（本单位）的申请")
    if supplied:
        app.missing_items = [m for m in app.missing_items if m not in supplied]
        if not app.missing_items:
            app.missing_due = None
    if case is not None:
        if app.status != "returned":
            raise Conflict("只有退回补正的申请可以修改案例")
        body = evaluate_json(case)
        result = next((r for r in body["results"] if r["policy"] == app.policy_id), None)
        if result is None or not result["eligible"]:
            raise ServiceError("修改后的案例不符合该政策条件")
        app.case, app.result = case, result
        app.amount = result.get("amount") if result.get("unit") == "CNY" else None
    if app.status == "returned":
        app.status = "resubmitted"
    audit.record(s, user, "application.resubmit", "application", app.number, {"supplied": supplied or []})
    return app
