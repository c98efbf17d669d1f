"""Audit log (审计日志): append-only, hash-chained record of every state change and
every view of personal data. ``verify`` walks the chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from renshe.services.security import mask_text
from renshe.store.models import AuditEvent, User, now

GENESIS = "0" * 64
#: PostgreSQL advisory-lock key serialising appends to the chain
CHAIN_LOCK = 7_000_001


def _digest(prev: str, event: dict[str, Any]) -> str:
    body = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + body).encode()).hexdigest()


def _payload(e: AuditEvent) -> dict[str, Any]:
    return {"at": e.at.isoformat(timespec="microseconds"), "actor": e.actor, "role": e.role, "action": e.action,
            "entity": e.entity, "entity_id": e.entity_id, "detail": e.detail}


def record(s: Session, actor: User | None, action: str, entity: str, entity_id: object,
           detail: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event. Free text in ``detail`` is masked (no ID numbers or phones)."""
    if s.bind is not None and s.bind.dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK})
    last = s.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    clean = json.loads(mask_text(json.dumps(detail or {}, ensure_ascii=False)))
    event = AuditEvent(at=now(), actor=actor.username if actor else "anonymous", role=actor.role if actor else "-",
                       action=action, entity=entity, entity_id=str(entity_id), detail=clean,
                       prev_hash=last or GENESIS, hash="")
    event.hash = _digest(event.prev_hash, _payload(event))
    s.add(event)
    s.flush()
    return event


@dataclass
class ChainCheck:
    ok: bool
    events: int
    first_bad: int | None = None
    problem: str = ""


def verify(s: Session) -> ChainCheck:
    prev = GENESIS
    count = 0
    for e in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        count += 1
        if e.prev_hash != prev:
            return ChainCheck(False, count, e.id, f"事件 {e.id} 的前序哈希与上一条不符（链条断裂或有删除）")
        if _digest(prev, _payload(e)) != e.hash:
            return ChainCheck(False, count, e.id, f"事件 {e.id} 的内容与其哈希不符（记录被篡改）")
        prev = e.hash
    return ChainCheck(True, count)
