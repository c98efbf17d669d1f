"""The audit chain proves itself: its head is published to an append-only file outside the
database, and ``verify`` catches what the chain alone cannot — a deleted tail and a rewrite
with recomputed hashes — done here with raw SQL, as someone with database rights would."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from renshe.services import audit
from renshe.store.db import session
from renshe.store.migrate import upgrade
from renshe.store.models import AuditEvent
from tests.desk.conftest import DATABASES, drop_database, fresh_url


@pytest.fixture(params=DATABASES)
def fresh(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A new database per test (each test tampers with it) and its checkpoint file."""
    from renshe.store import db

    url = fresh_url(request.param, tmp_path)
    monkeypatch.setenv("RENSHE_DATABASE_URL", url)
    marks = tmp_path / "audit-checkpoints.log"
    monkeypatch.setenv(audit.CHECKPOINT_FILE_VARIABLE, str(marks))
    db.engine.cache_clear()
    db._factory.cache_clear()
    upgrade(url)
    yield marks
    db.engine().dispose()
    db.engine.cache_clear()
    db._factory.cache_clear()
    drop_database(url)


def _events(n: int) -> None:
    for i in range(n):
        with session() as s:
            audit.record(s, None, "test.event", "thing", i, {"amount": f"{100 + i}.00"})


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def _without_triggers(s: object) -> None:
    """What an attacker with database rights does first."""
    dialect = s.bind.dialect.name  # type: ignore[attr-defined]
    if dialect == "postgresql":
        s.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))  # type: ignore[attr-defined]
    else:
        for name in ("audit_events_no_update", "audit_events_no_delete"):
            s.execute(text(f"DROP TRIGGER {name}"))  # type: ignore[attr-defined]


def test_checkpoints_every_n_events_by_cli_and_at_shutdown(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENSHE_AUDIT_CHECKPOINT_EVERY", "3")
    _events(7)
    assert [m["seq"] for m in _lines(fresh)] == [3, 6]
    # an event rolled back at a boundary publishes nothing (it would later look like a cut tail)
    with pytest.raises(RuntimeError), session() as s:
        for _ in range(3):
            audit.record(s, None, "test.event", "thing", "rolled back", {})
        raise RuntimeError("请求失败")
    assert len(_lines(fresh)) == 2

    from renshe.cli import app

    result = CliRunner().invoke(app, ["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    assert "事件 7" in result.output
    lines = _lines(fresh)
    assert [(m["seq"], m["events"]) for m in lines] == [(3, 3), (6, 6), (7, 7)]
    assert lines[1]["prev"] == lines[0]["line"] and lines[2]["prev"] == lines[1]["line"]  # chained
    with session() as s:
        check = audit.verify(s)
    assert check.ok and check.checkpoints == 3, check

    from fastapi.testclient import TestClient

    from renshe.app import create_app

    with TestClient(create_app(migrate=False)):
        _events(1)
    with session() as s:  # SQLite reuses the rolled-back ids, PostgreSQL's sequence does not
        last_id = s.execute(text("SELECT max(id) FROM audit_events")).scalar_one()
    assert (_lines(fresh)[-1]["seq"], _lines(fresh)[-1]["events"]) == (last_id, 8)  # published when the app stopped
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 0 and f"{len(_lines(fresh))} 个检查点" in result.output, result.output


def test_deleted_tail_is_detected(fresh: Path) -> None:
    _events(5)
    with session() as s:
        audit.checkpoint(s)
    with session() as s:
        _without_triggers(s)
        s.execute(text("DELETE FROM audit_events WHERE id > 3"))
    with session() as s:
        assert audit.verify(s, path=fresh.with_name("none.log")).ok  # the chain alone cannot tell
        check = audit.verify(s)
    assert not check.ok and check.first_bad == 5 and "尾部被删除" in check.problem, check

    from renshe.cli import app

    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "尾部被删除" in result.output


def test_rewrite_with_recomputed_hashes_is_detected(fresh: Path) -> None:
    _events(5)
    with session() as s:
        audit.checkpoint(s)
    with session() as s:
        _without_triggers(s)
        s.execute(text("UPDATE audit_events SET detail = :d WHERE id = 2"), {"d": json.dumps({"amount": "999.00"})})
    with session() as s:  # then recompute every hash from the changed row on, as the published algorithm does
        prev = s.execute(text("SELECT hash FROM audit_events WHERE id = 1")).scalar_one()
        for event_id in range(2, 6):
            e = s.get(AuditEvent, event_id)
            assert e is not None
            digest = audit._digest(prev, audit._payload(e))
            s.execute(
                text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :i"),
                {"p": prev, "h": digest, "i": event_id},
            )
            prev = digest
    with session() as s:
        assert audit.verify(s, path=fresh.with_name("none.log")).ok  # a perfect forgery for the chain alone
        check = audit.verify(s)
    assert not check.ok and check.first_bad == 5 and "改写" in check.problem, check


def test_edited_checkpoint_file_is_detected(fresh: Path) -> None:
    _events(2)
    with session() as s:
        audit.checkpoint(s)
    _events(1)
    with session() as s:
        audit.checkpoint(s)
    lines = fresh.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["events"] = 1  # someone "corrects" the file to match a shortened table
    fresh.write_text("\n".join([json.dumps(first, sort_keys=True), lines[1]]) + "\n", encoding="utf-8")
    with session() as s:
        check = audit.verify(s)
    assert not check.ok and "第 1 行" in check.problem, check


def test_emptying_the_table_is_refused(fresh: Path) -> None:
    """PostgreSQL's TRUNCATE is refused by a statement trigger; SQLite has no TRUNCATE, and its
    whole-table DELETE is refused by the row trigger."""
    _events(1)
    with session() as s:
        dialect = s.bind.dialect.name  # type: ignore[union-attr]
    statement, refusal = (
        ("TRUNCATE audit_events", "TRUNCATE refused")
        if dialect == "postgresql"
        else ("DELETE FROM audit_events", "append-only")
    )
    with pytest.raises(DBAPIError, match=refusal), session() as s:
        s.execute(text(statement))
    with session() as s:
        assert s.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 1


@pytest.mark.skipif(not os.environ.get("RENSHE_TEST_DATABASE_URL"), reason="roles and grants are PostgreSQL's")
def test_service_role_of_the_docs_can_append_but_not_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/audit.md's grant block, run as written (role names made unique for the shared server)."""
    import re
    import uuid

    from sqlalchemy import create_engine

    from renshe.store import db

    base = os.environ["RENSHE_TEST_DATABASE_URL"]
    sql = re.search(
        r"```sql\n(.*?)```", (Path(__file__).parents[2] / "docs" / "audit.md").read_text(encoding="utf-8"), re.S
    )
    assert sql is not None
    tag = uuid.uuid4().hex[:8]
    owner, app_role, name = f"renshe_owner_{tag}", f"renshe_app_{tag}", f"renshe_roles_{tag}"
    statements = [
        s.strip()
        for s in re.sub(r"--[^\n]*", "", sql.group(1))
        .replace("renshe_owner", owner)
        .replace("renshe_app", app_role)
        .replace("DATABASE renshe", f"DATABASE {name}")
        .split(";")
        if s.strip()
    ]
    superuser = create_engine(base, isolation_level="AUTOCOMMIT")
    with superuser.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    superuser.dispose()
    root = base.rsplit("/", 1)[0]
    as_super = create_engine(f"{root}/{name}", isolation_level="AUTOCOMMIT")
    first_grant = next(i for i, s in enumerate(statements) if s.startswith("GRANT"))
    with as_super.connect() as c:
        for s in statements[:first_grant]:
            c.execute(text(s))
    as_super.dispose()
    owner_url = root.replace("postgres@", f"{owner}@", 1) + f"/{name}"
    app_url = root.replace("postgres@", f"{app_role}@", 1) + f"/{name}"
    upgrade(owner_url)
    as_owner = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with as_owner.connect() as c:
        for s in statements[first_grant:]:
            c.execute(text(s))
    as_owner.dispose()

    monkeypatch.setenv("RENSHE_DATABASE_URL", app_url)
    monkeypatch.setenv(audit.CHECKPOINT_FILE_VARIABLE, str(tmp_path / "marks.log"))
    db.engine.cache_clear()
    db._factory.cache_clear()
    try:
        upgrade(app_url)  # the service's startup migration: nothing to do, allowed
        _events(2)
        with session() as s:
            assert audit.verify(s).ok
        for attack in (
            "UPDATE audit_events SET actor = 'x'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
            "ALTER TABLE audit_events DISABLE TRIGGER USER",
            "DROP TRIGGER audit_events_no_change ON audit_events",
        ):
            with pytest.raises(DBAPIError, match=r"permission denied|must be owner"), session() as s:
                s.execute(text(attack))
    finally:
        db.engine().dispose()
        db.engine.cache_clear()
        db._factory.cache_clear()
        superuser = create_engine(base, isolation_level="AUTOCOMMIT")
        with superuser.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in (app_role, owner):
                c.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        superuser.dispose()
