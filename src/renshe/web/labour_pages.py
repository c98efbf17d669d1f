"""Labour-market pages (劳动力市场服务): the agency's real-name report upload, the district
caseworker's view of who is late or missing (and the municipal roll-up), a report's rows,
and the urgent job board (post, search, apply, review). Thin: services do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.engine.catalog import page_for
from renshe.http import uploads
from renshe.http.deps import db, optional_user
from renshe.services import dispatch, jobs
from renshe.services.errors import ServiceError
from renshe.services.users import User
from renshe.web.desk_pages import need_login, page

router = APIRouter(include_in_schema=False)
page_for("renshe.services.jobs", "/jobs")
page_for("renshe.services.dispatch", "/dispatch", "/dispatch/district")
STAFF = ("caseworker", "auditor", "admin")


def _message(request: Request, user: User | None, exc: ServiceError) -> HTMLResponse:
    return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)


@router.get("/dispatch", response_class=HTMLResponse)
def dispatch_home(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    if user is None:
        return need_login(request)
    if user.role in STAFF:
        return RedirectResponse("/dispatch/district", status_code=303)
    if user.role != "agency":
        return page(
            request,
            "desk/message.html",
            user,
            status_code=403,
            message="实名动态信息报送仅供劳务派遣机构和人力资源服务机构使用",
        )
    return _agency_page(request, user, s)


def _agency_page(request: Request, user: User, s: Session, status_code: int = 200, **extra: Any) -> HTMLResponse:
    now = dispatch.beijing_now()
    cur = dispatch.current_cycle(now)
    return page(
        request,
        "labour/dispatch_agency.html",
        user,
        status_code=status_code,
        cycle=cur,
        deadline=dispatch.deadline(cur),
        columns=dispatch.columns(),
        reports=[dispatch.report_summary(r) for r in dispatch.agency_reports(s, user)],
        citation=dispatch.citation("dispatch.cycle_days"),
        **extra,
    )


@router.post("/dispatch", response_class=HTMLResponse)
async def dispatch_upload(
    request: Request,
    file: UploadFile = File(...),
    cycle: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    data = await file.read()
    try:
        chosen = dt.date.fromisoformat(cycle) if cycle.strip() else None
    except ValueError:
        return _agency_page(request, user, s, status_code=400, error=f"报送日“{cycle}”应为 YYYY-MM-DD 格式的日期")
    try:
        checked = await uploads.off_loop(dispatch.check_file, data, file.filename or "")
        report, result = dispatch.submit(
            s, user, data, file.filename or "", cycle=chosen, channel="web", checked=checked
        )
    except dispatch.ReportFileError as exc:
        return _agency_page(request, user, s, status_code=422, error=exc.message)
    except ServiceError as exc:
        return _message(request, user, exc)
    return _agency_page(
        request,
        user,
        s,
        status_code=201,
        result=result,
        report=dispatch.report_summary(report),
        rejected=uploads.capped(result.rejected, f"/api/v1/dispatch/reports/{report.id}/rejected.xlsx"),
    )


@router.get("/dispatch/district", response_class=HTMLResponse)
def dispatch_district(
    request: Request,
    cycle: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    try:
        chosen = dt.date.fromisoformat(cycle) if cycle else None
        view = dispatch.district_view(s, user, chosen)
        rollup = dispatch.municipal_view(s, user, chosen)
    except ValueError:
        return page(request, "desk/message.html", user, status_code=400, message=f"报送日“{cycle}”应为 YYYY-MM-DD")
    except ServiceError as exc:
        return _message(request, user, exc)
    return page(
        request,
        "labour/dispatch_district.html",
        user,
        view=view,
        rollup=rollup,
        district_level=dispatch.is_district_caseworker(user),
    )


@router.get("/dispatch/reports/{report_id}", response_class=HTMLResponse)
def dispatch_report(
    request: Request,
    report_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    try:
        detail = dispatch.report_detail(s, user, report_id)
    except ServiceError as exc:
        return _message(request, user, exc)
    return page(request, "labour/dispatch_report.html", user, r=detail, columns=dispatch.columns())


# ----------------------------------------------------------------- jobs


def _board(
    request: Request,
    user: User | None,
    s: Session,
    q: str = "",
    region: str = "",
    urgent: str = "",
    status_code: int = 200,
    **extra: Any,
) -> HTMLResponse:
    found = [jobs.view(j) for j in jobs.search(s, q, region, "", True if urgent else None)]
    mine = [jobs.view(j) for j in jobs.mine(s, user)] if user and user.role in ("enterprise", "agency") else []
    queue = [jobs.view(j) for j in jobs.queue(s, user)] if user and user.role in STAFF else []
    from renshe.web.reports_pages import latest_for_board  # 急需紧缺职业（工种）目录 beside the vacancies

    return page(
        request,
        "labour/jobs.html",
        user,
        status_code=status_code,
        jobs=found,
        mine=mine,
        queue=queue,
        q=q,
        region=region,
        urgent=urgent,
        form=extra.pop("form", {}),
        catalogue=latest_for_board(s, region),
        **extra,
    )


@router.get("/jobs", response_class=HTMLResponse)
def job_board(
    request: Request,
    q: str = "",
    region: str = "",
    urgent: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> HTMLResponse:
    return _board(request, user, s, q, region, urgent)


@router.post("/jobs", response_class=HTMLResponse)
def job_post(
    request: Request,
    title: str = Form(""),
    description: str = Form(""),
    region: str = Form(""),
    industry: str = Form(""),
    skills: str = Form(""),
    positions: str = Form("1"),
    epidemic_supply: bool = Form(False),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    typed = {
        "title": title,
        "description": description,
        "region": region,
        "industry": industry,
        "skills": skills,
        "positions": positions,
        "epidemic_supply": epidemic_supply,
    }
    try:
        try:
            count = int(positions.strip())
        except ValueError:
            raise ServiceError(f"招聘人数“{positions}”不是整数") from None
        job = jobs.post(
            s,
            user,
            title=title,
            description=description,
            region=region.strip(),
            industry=industry,
            skills=[x for x in skills.replace("，", ",").replace("、", ",").split(",")],
            positions=count,
            epidemic_supply=epidemic_supply,
        )
    except ServiceError as exc:  # shown beside the form, which keeps what was typed
        return _board(request, user, s, status_code=exc.status, form=typed, error=exc.message)
    if job.status == "refused":  # not published: the reason and its sources beside the form as typed
        return _board(request, user, s, status_code=422, form=typed, refused=jobs.view(job))
    return page(request, "labour/job_result.html", user, status_code=201, job=jobs.view(job))


@router.post("/jobs/{job_id}/apply", response_class=HTMLResponse)
def job_apply(
    request: Request,
    job_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    try:
        jobs.apply(s, user, job_id)
    except ServiceError as exc:
        return _message(request, user, exc)
    return page(request, "desk/message.html", user, message="已投递，用人单位将与您联系。")


@router.post("/jobs/{job_id}/review", response_class=HTMLResponse)
def job_review(
    request: Request,
    job_id: int,
    action: str = Form(...),
    reason: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:
        return need_login(request)
    try:
        jobs.review(s, user, job_id, action == "approve", reason or None)
    except ServiceError as exc:
        return _message(request, user, exc)
    return RedirectResponse("/jobs", status_code=303)


# ----------------------------------------------------------------- 311, transport, disputes
# Their pages live in their own modules; included here so the app mounts them with these.

from renshe.web import dispute_pages, followup_pages, transport_pages  # noqa: E402  (after this module's router)

router.include_router(followup_pages.router)
router.include_router(transport_pages.router)
router.include_router(dispute_pages.router)
