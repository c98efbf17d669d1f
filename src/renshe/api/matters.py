"""Service matters API (办事事项): the catalog, filing, the caseworker's queue and its xlsx,
acceptance, 暂缓立案 and 立案, completion, refusal, originals received, and the auditor's
list of matters handled off-system or paid in advance. Thin: renshe.services.matters."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response
from pydantic import Field
from sqlalchemy.orm import Session

from renshe.http.deps import Strict, current_user, db, require
from renshe.http.hardening import download_headers
from renshe.services import matters
from renshe.services.users import User

router = APIRouter(prefix="/api/v1", tags=["service matters"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Number = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Z0-9]+$")]


class NewMatter(Strict):
    matter: str = Field(min_length=1, max_length=48)
    channel: str = Field(min_length=1, max_length=24)
    fields: dict[Annotated[str, Field(max_length=48)], Annotated[str | int | bool, Field()]] = Field(
        default_factory=dict, max_length=20
    )
    region: str | None = Field(default=None, pattern=r"^\d{6}$")
    materials: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=20)
    appointment_on: dt.date | None = None
    appointment_slot: str | None = Field(default=None, max_length=16)


class Accept(Strict):
    advance: bool = False
    note: str = Field(default="", max_length=500)


class Reason(Strict):
    reason: str = Field(min_length=1, max_length=500)


class Complete(Strict):
    outcome: dict[Annotated[str, Field(max_length=48)], Annotated[str | int | bool, Field()]] = Field(
        default_factory=dict, max_length=20
    )
    offline: bool = False
    note: str = Field(default="", max_length=500)


class AuditNote(Strict):
    note: str = Field(min_length=1, max_length=500)


@router.get("/matters/catalog", summary="The service matters: who files, channels, materials, time limits, citations")
def matter_catalog() -> list[dict[str, Any]]:
    return matters.listing()


@router.post("/matters", status_code=201, summary="File a service matter (提交办事事项)")
def file_matter(
    body: NewMatter,
    user: User = Depends(require("enterprise", "agency", "person")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return matters.view(
        matters.file(
            s,
            user,
            body.matter,
            channel=body.channel,
            fields=body.fields,
            region=body.region,
            materials=body.materials,
            appointment_on=body.appointment_on,
            appointment_slot=body.appointment_slot,
        )
    )


@router.get("/matters", summary="Own matters, or the area's queue (green channel, priority, deadline)")
def list_matters(
    user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return [matters.view(m) for m in matters.queue(s, user)]


@router.get("/matters/queue.xlsx", summary="The area's queue as xlsx")
def export_matters(
    user: User = Depends(require("caseworker", "auditor", "admin")), s: Session = Depends(db, scope="function")
) -> Response:
    return Response(
        matters.export_queue(s, user),
        media_type=XLSX,
        headers=download_headers(f"matters-{dt.date.today().isoformat()}.xlsx"),
    )


@router.get("/matters/audit", summary="Matters handled off-system or paid in advance (事后稽核)")
def flagged_matters(
    user: User = Depends(require("auditor", "admin")), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return [matters.view(m) for m in matters.flagged(s, user)]


@router.get("/matters/{number}")
def get_matter(
    number: Number, user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return matters.view(matters.get(s, user, number))


@router.post("/matters/{number}/accept", summary="Accept (受理); advance=true: benefits advanced monthly (预发)")
def accept_matter(
    number: Number,
    body: Accept,
    user: User = Depends(require("caseworker")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return matters.view(matters.accept(s, user, number, advance=body.advance, note=body.note))


@router.post("/matters/{number}/defer", summary="暂缓立案 with the reason (materials kept)")
def defer_matter(
    number: Number,
    body: Reason,
    user: User = Depends(require("caseworker")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return matters.view(matters.defer(s, user, number, body.reason))


@router.post("/matters/{number}/resume", summary="恢复办理后立案")
def resume_matter(
    number: Number, user: User = Depends(require("caseworker")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return matters.view(matters.resume(s, user, number))


@router.post("/matters/{number}/complete", summary="Complete (办结); offline=true flags it for audit")
def complete_matter(
    number: Number,
    body: Complete,
    user: User = Depends(require("caseworker")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return matters.view(matters.complete(s, user, number, body.outcome, offline=body.offline, note=body.note))


@router.post("/matters/{number}/refuse", summary="Refuse (不予办理) with the reason")
def refuse_matter(
    number: Number,
    body: Reason,
    user: User = Depends(require("caseworker")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return matters.view(matters.refuse(s, user, number, body.reason))


@router.post("/matters/{number}/originals", summary="The paper originals sent afterwards have arrived")
def originals_matter(
    number: Number, user: User = Depends(require("caseworker")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return matters.view(matters.originals_received(s, user, number))


@router.post("/matters/{number}/audit", summary="Record the later audit of a flagged matter (稽核)")
def audit_matter(
    number: Number,
    body: AuditNote,
    user: User = Depends(require("auditor")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return matters.view(matters.audit_done(s, user, number, body.note))
