"""Reporting obligations and publications API (报告与公告): daily reports (每日报告), the
announcement section (公告专区), HR service agencies (许可备案、年度报告、市场执法) and the shortage
occupation catalogue (急需紧缺职业（工种）目录). Thin: the rules live in renshe.services."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile
from pydantic import Field
from sqlalchemy.orm import Session

from renshe.http import uploads
from renshe.http.deps import Strict, current_user, db, require
from renshe.http.hardening import download_headers
from renshe.http.labour_forms import XLSX
from renshe.services import agencies, announcements, daily_reports, occupations
from renshe.services.errors import ServiceError
from renshe.services.reports_settings import kinds
from renshe.services.users import User

router = APIRouter(prefix="/api/v1", tags=["reports and publications"])

PathId = Annotated[int, Path(ge=1, le=2_147_483_647)]
KindKey = Annotated[
    str, Path(pattern=r"^[a-z_]{1,32}$", description="每日报告的种类（GET /api/v1/daily-reports/kinds）")
]
STAFF = ("caseworker", "auditor", "admin")
WRITERS = ("caseworker", "admin")


def _file_error(exc: daily_reports.ReportFileError) -> ServiceError:
    err = ServiceError(exc.message)
    err.status = 422
    return err


# ----------------------------------------------------------------- daily reports


@router.get("/daily-reports/kinds", summary="The daily reports: name, columns, who owes them, the sentence")
def daily_kinds() -> list[dict[str, Any]]:
    return [
        {
            "kind": k.key,
            "name": k.name,
            "daily": k.daily,
            "owed_by": k.owed_by,
            "from": k.first_day.isoformat(),
            "columns": [{"name": c.name, "choices": list(c.choices)} for c in k.columns],
            "citation": k.citation(),
        }
        for k in kinds().values()
    ]


@router.post(
    "/daily-reports/{kind}",
    status_code=201,
    summary="File a daily report (CSV or xlsx)",
    responses={413: {"description": "File larger than the limit (answered before the body is read)"}},
)
async def daily_file(
    kind: KindKey,
    file: UploadFile = File(...),
    day: dt.date | None = Query(None),
    user: User = Depends(require("agency")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    daily_reports.kind(kind)
    data = await file.read()
    name = file.filename or ""
    on = day or daily_reports.beijing_now().date()
    try:
        checked = await uploads.off_loop(daily_reports.check_file, kind, data, name, on)
    except daily_reports.ReportFileError as exc:
        raise _file_error(exc) from None
    report = daily_reports.submit(s, user, kind, checked, day=day, channel="api", filename=name)
    return {
        "accepted": len(checked.accepted),
        "report": {k: v for k, v in daily_reports.summary(report).items() if k != "rejected"},
        **uploads.capped(checked.rejected, f"/api/v1/daily-reports/reports/{report.id}"),
    }


@router.get("/daily-reports/mine", summary="The agency's own daily reports")
def daily_mine(
    user: User = Depends(require("agency")), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return [daily_reports.summary(r) for r in daily_reports.own_reports(s, user)]


@router.get(
    "/daily-reports/reports/{report_id}",
    summary="A daily report with its rows (ID numbers masked unless filer or district)",
)
def daily_detail(
    report_id: PathId, user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return daily_reports.detail(s, user, report_id)


@router.get(
    "/daily-reports/{kind}/day", summary="Who has and has not filed a day, by district; the rows to act on at once"
)
def daily_day(
    kind: KindKey,
    day: dt.date | None = None,
    user: User = Depends(require(*STAFF)),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return daily_reports.day_view(s, user, kind, day)


@router.get("/daily-reports/{kind}/export", summary="A day's rows in the user's area (xlsx)")
def daily_export(
    kind: KindKey, day: dt.date, user: User = Depends(require(*STAFF)), s: Session = Depends(db, scope="function")
) -> Response:
    return Response(
        daily_reports.export_day(s, user, kind, day),
        media_type=XLSX,
        headers=download_headers(f"daily-{kind}-{day.isoformat()}.xlsx"),
    )


@router.get("/daily-reports/{kind}/template", summary="An empty report with its header row (xlsx)")
def daily_template(kind: KindKey) -> Response:
    return Response(daily_reports.template(kind), media_type=XLSX, headers=download_headers(f"daily-{kind}.xlsx"))


# ----------------------------------------------------------------- announcements


class NewAnnouncement(Strict):
    kind: Literal["reopening", "recruitment_change", "return_info"]
    region: str = Field(pattern=r"^\d{6}$")
    title: str = Field(min_length=1, max_length=120)
    body: str = Field(min_length=1, max_length=5000)
    subject: str = Field(default="", max_length=200)
    effective_from: dt.date
    effective_to: dt.date | None = None
    event_date: dt.date | None = None


@router.get("/announcements", summary="The announcement section: by region and kind, newest first")
def announcement_list(
    region: str = Query("", pattern=r"^(\d{6})?$"),
    kind: Literal["", "reopening", "recruitment_change", "return_info"] = "",
    current: bool = False,
    s: Session = Depends(db, scope="function"),
) -> list[dict[str, Any]]:
    return [announcements.view(a) for a in announcements.listing(s, region=region, kind=kind, current_only=current)]


@router.post("/announcements", status_code=201, summary="Publish an announcement in the user's area")
def announcement_publish(
    body: NewAnnouncement,
    user: User = Depends(require("caseworker", "admin", "agency")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return announcements.view(announcements.publish(s, user, **body.model_dump()))


# ----------------------------------------------------------------- HR service agencies


@router.post(
    "/agency-filings",
    status_code=201,
    summary="File for an HR service permit or filing (许可/备案)",
    responses={413: {"description": "Files larger than the limit"}},
)
async def agency_file(
    kind: Literal["permit", "filing"] = Form(...),
    services: str = Form(..., max_length=2000),
    verification: Literal["remote", "onsite"] = Form(...),
    files: list[UploadFile] = File(default=[]),
    user: User = Depends(require("agency")),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    read = [(f.filename or "", await f.read()) for f in files]
    return agencies.filing_view(
        agencies.file(s, user, kind=kind, services=services, verification=verification, files=read)
    )


@router.get("/agency-filings", summary="Filings: the agency's own, or those of the user's area")
def agency_filings(
    user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return [agencies.filing_view(f) for f in agencies.filings(s, user)]


class Review(Strict):
    approve: bool
    note: str = Field(default="", max_length=1000)


@router.post("/agency-filings/{filing_id}/review", summary="The district bureau's decision on a filing")
def agency_review(
    filing_id: PathId, body: Review, user: User = Depends(require(*WRITERS)), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return agencies.filing_view(agencies.review(s, user, filing_id, approve=body.approve, note=body.note))


class NewAnnual(Strict):
    year: int = Field(ge=2000, le=2100)
    summary: str = Field(min_length=1, max_length=5000)
    good_practice: str = Field(default="", max_length=5000)


@router.post("/agency-annual-reports", status_code=201, summary="The agency's annual report with its good practice")
def annual_submit(
    body: NewAnnual, user: User = Depends(require("agency")), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return agencies.annual_view(agencies.submit_annual(s, user, **body.model_dump()))


@router.get("/agency-annual-reports", summary="Published annual reports (年度报告公示)")
def annual_list(
    region: str = Query("", pattern=r"^(\d{6})?$"), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return [agencies.annual_view(r) for r in agencies.annual_reports(s, None, published_only=True, region=region)]


class Publish(Strict):
    commend: bool = False


@router.post("/agency-annual-reports/{report_id}/publish", summary="Publish an annual report (and commend it)")
def annual_publish(
    report_id: PathId,
    body: Publish,
    user: User = Depends(require(*WRITERS)),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return agencies.annual_view(agencies.publish_annual(s, user, report_id, commend=body.commend))


class NewCase(Strict):
    agency_id: int = Field(ge=1, le=2_147_483_647)
    category: Literal["fee", "price_gouging", "discrimination", "false_info"]
    complaint: str = Field(min_length=1, max_length=5000)
    complainant: str = Field(default="", max_length=64)


@router.post("/enforcement-cases", status_code=201, summary="A complaint against an agency becomes a case")
def case_open(
    body: NewCase, user: User = Depends(require(*WRITERS)), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return agencies.case_view(agencies.open_case(s, user, **body.model_dump()))


@router.get("/enforcement-cases", summary="Cases: against the agency itself, or in the user's area")
def case_list(user: User = Depends(current_user), s: Session = Depends(db, scope="function")) -> list[dict[str, Any]]:
    return [agencies.case_view(c) for c in agencies.cases(s, user)]


class Close(Strict):
    outcome: Literal["corrected", "penalised", "unfounded"]
    note: str = Field(min_length=1, max_length=5000)


@router.post("/enforcement-cases/{case_id}/close", summary="Close a case with its outcome")
def case_close(
    case_id: PathId, body: Close, user: User = Depends(require(*WRITERS)), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return agencies.case_view(agencies.close_case(s, user, case_id, outcome=body.outcome, note=body.note))


# ----------------------------------------------------------------- shortage occupation catalogue


@router.get("/occupations", summary="Editions of the shortage occupation catalogue, newest first")
def occupation_editions(
    region: str = Query("", pattern=r"^(\d{6})?$"), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return [occupations.view(c, with_entries=False) for c in occupations.editions(s, region)]


@router.get("/occupations/{catalogue_id}", summary="One edition with its occupations")
def occupation_edition(catalogue_id: PathId, s: Session = Depends(db, scope="function")) -> dict[str, Any]:
    return occupations.view(occupations.get(s, catalogue_id))


@router.get("/occupations/{catalogue_id}/xlsx", summary="One edition as xlsx")
def occupation_download(catalogue_id: PathId, s: Session = Depends(db, scope="function")) -> Response:
    cat = occupations.get(s, catalogue_id)
    return Response(occupations.workbook(cat), media_type=XLSX, headers=download_headers(f"occupations-{cat.id}.xlsx"))


@router.post(
    "/occupations",
    status_code=201,
    summary="Publish an edition from a CSV or xlsx file",
    responses={413: {"description": "File larger than the limit"}},
)
async def occupation_publish(
    file: UploadFile = File(...),
    region: str = Form(..., pattern=r"^\d{6}$"),
    edition: str = Form(..., max_length=64),
    published_on: dt.date | None = Form(None),
    user: User = Depends(require(*WRITERS)),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    table = await uploads.off_loop(occupations.read, await file.read(), file.filename or "")
    cat = occupations.publish(s, user, region=region, edition=edition, table=table, published_on=published_on)
    return occupations.view(cat)
