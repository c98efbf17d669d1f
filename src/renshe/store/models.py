"""Tables of the service desk (不见面办理)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: finance (财务) disburses and confirms payment; it is kept apart from review (maker–checker)
ROLES = ("enterprise", "agency", "person", "caseworker", "finance", "auditor", "admin")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(128))
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    id_number: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(6))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class UserSession(Base):
    """登录会话: one sign-in, server-side. The cookie and the API bearer token are the same
    secret (only its SHA-256 is stored); logout, disabling the user or a password reset revoke it."""

    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """登录尝试: every sign-in attempt, kept in the database so the rate limit and the lockout
    hold across worker processes. ``username`` is as typed (unknown names are limited too)."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)


class Application(Base):
    """申请: an application for a policy the calculator found, with the evaluated result."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("applicant_id", "idempotency_key", name="uq_application_idempotency"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    policy_id: Mapped[str] = mapped_column(String(96), index=True)
    subject_uscc: Mapped[str | None] = mapped_column(String(18))
    subject_id_number: Mapped[str | None] = mapped_column(String(18))
    subject_name: Mapped[str] = mapped_column(String(128))
    region: Mapped[str | None] = mapped_column(String(6), index=True)
    case: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    amount: Mapped[float | None] = mapped_column(Numeric(14, 2))
    bank_account: Mapped[str | None] = mapped_column(String(34))
    commitment: Mapped[bool] = mapped_column(Boolean, default=False)
    missing_items: Mapped[list[Any]] = mapped_column(JSON, default=list)
    missing_due: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), index=True, default="submitted")
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    review_due: Mapped[dt.date] = mapped_column(Date)
    decided_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, onupdate=now)
    applicant: Mapped[User] = relationship()


class Attachment(Base):
    """申请材料: a file attached to an application, its type found from its content and
    stored by its SHA-256 (services/attachments.py; migration 0007)."""

    __tablename__ = "application_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class ReviewAction(Base):
    __tablename__ = "review_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class NoticeBatch(Base):
    """公示批次: approved items published for an objection window of working days."""

    __tablename__ = "notice_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[str] = mapped_column(String(96))
    title: Mapped[str] = mapped_column(String(200))
    published_on: Mapped[dt.date] = mapped_column(Date)
    window_days: Mapped[int] = mapped_column(Integer)
    closes_on: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    closed_on: Mapped[dt.date | None] = mapped_column(Date)  # 公示结束 (0006)
    closed_by: Mapped[int | None] = mapped_column(Integer)  # who pressed 结束公示; None: closed at expiry
    items: Mapped[list[NoticeItem]] = relationship(back_populates="batch")


class NoticeItem(Base):
    __tablename__ = "notice_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("notice_batches.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    batch: Mapped[NoticeBatch] = relationship(back_populates="items")
    application: Mapped[Application] = relationship()


class Objection(Base):
    """异议: filed during the notice window; blocks the item for re-review."""

    __tablename__ = "objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(64))
    filed_on: Mapped[dt.date] = mapped_column(Date)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution: Mapped[str | None] = mapped_column(Text)


class Disbursement(Base):
    """拨付批次: exported for the bank, then marked paid."""

    __tablename__ = "disbursements"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    status: Mapped[str] = mapped_column(String(16), default="exported")
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    total: Mapped[float] = mapped_column(Numeric(16, 2))
    items: Mapped[list[DisbursementItem]] = relationship(back_populates="disbursement")


class DisbursementItem(Base):
    __tablename__ = "disbursement_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    disbursement_id: Mapped[int] = mapped_column(ForeignKey("disbursements.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    amount: Mapped[float] = mapped_column(Numeric(14, 2))
    result: Mapped[str | None] = mapped_column(String(8))  # the bank's return (0006): paid | failed
    failure_reason: Mapped[str | None] = mapped_column(Text)
    disbursement: Mapped[Disbursement] = relationship(back_populates="items")
    application: Mapped[Application] = relationship()


class Clawback(Base):
    """追回: a later finding (layoffs, a false commitment) reclaims a payment."""

    __tablename__ = "clawbacks"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    amount: Mapped[float] = mapped_column(Numeric(14, 2))
    reason: Mapped[str] = mapped_column(Text)
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")


class AuditEvent(Base):
    """审计日志: append-only and hash-chained (each row hashes the previous row's hash)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(48), index=True)
    entity: Mapped[str] = mapped_column(String(48))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class LocalStandard(Base):
    """地方标准: a value a bureau sets for a parameter the seeds leave to local rules, with the
    local document that sets it. Proposed by one administrator, in force only once another
    approves it (maker–checker): ``pending`` (待审核) → ``approved`` (已生效) | ``rejected`` (已驳回)."""

    __tablename__ = "local_standards"
    id: Mapped[int] = mapped_column(primary_key=True)
    parameter: Mapped[str] = mapped_column(String(128), index=True)
    value: Mapped[Any] = mapped_column(JSON)
    doc_no: Mapped[str] = mapped_column(String(128))
    doc_title: Mapped[str | None] = mapped_column(String(200))
    article: Mapped[str] = mapped_column(String(64))
    quote: Mapped[str] = mapped_column(Text)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    jurisdiction: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True, default="pending")
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    proposer: Mapped[User] = relationship(foreign_keys=[proposed_by])
    decider: Mapped[User | None] = relationship(foreign_keys=[decided_by])
