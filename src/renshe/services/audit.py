"""Audit log (审计日志): append-only, hash-chained record of every state change and
every view of personal data. ``verify`` walks the chain and compares it with the checkpoints.

A chain alone cannot show that its tail was cut off, or that someone with database rights
rewrote it and recomputed every hash after the change. So the head of the chain (the last
event's id and hash) is also published outside the database: one line per checkpoint appended
to a file (:func:`checkpoint_path`; opened with ``O_APPEND``, each line chained to the previous
line's hash) every :data:`CHECKPOINT_EVERY` events, when the service stops, and on
``renshe audit checkpoint``. A checkpoint beyond the table's last event means the tail was
deleted; a different hash at a checkpoint means the chain was rewritten. The file belongs on
storage the service can only append to (``chattr +a``, or shipped to a log host); see
docs/audit.md."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from renshe.services.security import mask_text
from renshe.store.models import AuditEvent, User, now

GENESIS = "0" * 64
#: PostgreSQL advisory-lock key serialising appends to the chain
CHAIN_LOCK = 7_000_001
#: publish the chain head after every this many events (``RENSHE_AUDIT_CHECKPOINT_EVERY``): the
#: most events an attacker could cut or rewrite unseen between two checkpoints while the service
#: runs; 100 keeps the file to a line per ~100 state changes (a few lines a day at a district desk)
CHECKPOINT_EVERY = 100
#: where the checkpoints are appended (a path); unset: beside the SQLite file, or under var/
CHECKPOINT_FILE_VARIABLE = "RENSHE_AUDIT_CHECKPOINTS"
#: how far back from the end of the file the last line is looked for (a line is ~250 bytes)
_TAIL_BYTES = 8192
_DUE = "renshe_audit_checkpoint_due"

log = logging.getLogger(__name__)


def _digest(prev: str, event: dict[str, Any]) -> str:
    body = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + body).encode()).hexdigest()


def _payload(e: AuditEvent) -> dict[str, Any]:
    return {
        "at": e.at.isoformat(timespec="microseconds"),
        "actor": e.actor,
        "role": e.role,
        "action": e.action,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "detail": e.detail,
    }


def record(
    s: Session, actor: User | None, action: str, entity: str, entity_id: object, detail: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one event. Free text in ``detail`` is masked (no ID numbers or phones)."""
    if s.bind is not None and s.bind.dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK})
    head = s.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    last_id, last = (head[0], head[1]) if head else (0, None)
    clean = json.loads(mask_text(json.dumps(detail or {}, ensure_ascii=False)))
    event = AuditEvent(
        at=now(),
        actor=actor.username if actor else "anonymous",
        role=actor.role if actor else "-",
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        detail=clean,
        prev_hash=last or GENESIS,
        hash="",
    )
    event.hash = _digest(event.prev_hash, _payload(event))
    s.add(event)
    s.flush()
    if event.id // checkpoint_every() > last_id // checkpoint_every():
        s.info[_DUE] = True  # published after the commit (:func:`_publish_after_commit`)
    return event


# --------------------------------------------------------------------------- checkpoints

#: who may read the audit log (审计日志查询)
READERS = frozenset({"auditor", "admin"})


def search(
    s: Session,
    user: User,
    action: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    limit: int = 200,
) -> list[AuditEvent]:
    """The newest events first, filtered (the API and the audit page ask the same way)."""
    from renshe.services.errors import Forbidden

    if user.role not in READERS:
        raise Forbidden("审计日志仅供审计和管理人员查看")
    q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(max(1, min(limit, 1000)))
    if action:
        q = q.where(AuditEvent.action == action)
    if entity_id:
        q = q.where(AuditEvent.entity_id == entity_id)
    if actor:
        q = q.where(AuditEvent.actor == actor)
    return list(s.execute(q).scalars())


def checkpoint_every() -> int:
    value = os.environ.get("RENSHE_AUDIT_CHECKPOINT_EVERY")
    return max(1, int(value)) if value else CHECKPOINT_EVERY


def checkpoint_path(s: Session | Connection) -> Path:
    """``RENSHE_AUDIT_CHECKPOINTS``, else a file that belongs to this database: beside the SQLite
    file, or ``var/audit-checkpoints/HOST-PORT-DB.log`` (so that two databases never mix)."""
    configured = os.environ.get(CHECKPOINT_FILE_VARIABLE)
    if configured:
        return Path(configured)
    bind = s.get_bind() if isinstance(s, Session) else s
    url = bind.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database + ".audit-checkpoints")
    return Path("var") / "audit-checkpoints" / f"{url.host or 'local'}-{url.port or ''}-{url.database or ''}.log"


def _line_digest(prev: str, body: dict[str, Any]) -> str:
    return hashlib.sha256((prev + json.dumps(body, sort_keys=True, separators=(",", ":"))).encode()).hexdigest()


def _last_line(path: Path) -> str:
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - _TAIL_BYTES))
        lines = [x for x in f.read().splitlines() if x.strip()]
    return lines[-1].decode() if lines else ""


def _head(c: Session | Connection) -> tuple[int, str, int] | None:
    row = c.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    if row is None:
        return None
    seq = int(row[0])  # rows counted up to it: a commit in between does not change the count
    return seq, str(row[1]), int(c.execute(select(func.count()).where(AuditEvent.id <= seq)).scalar_one())


def publish(path: Path, seq: int, head_hash: str, events: int) -> dict[str, Any]:
    """Append one checkpoint line to ``path`` (created if missing): ``seq`` (the last event's id),
    ``hash``, ``events`` (how many rows up to it), ``at``, ``prev`` (the previous line's digest)
    and ``line`` (this line's digest). The file is only ever opened to append."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # worker processes take turns: each line chains to the last
        last = _last_line(path)
        prev = json.loads(last)["line"] if last else GENESIS
        body = {
            "seq": seq,
            "hash": head_hash,
            "events": events,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "prev": prev,
        }
        line = {**body, "line": _line_digest(prev, body)}
        os.write(fd, (json.dumps(line, sort_keys=True) + "\n").encode())
        os.fsync(fd)
        return line
    finally:
        os.close(fd)  # closing releases the lock


def checkpoint(c: Session | Connection) -> dict[str, Any] | None:
    """Publish the committed head of the chain (``renshe audit checkpoint``, shutdown, every
    :data:`CHECKPOINT_EVERY` events); None when the log is empty."""
    head = _head(c)
    if head is None:
        return None
    return publish(checkpoint_path(c), *head)


@sa_event.listens_for(Session, "after_commit")
def _publish_after_commit(s: Session) -> None:
    """Only a committed head is published (a rolled-back event must not look truncated later)."""
    if not s.info.pop(_DUE, False):
        return
    try:
        with s.get_bind().engine.connect() as conn:
            checkpoint(conn)
    except Exception:  # the request that committed must not fail for it; the next one retries
        log.exception("审计检查点写入失败")


@sa_event.listens_for(Session, "after_rollback")
def _forget_after_rollback(s: Session) -> None:
    s.info.pop(_DUE, None)


def read_checkpoints(path: Path) -> tuple[list[dict[str, Any]], str]:
    """The checkpoints in ``path`` and the first problem with the file itself ("" when its lines
    are whole and chained)."""
    if not path.exists():
        return [], ""
    out: list[dict[str, Any]] = []
    prev = GENESIS
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
            body = {k: line[k] for k in ("seq", "hash", "events", "at", "prev")}
            ok = line["prev"] == prev and _line_digest(prev, body) == line["line"]
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            return out, f"审计检查点文件 {path} 第 {n} 行被改动或与上一行不衔接"
        out.append(line)
        prev = line["line"]
    return out, ""


# --------------------------------------------------------------------------- verification


@dataclass
class ChainCheck:
    ok: bool
    events: int
    first_bad: int | None = None
    problem: str = ""
    #: checkpoints the chain was compared with
    checkpoints: int = 0


def verify(s: Session, path: Path | None = None) -> ChainCheck:
    """Walk the chain, then compare it with the published checkpoints (``path``, by default
    :func:`checkpoint_path`): a checkpoint beyond the last event → the tail was deleted; a
    different hash, or fewer events up to it → the chain was rewritten."""
    marks, file_problem = read_checkpoints(path or checkpoint_path(s))
    wanted = {int(m["seq"]) for m in marks}
    seen: dict[int, tuple[str, int]] = {}
    prev = GENESIS
    count = 0
    last_id = 0
    for e in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        count += 1
        if e.prev_hash != prev:
            return ChainCheck(False, count, e.id, f"事件 {e.id} 的前序哈希与上一条不符（链条断裂或有删除）", len(marks))
        if _digest(prev, _payload(e)) != e.hash:
            return ChainCheck(False, count, e.id, f"事件 {e.id} 的内容与其哈希不符（记录被篡改）", len(marks))
        if e.id in wanted:
            seen[e.id] = (e.hash, count)
        prev, last_id = e.hash, e.id
    for m in sorted(marks, key=lambda m: int(m["seq"])):
        seq = int(m["seq"])
        if seq > last_id:
            return ChainCheck(
                False,
                count,
                seq,
                f"检查点记载已有事件 {seq}（共 {m['events']} 条，{m['at']}），"
                f"数据库中最后一条是事件 {last_id}（共 {count} 条）：审计日志尾部被删除",
                len(marks),
            )
        if seq not in seen:
            return ChainCheck(False, count, seq, f"检查点记载的事件 {seq} 在数据库中不存在：审计日志被删改", len(marks))
        found_hash, position = seen[seq]
        if found_hash != m["hash"] or position != int(m["events"]):
            return ChainCheck(
                False,
                count,
                seq,
                f"事件 {seq} 的哈希（或其前的条数）与 {m['at']} 的检查点不符：审计日志被改写后重算了哈希",
                len(marks),
            )
    if file_problem:
        return ChainCheck(False, count, None, file_problem, len(marks))
    return ChainCheck(True, count, None, "", len(marks))


def checkpoint_at_shutdown() -> None:
    """The service stops: publish the head once more (``create_app``'s lifespan)."""
    from sqlalchemy import inspect

    from renshe.store.db import session

    try:
        with session() as s:
            if inspect(s.get_bind()).has_table(AuditEvent.__tablename__):  # a store that was never migrated: nothing
                checkpoint(s)
    except Exception:
        log.exception("停止服务时审计检查点写入失败")
