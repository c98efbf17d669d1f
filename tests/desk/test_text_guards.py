"""Text the database cannot hold is refused with the field named (控制字符), and a data error
the database raises is answered for what it is: an identifier out of range names nothing (404),
anything else was not saved (422, logged with personal data masked)."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import DataError

from renshe.store.db import session
from renshe.store.models_labour import DisputeCase

DISPUTE = {
    "kind": "arbitration",
    "employer_name": "北京示例科技有限公司",
    "employer_uscc": "91110108MA01C7LM3W",
    "facts": "拖欠2020年2月工资",
    "infringement_known_on": "2020-02-15",
    "obstacle_start": "2020-02-15",
    "obstacle_end": "2020-04-15",
    "region": "110105",
}


def disputes_saved() -> int:
    with session() as s:
        return s.execute(select(func.count()).select_from(DisputeCase)).scalar_one()


def test_api_body_with_nul_is_refused_naming_the_field(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    before = disputes_saved()
    r = client.post("/api/v1/disputes", headers=tokens["geren"], json={**DISPUTE, "facts": "拖欠\x00工资"})
    assert r.status_code == 422, r.text
    (problem,) = r.json()["detail"]
    assert problem["loc"] == ["body", "facts"] and problem["type"] == "control_character"
    assert "facts" in problem["msg"] and "控制字符" in problem["msg"] and "U+0000" in problem["msg"]
    nested = client.post("/api/v1/disputes", headers=tokens["geren"], json={**DISPUTE, "employer_name": "示例\x07公司"})
    assert nested.status_code == 422 and nested.json()["detail"][0]["loc"] == ["body", "employer_name"]
    assert disputes_saved() == before
    # tab, newline and carriage return belong in typed text
    ok = client.post("/api/v1/disputes", headers=tokens["geren"], json={**DISPUTE, "facts": "第一行\r\n第二行\t完"})
    assert ok.status_code == 201, ok.text
    assert disputes_saved() == before + 1
    got = client.get(f"/api/v1/disputes/{ok.json()['number']}", headers=tokens["geren"])
    assert got.status_code == 200


def test_web_form_with_nul_is_refused_naming_the_field(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    before = disputes_saved()
    page = {**DISPUTE, "facts": "拖欠\x00工资"}
    r = client.post("/disputes", data=page, headers={**tokens["geren"], "Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "字段“facts”" in r.text and "控制字符" in r.text and "未保存" in r.text
    # a client that does not ask for HTML gets the API's error shape
    r = client.post("/disputes", data=page, headers=tokens["geren"], follow_redirects=False)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "facts"]
    assert disputes_saved() == before
    # the same form without the control character is filed
    r = client.post("/disputes", data=DISPUTE, headers=tokens["geren"], follow_redirects=False)
    assert r.status_code == 303, r.text
    assert disputes_saved() == before + 1


def test_query_and_path_with_control_characters(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    r = client.get("/api/v1/jobs", params={"q": "司机\x00"}, headers=tokens["geren"])
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "q"]
    assert "查询参数字段“q”" in r.json()["detail"][0]["msg"]
    r = client.get("/api/v1/disputes/SQ%00", headers=tokens["geren"])
    assert r.status_code == 404 and "未找到" in r.json()["detail"]


def test_identifier_too_large_is_still_not_found(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    for too_large in ("9223372036854775808", "99999999999999999999"):
        r = client.get(f"/api/v1/disbursements/{too_large}/export", headers=tokens["caiwu"])
        assert r.status_code == 404, r.text


def test_other_data_errors_are_not_saved_and_logged_masked(database: str, caplog: pytest.LogCaptureFixture) -> None:
    """The handler the app installs, for a data error that is not an identifier out of range
    (PostgreSQL 22001 string_data_right_truncation: a text too long for its column)."""
    from renshe.app import create_app

    class TooLong(Exception):
        sqlstate = "22001"

    app: FastAPI = create_app(migrate=False)

    @app.get("/too-long")
    def too_long() -> None:
        raise DataError(
            "INSERT INTO x (id_number, phone) VALUES (?, ?)",
            ("110105198001011238", "13812345678"),
            TooLong("value too long for type character varying(18)"),
        )

    with caplog.at_level(logging.WARNING), TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/too-long")
    assert r.status_code == 422 and r.json() == {"detail": "内容格式不符或过长，未保存"}
    logged = " ".join(rec.getMessage() for rec in caplog.records if rec.name == "renshe.http.database_errors")
    assert "22001" in logged and "110105********1238" in logged and "138****5678" in logged
    assert "110105198001011238" not in logged and "13812345678" not in logged
