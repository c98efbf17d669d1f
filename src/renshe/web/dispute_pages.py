"""Labour-dispute and wage-arrears intake pages (劳动争议仲裁申请、欠薪投诉): a worker files
through a form and sees the arbitration limitation deadline (仲裁时效届满日) that the rule
cn.arbitration_limitation_suspension_2020 computes, with its citation; caseworkers see
their area's cases, accept them (the award deadline, 审理期限, from
cn.arbitration_hearing_extension_2020) and close them. Roles as in the API: only the worker
(person) files; a person sees their own cases, a caseworker their area's, auditors and
admins all. Thin: renshe.services.disputes does the work."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.engine.catalog import page_for
from renshe.engine.rules import registry
from renshe.http.deps import db, optional_user
from renshe.http.labour_forms import AcceptDispute, CloseDispute, NewDispute
from renshe.services import disputes
from renshe.services.errors import ServiceError
from renshe.services.users import User
from renshe.web.desk_pages import need_login, page
from renshe.web.forms import FormError, check, region_label, service_errors, submit
from renshe.web.pages import templates

router = APIRouter(include_in_schema=False)
page_for("renshe.services.disputes", "/disputes")
templates.env.filters["region_label"] = region_label
ROLES = ("person", "caseworker", "auditor", "admin")
FILE_LABELS = {
    "kind": "类型",
    "employer_name": "用人单位名称",
    "employer_uscc": "用人单位统一社会信用代码",
    "amount": "拖欠金额（元）",
    "facts": "事实和请求",
    "infringement_known_on": "知道或应当知道权利被侵害之日",
    "obstacle_start": "受疫情影响不能申请仲裁的开始日",
    "obstacle_end": "受疫情影响不能申请仲裁的结束日",
    "region": "用人单位所在地（行政区划代码）",
}
ACCEPT_LABELS = {
    "accepted_on": "受理日期",
    "extended": "经仲裁委员会主任批准延期",
    "epidemic_delay_days": "因疫情顺延天数",
}
CLOSE_LABELS = {"outcome": "结案结果"}
HINTS = {"kind": "应为欠薪投诉或劳动争议仲裁申请", "region": "应为 6 位行政区划代码"}
#: which field a sentence of ``disputes.file`` is about (first match wins)
SERVICE_FIELDS = (
    ("用人单位名称", "employer_name"),
    ("统一社会信用代码", "employer_uscc"),
    ("事实", "facts"),
    ("知道权利被侵害", "infringement_known_on"),
    ("结束日", "obstacle_end"),
    ("拖欠金额", "amount"),
    ("行政区划代码", "region"),
)


@cache
def rules() -> dict[str, dict[str, Any]]:
    """The two rules the deadlines come from: id, title and citations (with the quotes)."""
    out = {}
    for key, rule_id in (("limitation", disputes.LIMITATION_RULE), ("hearing", disputes.HEARING_RULE)):
        rule = registry().rules[rule_id]
        out[key] = {
            "id": rule.id,
            "title": rule.title,
            "citations": [
                {"doc_no": c.doc_no, "article": c.article, "quote": c.quote, "title": c.title} for c in rule.citations
            ],
        }
    return out


def _guard(request: Request, user: User | None) -> Response | None:
    if user is None:
        return need_login(request)
    if user.role not in ROLES:
        return page(
            request,
            "desk/message.html",
            user,
            status_code=403,
            message="欠薪投诉和劳动争议仲裁申请由劳动者本人在线提交，案件仅供申请人和人社部门人员查看",
        )
    return None


def _list_page(
    request: Request, user: User, s: Session, status: str = "", kind: str = "", status_code: int = 200, **extra: Any
) -> HTMLResponse:
    cases = [disputes.view(c) for c in disputes.visible(s, user)]
    shown = [c for c in cases if (not status or c["status"] == status) and (not kind or c["kind"] == kind)]
    context: dict[str, Any] = {
        "cases": shown,
        "total": len(cases),
        "status": status,
        "kind": kind,
        "kinds": disputes.KINDS,
        "statuses": disputes.STATUS_NAMES,
        "rules": rules(),
        "today": dt.date.today().isoformat(),
        "form": {"kind": "arbitration", "region": user.region or ""},
    }
    context.update(extra)
    return page(request, "labour/disputes.html", user, status_code=status_code, **context)


@router.get("/disputes", response_class=HTMLResponse)
def dispute_list(
    request: Request,
    status: str = "",
    kind: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    return _list_page(
        request, user, s, status if status in disputes.STATUS_NAMES else "", kind if kind in disputes.KINDS else ""
    )


@router.post("/disputes", response_class=HTMLResponse)
def dispute_file(
    request: Request,
    kind: str = Form(""),
    employer_name: str = Form(""),
    employer_uscc: str = Form(""),
    amount: str = Form(""),
    facts: str = Form(""),
    infringement_known_on: str = Form(""),
    obstacle_start: str = Form(""),
    obstacle_end: str = Form(""),
    region: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """File a complaint or an application (提交); a bad form comes back with the values typed."""
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    if user.role != "person":
        return page(
            request, "desk/message.html", user, status_code=403, message="只有劳动者本人可以在线提交欠薪投诉或仲裁申请"
        )
    raw = {
        "kind": kind,
        "employer_name": employer_name,
        "employer_uscc": employer_uscc,
        "amount": amount,
        "facts": facts,
        "infringement_known_on": infringement_known_on,
        "obstacle_start": obstacle_start,
        "obstacle_end": obstacle_end,
        "region": region,
    }
    case, errors, code = submit(
        NewDispute,
        raw,
        FILE_LABELS,
        HINTS,
        lambda body: disputes.file(s, user, **body.model_dump()),
        lambda e: _file_field(e, raw),
    )
    if case is not None:
        return RedirectResponse(f"/disputes/{case.number}?filed=1", status_code=303)
    return _list_page(request, user, s, status_code=code, form=raw, errors=errors)


def _file_field(e: FormError, raw: dict[str, str]) -> FormError:
    msg = e["message"] or ""
    if "起止日" in msg:  # one of the two was left empty: mark that one
        return {"field": "obstacle_end" if raw["obstacle_start"].strip() else "obstacle_start", "message": msg}
    return {"field": next((f for word, f in SERVICE_FIELDS if word in msg), None), "message": msg}


def _detail(
    request: Request, user: User, s: Session, number: str, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    case = disputes.get(s, user, number)
    context: dict[str, Any] = {
        "c": disputes.view(case),
        "facts": case.facts,
        "rules": rules(),
        "can_handle": user.role == "caseworker" and case.status != "closed",
        "accept_form": {
            "accepted_on": (case.accepted_on or dt.date.today()).isoformat(),
            "extended": case.hearing_extended,
            "epidemic_delay_days": str(case.epidemic_delay_days or 0),
        },
        "close_form": {"outcome": ""},
    }
    context.update(extra)
    return page(request, "labour/dispute.html", user, status_code=status_code, **context)


@router.get("/disputes/{number}", response_class=HTMLResponse)
def dispute_detail(
    request: Request,
    number: str,
    filed: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    try:
        return _detail(request, user, s, number, filed=filed)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)


@router.post("/disputes/{number}/accept", response_class=HTMLResponse)
def dispute_accept(
    request: Request,
    number: str,
    accepted_on: str = Form(""),
    extended: str = Form(""),
    epidemic_delay_days: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """Accept (受理): the award deadline is computed by the hearing rule."""
    return _act(
        request,
        user,
        s,
        number,
        "accept",
        AcceptDispute,
        ACCEPT_LABELS,
        {"accepted_on": accepted_on, "extended": extended, "epidemic_delay_days": epidemic_delay_days or "0"},
    )


@router.post("/disputes/{number}/close", response_class=HTMLResponse)
def dispute_close(
    request: Request,
    number: str,
    outcome: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """Close (结案) with the outcome."""
    return _act(request, user, s, number, "close", CloseDispute, CLOSE_LABELS, {"outcome": outcome})


def _act(
    request: Request,
    user: User | None,
    s: Session,
    number: str,
    action: str,
    model: Any,
    labels: dict[str, str],
    raw: dict[str, str],
) -> Response:
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    if user.role != "caseworker":
        return page(request, "desk/message.html", user, status_code=403, message="只有经办人员可以受理或结案")
    values: dict[str, Any] = {**raw}
    if "extended" in values:
        values["extended"] = values["extended"] in ("1", "true", "on")
    body, errors = check(model, values, labels)
    code = 400
    if body is not None:
        try:
            if action == "accept":
                disputes.accept(s, user, number, body.accepted_on, body.extended, body.epidemic_delay_days)
            else:
                disputes.close(s, user, number, body.outcome)
        except ServiceError as exc:
            if exc.status in (403, 404):
                return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
            errors, code = service_errors(exc), exc.status
        else:
            return RedirectResponse(f"/disputes/{number}", status_code=303)
    form = {**raw, "extended": values.get("extended", False)} if action == "accept" else raw
    try:
        return _detail(
            request, user, s, number, status_code=code, **{f"{action}_form": form, f"{action}_errors": errors}
        )
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
