"""Web hardening (issue 14, item 9): cross-site writes with the session cookie are
refused, every response carries the security headers, the session cookie is
``Secure`` outside demo mode, and downloads with Chinese names work (RFC 5987)."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from openpyxl import Workbook

from renshe.app import create_app
from renshe.http.deps import COOKIE
from renshe.http.hardening import content_disposition
from renshe.services.demo import DEMO_PASSWORD
from tests.desk.conftest import client, database, login  # noqa: F401  (fixtures)

SITE = "http://testserver"
HEADER = "劳动者姓名,劳动者身份证号,劳动者手机号,用人单位名称,用人单位统一社会信用代码"
GOOD = "张三,110105198001011238,13912345678,北京示例科技有限公司,91110108MA01C7LM3W"
REPORT = {"file": ("r.csv", f"{HEADER}\n{GOOD}\n".encode())}


def session_cookie(client: TestClient, username: str) -> dict[str, str]:
    return {COOKIE: login(client, username)["Authorization"].removeprefix("Bearer ")}


def cookie_post(client: TestClient, cookie: dict[str, str], headers: dict[str, str]) -> Any:
    client.cookies.clear()
    try:
        client.cookies.update(cookie)
        return client.post("/api/v1/dispatch/check", headers=headers, files=REPORT)
    finally:
        client.cookies.clear()


def test_cross_site_cookie_write_is_refused(client: TestClient) -> None:
    cookie = session_cookie(client, "jigou")
    evil = cookie_post(client, cookie, {"Origin": "https://evil.example"})
    assert evil.status_code == 403 and "跨站" in evil.json()["detail"]
    assert cookie_post(client, cookie, {"Referer": "https://evil.example/page"}).status_code == 403
    assert cookie_post(client, cookie, {"Origin": "null"}).status_code == 403
    assert cookie_post(client, cookie, {}).status_code == 403  # neither Origin nor Referer: not from a page of ours
    # from this site's pages
    assert cookie_post(client, cookie, {"Origin": SITE}).status_code == 200
    assert cookie_post(client, cookie, {"Referer": SITE + "/dispatch"}).status_code == 200


def test_bearer_clients_and_reads_are_not_affected(client: TestClient) -> None:
    who = login(client, "jigou")
    r = client.post("/api/v1/dispatch/check", headers={**who, "Origin": "https://evil.example"}, files=REPORT)
    assert r.status_code == 200  # a cross-site page cannot set Authorization
    client.cookies.update(session_cookie(client, "jigou"))
    try:
        assert client.get("/dispatch", headers={"Origin": "https://evil.example"}).status_code == 200
    finally:
        client.cookies.clear()


def test_trusted_origin_behind_a_proxy(client: TestClient, monkeypatch: Any) -> None:
    cookie = session_cookie(client, "jigou")
    assert cookie_post(client, cookie, {"Origin": "https://renshe.example.gov.cn"}).status_code == 403
    monkeypatch.setenv("RENSHE_TRUSTED_ORIGINS", "https://renshe.example.gov.cn")
    assert cookie_post(client, cookie, {"Origin": "https://renshe.example.gov.cn"}).status_code == 200


def test_security_headers_on_every_response(client: TestClient) -> None:
    for r in (
        client.get("/"),
        client.get("/healthz"),
        client.get("/no-such-page"),
        client.get("/static/renshe.css"),
        client.post("/api/v1/dispatch/check", files=REPORT),
    ):
        assert r.headers["x-frame-options"] == "DENY", r.url
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self';" in csp  # no inline scripts on the pages


def test_pages_have_no_inline_scripts(client: TestClient) -> None:
    """The CSP refuses inline handlers; the pages must not rely on them."""
    import re
    from pathlib import Path

    from renshe.web import pages

    folder = Path(pages.__file__).with_name("templates")
    inline = re.compile(r"\son[a-z]+=|javascript:|<script(?![^>]*\ssrc=)", re.IGNORECASE)
    found = [
        f"{p.relative_to(folder)}: {m.group(0)}"
        for p in folder.rglob("*.html")
        for m in inline.finditer(p.read_text(encoding="utf-8"))
    ]
    assert found == []
    assert client.get("/static/renshe.js").status_code == 200


def test_session_cookie_is_secure_outside_demo_mode(client: TestClient) -> None:
    form = {"username": "jigou", "password": DEMO_PASSWORD, "next": "/my"}
    demo = client.post("/login", data=form, follow_redirects=False)
    assert demo.status_code == 303 and "secure" not in demo.headers["set-cookie"].lower()  # http://localhost demo
    with TestClient(create_app(migrate=False, demo=False)) as production:
        r = production.post("/login", data=form, follow_redirects=False)
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert cookie.startswith(COOKIE + "=") and "; Secure" in cookie and "httponly" in cookie.lower()
    client.cookies.clear()


def test_download_with_a_chinese_name(client: TestClient) -> None:
    """A table's own indicator (a column renshe does not know) is named by its Chinese
    header, and the dashboard workbook is named after it: this was a 500."""
    who = login(client, "xinmi_jingban")
    wb = Workbook()
    ws = wb.active
    for row in (["单位", "技能培训人次"], ["甲镇", 10], ["乙镇", 5]):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post(
        "/api/v1/targets/import",
        headers=who,
        files={"file": ("t.xlsx", buf.getvalue())},
        data={"name": "xinmi-training", "year": "2021"},
    )
    assert r.status_code == 201, r.text
    kind = r.json()["set"]["columns"][0]
    assert kind == "技能培训人次"
    d = client.get("/api/v1/targets/xinmi-training/dashboard.xlsx", headers=who, params={"kind": kind})
    assert d.status_code == 200, d.text
    disposition = d.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="xinmi-training-')
    assert f"filename*=UTF-8''xinmi-training-{quote(kind)}-" in disposition


def test_content_disposition_is_safe_ascii_with_the_real_name() -> None:
    header = content_disposition('报表"1"\r\n.xlsx')
    header.encode("latin-1")  # a header must be latin-1: this raised for Chinese names before
    assert header.startswith('attachment; filename="___1___.xlsx"; ')
    assert header.endswith("filename*=UTF-8''%E6%8A%A5%E8%A1%A8%221%22%0D%0A.xlsx")
