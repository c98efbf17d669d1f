"""User management page for administrators (用户管理): create, disable, reset a password,
assign a role and an area. Thin: services/users.py does the work and the checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.http.deps import db, optional_user
from renshe.services import users
from renshe.services.security import PASSWORD_MIN_LENGTH
from renshe.services.users import User
from renshe.web import guarded
from renshe.web.pages import templates

router = APIRouter(include_in_schema=False)
PATH = "/admin/users"


def _page(request: Request, user: User, s: Session, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "desk/users.html",
        {
            "user": user,
            "people": [users.describe(u) for u in users.list_users(s, user)],
            "roles": users.ROLES,
            "min_length": PASSWORD_MIN_LENGTH,
            **context,
        },
        status_code=status_code,
    )


def _guard(request: Request, user: User | None) -> Response | None:
    if user is None:
        return RedirectResponse(f"/login?next={PATH}", status_code=303)
    if user.role != "admin":
        return templates.TemplateResponse(
            request, "desk/message.html", {"user": user, "message": "只有管理员可以管理用户"}, status_code=403
        )
    return None


def _act(request: Request, user: User | None, s: Session, action: Callable[[User], Any], done: str) -> Response:
    return guarded.act(request, user, s, _guard, action, _page, f"{PATH}?done={done}")


@router.get(PATH, response_class=HTMLResponse)
def users_page(
    request: Request,
    done: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    refused = _guard(request, user)
    if refused is not None:
        return refused
    assert user is not None
    return _page(request, user, s, done=done)


@router.post(PATH)
def create(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    role: str = Form(...),
    display_name: str = Form(...),
    region: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return _act(
        request,
        user,
        s,
        lambda u: users.admin_create(
            s, u, username.strip(), password, role, display_name.strip(), region=region.strip() or None
        ),
        "created",
    )


@router.post(PATH + "/{username}/active")
def set_active(
    request: Request,
    username: str,
    active: str = Form(...),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return _act(
        request,
        user,
        s,
        lambda u: users.set_active(s, u, username, active == "1"),
        "enabled" if active == "1" else "disabled",
    )


@router.post(PATH + "/{username}/password")
def reset_password(
    request: Request,
    username: str,
    password: str = Form(...),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return _act(request, user, s, lambda u: users.reset_password(s, u, username, password), "reset")


@router.post(PATH + "/{username}/assign")
def assign(
    request: Request,
    username: str,
    role: str = Form(...),
    region: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return _act(
        request,
        user,
        s,
        lambda u: users.assign(
            s, u, username, role=role, region=region.strip() or None, clear_region=not region.strip()
        ),
        "assigned",
    )
