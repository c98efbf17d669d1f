"""Target sets in the database, monthly progress and the dashboard (目标任务进度看板).

A target set (目标任务表) holds one year's targets of several kinds (columns) split
over responsible units (乡镇政府、街道办事处…). Progress is entered per unit, kind
and month (the month's own figure, not a running total); the dashboard compares
the running total with the target and with the share of the year elapsed, and
sorts the units by how far behind they are.

Who sees what: caseworkers and admins of an area (user.region) see the sets of
their area, auditors read, enterprises, persons and agencies get 403.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from renshe.engine.catalog import implements
from renshe.services import audit
from renshe.services.applications import _area
from renshe.services.errors import Forbidden, NotFound, ServiceError
from renshe.services.targets.tables import Column, TargetTable
from renshe.services.targets_settings import exact
from renshe.store.models import User
from renshe.store.models_targets import Target, TargetProgress, TargetSet

READ_ROLES = frozenset({"caseworker", "admin", "auditor"})
WRITE_ROLES = frozenset({"caseworker", "admin"})
MONTHS_IN_YEAR = 12
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
STATUS_NAMES = {"done": "已完成", "behind": "落后于时间进度", "on_track": "符合时间进度", "no_target": "无目标"}
PROGRESS_HEADERS: dict[str, tuple[str, ...]] = {
    "unit": ("单位", "unit"),
    "kind": ("指标", "kind"),
    "month": ("月份", "month"),
    "value": ("完成数", "value"),
}


# ----------------------------------------------------------------------------- access


def area_of(user: User) -> str | None:
    """The region prefix the user covers, or None for all regions (no region set)."""
    return _area(user.region) if user.region else None


def check_read(user: User) -> None:
    if user.role not in READ_ROLES:
        raise Forbidden("目标任务与监测预警仅供经办、管理和审计人员使用")


def check_write(user: User) -> None:
    check_read(user)
    if user.role not in WRITE_ROLES:
        raise Forbidden("审计人员只能查看，不能修改目标或进度")


def in_area(user: User, region: str | None) -> bool:
    prefix = area_of(user)
    return prefix is None or (region or "").startswith(prefix)


# ----------------------------------------------------------------------------- numbers


def number(value: Decimal | float | int | None) -> int | float | None:
    """A stored number as JSON: integers without decimals."""
    if value is None:
        return None
    d = Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


def ratio(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 6)


def percent_text(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return f"{(Decimal(value.numerator) / Decimal(value.denominator) * 100).quantize(Decimal('0.1'))}%"


def year_elapsed(year: int, month: str) -> Fraction:
    """Share of the target year elapsed at the end of ``month`` (2020-06 → 6/12)."""
    y, m = int(month[:4]), int(month[5:])
    if y < year:
        return Fraction(0)
    if y > year:
        return Fraction(1)
    return Fraction(m, MONTHS_IN_YEAR)


def progress_status(
    done: Fraction, target: Fraction | None, elapsed: Fraction, on: dt.date | None = None
) -> tuple[str, Fraction | None]:
    """(status, share of target done). Behind when the share done is below the share of
    the year elapsed minus the margin (targets.behind_margin); exactly on it is on track."""
    if target is None or target <= 0:
        return "no_target", None
    share = done / target
    if done >= target:
        return "done", share
    if share < elapsed - exact("targets.behind_margin", on):
        return "behind", share
    return "on_track", share


# ----------------------------------------------------------------------------- sets


def _json(ts: TargetSet) -> dict[str, Any]:
    keys = [c["key"] for c in ts.columns]
    rows: dict[str, dict[str, Any]] = {}
    for t in ts.targets:
        rows.setdefault(t.unit, {"unit": t.unit, **{k: None for k in keys}})[t.kind] = number(t.value)
    return {
        "name": ts.name,
        "year": ts.year,
        "columns": keys,
        "rows": list(rows.values()),
        "total": dict(ts.total) if ts.total is not None else None,
    }


def view(ts: TargetSet) -> dict[str, Any]:
    """The set in the ``targets show --json`` shape, with title, document, region and headers."""
    return {
        **_json(ts),
        "title": ts.title,
        "doc_no": ts.doc_no,
        "region": ts.region,
        "headers": {c["key"]: c["header"] for c in ts.columns},
    }


def store_table(s: Session, user: User | None, table: TargetTable, *, replace: bool = False) -> TargetSet:
    """Save a target table as a set (replace=True overwrites the targets of a set of that name;
    progress already entered is kept)."""
    if user is not None:
        check_write(user)
        if not in_area(user, table.region):
            raise Forbidden(f"只能导入本地区的目标（本账号地区 {user.region}，目标表地区 {table.region or '未填'}）")
    existing = s.execute(select(TargetSet).where(TargetSet.name == table.name)).scalar_one_or_none()
    if existing is not None and not replace:
        raise ServiceError(f"目标表 {table.name} 已存在；如需覆盖请选择“替换”")
    if existing is not None:
        if user is not None and not in_area(user, existing.region):
            raise Forbidden("无权修改其他地区的目标表")
        s.execute(delete(Target).where(Target.set_id == existing.id))
        ts = existing
        ts.title, ts.doc_no, ts.year, ts.region = table.title, table.doc_no, table.year, table.region
    else:
        ts = TargetSet(
            name=table.name,
            title=table.title,
            doc_no=table.doc_no,
            year=table.year,
            region=table.region,
            columns=[],
            created_by=user.id if user else None,
        )
        s.add(ts)
    ts.columns = [{"key": c.key, "header": c.header, "unit": c.unit} for c in table.columns]
    keys = [c.key for c in table.columns]
    ts.total = dict(zip(keys, table.total, strict=True)) if table.total is not None else None
    s.flush()
    position = 0
    for unit, values in table.rows:
        for key, value in zip(keys, values, strict=True):
            if value is not None:
                s.add(Target(set_id=ts.id, position=position, unit=unit, kind=key, value=Decimal(str(value))))
                position += 1
    s.flush()
    s.refresh(ts)
    audit.record(
        s,
        user,
        "targets.import",
        "target_set",
        ts.name,
        {"year": ts.year, "units": len(table.rows), "columns": keys, "replace": replace},
    )
    return ts


def visible_sets(s: Session, user: User) -> list[TargetSet]:
    check_read(user)
    sets = s.execute(select(TargetSet).order_by(TargetSet.year.desc(), TargetSet.name)).scalars().all()
    return [ts for ts in sets if in_area(user, ts.region)]


def get_set(s: Session, user: User, name: str) -> TargetSet:
    check_read(user)
    ts = s.execute(select(TargetSet).where(TargetSet.name == name)).scalar_one_or_none()
    if ts is None:
        raise NotFound(f"未找到目标表 {name}")
    if not in_area(user, ts.region):
        raise Forbidden("无权查看其他地区的目标表")
    return ts


def units_of(ts: TargetSet) -> list[str]:
    seen: dict[str, None] = {}
    for t in ts.targets:
        seen.setdefault(t.unit)
    return list(seen)


# ----------------------------------------------------------------------------- progress


@dataclass
class Loaded:
    accepted: int
    problems: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "problems": self.problems}


def _kind_key(ts: TargetSet, raw: str) -> str | None:
    for c in ts.columns:
        if raw in (c["key"], c["header"]):
            return str(c["key"])
    return None


def _check_entry(
    ts: TargetSet, units: set[str], row: int, entry: dict[str, Any]
) -> tuple[tuple[str, str, str, Decimal] | None, list[dict[str, Any]]]:
    problems = []

    def bad(field: str, message: str) -> None:
        problems.append({"row": row, "field": field, "problem": message})

    unit = str(entry.get("unit") or "").strip()
    if not unit:
        bad("单位", "缺少单位名称")
    elif unit not in units:
        bad("单位", f"“{unit}”不是目标表 {ts.name} 中的单位")
    raw_kind = str(entry.get("kind") or "").strip()
    kind = _kind_key(ts, raw_kind)
    if kind is None:
        bad("指标", f"“{raw_kind}”不是本表的指标，应为 {'、'.join(c['header'] for c in ts.columns)} 之一")
    month = entry.get("month")
    if isinstance(month, dt.date | dt.datetime):
        month = f"{month:%Y-%m}"
    month = str(month or "").strip()
    m = MONTH_RE.match(month)
    if not m or int(m.group(1)) != ts.year:
        bad("月份", f"应为 {ts.year}-01 至 {ts.year}-12 的月份（YYYY-MM），实为“{month}”")
    raw_value = entry.get("value")
    value: Decimal | None = None
    try:
        value = Decimal(str(raw_value).strip()) if raw_value is not None and str(raw_value).strip() != "" else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        bad("完成数", f"应为不小于 0 的数字，实为“{'' if raw_value is None else raw_value}”")
    elif value < 0:
        bad("完成数", f"不能为负数（{raw_value}）")
    if problems or kind is None or value is None:
        return None, problems
    return (unit, kind, month, value), []


def record_progress(s: Session, user: User, name: str, entries: list[dict[str, Any]], *, source: str = "api") -> Loaded:
    """Enter the month's figure for each {unit, kind, month, value}; the good rows are saved
    (a later entry for the same unit, kind and month replaces the earlier one), the bad are
    reported by row (1 = the first entry), field and what was expected."""
    check_write(user)
    ts = get_set(s, user, name)
    units = set(units_of(ts))
    problems: list[dict[str, Any]] = []
    good: dict[tuple[str, str, str], Decimal] = {}
    for i, entry in enumerate(entries, start=1):
        item, issues = _check_entry(
            ts, units, entry.get("_row", i) if isinstance(entry, dict) else i, entry if isinstance(entry, dict) else {}
        )
        problems.extend(issues)
        if item is not None:
            good[item[:3]] = item[3]
    existing = {
        (p.unit, p.kind, p.month): p
        for p in s.execute(select(TargetProgress).where(TargetProgress.set_id == ts.id)).scalars()
    }
    for (unit, kind, month), value in good.items():
        row = existing.get((unit, kind, month))
        if row is None:
            s.add(TargetProgress(set_id=ts.id, unit=unit, kind=kind, month=month, value=value, entered_by=user.id))
        else:
            row.value, row.entered_by = value, user.id
    s.flush()
    audit.record(
        s,
        user,
        "targets.progress",
        "target_set",
        ts.name,
        {"accepted": len(good), "rejected_rows": sorted({p["row"] for p in problems}), "source": source},
    )
    return Loaded(len(good), problems)


def _header_index(header: list[Any], names: dict[str, tuple[str, ...]]) -> tuple[dict[str, int], list[str]]:
    cells = [str(h).strip() if h is not None else "" for h in header]
    index, missing = {}, []
    for key, options in names.items():
        found = next((i for i, c in enumerate(cells) if c in options), None)
        if found is None:
            missing.append(options[0])
        else:
            index[key] = found
    return index, missing


def progress_from_xlsx(s: Session, user: User, name: str, data: bytes) -> Loaded:
    """Upload progress: the first sheet (or the sheet 进度) with columns 单位、指标、月份、完成数."""
    from openpyxl import load_workbook

    check_write(user)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ServiceError("上传的文件不是有效的 xlsx 工作簿") from None
    ws = wb["进度"] if "进度" in wb.sheetnames else wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        raise ServiceError("工作表为空：第 1 行应为表头 单位、指标、月份、完成数")
    index, missing = _header_index(list(rows[0]), PROGRESS_HEADERS)
    if missing:
        raise ServiceError(f"第 1 行表头缺少列：{'、'.join(missing)}（应为 单位、指标、月份、完成数）")
    entries = []
    for n, row in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        entry = {k: row[i] if i < len(row) else None for k, i in index.items()}
        entry["_row"] = n
        entries.append(entry)
    return record_progress(s, user, name, entries, source="xlsx")


def _progress(s: Session, ts: TargetSet) -> list[TargetProgress]:
    return list(
        s.execute(select(TargetProgress).where(TargetProgress.set_id == ts.id).order_by(TargetProgress.month)).scalars()
    )


def latest_month(s: Session, ts: TargetSet) -> str | None:
    months = [p.month for p in _progress(s, ts)]
    return max(months) if months else None


# ----------------------------------------------------------------------------- dashboard


def default_month(s: Session, ts: TargetSet, today: dt.date | None = None) -> str:
    latest = latest_month(s, ts)
    if latest:
        return latest
    today = today or dt.date.today()
    if today.year == ts.year:
        return f"{today:%Y-%m}"
    return f"{ts.year}-12" if today.year > ts.year else f"{ts.year}-01"


@implements(
    "xinmi.employment_targets_2020",
    "xinmi.target_new_urban_jobs_2020",
    "xinmi.target_unemployed_reemployed_2020",
    "xinmi.target_hard_to_employ_employed_2020",
    "xinmi.target_rural_labour_transferred_2020",
    "xinmi.target_guaranteed_loans_2020",
    "xinmi.target_unemployed_skills_training_2020",
    "xinmi.target_rural_labour_skills_training_2020",
    "xinmi.target_returnee_startup_coaching_2020",
    "xinmi.target_return_to_countryside_startups_2020",
    "xinmi.target_sandan_linkage_training_2020",
    "xinmi.employment_work_assessment_2020",
    "xinmi.subsidised_training_target_2020",
    "beijing.graduate_online_recruitment_month_2020",
    "cn.ui_online_claim_rollout_2020",
    "cn.internet_plus_training_511_target_2020",
    tests=["tests/targets/test_api.py::test_dashboard_order_and_percentages"],
)
def dashboard(s: Session, user: User, name: str, kind: str | None = None, month: str | None = None) -> dict[str, Any]:
    """Per unit: target, done to the end of ``month``, share of target, share of the year
    elapsed, gap and status, sorted by who is furthest behind; the total; the monthly trend."""
    ts = get_set(s, user, name)
    kinds = [c["key"] for c in ts.columns]
    kind = kind or kinds[0]
    key = _kind_key(ts, kind)
    if key is None:
        raise ServiceError(f"指标“{kind}”不在目标表中，应为 {'、'.join(kinds)} 之一")
    column = next(c for c in ts.columns if c["key"] == key)
    month = month or default_month(s, ts)
    if not MONTH_RE.match(month):
        raise ServiceError(f"月份应为 YYYY-MM，实为“{month}”")
    elapsed = year_elapsed(ts.year, month)
    targets = {t.unit: Fraction(Decimal(str(t.value))) for t in ts.targets if t.kind == key}
    order = units_of(ts)
    progress = [p for p in _progress(s, ts) if p.kind == key]
    done: dict[str, Fraction] = {u: Fraction(0) for u in order}
    for p in progress:
        if p.month <= month:
            done[p.unit] = done.get(p.unit, Fraction(0)) + Fraction(Decimal(str(p.value)))
    rows = []
    for position, unit in enumerate(order):
        target = targets.get(unit)
        if target is None:
            continue
        status, share = progress_status(done[unit], target, elapsed)
        gap = share - elapsed if share is not None else None
        rows.append(
            {
                "unit": unit,
                "target": number(Decimal(target.numerator) / target.denominator),
                "done": _frac_number(done[unit]),
                "pct_target": ratio(share),
                "pct_year": ratio(elapsed),
                "gap": ratio(gap),
                "status": status,
                "status_name": STATUS_NAMES[status],
                "pct_target_text": percent_text(share),
                "_gap": gap,
                "_pos": position,
            }
        )
    rows.sort(key=lambda r: (r["_gap"], r["_pos"]))
    for r in rows:
        del r["_gap"], r["_pos"]
    total_target = sum((targets[u] for u in targets), Fraction(0))
    total_done = sum((done[u] for u in targets), Fraction(0))
    status, share = progress_status(total_done, total_target, elapsed)
    trend = []
    for m in range(1, MONTHS_IN_YEAR + 1):
        mo = f"{ts.year}-{m:02d}"
        if mo > month:
            break
        month_done = sum(
            (Fraction(Decimal(str(p.value))) for p in progress if p.month == mo and p.unit in targets), Fraction(0)
        )
        cumulative = sum(
            (Fraction(Decimal(str(p.value))) for p in progress if p.month <= mo and p.unit in targets), Fraction(0)
        )
        trend.append(
            {
                "month": mo,
                "done": _frac_number(month_done),
                "cumulative": _frac_number(cumulative),
                "planned": _frac_number(total_target * year_elapsed(ts.year, mo)),
            }
        )
    return {
        "name": ts.name,
        "title": ts.title,
        "doc_no": ts.doc_no,
        "year": ts.year,
        "region": ts.region,
        "kind": key,
        "header": column["header"],
        "unit_of_measure": column.get("unit"),
        "month": month,
        "pct_year": ratio(elapsed),
        "pct_year_text": percent_text(elapsed),
        "kinds": [{"key": c["key"], "header": c["header"]} for c in ts.columns],
        "rows": rows,
        "total": {
            "target": _frac_number(total_target),
            "done": _frac_number(total_done),
            "pct_target": ratio(share),
            "pct_target_text": percent_text(share),
            "status": status,
            "status_name": STATUS_NAMES[status],
        },
        "behind": sum(1 for r in rows if r["status"] == "behind"),
        "trend": trend,
    }


def _frac_number(value: Fraction) -> int | float:
    if value.denominator == 1:
        return int(value.numerator)
    return round(float(value), 2)


# ----------------------------------------------------------------------------- xlsx


def _workbook_bytes(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    from renshe.services import exports

    out = io.BytesIO()
    wb = exports.xlsxwriter_workbook(out)  # a unit name "=…" stays text
    bold = wb.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    for title, header, rows in sheets:
        ws = wb.add_worksheet(title)
        ws.write_row(0, 0, header, bold)
        for i, row in enumerate(rows, start=1):
            ws.write_row(i, 0, row)
        ws.set_column(0, 0, 18)
        ws.set_column(1, max(1, len(header) - 1), 14)
        ws.freeze_panes(1, 1)
    wb.close()
    return out.getvalue()


def export_set(s: Session, user: User, name: str) -> bytes:
    """The set as xlsx: sheet 目标 (单位 + one column per kind, the 合计 row) — the same layout
    ``import`` reads — and sheet 进度 (单位、指标、月份、完成数)."""
    ts = get_set(s, user, name)
    data = _json(ts)
    headers = [c["header"] for c in ts.columns]
    rows = [[r["unit"], *[r[k] for k in data["columns"]]] for r in data["rows"]]
    if data["total"] is not None:
        rows.append(["合计", *[data["total"].get(k) for k in data["columns"]]])
    header_of = {c["key"]: c["header"] for c in ts.columns}
    progress = [[p.unit, header_of.get(p.kind, p.kind), p.month, number(p.value)] for p in _progress(s, ts)]
    audit.record(s, user, "targets.export", "target_set", ts.name, {})
    return _workbook_bytes([("目标", ["单位", *headers], rows), ("进度", ["单位", "指标", "月份", "完成数"], progress)])


def dashboard_xlsx(d: dict[str, Any]) -> bytes:
    rows = [
        [r["unit"], r["target"], r["done"], r["pct_target"], r["pct_year"], r["gap"], r["status_name"]]
        for r in d["rows"]
    ]
    t = d["total"]
    rows.append(["合计", t["target"], t["done"], t["pct_target"], d["pct_year"], None, t["status_name"]])
    trend = [[x["month"], x["done"], x["cumulative"], x["planned"]] for x in d["trend"]]
    return _workbook_bytes(
        [
            (f"{d['header'][:20]}进度", ["单位", "目标", "完成", "完成比例", "时间进度", "差距", "状态"], rows),
            ("月度趋势", ["月份", "当月完成", "累计完成", "按时间进度应完成"], trend),
        ]
    )


@implements(
    "xinmi.subsidised_training_target_2020",
    "beijing.graduate_online_recruitment_month_2020",
    "cn.ui_online_claim_rollout_2020",
    "cn.internet_plus_training_511_target_2020",
    "xinmi.employment_work_assessment_2020",
    tests=["tests/targets/test_api.py::test_export_and_import_round_trip"],
)
def table_from_xlsx(
    data: bytes, *, name: str, year: int, title: str, doc_no: str | None, region: str | None
) -> tuple[TargetTable, list[dict[str, Any]]]:
    """Read a target table: sheet 目标 (or the first), row 1 = 单位 + one header per kind,
    then one row per unit; a row named 合计 is the printed total. Bad cells are reported
    (row, field, expected) and left blank; the good rows are kept."""
    from openpyxl import load_workbook

    from renshe.services.targets.tables import load, names

    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", name or ""):
        raise ServiceError("目标表名称应为 1-64 个字母、数字、连字符或点，如 xinmi-2020")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ServiceError("上传的文件不是有效的 xlsx 工作簿") from None
    ws = wb["目标"] if "目标" in wb.sheetnames else wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    if not rows or str(rows[0][0] or "").strip() != "单位":
        raise ServiceError("第 1 行应为表头：第 1 列“单位”，其后每列一个指标")
    known = {c.header: c for n in names() for c in load(n).columns}
    columns: list[Column] = []
    for i, h in enumerate(rows[0][1:], start=2):
        header = str(h or "").strip()
        if not header:
            raise ServiceError(f"第 1 行第 {i} 列缺少指标名称")
        columns.append(known.get(header) or Column(header, header, "persons"))
    problems: list[dict[str, Any]] = []
    out_rows: list[tuple[str, tuple[float | int | None, ...]]] = []
    total = None
    for n, row in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        unit = str(row[0] or "").strip()
        if not unit:
            problems.append({"row": n, "field": "单位", "problem": "缺少单位名称"})
            continue
        values: list[float | int | None] = []
        for j, col in enumerate(columns, start=1):
            cell = row[j] if j < len(row) else None
            if cell is None or str(cell).strip() == "":
                values.append(None)
                continue
            try:
                v = Decimal(str(cell).strip())
                if not v.is_finite() or v < 0:
                    raise InvalidOperation
                values.append(int(v) if v == v.to_integral_value() else float(v))
            except InvalidOperation:
                problems.append({"row": n, "field": col.header, "problem": f"应为不小于 0 的数字，实为“{cell}”"})
                values.append(None)
        if unit in ("合计", "合 计"):
            total = tuple(values)
        else:
            out_rows.append((unit, tuple(values)))
    if not out_rows:
        raise ServiceError("工作表中没有单位行")
    table = TargetTable(
        name=name,
        title=title or name,
        year=year,
        doc_no=doc_no or "",
        region=region or None,
        columns=tuple(columns),
        rows=tuple(out_rows),
        total=total,
    )
    return table, problems
