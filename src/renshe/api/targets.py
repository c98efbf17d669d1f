"""Targets, progress, dashboard and monitoring API (目标任务、进度看板与监测预警).
Thin: the rules live in renshe.services.targets and renshe.services.monitoring.
Caseworkers and admins see their area (user.region), auditors read; enterprises,
persons and agencies get 403."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile
from pydantic import Field
from sqlalchemy.orm import Session

from renshe.http import uploads
from renshe.http.deps import Strict, current_user, db
from renshe.http.hardening import download_headers
from renshe.services import monitoring
from renshe.services.errors import ServiceError
from renshe.services.targets import tables, tracking
from renshe.services.users import User

router = APIRouter(prefix="/api/v1", tags=["targets & monitoring"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ProgressEntry(Strict):
    unit: str = Field(min_length=1, max_length=64)
    kind: str = Field(min_length=1, max_length=64)
    month: str = Field(min_length=7, max_length=7)
    value: float = Field(ge=0)


class ProgressBody(Strict):
    entries: list[ProgressEntry] = Field(min_length=1, max_length=20000)


def _xlsx(data: bytes, filename: str) -> Response:
    return Response(content=data, media_type=XLSX, headers=download_headers(filename))


@router.get("/targets", summary="Target sets the user may see")
def list_sets(user: User = Depends(current_user), s: Session = Depends(db, scope="function")) -> list[dict[str, Any]]:
    return [
        {"name": t.name, "title": t.title, "year": t.year, "region": t.region, "doc_no": t.doc_no}
        for t in tracking.visible_sets(s, user)
    ]


@router.get("/targets/shipped/{name}", summary="A target table shipped with renshe (as transcribed)")
def shipped(name: str, user: User = Depends(current_user)) -> dict[str, Any]:
    tracking.check_read(user)
    try:
        return tables.load(name).as_json()
    except tables.UnknownTable as exc:
        raise ServiceError(str(exc.args[0])) from None


@router.get("/targets/{name}", summary='The set as {"name","year","columns","rows","total"}')
def get_set(
    name: str, user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return tracking.view(tracking.get_set(s, user, name))


@router.post("/targets/import", status_code=201, summary="Import a target table from xlsx (单位 + one column per kind)")
async def import_set(
    file: UploadFile = File(...),
    name: str = Form(...),
    year: int = Form(...),
    title: str = Form(""),
    doc_no: str = Form(""),
    region: str = Form(""),
    replace: bool = Form(False),
    user: User = Depends(current_user),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    tracking.check_write(user)
    data = await file.read()
    table, problems = await uploads.off_loop(
        lambda: tracking.table_from_xlsx(
            data, name=name, year=year, title=title, doc_no=doc_no, region=region or user.region
        )
    )
    ts = tracking.store_table(s, user, table, replace=replace)
    return {"set": tracking.view(ts), "problems": problems, "discrepancies": table.discrepancies()}


@router.get("/targets/{name}/export", summary="The set and its progress as xlsx")
def export_set(name: str, user: User = Depends(current_user), s: Session = Depends(db, scope="function")) -> Response:
    return _xlsx(tracking.export_set(s, user, name), f"{name}.xlsx")


@router.post("/targets/{name}/progress", summary="Enter progress per unit, kind and month")
def enter_progress(
    name: str, body: ProgressBody, user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return tracking.record_progress(s, user, name, [e.model_dump() for e in body.entries]).as_dict()


@router.post("/targets/{name}/progress/upload", summary="Upload progress as xlsx (单位、指标、月份、完成数)")
async def upload_progress(
    name: str,
    file: UploadFile = File(...),
    user: User = Depends(current_user),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    data = await file.read()
    return (await uploads.off_loop(tracking.progress_from_xlsx, s, user, name, data)).as_dict()


@router.get(
    "/targets/{name}/dashboard", summary="Per unit: target, done, % of target, % of year; furthest behind first"
)
def dashboard(
    name: str,
    kind: str | None = None,
    month: str | None = None,
    user: User = Depends(current_user),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    return tracking.dashboard(s, user, name, kind, month)


@router.get("/targets/{name}/dashboard.xlsx")
def dashboard_xlsx(
    name: str,
    kind: str | None = None,
    month: str | None = None,
    user: User = Depends(current_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    d = tracking.dashboard(s, user, name, kind, month)
    return _xlsx(tracking.dashboard_xlsx(d), f"{name}-{d['kind']}-{d['month']}.xlsx")


@router.post("/monitor", status_code=201, summary="Run monitoring over an uploaded registry workbook (units + insured)")
async def monitor(
    file: UploadFile = File(...),
    as_of: str = Form(""),
    user: User = Depends(current_user),
    s: Session = Depends(db, scope="function"),
) -> dict[str, Any]:
    tracking.check_write(user)
    data = await file.read()
    report = await uploads.off_loop(monitoring.run_upload, data, file.filename or "registry.xlsx", as_of or None)
    saved = monitoring.save_run(s, user, report)
    return monitoring.get_run(s, user, saved.id)


@router.get("/monitor/runs")
def monitor_runs(
    user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return monitoring.runs(s, user)


@router.get("/monitor/runs/{run_id}")
def monitor_run(
    run_id: int, user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    return monitoring.get_run(s, user, run_id)


@router.get("/monitor/runs/{run_id}/export", summary="Warnings, regions and parameters as xlsx for follow-up")
def monitor_export(
    run_id: int, user: User = Depends(current_user), s: Session = Depends(db, scope="function")
) -> Response:
    return _xlsx(monitoring.export_xlsx(monitoring.get_run(s, user, run_id)), f"monitor-{run_id}.xlsx")
