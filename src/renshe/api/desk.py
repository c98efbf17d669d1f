"""Service-desk API (不见面办理): sign-in, applications, review, public notice,
disbursement, claw-back, audit. Thin: every rule lives in renshe.services."""

from __future__ import annotations

from typing import Any

from fastapi import (
    APIRouter,
    Depends,
    File,
    Header,
    HTTPException,
    Query,
    Request,
    Response,
    UploadFile,
)
from pydantic import Field
from sqlalchemy.orm import Session

from renshe.http.deps import Strict, client_address, current_user, db, require
from renshe.http.hardening import download_headers
from renshe.services import applications, audit, disbursement, notice
from renshe.services.users import User, authenticate, issue_token

router = APIRouter(prefix="/api/v1", tags=["service desk"])


class Login(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class NewApplication(Strict):
    policy: str = Field(min_length=3, max_length=96)
    case: dict[str, Any]
    commitment: bool = False
    missing_items: list[str] = Field(default_factory=list, max_length=50)
    bank_account: str | None = Field(default=None, max_length=34, pattern=r"^\d{8,34}$")


class Review(Strict):
    action: str = Field(pattern="^(approve|reject|return)$")
    reason: str | None = Field(default=None, max_length=2000)


class Resubmit(Strict):
    case: dict[str, Any] | None = None
    supplied: list[str] = Field(default_factory=list, max_length=50)


class NewNotice(Strict):
    applications: list[str] = Field(min_length=1, max_length=10000)
    title: str = Field(min_length=1, max_length=200)


class NewObjection(Strict):
    text: str = Field(min_length=1, max_length=2000)
    contact: str | None = Field(default=None, max_length=64)


class ObjectionReview(Strict):
    upheld: bool
    note: str = Field(min_length=1, max_length=2000)
    objection: int | None = Field(default=None, ge=1, description="异议编号；该申请有多条待复核异议时必填")


class NewDisbursement(Strict):
    applications: list[str] | None = None


class NewClawback(Strict):
    amount: float = Field(gt=0)
    reason: str = Field(min_length=1, max_length=2000)


def me(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "display_name": user.display_name,
        "uscc": user.uscc,
        "region": user.region,
    }


@router.post("/login", summary="Sign in; returns an API token")
def login(body: Login, request: Request, s: Session = Depends(db, scope="function")) -> dict[str, Any]:
    user = authenticate(s, body.username, body.password, client_address(request))
    return {"token": issue_token(s, user), "user": me(user)}


@router.get("/me")
def whoami(user: User = Depends(current_user)) -> dict[str, Any]:
    return me(user)


@router.post("/applications", status_code=201, summary="Apply for a policy the calculator found")
def submit(
    body: NewApplication,
    response: Response,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
    user: User = Depends(require("enterprise", "agency", "person")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    app, created = applications.submit(
        s,
        user,
        body.policy,
        body.case,
        idempotency_key,
        commitment=body.commitment,
        missing_items=body.missing_items,
        bank_account=body.bank_account,
    )
    if not created:
        response.status_code = 200
    return applications.view(user, app, s)


@router.get(
    "/applications",
    summary="The applications the user may see, one page at a time",
    description="`page` from 1, `size` up to 500 (default 50); the total is in the `X-Total-Count` "
    "header (with `X-Page`, `X-Page-Size`), the body is the page's list.",
)
def list_applications(
    response: Response,
    status: str | None = None,
    page: int = Query(1, ge=1, le=1_000_000),
    size: int = Query(applications.PAGE_SIZE, ge=1, le=applications.PAGE_SIZE_MAX),
    user: User = Depends(current_user),
    s: Session = Depends(db, scope="function"),
) -> list[dict[str, Any]]:
    items, total = applications.visible_page(s, user, status, page, size)
    response.headers.update({"X-Total-Count": str(total), "X-Page": str(page), "X-Page-Size": str(size)})
    return applications.view_list(s, user, items)


@router.get("/applications/{number}")
def get_application(
    number: str, user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return applications.view(user, applications.get(s, user, number), s)


@router.get("/applications/{number}/comparison", summary="Review by data comparison")
def comparison(
    number: str, user: User = Depends(require("caseworker", "auditor")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return applications.compare(applications.get(s, user, number), s)


@router.get("/applications/{number}/objections", summary="The objections to an application and their review")
def list_objections(
    number: str, user: User = Depends(require("caseworker", "auditor")), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    app = applications.get(s, user, number)
    return [
        {
            "id": o.id,
            "text": o.text,
            "filed_on": o.filed_on.isoformat(),
            "resolved": o.resolved,
            "resolution": o.resolution,
        }
        for o in notice.objections(s, app)
    ]


@router.post("/applications/{number}/review")
def review(
    number: str, body: Review, user: User = Depends(require("caseworker")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return applications.view(user, applications.review(s, user, number, body.action, body.reason), s)


@router.post("/applications/{number}/resubmit")
def resubmit(
    number: str,
    body: Resubmit,
    user: User = Depends(require("enterprise", "agency", "person")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return applications.view(user, applications.resubmit(s, user, number, body.case, body.supplied))


@router.post("/notices", status_code=201)
def publish(
    body: NewNotice, user: User = Depends(require("caseworker")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    batch = notice.publish(s, user, body.applications, body.title)
    return {"id": batch.id, "closes_on": batch.closes_on.isoformat(), "window_days": batch.window_days}


@router.get("/notices", summary="Public notice (公示): open to everyone")
def notices(s: Session = Depends(db, scope="function")) -> list[dict[str, Any]]:
    return notice.public_view(s)


@router.post("/notices/objections/{number}", status_code=201, summary="File an objection during the window")
def objection(number: str, body: NewObjection, s: Session = Depends(db, scope="function")) -> dict[str, Any]:
    o = notice.object_to(s, number, body.text, body.contact)
    return {"id": o.id, "filed_on": o.filed_on.isoformat()}


@router.post("/notices/{batch_id}/close")
def close_notice(
    batch_id: int, user: User = Depends(require("caseworker")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    batch = notice.close_window(s, user, batch_id)
    return {"id": batch.id, "cleared": [i.application.number for i in batch.items if i.application.status == "cleared"]}


@router.post("/applications/{number}/objection-review")
def objection_review(
    number: str,
    body: ObjectionReview,
    user: User = Depends(require("caseworker")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return applications.view(user, notice.resolve_objection(s, user, number, body.upheld, body.note, body.objection), s)


@router.post("/disbursements", status_code=201)
def new_disbursement(
    body: NewDisbursement, user: User = Depends(require("finance")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    d = disbursement.create(s, user, body.applications)
    return {"id": d.id, "total": float(d.total), "count": len(d.items)}


@router.get("/disbursements/{disbursement_id}/export")
def export_disbursement(
    disbursement_id: int,
    format: str = "xlsx",
    user: User = Depends(require("finance", "auditor")),
    s: Session = Depends(db, scope="function"),
) -> Response:
    data, media = disbursement.export(s, user, disbursement_id, format)
    return Response(
        content=data, media_type=media, headers=download_headers(f"disbursement-{disbursement_id}.{format}")
    )


@router.post(
    "/disbursements/{disbursement_id}/return",
    summary="Import the bank's return file (银行回盘)",
    description="multipart `file`: xlsx or csv with 申请编号, 账号, 金额, 结果 (成功/失败), 失败原因; "
    "422 with every problem by row and column, nothing saved.",
)
def bank_return(
    disbursement_id: int,
    file: UploadFile = File(...),
    user: User = Depends(require("finance")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    try:
        d = disbursement.import_return(s, user, disbursement_id, file.filename or "", file.file.read())
    except disbursement.ReturnFileError as bad:
        s.rollback()
        raise HTTPException(status_code=422, detail={"message": bad.message, "problems": bad.problems}) from None
    return {
        "id": d.id,
        "status": d.status,
        "paid": [i.application.number for i in d.items if i.result == "paid"],
        "failed": [
            {"number": i.application.number, "reason": i.failure_reason} for i in d.items if i.result == "failed"
        ],
    }


@router.post("/disbursements/{disbursement_id}/paid")
def paid(
    disbursement_id: int, user: User = Depends(require("finance")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    d = disbursement.mark_paid(s, user, disbursement_id)
    return {"id": d.id, "status": d.status, "paid_on": d.paid_on.isoformat() if d.paid_on else None}


@router.post("/applications/{number}/clawback", status_code=201)
def clawback(
    number: str,
    body: NewClawback,
    user: User = Depends(require("caseworker")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    c = disbursement.claw_back(s, user, number, body.amount, body.reason)
    return {"id": c.id, "amount": float(c.amount), "status": c.status}


@router.get("/audit", summary="Search the audit log (auditor, admin)")
def audit_search(
    action: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    limit: int = 200,
    user: User = Depends(require("auditor", "admin")),
    s: Session = Depends(db, scope="function"),
) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "role": e.role,
            "action": e.action,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "detail": e.detail,
            "hash": e.hash,
        }
        for e in audit.search(s, user, action, entity_id, actor, limit)
    ]


@router.get("/audit/verify", summary="Verify the audit hash chain")
def audit_verify(
    user: User = Depends(require("auditor", "admin")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    check = audit.verify(s)
    return {
        "ok": check.ok,
        "events": check.events,
        "first_bad": check.first_bad,
        "problem": check.problem,
        "checkpoints": check.checkpoints,
    }
