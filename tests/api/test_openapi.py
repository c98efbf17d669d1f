"""The OpenAPI document declares the answers the layers around each route give
(api/openapi.py): checked here against the access table and real requests."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from renshe.app import create_app
from renshe.http.access import RULES


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app(migrate=False).openapi()


def test_signed_in_routes_declare_401_and_403_public_ones_do_not(spec: dict[str, Any]) -> None:
    checked = 0
    for (method, path), rule in RULES.items():
        operation = spec["paths"].get(path, {}).get(method.lower())
        if operation is None:  # a desk page (not in the API document)
            continue
        responses = operation["responses"]
        if rule.public:
            assert "401" not in responses or path.endswith("/login"), (method, path)
        else:
            assert {"401", "403"} <= responses.keys(), (method, path, sorted(responses))
        checked += 1
    assert checked >= 60


def test_error_shapes_are_published(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["Problem"]["required"] == ["detail"]
    assert {"detail", "problems"} <= set(schemas["CaseProblems"]["required"])
    bad_case = spec["paths"]["/api/v1/evaluate"]["post"]["responses"]["422"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/CaseProblems"} in bad_case["anyOf"]
    login = spec["paths"]["/api/v1/login"]["post"]["responses"]
    assert "Retry-After" in login["429"]["headers"] and "401" in login
    busy = spec["paths"]["/api/v1/applications"]["get"]["responses"]["503"]
    assert "Retry-After" in busy["headers"]


def test_downloads_declare_their_file_types(spec: dict[str, Any]) -> None:
    export = spec["paths"]["/api/v1/dispatch/export"]["get"]["responses"]["200"]["content"]
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in export
    assert "application/json" not in export
    check = spec["paths"]["/api/v1/dispatch/check"]["post"]["responses"]["200"]["content"]
    assert {"application/json", "text/csv"} <= check.keys()  # JSON, or the full list as a file


def test_a_bad_case_answers_the_declared_shape() -> None:
    client = TestClient(create_app(migrate=False))
    r = client.post("/api/v1/evaluate", content=b"not json")
    assert r.status_code == 422
    body = r.json()
    assert isinstance(body["detail"], str) and body["problems"][0]["path"] == ""
