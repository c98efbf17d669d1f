"""Request dependencies: the database session and the signed-in user."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy.orm import Session

from renshe.domain.text import control_problem
from renshe.http.limits import database_session
from renshe.services.errors import Forbidden, Unauthorized
from renshe.services.users import User, user_for_token

COOKIE = "renshe_token"


#: the request's unit of work, waiting in the event loop for a slot of the
#: connection pool (renshe.http.limits explains why)
db = database_session


def client_address(request: Request) -> str:
    """The address the login rate limit counts (the peer; behind a reverse proxy run uvicorn
    with --forwarded-allow-ips so this is the client's, not the proxy's)."""
    return request.client.host if request.client else "-"


def token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(COOKIE)


def current_user(request: Request, s: Session = Depends(db, scope="function")) -> User:
    token = token_of(request)
    if not token:
        raise Unauthorized("请先登录")
    return user_for_token(s, token)


def optional_user(request: Request, s: Session = Depends(db, scope="function")) -> User | None:
    token = token_of(request)
    if not token:
        return None
    try:
        return user_for_token(s, token)
    except Unauthorized:
        return None


def require(*roles: str):  # type: ignore[no-untyped-def]
    def check(user: User = Depends(current_user)) -> User:
        if user.role not in roles:
            raise Forbidden("当前角色无权进行此操作")
        return user

    return check


def _control_problem(label: str, value: Any) -> str | None:
    """The first unsaveable control character in a value's text (its keys and items too)."""
    if isinstance(value, str):
        return control_problem(label, value)
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, (list, tuple, set, frozenset)):
        return next((p for item in value if (p := _control_problem(label, item)) is not None), None)
    return None  # a nested Strict model checked its own fields


class Strict(BaseModel):
    """A request body that refuses fields it does not know (every API body), and text with
    control characters that cannot be saved (renshe.domain.text) in any field."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _saveable_text(cls, value: Any, info: ValidationInfo) -> Any:
        problem = _control_problem(f"字段 {info.field_name} ", value)
        if problem is not None:
            raise PydanticCustomError("control_character", problem)
        return value


#: a route's unit of work, and its signed-in user if any (the page then sends the others to sign in)
Db = Annotated[Session, Depends(db, scope="function")]
Viewer = Annotated[User | None, Depends(optional_user)]
