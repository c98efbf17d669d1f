"""The HTTP API and pages, through the real ASGI app."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from renshe.app import create_app
from renshe.engine.calculator import evaluate_json
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_evaluate_same_answer_as_the_engine(client: TestClient, path: Any) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))["case"]
    response = client.post("/api/v1/evaluate", json=case)
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(evaluate_json(case)))


def test_bad_case_is_422_with_problems(client: TestClient, example_case: dict[str, Any]) -> None:
    example_case["enterprise"]["contributions"][3]["month"] = "2020-13"
    example_case["enterprise"]["employees"] = -1
    response = client.post("/api/v1/evaluate", json=example_case)
    assert response.status_code == 422
    paths = {p["path"] for p in response.json()["problems"]}
    assert paths == {"enterprise.contributions[3].month", "enterprise.employees"}
    assert 'enterprise.contributions[3].month: "2020-13" is not a month (YYYY-MM)' in response.json()["lines"]


def test_invalid_json_is_422(client: TestClient) -> None:
    response = client.post("/api/v1/evaluate", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "invalid JSON" in response.json()["lines"][0]


def test_explain_query(client: TestClient, example_case: dict[str, Any]) -> None:
    body = client.post("/api/v1/evaluate?explain=true", json=example_case).json()
    assert any(r["trace"] for r in body["results"])


def test_policy_list_and_detail(client: TestClient) -> None:
    rows = client.get("/api/v1/policies").json()
    ids = {r["id"] for r in rows}
    assert {"cn.si_relief_2020", "beijing.sick_pay_floor", "yongzhou.work_injury_base_rate"} <= ids
    detail = client.get("/api/v1/policies/cn.si_relief_2020").json()
    assert detail["citations"][0]["doc_no"] == "人社部发〔2020〕11号"
    assert any(p["name"] == "cn.si_relief_2020.exemption_ratio" for p in detail["parameters"])
    assert client.get("/api/v1/policies/nope.nothing").status_code == 404


def test_calculator_page_shows_results(client: TestClient, example_case: dict[str, Any]) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "政策计算器" in page.text
    result = client.post("/calculate", data={"case_json": json.dumps(example_case, ensure_ascii=False)})
    assert result.status_code == 200
    assert 'data-policy="cn.si_relief_2020"' in result.text
    assert "170,000.00" in result.text
    assert "人社部发〔2020〕11号" in result.text


def test_calculator_page_shows_problems_in_chinese(client: TestClient) -> None:
    result = client.post(
        "/calculate", data={"case_json": '{"as_of": "2020-07-31", "enterprise": {"region": "999999"}}'}
    )
    assert result.status_code == 422
    assert "案例有误" in result.text and "enterprise.region" in result.text


def test_openapi_documents_evaluate(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/evaluate" in spec["paths"]


def test_evaluate_leaves_out_of_scope_results_out_unless_all(client: TestClient) -> None:
    """interface.md (contract version 2): out-of-scope results are left out unless the caller
    asks for everything (POST /api/v1/evaluate?all=true); the body carries totals by flow."""
    case = json.loads((EXAMPLES / "06_beijing_frontline_nurse.json").read_text(encoding="utf-8"))["case"]
    shown = client.post("/api/v1/evaluate", json=case).json()
    everything = client.post("/api/v1/evaluate?all=true", json=case).json()
    assert set(shown["totals"]) == {"cash", "reduction", "deferral", "credit", "wage"}
    assert all(r["status"] != "out_of_scope" for r in shown["results"])
    outside = [r for r in everything["results"] if r["status"] == "out_of_scope"]
    assert outside and len(everything["results"]) == len(shown["results"]) + len(outside)
    assert everything == evaluate_json(case, everything=True)
