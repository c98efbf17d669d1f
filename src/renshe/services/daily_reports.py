"""Daily reports of technical schools and agencies (每日报告).

* 技工院校每日报告 (无文号 2020-01-31 五（一）): each technical school reports every day, with the
  health screening of the two weeks before return;
* 派遣外包人员每日体温检测 (京人社市场字〔2020〕25号 3) and 每日健康监测 (京人社市场字〔2020〕24号 2):
  every dispatch and HR service agency records its workers' temperature and symptoms each day
  and reports anyone with fever or symptoms to the district bureau at once;
* 用人单位不配合落实防疫措施报告 (京人社市场字〔2020〕25号 4): filed when it happens.

A report is a CSV/xlsx upload or a form of one row; every row is checked (the Chinese problem
names the row and the column), good rows are kept, bad rows listed. The kinds, their columns
and dates live in ``reports_parameters.yaml``. It sits beside the real-name report
(``services/dispatch.py``) and reuses its file reading, identifier checks and area rules.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.regions import region_name
from renshe.engine.catalog import implements
from renshe.services import audit, dispatch, exports, workbooks
from renshe.services.dispatch import CheckResult, agency_district, covers
from renshe.services.dispatch import ReportFileError as ReportFileError
from renshe.services.errors import Forbidden, NotFound, ServiceError
from renshe.services.reports_settings import Column, Kind, kinds, param
from renshe.services.security import mask_id_number
from renshe.store.models import User
from renshe.store.models_reports import DailyReport, DailyReportRow

STAFF = ("caseworker", "auditor", "admin")
STATUS_NAMES = {"on_time": "按时报送", "late": "补报（逾期）", "missing": "未报送", "pending": "当日尚未报送"}


def kind(key: str) -> Kind:
    found = kinds().get(key)
    if found is None:
        names = "、".join(f"{k.name}（{k.key}）" for k in kinds().values())
        raise NotFound(f"没有“{key}”这种每日报告；可报送的有：{names}")
    return found


def beijing_now() -> dt.datetime:
    return dispatch.beijing_now()


# --------------------------------------------------------------------------- checks


def _temperature_problem(value: str, on: dt.date) -> str | None:
    try:
        t = float(value.replace("℃", "").strip())
    except ValueError:
        return f"“{value}”不是体温读数：应为数字，如 36.5"
    low, high = float(param("daily.temperature_min_c", on)), float(param("daily.temperature_max_c", on))
    if not low <= t <= high:
        return f"体温 {value}℃ 不在 {low}–{high}℃ 之间，请核对"
    return None


def _symptoms(value: str) -> list[str]:
    return [x.strip() for x in value.replace("，", "、").replace(",", "、").split("、") if x.strip()]


def _problem(col: Column, value: str, on: dt.date) -> str | None:
    if not value:
        return "必填项为空"
    if col.type == "text" and col.max and len(value) > col.max:
        return f"过长：最多 {col.max} 个字符，实际 {len(value)} 个"
    if col.type == "id_number":
        return dispatch.id_number_problem(value)
    if col.type == "uscc":
        return dispatch.uscc_problem(value)
    if col.type == "choice" and value not in col.choices:
        return f"“{value}”不是可选值，应为：{'、'.join(col.choices)}"
    if col.type == "temperature":
        return _temperature_problem(value, on)
    if col.type == "symptoms":
        allowed = [str(x) for x in param("daily.symptoms", on)]
        bad = [x for x in _symptoms(value) if x not in allowed and x != "无"]
        if bad:
            return f"症状“{'、'.join(bad)}”不可识别，应为“无”或：{'、'.join(allowed)}（多项用顿号分隔）"
        if "无" in _symptoms(value) and len(_symptoms(value)) > 1:
            return "填写了“无”又填写了症状，请只填其一"
    return None


def _normalise(col: Column, value: str) -> str:
    if col.type in ("id_number", "uscc") and value.endswith("x"):
        return value[:-1] + "X"
    if col.type == "temperature":
        return value.replace("℃", "").strip()
    return value


def is_flagged(k: Kind, values: dict[str, str], on: dt.date) -> bool:
    """A row to report at once: fever, a symptom, or a value its column marks (异常、未排查…)."""
    fever = float(param("daily.fever_from_c", on))
    for col in k.columns:
        v = values.get(col.name, "")
        if col.type == "temperature" and v and float(v) >= fever:
            return True
        if col.type == "symptoms" and v and _symptoms(v) != ["无"]:
            return True
        if col.flag and (col.flag == ("all",) or v in col.flag):
            return True
    return False


def check_rows(k: Kind, table: Iterable[list[str]], on: dt.date) -> CheckResult:
    """Check a table whose first row is the header; data rows count from 1."""

    def missing(absent: list[str], names: list[str], header: list[str]) -> str:
        return (
            f"缺少列：{'、'.join(absent)}。第一行须为列标题：{'、'.join(names)}"
            f"（实际为：{'、'.join(h for h in header if h) or '空'}）"
        )

    result = CheckResult()
    for row in workbooks.records(table, {c.name: c.name for c in k.columns}, first=1, missing=missing):
        if row.blank:
            result.empty_rows.append(row.number)
            continue
        values = {c.name: _normalise(c, row.text(c.name)) for c in k.columns}
        problems = [(c.name, p) for c in k.columns if (p := _problem(c, values[c.name], on))]
        if problems:
            result.rejected.extend({"row": row.number, "field": f, "problem": p} for f, p in problems)
        else:
            result.accepted.append({"row": row.number, **values})
    return result


def check_file(key: str, data: bytes, filename: str = "", on: dt.date | None = None) -> CheckResult:
    """Read (as the real-name report is read: CSV UTF-8 or xlsx, bounded) and check a file."""
    return check_rows(kind(key), workbooks.iter_table(data, filename), on or beijing_now().date())


def template(key: str) -> bytes:
    """An empty xlsx with the kind's header row, to fill in."""
    from openpyxl import Workbook

    k = kind(key)
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = k.name[:31]
    exports.append_row(ws, [c.name for c in k.columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- filing


def _late(day: dt.date, at: dt.datetime) -> bool:
    """A day's report filed after that day has ended (Beijing time) is late (补报)."""
    return at.date() > day


@implements(
    "beijing.technical_school_daily_report_2020",
    "beijing.dispatch_daily_temperature_reporting_2020",
    "beijing.dispatch_non_cooperation_reporting_2020",
    "beijing.hr_agency_daily_health_monitoring_2020",
    tests=[
        "tests/desk/test_daily_reports.py::test_upload_keeps_good_rows_and_names_bad_ones",
        "tests/desk/test_daily_reports.py::test_overdue_list_by_district",
    ],
)
def submit(
    s: Session,
    filer: User,
    key: str,
    result: CheckResult,
    *,
    day: dt.date | None = None,
    at: dt.datetime | None = None,
    channel: str = "api",
    filename: str = "",
) -> DailyReport:
    """Store a school's or agency's report of ``key`` for ``day`` (default today): the accepted
    rows kept, the rejected listed; rows with fever or symptoms flagged for the district."""
    if filer.role != "agency":
        raise Forbidden("每日报告由技工院校、劳务派遣机构和人力资源服务机构报送（以机构账号登录）")
    k = kind(key)
    at = at or beijing_now()
    day = day or at.date()
    if day > at.date():
        raise ServiceError(f"报送日期 {day.isoformat()} 尚未到来，不能提前报送")
    if day < k.first_day:
        raise ServiceError(f"{k.name}自 {k.first_day.isoformat()} 起报送，{day.isoformat()} 无须报送")
    if not result.accepted and not result.rejected:
        raise ServiceError("报告没有任何数据行")
    report = DailyReport(
        kind=key,
        filer_id=filer.id,
        district=agency_district(filer),
        report_date=day,
        submitted_at=at,
        late=_late(day, at),
        channel=channel,
        filename=filename[:255],
        accepted_count=len(result.accepted),
        rejected=result.rejected,
    )
    s.add(report)
    s.flush()
    flagged = 0
    for row in result.accepted:
        values = {c.name: row[c.name] for c in k.columns}
        flag = is_flagged(k, values, day)
        flagged += flag
        s.add(DailyReportRow(report_id=report.id, row_no=row["row"], values=values, flagged=flag))
    report.flagged_count = flagged
    s.flush()
    audit.record(
        s,
        filer,
        "daily_report.file",
        "daily_report",
        report.id,
        {
            "kind": key,
            "day": day.isoformat(),
            "accepted": len(result.accepted),
            "flagged": flagged,
            "rejected_rows": len({r["row"] for r in result.rejected}),
            "late": report.late,
        },
    )
    return report


def submit_form(
    s: Session,
    filer: User,
    key: str,
    values: dict[str, str],
    *,
    day: dt.date | None = None,
    at: dt.datetime | None = None,
) -> DailyReport:
    """One row typed in the page's form: every problem is a ServiceError naming its field, nothing saved."""
    k = kind(key)
    on = day or (at or beijing_now()).date()
    table = [[c.name for c in k.columns], [str(values.get(c.name, "")).strip() for c in k.columns]]
    result = check_rows(k, table, on)
    if result.rejected or not result.accepted:
        problems = result.rejected or [{"field": k.columns[0].name, "problem": "必填项为空"}]
        raise ServiceError("；".join(f"{p['field']}：{p['problem']}" for p in problems))
    return submit(s, filer, key, result, day=day, at=at, channel="web")


def summary(r: DailyReport) -> dict[str, Any]:
    k = kind(r.kind)
    return {
        "id": r.id,
        "kind": r.kind,
        "kind_name": k.name,
        "filer": r.filer.display_name,
        "district": r.district,
        "district_name": _district_name(r.district),
        "date": r.report_date.isoformat(),
        "submitted_at": r.submitted_at.isoformat(timespec="minutes"),
        "late": r.late,
        "accepted": r.accepted_count,
        "flagged": r.flagged_count,
        "rejected_rows": len({x["row"] for x in r.rejected}),
        "rejected": r.rejected,
        "channel": r.channel,
    }


def own_reports(s: Session, filer: User) -> list[DailyReport]:
    return list(
        s.execute(select(DailyReport).where(DailyReport.filer_id == filer.id).order_by(DailyReport.id.desc())).scalars()
    )


def _sees_full(user: User, r: DailyReport) -> bool:
    if user.role == "agency":
        return r.filer_id == user.id
    return dispatch.is_district_caseworker(user) and r.district == user.region


def get(s: Session, user: User, report_id: int) -> DailyReport:
    r = s.get(DailyReport, report_id)
    if r is None:
        raise NotFound(f"未找到每日报告 {report_id}")
    if not ((user.role == "agency" and r.filer_id == user.id) or covers(user, r.district)):
        raise Forbidden("无权查看该报告")
    return r


def _shown(k: Kind, values: dict[str, Any], full: bool) -> dict[str, Any]:
    return {
        c.name: (values.get(c.name, "") if full or c.type != "id_number" else mask_id_number(values.get(c.name, "")))
        for c in k.columns
    }


def detail(s: Session, user: User, report_id: int) -> dict[str, Any]:
    """A report with its rows; ID numbers masked unless the filer or its district caseworker."""
    r = get(s, user, report_id)
    k = kind(r.kind)
    full = _sees_full(user, r)
    if full and user.role != "agency":
        audit.record(s, user, "personal_data.view", "daily_report", r.id, {"fields": "id_number"})
    return {
        **summary(r),
        "masked": not full,
        "columns": [c.name for c in k.columns],
        "rows": [{"row": x.row_no, "flagged": x.flagged, **_shown(k, x.values, full)} for x in r.rows],
    }


# --------------------------------------------------------------------------- the bureau's view


def _district_name(code: str) -> str:
    try:
        return region_name(code)
    except (KeyError, ValueError):
        return code


def _owing(s: Session, user: User, k: Kind, day: dt.date) -> list[User]:
    agencies = dispatch.agencies_in(s, user)
    if k.owed_by == "all_agencies":
        return agencies
    if k.owed_by == "registered":
        began = set(
            s.execute(
                select(DailyReport.filer_id).where(DailyReport.kind == k.key, DailyReport.report_date < day)
            ).scalars()
        )
        return [a for a in agencies if a.id in began]
    return []


@implements(
    "beijing.technical_school_daily_report_2020",
    "beijing.dispatch_daily_temperature_reporting_2020",
    "beijing.hr_agency_daily_health_monitoring_2020",
    "beijing.dispatch_non_cooperation_reporting_2020",
    tests=[
        "tests/desk/test_daily_reports.py::test_overdue_list_by_district",
        "tests/desk/test_daily_reports.py::test_another_districts_caseworker_sees_nothing",
    ],
)
def day_view(
    s: Session, user: User, key: str, day: dt.date | None = None, at: dt.datetime | None = None
) -> dict[str, Any]:
    """For one kind and day, in the user's area: who filed (on time or late), who has not
    (overdue once the day has ended), by district; the rows to act on at once (flagged)."""
    if user.role not in STAFF:
        raise Forbidden("每日报告的报送情况仅供人社部门经办、审计和管理人员查看")
    k = kind(key)
    at = at or beijing_now()
    day = day or at.date()
    if day > at.date():
        raise ServiceError(f"日期 {day.isoformat()} 尚未到来")
    reports = [
        r
        for r in s.execute(
            select(DailyReport)
            .where(DailyReport.kind == key, DailyReport.report_date == day, DailyReport.submitted_at <= at)
            .order_by(DailyReport.id)
        ).scalars()
        if covers(user, r.district)
    ]
    by_filer: dict[int, list[DailyReport]] = {}
    for r in reports:
        by_filer.setdefault(r.filer_id, []).append(r)
    filers: list[dict[str, Any]] = []
    seen: set[int] = set()
    for a in _owing(s, user, k, day) + [r.filer for r in reports]:
        if a.id in seen:
            continue
        seen.add(a.id)
        mine = by_filer.get(a.id, [])
        on_time = [r for r in mine if not r.late]
        status = ("on_time" if on_time else "late") if mine else ("pending" if day == at.date() else "missing")
        district = agency_district(a)
        filers.append(
            {
                "filer": a.display_name,
                "uscc": a.uscc,
                "district": district,
                "district_name": _district_name(district),
                "status": status,
                "status_name": STATUS_NAMES[status],
                "reports": [r.id for r in mine],
                "accepted": sum(r.accepted_count for r in mine),
                "flagged": sum(r.flagged_count for r in mine),
            }
        )
    districts: dict[str, dict[str, Any]] = {}
    for f in filers:
        d = districts.setdefault(
            f["district"],
            {
                "district": f["district"],
                "district_name": f["district_name"],
                "on_time": 0,
                "late": 0,
                "missing": 0,
                "pending": 0,
                "flagged": 0,
            },
        )
        d[f["status"]] += 1
        d["flagged"] += f["flagged"]
    alerts = []
    for r in reports:
        full = _sees_full(user, r)
        alerts += [
            {
                "report": r.id,
                "filer": r.filer.display_name,
                "district_name": _district_name(r.district),
                "row": x.row_no,
                **_shown(k, x.values, full),
            }
            for x in r.rows
            if x.flagged
        ]
    return {
        "kind": key,
        "kind_name": k.name,
        "daily": k.daily,
        "date": day.isoformat(),
        "filers": sorted(filers, key=lambda f: (f["district"], f["filer"])),
        "overdue": [f for f in filers if f["status"] == "missing"],
        "districts": sorted(districts.values(), key=lambda d: d["district"]),
        "alerts": alerts,
        "columns": [c.name for c in k.columns],
        "citation": k.citation(),
    }


def export_day(s: Session, user: User, key: str, day: dt.date) -> bytes:
    """The day's rows of one kind in the user's area as xlsx (cells are data, never formulas;
    ID numbers masked unless the user is the district caseworker of the report)."""
    from openpyxl import Workbook

    if user.role not in STAFF:
        raise Forbidden("每日报告导出仅供人社部门人员使用")
    k = kind(key)
    reports = [
        r
        for r in s.execute(
            select(DailyReport).where(DailyReport.kind == key, DailyReport.report_date == day).order_by(DailyReport.id)
        ).scalars()
        if covers(user, r.district)
    ]
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = f"{day.isoformat()} {k.name}"[:31]
    exports.append_row(ws, ["报送机构", "所在区", "报送时间", "是否逾期", "须立即报告", *[c.name for c in k.columns]])
    for r in reports:
        full = _sees_full(user, r)
        for x in r.rows:
            shown = _shown(k, x.values, full)
            exports.append_row(
                ws,
                [
                    r.filer.display_name,
                    _district_name(r.district),
                    r.submitted_at.strftime("%Y-%m-%d %H:%M"),
                    "逾期" if r.late else "按时",
                    "是" if x.flagged else "否",
                    *[shown[c.name] for c in k.columns],
                ],
            )
    audit.record(
        s, user, "daily_report.export", "daily_report_day", f"{key}:{day.isoformat()}", {"reports": len(reports)}
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
