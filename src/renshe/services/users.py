"""Users and sign-in (用户与登录): argon2 passwords, API tokens, roles."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.services import audit
from renshe.services.errors import ServiceError, Unauthorized
from renshe.services.security import hash_password, new_token, token_digest, verify_password
from renshe.services.settings import setting
from renshe.store.models import ROLES, ApiToken, User, now


def create_user(s: Session, username: str, password: str, role: str, display_name: str, *,
                uscc: str | None = None, id_number: str | None = None, phone: str | None = None,
                region: str | None = None, actor: User | None = None) -> User:
    if role not in ROLES:
        raise ServiceError(f"未知角色 {role}，应为 {' / '.join(ROLES)}")
    if s.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise ServiceError(f"用户名 {username} 已存在")
    user = User(username=username, password_hash=hash_password(password), role=role, display_name=display_name,
                uscc=uscc, id_number=id_number, phone=phone, region=region)
    s.add(user)
    s.flush()
    audit.record(s, actor, "user.create", "user", user.id, {"username": username, "role": role})
    return user


def authenticate(s: Session, username: str, password: str) -> User:
    user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active or not verify_password(user.password_hash, password):
        audit.record(s, None, "login.failed", "user", username, {})
        raise Unauthorized("用户名或密码错误")
    audit.record(s, user, "login", "user", user.id, {})
    return user


def issue_token(s: Session, user: User) -> str:
    token, digest = new_token()
    s.add(ApiToken(user_id=user.id, token_hash=digest,
                   expires_at=now() + dt.timedelta(days=int(setting("token_days")))))
    s.flush()
    return token


def user_for_token(s: Session, token: str) -> User:
    row = s.execute(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).scalar_one_or_none()
    if row is None or row.expires_at < now() or not row.user.active:
        raise Unauthorized("登录已失效，请重新登录")
    return row.user


def user_by_id(s: Session, user_id: int) -> User | None:
    return s.get(User, user_id)
