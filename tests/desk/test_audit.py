"""The audit log is append-only in the database and its hash chain detects tampering."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from renshe.services import audit
from renshe.store.db import session
from renshe.store.migrate import upgrade


def test_append_only_and_verified(database: str) -> None:
    upgrade(database)
    with session() as s:
        for i in range(3):
            audit.record(
                s, None, "test.event", "thing", i, {"note": f"电话 13812345678 身份证 110105198001011238 #{i}"}
            )
    with session() as s:
        check = audit.verify(s)
        assert check.ok and check.events >= 3
        rows = s.execute(text("SELECT detail FROM audit_events WHERE action = 'test.event'")).all()
        assert "13812345678" not in str(rows) and "138****5678" in str(rows)
    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError), session() as s:
            s.execute(text(statement))


def test_tampering_is_detected(database: str, tmp_path: object) -> None:
    upgrade(database)
    with session() as s:
        audit.record(s, None, "test.tamper", "thing", "t", {"amount": "100.00"})
    with session() as s:
        dialect = s.bind.dialect.name if s.bind else ""
        # an attacker with database rights first drops the trigger, then edits a row
        if dialect == "postgresql":
            s.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"))
        else:
            s.execute(text("DROP TRIGGER audit_events_no_update"))
        s.execute(text("UPDATE audit_events SET detail = '{\"amount\": \"999.00\"}' WHERE action = 'test.tamper'"))
    with session() as s:
        check = audit.verify(s)
        assert not check.ok and "篡改" in check.problem
