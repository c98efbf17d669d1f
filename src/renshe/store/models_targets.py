"""Tables of targets, progress and monitoring runs (目标任务、进度与监测预警)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from renshe.store.models import Base, now


class TargetSet(Base):
    """目标任务表: the targets of one year split over responsible units (乡镇、街道…),
    one column per kind of target (新增城镇就业, 失业人员再就业, 培训…)."""

    __tablename__ = "target_sets"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    doc_no: Mapped[str | None] = mapped_column(String(96))
    year: Mapped[int] = mapped_column(Integer)
    region: Mapped[str | None] = mapped_column(String(6), index=True)
    columns: Mapped[list[Any]] = mapped_column(JSON)
    total: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    targets: Mapped[list[Target]] = relationship(back_populates="target_set", order_by="Target.position")


class Target(Base):
    """One unit's target of one kind for the set's year."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("set_id", "unit", "kind", name="uq_target_unit_kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("target_sets.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(Numeric(16, 2))
    target_set: Mapped[TargetSet] = relationship(back_populates="targets")


class TargetProgress(Base):
    """进度: what a unit achieved of one kind in one month (not cumulative)."""

    __tablename__ = "target_progress"
    __table_args__ = (UniqueConstraint("set_id", "unit", "kind", "month", name="uq_progress_unit_kind_month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("target_sets.id"), index=True)
    unit: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7))
    value: Mapped[Any] = mapped_column(Numeric(16, 2))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, onupdate=now)


class MonitorRun(Base):
    """监测预警: one run over a registry's insured headcounts, its per-region series and warnings."""

    __tablename__ = "monitor_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[str] = mapped_column(String(7))
    source: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
