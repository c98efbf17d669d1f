"""Schemathesis with every check on the reports and publications endpoints as four roles:
no 500, every answer one the OpenAPI document declares."""

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from tests.labour.conftest import client, database, who  # noqa: F401

CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"
PATHS = (
    "daily-reports",
    "announcements",
    "agency-filings",
    "agency-annual-reports",
    "enforcement-cases",
    "occupations",
)


def test_fuzz_reports(client, who):
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app, config=SchemathesisConfig.from_path(CONFIG))
    bad = []
    for operation in [op.ok() for op in schema.get_all_operations()]:
        path = operation.path
        if not any(f"/api/v1/{k}" in path for k in PATHS):
            continue
        for user in ("chaoyang_jingban", "jigou", "geren", "admin"):
            headers = who[user]

            @given(case=operation.as_strategy())
            @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def fuzz(case):
                case.call_and_validate(headers=headers)  # noqa: B023 (called at once, in this iteration)

            try:
                fuzz()
            except Exception as e:
                bad.append(f"{operation.method.upper()} {path} as {user}: {str(e)[:600]}")
    assert not bad, "\n\n".join(bad)
