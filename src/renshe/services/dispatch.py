"""Dispatch real-name reports (劳务派遣实名动态管理).

Beijing's urgent notice of 2020-02-28 (无文号（北京市人力资源和社会保障局，2020年2月28日）)
makes dispatch and HR-service agencies register five items for every worker they
supply and report them to the district bureau every 3 days from 2020-03-02, before
16:00 on the reporting day; districts consolidate for the municipal bureau.

* :func:`check_file` — read a CSV (UTF-8, with or without BOM) or xlsx report and
  check every row; good rows are kept, bad rows reported with row, column and problem.
* reporting cycles (报送日) and the store: :func:`submit`, :func:`district_view`,
  :func:`municipal_view`, :func:`report_detail`.
* :func:`screen_worker` — the pre-dispatch screening (防疫排查) checklist;
  :func:`check_density` — office and dormitory density (办公、住宿密度).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.identifiers import id_check_char, id_rule, is_mobile, uscc_check_char, uscc_rule
from renshe.domain.regions import region_name
from renshe.engine.catalog import implements
from renshe.policies.beijing import _dispatch_schedule as schedule
from renshe.policies.beijing import jrssc_2020_25 as dispatch_duties
from renshe.services import audit, exports
from renshe.services.errors import Forbidden, NotFound, ServiceError
from renshe.services.labour_settings import citation, param
from renshe.services.security import mask_id_number, mask_phone
from renshe.services.workbooks import MAX_ROWS as MAX_ROWS
from renshe.services.workbooks import FileError, iter_table, records
from renshe.store.models import User
from renshe.store.models_labour import DispatchReport, DispatchRow

BEIJING = ZoneInfo("Asia/Shanghai")
NAME, ID_NUMBER, PHONE, EMPLOYER, USCC = (
    "劳动者姓名",
    "劳动者身份证号",
    "劳动者手机号",
    "用人单位名称",
    "用人单位统一社会信用代码",
)
FIELD_KEYS = {
    NAME: "worker_name",
    ID_NUMBER: "id_number",
    PHONE: "phone",
    EMPLOYER: "employer_name",
    USCC: "employer_uscc",
}
MAX_TEXT = {NAME: 64, EMPLOYER: 200}
#: a report file that cannot be used as a whole (read by services/workbooks.py)
ReportFileError = FileError


def columns() -> list[str]:
    """The five column headers, from the notice's list of the five items (二)."""
    cols = [str(c) for c in param("dispatch.report_columns")]
    assert set(cols) == set(FIELD_KEYS), "labour_parameters.yaml: dispatch.report_columns changed"
    return cols


@dataclass
class CheckResult:
    accepted: list[dict[str, Any]] = field(default_factory=list)  # {"row": R, <column>: value, ...}
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {"row", "field", "problem"}
    empty_rows: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The contract of ``renshe dispatch check --json``."""
        return {"accepted": len(self.accepted), "rejected": self.rejected}


# --------------------------------------------------------------------------- reading


# --------------------------------------------------------------------------- checks


def id_number_problem(value: str) -> str | None:
    """Chinese description of what is wrong with a resident ID (GB 11643-1999), or None.
    A lower-case final x is accepted as X."""
    rule = id_rule()
    if len(value) != rule.length:
        return f"应为 {rule.length} 位公民身份号码，实际为 {len(value)} 位"
    body = len(rule.weights)
    bad = next((i for i, ch in enumerate(value[:body], 1) if not ch.isascii() or not ch.isdigit()), None)
    if bad is not None:
        return f"第 {bad} 位“{value[bad - 1]}”应为数字（前 {body} 位均为数字）"
    check = value[body:].upper()
    if check not in rule.check_chars:
        return f"末位校验码“{value[body:]}”应为数字或 X"
    birth = value[rule.birth_start : rule.birth_end]
    try:
        dt.datetime.strptime(birth, rule.birth_format)
    except ValueError:
        return f"出生日期“{birth}”（第 {rule.birth_start + 1}–{rule.birth_end} 位）不是有效日期"
    expected = id_check_char(value[:body])
    if check != expected:
        return f"校验码错误：末位为“{value[body:]}”，按 {rule.standard} 应为“{expected}”，请核对号码"
    return None


def uscc_problem(value: str) -> str | None:
    """Chinese description of what is wrong with a USCC (GB 32100-2015), or None.
    A lower-case final x is accepted as X."""
    rule = uscc_rule()
    if len(value) != rule.length:
        return f"应为 {rule.length} 位统一社会信用代码，实际为 {len(value)} 位"
    body = len(rule.weights)
    for i, ch in enumerate(value[:body], 1):
        if ch not in rule.values:
            hint = "（字母须大写）" if ch.upper() in rule.values else "（不使用 I、O、S、V、Z）"
            return f"第 {i} 位“{ch}”不是统一社会信用代码允许的字符{hint}"
    check = value[body:]
    check = "X" if check == "x" else check
    expected = uscc_check_char(value[:body])
    if check != expected:
        if check.upper() == expected:
            return f"末位“{check}”须为大写字母“{expected}”（只有末位 x 可小写）"
        return f"校验码错误：末位为“{value[body:]}”，按 {rule.standard} 应为“{expected}”，请核对代码"
    return None


def _normalise(column: str, value: str) -> str:
    if column in (ID_NUMBER, USCC) and value.endswith("x"):
        return value[:-1] + "X"
    return value


def _problems(values: dict[str, str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for col in columns():
        v = values[col]
        if not v:
            out.append((col, "必填项为空"))
            continue
        if col in MAX_TEXT and len(v) > MAX_TEXT[col]:
            out.append((col, f"过长：最多 {MAX_TEXT[col]} 个字符，实际 {len(v)} 个"))
        elif col == ID_NUMBER and (p := id_number_problem(v)):
            out.append((col, p))
        elif col == PHONE and not is_mobile(v):
            out.append(
                (col, f"“{v}”不是中国大陆手机号：应为 11 位数字、以 1 开头且第二位为 3–9（不加 +86、空格或横线）")
            )
        elif col == USCC and (p := uscc_problem(v)):
            out.append((col, p))
    return out


def _missing(missing: list[str], labels: list[str], header: list[str]) -> str:
    return (
        f"缺少列：{'、'.join(missing)}。第一行须为列标题，五列分别为 {'、'.join(labels)}"
        f"（实际为：{'、'.join(h for h in header if h) or '空'}）"
    )


def check_rows(table: Iterable[list[str]]) -> CheckResult:
    """Check a table whose first row is the header. Data rows count from 1. The header is
    checked before any further row is read: a file with a wrong header is not read on."""
    result = CheckResult()
    seen: dict[tuple[str, ...], int] = {}
    for row in records(table, {c: c for c in columns()}, first=1, missing=_missing):
        if row.blank and not any(str(x).strip() for x in row.cells):
            result.empty_rows.append(row.number)
            continue
        values = {c: _normalise(c, v) for c, v in row.texts().items()}
        problems = _problems(values)
        if not problems:
            key = tuple(values[c] for c in columns())
            if key in seen:
                problems = [(ID_NUMBER, f"与第 {seen[key]} 行完全相同，重复的行不予接收")]
            else:
                seen[key] = row.number
        if problems:
            result.rejected.extend({"row": row.number, "field": f, "problem": p} for f, p in problems)
        else:
            result.accepted.append({"row": row.number, **values})
    return result


def check_file(data: bytes, filename: str = "") -> CheckResult:
    """Read and check a report file; :class:`ReportFileError` when the file as a whole is unusable
    (unreadable, a wrong header, more than :data:`MAX_ROWS` rows, more than ``workbooks.PARSE_SECONDS``)."""
    return check_rows(iter_table(data, filename))


# --------------------------------------------------------------------------- cycles


def beijing_now() -> dt.datetime:
    return dt.datetime.now(BEIJING).replace(tzinfo=None)


# the reporting schedule lives with the rules that print it (policies/beijing/_dispatch_schedule.py)
_first = schedule.first_report_date
deadline = schedule.deadline
is_cycle_date = schedule.is_cycle_date
current_cycle = schedule.current_cycle
last_closed_cycle = schedule.last_closed_cycle
cycles_between = schedule.cycles_between


# --------------------------------------------------------------------------- agencies and access


def agency_district(agency: User) -> str:
    """The district (区) that supervises an agency: its region, else the registration-authority
    code inside its USCC (characters 3–8, GB/T 2260)."""
    if agency.region:
        return agency.region
    if agency.uscc and len(agency.uscc) == 18 and agency.uscc[2:8].isdigit():
        return agency.uscc[2:8]
    return "000000"


def _area(region: str) -> str:
    while region.endswith("00"):
        region = region[:-2]
    return region


def is_district_caseworker(user: User) -> bool:
    """A caseworker of a county-level bureau (区人社部门): region code not ending in 00."""
    return user.role == "caseworker" and bool(user.region) and not str(user.region).endswith("00")


def covers(user: User, district: str) -> bool:
    """Whether a staff member's area contains ``district`` (no region = the whole system)."""
    if user.role in ("auditor", "admin"):
        return True
    if user.role != "caseworker":
        return False
    return not user.region or district.startswith(_area(user.region))


def sees_full(user: User, report: DispatchReport) -> bool:
    """ID numbers and phones in full only for the agency itself and its district caseworker."""
    if user.role == "agency":
        return report.agency_id == user.id
    return is_district_caseworker(user) and report.district == user.region


def can_see(user: User, report: DispatchReport) -> bool:
    return (user.role == "agency" and report.agency_id == user.id) or covers(user, report.district)


def agencies_in(s: Session, area_user: User) -> list[User]:
    agencies = (
        s.execute(select(User).where(User.role == "agency", User.active.is_(True)).order_by(User.id)).scalars().all()
    )
    return [a for a in agencies if covers(area_user, agency_district(a))]


# --------------------------------------------------------------------------- store


@implements(
    "beijing.hr_agency_placement_health_ledger_2020",
    "beijing.real_name_dynamic_reporting_2020",
    "beijing.hr_market_monitoring_points_2020",
    tests=["tests/labour/test_dispatch_api.py::test_district_view_lists_late_and_missing"],
)
def submit(
    s: Session,
    agency: User,
    data: bytes,
    filename: str = "",
    *,
    cycle: dt.date | None = None,
    at: dt.datetime | None = None,
    channel: str = "api",
    checked: CheckResult | None = None,
) -> tuple[DispatchReport, CheckResult]:
    """Store an agency's report for a cycle (default: the cycle open at ``at``); the accepted rows
    are kept, the rejected rows listed. A report after the cycle's 16:00 deadline is marked late.
    ``checked``: the file already read and checked (off the event loop, by the web faces)."""
    if agency.role != "agency":
        raise Forbidden("只有劳务派遣机构或人力资源服务机构可以报送实名动态信息")
    at = at or beijing_now()
    open_cycle = current_cycle(at)
    if cycle is None:
        cycle = open_cycle
    if not is_cycle_date(cycle):
        raise ServiceError(
            f"{cycle.isoformat()} 不是报送日：自 {_first().isoformat()} 起每 {param('dispatch.cycle_days')} 天报送一次"
        )
    if cycle > open_cycle:
        raise ServiceError(f"{cycle.isoformat()} 的报送尚未开始，当前报送日为 {open_cycle.isoformat()}")
    end = param("dispatch.reporting_end", cycle)
    if end is not None and cycle > end:
        raise ServiceError(f"实名动态信息报送已于 {end} 截止")
    result = checked if checked is not None else check_file(data, filename)
    report = DispatchReport(
        agency_id=agency.id,
        district=agency_district(agency),
        cycle_date=cycle,
        submitted_at=at,
        late=at > deadline(cycle),
        channel=channel,
        filename=filename[:255],
        accepted_count=len(result.accepted),
        rejected=result.rejected,
    )
    s.add(report)
    s.flush()
    for row in result.accepted:
        s.add(DispatchRow(report_id=report.id, row_no=row["row"], **{FIELD_KEYS[c]: row[c] for c in columns()}))
    s.flush()
    audit.record(
        s,
        agency,
        "dispatch.report",
        "dispatch_report",
        report.id,
        {
            "cycle": cycle.isoformat(),
            "accepted": len(result.accepted),
            "rejected_rows": len({r["row"] for r in result.rejected}),
            "late": report.late,
        },
    )
    return report, result


STATUS_NAMES = {"on_time": "按时报送", "late": "逾期报送", "missing": "未报送", "pending": "待报送（未到截止时间）"}


def _status(reports: list[DispatchReport], cycle: dt.date, at: dt.datetime) -> tuple[str, DispatchReport | None]:
    if not reports:
        return ("pending" if at <= deadline(cycle) else "missing"), None
    on_time = [r for r in reports if not r.late]
    chosen = (on_time or reports)[-1]
    return ("on_time" if on_time else "late"), chosen


def report_summary(r: DispatchReport) -> dict[str, Any]:
    return {
        "id": r.id,
        "agency": r.agency.display_name,
        "agency_uscc": r.agency.uscc,
        "district": r.district,
        "cycle": r.cycle_date.isoformat(),
        "submitted_at": r.submitted_at.isoformat(timespec="minutes"),
        "late": r.late,
        "accepted": r.accepted_count,
        "rejected_rows": len({x["row"] for x in r.rejected}),
        "rejected": r.rejected,
        "channel": r.channel,
        "filename": r.filename,
    }


def agency_reports(s: Session, agency: User) -> list[DispatchReport]:
    return list(
        s.execute(
            select(DispatchReport).where(DispatchReport.agency_id == agency.id).order_by(DispatchReport.id.desc())
        ).scalars()
    )


@implements(
    "beijing.real_name_dynamic_reporting_2020",
    "beijing.dispatch_agency_inspection_2020",
    "beijing.hr_service_industry_supervision_2020",
    "beijing.real_name_sanctions_2020",
    tests=["tests/labour/test_dispatch_api.py::test_district_view_lists_late_and_missing"],
)
def district_view(
    s: Session, user: User, cycle: dt.date | None = None, at: dt.datetime | None = None, district: str | None = None
) -> dict[str, Any]:
    """Per agency in the user's area: the status of its report for ``cycle`` (default the open
    cycle), and the agencies late or missing in the last closed cycle."""
    if user.role not in ("caseworker", "auditor", "admin"):
        raise Forbidden("报送情况仅供人社部门经办、审计和管理人员查看")
    at = at or beijing_now()
    cycle = cycle or current_cycle(at)
    if not is_cycle_date(cycle):
        raise ServiceError(f"{cycle.isoformat()} 不是报送日")
    agencies = [a for a in agencies_in(s, user) if district is None or agency_district(a) == district]

    def rows_for(day: dt.date) -> list[dict[str, Any]]:
        reports = (
            s.execute(select(DispatchReport).where(DispatchReport.cycle_date == day).order_by(DispatchReport.id))
            .scalars()
            .all()
        )
        by_agency: dict[int, list[DispatchReport]] = {}
        for r in reports:
            by_agency.setdefault(r.agency_id, []).append(r)
        out = []
        for a in agencies:
            status, chosen = _status(by_agency.get(a.id, []), day, at)
            out.append(
                {
                    "agency": a.display_name,
                    "agency_uscc": a.uscc,
                    "district": agency_district(a),
                    "district_name": _district_name(agency_district(a)),
                    "status": status,
                    "status_name": STATUS_NAMES[status],
                    "report": chosen.id if chosen else None,
                    "submitted_at": chosen.submitted_at.isoformat(timespec="minutes") if chosen else None,
                    "accepted": chosen.accepted_count if chosen else 0,
                }
            )
        return out

    closed = last_closed_cycle(at) if cycle == current_cycle(at) else None
    overdue = [r for r in rows_for(closed) if r["status"] in ("late", "missing")] if closed else []
    current = rows_for(cycle)
    if cycle < current_cycle(at):
        overdue = [r for r in current if r["status"] in ("late", "missing")]
        closed = cycle
    return {
        "cycle": cycle.isoformat(),
        "deadline": deadline(cycle).isoformat(timespec="minutes"),
        "agencies": current,
        "overdue_cycle": closed.isoformat() if closed else None,
        "overdue": overdue,
        "citation": citation("dispatch.cutoff_time"),
    }


def _district_name(code: str) -> str:
    try:
        return region_name(code)
    except (KeyError, ValueError):
        return code


@implements(
    "beijing.real_name_dynamic_reporting_2020",
    "beijing.hr_service_industry_supervision_2020",
    tests=["tests/labour/test_dispatch_api.py::test_municipal_rollup"],
)
def municipal_view(
    s: Session, user: User, cycle: dt.date | None = None, at: dt.datetime | None = None
) -> dict[str, Any]:
    """Roll-up per district (区汇总报市局): agencies, on time, late, missing, workers reported."""
    view = district_view(s, user, cycle, at)
    districts: dict[str, dict[str, Any]] = {}
    for row in view["agencies"]:
        d = districts.setdefault(
            row["district"],
            {
                "district": row["district"],
                "district_name": row["district_name"],
                "agencies": 0,
                "on_time": 0,
                "late": 0,
                "missing": 0,
                "pending": 0,
                "workers": 0,
            },
        )
        d["agencies"] += 1
        d[row["status"]] += 1
        d["workers"] += row["accepted"]
    return {
        "cycle": view["cycle"],
        "deadline": view["deadline"],
        "districts": sorted(districts.values(), key=lambda d: d["district"]),
    }


def get_report(s: Session, user: User, report_id: int) -> DispatchReport:
    report = s.get(DispatchReport, report_id)
    if report is None:
        raise NotFound(f"未找到报送记录 {report_id}")
    if not can_see(user, report):
        raise Forbidden("无权查看该报送记录")
    return report


def report_detail(s: Session, user: User, report_id: int) -> dict[str, Any]:
    """A report with its rows; ID numbers and phones masked unless :func:`sees_full`."""
    report = get_report(s, user, report_id)
    full = sees_full(user, report)
    if full and user.role != "agency":
        audit.record(s, user, "personal_data.view", "dispatch_report", report.id, {"fields": "id_number,phone"})
    rows = [
        {
            "row": r.row_no,
            NAME: r.worker_name,
            ID_NUMBER: r.id_number if full else mask_id_number(r.id_number),
            PHONE: r.phone if full else mask_phone(r.phone),
            EMPLOYER: r.employer_name,
            USCC: r.employer_uscc,
        }
        for r in report.rows
    ]
    return {**report_summary(report), "masked": not full, "rows": rows}


def export_district(s: Session, user: User, cycle: dt.date) -> bytes:
    """The district's consolidated rows of a cycle as xlsx (汇总后报市局); masked unless the user is
    the district caseworker of each report."""
    from openpyxl import Workbook

    if user.role not in ("caseworker", "auditor", "admin"):
        raise Forbidden("汇总导出仅供人社部门人员使用")
    reports = [
        r
        for r in s.execute(
            select(DispatchReport).where(DispatchReport.cycle_date == cycle).order_by(DispatchReport.id)
        ).scalars()
        if covers(user, r.district)
    ]
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = f"{cycle.isoformat()} 实名动态信息"[:31]
    exports.append_row(ws, ["报送机构", "机构统一社会信用代码", "所在区", "报送时间", "是否逾期", *columns()])
    unmasked = 0
    for r in reports:
        full = sees_full(user, r)
        unmasked += full
        for row in r.rows:
            exports.append_row(
                ws,
                [
                    r.agency.display_name,
                    r.agency.uscc,
                    r.district,
                    r.submitted_at.isoformat(timespec="minutes"),
                    "逾期" if r.late else "按时",
                    row.worker_name,
                    row.id_number if full else mask_id_number(row.id_number),
                    row.phone if full else mask_phone(row.phone),
                    row.employer_name,
                    row.employer_uscc,
                ],
            )
    audit.record(
        s,
        user,
        "dispatch.export",
        "dispatch_cycle",
        cycle.isoformat(),
        {"reports": len(reports), "unmasked_reports": unmasked},
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- screening and density


@implements(
    "beijing.hr_agency_placement_health_ledger_2020", tests=["tests/labour/test_dispatch_rules.py::test_screening"]
)
def screen_worker(
    *,
    has_health_record: bool,
    wuhan_contact: bool,
    close_contact: bool,
    symptoms: list[str],
    in_hubei: bool = False,
    returned_on: dt.date | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Pre-dispatch screening (输送前防疫排查): may this worker be supplied to an employer?
    Every failed item is a reason (the rule's, ``jrssc_2020_25.screen``) with its citation."""
    reasons = dispatch_duties.screen(
        has_health_record=has_health_record,
        wuhan_contact=wuhan_contact,
        close_contact=close_contact,
        symptoms=symptoms,
        in_hubei=in_hubei,
        returned_on=returned_on,
        today=today or dt.date.today(),
    )
    return {
        "may_dispatch": not reasons,
        "reasons": reasons,
        "citations": [citation("dispatch.quarantine_days"), citation("dispatch.symptoms")],
    }


def check_density(
    *,
    office_area_m2: float | None = None,
    office_headcount: int | None = None,
    rooms: list[dict[str, Any]] | None = None,
    on: dt.date | None = None,
) -> dict[str, Any]:
    """Office and dormitory density (降低人员住宿和办公密度), as the rule checks it
    (``jrssc_2020_25.check_site``), with its citation; an incomplete site is a ``ServiceError``."""
    try:
        result = dispatch_duties.check_site(
            office_area_m2=office_area_m2,
            office_headcount=office_headcount,
            rooms=rooms or [],
            on=on or dt.date.today(),
        )
    except dispatch_duties.BadSite as exc:
        raise ServiceError(str(exc)) from None
    return {**result, "citation": citation("dispatch.min_office_area_per_person")}
