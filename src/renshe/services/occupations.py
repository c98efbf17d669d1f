"""The shortage occupation catalogue (急需紧缺职业（工种）目录), 新密政〔2020〕4号 五（十八）:
“定期或不定期发布急需紧缺职业（工种）目录”. The bureau uploads an edition (CSV or xlsx, checked
row by row; a bad row refuses the edition, nothing is saved), each kept with its publication
date; anyone reads and downloads it (xlsx), and the job board shows the latest of a region."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.engine.catalog import implements
from renshe.services import audit, dispatch, exports, workbooks
from renshe.services.dispatch import ReportFileError
from renshe.services.errors import Forbidden, NotFound
from renshe.services.reports_common import Checker, FieldProblems, area, place, within
from renshe.services.reports_settings import param
from renshe.store.models import User
from renshe.store.models_reports import OccupationCatalogue, OccupationEntry

OCCUPATION, CODE, LEVEL, NOTE = "职业（工种）", "职业编码", "紧缺程度", "备注"
COLUMNS = (OCCUPATION, CODE, LEVEL, NOTE)
LEVELS = ("急需", "紧缺", "一般紧缺")
MAX_TEXT = {OCCUPATION: 120, CODE: 32, NOTE: 500}


def check_rows(table: list[list[str]], on: dt.date) -> list[dict[str, Any]]:
    """The entries of an uploaded table; every problem (row and column named) raised at once."""
    if not table:
        raise ReportFileError("文件为空，没有表头和数据")
    header = [str(h).replace("\ufeff", "").strip() for h in table[0]]
    missing = [c for c in (OCCUPATION, LEVEL) if c not in header]
    if missing:
        raise ReportFileError(
            f"缺少列：{'、'.join(missing)}。第一行须为列标题：{'、'.join(COLUMNS)}（职业编码、备注可空）"
        )
    where = {c: header.index(c) for c in COLUMNS if c in header}
    c = Checker()
    entries: list[dict[str, Any]] = []
    for number, raw in enumerate(table[1:], start=1):
        values = {col: (str(raw[i]).strip() if i < len(raw) and raw[i] is not None else "") for col, i in where.items()}
        if not any(values.values()):
            continue
        for col, most in MAX_TEXT.items():
            if len(values.get(col, "")) > most:
                c.add(f"row{number}", f"第 {number} 行 {col}：过长，最多 {most} 个字符")
        if not values.get(OCCUPATION):
            c.add(f"row{number}", f"第 {number} 行 {OCCUPATION}：必填项为空")
        if values.get(LEVEL) not in LEVELS:
            c.add(f"row{number}", f"第 {number} 行 {LEVEL}：“{values.get(LEVEL, '')}”应为 {'、'.join(LEVELS)}")
        entries.append({"row": number, **values})
    most = int(param("catalogue.max_entries", on))
    if not entries:
        c.add("file", "目录没有任何职业（工种）")
    elif len(entries) > most:
        c.add("file", f"一期目录最多 {most} 条，本文件 {len(entries)} 条")
    c.done()
    return entries


@implements(
    "xinmi.shortage_occupation_catalogue_2020",
    tests=["tests/desk/test_occupations.py::test_publish_download_and_job_board"],
)
def publish(
    s: Session,
    user: User,
    *,
    region: str,
    edition: str,
    data: bytes = b"",
    filename: str = "",
    published_on: dt.date | str | None = None,
    at: dt.datetime | None = None,
    table: list[list[str]] | str | None = None,
) -> OccupationCatalogue:
    """Publish an edition for a region in the user's area, with its publication date. ``table``:
    the file already read (off the event loop, by the faces), else ``data`` is read here."""
    if user.role not in ("caseworker", "admin"):
        raise Forbidden("急需紧缺职业（工种）目录由人社部门发布")
    at = at or dispatch.beijing_now()
    c = Checker()
    r = c.region("region", "地区", region)
    if r and not c.problems and user.role != "admin" and not within(r, user.region):
        c.add("region", f"地区“{place(r)}”不在您的辖区（{place(user.region)}）内")
    name = c.text("edition", "目录名称（期次）", edition, 64)
    day = c.date("published_on", "发布日期", published_on, required=False) or at.date()
    if day > at.date():
        c.add("published_on", "发布日期不能晚于今天")
    entries: list[dict[str, Any]] = []
    try:
        rows = read(data, filename) if table is None else table
        if isinstance(rows, str):
            raise ReportFileError(rows)
        entries = check_rows(rows, day)
    except ReportFileError as exc:
        c.add("file", exc.message)
    except FieldProblems as exc:
        c.problems += exc.problems
    c.done()
    cat = OccupationCatalogue(region=r, edition=name, published_on=day, published_by=user.id)
    s.add(cat)
    s.flush()
    for e in entries:
        s.add(
            OccupationEntry(
                catalogue_id=cat.id,
                row_no=e["row"],
                occupation=e[OCCUPATION],
                code=e.get(CODE, ""),
                level=e[LEVEL],
                note=e.get(NOTE, ""),
            )
        )
    s.flush()
    audit.record(s, user, "catalogue.publish", "occupation_catalogue", cat.id, {"region": r, "entries": len(entries)})
    return cat


def read(data: bytes, filename: str = "") -> list[list[str]] | str:
    """The file's rows, or the Chinese reason it cannot be read (for the faces, off the event loop)."""
    try:
        return workbooks.read_table(data, filename)
    except ReportFileError as exc:
        return exc.message


def editions(s: Session, region: str = "") -> list[OccupationCatalogue]:
    rows = list(
        s.execute(
            select(OccupationCatalogue).order_by(OccupationCatalogue.published_on.desc(), OccupationCatalogue.id.desc())
        ).scalars()
    )
    if region:
        rows = [c for c in rows if c.region.startswith(area(region)) or region.startswith(area(c.region))]
    return rows


def latest(s: Session, region: str = "") -> OccupationCatalogue | None:
    found = editions(s, region)
    return found[0] if found else None


def get(s: Session, catalogue_id: int) -> OccupationCatalogue:
    cat = s.get(OccupationCatalogue, catalogue_id)
    if cat is None:
        raise NotFound(f"未找到目录 {catalogue_id}")
    return cat


def view(cat: OccupationCatalogue, with_entries: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": cat.id,
        "region": cat.region,
        "region_name": place(cat.region),
        "edition": cat.edition,
        "published_on": cat.published_on.isoformat(),
        "count": len(cat.entries),
    }
    if with_entries:
        out["entries"] = [
            {"occupation": e.occupation, "code": e.code, "level": e.level, "note": e.note} for e in cat.entries
        ]
    return out


@implements(
    "xinmi.shortage_occupation_catalogue_2020",
    tests=["tests/desk/test_occupations.py::test_publish_download_and_job_board"],
)
def workbook(cat: OccupationCatalogue) -> bytes:
    """The edition as xlsx (cells are data, never formulas): the table, then a sheet 说明."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "急需紧缺职业（工种）目录"
    exports.append_row(ws, list(COLUMNS))
    for e in cat.entries:
        exports.append_row(ws, [e.occupation, e.code, e.level, e.note])
    about = wb.create_sheet("说明")  # the first sheet stays a table that can be uploaded again
    for row in (
        ["地区", place(cat.region)],
        ["目录", cat.edition],
        ["发布日期", cat.published_on.isoformat()],
        ["依据", "新密政〔2020〕4号 五（十八）：定期或不定期发布急需紧缺职业（工种）目录"],
    ):
        exports.append_row(about, row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
