"""Point-to-point return transport pages (农民工返岗“点对点”运输, 一车一方案): a worker
registers their own trip and sees it; a caseworker enters passengers one by one or uploads
a list (CSV/xlsx), groups a date's passengers into vehicles, sees each vehicle and its
passengers, and downloads the passenger lists for the operator (承运单位) and the
receiving bureau (输入地人社部门). Auditors and admins see the vehicles read-only.
A caseworker sees only the waiting list and vehicles of their own area (出发地在本辖区);
the service scopes them, and refuses out-of-area exports with 403.
Roles and masking as in the API: the page shows identity numbers and phones masked; only
the bureau's xlsx has them in full (and the service audits it). Thin:
renshe.services.transport does the work."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from renshe.engine.catalog import page_for
from renshe.http import uploads
from renshe.http.deps import db, optional_user
from renshe.http.hardening import download_headers
from renshe.http.labour_forms import MAX_UPLOAD, XLSX, NewTrip
from renshe.services import dispatch, transport, workbooks
from renshe.services.errors import ServiceError
from renshe.services.labour_settings import citation, param
from renshe.services.security import mask_id_number, mask_phone
from renshe.services.transport import TransportTrip
from renshe.services.users import User
from renshe.web.desk_pages import need_login, page
from renshe.web.forms import FormError, check, parse_date, region_label, service_errors, submit
from renshe.web.pages import templates

router = APIRouter(include_in_schema=False)
page_for("renshe.services.transport", "/transport")
templates.env.filters["region_label"] = region_label
ROLES = ("person", "caseworker", "auditor", "admin")
STAFF = ("caseworker", "auditor", "admin")
TRIP_LABELS = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "手机号",
    "origin": "出发地（县级行政区划代码）",
    "destination": "目的地",
    "employer": "用人单位",
    "travel_date": "出行日期",
}
PLAN_LABELS = {"travel_date": "出行日期", "capacity": "每车乘客数"}
HINTS = {"origin": "应为 6 位县级行政区划代码"}
#: the columns of an uploaded passenger list, in order (名单列)
COLUMNS = {
    "姓名": "name",
    "身份证号": "id_number",
    "手机号": "phone",
    "出发地": "origin",
    "目的地": "destination",
    "用人单位": "employer",
    "出行日期": "travel_date",
}
AUDIENCES = {"operator": "承运单位（身份证号脱敏）", "bureau": "输入地人社部门（完整信息）"}


class PlanForm(BaseModel):
    """The grouping form; the same bounds as ``POST /api/v1/transport/plans``."""

    model_config = ConfigDict(extra="forbid")
    travel_date: dt.date
    capacity: int | None = Field(default=None, ge=1, le=2000)


def _pending_by_date(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        out.setdefault(r["travel_date"], {"date": r["travel_date"], "count": 0})["count"] += 1
    return list(out.values())


def _page(
    request: Request, user: User, s: Session, travel_date: dt.date | None, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    context: dict[str, Any] = {
        "travel_date": travel_date.isoformat() if travel_date else "",
        "labels": TRIP_LABELS,
        "columns": list(COLUMNS),
        "audiences": AUDIENCES,
        "citation": citation("transport.seats_per_vehicle"),
        "default_seats": param("transport.seats_per_vehicle", travel_date or dt.date.today()),
        "today": dt.date.today().isoformat(),
    }
    if user.role == "person":
        context["own"] = transport.own_trips(s, user)
        context["profile"] = {
            "name": user.display_name,
            "id_number": mask_id_number(user.id_number),
            "phone": mask_phone(user.phone),
        }
    else:
        try:
            found = transport.vehicles(s, user, travel_date)
        except ServiceError as exc:
            return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
        context["vehicles"] = [transport.vehicle_view(v) for v in found]
        context["vehicle_dates"] = sorted({v.travel_date.isoformat() for v in found})
        all_pending = transport.pending_trips(s, user, None)
        context["pending_dates"] = _pending_by_date(all_pending)
        context["pending"] = [r for r in all_pending if not travel_date or r["travel_date"] == context["travel_date"]]
    context.setdefault("trip_form", {"travel_date": context["travel_date"]})
    context["plan_form"] = {"travel_date": context["travel_date"], "capacity": ""}
    context.update(extra)
    return page(request, "labour/transport.html", user, status_code=status_code, **context)


def _guard(request: Request, user: User | None, roles: tuple[str, ...] = ROLES) -> Response | None:
    if user is None:
        return need_login(request)
    if user.role not in roles:
        message = "点对点运输服务仅供务工人员本人和人社部门人员使用" if roles == ROLES else "只有经办人员可以进行此操作"
        return page(request, "desk/message.html", user, status_code=403, message=message)
    return None


@router.get("/transport", response_class=HTMLResponse)
def transport_home(
    request: Request,
    travel_date: str = "",
    planned: str = "",
    registered: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    day, errors = parse_date(travel_date, "出行日期")
    if errors:
        return _page(request, user, s, None, status_code=400, date_errors=errors)
    return _page(request, user, s, day, planned=planned, registered=registered)


@router.post("/transport/trips", response_class=HTMLResponse)
def transport_register(
    request: Request,
    origin: str = Form(""),
    destination: str = Form(""),
    employer: str = Form(""),
    travel_date: str = Form(""),
    name: str = Form(""),
    id_number: str = Form(""),
    phone: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """One trip (出行登记): the worker's own, or one a caseworker enters for a worker."""
    if (denied := _guard(request, user, ("person", "caseworker"))) is not None:
        return denied
    assert user is not None
    raw = {
        "origin": origin,
        "destination": destination,
        "employer": employer,
        "travel_date": travel_date,
        "name": name,
        "id_number": id_number,
        "phone": phone,
    }
    trip, errors, code = submit(
        NewTrip,
        raw,
        TRIP_LABELS,
        HINTS,
        lambda body: transport.register_trip(s, user, **body.model_dump()),
        _trip_field,
    )
    if trip is not None:
        return RedirectResponse(
            f"/transport?{urlencode({'travel_date': trip.travel_date.isoformat(), 'registered': 1})}", status_code=303
        )
    day, _ = parse_date(travel_date, "")
    return _page(request, user, s, day, status_code=code, trip_form=raw, trip_errors=errors)


def _trip_field(e: FormError) -> FormError:
    """Which field a sentence of ``transport.register_trip`` is about."""
    msg = e["message"] or ""
    field = next(
        (
            f
            for f, label in (
                ("name", "姓名"),
                ("id_number", "身份证号"),
                ("phone", "手机号"),
                ("origin", "出发地"),
                ("destination", "目的地"),
                ("employer", "用人单位"),
            )
            if msg.startswith(label)
        ),
        None,
    )
    return {"field": field, "message": msg}


def _cell_text(value: str) -> str:
    """An xlsx date cell reads as 2020-02-20T00:00:00; the date is what was meant."""
    value = value.strip()
    return value[:10] if len(value) > 10 and value[10] == "T" and value.endswith("00:00:00") else value


@router.post("/transport/upload", response_class=HTMLResponse)
async def transport_upload(
    request: Request,
    file: UploadFile | None = File(None),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """A passenger list (乘客名单, CSV or xlsx): all rows registered, or — when any row is
    wrong — none, with every problem by row and column, so the corrected file can be sent again."""
    if (denied := _guard(request, user, ("caseworker",))) is not None:
        return denied
    assert user is not None
    data = await file.read(MAX_UPLOAD + 1) if file is not None else b""
    filename = (file.filename or "") if file is not None else ""
    problems: list[dict[str, Any]] = []
    try:
        if len(data) > MAX_UPLOAD:
            raise dispatch.ReportFileError("文件过大（上限 20 MB）")
        if not data:
            raise dispatch.ReportFileError("请选择要上传的乘客名单文件（CSV 或 xlsx）")
        table = await uploads.off_loop(workbooks.read_table, data, filename)
    except dispatch.ReportFileError as exc:
        return _page(request, user, s, None, status_code=422, upload_errors=[{"row": None, "message": exc.message}])
    header = [str(h).replace("\ufeff", "").strip() for h in (table[0] if table else [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return _page(
            request,
            user,
            s,
            None,
            status_code=422,
            upload_errors=[
                {
                    "row": None,
                    "message": (
                        f"缺少列：{'、'.join(missing)}。第一行须为列标题：{'、'.join(COLUMNS)}"
                        f"（实际为：{'、'.join(h for h in header if h) or '空'}）"
                    ),
                }
            ],
        )
    where = {field: header.index(col) for col, field in COLUMNS.items()}
    labels = {field: col for col, field in COLUMNS.items()}
    seen: dict[tuple[str, str], int] = {}
    registered: list[TransportTrip] = []
    for number, cells in enumerate(table[1:], start=1):
        raw = {f: _cell_text(cells[i]) if i < len(cells) and cells[i] is not None else "" for f, i in where.items()}
        if not any(raw.values()):
            continue
        body, errors = check(NewTrip, raw, labels, HINTS)
        if body is not None:
            key = ((body.id_number or "").upper(), body.travel_date.isoformat())
            if key in seen:
                errors = [
                    {
                        "field": "id_number",
                        "message": f"身份证号与第 {seen[key]} 行相同（同一出行日期），重复的行不予登记",
                    }
                ]
            else:
                seen[key] = number
                try:
                    registered.append(transport.register_trip(s, user, **body.model_dump()))
                except ServiceError as exc:
                    errors = service_errors(exc)
        problems.extend({"row": number, "message": e["message"]} for e in errors)
    if problems:
        s.rollback()  # all or nothing: the corrected file is uploaded again without duplicates
        return _page(request, user, s, None, status_code=422, upload_errors=problems, upload_name=filename)
    if not registered:
        return _page(
            request,
            user,
            s,
            None,
            status_code=422,
            upload_errors=[{"row": None, "message": "文件中没有乘客（只有表头或空行）"}],
        )
    dates = sorted({t.travel_date for t in registered})
    query = {"registered": len(registered), **({"travel_date": dates[0].isoformat()} if len(dates) == 1 else {})}
    return RedirectResponse(f"/transport?{urlencode(query)}", status_code=303)


@router.post("/transport/plan", response_class=HTMLResponse)
def transport_plan(
    request: Request,
    travel_date: str = Form(""),
    capacity: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """Group a date's passengers into vehicles (编排车辆，一车一方案)."""
    if (denied := _guard(request, user, ("caseworker",))) is not None:
        return denied
    assert user is not None
    raw = {"travel_date": travel_date, "capacity": capacity}
    body, errors = check(PlanForm, raw, PLAN_LABELS)
    if body is None:
        day, _ = parse_date(travel_date, "")
        return _page(request, user, s, day, status_code=400, plan_form=raw, plan_errors=errors)
    try:
        made = transport.plan(s, user, body.travel_date, body.capacity)
    except ServiceError as exc:
        return _page(
            request, user, s, body.travel_date, status_code=exc.status, plan_form=raw, plan_errors=service_errors(exc)
        )
    query = {"travel_date": body.travel_date.isoformat(), "planned": len(made)}
    return RedirectResponse(f"/transport?{urlencode(query)}#vehicles", status_code=303)


@router.get("/transport/export")
def transport_export(
    request: Request,
    travel_date: str = "",
    audience: str = "operator",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """The passenger lists of a date (乘客名单 xlsx) for the operator or the receiving bureau."""
    if (denied := _guard(request, user, ("caseworker",))) is not None:
        return denied
    assert user is not None
    day, errors = parse_date(travel_date, "出行日期")
    if day is None:
        message = errors[0]["message"] if errors else "请选择出行日期"
        return page(request, "desk/message.html", user, status_code=400, message=message)
    try:
        content = transport.export(s, user, day, audience)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return Response(content, media_type=XLSX, headers=download_headers(f"transport-{day.isoformat()}-{audience}.xlsx"))
