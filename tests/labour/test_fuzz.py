"""Schemathesis with every check on the labour-market endpoints as four roles: no 500,
every answer one the OpenAPI document declares."""

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from tests.labour.conftest import client, database, who  # noqa: F401

CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"


def test_fuzz_labour(client, who):
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app, config=SchemathesisConfig.from_path(CONFIG))
    bad = []
    for operation in [op.ok() for op in schema.get_all_operations()]:
        path = operation.path
        if not any(k in path for k in ("dispatch", "jobs", "followup311", "transport", "disputes")):
            continue
        for user in ("chaoyang_jingban", "jigou", "geren", "qiye"):
            headers = who[user]

            @given(case=operation.as_strategy())
            @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def fuzz(case):
                case.call_and_validate(headers=headers)  # noqa: B023 (called at once, in this iteration)

            try:
                fuzz()
            except Exception as e:
                bad.append(f"{operation.method.upper()} {path} as {user}: {str(e)[:600]}")
    assert not bad, "\n\n".join(bad)
