"""Local standards API (地方标准): the parameters left to local rules with the results waiting
on them; propose a value with its local document, approve or reject it (a second administrator)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from sqlalchemy.orm import Session

from renshe.http.deps import Strict, db, require
from renshe.services import local_standards
from renshe.services.users import User

router = APIRouter(prefix="/api/v1", tags=["local standards"])


class Proposal(Strict):
    parameter: str = Field(max_length=128, description="parameter name, e.g. henan.ui_benefit_monthly_2019")
    value: Any = Field(description="the value (a number, a date, a list… of the parameter's kind)")
    doc_no: str = Field(max_length=200, description="the local document's number as printed (文号)")
    doc_title: str | None = Field(default=None, max_length=400)
    article: str = Field(max_length=200, description="the article that sets the value (条款)")
    quote: str = Field(max_length=4000, description="the sentence that sets the value (原文摘录)")
    effective_from: str = Field(max_length=20, description="YYYY-MM-DD")
    effective_to: str | None = Field(default=None, max_length=20, description="YYYY-MM-DD; none: until further notice")


class Rejection(Strict):
    reason: str = Field(max_length=1000)


def _typed(value: Any) -> str:
    """The value as the form would carry it (the service parses text)."""
    import json

    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@router.get(
    "/local-standards", summary="Parameters left to local rules, the results waiting on them, proposals (admin)"
)
def parameters(
    admin: User = Depends(require("admin")), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return local_standards.parameters_list(s, admin)


@router.post(
    "/local-standards", status_code=201, summary="Propose a local value (admin); in force once another admin approves"
)
def propose(
    body: Proposal, admin: User = Depends(require("admin")), s: Session = Depends(db, scope="function")
) -> Response:
    form = {**body.model_dump(exclude={"value"}), "value": "" if body.value is None else _typed(body.value)}
    try:
        row = local_standards.propose(s, admin, {k: v or "" for k, v in form.items()})
    except local_standards.BadProposal as bad:
        s.rollback()
        return JSONResponse(
            status_code=422,
            content={
                "detail": bad.message,
                "problems": [
                    {"field": k, "label": local_standards.FIELD_NAMES[k], "message": v} for k, v in bad.problems.items()
                ],
            },
        )
    return JSONResponse(status_code=201, content=local_standards.describe(row))


@router.post("/local-standards/{standard_id}/approve", summary="Approve a proposal (another admin than the proposer)")
def approve(
    standard_id: int, admin: User = Depends(require("admin")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return local_standards.describe(local_standards.approve(s, admin, standard_id))


@router.post("/local-standards/{standard_id}/reject", summary="Reject a proposal with a reason (another admin)")
def reject(
    standard_id: int,
    body: Rejection,
    admin: User = Depends(require("admin")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return local_standards.describe(local_standards.reject(s, admin, standard_id, body.reason))


@router.get("/local-standards/export", summary="The approved values as an overlay file for renshe batch (admin)")
def export(admin: User = Depends(require("admin")), s: Session = Depends(db, scope="function")) -> Response:
    return Response(
        local_standards.export(s),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="local-standards.json"'},
    )
