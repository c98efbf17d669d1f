"""Schemathesis fuzzing of the OpenAPI schema: whatever arrives, no 500."""

from __future__ import annotations

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from tests.desk.conftest import login


def test_no_server_error(client: TestClient) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    headers = login(client, "jingban")
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 15
    checked = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, \
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"

        fuzz()
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert "POST /api/v1/evaluate" in checked
