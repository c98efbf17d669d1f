"""Schemathesis fuzzing of the labour-market endpoints as four roles: no 500."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from tests.labour.conftest import client, database, who  # noqa: F401

def test_fuzz_labour(client, who):
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
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
                r = case.call(headers=headers)
                assert r.status_code < 500, f"{case.method} {case.formatted_path} {user}: {r.status_code} {r.text[:300]}"
            try:
                fuzz()
            except Exception as e:
                bad.append(str(e)[:600])
    assert not bad, "\n\n".join(bad)
