"""Pages of the reporting obligations and publications (报告与公告): the daily reports
(每日报告: an agency's upload or one-row form; the bureau's day view by district, overdue and
the rows to act on, xlsx export), the announcement section (公告专区), HR service agencies
(许可备案、年度报告公示、市场执法) and the shortage occupation catalogue. Thin: services do the work;
forms keep what was typed and show each problem on its field."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.domain.regions import region_tree
from renshe.engine.catalog import page_for
from renshe.http import uploads
from renshe.http.deps import Db, Viewer
from renshe.http.hardening import download_headers
from renshe.http.labour_forms import XLSX
from renshe.services import agencies, announcements, daily_reports, occupations
from renshe.services.errors import ServiceError
from renshe.services.reports_common import FieldProblems, within
from renshe.services.reports_settings import announcement_kinds, kinds, param
from renshe.services.users import User
from renshe.web.desk_pages import need_login, page
from renshe.web.upload_page import take

router = APIRouter(include_in_schema=False)
page_for("renshe.services.daily_reports", "/daily-reports", "/daily-reports/district")
page_for("renshe.services.announcements", "/announcements")
page_for("renshe.services.agencies", "/agencies", "/agencies/annual-reports")
page_for("renshe.services.occupations", "/occupations")
STAFF = ("caseworker", "auditor", "admin")


@cache
def _all_regions() -> tuple[tuple[str, str], ...]:
    """Every region the data knows as (code, full name), province → city → district."""
    out: list[tuple[str, str]] = []
    for p in region_tree():
        out.append((str(p["code"]), str(p["name"])))
        for c in p["cities"]:  # type: ignore[attr-defined]
            city = str(p["name"]) + ("" if c["name"] == "市辖区" else str(c["name"]))
            if c["name"] != "市辖区":
                out.append((str(c["code"]), city))
            out += [(str(d["code"]), city + str(d["name"])) for d in c["districts"]]
    return tuple(out)


def region_options(of: str | None = None) -> list[tuple[str, str]]:
    """The picker's regions, within the area of ``of`` when given."""
    return [(code, name) for code, name in _all_regions() if within(code, of)]


def _problems(exc: ServiceError) -> list[dict[str, str | None]]:
    if isinstance(exc, FieldProblems):
        return list(exc.problems)  # type: ignore[arg-type]
    return [{"field": None, "message": part} for part in exc.message.split("；") if part.strip()]


def _message(request: Request, user: User | None, exc: ServiceError) -> HTMLResponse:
    return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)


# ----------------------------------------------------------------- daily reports


def _daily_agency(request: Request, user: User, s: Session, status_code: int = 200, **extra: Any) -> HTMLResponse:
    chosen = extra.pop("kind", "")
    chosen = chosen if chosen in kinds() else next(iter(kinds()))
    fields = ["file", "day", *[f"col{i}" for i in range(len(kinds()[chosen].columns))]]
    return page(
        request,
        "reports/daily_agency.html",
        user,
        status_code=status_code,
        kinds=kinds(),
        chosen=chosen,
        fields=fields,
        lookback=param("daily.health_screening_lookback_days"),
        today=daily_reports.beijing_now().date().isoformat(),
        reports=[daily_reports.summary(r) for r in daily_reports.own_reports(s, user)],
        form=extra.pop("form", {}),
        errors=extra.pop("errors", []),
        **extra,
    )


@router.get("/daily-reports", response_class=HTMLResponse)
def daily_home(request: Request, user: Viewer, s: Db, kind: str = "") -> Response:
    if user is None:
        return need_login(request)
    if user.role in STAFF:
        return RedirectResponse("/daily-reports/district", status_code=303)
    if user.role != "agency":
        return page(
            request,
            "desk/message.html",
            user,
            status_code=403,
            message="每日报告由技工院校、劳务派遣机构和人力资源服务机构报送（以机构账号登录）",
        )
    return _daily_agency(request, user, s, kind=kind if kind in kinds() else "")


def _day(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FieldProblems([{"field": "day", "message": f"报告日期“{value}”应为 YYYY-MM-DD 格式的日期"}]) from None


@router.post("/daily-reports/upload", response_class=HTMLResponse)
async def daily_upload(
    request: Request, user: Viewer, s: Db, file: UploadFile = File(...), kind: str = Form(""), day: str = Form("")
) -> Response:
    typed = {"day": day}

    def work(u: User, data: bytes, name: str) -> tuple[daily_reports.CheckResult, Any]:
        chosen = _day(day)
        daily_reports.kind(kind)
        checked = daily_reports.check_file(kind, data, name, chosen or daily_reports.beijing_now().date())
        return checked, daily_reports.submit(s, u, kind, checked, day=chosen, channel="web", filename=name)

    def again(u: User, exc: ServiceError) -> Response:
        if isinstance(exc, daily_reports.ReportFileError):
            errors = [{"field": "file", "message": exc.message}]
            return _daily_agency(request, u, s, 422, kind=kind, form=typed, errors=errors)
        return _daily_agency(request, u, s, exc.status, kind=kind, form=typed, errors=_problems(exc))

    def done(u: User, made: tuple[daily_reports.CheckResult, Any]) -> Response:
        checked, report = made
        return _daily_agency(
            request,
            u,
            s,
            201,
            kind=kind,
            result=checked,
            report=daily_reports.summary(report),
            rejected=uploads.capped(checked.rejected, f"/daily-reports/reports/{report.id}"),
        )

    return await take(request, user, file, work, done, again)


@router.post("/daily-reports/form", response_class=HTMLResponse)
async def daily_form(request: Request, user: Viewer, s: Db) -> Response:
    if user is None:
        return need_login(request)
    raw = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    kind = raw.get("kind", "")
    try:
        chosen = _day(raw.get("day", ""))
        k = daily_reports.kind(kind)
        values = {c.name: raw.get(f"col{i}", "") for i, c in enumerate(k.columns)}
        report = daily_reports.submit_form(s, user, kind, values, day=chosen)
    except ServiceError as exc:
        if exc.status == 403:
            return _message(request, user, exc)
        names = {c.name: f"col{i}" for i, c in enumerate(kinds()[kind].columns)} if kind in kinds() else {}
        errors = []
        for e in _problems(exc):
            field = str(e["message"]).partition("：")[0]
            errors.append({"field": names.get(field, e["field"]), "message": e["message"]} if field in names else e)
        return _daily_agency(request, user, s, exc.status, kind=kind, form=raw, errors=errors)
    return _daily_agency(request, user, s, 201, kind=kind, filed=daily_reports.summary(report))


@router.get("/daily-reports/district", response_class=HTMLResponse)
def daily_district(request: Request, user: Viewer, s: Db, kind: str = "", day: str = "") -> Response:
    if user is None:
        return need_login(request)
    kind = kind or next(iter(kinds()))
    try:
        view = daily_reports.day_view(s, user, kind, _day(day))
    except FieldProblems as exc:
        return page(request, "desk/message.html", user, status_code=400, message=exc.message)
    except ServiceError as exc:
        return _message(request, user, exc)
    return page(request, "reports/daily_district.html", user, view=view, kinds=kinds())


@router.get("/daily-reports/export")
def daily_export(request: Request, user: Viewer, s: Db, kind: str = "", day: str = "") -> Response:
    if user is None:
        return need_login(request)
    try:
        chosen = _day(day) or daily_reports.beijing_now().date()
        data = daily_reports.export_day(s, user, kind, chosen)
    except ServiceError as exc:
        return _message(request, user, exc)
    return Response(data, media_type=XLSX, headers=download_headers(f"daily-{kind}-{chosen.isoformat()}.xlsx"))


@router.get("/daily-reports/template/{kind}")
def daily_template(request: Request, kind: str, user: Viewer) -> Response:
    try:
        return Response(daily_reports.template(kind), media_type=XLSX, headers=download_headers(f"daily-{kind}.xlsx"))
    except ServiceError as exc:
        return _message(request, user, exc)


@router.get("/daily-reports/reports/{report_id}", response_class=HTMLResponse)
def daily_report(request: Request, report_id: int, user: Viewer, s: Db) -> Response:
    if user is None:
        return need_login(request)
    try:
        r = daily_reports.detail(s, user, report_id)
    except ServiceError as exc:
        return _message(request, user, exc)
    return page(request, "reports/daily_report.html", user, r=r)


# ----------------------------------------------------------------- announcements


def _announcements(
    request: Request,
    user: User | None,
    s: Session,
    region: str = "",
    kind: str = "",
    status_code: int = 200,
    **extra: Any,
) -> HTMLResponse:
    found = [announcements.view(a) for a in announcements.listing(s, region=region, kind=kind)]
    home = None
    if user is not None and user.role == "agency":
        from renshe.services.dispatch import agency_district

        home = agency_district(user)
    elif user is not None and user.role == "caseworker":
        home = user.region
    return page(
        request,
        "reports/announcements.html",
        user,
        status_code=status_code,
        found=found,
        region=region,
        kind=kind,
        kinds=announcement_kinds(),
        regions=region_options(),
        publish_regions=region_options(home) if user is not None and user.role != "admin" else region_options(),
        form=extra.pop("form", {}),
        errors=extra.pop("errors", []),
        **extra,
    )


@router.get("/announcements", response_class=HTMLResponse)
def announcement_list(request: Request, user: Viewer, s: Db, region: str = "", kind: str = "") -> HTMLResponse:
    return _announcements(request, user, s, region.strip(), kind.strip())


@router.post("/announcements", response_class=HTMLResponse)
def announcement_publish(
    request: Request,
    user: Viewer,
    s: Db,
    kind: str = Form(""),
    region: str = Form(""),
    title: str = Form(""),
    subject: str = Form(""),
    body: str = Form(""),
    effective_from: str = Form(""),
    effective_to: str = Form(""),
    event_date: str = Form(""),
) -> Response:
    if user is None:
        return need_login(request)
    typed = {
        "kind": kind,
        "region": region,
        "title": title,
        "subject": subject,
        "body": body,
        "effective_from": effective_from,
        "effective_to": effective_to,
        "event_date": event_date,
    }
    try:
        a = announcements.publish(
            s,
            user,
            kind=kind,
            region=region,
            title=title,
            subject=subject,
            body=body,
            effective_from=effective_from,
            effective_to=effective_to or None,
            event_date=event_date or None,
        )
    except ServiceError as exc:
        if exc.status == 403:
            return _message(request, user, exc)
        return _announcements(request, user, s, status_code=exc.status, form=typed, errors=_problems(exc))
    return _announcements(request, user, s, status_code=201, published=announcements.view(a))


# ----------------------------------------------------------------- HR service agencies


def _agencies(request: Request, user: User, s: Session, status_code: int = 200, **extra: Any) -> HTMLResponse:
    staff = user.role in STAFF
    return page(
        request,
        "reports/agencies.html",
        user,
        status_code=status_code,
        staff=staff,
        filings=[agencies.filing_view(f) for f in agencies.filings(s, user)],
        annual=[agencies.annual_view(r) for r in agencies.annual_reports(s, user) if staff or r.agency_id == user.id],
        cases=[agencies.case_view(c) for c in agencies.cases(s, user)],
        pickable=[(a.id, a.display_name) for a in agencies.agencies_for(s, user)] if staff else [],
        filing_kinds=agencies.FILING_KINDS,
        verification=agencies.VERIFICATION,
        categories=agencies.CATEGORIES,
        outcomes=agencies.OUTCOMES,
        form=extra.pop("form", {}),
        errors=extra.pop("errors", []),
        **extra,
    )


def _agency_user(request: Request, user: User | None) -> Response | None:
    if user is None:
        return need_login(request)
    if user.role not in ("agency", *STAFF):
        return page(
            request,
            "desk/message.html",
            user,
            status_code=403,
            message="人力资源服务机构事项仅供机构和人社部门人员使用",
        )
    return None


@router.get("/agencies", response_class=HTMLResponse)
def agency_home(request: Request, user: Viewer, s: Db) -> Response:
    refused = _agency_user(request, user)
    if refused is not None:
        return refused
    assert user is not None
    return _agencies(request, user, s)


def _agency_write(
    request: Request, user: User | None, s: Session, form_name: str, typed: dict[str, Any], call: Any
) -> Response:
    refused = _agency_user(request, user)
    if refused is not None:
        return refused
    assert user is not None
    try:
        call(user)
    except ServiceError as exc:
        if exc.status == 403 and not isinstance(exc, FieldProblems):
            return _message(request, user, exc)
        return _agencies(request, user, s, exc.status, form={form_name: typed}, errors=_problems(exc), failed=form_name)
    return RedirectResponse("/agencies", status_code=303)


@router.post("/agencies/filings", response_class=HTMLResponse)
async def agency_filing(
    request: Request,
    user: Viewer,
    s: Db,
    kind: str = Form(""),
    services: str = Form(""),
    verification: str = Form(""),
    files: list[UploadFile] = File(default=[]),
) -> Response:
    read = [(f.filename or "", await f.read()) for f in files]
    typed = {"kind": kind, "services": services, "verification": verification}
    return _agency_write(
        request,
        user,
        s,
        "filing",
        typed,
        lambda u: agencies.file(s, u, kind=kind, services=services, verification=verification, files=read),
    )


@router.post("/agencies/filings/{filing_id}/review", response_class=HTMLResponse)
def agency_review(
    request: Request, filing_id: int, user: Viewer, s: Db, decision: str = Form(""), note: str = Form("")
) -> Response:
    return _agency_write(
        request,
        user,
        s,
        f"review{filing_id}",
        {"note": note},
        lambda u: agencies.review(s, u, filing_id, approve=decision == "approve", note=note),
    )


MEDIA = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "xlsx": XLSX}


@router.get("/agencies/filings/{filing_id}/materials/{index}")
def agency_material(request: Request, filing_id: int, index: int, user: Viewer, s: Db) -> Response:
    if user is None:
        return need_login(request)
    try:
        record, data = agencies.material(s, user, filing_id, index)
    except ServiceError as exc:
        return _message(request, user, exc)
    return Response(
        data,
        media_type=MEDIA.get(record["kind"], "application/octet-stream"),
        headers=download_headers(record["filename"]),
    )


@router.post("/agencies/annual", response_class=HTMLResponse)
def agency_annual(
    request: Request, user: Viewer, s: Db, year: str = Form(""), summary: str = Form(""), good_practice: str = Form("")
) -> Response:
    typed = {"year": year, "summary": summary, "good_practice": good_practice}
    return _agency_write(
        request,
        user,
        s,
        "annual",
        typed,
        lambda u: agencies.submit_annual(s, u, year=year, summary=summary, good_practice=good_practice),
    )


@router.post("/agencies/annual/{report_id}/publish", response_class=HTMLResponse)
def agency_annual_publish(request: Request, report_id: int, user: Viewer, s: Db, commend: str = Form("")) -> Response:
    return _agency_write(
        request,
        user,
        s,
        f"publish{report_id}",
        {},
        lambda u: agencies.publish_annual(s, u, report_id, commend=commend == "1"),
    )


@router.post("/agencies/cases", response_class=HTMLResponse)
def agency_case(
    request: Request,
    user: Viewer,
    s: Db,
    agency_id: str = Form(""),
    category: str = Form(""),
    complaint: str = Form(""),
    complainant: str = Form(""),
) -> Response:
    typed = {"agency_id": agency_id, "category": category, "complaint": complaint, "complainant": complainant}
    return _agency_write(
        request,
        user,
        s,
        "case",
        typed,
        lambda u: agencies.open_case(
            s, u, agency_id=agency_id, category=category, complaint=complaint, complainant=complainant
        ),
    )


@router.post("/agencies/cases/{case_id}/close", response_class=HTMLResponse)
def agency_case_close(
    request: Request, case_id: int, user: Viewer, s: Db, outcome: str = Form(""), note: str = Form("")
) -> Response:
    return _agency_write(
        request,
        user,
        s,
        f"close{case_id}",
        {"outcome": outcome, "note": note},
        lambda u: agencies.close_case(s, u, case_id, outcome=outcome, note=note),
    )


@router.get("/agencies/annual-reports", response_class=HTMLResponse)
def annual_public(request: Request, user: Viewer, s: Db, region: str = "") -> HTMLResponse:
    found = [
        agencies.annual_view(r) for r in agencies.annual_reports(s, None, published_only=True, region=region.strip())
    ]
    return page(request, "reports/annual_reports.html", user, found=found, region=region, regions=region_options())


# ----------------------------------------------------------------- shortage occupation catalogue


def _occupations(
    request: Request, user: User | None, s: Session, region: str = "", status_code: int = 200, **extra: Any
) -> HTMLResponse:
    found = occupations.editions(s, region)
    latest = occupations.view(found[0]) if found else None
    home = user.region if user is not None and user.role == "caseworker" else None
    return page(
        request,
        "reports/occupations.html",
        user,
        status_code=status_code,
        latest=latest,
        editions=[occupations.view(c, with_entries=False) for c in found],
        region=region,
        regions=region_options(),
        publish_regions=region_options(home),
        writer=user is not None and user.role in ("caseworker", "admin"),
        form=extra.pop("form", {}),
        errors=extra.pop("errors", []),
        **extra,
    )


@router.get("/occupations", response_class=HTMLResponse)
def occupation_list(request: Request, user: Viewer, s: Db, region: str = "") -> HTMLResponse:
    return _occupations(request, user, s, region.strip())


@router.post("/occupations", response_class=HTMLResponse)
async def occupation_publish(
    request: Request,
    user: Viewer,
    s: Db,
    file: UploadFile = File(...),
    region: str = Form(""),
    edition: str = Form(""),
    published_on: str = Form(""),
) -> Response:
    typed = {"region": region, "edition": edition, "published_on": published_on}
    return await take(
        request,
        user,
        file,
        lambda u, data, name: occupations.publish(
            s, u, region=region, edition=edition, table=occupations.read(data, name), published_on=published_on or None
        ),
        lambda u, cat: _occupations(request, u, s, cat.region, status_code=201, published=occupations.view(cat)),
        lambda u, exc: _occupations(request, u, s, status_code=exc.status, form=typed, errors=_problems(exc)),
    )


@router.get("/occupations/{catalogue_id}.xlsx")
def occupation_download(request: Request, catalogue_id: int, user: Viewer, s: Db) -> Response:
    try:
        cat = occupations.get(s, catalogue_id)
    except ServiceError as exc:
        return _message(request, user, exc)
    return Response(occupations.workbook(cat), media_type=XLSX, headers=download_headers(f"occupations-{cat.id}.xlsx"))


def latest_for_board(s: Session, region: str) -> dict[str, Any] | None:
    """The latest edition for the job board (急聘岗位) of a region (or any, without one)."""
    cat = occupations.latest(s, region)
    return occupations.view(cat) if cat is not None else None
