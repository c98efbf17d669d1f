"""Tables of the reporting obligations and publications (报告与公告): daily health and
attendance reports of schools and agencies (每日报告), the bureau's announcements
(公告专区), HR service agencies' permits and filings, annual reports and market
enforcement (人力资源服务机构), and the shortage occupation catalogue (急需紧缺职业（工种）目录)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from renshe.store.models import Base, User, now


class DailyReport(Base):
    """每日报告: one filing of a school or agency for one day and one kind of report."""

    __tablename__ = "daily_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    filer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    district: Mapped[str] = mapped_column(String(6), index=True)
    report_date: Mapped[dt.date] = mapped_column(Date, index=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime)  # Beijing time, naive
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(8), default="api")
    filename: Mapped[str] = mapped_column(String(255), default="")
    accepted_count: Mapped[int] = mapped_column(Integer, default=0)
    flagged_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[list[Any]] = mapped_column(JSON, default=list)
    filer: Mapped[User] = relationship()
    rows: Mapped[list[DailyReportRow]] = relationship(back_populates="report", order_by="DailyReportRow.row_no")


class DailyReportRow(Base):
    """One accepted row of a daily report (its columns by their Chinese headers)."""

    __tablename__ = "daily_report_rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("daily_reports.id"), index=True)
    row_no: Mapped[int] = mapped_column(Integer)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)  # a symptom or fever: reported at once
    report: Mapped[DailyReport] = relationship(back_populates="rows")


class Announcement(Base):
    """公告: a reopening time, a recruitment-event change or return-to-work information."""

    __tablename__ = "announcements"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    title: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(200), default="")  # the enterprise, project or event
    body: Mapped[str] = mapped_column(Text)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    event_date: Mapped[dt.date | None] = mapped_column(Date)  # the recruitment event changed or cancelled
    published_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime)  # Beijing time, naive
    publisher: Mapped[User] = relationship()


class AgencyFiling(Base):
    """人力资源服务许可或备案: an agency's filing, verified remotely (视频、照片) and reviewed."""

    __tablename__ = "agency_filings"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    district: Mapped[str] = mapped_column(String(6), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # permit 许可 / filing 备案
    services: Mapped[str] = mapped_column(Text)
    verification: Mapped[str] = mapped_column(String(16))  # remote 非现场 / onsite 现场
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)  # {filename, kind, size, sha256}
    status: Mapped[str] = mapped_column(String(16), index=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    agency: Mapped[User] = relationship(foreign_keys=[agency_id])


class AgencyAnnualReport(Base):
    """年度报告: an agency's annual report with its epidemic good practice, published by the bureau."""

    __tablename__ = "agency_annual_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    district: Mapped[str] = mapped_column(String(6), index=True)
    year: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    good_practice: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    commended: Mapped[bool] = mapped_column(Boolean, default=False)
    agency: Mapped[User] = relationship(foreign_keys=[agency_id])


class EnforcementCase(Base):
    """市场执法案件: a complaint against an agency (fees, price gouging, discrimination, false information)."""

    __tablename__ = "enforcement_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    district: Mapped[str] = mapped_column(String(6), index=True)
    category: Mapped[str] = mapped_column(String(32))
    complaint: Mapped[str] = mapped_column(Text)
    complainant: Mapped[str] = mapped_column(String(64), default="")
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(16), default="open", index=True)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    agency: Mapped[User] = relationship(foreign_keys=[agency_id])


class OccupationCatalogue(Base):
    """急需紧缺职业（工种）目录: one edition published by a bureau."""

    __tablename__ = "occupation_catalogues"
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    edition: Mapped[str] = mapped_column(String(64))
    published_on: Mapped[dt.date] = mapped_column(Date)
    published_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    entries: Mapped[list[OccupationEntry]] = relationship(back_populates="catalogue", order_by="OccupationEntry.row_no")


class OccupationEntry(Base):
    __tablename__ = "occupation_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("occupation_catalogues.id"), index=True)
    row_no: Mapped[int] = mapped_column(Integer)
    occupation: Mapped[str] = mapped_column(String(120))
    code: Mapped[str] = mapped_column(String(32), default="")
    level: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    catalogue: Mapped[OccupationCatalogue] = relationship(back_populates="entries")
