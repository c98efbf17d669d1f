"""Service matters pages (办事事项): a filer picks a matter, fills its form (pickers, no
JSON; each problem shown on its field, what was typed kept) and follows it; a caseworker
works the area's queue (green channel and priority first, then by deadline; xlsx export),
accepts, defers (暂缓立案) and resumes, completes or refuses with a reason; the auditor
reviews the matters handled off-system or paid in advance. Thin: renshe.services.matters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from renshe.domain.regions import problem_with_region, region_tree
from renshe.engine.catalog import implements, page_for
from renshe.http.deps import db, optional_user
from renshe.services import attachments, matters
from renshe.services.errors import ServiceError
from renshe.services.users import User
from renshe.web.desk_pages import need_login, page
from renshe.web.forms import region_label

router = APIRouter(include_in_schema=False)
page_for("renshe.services.matters", "/matters", "/matters/new", "/matters/audit")
WALK = "tests/browser/test_matters_walk.py::test_enterprise_files_and_caseworker_completes"
#: the form's own fields (the matter's fields are ``f_<name>``)
FORM_FIELDS = ("channel", "region", "materials", "matter", "appointment_on", "appointment_slot", "files")
MEDIA = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ACTIONS = ("accept", "defer", "resume", "complete", "refuse", "originals", "audit")


def _region_of(form: dict[str, str]) -> str:
    return (form.get("district") or form.get("city") or form.get("province") or "").strip()


def _picker(region: str) -> dict[str, str]:
    """The three pickers' values for a region code (110108 → 110000, 110100, 110108)."""
    if not region or problem_with_region(region):
        return {"province": "", "city": "", "district": ""}
    province, city = region[:2] + "0000", region[:4] + "00"
    return {
        "province": province,
        "city": city if city != province else "",
        "district": region if region not in (province, city) else "",
    }


@router.get("/matters", response_class=HTMLResponse)
def matter_list(
    request: Request,
    status: str = "",
    matter: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """A filer's own matters and the matters to file; staff: the area's queue, by status and matter."""
    if user is None:
        return need_login(request)
    status = status if status in matters.STATUS_NAMES else ""
    matter = matter if matter in matters.catalog()["matters"] else ""
    try:
        rows = [matters.view(m) for m in matters.queue(s, user, status or None, matter or None)]
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return page(
        request,
        "matters/list.html",
        user,
        rows=rows,
        catalog=matters.listing(user),
        status=status,
        matter=matter,
        statuses=matters.STATUS_NAMES,
        filer=user.role in matters.FILERS,
    )


def _form_page(
    request: Request, user: User, key: str, form: dict[str, Any], errors: list[dict[str, Any]], status_code: int = 200
) -> HTMLResponse:
    return page(
        request,
        "matters/form.html",
        user,
        status_code=status_code,
        m=matters.describe(key),
        form=form,
        errors=errors,
        regions=region_tree(),
        slots=matters.appointment_slots(),
        today=dt.date.today().isoformat(),
        max_size=attachments.size_text(attachments.max_bytes()),
        max_files=attachments.param("max_files"),
        kinds="、".join(attachments.KIND_NAMES.get(str(k), str(k)) for k in attachments.param("types")),
    )


@router.get("/matters/new", response_class=HTMLResponse)
def matter_form(request: Request, matter: str = "", user: User | None = Depends(optional_user)) -> Response:
    if user is None:
        return need_login(request)
    if user.role not in matters.FILERS:
        return page(
            request,
            "desk/message.html",
            user,
            status_code=403,
            message="办事事项由用人单位、个人或人力资源服务机构提交",
        )
    if matter not in matters.catalog()["matters"]:
        return RedirectResponse("/matters", status_code=303)
    desc = matters.describe(matter)
    form = {**_picker(matters.default_region(user)), "channel": next(iter(desc["channels"]))}
    return _form_page(request, user, matter, form, [])


@implements(
    "beijing.comprehensive_working_hours_application_2020",
    "henan.comprehensive_working_hours_2020",
    "henan.online_si_termination_2020",
    "cn.personnel_archive_no_contact_2020",
    "cn.personnel_archive_appointment_2020",
    tests=[WALK],
)
@router.post("/matters/new", response_class=HTMLResponse)
async def matter_file(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    """File the form; a bad form comes back with the values typed and each problem on its field
    (the files must be chosen again). The upload is bounded by the gate (http/uploads.py)."""
    if user is None:
        return need_login(request)
    if user.role not in matters.FILERS:
        return page(
            request,
            "desk/message.html",
            user,
            status_code=403,
            message="办事事项由用人单位、个人或人力资源服务机构提交",
        )
    raw = await request.form()
    form: dict[str, Any] = {k: str(v) for k, v in raw.items() if isinstance(v, str)}
    form["materials"] = [str(v) for v in raw.getlist("materials") if isinstance(v, str)]
    limit = attachments.max_bytes() + 1
    files = [(f.filename or "", await f.read(limit)) for f in raw.getlist("attachments") if not isinstance(f, str)]
    return await run_in_threadpool(_file, request, user, s, form, files)


def _file(request: Request, user: User, s: Session, form: dict[str, Any], files: list[tuple[str, bytes]]) -> Response:
    key = form.get("matter", "")
    if key not in matters.catalog()["matters"]:
        return RedirectResponse("/matters", status_code=303)
    desc = matters.describe(key)
    fields = {f["name"]: form.get(f"f_{f['name']}", "") for f in desc["fields"]}
    appointment_on: dt.date | None = None
    errors: list[dict[str, Any]] = []
    if form.get("appointment_on", "").strip():
        try:
            appointment_on = dt.date.fromisoformat(form["appointment_on"].strip())
        except ValueError:
            errors.append(
                {"field": "appointment_on", "message": f"预约日期“{form['appointment_on']}”应为 YYYY-MM-DD 格式的日期"}
            )
    if not errors:
        try:
            record = matters.file(
                s,
                user,
                key,
                channel=form.get("channel", ""),
                fields=fields,
                region=_region_of(form) or None,
                materials=form["materials"],
                appointment_on=appointment_on,
                appointment_slot=form.get("appointment_slot") or None,
                files=files,
            )
        except matters.MatterProblems as exc:
            s.rollback()
            errors = [{"field": f if f in FORM_FIELDS else f"f_{f}", "message": msg} for f, msg in exc.problems]
        except ServiceError as exc:
            s.rollback()
            return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
        else:
            return RedirectResponse(f"/matters/{record.number}?filed=1", status_code=303)
    return _form_page(request, user, key, form, errors, status_code=400)


@router.get("/matters/audit", response_class=HTMLResponse)
def matter_audit(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    if user is None:
        return need_login(request)
    try:
        rows = [matters.view(m) for m in matters.flagged(s, user)]
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return page(request, "matters/audit.html", user, rows=rows)


@router.get("/matters/queue.xlsx")
def matter_export(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    from renshe.http.hardening import download_headers

    if user is None:
        return need_login(request)
    try:
        data = matters.export_queue(s, user)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=download_headers(f"matters-{dt.date.today().isoformat()}.xlsx"),
    )


def _detail(
    request: Request, user: User, s: Session, number: str, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    record = matters.get(s, user, number)
    v = matters.view(record)
    context: dict[str, Any] = {
        "v": v,
        "m": matters.describe(record.matter),
        "errors": [],
        "form": {},
        "region_name": region_label(record.region),
        "can_handle": user.role == "caseworker",
        "can_audit": user.role == "auditor",
    }
    context.update(extra)
    return page(request, "matters/detail.html", user, status_code=status_code, **context)


@router.get("/matters/{number}", response_class=HTMLResponse)
def matter_detail(
    request: Request,
    number: str,
    filed: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    try:
        return _detail(request, user, s, number, filed=filed)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)


@router.post("/matters/{number}/{action}", response_class=HTMLResponse)
async def matter_act(
    request: Request,
    number: str,
    action: str,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """One step on a matter: 受理 (预发), 暂缓立案, 立案, 办结 (系统外经办), 不予办理, 原件已收, 稽核."""
    if user is None:
        return need_login(request)
    if action not in ACTIONS:
        return page(request, "desk/message.html", user, status_code=404, message="未知的操作")
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items() if isinstance(v, str)}
    return await run_in_threadpool(_act, request, user, s, number, action, form)


def _act(request: Request, user: User, s: Session, number: str, action: str, form: dict[str, str]) -> Response:
    try:
        if action == "accept":
            matters.accept(s, user, number, advance=form.get("advance", "") in matters.TRUE, note=form.get("note", ""))
        elif action == "defer":
            matters.defer(s, user, number, form.get("reason", ""))
        elif action == "resume":
            matters.resume(s, user, number)
        elif action == "complete":
            specs = matters.describe(matters.get(s, user, number).matter)["complete_fields"]
            outcome = {f["name"]: form.get(f"o_{f['name']}", "") for f in specs}
            matters.complete(
                s, user, number, outcome, offline=form.get("offline", "") in matters.TRUE, note=form.get("note", "")
            )
        elif action == "refuse":
            matters.refuse(s, user, number, form.get("reason", ""))
        elif action == "originals":
            matters.originals_received(s, user, number)
        else:
            matters.audit_done(s, user, number, form.get("note", ""))
    except matters.MatterProblems as exc:
        s.rollback()
        outcome_names = {
            "o_" + f["name"] for f in matters.describe(matters.get(s, user, number).matter)["complete_fields"]
        }
        errors = [{"field": f"o_{f}" if f"o_{f}" in outcome_names else f, "message": msg} for f, msg in exc.problems]
        return _detail(request, user, s, number, status_code=400, errors=errors, form=form, action=action)
    except ServiceError as exc:
        s.rollback()
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return RedirectResponse(f"/matters/{number}", status_code=303)


@router.get("/matters/{number}/files/{index}")
def matter_file_download(
    request: Request,
    number: str,
    index: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """A material's file, to the filer and the staff who may see the matter."""
    from urllib.parse import quote

    if user is None:
        return need_login(request)
    try:
        row, data = matters.read_file(s, user, number, index)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return Response(
        data,
        media_type=MEDIA.get(row["kind"], "application/octet-stream"),
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(row['filename'])}"},
    )
