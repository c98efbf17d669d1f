"""Service-desk pages (不见面办理): sign-in, apply, my applications, the caseworker
queue, public notice, disbursement and the audit log. Thin: services do the work."""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.api.deps import COOKIE, client_address, db, optional_user
from renshe.services import applications, audit, disbursement, notice, timefmt
from renshe.services.errors import ServiceError
from renshe.services.users import authenticate, issue_token, revoke_token
from renshe.store.models import AuditEvent, User
from renshe.web.pages import templates

router = APIRouter(include_in_schema=False)
ROLE_NAMES = applications.ROLE_NAMES
DESK_ROLES = ("caseworker", "finance", "auditor", "admin")
templates.env.globals["role_names"] = ROLE_NAMES
templates.env.globals["status_names"] = applications.STATUS_NAMES
templates.env.filters["bj_day"] = timefmt.day  # 2020年3月2日
templates.env.filters["bj_time"] = timefmt.moment  # 2020年3月2日 16:00, Beijing time


def page(request: Request, name: str, user: User | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"user": user, **context}, status_code=status_code)


def need_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/my", user: User | None = Depends(optional_user)) -> HTMLResponse:
    return page(request, "desk/login.html", user, next=next)


@router.post("/login")
def login(request: Request, username: str = Form(...), password: str = Form(...), next: str = Form("/my"),
          s: Session = Depends(db, scope="function")) -> Response:
    try:
        user = authenticate(s, username, password, client_address(request))
    except ServiceError as exc:  # the attempt and its audit rows are already committed
        answer = page(request, "desk/login.html", None, status_code=exc.status, error=exc.message, next=next)
        answer.headers.update(exc.headers or {})
        return answer
    token = issue_token(s, user)
    target = next if next.startswith("/") and not next.startswith("//") else "/my"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax")
    return response


@router.post("/logout")
def logout(request: Request, s: Session = Depends(db, scope="function")) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        revoke_token(s, token)  # server-side: the token stops working as a cookie and as a bearer token
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.post("/apply", response_class=HTMLResponse)
def apply(request: Request, policy: str = Form(...), case_json: str = Form(...), bank_account: str = Form(""),
          commitment: bool = Form(False), missing_items: str = Form(""), idempotency_key: str = Form(...),
          user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")) -> Response:
    if user is None:
        return need_login(request)
    try:
        case = json.loads(case_json)
        app, _ = applications.submit(s, user, policy, case, idempotency_key, commitment=commitment,
                                     missing_items=[m.strip() for m in missing_items.split("、") if m.strip()],
                                     bank_account=bank_account.strip() or None)
    except (ServiceError, json.JSONDecodeError) as exc:
        # shown beside the form, which keeps what was typed (the key too: nothing was filed)
        message, status = (exc.message, exc.status) if isinstance(exc, ServiceError) else ("案例不是有效的 JSON", 400)
        return page(request, "desk/apply.html", user, status_code=status, error=message, policy=policy,
                    case_json=case_json, key=idempotency_key, bank_account=bank_account, commitment=commitment,
                    missing_items=missing_items)
    return RedirectResponse(f"/my/{app.number}", status_code=303)


@router.post("/apply/form", response_class=HTMLResponse)
def apply_form(request: Request, policy: str = Form(...), case_json: str = Form(""),
               user: User | None = Depends(optional_user)) -> Response:
    if user is None:
        return need_login(request)
    return page(request, "desk/apply.html", user, policy=policy, case_json=case_json, key=uuid.uuid4().hex)


@router.get("/my", response_class=HTMLResponse)
def my_applications(request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")) -> Response:
    if user is None:
        return need_login(request)
    if user.role in DESK_ROLES:
        return RedirectResponse("/desk", status_code=303)
    items = applications.view_list(s, user, applications.visible(s, user))
    return page(request, "desk/my.html", user, items=items)


@router.get("/my/{number}", response_class=HTMLResponse)
def my_application(request: Request, number: str, user: User | None = Depends(optional_user),
                   s: Session = Depends(db, scope="function")) -> Response:
    if user is None:
        return need_login(request)
    return application_page(request, s, user, number)


def application_page(request: Request, s: Session, user: User, number: str, status_code: int = 200,
                     errors: dict[str, str] | None = None, typed: dict[str, str] | None = None) -> Response:
    """One application; for the caseworker also 数据比对, the notice and its objections,
    and the forms of each step. ``errors`` (by form) and ``typed`` come back from a refused form."""
    try:
        app = applications.get(s, user, number)
        item = applications.view(user, app, s)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    staff = user.role in ("caseworker", "auditor")
    comparison = applications.compare(app, s) if staff else None
    batch = notice.batch_of(s, app) if user.role in DESK_ROLES else None
    objections = notice.objections(s, app) if user.role in DESK_ROLES else []
    return page(request, "desk/application.html", user, status_code=status_code, item=item, comparison=comparison,
                batch=batch, objections=objections, errors=errors or {}, typed=typed or {},
                open_objections=sum(1 for o in objections if not o.resolved))


def refused(request: Request, s: Session, user: User, number: str, form: str, exc: ServiceError,
            typed: dict[str, str]) -> Response:
    """A refused step: nothing of it kept, the page again with the message beside its form."""
    s.rollback()
    return application_page(request, s, user, number, status_code=exc.status, errors={form: exc.message}, typed=typed)


@router.post("/my/{number}/supply")
def supply(request: Request, number: str, supplied: str = Form(...), user: User | None = Depends(optional_user),
           s: Session = Depends(db, scope="function")) -> Response:
    if user is None:
        return need_login(request)
    try:
        applications.resubmit(s, user, number, supplied=[x for x in supplied.split("、") if x])
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return RedirectResponse(f"/my/{number}", status_code=303)


@router.get("/desk", response_class=HTMLResponse)
def desk(request: Request, status: str = "", page_no: str = Query("1", alias="page"), user: User | None = Depends(optional_user),
         s: Session = Depends(db, scope="function")) -> Response:
    if user is None:
        return need_login(request)
    if user.role not in DESK_ROLES:
        return page(request, "desk/message.html", user, status_code=403,
                    message="经办工作台仅供经办、财务、审计和管理人员使用")
    try:
        number = int(page_no) if page_no.strip().isdigit() else 0
        apps, total = applications.visible_page(s, user, status or None, number, applications.PAGE_SIZE)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    items = applications.view_list(s, user, apps)
    pages = max(1, -(-total // applications.PAGE_SIZE))
    batches = notice.batches_for(s, user)
    payouts = [disbursement.view(s, user, d) for d in disbursement.payouts_for(s, user)]
    return page(request, "desk/queue.html", user, items=items, status=status, batches=batches, payouts=payouts,
                page_no=number, pages=pages, total=total, error=request.query_params.get("error"))


@router.post("/desk/{number}/review")
def desk_review(request: Request, number: str, action: str = Form(...), reason: str = Form(""),
                user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")) -> Response:
    if user is None:
        return need_login(request)
    try:
        applications.review(s, user, number, action, reason or None)
    except ServiceError as exc:
        return refused(request, s, user, number, "review", exc, {"reason": reason})
    return RedirectResponse("/desk", status_code=303)


@router.post("/desk/notice")
def desk_notice(request: Request, numbers: list[str] = Form([]), title: str = Form(""),
                user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")) -> Response:
    if user is None:
        return need_login(request)
    try:
        if not title.strip():
            raise ServiceError("请填写公示标题")
        notice.publish(s, user, numbers, title.strip())
    except ServiceError as exc:
        s.rollback()
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return RedirectResponse("/notice", status_code=303)


@router.post("/desk/disburse")
def desk_disburse(request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")) -> Response:
    if user is None:
        return need_login(request)
    try:
        d = disbursement.create(s, user)
    except ServiceError as exc:
        s.rollback()
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return RedirectResponse(f"/desk/payouts/{d.id}", status_code=303)


@router.post("/desk/notices/{batch_id}/close")
def desk_close_notice(request: Request, batch_id: int, user: User | None = Depends(optional_user),
                      s: Session = Depends(db, scope="function")) -> Response:
    if user is None:
        return need_login(request)
    try:
        notice.close_window(s, user, batch_id)
    except ServiceError as exc:
        s.rollback()
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return RedirectResponse(f"/desk#batch-{batch_id}", status_code=303)


@router.post("/desk/{number}/objections/{objection_id}")
def desk_resolve_objection(request: Request, number: str, objection_id: int, decision: str = Form(""),
                           note: str = Form(""), user: User | None = Depends(optional_user),
                           s: Session = Depends(db, scope="function")) -> Response:
    """复核异议: 异议成立 (upheld: the application is rejected) or 不成立 (dismissed), with a reason."""
    if user is None:
        return need_login(request)
    typed = {"decision": decision, "note": note, "objection": str(objection_id)}
    try:
        if decision not in ("upheld", "dismissed"):
            raise ServiceError("请选择复核结论：异议成立或异议不成立")
        notice.resolve_objection(s, user, number, decision == "upheld", note, objection_id)
    except ServiceError as exc:
        return refused(request, s, user, number, f"objection-{objection_id}", exc, typed)
    return RedirectResponse(f"/my/{number}#objections", status_code=303)


@router.post("/desk/{number}/clawback")
def desk_clawback(request: Request, number: str, amount: str = Form(""), reason: str = Form(""),
                  user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")) -> Response:
    """追回 from the application page: the amount (元, up to what was paid) and the finding."""
    if user is None:
        return need_login(request)
    typed = {"amount": amount, "reason": reason}
    try:
        value = _amount(amount)
        disbursement.claw_back(s, user, number, value, reason)
    except ServiceError as exc:
        return refused(request, s, user, number, "clawback", exc, typed)
    return RedirectResponse(f"/my/{number}", status_code=303)


def _amount(text: str) -> float:
    cleaned = text.replace(",", "").replace("，", "").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise ServiceError("追回金额应为数字（元），如 1000 或 1000.50") from None
    if not math.isfinite(value) or round(value, 2) != value:
        raise ServiceError("追回金额应为数字（元），最多两位小数")
    return value


@router.get("/desk/payouts/{disbursement_id}", response_class=HTMLResponse)
def desk_payout(request: Request, disbursement_id: int, user: User | None = Depends(optional_user),
                s: Session = Depends(db, scope="function")) -> Response:
    if user is None:
        return need_login(request)
    return payout_page(request, s, user, disbursement_id)


def payout_page(request: Request, s: Session, user: User, disbursement_id: int, status_code: int = 200,
                error: str | None = None, problems: list[dict[str, Any]] | None = None) -> Response:
    try:
        d = disbursement.view(s, user, disbursement.get(s, user, disbursement_id))
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return page(request, "desk/payout.html", user, status_code=status_code, d=d, error=error, problems=problems or [],
                return_columns=disbursement.RETURN_COLUMNS)


@router.post("/desk/payouts/{disbursement_id}/return")
def desk_payout_return(request: Request, disbursement_id: int, file: UploadFile | None = File(None),
                       user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")) -> Response:
    """The bank's return file (银行回盘文件): each payment paid or failed. A sync endpoint: the
    file is read and parsed in the worker thread, off the event loop (its size is bounded
    by api/uploads.py before the body is read)."""
    if user is None:
        return need_login(request)
    try:
        name, data = (file.filename or "", file.file.read()) if file is not None else ("", b"")
        disbursement.import_return(s, user, disbursement_id, name, data)  # area first, then the file
    except ServiceError as exc:
        s.rollback()
        problems = getattr(exc, "problems", None)
        return payout_page(request, s, user, disbursement_id, status_code=exc.status, error=exc.message,
                           problems=problems)
    return RedirectResponse(f"/desk/payouts/{disbursement_id}", status_code=303)


@router.get("/notice", response_class=HTMLResponse)
def public_notice(request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")) -> HTMLResponse:
    return page(request, "desk/notice.html", user, batches=notice.public_view(s))


@router.post("/notice/{number}/objection")
def public_objection(request: Request, number: str, text: str = Form(...), contact: str = Form(""),
                     user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")) -> Response:
    try:
        notice.object_to(s, number, text, contact or None)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return page(request, "desk/message.html", user, message=f"已收到对 {number} 的异议，经办机构将复核。")


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, action: str = "", entity_id: str = "", user: User | None = Depends(optional_user),
               s: Session = Depends(db, scope="function")) -> Response:
    if user is None:
        return need_login(request)
    if user.role not in ("auditor", "admin"):
        return page(request, "desk/message.html", user, status_code=403, message="审计日志仅供审计和管理人员查看")
    q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(500)
    if action:
        q = q.where(AuditEvent.action == action)
    if entity_id:
        q = q.where(AuditEvent.entity_id == entity_id)
    events = s.execute(q).scalars().all()
    return page(request, "desk/audit.html", user, events=events, check=audit.verify(s), action=action,
                entity_id=entity_id)
