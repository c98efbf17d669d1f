"""Service-desk pages (不见面办理): sign-in, apply, my applications, the caseworker
queue, public notice, disbursement and the audit log. Thin: services do the work."""

from __future__ import annotations

import math
import uuid
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.domain import times
from renshe.engine.catalog import page_for
from renshe.http.deps import COOKIE, client_address, db, optional_user
from renshe.services import applications, applying, attachments, audit, disbursement, notice, prefill
from renshe.services.errors import ServiceError
from renshe.services.users import User, authenticate, issue_token, revoke_token
from renshe.web.pages import templates

router = APIRouter(include_in_schema=False)
page_for("renshe.services.applications", "/my", "/desk")
page_for("renshe.services.notice", "/notice")
page_for("renshe.services.disbursement", "/desk")
ROLE_NAMES = applications.ROLE_NAMES
DESK_ROLES = ("caseworker", "finance", "auditor", "admin")
templates.env.globals["role_names"] = ROLE_NAMES
templates.env.globals["status_names"] = applications.STATUS_NAMES
templates.env.filters["bj_day"] = times.chinese_date  # 2020年3月2日
templates.env.filters["bj_time"] = times.beijing_time  # 2020年3月2日 16:00, Beijing time


def page(request: Request, name: str, user: User | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"user": user, **context}, status_code=status_code)


def need_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/my", user: User | None = Depends(optional_user)) -> HTMLResponse:
    return page(request, "desk/login.html", user, next=next)


@router.post("/login")
def login(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    next: str = Form("/my"),
    s: Session = Depends(db, scope="function"),
) -> Response:
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


def _apply_page(
    request: Request, user: User, policy: str, case_json: str, status_code: int = 200, **typed: Any
) -> HTMLResponse:
    """The application form: the policy's title and amount, the 容缺 terms, what was typed."""
    try:
        offer = applying.offer(user, policy, applying.parse_case(case_json))
    except ServiceError as exc:  # another unit, a bad case, not eligible: no form to fill
        if "error" not in typed:
            return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
        offer = None  # a filing refused for its case: the form stays, with what was typed
    kinds = "、".join(attachments.KIND_NAMES.get(str(k), str(k)) for k in attachments.param("types"))
    return page(
        request,
        "desk/apply.html",
        user,
        status_code=status_code,
        policy=policy,
        case_json=case_json,
        offer=offer,
        gap=applying.gap_terms(),
        max_size=attachments.size_text(attachments.max_bytes()),
        max_files=attachments.param("max_files"),
        kinds=kinds,
        **{"key": uuid.uuid4().hex, **typed},
    )


@router.post("/apply", response_class=HTMLResponse)
def apply(
    request: Request,
    policy: str = Form(...),
    case_json: str = Form(...),
    bank_account: str = Form(""),
    commitment: bool = Form(False),
    missing_items: str = Form(""),
    idempotency_key: str = Form(...),
    files: list[UploadFile] = File(default=[], alias="attachments"),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    try:
        case = applying.parse_case(case_json)
        # every file checked before anything is filed: a bad one refuses the application, nothing saved
        checked = attachments.check_all([(f.filename or "", f.file.read(attachments.max_bytes() + 1)) for f in files])
        app, created = applications.submit(
            s,
            user,
            policy,
            case,
            idempotency_key,
            commitment=commitment,
            missing_items=applying.missing_items(missing_items),
            bank_account=bank_account.strip() or None,
        )
        if created:
            attachments.save(s, user, app, checked)
    except ServiceError as exc:
        s.rollback()
        # shown beside the form, which keeps what was typed (the key too: nothing was filed)
        return _apply_page(
            request,
            user,
            policy,
            case_json,
            status_code=exc.status,
            error=exc.message,
            key=idempotency_key,
            bank_account=bank_account,
            commitment=commitment,
            missing_items=missing_items,
            files_dropped=bool(files),
        )
    return RedirectResponse(f"/my/{app.number}", status_code=303)


@router.post("/apply/form", response_class=HTMLResponse)
def apply_form(
    request: Request, policy: str = Form(...), case_json: str = Form(""), user: User | None = Depends(optional_user)
) -> Response:
    if user is None:
        return need_login(request)
    return _apply_page(request, user, policy, case_json)


@router.get("/my", response_class=HTMLResponse)
def my_applications(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    if user is None:
        return need_login(request)
    if user.role in DESK_ROLES:
        return RedirectResponse("/desk", status_code=303)
    items = applications.view_list(s, user, applications.visible(s, user))
    return page(request, "desk/my.html", user, items=items)


def _enterprise(request: Request, user: User | None) -> Response | str:
    """The signed-in unit's USCC, or the sign-in redirect or the refusal for a page of its own data."""
    if user is None:
        return need_login(request)
    if user.role != "enterprise" or not user.uscc:
        return page(
            request, "desk/message.html", user, status_code=403, message="本页仅供已登录的用人单位查看本单位的信息"
        )
    return user.uscc


@router.get("/my/granted", response_class=HTMLResponse)
def my_granted(request: Request, user: User | None = Depends(optional_user)) -> Response:
    """免申即享结果: what the last batch granted the signed-in unit, by money flow."""
    uscc = _enterprise(request, user)
    if isinstance(uscc, Response):
        return uscc
    try:
        granted = prefill.granted(uscc)
    except (OSError, ValueError) as exc:
        return page(request, "desk/message.html", user, status_code=503, message=f"批量测算结果无法读取：{exc}")
    return page(request, "desk/granted.html", user, granted=granted)


@router.get("/my/calculator", response_class=HTMLResponse)
def my_calculator(request: Request, user: User | None = Depends(optional_user)) -> Response:
    """The calculator filled from the bureau's registry for the signed-in unit, evaluated."""
    uscc = _enterprise(request, user)
    if isinstance(uscc, Response):
        return uscc
    granted = prefill.granted(uscc)
    try:
        case = prefill.case_for(uscc, as_of=granted["as_of"])
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    from renshe.web import calculator_pages

    return calculator_pages.filled(request, user, case, prefilled=True)


@router.get("/my/{number}/attachments/{attachment_id}")
def my_attachment(
    request: Request,
    number: str,
    attachment_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """An attachment, to its applicant and to the staff who may see the application."""
    if user is None:
        return need_login(request)
    try:
        app = applications.get(s, user, number)
        row, data = attachments.read(s, app, attachment_id)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    if app.applicant_id != user.id:
        audit.record(s, user, "attachment.view", "application", app.number, {"sha256": row.sha256})
    media = {
        "pdf": "application/pdf",
        "jpg": "image/jpeg",
        "png": "image/png",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[row.kind]
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/my/{number}", response_class=HTMLResponse)
def my_application(
    request: Request,
    number: str,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    return application_page(request, s, user, number)


def application_page(
    request: Request,
    s: Session,
    user: User,
    number: str,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
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
    return page(
        request,
        "desk/application.html",
        user,
        status_code=status_code,
        item=item,
        comparison=comparison,
        batch=batch,
        objections=objections,
        errors=errors or {},
        typed=typed or {},
        attachments=attachments.of(s, app),
        open_objections=sum(1 for o in objections if not o.resolved),
    )


def refused(
    request: Request, s: Session, user: User, number: str, form: str, exc: ServiceError, typed: dict[str, str]
) -> Response:
    """A refused step: nothing of it kept, the page again with the message beside its form."""
    s.rollback()
    return application_page(request, s, user, number, status_code=exc.status, errors={form: exc.message}, typed=typed)


@router.post("/my/{number}/supply")
def supply(
    request: Request,
    number: str,
    supplied: str = Form(...),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    try:
        applications.resubmit(s, user, number, supplied=[x for x in supplied.split("、") if x])
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return RedirectResponse(f"/my/{number}", status_code=303)


@router.get("/desk", response_class=HTMLResponse)
def desk(
    request: Request,
    status: str = "",
    page_no: str = Query("1", alias="page"),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    if user.role not in DESK_ROLES:
        return page(
            request, "desk/message.html", user, status_code=403, message="经办工作台仅供经办、财务、审计和管理人员使用"
        )
    try:
        number = int(page_no) if page_no.strip().isdigit() else 0
        apps, total = applications.visible_page(s, user, status or None, number, applications.PAGE_SIZE)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    items = applications.view_list(s, user, apps)
    pages = max(1, -(-total // applications.PAGE_SIZE))
    batches = notice.batches_for(s, user)
    payouts = [disbursement.view(s, user, d) for d in disbursement.payouts_for(s, user)]
    return page(
        request,
        "desk/queue.html",
        user,
        items=items,
        status=status,
        batches=batches,
        payouts=payouts,
        page_no=number,
        pages=pages,
        total=total,
        error=request.query_params.get("error"),
    )


@router.post("/desk/{number}/review")
def desk_review(
    request: Request,
    number: str,
    action: str = Form(...),
    reason: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    try:
        applications.review(s, user, number, action, reason or None)
    except ServiceError as exc:
        return refused(request, s, user, number, "review", exc, {"reason": reason})
    return RedirectResponse("/desk", status_code=303)


@router.post("/desk/notice")
def desk_notice(
    request: Request,
    numbers: list[str] = Form([]),
    title: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
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
def desk_disburse(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    if user is None:
        return need_login(request)
    try:
        d = disbursement.create(s, user)
    except ServiceError as exc:
        s.rollback()
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return RedirectResponse(f"/desk/payouts/{d.id}", status_code=303)


@router.post("/desk/notices/{batch_id}/close")
def desk_close_notice(
    request: Request,
    batch_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    try:
        notice.close_window(s, user, batch_id)
    except ServiceError as exc:
        s.rollback()
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return RedirectResponse(f"/desk#batch-{batch_id}", status_code=303)


@router.post("/desk/{number}/objections/{objection_id}")
def desk_resolve_objection(
    request: Request,
    number: str,
    objection_id: int,
    decision: str = Form(""),
    note: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
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
def desk_clawback(
    request: Request,
    number: str,
    amount: str = Form(""),
    reason: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
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
def desk_payout(
    request: Request,
    disbursement_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    return payout_page(request, s, user, disbursement_id)


def payout_page(
    request: Request,
    s: Session,
    user: User,
    disbursement_id: int,
    status_code: int = 200,
    error: str | None = None,
    problems: list[dict[str, Any]] | None = None,
) -> Response:
    try:
        d = disbursement.view(s, user, disbursement.get(s, user, disbursement_id))
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return page(
        request,
        "desk/payout.html",
        user,
        status_code=status_code,
        d=d,
        error=error,
        problems=problems or [],
        return_columns=disbursement.RETURN_COLUMNS,
    )


@router.post("/desk/payouts/{disbursement_id}/return")
def desk_payout_return(
    request: Request,
    disbursement_id: int,
    file: UploadFile | None = File(None),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """The bank's return file (银行回盘文件): each payment paid or failed. A sync endpoint: the
    file is read and parsed in the worker thread, off the event loop (its size is bounded
    by http/uploads.py before the body is read)."""
    if user is None:
        return need_login(request)
    try:
        name, data = (file.filename or "", file.file.read()) if file is not None else ("", b"")
        disbursement.import_return(s, user, disbursement_id, name, data)  # area first, then the file
    except ServiceError as exc:
        s.rollback()
        problems = getattr(exc, "problems", None)
        return payout_page(
            request, s, user, disbursement_id, status_code=exc.status, error=exc.message, problems=problems
        )
    return RedirectResponse(f"/desk/payouts/{disbursement_id}", status_code=303)


@router.get("/notice", response_class=HTMLResponse)
def public_notice(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> HTMLResponse:
    return page(request, "desk/notice.html", user, batches=notice.public_view(s))


@router.post("/notice/{number}/objection")
def public_objection(
    request: Request,
    number: str,
    text: str = Form(...),
    contact: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    try:
        notice.object_to(s, number, text, contact or None)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return page(request, "desk/message.html", user, message=f"已收到对 {number} 的异议，经办机构将复核。")


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    action: str = "",
    entity_id: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    if user.role not in audit.READERS:
        return page(request, "desk/message.html", user, status_code=403, message="审计日志仅供审计和管理人员查看")
    events = audit.search(s, user, action, entity_id, limit=500)
    return page(
        request, "desk/audit.html", user, events=events, check=audit.verify(s), action=action, entity_id=entity_id
    )
