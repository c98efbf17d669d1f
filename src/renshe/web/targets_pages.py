"""Target dashboard and monitoring pages (目标任务进度看板、监测预警). Thin: services do
the work; charts are inline SVG (renshe.web.charts)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.domain.regions import region_name
from renshe.domain.times import chinese_date
from renshe.engine.catalog import page_for
from renshe.http import uploads
from renshe.http.deps import db, optional_user
from renshe.services import monitoring
from renshe.services.errors import ServiceError
from renshe.services.targets import tracking
from renshe.services.users import User
from renshe.web.charts import bullet_chart, line_chart, stacked_bars
from renshe.web.desk_pages import need_login, page

router = APIRouter(include_in_schema=False)
page_for("renshe.services.targets.tracking", "/targets")
page_for("renshe.services.targets.tables", "/targets")
page_for("renshe.services.monitoring", "/monitor")
DEMO_REGISTRY_UNITS = 600
DEMO_REGISTRY_SEED = 2020


def _guard(request: Request, user: User | None) -> Response | None:
    if user is None:
        return need_login(request)
    try:
        tracking.check_read(user)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return None


def _error(request: Request, user: User | None, exc: ServiceError) -> Response:
    return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)


@router.get("/targets", response_class=HTMLResponse)
def targets_index(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    return page(
        request,
        "targets/index.html",
        user,
        sets=tracking.visible_sets(s, user),
        can_write=user.role in tracking.WRITE_ROLES,
    )


@router.post("/targets/import", response_class=HTMLResponse)
async def targets_import(
    request: Request,
    file: UploadFile = File(...),
    name: str = Form(...),
    year: int = Form(...),
    title: str = Form(""),
    doc_no: str = Form(""),
    region: str = Form(""),
    replace: bool = Form(False),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    try:
        tracking.check_write(user)
        data, area = await file.read(), region or user.region
        table, problems = await uploads.off_loop(
            lambda: tracking.table_from_xlsx(data, name=name, year=year, title=title, doc_no=doc_no, region=area)
        )
        tracking.store_table(s, user, table, replace=replace)
    except ServiceError as exc:
        return _error(request, user, exc)
    return page(
        request,
        "targets/loaded.html",
        user,
        target=name,
        accepted=len(table.rows),
        problems=problems,
        discrepancies=table.discrepancies(),
        what="目标单位",
    )


def _dashboard_context(s: Session, user: User, name: str, kind: str | None, month: str | None) -> dict[str, Any]:
    d = tracking.dashboard(s, user, name, kind or None, month or None)
    months = [t["month"] for t in d["trend"]]
    trend = line_chart(
        months,
        {"累计完成": [t["cumulative"] for t in d["trend"]], "按时间进度应完成": [t["planned"] for t in d["trend"]]},
        "trend-chart",
    )
    ts = tracking.get_set(s, user, name)
    return {
        "d": d,
        "chart": bullet_chart(d["rows"], d["pct_year"]),
        "trend_chart": trend,
        "units": tracking.units_of(ts),
        "all_months": [f"{d['year']}-{m:02d}" for m in range(1, 13)],
    }


def _dashboard_page(
    request: Request, user: User | None, s: Session, name: str, kind: str, month: str, template: str, **extra: Any
) -> Response:
    """The dashboard or its printable report: the same figures, two templates."""
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    try:
        context = _dashboard_context(s, user, name, kind, month)
    except ServiceError as exc:
        return _error(request, user, exc)
    return page(request, template, user, **extra, **context)


@router.get("/targets/{name}", response_class=HTMLResponse)
def targets_dashboard(
    request: Request,
    name: str,
    kind: str = "",
    month: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    can_write = user is not None and user.role in tracking.WRITE_ROLES
    return _dashboard_page(request, user, s, name, kind, month, "targets/dashboard.html", can_write=can_write)


@router.get("/targets/{name}/report", response_class=HTMLResponse)
def targets_report(
    request: Request,
    name: str,
    kind: str = "",
    month: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return _dashboard_page(request, user, s, name, kind, month, "targets/report.html")


@router.post("/targets/{name}/progress")
def targets_progress(
    request: Request,
    name: str,
    unit: str = Form(...),
    kind: str = Form(...),
    month: str = Form(...),
    value: str = Form(...),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    try:
        loaded = tracking.record_progress(
            s, user, name, [{"unit": unit, "kind": kind, "month": month, "value": value}], source="web"
        )
    except ServiceError as exc:
        return _error(request, user, exc)
    if loaded.problems:
        return page(
            request,
            "targets/loaded.html",
            user,
            status_code=400,
            target=name,
            accepted=0,
            problems=loaded.problems,
            discrepancies=[],
            what="条进度",
        )
    return RedirectResponse(f"/targets/{name}?kind={kind}&month={month}", status_code=303)


@router.post("/targets/{name}/upload", response_class=HTMLResponse)
async def targets_upload(
    request: Request,
    name: str,
    file: UploadFile = File(...),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    try:
        data = await file.read()
        loaded = await uploads.off_loop(tracking.progress_from_xlsx, s, user, name, data)
    except ServiceError as exc:
        return _error(request, user, exc)
    return page(
        request,
        "targets/loaded.html",
        user,
        target=name,
        accepted=loaded.accepted,
        problems=loaded.problems,
        discrepancies=[],
        what="条进度",
    )


@router.get("/monitor", response_class=HTMLResponse)
def monitor_index(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    runs = monitoring.runs(s, user)
    return page(
        request,
        "targets/monitor_index.html",
        user,
        runs=runs,
        by_month=_warnings_by_month(runs),
        can_write=user.role in tracking.WRITE_ROLES,
    )


@router.post("/monitor")
async def monitor_upload(
    request: Request,
    file: UploadFile = File(...),
    as_of: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    try:
        tracking.check_write(user)
        data = await file.read()
        report = await uploads.off_loop(
            monitoring.run_upload, data, file.filename or "registry.xlsx", as_of.strip() or None
        )
        saved = monitoring.save_run(s, user, report)
    except ServiceError as exc:
        return _error(request, user, exc)
    return RedirectResponse(f"/monitor/{saved.id}", status_code=303)


@router.post("/monitor/demo")
def monitor_demo(
    request: Request,
    as_of: str = Form(""),
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    """Run over a generated demo registry (演示参保库)."""
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    from renshe.batch.demo import make_registry

    try:
        tracking.check_write(user)
        with tempfile.TemporaryDirectory() as tmp:
            make_registry(DEMO_REGISTRY_UNITS, DEMO_REGISTRY_SEED, Path(tmp))
            report = monitoring.run(Path(tmp), as_of.strip() or None)
        report["source"] = f"演示参保库（{DEMO_REGISTRY_UNITS} 户）"
        saved = monitoring.save_run(s, user, report)
    except ServiceError as exc:
        return _error(request, user, exc)
    return RedirectResponse(f"/monitor/{saved.id}", status_code=303)


@router.get("/monitor/{run_id}", response_class=HTMLResponse)
def monitor_run(
    request: Request,
    run_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if (denied := _guard(request, user)) is not None:
        return denied
    assert user is not None
    try:
        report = monitoring.get_run(s, user, run_id)
    except ServiceError as exc:
        return _error(request, user, exc)
    charts = {
        r["region"]: line_chart(
            report["months"],
            {"参保人数": [p["headcount"] for p in r["series"]]},
            f"region-chart-{r['region']}",
            height=160,
            width=360,
        )
        for r in report["regions"]
    }
    names = _region_names(report)
    return page(
        request,
        "targets/monitor.html",
        user,
        report=report,
        charts=charts,
        region_names=names,
        people_affected=monitoring.people_affected,
        by_region=_warnings_by_region(report, names),
        by_month=_warnings_by_month(monitoring.runs(s, user)),
    )


def _region_names(report: dict[str, Any]) -> dict[str, str]:
    """Each region code of the report (regions and warnings) and its name (GB/T 2260)."""
    names = {r["region"]: r["name"] for r in report["regions"]}
    for w in report["warnings"]:
        if w["region"] and w["region"] not in names:
            try:
                names[w["region"]] = region_name(w["region"])
            except ValueError:
                names[w["region"]] = f"未知地区 {w['region']}"
    return names


def _warnings_by_region(report: dict[str, Any], names: dict[str, str]) -> Any:
    """The warnings of each region (by name), stacked by kind; the region with most people
    affected first."""
    warnings = report["warnings"]
    if not warnings:
        return None
    people: dict[str, int] = {}
    for w in warnings:
        people[w["region"]] = people.get(w["region"], 0) + monitoring.people_affected(w)
    codes = sorted(people, key=lambda c: (-people[c], c))
    series = {
        name: [sum(1 for w in warnings if w["region"] == c and w["kind"] == kind) for c in codes]
        for kind, name in monitoring.KIND_NAMES.items()
    }
    return stacked_bars([names[c] for c in codes], series, "warnings-by-region", "各地区预警数（按类型）")


def _warnings_by_month(runs: list[dict[str, Any]]) -> Any:
    """The warnings of each monitored month (the latest run of the month), stacked by kind."""
    latest: dict[str, dict[str, Any]] = {}
    for r in runs:  # newest first
        latest.setdefault(r["as_of"], r)
    months = sorted(latest)
    if not months:
        return None
    series = {
        name: [int(latest[m]["summary"].get("by_kind", {}).get(kind, 0)) for m in months]
        for kind, name in monitoring.KIND_NAMES.items()
    }
    return stacked_bars([chinese_date(m) for m in months], series, "warnings-by-month", "各月预警数（按类型）")
