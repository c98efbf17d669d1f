"""Schemathesis with every check (``--checks all``) on every operation of the OpenAPI
document: no 500, and every answer — status code, content type, headers, body — is one
the document declares (api/openapi.py adds the error answers of the layers around each
route). Run as a caseworker and as an enterprise, so both the allowed and the refused
paths are answered. ``schemathesis.toml`` says which statuses a schema-valid request may
still get (rules the schema cannot express)."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from tests.desk.conftest import login

CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"


@pytest.mark.parametrize("username", ["jingban", "qiye"])
def test_every_answer_is_documented(client: TestClient, username: str) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app, config=SchemathesisConfig.from_path(CONFIG))
    headers = login(client, username)
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 60
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers)

        try:
            fuzz()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    assert not failures, "\n\n".join(failures)
