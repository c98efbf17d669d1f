"""The training and employment-programme requests as both faces read them (培训与就业服务表单):
the API's JSON bodies, checked by the same models as the pages' forms."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from renshe.http.deps import Strict

Text = Field(min_length=1, max_length=200)
Region = Field(pattern=r"^\d{6}$")
Note = Field(default="", max_length=2000)
Count = Field(ge=1, le=1_000_000)
LedgerKind = Literal["overcapacity", "returnee", "flexible", "campus"]
#: the ledgers with a bulk import (services/ledger_imports.py)
ImportKind = Literal["trainees", "loans", "welfare", "zero-employment"]


class NewCourse(Strict):
    title: str = Text
    occupation: str = Field(min_length=1, max_length=100)
    hours: int = Field(ge=1, le=10_000)
    free: bool = True


class NewPlatform(Strict):
    name: str = Text
    region: str = Region
    url: str = Field(default="", max_length=300)
    batch: str = Field(default="", max_length=64)
    free: bool = True
    courses: list[NewCourse] = Field(default_factory=list, max_length=500)


class PlatformDecision(Strict):
    select: bool
    reason: str = Note
    recognised_hours: int | None = Field(default=None, ge=1, le=10_000)


class NewProject(Strict):
    region: str = Region
    kind: str = Field(min_length=1, max_length=24)
    title: str = Text
    mode: str = Field(min_length=1, max_length=24)
    trainee_group: str = Field(min_length=1, max_length=24)
    occupation: str = Field(default="", max_length=100)
    start_date: dt.date
    end_date: dt.date
    planned: int = Count
    platform_id: int | None = Field(default=None, ge=1, le=2_147_483_647)


class Decision(Strict):
    approve: bool
    reason: str = Note


class NewTrainee(Strict):
    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=18)
    enrolled_on: dt.date | None = None


class NewNeed(Strict):
    region: str = Region
    park: str = Field(min_length=1, max_length=100)
    uscc: str = Field(min_length=1, max_length=18)
    enterprise: str = Text
    occupation: str = Field(min_length=1, max_length=100)
    headcount: int = Count
    updated_on: dt.date | None = None


class NewServiceRecord(Strict):
    region: str = Region
    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=18)
    served_on: dt.date
    option: str = Field(default="", max_length=32)
    service: str = Note
    enterprise: str = Field(default="", max_length=200)
    uscc: str = Field(default="", max_length=18)
    expert_id: int | None = Field(default=None, ge=1, le=2_147_483_647)


class FollowUp(Strict):
    on: dt.date
    option: str = Field(default="", max_length=32)
    note: str = Note


class NewExpert(Strict):
    region: str = Region
    name: str = Field(min_length=1, max_length=64)
    institution: str = Text
    speciality: str = Field(default="", max_length=200)


class NewLoan(Strict):
    region: str = Region
    borrower: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=18)
    bank: str = Text
    amount: str = Field(min_length=1, max_length=20)
    issued_on: dt.date
    due_on: dt.date


class LoanVisitBody(Strict):
    on: dt.date
    note: str = Note


class LoanSettle(Strict):
    repaid_on: dt.date | None = None
    extended_to: dt.date | None = None


class NewPost(Strict):
    region: str = Region
    title: str = Text
    post_type: str = Field(min_length=1, max_length=32)
    places: int = Count
    full_time: bool = True


class NewCandidate(Strict):
    region: str = Region
    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=18)
    group: str = Field(min_length=1, max_length=24)


class Review(Strict):
    on: dt.date
    employed: bool
    market_failed: bool = False


class Placement(Strict):
    post_id: int = Field(ge=1, le=2_147_483_647)
    on: dt.date


class NewHousehold(Strict):
    region: str = Region
    unit: str = Field(min_length=1, max_length=64)
    head_name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=18)
    members: int = Field(ge=1, le=50)
    identified_on: dt.date


class ClearHousehold(Strict):
    employed: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=50)
    on: dt.date


class NewRound(Strict):
    region: str = Region
    unit: str = Text
    kind: str = Field(min_length=1, max_length=24)
    places: int = Count
    written_on: dt.date | None = None
    interview_on: dt.date | None = None
    green_channel: bool = False


class Reschedule(Strict):
    reason: str = Field(min_length=1, max_length=500)
    written_on: dt.date | None = None
    interview_on: dt.date | None = None


class RoundResults(Strict):
    applicants: int = Field(ge=0, le=10_000_000)
    hired: int = Field(ge=0, le=10_000_000)


class NewTitleApplication(Strict):
    region: str = Region
    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=18)
    unit: str = Text
    title_sought: str = Field(min_length=1, max_length=100)
    frontline_medical: bool = False


class NewPayGrant(Strict):
    region: str = Region
    unit: str = Text
    year: int = Field(ge=2020, le=2100)
    yearly_total: str = Field(min_length=1, max_length=20)
    regular_paid: str = Field(min_length=1, max_length=20)
    one_off: str = Field(min_length=1, max_length=20)
