"""One desk action behind a page's guard (用户管理, 地方标准审批): refused as the guard says,
else done and redirected, or the page shown again with the service's error (nothing saved)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.services.errors import ServiceError
from renshe.services.users import User

#: a page's guard: the refusal (sign in, or not this role), None when the user may act
Guard = Callable[[Request, User | None], Response | None]


def act(
    request: Request,
    user: User | None,
    s: Session,
    guard: Guard,
    action: Callable[[User], Any],
    page: Callable[..., Response],
    done_url: str,
) -> Response:
    """``action(user)`` once ``guard`` lets ``user`` through; a ServiceError rolls back and
    ``page`` shows its message with its status."""
    refused = guard(request, user)
    if refused is not None:
        return refused
    assert user is not None  # the guard refuses an anonymous visitor
    try:
        action(user)
    except ServiceError as exc:
        s.rollback()
        return page(request, user, s, status_code=exc.status, error=exc.message)
    return RedirectResponse(done_url, status_code=303)
