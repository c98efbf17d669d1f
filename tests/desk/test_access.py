"""Roles × endpoints: no one reads or changes what is not theirs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.desk.conftest import example


@pytest.fixture(scope="module")
def numbers(client: TestClient, tokens: dict[str, dict[str, str]]) -> dict[str, str]:
    beijing = client.post(
        "/api/v1/applications",
        json={
            "policy": "cn.si_relief_2020",
            "case": example("01_beijing_medium_software"),
            "bank_account": "6222020200011112222",
        },
        headers={**tokens["qiye"], "Idempotency-Key": "acc-1"},
    ).json()
    person = client.post(
        "/api/v1/applications",
        json={
            "policy": "beijing.frontline_allowance_2020",
            "case": example("06_beijing_frontline_nurse"),
            "bank_account": "6222020200033334444",
        },
        headers={**tokens["geren"], "Idempotency-Key": "acc-2"},
    ).json()
    return {"beijing": beijing["number"], "person": person["number"]}


@pytest.mark.parametrize("path", ["/api/v1/applications", "/api/v1/me", "/api/v1/audit", "/api/v1/audit/verify"])
def test_anonymous_is_401(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 401


def test_anonymous_may_evaluate_and_read_notices(client: TestClient) -> None:
    assert client.post("/api/v1/evaluate", json=example("06_beijing_frontline_nurse")).status_code == 200
    assert client.get("/api/v1/notices").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_bad_token_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_wrong_password(client: TestClient) -> None:
    assert client.post("/api/v1/login", json={"username": "qiye", "password": "x"}).status_code == 401


MATRIX = [
    # (who, what, expected status)
    ("qiye", "own", 200),
    ("xinmi_qiye", "other", 403),
    ("jigou", "other", 403),
    ("geren", "other", 403),
    ("jingban", "own_area", 200),
    ("xinmi_jingban", "other_area", 403),
    ("shenji", "any", 200),
    ("admin", "any", 200),
]


@pytest.mark.parametrize(("who", "what", "status"), MATRIX)
def test_read_matrix(
    client: TestClient, tokens: dict[str, dict[str, str]], numbers: dict[str, str], who: str, what: str, status: int
) -> None:
    assert client.get(f"/api/v1/applications/{numbers['beijing']}", headers=tokens[who]).status_code == status


@pytest.mark.parametrize("who", ["qiye", "xinmi_qiye", "jigou", "geren", "xinmi_jingban", "shenji", "admin"])
def test_only_the_area_caseworker_reviews(
    client: TestClient, tokens: dict[str, dict[str, str]], numbers: dict[str, str], who: str
) -> None:
    r = client.post(
        f"/api/v1/applications/{numbers['beijing']}/review",
        json={"action": "reject", "reason": "x"},
        headers=tokens[who],
    )
    assert r.status_code == 403


@pytest.mark.parametrize("who", ["qiye", "jigou", "geren", "jingban"])
def test_only_auditors_read_the_audit_log(client: TestClient, tokens: dict[str, dict[str, str]], who: str) -> None:
    assert client.get("/api/v1/audit", headers=tokens[who]).status_code == 403


def test_lists_are_own_only(client: TestClient, tokens: dict[str, dict[str, str]], numbers: dict[str, str]) -> None:
    mine = {a["number"] for a in client.get("/api/v1/applications", headers=tokens["geren"]).json()}
    assert numbers["person"] in mine and numbers["beijing"] not in mine
    xinmi = {a["number"] for a in client.get("/api/v1/applications", headers=tokens["xinmi_jingban"]).json()}
    assert numbers["beijing"] not in xinmi


def test_masking_by_role(client: TestClient, tokens: dict[str, dict[str, str]], numbers: dict[str, str]) -> None:
    own = client.get(f"/api/v1/applications/{numbers['person']}", headers=tokens["geren"]).json()
    assert own["subject_id_number"] == "110105********1238"
    assert own["bank_account"] == "***************4444"
    staff = client.get(f"/api/v1/applications/{numbers['person']}", headers=tokens["jingban"]).json()
    assert staff["subject_id_number"] == "110105198001011238"
    auditor = client.get(f"/api/v1/applications/{numbers['person']}", headers=tokens["shenji"]).json()
    assert auditor["subject_id_number"] == "110105********1238"
    log = client.get("/api/v1/audit?action=personal_data.view", headers=tokens["shenji"]).json()
    assert any(e["entity_id"] == numbers["person"] and e["actor"] == "jingban" for e in log)
    assert "110105198001011238" not in str(client.get("/api/v1/audit?limit=1000", headers=tokens["shenji"]).json())
