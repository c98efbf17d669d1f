"""Training and employment programmes API (培训与就业服务项目): the online training catalogue and
project filing, trainees and statistics, the park training-needs ledger, employment-service
ledgers, guaranteed-loan post-loan management, public-welfare posts, zero-employment households
and the public-institution desk. Thin: the rules live in renshe.services."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Query, Response, UploadFile

from renshe.http import uploads
from renshe.http.deps import Db, require
from renshe.http.hardening import download_headers
from renshe.http.labour_forms import XLSX
from renshe.http.programme_forms import (
    ClearHousehold,
    Decision,
    FollowUp,
    ImportKind,
    LedgerKind,
    LoanSettle,
    LoanVisitBody,
    NewCandidate,
    NewExpert,
    NewHousehold,
    NewLoan,
    NewNeed,
    NewPayGrant,
    NewPlatform,
    NewPost,
    NewProject,
    NewRound,
    NewServiceRecord,
    NewTitleApplication,
    NewTrainee,
    Placement,
    PlatformDecision,
    Reschedule,
    Review,
    RoundResults,
)
from renshe.services import (
    employment_services,
    guaranteed_loans,
    ledger_imports,
    public_institutions,
    training,
    training_needs,
    welfare_posts,
    zero_employment,
)
from renshe.services.users import User

router = APIRouter(prefix="/api/v1", tags=["training and employment programmes"])
PathId = Annotated[int, Path(ge=1, le=2_147_483_647)]
STAFF = ("caseworker", "auditor", "admin")
Caseworker = Annotated[User, Depends(require("caseworker"))]  # writes; the services bound the area
Staff = Annotated[User, Depends(require(*STAFF))]  # reads the area's ledgers


# ----------------------------------------------------------------- online training


@router.get("/training/catalogue", summary="Search the online training catalogue (线上培训平台目录)")
def catalogue(
    s: Db,
    q: str = Query("", max_length=100),
    occupation: str = Query("", max_length=100),
    region: str = Query("", pattern=r"^(\d{6})?$"),
    free_only: bool = False,
    batch: str = Query("", max_length=64),
) -> list[dict[str, Any]]:
    return training.search(s, q=q, occupation=occupation, region=region, free_only=free_only, batch=batch)


@router.post("/training/platforms", status_code=201, summary="Propose a platform to the call (征集线上培训平台)")
def propose(
    body: NewPlatform, user: Annotated[User, Depends(require("agency", "caseworker"))], s: Db
) -> dict[str, Any]:
    data = body.model_dump()
    p = training.propose_platform(s, user, **{**data, "courses": data["courses"]})
    return training.platform_view(p)


@router.post("/training/platforms/{platform_id}/decision", summary="Select a platform into the catalogue or refuse it")
def decide_platform(platform_id: PathId, body: PlatformDecision, user: Caseworker, s: Db) -> dict[str, Any]:
    p = training.decide_platform(
        s, user, platform_id, select_it=body.select, reason=body.reason, recognised_hours=body.recognised_hours
    )
    return training.platform_view(p)


@router.post("/training/projects", status_code=201, summary="File a training project online (线上审批/备案)")
def file_project(
    body: NewProject, user: Annotated[User, Depends(require("agency", "enterprise"))], s: Db
) -> dict[str, Any]:
    return training.project_view(training.file_project(s, user, **body.model_dump()))


@router.get("/training/projects", summary="Own filings, or the filings of the area (overdue first)")
def list_projects(
    user: Annotated[User, Depends(require("agency", "enterprise", *STAFF))], s: Db
) -> list[dict[str, Any]]:
    return training.projects(s, user)


@router.post("/training/projects/{project_id}/decision", summary="Approve a filing or refuse it with the reason")
def decide_project(project_id: PathId, body: Decision, user: Caseworker, s: Db) -> dict[str, Any]:
    p = training.decide_project(s, user, project_id, approve=body.approve, reason=body.reason)
    return training.project_view(p)


@router.post("/training/projects/{project_id}/trainees", status_code=201, summary="Enrol a trainee")
def enrol(
    project_id: PathId,
    body: NewTrainee,
    user: Annotated[User, Depends(require("agency", "enterprise", "caseworker"))],
    s: Db,
) -> dict[str, Any]:
    e = training.enrol(s, user, project_id, **body.model_dump())
    return {"id": e.id, "project": project_id, "enrolled_on": e.enrolled_on.isoformat()}


@router.get("/training/statistics", summary="Enrolments, completions and passes by region and month (调度统计)")
def statistics(user: Staff, s: Db, year: int | None = Query(None, ge=2000, le=2100)) -> dict[str, Any]:
    return training.statistics(s, user, year=year)


@router.get("/training/statistics.xlsx", summary="The statistics as a workbook")
def statistics_xlsx(user: Staff, s: Db, year: int | None = Query(None, ge=2000, le=2100)) -> Response:
    data = training.statistics_xlsx(training.statistics(s, user, year=year))
    return Response(data, media_type=XLSX, headers=download_headers("training-statistics.xlsx"))


@router.post("/training/needs", status_code=201, summary="Enter a park enterprise's training need (培训需求台账)")
def record_need(body: NewNeed, user: Caseworker, s: Db) -> dict[str, Any]:
    n = training_needs.record(s, user, **body.model_dump())
    return {"id": n.id, "park": n.park, "occupation": n.occupation, "headcount": n.headcount}


@router.get("/training/needs", summary="The park training-needs ledger of the area")
def needs(user: Staff, s: Db) -> dict[str, Any]:
    return training_needs.ledger(s, user)


# ----------------------------------------------------------------- employment-service ledgers


@router.post(
    "/employment-services/{kind}/records", status_code=201, summary="Record a service in a ledger (就业服务台账)"
)
def service_record(kind: LedgerKind, body: NewServiceRecord, user: Caseworker, s: Db) -> dict[str, Any]:
    rec = employment_services.record(s, user, kind, **body.model_dump())
    return employment_services.view(rec, dt.date.today())


@router.get("/employment-services/{kind}", summary="A ledger of the area with the overdue follow-ups")
def service_ledger(kind: LedgerKind, user: Staff, s: Db) -> dict[str, Any]:
    return employment_services.ledger(s, user, kind)


@router.post("/employment-services/records/{record_id}/follow-up", summary="Record the follow-up visit (回访)")
def service_follow_up(record_id: PathId, body: FollowUp, user: Caseworker, s: Db) -> dict[str, Any]:
    rec = employment_services.follow_up(s, user, record_id, **body.model_dump())
    return employment_services.view(rec, dt.date.today())


@router.post("/career-experts", status_code=201, summary="Add an expert to the career-guidance pool (职业指导专家库)")
def add_expert(body: NewExpert, user: Caseworker, s: Db) -> dict[str, Any]:
    e = employment_services.add_expert(s, user, **body.model_dump())
    return {"id": e.id, "name": e.name, "institution": e.institution}


# ----------------------------------------------------------------- guaranteed loans


@router.post("/loans", status_code=201, summary="Put a guaranteed start-up loan under post-loan management")
def add_loan(body: NewLoan, user: Caseworker, s: Db) -> dict[str, Any]:
    loan = guaranteed_loans.add(s, user, **body.model_dump())
    return {"id": loan.id, "status": guaranteed_loans.status(loan, dt.date.today())}


@router.get("/loans", summary="Loans of the area: status, overdue list, visits due")
def loans(user: Staff, s: Db) -> dict[str, Any]:
    return guaranteed_loans.book(s, user)


@router.post("/loans/{loan_id}/visits", status_code=201, summary="Record a post-loan visit (贷后回访)")
def loan_visit(loan_id: PathId, body: LoanVisitBody, user: Caseworker, s: Db) -> dict[str, Any]:
    v = guaranteed_loans.visit(s, user, loan_id, **body.model_dump())
    return {"id": v.id, "loan": loan_id, "on": v.on.isoformat()}


@router.post("/loans/{loan_id}/settle", summary="Record the repayment or an extension")
def loan_settle(loan_id: PathId, body: LoanSettle, user: Caseworker, s: Db) -> dict[str, Any]:
    loan = guaranteed_loans.settle(s, user, loan_id, **body.model_dump())
    return {"id": loan.id, "status": guaranteed_loans.status(loan, dt.date.today())}


# ----------------------------------------------------------------- public-welfare posts


@router.get("/welfare-posts", summary="Posts, the waiting queue in priority order, the placed, who needs review")
def welfare_board(user: Staff, s: Db) -> dict[str, Any]:
    return welfare_posts.board(s, user)


@router.post("/welfare-posts", status_code=201, summary="Develop a public-welfare post (开发公益性岗位)")
def add_post(body: NewPost, user: Caseworker, s: Db) -> dict[str, Any]:
    p = welfare_posts.add_post(s, user, **body.model_dump())
    return {"id": p.id, "title": p.title, "places": p.places}


@router.post("/welfare-posts/candidates", status_code=201, summary="Register a person waiting for a post")
def add_candidate(body: NewCandidate, user: Caseworker, s: Db) -> dict[str, Any]:
    c = welfare_posts.add_candidate(s, user, **body.model_dump())
    return {"id": c.id, "group": c.group}


@router.post("/welfare-posts/candidates/{candidate_id}/review", summary="安置保障“回头看”: employment status")
def review(candidate_id: PathId, body: Review, user: Caseworker, s: Db) -> dict[str, Any]:
    c = welfare_posts.review(s, user, candidate_id, **body.model_dump())
    return {"id": c.id, "employed": c.employed, "market_failed": c.market_failed}


@router.post("/welfare-posts/candidates/{candidate_id}/place", summary="Place a person on a post")
def place(candidate_id: PathId, body: Placement, user: Caseworker, s: Db) -> dict[str, Any]:
    c = welfare_posts.place(s, user, candidate_id, body.post_id, on=body.on)
    return {"id": c.id, "post": c.post_id}


# ----------------------------------------------------------------- zero-employment households


@router.get("/zero-employment", summary="Open zero-employment households (target: none) and the cleared")
def zero_board(user: Staff, s: Db) -> dict[str, Any]:
    return zero_employment.board(s, user)


@router.post("/zero-employment", status_code=201, summary="Identify a zero-employment household (认定)")
def identify(body: NewHousehold, user: Caseworker, s: Db) -> dict[str, Any]:
    h = zero_employment.identify(s, user, **body.model_dump())
    return {"id": h.id, "unit": h.unit}


@router.post("/zero-employment/{household_id}/clear", summary="A member employed: the household is cleared (消除)")
def clear(household_id: PathId, body: ClearHousehold, user: Caseworker, s: Db) -> dict[str, Any]:
    h = zero_employment.clear(s, user, household_id, **body.model_dump())
    return {"id": h.id, "employed_on": h.employed_on.isoformat() if h.employed_on else None}


@router.post("/zero-employment/targets/{year}", summary="Write the year's households into the target tables")
def zero_targets(
    year: Annotated[int, Path(ge=2020, le=2100)], user: Annotated[User, Depends(require("caseworker", "admin"))], s: Db
) -> dict[str, str]:
    return {"target_set": zero_employment.sync_targets(s, user, year)}


# ----------------------------------------------------------------- public institutions


@router.get("/recruitment/announcements", summary="Public recruitment announcements (招聘公告), newest first")
def announcements(s: Db, region: str = Query("", pattern=r"^\d{0,6}$")) -> list[dict[str, Any]]:
    return public_institutions.announcements(s, region)


@router.get("/recruitment/rounds", summary="Recruitment rounds of the area")
def rounds(user: Staff, s: Db) -> list[dict[str, Any]]:
    return public_institutions.rounds(s, user)


@router.post("/recruitment/rounds", status_code=201, summary="Open a recruitment round and announce it")
def open_round(body: NewRound, user: Caseworker, s: Db) -> dict[str, Any]:
    return public_institutions.round_view(public_institutions.open_round(s, user, **body.model_dump()))


@router.post("/recruitment/rounds/{round_id}/reschedule", summary="Move the exam dates and announce them")
def reschedule(round_id: PathId, body: Reschedule, user: Caseworker, s: Db) -> dict[str, Any]:
    return public_institutions.round_view(public_institutions.reschedule(s, user, round_id, **body.model_dump()))


@router.post("/recruitment/rounds/{round_id}/results", summary="Record applicants and hired")
def results(round_id: PathId, body: RoundResults, user: Caseworker, s: Db) -> dict[str, Any]:
    return public_institutions.round_view(public_institutions.record_results(s, user, round_id, **body.model_dump()))


@router.get("/titles", summary="Title evaluation queue (frontline medical staff first)")
def titles(user: Staff, s: Db) -> dict[str, Any]:
    return public_institutions.title_queue(s, user)


@router.post("/titles", status_code=201, summary="Enter a title application (职称申报)")
def apply_title(body: NewTitleApplication, user: Caseworker, s: Db) -> dict[str, Any]:
    a = public_institutions.apply_title(s, user, **body.model_dump())
    return {"id": a.id, "priority": a.frontline_medical}


@router.get("/performance-pay", summary="One-off performance-pay increases beside the yearly totals")
def pay(user: Staff, s: Db) -> dict[str, Any]:
    return public_institutions.pay_grants(s, user)


@router.post("/performance-pay", status_code=201, summary="Approve a one-off performance-pay increase (核增)")
def grant(body: NewPayGrant, user: Caseworker, s: Db) -> dict[str, Any]:
    g = public_institutions.grant_one_off(s, user, **body.model_dump())
    return {"id": g.id, "one_off": str(g.one_off), "yearly_total": str(g.yearly_total)}


# ----------------------------------------------------------------- bulk imports of the ledgers


@router.get("/ledger-imports/{kind}/template", summary="The bulk-import template of a ledger (台账批量导入模板)")
def import_template(kind: ImportKind, user: Caseworker) -> Response:
    return Response(ledger_imports.template(kind), media_type=XLSX, headers=download_headers(f"import-{kind}.xlsx"))


@router.post(
    "/ledger-imports/{kind}",
    summary="Import a ledger workbook: rows saved, rows already in the ledger, rows refused with row and column",
)
async def import_ledger(kind: ImportKind, user: Caseworker, s: Db, file: UploadFile = File(...)) -> dict[str, Any]:
    data = await file.read()
    name = file.filename or ""
    result = await uploads.off_loop(ledger_imports.run, s, user, kind, data, name)
    return result.summary()
