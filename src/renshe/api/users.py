"""Accounts API (账户): logout, and user management for administrators (用户管理)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field
from sqlalchemy.orm import Session

from renshe.http.deps import Strict, current_user, db, require, token_of
from renshe.services import users
from renshe.services.users import User

router = APIRouter(prefix="/api/v1", tags=["accounts"])


class NewUser(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: str = Field(min_length=1, max_length=16)
    display_name: str = Field(min_length=1, max_length=128)
    region: str | None = Field(default=None, max_length=6, description="6-digit region code (行政区划代码)")
    uscc: str | None = Field(default=None, max_length=18)


class NewPassword(Strict):
    password: str = Field(min_length=1, max_length=256)


class Assignment(Strict):
    role: str | None = Field(default=None, max_length=16)
    region: str | None = Field(default=None, max_length=6, description='6-digit region code; "" clears the area')


@router.post("/logout", summary="Sign out: the token stops working at once (web cookie and API)")
def logout(
    request: Request, user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    token = token_of(request)
    return {"revoked": bool(token) and users.revoke_token(s, token or "")}


@router.get("/users", summary="List users (admin)")
def list_users(
    admin: User = Depends(require("admin")), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return [users.describe(u) for u in users.list_users(s, admin)]


@router.post("/users", status_code=201, summary="Create a user (admin); the password policy applies")
def create_user(
    body: NewUser, admin: User = Depends(require("admin")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return users.describe(
        users.admin_create(
            s, admin, body.username, body.password, body.role, body.display_name, region=body.region, uscc=body.uscc
        )
    )


@router.post("/users/{username}/disable", summary="Disable a user (admin); their sessions end")
def disable(
    username: str, admin: User = Depends(require("admin")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return users.describe(users.set_active(s, admin, username, False))


@router.post("/users/{username}/enable", summary="Enable a user again (admin)")
def enable(
    username: str, admin: User = Depends(require("admin")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return users.describe(users.set_active(s, admin, username, True))


@router.post("/users/{username}/password", summary="Reset a user's password (admin); their sessions end")
def reset_password(
    username: str,
    body: NewPassword,
    admin: User = Depends(require("admin")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return users.describe(users.reset_password(s, admin, username, body.password))


@router.patch("/users/{username}", summary="Assign a role and/or an area (admin)")
def assign(
    username: str, body: Assignment, admin: User = Depends(require("admin")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return users.describe(
        users.assign(s, admin, username, role=body.role, region=body.region or None, clear_region=body.region == "")
    )
