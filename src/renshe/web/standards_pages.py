"""Local standards page for administrators (地方标准): the parameters left to local rules with
the results waiting on them; propose a value with its local document; a second administrator
approves or rejects it. Thin: services/local_standards.py does the work and the checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.http.deps import db, optional_user
from renshe.services import local_standards
from renshe.services.errors import ServiceError
from renshe.services.users import User
from renshe.web import guarded
from renshe.web.pages import templates

router = APIRouter(include_in_schema=False)
PATH = "/admin/standards"
BEIJING = ZoneInfo("Asia/Shanghai")
FIELDS = ("parameter", "value", "doc_no", "doc_title", "article", "quote", "effective_from", "effective_to")
DONE = {
    "proposed": "已提交，待另一名管理员审核；审核通过前不影响测算",
    "approved": "已审核通过，该地方标准即日起用于测算",
    "rejected": "已驳回",
}


def beijing_time(stamp: str | None) -> str:
    """A stored UTC time as Beijing time: ``2020年3月2日 16:00``."""
    if not stamp:
        return "—"
    t = dt.datetime.fromisoformat(stamp).replace(tzinfo=dt.UTC).astimezone(BEIJING)
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"


templates.env.filters["beijing_time"] = beijing_time


def _page(request: Request, user: User, s: Session, status_code: int = 200, **context: Any) -> HTMLResponse:
    params = local_standards.parameters_list(s, user)
    return templates.TemplateResponse(
        request,
        "desk/standards.html",
        {
            "user": user,
            "params": params,
            "editable": [p for p in params if p["editable"]],
            "form": context.pop("form", {}),
            "errors": context.pop("errors", {}),
            **context,
        },
        status_code=status_code,
    )


def _guard(request: Request, user: User | None) -> Response | None:
    if user is None:
        return RedirectResponse(f"/login?next={PATH}", status_code=303)
    if user.role != "admin":
        return templates.TemplateResponse(
            request, "desk/message.html", {"user": user, "message": "只有管理员可以管理地方标准"}, status_code=403
        )
    return None


@router.get(PATH, response_class=HTMLResponse)
def standards_page(
    request: Request,
    done: str = "",
    parameter: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    refused = _guard(request, user)
    if refused is not None:
        return refused
    assert user is not None
    return _page(request, user, s, done=DONE.get(done, ""), form={"parameter": parameter})


@router.post(PATH)
async def propose(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    refused = _guard(request, user)
    if refused is not None:
        return refused
    assert user is not None
    raw = await request.form()
    form = {k: str(raw.get(k) or "")[:4000] for k in FIELDS}
    try:
        local_standards.propose(s, user, form)
    except local_standards.BadProposal as bad:
        s.rollback()
        return _page(request, user, s, status_code=422, form=form, errors=bad.problems, error=bad.message)
    except ServiceError as exc:
        s.rollback()
        return _page(request, user, s, status_code=exc.status, form=form, error=exc.message)
    return RedirectResponse(f"{PATH}?done=proposed", status_code=303)


def _decide(request: Request, user: User | None, s: Session, action: Callable[[User], Any], done: str) -> Response:
    return guarded.act(request, user, s, _guard, action, _page, f"{PATH}?done={done}")


@router.post(PATH + "/{standard_id}/approve")
def approve(
    request: Request,
    standard_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return _decide(request, user, s, lambda u: local_standards.approve(s, u, standard_id), "approved")


@router.post(PATH + "/{standard_id}/reject")
def reject(
    request: Request,
    standard_id: int,
    reason: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return _decide(request, user, s, lambda u: local_standards.reject(s, u, standard_id, reason[:2000]), "rejected")
