"""Accounts (账户): login rate limit and lockout with audit, constant-time user lookup,
server-side sessions, password policy and user management (issue 14 item 7)."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from renshe.services import security, users
from renshe.services.errors import ServiceError
from renshe.store.db import session
from renshe.store.models import AuditEvent, LoginAttempt, User, UserSession, now
from tests.desk.conftest import login

GOOD = "Qf7-lantern-orchid"  # passes the policy
SAME_SITE = {"origin": "http://testserver"}  # a form posted from the site's own page


def make_user(username: str, role: str = "enterprise", region: str | None = None) -> None:
    with session() as s:
        users.create_user(s, username, GOOD, role, f"测试 {username}", region=region)


def api_login(client: TestClient, username: str, password: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    r = client.post("/api/v1/login", json={"username": username, "password": password})
    return r.status_code, r.json()


def events(action: str, entity_id: str) -> list[AuditEvent]:
    with session() as s:
        return list(
            s.execute(
                select(AuditEvent).where(AuditEvent.action == action, AuditEvent.entity_id == entity_id)
            ).scalars()
        )


def age_attempts(username: str, minutes: int) -> None:
    """Move a user name's attempts into the past, as if ``minutes`` had gone by."""
    with session() as s:
        for a in s.execute(select(LoginAttempt).where(LoginAttempt.username == username)).scalars():
            a.at = a.at - dt.timedelta(minutes=minutes)


# --- rate limit and lockout ----------------------------------------------------------------


def test_failed_api_login_is_audited(client: TestClient) -> None:
    status, body = api_login(client, "qiye", "wrong-password")
    assert status == 401 and body["detail"] == "用户名或密码错误"
    rows = events("login.failed", "qiye")
    assert rows and rows[-1].detail["reason"] == "bad_credentials" and rows[-1].detail["address"] == "testclient"


def test_a_name_with_control_characters_is_refused_as_bad_credentials(client: TestClient) -> None:
    """A NUL in the name (PostgreSQL's text cannot hold it; found by the schemathesis fuzz test)
    is refused like any text that cannot be saved (422 naming the field, no password checked);
    a name with a newline, which text may hold but no user name does, is a failed sign-in like
    any other — 401, stored and audited readable — not a database error."""
    status, body = api_login(client, "\x00qiye\n", "wrong-password")
    assert status == 422 and body["detail"][0]["loc"] == ["body", "username"], body
    status, body = api_login(client, "\tqiye\n", "wrong-password")
    assert status == 401 and body["detail"] == "用户名或密码错误"
    assert events("login.failed", "\ufffdqiye\ufffd")
    r = client.post("/login", data={"username": "qi\x00ye", "password": "x", "next": "/my"})
    assert r.status_code == 422 and "username" in r.json()["detail"][0]["msg"]
    r = client.post("/login", data={"username": "qi\nye", "password": "x", "next": "/my"})
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    with session() as s, pytest.raises(ServiceError, match="控制字符"):
        users.create_user(s, "bad\tname", "Good-Password-2026!", "enterprise", "名")


def test_lockout_after_max_failures_and_its_audit(client: TestClient) -> None:
    make_user("lock_me")
    for _ in range(users.LOGIN_MAX_FAILURES):
        assert api_login(client, "lock_me", "not-the-password")[0] == 401
    assert len(events("account.locked", "lock_me")) == 1
    status, body = api_login(client, "lock_me", GOOD)  # the right password no longer helps
    assert status == 429 and body["detail"].startswith("账户已锁定"), body
    reasons = [e.detail["reason"] for e in events("login.failed", "lock_me")]
    assert reasons == ["bad_credentials"] * users.LOGIN_MAX_FAILURES + ["locked"]
    age_attempts("lock_me", users.LOCKOUT_MINUTES + 1)  # the lockout has run out
    assert api_login(client, "lock_me", GOOD)[0] == 200


def test_old_attempts_are_pruned_but_their_audit_stays(client: TestClient) -> None:
    """login_attempts keeps what the lockout windows need; the audit log keeps everything."""
    make_user("old_timer")
    assert api_login(client, "old_timer", "not-the-password")[0] == 401
    age_attempts("old_timer", (users.ATTEMPTS_RETENTION_DAYS + 1) * 24 * 60)
    assert api_login(client, "old_timer", GOOD)[0] == 200  # any sign-in prunes
    with session() as s:
        rows = list(s.execute(select(LoginAttempt).where(LoginAttempt.username == "old_timer")).scalars())
    assert [r.ok for r in rows] == [True]
    assert len(events("login.failed", "old_timer")) == 1


def test_unknown_names_lock_the_same_way(client: TestClient) -> None:
    """A lockout does not tell an attacker whether the name exists."""
    for _ in range(users.LOGIN_MAX_FAILURES):
        assert api_login(client, "no_such_user", "whatever-password")[0] == 401
    status, body = api_login(client, "no_such_user", "whatever-password")
    assert status == 429 and body["detail"].startswith("账户已锁定")


def test_a_success_resets_the_count(client: TestClient) -> None:
    make_user("typist")
    for _ in range(2):
        for _ in range(users.LOGIN_MAX_FAILURES - 1):
            assert api_login(client, "typist", "typo-typo-typo")[0] == 401
        assert api_login(client, "typist", GOOD)[0] == 200
    assert events("account.locked", "typist") == []


def test_one_address_spraying_many_names_is_refused(client: TestClient) -> None:
    make_user("sprayed")
    spray = "203.0.113.7"
    with session() as s:  # one failure per name, so no account locks: only the address limit can stop this
        for i in range(users.ADDRESS_MAX_FAILURES):
            with pytest.raises(ServiceError) as exc:
                users.authenticate(s, f"guess{i}", "Password-2020!", spray)
            assert exc.value.status == 401
    with session() as s, pytest.raises(users.TooManyAttempts) as refused:
        users.authenticate(s, "sprayed", GOOD, spray)
    assert "本机地址" in refused.value.message
    assert events("login.failed", "sprayed")[-1].detail["reason"] == "address_limited"
    with session() as s:  # another address is not affected
        assert users.authenticate(s, "sprayed", GOOD, "198.51.100.1").username == "sprayed"


# --- constant-time user lookup -------------------------------------------------------------


def test_unknown_user_costs_one_argon2_verification(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    make_user("timed")
    calls: list[str] = []
    real = security._hasher

    class Counting:  # the real argon2 hasher, counting its verifications
        def verify(self, password_hash: str, password: str) -> bool:
            calls.append(password_hash)
            return real.verify(password_hash, password)

        def hash(self, password: str) -> str:
            return real.hash(password)

    monkeypatch.setattr(security, "_hasher", Counting())
    for name in ("timed", "nobody_at_all"):
        calls.clear()
        with session() as s, pytest.raises(ServiceError):
            users.authenticate(s, name, "wrong-password-1", "192.0.2.1")
        assert len(calls) == 1 and calls[0].startswith("$argon2"), (name, calls)


def test_unknown_and_known_names_take_about_as_long(client: TestClient) -> None:
    make_user("timed2")

    def cost(name: str) -> float:
        times = []
        for i in range(3):
            t = time.perf_counter()
            with session() as s, pytest.raises(ServiceError):
                users.authenticate(s, name, f"wrong-{i}", f"192.0.2.{10 + i}")
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    known, unknown = cost("timed2"), cost("nobody_timed")
    assert unknown > known / 3 and known > unknown / 3, (known, unknown)  # was 165 ms vs 3 ms


# --- sessions ------------------------------------------------------------------------------


def test_token_lives_session_hours(client: TestClient) -> None:
    login(client, "geren")
    with session() as s:
        row = (
            s.execute(select(UserSession).join(User).where(User.username == "geren").order_by(UserSession.id.desc()))
            .scalars()
            .first()
        )
        assert row is not None and row.expires_at - row.created_at == dt.timedelta(hours=users.SESSION_HOURS)


def test_web_logout_revokes_the_token_for_the_api(client: TestClient) -> None:
    make_user("leaver")
    r = client.post("/login", data={"username": "leaver", "password": GOOD, "next": "/my"}, follow_redirects=False)
    assert r.status_code == 303
    token = r.cookies["renshe_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert client.post("/logout", headers=SAME_SITE, follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    assert client.get("/api/v1/me", cookies={"renshe_token": token}).status_code == 401


def test_api_logout_revokes_the_token(client: TestClient) -> None:
    headers = login(client, "jigou")
    r = client.post("/api/v1/logout", headers=headers)
    assert r.status_code == 200 and r.json() == {"revoked": True}
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_expired_token_is_refused(client: TestClient) -> None:
    headers = login(client, "shenji")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    digest = security.token_digest(headers["Authorization"].removeprefix("Bearer "))
    with session() as s:
        s.execute(
            update(UserSession)
            .where(UserSession.token_hash == digest)
            .values(expires_at=now() - dt.timedelta(seconds=1))
        )
    r = client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401 and r.json()["detail"] == "登录已失效，请重新登录"


# --- password policy and user management ---------------------------------------------------


@pytest.fixture(scope="module")
def admin(client: TestClient) -> dict[str, str]:
    return login(client, "admin")


def new_user(
    client: TestClient,
    headers: dict[str, str],
    username: str,
    password: str = GOOD,
    role: str = "caseworker",
    region: str | None = "410183",
) -> tuple[int, dict]:  # type: ignore[type-arg]
    r = client.post(
        "/api/v1/users",
        headers=headers,
        json={"username": username, "password": password, "role": role, "display_name": "新经办", "region": region},
    )
    return r.status_code, r.json()


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Short-1", "密码：至少需要 12 个字符，实际为 7 个"),
        ("password2020!", "密码：属于常见或已泄露的密码"),
        ("QWERTYUIOP123", "密码：属于常见或已泄露的密码"),
        ("policy_user-longer-1", "密码：不能包含用户名 policy_user"),
        ("renshe-demo-2020", "密码：不能包含易猜词“renshe”"),
    ],
)
def test_password_policy_refuses_in_chinese(
    client: TestClient, admin: dict[str, str], password: str, expected: str
) -> None:
    status, body = new_user(client, admin, "policy_user", password)
    assert status == 400 and expected in body["detail"], body


def test_admin_creates_disables_resets_and_assigns(client: TestClient, admin: dict[str, str]) -> None:
    status, body = new_user(client, admin, "new_jingban")
    assert status == 201 and body["region_name"] == "河南省郑州市新密市" and body["role"] == "caseworker", body
    own = login_as(client, "new_jingban", GOOD)
    assert client.get("/api/v1/me", headers=own).json()["region"] == "410183"

    r = client.patch("/api/v1/users/new_jingban", headers=admin, json={"role": "auditor", "region": "110108"})
    assert r.status_code == 200 and r.json()["role"] == "auditor" and r.json()["region_name"] == "北京市海淀区"
    assert client.get("/api/v1/me", headers=own).json()["role"] == "auditor"
    bad = client.patch("/api/v1/users/new_jingban", headers=admin, json={"role": "emperor"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("角色：未知角色 emperor")

    r = client.post("/api/v1/users/new_jingban/password", headers=admin, json={"password": "Harbour-violet-93"})
    assert r.status_code == 200
    assert client.get("/api/v1/me", headers=own).status_code == 401  # the reset ended the session
    assert api_login(client, "new_jingban", GOOD)[0] == 401
    own = login_as(client, "new_jingban", "Harbour-violet-93")

    assert client.post("/api/v1/users/new_jingban/disable", headers=admin).json()["active"] is False
    assert client.get("/api/v1/me", headers=own).status_code == 401
    assert api_login(client, "new_jingban", "Harbour-violet-93")[0] == 401
    assert client.post("/api/v1/users/new_jingban/enable", headers=admin).json()["active"] is True
    assert api_login(client, "new_jingban", "Harbour-violet-93")[0] == 200

    actions = [e.action for e in events_for_user("new_jingban")]
    assert {"user.create", "user.assign", "user.reset_password", "user.disable", "user.enable"} <= set(actions)
    assert all("Harbour" not in str(e.detail) for e in events_for_user("new_jingban"))


def test_caseworker_needs_an_area_and_a_known_region(client: TestClient, admin: dict[str, str]) -> None:
    status, body = new_user(client, admin, "no_area", region=None)
    assert status == 400 and body["detail"].startswith("地区：角色 caseworker 须指定所辖地区"), body
    status, body = new_user(client, admin, "bad_area", region="999999")
    assert status == 400 and body["detail"] == "地区：999999 不是已知的 6 位行政区划代码", body
    r = client.patch("/api/v1/users/jingban", headers=admin, json={"region": ""})
    assert r.status_code == 400 and r.json()["detail"].startswith("地区：角色 caseworker 须指定所辖地区")
    with session() as s:
        assert s.execute(select(User.region).where(User.username == "jingban")).scalar() == "110000"


@pytest.mark.parametrize("who", ["qiye", "jingban", "shenji"])
def test_non_admins_cannot_manage_users(client: TestClient, tokens: dict[str, dict[str, str]], who: str) -> None:
    headers = tokens[who]
    assert client.get("/api/v1/users", headers=headers).status_code == 403
    assert new_user(client, headers, f"by_{who}")[0] == 403
    assert client.post("/api/v1/users/qiye/disable", headers=headers).status_code == 403
    assert client.post("/api/v1/users/qiye/password", headers=headers, json={"password": GOOD}).status_code == 403
    assert client.patch("/api/v1/users/qiye", headers=headers, json={"role": "admin"}).status_code == 403
    with session() as s:
        assert s.execute(select(User.role).where(User.username == "qiye")).scalar() == "enterprise"


def test_admin_page(client: TestClient, admin: dict[str, str], tokens: dict[str, dict[str, str]]) -> None:
    cookie = {"renshe_token": admin["Authorization"].removeprefix("Bearer ")}
    page = client.get("/admin/users", cookies=cookie)
    assert page.status_code == 200 and "用户管理" in page.text and "河南省郑州市新密市" in page.text
    r = client.post(
        "/admin/users",
        cookies=cookie,
        headers=SAME_SITE,
        data={"username": "web_user", "password": "short", "role": "person", "display_name": "李四", "region": ""},
    )
    assert r.status_code == 400 and "密码：至少需要 12 个字符" in r.text
    r = client.post(
        "/admin/users",
        cookies=cookie,
        headers=SAME_SITE,
        follow_redirects=False,
        data={"username": "web_user", "password": GOOD, "role": "person", "display_name": "李四", "region": ""},
    )
    assert r.status_code == 303
    r = client.post(
        "/admin/users/web_user/active", cookies=cookie, headers=SAME_SITE, data={"active": "0"}, follow_redirects=False
    )
    assert r.status_code == 303
    with session() as s:
        assert s.execute(select(User.active).where(User.username == "web_user")).scalar() is False
    other = {"renshe_token": tokens["jingban"]["Authorization"].removeprefix("Bearer ")}
    assert client.get("/admin/users", cookies=other).status_code == 403
    assert (
        client.post("/admin/users/web_user/active", cookies=other, headers=SAME_SITE, data={"active": "1"}).status_code
        == 403
    )


def login_as(client: TestClient, username: str, password: str) -> dict[str, str]:
    status, body = api_login(client, username, password)
    assert status == 200, body
    return {"Authorization": f"Bearer {body['token']}"}


def events_for_user(username: str) -> Iterator[AuditEvent]:
    with session() as s:
        uid = s.execute(select(User.id).where(User.username == username)).scalar()
        return iter(
            list(
                s.execute(
                    select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.entity_id == str(uid))
                ).scalars()
            )
        )


def test_a_refused_login_says_when_to_try_again(client: TestClient) -> None:
    """A lockout (429) carries Retry-After: the seconds until the lockout ends, as the message says."""
    make_user("wait_for_it")
    for _ in range(users.LOGIN_MAX_FAILURES):
        api_login(client, "wait_for_it", "not-the-password")
    response = client.post("/api/v1/login", json={"username": "wait_for_it", "password": GOOD})
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= users.LOCKOUT_MINUTES * 60
    assert f"{seconds // 60} 分钟后再试" in response.json()["detail"]
    page = client.post(
        "/login", data={"username": "wait_for_it", "password": GOOD}, headers={"Origin": "http://testserver"}
    )
    assert page.status_code == 429 and page.headers["Retry-After"].isdigit()
