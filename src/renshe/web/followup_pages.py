"""“311” follow-up pages (就业困难人员“311”就业帮扶): the caseworker's list of people with
employment difficulties and who is behind schedule (进度滞后) per caseworker and area,
with filters, the xlsx export, recording a service (记录帮扶服务) and registering a person
(登记帮扶对象). Roles as in the API: caseworkers, auditors and admins read (each caseworker
only their area); only caseworkers write. Thin: renshe.services.followup311 does the work."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.engine.catalog import page_for
from renshe.http.deps import db, optional_user
from renshe.http.hardening import download_headers
from renshe.http.labour_forms import XLSX, NewDifficultyPerson, NewService
from renshe.services import exports, followup311
from renshe.services.errors import ServiceError
from renshe.services.labour_settings import param
from renshe.services.users import User
from renshe.web.desk_pages import need_login, page
from renshe.web.forms import FormError, check, region_label, service_errors, submit
from renshe.web.pages import templates

router = APIRouter(include_in_schema=False)
page_for("renshe.services.followup311", "/followup311")
templates.env.filters["region_label"] = region_label
READ_ROLES = ("caseworker", "auditor", "admin")
STATUSES = {"": "全部", "behind": "进度滞后", "on_track": "按进度", "employed": "已就业"}
PERSON_LABELS = {
    "name": "姓名",
    "id_number": "身份证号",
    "region": "所在地区（行政区划代码）",
    "phone": "手机号",
    "registered_on": "登记日期",
}
SERVICE_LABELS = {"kind": "服务类型", "on": "服务日期", "note": "备注"}
HINTS = {"region": "应为 6 位行政区划代码", "kind": "应为推荐岗位信息、职业指导、免费技能培训信息或回访之一"}


def _filters(area: str, caseworker: str, status: str) -> dict[str, str]:
    return {"area": area.strip(), "caseworker": caseworker.strip(), "status": status if status in STATUSES else ""}


def _keep(item: dict[str, Any], f: dict[str, str]) -> bool:
    if f["area"] and not item["region"].startswith(f["area"]):
        return False
    if f["caseworker"] and item["caseworker"] != f["caseworker"]:
        return False
    state = "employed" if item["employed"] else "behind" if item["behind"] else "on_track"
    return not f["status"] or f["status"] == state


def _requirements(today: dt.date) -> list[dict[str, Any]]:
    """The yearly minimum of each service (from the parameters, with their citation)."""
    return [
        {"kind": kind, "label": label, "required": param(name, today), "per": "每月" if kind == "visit" else "全年"}
        for kind, (label, name) in followup311.KINDS.items()
    ]


def _page(
    request: Request, user: User, s: Session, f: dict[str, str], status_code: int = 200, **extra: Any
) -> HTMLResponse:
    try:
        data = followup311.behind_schedule(s, user)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    today = dt.date.fromisoformat(data["today"])
    return page(
        request,
        "labour/followup311.html",
        user,
        status_code=status_code,
        data=data,
        filters=f,
        people=[i for i in data["people"] if _keep(i, f)],
        statuses=STATUSES,
        kinds=followup311.KINDS,
        requirements=_requirements(today),
        today=data["today"],
        query=urlencode(f),
        can_write=user.role == "caseworker",
        **{"reg_form": {"region": user.region or ""}, **extra},
    )


def _guard(request: Request, user: User | None) -> Response | None:
    if user is None:
        return need_login(request)
    if user.role not in READ_ROLES:
        return page(request, "desk/message.html", user, status_code=403, message="“311”帮扶进度仅供人社部门人员查看")
    return None


@router.get("/followup311", response_class=HTMLResponse)
def followup_list(
    request: Request,
    area: str = "",
    caseworker: str = "",
    status: str = "",
    recorded: str = "",
    registered: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    return _page(request, user, s, _filters(area, caseworker, status), recorded=recorded, registered=registered)


@router.post("/followup311/persons/{person_id}/services", response_class=HTMLResponse)
def followup_record(
    request: Request,
    person_id: int,
    kind: str = Form(""),
    on: str = Form(""),
    note: str = Form(""),
    area: str = Form(""),
    caseworker: str = Form(""),
    status: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """Record one service (记录帮扶服务); a bad entry re-renders the list with the row's values."""
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    f = _filters(area, caseworker, status)
    raw = {"kind": kind, "on": on, "note": note}
    if user.role != "caseworker":
        return page(request, "desk/message.html", user, status_code=403, message="只有经办人员可以记录帮扶服务")
    body, errors = check(NewService, raw, SERVICE_LABELS, HINTS)
    code = 400
    if body is not None:
        try:
            followup311.record_service(s, user, person_id, body.kind, body.on, body.note)
        except ServiceError as exc:
            if exc.status in (403, 404):
                return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
            errors, code = service_errors(exc), exc.status
        else:
            return RedirectResponse(
                f"/followup311?{urlencode({**f, 'recorded': person_id})}#person-{person_id}", status_code=303
            )
    return _page(request, user, s, f, status_code=code, row_error={"person": person_id, "errors": errors, "form": raw})


@router.post("/followup311/persons", response_class=HTMLResponse)
def followup_register(
    request: Request,
    name: str = Form(""),
    id_number: str = Form(""),
    region: str = Form(""),
    phone: str = Form(""),
    registered_on: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """Register a person with employment difficulties (登记就业困难人员)."""
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    if user.role != "caseworker":
        return page(request, "desk/message.html", user, status_code=403, message="只有经办人员可以登记就业困难人员")
    raw = {"name": name, "id_number": id_number, "region": region, "phone": phone, "registered_on": registered_on}
    p, errors, code = submit(
        NewDifficultyPerson,
        raw,
        PERSON_LABELS,
        HINTS,
        lambda body: followup311.register(s, user, **body.model_dump()),
        _person_field,
    )
    if p is not None:
        return RedirectResponse(f"/followup311?registered={p.id}#person-{p.id}", status_code=303)
    return _page(request, user, s, _filters("", "", ""), status_code=code, reg_form=raw, reg_errors=errors)


def _person_field(e: FormError) -> FormError:
    """Which field a service sentence is about, to mark it on the form."""
    msg = e["message"] or ""
    field = (
        "id_number"
        if msg.startswith("身份证号")
        else "name"
        if msg.startswith("姓名")
        else "region"
        if "辖区" in msg
        else None
    )
    return {"field": field, "message": msg}


@router.get("/followup311/export")
def followup_export(
    request: Request,
    area: str = "",
    caseworker: str = "",
    status: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """The (filtered) list as xlsx (帮扶进度表), identity numbers masked as on the page."""
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    f = _filters(area, caseworker, status)
    try:
        data = followup311.behind_schedule(s, user)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    content = workbook(data, [i for i in data["people"] if _keep(i, f)])
    return Response(content, media_type=XLSX, headers=download_headers(f"followup311-{data['today']}.xlsx"))


def workbook(data: dict[str, Any], people: list[dict[str, Any]]) -> bytes:
    """帮扶进度 sheet (one row per person) and 按经办人员 / 按地区 summaries."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "帮扶进度"
    exports.append_row(
        ws, ["统计日", data["today"], "依据", f"{data['citation']['doc_no']} {data['citation']['article']}"]
    )
    exports.append_row(
        ws,
        [
            "姓名",
            "身份证号",
            "地区代码",
            "地区",
            "经办人员",
            "登记日",
            "本期起",
            "本期止",
            *[label for label, _ in followup311.KINDS.values()],
            "状态",
            "缺项",
        ],
    )
    for p in people:
        period = p.get("period") or ["", ""]
        state = "已就业" if p["employed"] else "进度滞后" if p["behind"] else "按进度"
        exports.append_row(
            ws,
            [
                p["name"],
                p["id_number"],
                p["region"],
                region_label(p["region"]),
                p["caseworker"],
                p["registered_on"],
                period[0],
                period[1],
                *[p["counts"].get(k, "") for k in followup311.KINDS],
                state,
                "；".join(p["missing"]),
            ],
        )
    for title, key, rows in (("按经办人员", "经办人员", data["by_caseworker"]), ("按地区", "地区", data["by_area"])):
        sheet = wb.create_sheet(title)
        exports.append_row(sheet, [key, "帮扶人数", "进度滞后人数"])
        for r in rows:
            exports.append_row(sheet, [region_label(r["key"]) if key == "地区" else r["key"], r["people"], r["behind"]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
