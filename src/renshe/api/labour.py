"""Labour-market services API (劳动力市场服务): dispatch real-name reports, density and
screening checks, the urgent job board, "311" follow-up and point-to-point transport.
Thin: the rules live in renshe.services."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Path, Query, Response, UploadFile
from pydantic import Field
from sqlalchemy.orm import Session

from renshe.http import uploads
from renshe.http.deps import Strict, current_user, db, require
from renshe.http.hardening import download_headers
from renshe.http.labour_forms import (
    XLSX,
    AcceptDispute,
    CloseDispute,
    NewDifficultyPerson,
    NewDispute,
    NewService,
    NewTrip,
)
from renshe.services import dispatch, disputes, followup311, jobs, transport
from renshe.services.errors import ServiceError
from renshe.services.users import User

router = APIRouter(prefix="/api/v1", tags=["labour market"])


PathId = Annotated[int, Path(ge=1, le=2_147_483_647)]


def _file_error(exc: dispatch.ReportFileError) -> ServiceError:
    err = ServiceError(exc.message)
    err.status = 422
    return err


# ----------------------------------------------------------------- dispatch


RejectedFormat = Literal["json", "xlsx", "csv"]


def _rejected_download(rejected: list[dict[str, Any]], fmt: str, name: str) -> Response:
    media = XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"
    return Response(
        uploads.rejected_table(rejected, "xlsx" if fmt == "xlsx" else "csv"),
        media_type=media,
        headers=download_headers(f"{name}.{fmt}"),
    )


@router.post(
    "/dispatch/check",
    summary="Check a real-name report file without storing it",
    description="JSON: `accepted`, `rejected_total`, `rejected_rows` and the first "
    f"{uploads.REJECTED_SHOWN} problems in `rejected`. `format=xlsx` or `csv`: "
    "the full list of problems as a file.",
    responses={
        401: {"description": "Not signed in (the body is not read)"},
        413: {"description": "File larger than the limit (answered before the body is read)"},
        422: {"description": "The file as a whole cannot be read: wrong header, too many rows, too slow"},
    },
)
async def dispatch_check(
    file: UploadFile = File(...), format: RejectedFormat = Query("json"), user: User = Depends(current_user)
) -> Any:
    data = await file.read()
    name = file.filename or ""
    try:
        result = await uploads.off_loop(dispatch.check_file, data, name)
    except dispatch.ReportFileError as exc:
        raise _file_error(exc) from None
    if format != "json":
        return _rejected_download(result.rejected, format, f"{_stem(name)}-不予接收")
    return {
        "accepted": len(result.accepted),
        **uploads.capped(result.rejected, "同一文件以 format=xlsx（或 csv）再次提交本接口，即得全部问题清单"),
    }


def _stem(filename: str) -> str:
    stem = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    return stem[:100] or "dispatch"


@router.post(
    "/dispatch/reports",
    status_code=201,
    summary="Upload the agency's report for a cycle (报送)",
    responses={
        401: {"description": "Not signed in (the body is not read)"},
        403: {"description": "Not an agency (the body is not read)"},
        413: {"description": "File larger than the limit (answered before the body is read)"},
    },
)
async def dispatch_upload(
    file: UploadFile = File(...),
    cycle: dt.date | None = Query(None),
    user: User = Depends(require("agency")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    data = await file.read()
    name = file.filename or ""
    try:
        checked = await uploads.off_loop(dispatch.check_file, data, name)
        report, result = dispatch.submit(s, user, data, name, cycle=cycle, channel="api", checked=checked)
    except dispatch.ReportFileError as exc:
        raise _file_error(exc) from None
    summary = dispatch.report_summary(report)
    return {
        "accepted": len(result.accepted),
        **uploads.capped(result.rejected, f"/api/v1/dispatch/reports/{report.id}/rejected.xlsx"),
        "report": summary,
    }


@router.get(
    "/dispatch/reports/{report_id}/rejected.{fmt}", summary="All rejected rows of a stored report (xlsx or csv)"
)
def dispatch_rejected(
    report_id: PathId,
    fmt: Literal["xlsx", "csv"],
    user: User = Depends(current_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    report = dispatch.get_report(s, user, report_id)
    return _rejected_download(list(report.rejected or []), fmt, f"dispatch-report-{report.id}-rejected")


@router.get("/dispatch/reports", summary="The agency's own reports")
def dispatch_mine(
    user: User = Depends(require("agency")), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return [dispatch.report_summary(r) for r in dispatch.agency_reports(s, user)]


@router.get("/dispatch/reports/{report_id}", summary="A report with its rows (masked unless agency or district)")
def dispatch_report(
    report_id: PathId, user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return dispatch.report_detail(s, user, report_id)


@router.get("/dispatch/district", summary="District view: each agency's status for a cycle, late or missing")
def dispatch_district(
    cycle: dt.date | None = None,
    user: User = Depends(require("caseworker", "auditor", "admin")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return dispatch.district_view(s, user, cycle)


@router.get("/dispatch/municipal", summary="Municipal roll-up per district")
def dispatch_municipal(
    cycle: dt.date | None = None,
    user: User = Depends(require("caseworker", "auditor", "admin")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return dispatch.municipal_view(s, user, cycle)


@router.get("/dispatch/export", summary="The district's consolidated rows of a cycle (xlsx)")
def dispatch_export(
    cycle: dt.date,
    user: User = Depends(require("caseworker", "auditor", "admin")),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return Response(
        dispatch.export_district(s, user, cycle),
        media_type=XLSX,
        headers=download_headers(f"dispatch-{cycle.isoformat()}.xlsx"),
    )


@router.get("/dispatch/cycles", summary="Reporting cycle open now and its deadline")
def dispatch_cycles() -> dict[str, Any]:
    now = dispatch.beijing_now()
    cur = dispatch.current_cycle(now)
    closed = dispatch.last_closed_cycle(now)
    return {
        "current": cur.isoformat(),
        "deadline": dispatch.deadline(cur).isoformat(timespec="minutes"),
        "last_closed": closed.isoformat() if closed else None,
        "citation": dispatch.citation("dispatch.cycle_days"),
    }


class Room(Strict):
    name: str | None = Field(default=None, max_length=64)
    occupants: int = Field(ge=0, le=1000)
    area_m2: float = Field(gt=0, le=100000)
    underground: bool = False


class Density(Strict):
    office_area_m2: float | None = Field(default=None, gt=0)
    office_headcount: int | None = Field(default=None, gt=0)
    rooms: list[Room] = Field(default_factory=list, max_length=5000)


@router.post("/dispatch/density", summary="Office and dormitory density check (办公、住宿密度)")
def density(body: Density, user: User = Depends(current_user)) -> dict[str, Any]:
    return dispatch.check_density(
        office_area_m2=body.office_area_m2,
        office_headcount=body.office_headcount,
        rooms=[r.model_dump() for r in body.rooms],
    )


class Screening(Strict):
    has_health_record: bool
    wuhan_contact: bool
    close_contact: bool
    symptoms: list[str] = Field(default_factory=list, max_length=20)
    in_hubei: bool = False
    returned_on: dt.date | None = None


@router.post("/dispatch/screening", summary="Pre-dispatch screening checklist (输送前防疫排查)")
def screening(body: Screening, user: User = Depends(current_user)) -> dict[str, Any]:
    return dispatch.screen_worker(**body.model_dump())


# ----------------------------------------------------------------- jobs


class NewJob(Strict):
    title: str = Field(min_length=1, max_length=120)
    description: str = Field(min_length=1, max_length=5000)
    region: str = Field(pattern=r"^\d{6}$")
    industry: str | None = Field(default=None, max_length=64)
    skills: list[str] = Field(default_factory=list, max_length=30)
    positions: int = Field(default=1, ge=1, le=100000)
    epidemic_supply: bool = False


@router.post("/jobs", status_code=201, summary="Post a vacancy (screened, then reviewed)")
def post_job(
    body: NewJob,
    response: Response,
    user: User = Depends(require("enterprise", "agency")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    job = jobs.post(s, user, **body.model_dump())
    if job.status == "refused":
        response.status_code = 422
    return jobs.view(job)


@router.get("/jobs", summary="Search published vacancies (urgent first)")
def search_jobs(
    q: str = "",
    region: str = "",
    industry: str = "",
    urgent: bool | None = None,
    s: Session = Depends(db, scope="function"),
) -> list[dict[str, Any]]:
    return [jobs.view(j) for j in jobs.search(s, q, region, industry, urgent)]


@router.get("/jobs/mine")
def my_jobs(
    user: User = Depends(require("enterprise", "agency")), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return [jobs.view(j) for j in jobs.mine(s, user)]


@router.get("/jobs/queue", summary="Postings waiting for review")
def job_queue(
    user: User = Depends(require("caseworker", "auditor", "admin")), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return [jobs.view(j) for j in jobs.queue(s, user)]


@router.get("/jobs/stats", summary="Weekly statistics of posts, seekers and applications")
def job_stats(
    weeks: int = Query(8, ge=1, le=104),
    user: User = Depends(require("caseworker", "auditor", "admin")),
    s: Session = Depends(db, scope="function"),
) -> list[dict[str, Any]]:
    return jobs.weekly_stats(s, user, weeks)


@router.get("/jobs/matches", summary="Vacancies matching the signed-in job seeker")
def my_matches(
    user: User = Depends(require("person")), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return jobs.matches_for_person(s, user)


class Seeker(Strict):
    region: str = Field(pattern=r"^\d{6}$")
    industry: str | None = Field(default=None, max_length=64)
    skills: list[str] = Field(default_factory=list, max_length=30)


@router.put("/jobs/seeker", summary="Register or update the job seeker's profile")
def seeker(
    body: Seeker, user: User = Depends(require("person")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    sk = jobs.register_seeker(s, user, body.region, body.industry, body.skills)
    return {"region": sk.region, "industry": sk.industry, "skills": sk.skills}


@router.get("/jobs/{job_id}")
def get_job(
    job_id: PathId, user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return jobs.view(jobs.get(s, user, job_id))


class JobReview(Strict):
    approve: bool
    reason: str | None = Field(default=None, max_length=2000)


@router.post("/jobs/{job_id}/review")
def review_job(
    job_id: PathId,
    body: JobReview,
    user: User = Depends(require("caseworker")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return jobs.view(jobs.review(s, user, job_id, body.approve, body.reason))


@router.post("/jobs/{job_id}/apply", status_code=201)
def apply_job(
    job_id: PathId, user: User = Depends(require("person")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    app = jobs.apply(s, user, job_id)
    return {"id": app.id, "posting": job_id, "applied_at": app.applied_at.isoformat(timespec="minutes")}


@router.get("/jobs/{job_id}/matches", summary="Job seekers matching a vacancy (phones masked)")
def job_matches(
    job_id: PathId, user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return jobs.matches_for_job(s, user, job_id)


# ----------------------------------------------------------------- 311


@router.post("/followup311/persons", status_code=201, summary="Register a person with employment difficulties")
def f311_register(
    body: NewDifficultyPerson, user: User = Depends(require("caseworker")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    p = followup311.register(s, user, **body.model_dump())
    return followup311.view(user, p, dt.date.today())


@router.post("/followup311/persons/{person_id}/services", status_code=201, summary="Record a service")
def f311_service(
    person_id: PathId,
    body: NewService,
    user: User = Depends(require("caseworker")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    svc = followup311.record_service(s, user, person_id, body.kind, body.on, body.note)
    return followup311.view(user, svc.person, dt.date.today())


@router.get("/followup311/behind", summary="Who is behind schedule today, per caseworker and area")
def f311_behind(
    user: User = Depends(require("caseworker", "auditor", "admin")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return followup311.behind_schedule(s, user)


# ----------------------------------------------------------------- transport


@router.post("/transport/trips", status_code=201, summary="Register a return trip (点对点出行登记)")
def new_trip(
    body: NewTrip, user: User = Depends(require("person", "caseworker")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    t = transport.register_trip(s, user, **body.model_dump())
    return {"id": t.id, "origin": t.origin, "destination": t.destination, "travel_date": t.travel_date.isoformat()}


@router.post("/transport/plans", status_code=201, summary="Group a date's trips into vehicles (一车一方案)")
def make_plans(
    travel_date: dt.date,
    capacity: int | None = Query(None, ge=1, le=2000),
    user: User = Depends(require("caseworker")),
    s: Session = Depends(db, scope="function"),
) -> list[dict[str, Any]]:
    return [transport.vehicle_view(v) for v in transport.plan(s, user, travel_date, capacity)]


@router.get("/transport/trips/mine", summary="The signed-in worker's own trips and their vehicles")
def my_trips(
    user: User = Depends(require("person")), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return transport.own_trips(s, user)


@router.get("/transport/trips", summary="Trips of the user's area waiting for a vehicle (待编排, masked)")
def pending_trips(
    travel_date: dt.date | None = None,
    user: User = Depends(require("caseworker", "auditor", "admin")),
    s: Session = Depends(db, scope="function"),
) -> list[dict[str, Any]]:
    return transport.pending_trips(s, user, travel_date)


@router.get("/transport/plans", summary="Vehicle plans of the user's area (auditors and admins: all)")
def list_plans(
    travel_date: dt.date | None = None,
    user: User = Depends(require("caseworker", "auditor", "admin")),
    s: Session = Depends(db, scope="function"),
) -> list[dict[str, Any]]:
    return [transport.vehicle_view(v) for v in transport.vehicles(s, user, travel_date)]


@router.get("/transport/plans/export", summary="Passenger lists (xlsx) for the operator or the receiving bureau")
def export_plans(
    travel_date: dt.date,
    audience: str = "operator",
    user: User = Depends(require("caseworker")),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return Response(
        transport.export(s, user, travel_date, audience),
        media_type=XLSX,
        headers=download_headers(f"transport-{travel_date.isoformat()}-{audience}.xlsx"),
    )


@router.get("/transport/plans/{vehicle_id}", summary="One vehicle plan and its passengers (masked)")
def get_plan(
    vehicle_id: PathId,
    user: User = Depends(require("caseworker", "auditor", "admin")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return transport.vehicle_view(transport.vehicle(s, user, vehicle_id))


# ----------------------------------------------------------------- disputes


@router.post("/disputes", status_code=201, summary="File a wage-arrears complaint or an arbitration application")
def file_dispute(
    body: NewDispute, user: User = Depends(require("person")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return disputes.view(disputes.file(s, user, **body.model_dump()))


@router.get("/disputes")
def list_disputes(
    user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return [disputes.view(c) for c in disputes.visible(s, user)]


@router.get("/disputes/{number}")
def get_dispute(
    number: str, user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return disputes.view(disputes.get(s, user, number))


@router.post("/disputes/{number}/accept", summary="Accept; computes the award deadline")
def accept_dispute(
    number: str,
    body: AcceptDispute,
    user: User = Depends(require("caseworker")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return disputes.view(disputes.accept(s, user, number, body.accepted_on, body.extended, body.epidemic_delay_days))


@router.post("/disputes/{number}/close")
def close_dispute(
    number: str,
    body: CloseDispute,
    user: User = Depends(require("caseworker")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return disputes.view(disputes.close(s, user, number, body.outcome))
