"""Tables of the labour-market services (劳动力市场服务): dispatch real-name reports
(劳务派遣实名动态管理), the urgent job board (急聘), "311" follow-up of people with
employment difficulties, point-to-point transport (点对点) and dispute intake."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from renshe.store.models import Base, User, now


class DispatchReport(Base):
    """实名动态管理报送: one upload of an agency for one reporting cycle (报送日)."""

    __tablename__ = "dispatch_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    district: Mapped[str] = mapped_column(String(6), index=True)
    cycle_date: Mapped[dt.date] = mapped_column(Date, index=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime)  # Beijing time, naive
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(8), default="api")
    filename: Mapped[str] = mapped_column(String(255), default="")
    accepted_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    agency: Mapped[User] = relationship()
    rows: Mapped[list[DispatchRow]] = relationship(back_populates="report", order_by="DispatchRow.row_no")


class DispatchRow(Base):
    """One accepted row: the five items (5项信息)."""

    __tablename__ = "dispatch_rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("dispatch_reports.id"), index=True)
    row_no: Mapped[int] = mapped_column(Integer)
    worker_name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    phone: Mapped[str] = mapped_column(String(16))
    employer_name: Mapped[str] = mapped_column(String(200))
    employer_uscc: Mapped[str] = mapped_column(String(18))
    report: Mapped[DispatchReport] = relationship(back_populates="rows")


class JobPosting(Base):
    """急聘岗位: screened for discriminatory wording, reviewed by a caseworker, then published."""

    __tablename__ = "job_postings"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(String(6), index=True)
    industry: Mapped[str | None] = mapped_column(String(64))
    skills: Mapped[list[Any]] = mapped_column(JSON, default=list)
    positions: Mapped[int] = mapped_column(Integer, default=1)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    review_due: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    enterprise: Mapped[User] = relationship(foreign_keys=[enterprise_id])


class JobSeeker(Base):
    """求职登记: a person's region, industry and skills, for matching."""

    __tablename__ = "job_seekers"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    region: Mapped[str] = mapped_column(String(6))
    industry: Mapped[str | None] = mapped_column(String(64))
    skills: Mapped[list[Any]] = mapped_column(JSON, default=list)
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    person: Mapped[User] = relationship()


class JobApplication(Base):
    __tablename__ = "job_applications"
    __table_args__ = (UniqueConstraint("posting_id", "person_id", name="uq_job_application"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("job_postings.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    applied_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    posting: Mapped[JobPosting] = relationship()
    person: Mapped[User] = relationship()


class DifficultyPerson(Base):
    """就业困难人员 under "311" follow-up (永人社发〔2022〕3号 四)."""

    __tablename__ = "difficulty_persons"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(6), index=True)
    caseworker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    registered_on: Mapped[dt.date] = mapped_column(Date)
    employed_on: Mapped[dt.date | None] = mapped_column(Date)
    caseworker: Mapped[User] = relationship()
    services: Mapped[list[FollowUpService]] = relationship(back_populates="person", order_by="FollowUpService.on")


class FollowUpService(Base):
    __tablename__ = "followup_services"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("difficulty_persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    person: Mapped[DifficultyPerson] = relationship(back_populates="services")


class TransportTrip(Base):
    """点对点返岗出行登记: a worker's trip, later assigned to a vehicle plan."""

    __tablename__ = "transport_trips"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    phone: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(6), index=True)
    destination: Mapped[str] = mapped_column(String(120))
    employer: Mapped[str] = mapped_column(String(200))
    travel_date: Mapped[dt.date] = mapped_column(Date, index=True)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("transport_vehicles.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class TransportVehicle(Base):
    """一车一方案: one vehicle's plan (origin, destination, date, seats) and its passengers."""

    __tablename__ = "transport_vehicles"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    origin: Mapped[str] = mapped_column(String(6))
    destination: Mapped[str] = mapped_column(String(120))
    travel_date: Mapped[dt.date] = mapped_column(Date, index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    trips: Mapped[list[TransportTrip]] = relationship(order_by="TransportTrip.id")


class DisputeCase(Base):
    """欠薪投诉 / 劳动争议仲裁申请 with the computed limitation and hearing deadlines."""

    __tablename__ = "dispute_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # arrears | arbitration
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(6), index=True)
    employer_name: Mapped[str] = mapped_column(String(200))
    employer_uscc: Mapped[str | None] = mapped_column(String(18))
    amount: Mapped[float | None] = mapped_column(Numeric(14, 2))
    facts: Mapped[str] = mapped_column(Text)
    infringement_known_on: Mapped[dt.date] = mapped_column(Date)
    obstacle_start: Mapped[dt.date | None] = mapped_column(Date)
    obstacle_end: Mapped[dt.date | None] = mapped_column(Date)
    limitation_deadline: Mapped[dt.date] = mapped_column(Date)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    hearing_extended: Mapped[bool] = mapped_column(Boolean, default=False)
    epidemic_delay_days: Mapped[int] = mapped_column(Integer, default=0)
    award_deadline: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="filed")
    filed_on: Mapped[dt.date] = mapped_column(Date)
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)
    person: Mapped[User] = relationship()
