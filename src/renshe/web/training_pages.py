"""Online training pages (线上培训): the catalogue anyone searches (/training), the filing of
training projects by providers and enterprises and their approval by the district
(/training/projects), the statistics with their workbook (/training/statistics) and the park
training-needs ledger (/training/needs). Pickers for every choice; a bad entry re-renders the
form with what was typed and the problem on its field. Thin: renshe.services.training and
renshe.services.training_needs do the work."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.domain.regions import region_tree
from renshe.engine.catalog import page_for
from renshe.http.deps import Db, Viewer
from renshe.http.hardening import download_headers
from renshe.http.labour_forms import XLSX
from renshe.services import training, training_needs
from renshe.services.errors import ServiceError
from renshe.services.programmes_common import FieldError, area
from renshe.services.users import User
from renshe.web.desk_pages import need_login, page
from renshe.web.forms import FormError
from renshe.web.upload_page import take

router = APIRouter(include_in_schema=False)
page_for("renshe.services.training", "/training", "/training/projects", "/training/statistics")
page_for("renshe.services.training_needs", "/training/needs")
STAFF = ("caseworker", "auditor", "admin")
PROVIDERS = ("agency", "enterprise")


@cache
def _districts() -> tuple[tuple[str, str], ...]:
    out = []
    for p in region_tree():
        for c in p["cities"]:  # type: ignore[attr-defined]
            for d in c["districts"]:
                out.append((d["code"], f"{p['name']}{c['name'] if c['name'] != '市辖区' else ''}{d['name']}"))
    return tuple(out)


def district_options(user: User | None) -> list[tuple[str, str]]:
    """The districts a user may pick (地区选择): those of the user's area, or all known."""
    prefix = area(user.region) if user is not None and user.region else ""
    return [(code, name) for code, name in _districts() if code.startswith(prefix)]


def field_errors(exc: ServiceError) -> list[FormError]:
    return [{"field": getattr(exc, "field", None), "message": exc.message}]


def _not_a_field(exc: ServiceError) -> bool:
    """An upload's problem that is not on one of its fields is a message page."""
    return not isinstance(exc, FieldError)


def _message(request: Request, user: User | None, exc: ServiceError) -> HTMLResponse:
    return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)


# ----------------------------------------------------------------------------- catalogue


def _catalogue_page(
    request: Request, user: User | None, s: Session, form: dict[str, str], status_code: int = 200, **extra: Any
) -> HTMLResponse:
    found = training.search(
        s,
        q=form["q"][:100],
        occupation=form["occupation"][:100],
        region=form["region"] if form["region"].isdigit() else "",
        free_only=bool(form["free_only"]),
        batch=form["batch"][:64],
    )
    every = training.search(s)
    occupations = sorted({c["occupation"] for p in every for c in p["courses"]})
    batches = sorted({p["batch"] for p in every if p["batch"]})
    return page(
        request,
        "training/catalogue.html",
        user,
        status_code=status_code,
        platforms=found,
        occupations=occupations,
        batches=batches,
        regions=district_options(None),
        completeness=training.batch_completeness(s),
        form=form,
        headers=list(training.CATALOGUE_HEADERS.values()),
        import_regions=[(training.NATIONAL, "全国（人社部公布）"), *district_options(user)],
        **{"import_form": {}, "import_errors": [], **extra},
    )


@router.get("/training", response_class=HTMLResponse)
def catalogue(
    request: Request,
    user: Viewer,
    s: Db,
    q: str = "",
    occupation: str = "",
    region: str = "",
    free_only: str = "",
    batch: str = "",
    imported: str = "",
) -> HTMLResponse:
    """The free online training catalogue (免费线上培训目录), searched by platform, course,
    occupation, area and batch."""
    return _catalogue_page(
        request,
        user,
        s,
        {"q": q, "occupation": occupation, "region": region, "free_only": free_only, "batch": batch},
        imported=imported,
    )


@router.post("/training/catalogue/import", response_class=HTMLResponse)
async def catalogue_import(
    request: Request, user: Viewer, s: Db, file: UploadFile = File(...), region: str = Form(""), batch: str = Form("")
) -> Response:
    """A published batch (公布的目录清单) from a workbook: a bad row names its row and field, nothing saved."""
    empty = {"q": "", "occupation": "", "region": "", "free_only": "", "batch": ""}
    return await take(
        request,
        user,
        file,
        lambda u, data, name: training.import_batch(s, u, data, region=region, batch=batch),
        lambda u, made: RedirectResponse(f"/training?imported={len(made)}", status_code=303),
        lambda u, exc: _catalogue_page(
            request,
            u,
            s,
            empty,
            400,
            import_form={"region": region, "batch": batch},
            import_errors=field_errors(exc),
        ),
        _not_a_field,
    )


# ----------------------------------------------------------------------------- projects

PROJECT_FIELDS = (
    "region",
    "kind",
    "title",
    "mode",
    "trainee_group",
    "occupation",
    "start_date",
    "end_date",
    "planned",
    "platform_id",
)


def _projects_page(request: Request, user: User, s: Session, status_code: int = 200, **extra: Any) -> HTMLResponse:
    try:
        rows = training.projects(s, user)
    except ServiceError as exc:
        return _message(request, user, exc)
    return page(
        request,
        "training/projects.html",
        user,
        status_code=status_code,
        projects=rows,
        options=training.options(),
        platforms=training.search(s),
        regions=district_options(user),
        can_file=user.role in PROVIDERS,
        can_decide=user.role == "caseworker",
        **{"form": {}, "errors": [], "decision": {}, **extra},
    )


@router.get("/training/projects", response_class=HTMLResponse)
def projects(request: Request, user: Viewer, s: Db, filed: str = "", decided: str = "") -> Response:
    if user is None:
        return need_login(request)
    return _projects_page(request, user, s, filed=filed, decided=decided)


@router.post("/training/projects", response_class=HTMLResponse)
def file_project(
    request: Request,
    user: Viewer,
    s: Db,
    region: str = Form(""),
    kind: str = Form(""),
    title: str = Form(""),
    mode: str = Form(""),
    trainee_group: str = Form(""),
    occupation: str = Form(""),
    start_date: str = Form(""),
    end_date: str = Form(""),
    planned: str = Form(""),
    platform_id: str = Form(""),
) -> Response:
    """File a training project (培训项目线上备案); a bad entry comes back with the values typed."""
    if user is None:
        return need_login(request)
    form = {
        "region": region,
        "kind": kind,
        "title": title,
        "mode": mode,
        "trainee_group": trainee_group,
        "occupation": occupation,
        "start_date": start_date,
        "end_date": end_date,
        "planned": planned,
        "platform_id": platform_id,
    }
    try:
        if not planned.strip().isdigit():
            raise FieldError("planned", f"计划人数“{planned}”应为正整数")
        if platform_id and not platform_id.isdigit():
            raise FieldError("platform_id", "所选线上培训平台不在本地培训目录中")
        p = training.file_project(
            s,
            user,
            region=region,
            kind=kind,
            title=title,
            mode=mode,
            trainee_group=trainee_group,
            occupation=occupation,
            start_date=start_date,
            end_date=end_date,
            planned=int(planned),
            platform_id=int(platform_id) if platform_id else None,
        )
    except FieldError as exc:
        return _projects_page(request, user, s, status_code=400, form=form, errors=field_errors(exc))
    except ServiceError as exc:
        if exc.status == 403 and user.role not in PROVIDERS:
            return _message(request, user, exc)
        return _projects_page(request, user, s, status_code=exc.status, form=form, errors=field_errors(exc))
    return RedirectResponse(f"/training/projects?filed={p.id}#project-{p.id}", status_code=303)


@router.post("/training/projects/{project_id}/decision", response_class=HTMLResponse)
def decide(
    request: Request, project_id: int, user: Viewer, s: Db, decision: str = Form(""), reason: str = Form("")
) -> Response:
    """Approve (通过) or refuse (不予通过, with the reason) a filing."""
    if user is None:
        return need_login(request)
    try:
        training.decide_project(s, user, project_id, approve=decision == "approve", reason=reason)
    except FieldError as exc:
        return _projects_page(
            request,
            user,
            s,
            status_code=400,
            decision={"project": project_id, "reason": reason, "errors": field_errors(exc)},
        )
    except ServiceError as exc:
        return _message(request, user, exc)
    return RedirectResponse(f"/training/projects?decided={project_id}#project-{project_id}", status_code=303)


# ----------------------------------------------------------------------------- statistics


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) == 4 else None


@router.get("/training/statistics", response_class=HTMLResponse)
def statistics(request: Request, user: Viewer, s: Db, year: str = "") -> Response:
    if user is None:
        return need_login(request)
    try:
        stats = training.statistics(s, user, year=_year(year))
    except ServiceError as exc:
        return _message(request, user, exc)
    return page(request, "training/statistics.html", user, stats=stats, year=year)


@router.get("/training/statistics.xlsx")
def statistics_xlsx(request: Request, user: Viewer, s: Db, year: str = "") -> Response:
    if user is None:
        return need_login(request)
    try:
        stats = training.statistics(s, user, year=_year(year))
    except ServiceError as exc:
        return _message(request, user, exc)
    return Response(
        training.statistics_xlsx(stats),
        media_type=XLSX,
        headers=download_headers(f"training-statistics-{year or 'all'}.xlsx"),
    )


# ----------------------------------------------------------------------------- park needs ledger


def _needs_page(request: Request, user: User, s: Session, status_code: int = 200, **extra: Any) -> HTMLResponse:
    try:
        data = training_needs.ledger(s, user)
    except ServiceError as exc:
        return _message(request, user, exc)
    return page(
        request,
        "training/needs.html",
        user,
        status_code=status_code,
        data=data,
        regions=district_options(user),
        can_write=user.role == "caseworker",
        today=dt.date.today().isoformat(),
        **{"form": {}, "errors": [], "import_errors": [], **extra},
    )


@router.get("/training/needs", response_class=HTMLResponse)
def needs(request: Request, user: Viewer, s: Db, saved: str = "") -> Response:
    if user is None:
        return need_login(request)
    return _needs_page(request, user, s, saved=saved)


@router.post("/training/needs", response_class=HTMLResponse)
def record_need(
    request: Request,
    user: Viewer,
    s: Db,
    region: str = Form(""),
    park: str = Form(""),
    uscc: str = Form(""),
    enterprise: str = Form(""),
    occupation: str = Form(""),
    headcount: str = Form(""),
    updated_on: str = Form(""),
) -> Response:
    if user is None:
        return need_login(request)
    form = {
        "region": region,
        "park": park,
        "uscc": uscc,
        "enterprise": enterprise,
        "occupation": occupation,
        "headcount": headcount,
        "updated_on": updated_on,
    }
    try:
        n = training_needs.record(s, user, **form)
    except FieldError as exc:
        return _needs_page(request, user, s, status_code=400, form=form, errors=field_errors(exc))
    except ServiceError as exc:
        return _message(request, user, exc)
    return RedirectResponse(f"/training/needs?saved={n.id}", status_code=303)


@router.post("/training/needs/import", response_class=HTMLResponse)
async def needs_import(request: Request, user: Viewer, s: Db, file: UploadFile = File(...)) -> Response:
    """The ledger from a workbook in the export's layout: a bad row names its row and field, nothing saved."""
    return await take(
        request,
        user,
        file,
        lambda u, data, name: training_needs.import_xlsx(s, u, data, name),
        lambda u, count: RedirectResponse(f"/training/needs?saved={count}", status_code=303),
        lambda u, exc: _needs_page(request, u, s, status_code=400, import_errors=field_errors(exc)),
        _not_a_field,
    )


@router.get("/training/needs.xlsx")
def needs_xlsx(request: Request, user: Viewer, s: Db) -> Response:
    if user is None:
        return need_login(request)
    try:
        data = training_needs.ledger(s, user)
    except ServiceError as exc:
        return _message(request, user, exc)
    return Response(
        training_needs.ledger_xlsx(data), media_type=XLSX, headers=download_headers("park-training-needs.xlsx")
    )
