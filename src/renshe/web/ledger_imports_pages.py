"""Bulk import pages of the programme ledgers (台账批量导入, services/ledger_imports.py): the
caseworker downloads the template with its Chinese column titles, fills it in Excel and uploads
it; the page says how many rows were saved, how many were already in the ledger (not saved
again) and lists each bad row with its row number, column and what was expected."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from renshe.engine.catalog import page_for
from renshe.http.deps import Db, Viewer
from renshe.http.hardening import download_headers
from renshe.http.labour_forms import XLSX
from renshe.services import ledger_imports
from renshe.services.errors import Forbidden, ServiceError
from renshe.services.users import User
from renshe.web.desk_pages import need_login
from renshe.web.ledger_page import Values, fld, form, message, render, table, writes
from renshe.web.training_pages import field_errors
from renshe.web.upload_page import take

router = APIRouter(include_in_schema=False)
page_for("renshe.services.ledger_imports", *(f"/ledger-imports/{name}" for name in ledger_imports.SHEETS))
FORM = "import-form"


def _page(
    request: Request,
    user: User,
    kind: ledger_imports.Sheet,
    status_code: int = 200,
    values: Values | None = None,
    errors: dict[str, list[Any]] | None = None,
    result: ledger_imports.Result | None = None,
) -> HTMLResponse:
    guide = [{"id": i, "label": c.label, "expected": c.expected()} for i, c in enumerate(kind.columns, start=1)]
    tables = [table("guide", "各列应填写", [("label", "列"), ("expected", "应填写")], guide)]
    notes = [
        "每行按台账页面上的规则逐行核对：合格的行保存，有问题的行列出行号、列和应填写的内容，不保存；已在台账中的行不重复保存。"
    ]
    if result is not None:
        done = result.summary()
        notes.insert(
            0,
            f"已保存 {done['saved']} 行；已在台账中、未重复保存 {done['unchanged']} 行；有问题 {done['rejected_rows']} 行。",
        )
        rows = [{**r, "id": i} for i, r in enumerate(result.rejected, start=1)]
        tables.insert(0, table("rejected", "有问题的行", [("row", "行"), ("field", "列"), ("problem", "问题")], rows))
    upload = form(
        FORM,
        "上传导入表",
        f"/ledger-imports/{kind.name}",
        [fld("file", "导入表（xlsx 或 UTF-8 编码的 CSV）", "file")],
        "导入",
        values or {},
        multipart=True,
    )
    return render(
        request,
        user,
        f"批量导入：{kind.title}",
        status_code,
        notes=notes,
        tables=tables,
        forms=[upload],
        form_errors=errors or {},
        links=[
            (f"/ledger-imports/{kind.name}.xlsx", "下载导入模板（xlsx）", "import-template"),
            (kind.page, "返回台账", "ledger"),
        ],
    )


def _writer(request: Request, user: User | None, name: str) -> Response | ledger_imports.Sheet:
    """The kind for a caseworker; otherwise the sign-in page or the message why not."""
    if user is None:
        return need_login(request)
    try:
        kind = ledger_imports.sheet(name)
        if not writes(user):
            raise Forbidden("只有经办人员可以批量导入台账")
    except ServiceError as exc:
        return message(request, user, exc)
    return kind


@router.get("/ledger-imports/{name}.xlsx")
def template(request: Request, name: str, user: Viewer) -> Response:
    kind = _writer(request, user, name)
    if isinstance(kind, Response):
        return kind
    return Response(
        ledger_imports.template(kind.name), media_type=XLSX, headers=download_headers(f"import-{kind.name}.xlsx")
    )


@router.get("/ledger-imports/{name}", response_class=HTMLResponse)
def import_page(request: Request, name: str, user: Viewer) -> Response:
    kind = _writer(request, user, name)
    if isinstance(kind, Response):
        return kind
    assert user is not None
    return _page(request, user, kind)


@router.post("/ledger-imports/{name}", response_class=HTMLResponse)
async def run_import(request: Request, name: str, user: Viewer, s: Db, file: UploadFile = File(...)) -> Response:
    kind = _writer(request, user, name)
    if isinstance(kind, Response):
        return kind
    return await take(
        request,
        user,
        file,
        lambda u, data, filename: ledger_imports.run(s, u, kind.name, data, filename),
        lambda u, result: _page(request, u, kind, result=result),
        lambda u, exc: _page(request, u, kind, exc.status, {FORM: {}}, {FORM: field_errors(exc)}),
    )
