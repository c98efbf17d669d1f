"""POST /api/v1/evaluate with numbers that can't be: 422 naming the field, never a 500;
and never NaN or Infinity in a 200 answer. (The CLI side: tests/cli/test_bad_numbers.py.)"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_api import client  # noqa: F401 — the API tests' client fixture
from tests.cli.test_bad_cases import patched

MARK = "__NUMBER__"


def post_text(client: TestClient, text: str) -> Any:
    return client.post("/api/v1/evaluate", content=text.encode("utf-8"), headers={"content-type": "application/json"})


def with_token(case: dict[str, Any], path: str, token: str) -> str:
    return json.dumps(patched(case, path, MARK), ensure_ascii=False).replace(f'"{MARK}"', token)


def assert_422(response: Any, path: str, expected: str = "") -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert path in {p["path"] for p in body["problems"]}, body["lines"]
    assert all("Traceback" not in line for line in body["lines"])
    if expected:
        assert any(expected in p["message"] for p in body["problems"] if p["path"] == path), body["lines"]


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
@pytest.mark.parametrize(
    "path", ["enterprise.employees", "enterprise.revenue", "enterprise.contributions.0.employer_due"]
)
def test_non_finite_number_is_422(client: TestClient, example_case: dict[str, Any], path: str, token: str) -> None:
    response = post_text(client, with_token(example_case, path, token))
    assert_422(response, path.replace(".0.", "[0]."), "not a finite number")


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("enterprise.revenue", 1e20, "too large"),
        ("enterprise.employees", 50_000_000, "too large"),
        ("enterprise.attrition_2019", -1, "negative"),
        ("as_of", "9999-12-31", "1950-01-01 to 2100-12-31"),
        ("enterprise.contributions.0.month", "1900-01", "1950-01 to 2100-12"),
    ],
)
def test_beyond_the_limits_is_422(
    client: TestClient, example_case: dict[str, Any], path: str, value: Any, expected: str
) -> None:
    response = client.post("/api/v1/evaluate", json=patched(example_case, path, value))
    assert_422(response, path.replace(".0.", "[0]."), expected)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("beijing.ui_benefit_monthly_2019", "abc", "expected a number"),
        ("beijing.ui_benefit_monthly_2019", [1, 2], "expected a number"),
        ("beijing.ui_benefit_monthly_2019", -100, "negative amount"),
        ("henan.epidemic_end_date", "2020-02-30", "expected a date"),
        ("henan.epidemic_end_date", "not a date", "expected a date"),
    ],
)
def test_override_of_the_wrong_type_is_422(
    client: TestClient, example_case: dict[str, Any], name: str, value: Any, expected: str
) -> None:
    response = client.post("/api/v1/evaluate", json=patched(example_case, "parameters", {name: value}))
    assert_422(response, f"parameters.{name}", expected)


@pytest.mark.parametrize("token", ["NaN", "1e400"])
def test_non_finite_override_is_422(client: TestClient, example_case: dict[str, Any], token: str) -> None:
    text = json.dumps(patched(example_case, "parameters", {"beijing.ui_benefit_monthly_2019": MARK}))
    response = post_text(client, text.replace(f'"{MARK}"', token))
    assert_422(response, "parameters.beijing.ui_benefit_monthly_2019", "not a finite number")


def test_answer_is_strict_json(client: TestClient, example_case: dict[str, Any]) -> None:
    """A 200 answer parses as JSON without NaN or Infinity (the API's serialiser would turn them
    into null silently; the engine guard is tests/cli/test_bad_numbers.py)."""
    response = client.post("/api/v1/evaluate?explain=true", json=example_case)
    assert response.status_code == 200

    def refuse(token: str) -> float:
        raise AssertionError(f"{token} in the answer")

    body = json.loads(response.text, parse_constant=refuse)
    assert all(not (isinstance(r.get("amount"), float) and not math.isfinite(r["amount"])) for r in body["results"])
