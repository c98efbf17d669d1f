"""Users and sign-in (用户与登录): argon2 passwords, server-side sessions, roles,
the login rate limit and lockout, and user management for administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn, cast

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from renshe.domain.regions import problem_with_region, region_name
from renshe.domain.text import CONTROL_CHARACTERS as CONTROL_CHARACTERS  # no user name holds one
from renshe.services import audit
from renshe.services.errors import Forbidden, NotFound, ServiceError, Unauthorized
from renshe.services.security import (
    hash_password,
    new_token,
    password_problems,
    token_digest,
    verify_password_or_dummy,
)
from renshe.services.settings import setting
from renshe.store import models
from renshe.store.models import ROLES as ROLES  # the roles, for the faces (http/access.py, the users page)
from renshe.store.models import LoginAttempt, User, UserSession, now

#: sign-in limits (services/security_parameters.yaml, GB/T 22239—2019 8.1.4.1 b)
LOGIN_MAX_FAILURES: int = setting("login_max_failures")
LOCKOUT_MINUTES: int = setting("lockout_minutes")
ADDRESS_MAX_FAILURES: int = setting("address_max_failures")
ADDRESS_WINDOW_MINUTES: int = setting("address_window_minutes")
SESSION_HOURS: int = setting("session_hours")
#: login_attempts rows older than this are pruned (the audit log keeps every attempt)
ATTEMPTS_RETENTION_DAYS: int = setting("login_attempts_retention_days")
SECONDS_PER_MINUTE = 60


#: roles whose work is bounded by an area (users.region), so an account without one is refused
AREA_ROLES = frozenset({"caseworker", "finance"})  # http/access.py: their rules have area=True


class TooManyAttempts(ServiceError):
    status = 429


def _role_names() -> tuple[str, ...]:
    return tuple(models.ROLES)  # read at call time: the one list of roles the code defines


def create_user(
    s: Session,
    username: str,
    password: str,
    role: str,
    display_name: str,
    *,
    uscc: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    region: str | None = None,
    actor: User | None = None,
) -> User:
    """Create a user (no password policy: demo seeds use this; administrators use ``admin_create``)."""
    if role not in _role_names():
        raise ServiceError(f"角色：未知角色 {role}，应为 {' / '.join(_role_names())}")
    if CONTROL_CHARACTERS.search(username):
        raise ServiceError("用户名：不能含有控制字符（如换行、制表符、空字符）")
    if s.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise ServiceError(f"用户名：{username} 已存在")
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name,
        uscc=uscc,
        id_number=id_number,
        phone=phone,
        region=region,
    )
    s.add(user)
    s.flush()
    audit.record(s, actor, "user.create", "user", user.id, {"username": username, "role": role})
    return user


# --- sign-in -----------------------------------------------------------------------------


def _failures_since(
    s: Session, since: dt.datetime, *, username: str | None = None, address: str | None = None
) -> tuple[int, dt.datetime | None]:
    q = select(func.count(), func.max(LoginAttempt.at)).where(LoginAttempt.at >= since, LoginAttempt.ok.is_(False))
    if username is not None:
        last_ok = s.execute(
            select(func.max(LoginAttempt.at)).where(LoginAttempt.username == username, LoginAttempt.ok.is_(True))
        ).scalar()
        q = q.where(LoginAttempt.username == username)
        if last_ok is not None:
            q = q.where(LoginAttempt.at > last_ok)
    if address is not None:
        q = q.where(LoginAttempt.address == address)
    count, last = s.execute(q).one()
    return int(count), last


def _refuse(
    s: Session, username: str, address: str, reason: str, message: str, retry_after_s: int, **detail: Any
) -> NoReturn:
    s.add(LoginAttempt(at=now(), username=username, address=address, ok=False))
    audit.record(s, None, "login.failed", "user", username, {"address": address, "reason": reason, **detail})
    s.commit()  # the attempt and its audit row outlive the refusal (the request's unit of work rolls back)
    raise TooManyAttempts(message, retry_after_s)


def prune_attempts(s: Session, t: dt.datetime) -> int:
    """Drop sign-in attempts older than the retention period: the lockout windows look back
    minutes, not months, and the audit log keeps every attempt for good."""
    cut = t - dt.timedelta(days=ATTEMPTS_RETENTION_DAYS)
    # (a DELETE's result is a CursorResult, which counts the rows)
    return cast(CursorResult[Any], s.execute(delete(LoginAttempt).where(LoginAttempt.at < cut))).rowcount or 0


def authenticate(s: Session, username: str, password: str, address: str = "-") -> User:
    """Check a sign-in. Every failure is stored and audited; too many failures for one
    account lock it for ``LOCKOUT_MINUTES``, too many from one address refuse that address."""
    username, address = username[:64], (address or "-")[:64]
    # a name with control characters is no user's; it is stored and audited readable (U+FFFD)
    unreadable = CONTROL_CHARACTERS.search(username) is not None
    username = CONTROL_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", username)
    t = now()
    prune_attempts(s, t)
    count, _ = _failures_since(s, t - dt.timedelta(minutes=ADDRESS_WINDOW_MINUTES), address=address)
    if count >= ADDRESS_MAX_FAILURES:
        _refuse(
            s,
            username,
            address,
            "address_limited",
            f"登录失败次数过多：本机地址在 {ADDRESS_WINDOW_MINUTES} 分钟内失败 {count} 次，请稍后再试",
            ADDRESS_WINDOW_MINUTES * SECONDS_PER_MINUTE,
        )
    count, last = _failures_since(s, t - dt.timedelta(minutes=LOCKOUT_MINUTES), username=username)
    if count >= LOGIN_MAX_FAILURES and last is not None:
        minutes = max(1, int((last + dt.timedelta(minutes=LOCKOUT_MINUTES) - t).total_seconds() // 60) + 1)
        _refuse(
            s,
            username,
            address,
            "locked",
            f"账户已锁定：连续 {count} 次登录失败，请 {minutes} 分钟后再试或联系管理员",
            minutes * SECONDS_PER_MINUTE,
        )
    user = None if unreadable else s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    # one argon2 verification whether or not the user exists (no timing difference)
    ok = verify_password_or_dummy(user.password_hash if user is not None else None, password)
    if user is None or not ok or not user.active:
        s.add(LoginAttempt(at=t, username=username, address=address, ok=False))
        reason = "disabled" if user is not None and ok else "bad_credentials"
        audit.record(s, None, "login.failed", "user", username, {"address": address, "reason": reason})
        if count + 1 >= LOGIN_MAX_FAILURES:
            audit.record(
                s,
                None,
                "account.locked",
                "user",
                username,
                {"address": address, "failures": count + 1, "minutes": LOCKOUT_MINUTES},
            )
        s.commit()  # keep the attempt and the audit rows though the request fails
        raise Unauthorized("用户名或密码错误")
    s.add(LoginAttempt(at=t, username=username, address=address, ok=True))
    audit.record(s, user, "login", "user", user.id, {"address": address})
    return user


# --- sessions ----------------------------------------------------------------------------


def issue_token(s: Session, user: User) -> str:
    """Open a session; the token is both the web cookie and the API bearer token."""
    token, digest = new_token()
    t = now()
    s.add(
        UserSession(user_id=user.id, token_hash=digest, created_at=t, expires_at=t + dt.timedelta(hours=SESSION_HOURS))
    )
    s.flush()
    return token


def user_for_token(s: Session, token: str) -> User:
    row = s.execute(select(UserSession).where(UserSession.token_hash == token_digest(token))).scalar_one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at < now() or not row.user.active:
        raise Unauthorized("登录已失效，请重新登录")
    return row.user


def revoke_token(s: Session, token: str) -> bool:
    """Log out: the session stops working for the web and the API at once."""
    row = s.execute(select(UserSession).where(UserSession.token_hash == token_digest(token))).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = now()
    audit.record(s, row.user, "logout", "user", row.user_id, {})
    return True


def _revoke_all(s: Session, user: User) -> None:
    s.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now())
    )


def user_by_id(s: Session, user_id: int) -> User | None:
    return s.get(User, user_id)


# --- user management (用户管理, administrators only) -------------------------------------


def _admin(actor: User) -> None:
    if actor.role != "admin":
        raise Forbidden("只有管理员可以管理用户")


def _target(s: Session, username: str) -> User:
    user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"用户名：{username} 不存在")
    return user


def _check_password(password: str, username: str) -> None:
    problems = password_problems(password, username)
    if problems:
        raise ServiceError("；".join(problems))


def _check_region(region: str | None) -> str | None:
    if region in (None, ""):
        return None
    if problem_with_region(region) is not None:
        raise ServiceError(f"地区：{region} 不是已知的 6 位行政区划代码")
    return region


def _region_name(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return region_name(code)
    except ValueError:
        return code


def describe(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "region": user.region,
        "region_name": _region_name(user.region),
        "active": user.active,
        "created_at": user.created_at.isoformat(timespec="seconds"),
    }


def list_users(s: Session, actor: User) -> list[User]:
    _admin(actor)
    return list(s.execute(select(User).order_by(User.id)).scalars())


def admin_create(
    s: Session,
    actor: User,
    username: str,
    password: str,
    role: str,
    display_name: str,
    *,
    region: str | None = None,
    uscc: str | None = None,
) -> User:
    _admin(actor)
    if not username.strip() or len(username) > 64:
        raise ServiceError("用户名：应为 1–64 个字符")
    _check_password(password, username)
    if role in AREA_ROLES and not region:
        raise ServiceError(f"地区：角色 {role} 须指定所辖地区（6 位行政区划代码）")
    return create_user(
        s, username, password, role, display_name, region=_check_region(region), uscc=uscc or None, actor=actor
    )


def set_active(s: Session, actor: User, username: str, active: bool) -> User:
    _admin(actor)
    user = _target(s, username)
    if user.id == actor.id and not active:
        raise ServiceError("用户名：不能停用自己的账户")
    user.active = active
    if not active:
        _revoke_all(s, user)
    audit.record(s, actor, "user.enable" if active else "user.disable", "user", user.id, {"username": username})
    return user


def reset_password(s: Session, actor: User, username: str, password: str) -> User:
    _admin(actor)
    user = _target(s, username)
    _check_password(password, username)
    user.password_hash = hash_password(password)
    _revoke_all(s, user)
    s.add(LoginAttempt(at=now(), username=username, address="admin-reset", ok=True))  # lifts a lockout
    audit.record(s, actor, "user.reset_password", "user", user.id, {"username": username})
    return user


def assign(
    s: Session,
    actor: User,
    username: str,
    *,
    role: str | None = None,
    region: str | None = None,
    clear_region: bool = False,
) -> User:
    _admin(actor)
    user = _target(s, username)
    before = {"role": user.role, "region": user.region}
    if role is not None:
        if role not in _role_names():
            raise ServiceError(f"角色：未知角色 {role}，应为 {' / '.join(_role_names())}")
        if user.id == actor.id and role != "admin":
            raise ServiceError("角色：不能取消自己的管理员角色")
        user.role = role
    if clear_region:
        user.region = None
    elif region is not None:
        user.region = _check_region(region)
    if user.role in AREA_ROLES and not user.region:
        raise ServiceError(f"地区：角色 {user.role} 须指定所辖地区（6 位行政区划代码）")
    audit.record(
        s,
        actor,
        "user.assign",
        "user",
        user.id,
        {"username": username, "before": before, "after": {"role": user.role, "region": user.region}},
    )
    return user
