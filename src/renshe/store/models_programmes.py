"""Tables of the training and employment programmes (培训与就业服务项目): the online
training catalogue (线上培训平台目录) and training projects filed for approval (培训项目
线上审批备案) with their trainees, the park training-needs ledger (园区培训需求台账), the
employment-service ledgers (就业服务台账, 创业担保贷款贷后管理, 公益性岗位), zero-employment
households (零就业家庭) and the public-institution desk (事业单位招聘、职称、绩效工资)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from renshe.store.models import Base, User, now


class TrainingPlatform(Base):
    """线上培训平台: proposed (征集), then selected into the catalogue (纳入目录) or refused."""

    __tablename__ = "training_platforms"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str] = mapped_column(String(6), index=True)  # the catalogue's area (000000: national)
    batch: Mapped[str] = mapped_column(String(64), default="")  # e.g. 京能指文〔2020〕1号 第一批
    free: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # proposed / selected / refused
    reason: Mapped[str | None] = mapped_column(Text)
    recognised_hours: Mapped[int | None] = mapped_column(Integer)
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    courses: Mapped[list[TrainingCourse]] = relationship(back_populates="platform", order_by="TrainingCourse.id")


class TrainingCourse(Base):
    """A course of a platform: the occupation (职业/工种) it teaches and its hours."""

    __tablename__ = "training_courses"
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("training_platforms.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    occupation: Mapped[str] = mapped_column(String(100), index=True)
    hours: Mapped[int] = mapped_column(Integer)
    free: Mapped[bool] = mapped_column(Boolean, default=True)
    platform: Mapped[TrainingPlatform] = relationship(back_populates="courses")


class TrainingProject(Base):
    """培训项目 filed online (线上审批/备案) by a provider or enterprise, decided by the bureau."""

    __tablename__ = "training_projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200))
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("training_platforms.id"))
    mode: Mapped[str] = mapped_column(String(24))
    trainee_group: Mapped[str] = mapped_column(String(24))
    occupation: Mapped[str] = mapped_column(String(100), default="")
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    planned: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)  # filed / approved / refused
    reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    due_on: Mapped[dt.date] = mapped_column(Date)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    provider: Mapped[User] = relationship(foreign_keys=[provider_id])
    platform: Mapped[TrainingPlatform | None] = relationship()
    enrolments: Mapped[list[TrainingEnrolment]] = relationship(
        back_populates="project", order_by="TrainingEnrolment.id"
    )


class TrainingEnrolment(Base):
    """A trainee of a project (职业培训电子档案的一条): enrolled, completed, assessment passed."""

    __tablename__ = "training_enrolments"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("training_projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    project: Mapped[TrainingProject] = relationship(back_populates="enrolments")


class ParkTrainingNeed(Base):
    """园区企业培训需求台账: one enterprise's need for one occupation, with when it was updated."""

    __tablename__ = "park_training_needs"
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    park: Mapped[str] = mapped_column(String(100))
    uscc: Mapped[str] = mapped_column(String(18))
    enterprise: Mapped[str] = mapped_column(String(200))
    occupation: Mapped[str] = mapped_column(String(100))
    headcount: Mapped[int] = mapped_column(Integer)
    updated_on: Mapped[dt.date] = mapped_column(Date)
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class ServiceRecord(Base):
    """就业服务台账: one service given to a person or an enterprise's worker, with its follow-up."""

    __tablename__ = "employment_service_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    enterprise: Mapped[str] = mapped_column(String(200), default="")
    uscc: Mapped[str] = mapped_column(String(18), default="")
    option: Mapped[str] = mapped_column(String(32), default="")  # channel / form / service item, by kind
    service: Mapped[str] = mapped_column(Text, default="")
    served_on: Mapped[dt.date] = mapped_column(Date)
    follow_up_due: Mapped[dt.date | None] = mapped_column(Date)
    followed_up_on: Mapped[dt.date | None] = mapped_column(Date)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("career_experts.id"))
    caseworker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class CareerExpert(Base):
    """职业指导专家库: an expert (e.g. a local college teacher) of the 职业指导云诊室."""

    __tablename__ = "career_experts"
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    name: Mapped[str] = mapped_column(String(64))
    institution: Mapped[str] = mapped_column(String(200))
    speciality: Mapped[str] = mapped_column(String(200), default="")


class GuaranteedLoan(Base):
    """创业担保贷款 under post-loan management (贷后管理): the bank in charge, status and visits."""

    __tablename__ = "guaranteed_loans"
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    borrower: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    bank: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Any] = mapped_column(Numeric(14, 2))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    extended_to: Mapped[dt.date | None] = mapped_column(Date)
    repaid_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    visits: Mapped[list[LoanVisit]] = relationship(back_populates="loan", order_by="LoanVisit.on")


class LoanVisit(Base):
    """贷后回访: one post-loan visit of a guaranteed loan."""

    __tablename__ = "loan_visits"
    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("guaranteed_loans.id"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    loan: Mapped[GuaranteedLoan] = relationship(back_populates="visits")


class WelfarePost(Base):
    """公益性岗位 (or 以工代赈 job): its type, full- or part-time, places."""

    __tablename__ = "welfare_posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    title: Mapped[str] = mapped_column(String(200))
    post_type: Mapped[str] = mapped_column(String(32))
    full_time: Mapped[bool] = mapped_column(Boolean, default=True)
    places: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class WelfareCandidate(Base):
    """A person for a public-welfare post: group, the 回头看 review, and the placement."""

    __tablename__ = "welfare_candidates"
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    group: Mapped[str] = mapped_column(String(24))
    employed: Mapped[bool] = mapped_column(Boolean, default=False)
    market_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_on: Mapped[dt.date | None] = mapped_column(Date)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("welfare_posts.id"))
    placed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    post: Mapped[WelfarePost | None] = relationship()


class ZeroEmploymentHousehold(Base):
    """城镇零就业家庭: identified, then cleared when a member is employed (出现一户、消除一户)."""

    __tablename__ = "zero_employment_households"
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    unit: Mapped[str] = mapped_column(String(64))  # 乡镇政府/街道办事处 of the target table
    head_name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    members: Mapped[int] = mapped_column(Integer)
    identified_on: Mapped[dt.date] = mapped_column(Date)
    employed_name: Mapped[str | None] = mapped_column(String(64))
    employed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class RecruitmentRound(Base):
    """事业单位公开招聘 round: kind, green channel, places, exam dates, applicants and hired."""

    __tablename__ = "recruitment_rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    unit: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24))
    green_channel: Mapped[bool] = mapped_column(Boolean, default=False)
    places: Mapped[int] = mapped_column(Integer)
    applicants: Mapped[int] = mapped_column(Integer, default=0)
    hired: Mapped[int] = mapped_column(Integer, default=0)
    written_on: Mapped[dt.date | None] = mapped_column(Date)
    interview_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    announcements: Mapped[list[RecruitmentAnnouncement]] = relationship(
        back_populates="round", order_by="RecruitmentAnnouncement.id"
    )


class RecruitmentAnnouncement(Base):
    """招聘公告: published on creation and on every change of the exam dates (告知考生并公告)."""

    __tablename__ = "recruitment_announcements"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("recruitment_rounds.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    round: Mapped[RecruitmentRound] = relationship(back_populates="announcements")


class TitleApplication(Base):
    """职称评聘 application; frontline medical staff are queued first (优先申报、参评、聘任)."""

    __tablename__ = "title_applications"
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    unit: Mapped[str] = mapped_column(String(200))
    title_sought: Mapped[str] = mapped_column(String(100))
    frontline_medical: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class PerformancePayGrant(Base):
    """一次性绩效工资总量核增 of a medical institution, kept apart from its yearly total (总量)."""

    __tablename__ = "performance_pay_grants"
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    unit: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    yearly_total: Mapped[Any] = mapped_column(Numeric(16, 2))
    regular_paid: Mapped[Any] = mapped_column(Numeric(16, 2))
    one_off: Mapped[Any] = mapped_column(Numeric(16, 2))
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
