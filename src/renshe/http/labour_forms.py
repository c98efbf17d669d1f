"""The labour-market requests as both faces read them (劳动力市场表单): the API's JSON
bodies and the web pages' forms are checked by the same models."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from renshe.http import uploads
from renshe.http.deps import Strict

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = uploads.PASSENGER_LIST_LIMIT  # the transport page's own check (the gate enforces it first)


class NewDifficultyPerson(Strict):
    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=18)
    region: str = Field(pattern=r"^\d{6}$")
    phone: str | None = Field(default=None, max_length=16)
    registered_on: dt.date | None = None


class NewService(Strict):
    kind: str = Field(pattern="^(job_referral|career_guidance|training_offer|visit)$")
    on: dt.date | None = None
    note: str | None = Field(default=None, max_length=2000)


class NewTrip(Strict):
    origin: str = Field(pattern=r"^\d{6}$")
    destination: str = Field(min_length=1, max_length=120)
    employer: str = Field(min_length=1, max_length=200)
    travel_date: dt.date
    name: str | None = Field(default=None, max_length=64)
    id_number: str | None = Field(default=None, max_length=18)
    phone: str | None = Field(default=None, max_length=16)


class NewDispute(Strict):
    kind: str = Field(pattern="^(arrears|arbitration)$")
    employer_name: str = Field(min_length=1, max_length=200)
    employer_uscc: str | None = Field(default=None, max_length=18)
    amount: float | None = Field(default=None, ge=0, le=1e10)
    facts: str = Field(min_length=1, max_length=5000)
    infringement_known_on: dt.date
    obstacle_start: dt.date | None = None
    obstacle_end: dt.date | None = None
    region: str | None = Field(default=None, pattern=r"^\d{6}$")


class AcceptDispute(Strict):
    accepted_on: dt.date
    extended: bool = False
    epidemic_delay_days: int = Field(default=0, ge=0, le=3650)


class CloseDispute(Strict):
    outcome: str = Field(min_length=1, max_length=2000)
