"""Service matters filed at the desk (办事事项): one row a filing, whatever the matter; the
matter's own fields are JSON, its catalog is services/matters.yaml."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from renshe.store.models import Base, now


class ServiceMatter(Base):
    __tablename__ = "service_matters"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    matter: Mapped[str] = mapped_column(String(48), index=True)  # key in matters.yaml
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    applicant_name: Mapped[str] = mapped_column(String(128))
    region: Mapped[str] = mapped_column(String(6), index=True)
    channel: Mapped[str] = mapped_column(String(24))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    materials: Mapped[list[Any]] = mapped_column(JSON, default=list)  # names the filer says are sent
    files: Mapped[list[Any]] = mapped_column(JSON, default=list)  # uploaded: name, kind, size, sha256
    status: Mapped[str] = mapped_column(String(16), index=True)
    green_channel: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)  # why green channel / priority / flags
    filed_on: Mapped[dt.date] = mapped_column(Date)
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    appointment_on: Mapped[dt.date | None] = mapped_column(Date)
    appointment_slot: Mapped[str | None] = mapped_column(String(16))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    originals_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    originals_received_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    deferral_reason: Mapped[str | None] = mapped_column(Text)
    handled_offline: Mapped[bool] = mapped_column(Boolean, default=False)
    advance_paid: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_note: Mapped[str | None] = mapped_column(Text)
    audited_on: Mapped[dt.date | None] = mapped_column(Date)
    audit_note: Mapped[str | None] = mapped_column(Text)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)
