"""HR service agencies (人力资源服务机构): permits and filings with remote verification, annual
reports with their epidemic good practice, and market enforcement.

* 许可备案 (人社厅明电〔2020〕8号 四; 无文号 2020-02-09 五): an agency files for a permit (许可) or
  a filing (备案) on line; the site check may be remote — video or photos attached — and the
  district bureau reviews it;
* 年度报告公示 (无文号 2020-02-09 五): the agency's annual report carries its good practice during
  the epidemic; the bureau publishes it (and may commend it);
* 市场执法 (人社部发〔2020〕8号 四（七）; 京人社市场字〔2020〕24号 7): a complaint about fees, price
  gouging, discrimination or false job information against an agency becomes a case that the
  district bureau closes with an outcome.

Everything a bureau user does is bounded by its area (``dispatch.covers``); an agency sees its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.engine.catalog import implements
from renshe.services import attachments, audit, dispatch
from renshe.services.errors import Conflict, Forbidden, NotFound, ServiceError
from renshe.services.reports_common import Checker, place, within
from renshe.services.reports_settings import param
from renshe.store.models import User
from renshe.store.models_reports import AgencyAnnualReport, AgencyFiling, EnforcementCase

FILING_KINDS = {"permit": "人力资源服务许可", "filing": "人力资源服务备案"}
VERIFICATION = {"remote": "非现场核查（视频、照片）", "onsite": "现场核查"}
FILING_STATUS = {"submitted": "待审核", "approved": "准予许可/备案", "rejected": "不予许可/备案"}
CATEGORIES = {
    "fee": "违规收费",
    "price_gouging": "哄抬服务价格或劳动力价格",
    "discrimination": "就业歧视",
    "false_info": "发布虚假就业信息",
}
OUTCOMES = {"corrected": "责令改正，已整改", "penalised": "依法处罚", "unfounded": "查无实据，不予立案处理"}
OUTCOME_NAMES = {"open": "办理中", **OUTCOMES}
MAX_ID = 2_147_483_647  # the largest identifier the database's integers hold


def _staff(user: User, what: str) -> None:
    if user.role not in ("caseworker", "auditor", "admin"):
        raise Forbidden(f"{what}仅供人社部门人员办理")


def _writer(user: User, district: str, what: str) -> None:
    if user.role not in ("caseworker", "admin"):
        raise Forbidden(f"{what}由人社部门经办人员办理")
    if not dispatch.covers(user, district):
        raise Forbidden(f"该机构属{place(district)}，不在您的辖区内")


def agencies_for(s: Session, user: User) -> list[User]:
    """The agencies a bureau user may pick (its area)."""
    return dispatch.agencies_in(s, user)


# --------------------------------------------------------------------------- permits and filings


@implements(
    "cn.hr_service_licensing_filing_2020",
    "beijing.hr_permit_remote_verification_2020",
    tests=["tests/desk/test_agencies.py::test_filing_with_remote_verification_is_reviewed_in_the_district"],
)
def file(
    s: Session,
    agency: User,
    *,
    kind: str,
    services: str,
    verification: str,
    files: list[tuple[str, bytes]] | None = None,
    at: dt.datetime | None = None,
) -> AgencyFiling:
    """An agency's permit or filing, on line; a remote site check needs its video stills or photos."""
    if agency.role != "agency":
        raise Forbidden("许可备案由人力资源服务机构申报（以机构账号登录）")
    at = at or dispatch.beijing_now()
    c = Checker()
    k = c.choice("kind", "事项", kind, FILING_KINDS)
    text = c.text("services", "服务范围", services, 2000)
    v = c.choice("verification", "核查方式", verification, VERIFICATION)
    checked: list[attachments.Checked] = []
    try:
        checked = attachments.check_all(files or [], at.date())
    except ServiceError as exc:
        c.add("files", exc.message)
    if v == "remote" and not checked and not any(p["field"] == "files" for p in c.problems):
        c.add("files", "非现场核查须上传核查材料：经营场所的视频截图或照片（jpg、png）或 PDF")
    c.done()
    for x in checked:
        attachments.store(x)  # stored by SHA-256, as an application's materials are
    f = AgencyFiling(
        agency_id=agency.id,
        district=dispatch.agency_district(agency),
        kind=k,
        services=text,
        verification=v,
        status="submitted",
        submitted_at=at,
        note="",
        attachments=[
            {"filename": x.filename, "kind": x.kind, "size": len(x.data), "sha256": x.sha256} for x in checked
        ],
    )
    s.add(f)
    s.flush()
    audit.record(
        s,
        agency,
        "agency.filing",
        "agency_filing",
        f.id,
        {"kind": k, "verification": v, "files": [a["sha256"] for a in f.attachments]},
    )
    return f


def get_filing(s: Session, user: User, filing_id: int) -> AgencyFiling:
    f = s.get(AgencyFiling, filing_id)
    if f is None:
        raise NotFound(f"未找到许可备案申报 {filing_id}")
    if not ((user.role == "agency" and f.agency_id == user.id) or dispatch.covers(user, f.district)):
        raise Forbidden("无权查看该申报")
    return f


@implements(
    "cn.hr_service_licensing_filing_2020",
    "beijing.hr_permit_remote_verification_2020",
    tests=["tests/desk/test_agencies.py::test_filing_with_remote_verification_is_reviewed_in_the_district"],
)
def review(
    s: Session, user: User, filing_id: int, *, approve: bool, note: str = "", at: dt.datetime | None = None
) -> AgencyFiling:
    """The district bureau's decision; a refusal says why."""
    f = get_filing(s, user, filing_id)
    _writer(user, f.district, "许可备案审核")
    if f.status != "submitted":
        raise Conflict(f"该申报已审核（{FILING_STATUS[f.status]}）")
    c = Checker()
    text = c.text("note", "审核意见", note, 1000, required=not approve)
    c.done()
    f.status = "approved" if approve else "rejected"
    f.note = text
    f.reviewed_by = user.id
    f.reviewed_at = at or dispatch.beijing_now()
    s.flush()
    audit.record(s, user, "agency.filing_review", "agency_filing", f.id, {"status": f.status})
    return f


@implements(
    "beijing.hr_permit_remote_verification_2020",
    tests=["tests/desk/test_agencies.py::test_filing_with_remote_verification_is_reviewed_in_the_district"],
)
def material(s: Session, user: User, filing_id: int, index: int) -> tuple[dict[str, Any], bytes]:
    """One verification file of a filing (its record and bytes, checked against the stored
    SHA-256) for the agency itself or the bureau of its area — the remote site check."""
    import hashlib

    f = get_filing(s, user, filing_id)
    if not 0 <= index < len(f.attachments):
        raise NotFound("未找到该核查材料")
    record = f.attachments[index]
    data = attachments.path_of(record["sha256"]).read_bytes()
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        raise ServiceError("核查材料内容与登记的 SHA-256 不一致，可能已被改动")
    if user.role != "agency":
        audit.record(s, user, "agency.material_view", "agency_filing", f.id, {"sha256": record["sha256"]})
    return record, data


def filings(s: Session, user: User) -> list[AgencyFiling]:
    rows = s.execute(select(AgencyFiling).order_by(AgencyFiling.id.desc())).scalars()
    if user.role == "agency":
        return [f for f in rows if f.agency_id == user.id]
    _staff(user, "许可备案")
    return [f for f in rows if dispatch.covers(user, f.district)]


def filing_view(f: AgencyFiling) -> dict[str, Any]:
    return {
        "id": f.id,
        "agency": f.agency.display_name,
        "uscc": f.agency.uscc,
        "district": f.district,
        "district_name": place(f.district),
        "kind": f.kind,
        "kind_name": FILING_KINDS[f.kind],
        "services": f.services,
        "verification": f.verification,
        "verification_name": VERIFICATION[f.verification],
        "attachments": list(f.attachments),
        "status": f.status,
        "status_name": FILING_STATUS[f.status],
        "submitted_at": f.submitted_at.isoformat(timespec="minutes"),
        "reviewed_at": f.reviewed_at.isoformat(timespec="minutes") if f.reviewed_at else None,
        "note": f.note,
    }


# --------------------------------------------------------------------------- annual reports


@implements(
    "beijing.hr_agency_good_practice_annual_report_2020",
    tests=["tests/desk/test_agencies.py::test_annual_report_with_good_practice_is_published"],
)
def submit_annual(
    s: Session, agency: User, *, year: int | str, summary: str, good_practice: str, at: dt.datetime | None = None
) -> AgencyAnnualReport:
    if agency.role != "agency":
        raise Forbidden("年度报告由人力资源服务机构报送")
    at = at or dispatch.beijing_now()
    c = Checker()
    first = int(param("agencies.annual_report_first_year", at.date()))
    try:
        y = int(str(year).strip())
    except ValueError:
        c.add("year", f"年度“{year}”应为四位年份")
        y = 0
    if y and not first <= y <= at.year:
        c.add("year", f"年度应在 {first} 年至 {at.year} 年之间")
    text = c.text("summary", "年度经营情况", summary, 5000)
    good = c.text("good_practice", "疫情防控期间的积极举措和典型做法", good_practice, 5000, required=False)
    if (
        not c.problems
        and s.execute(
            select(AgencyAnnualReport).where(AgencyAnnualReport.agency_id == agency.id, AgencyAnnualReport.year == y)
        ).first()
    ):
        c.add("year", f"{y} 年度报告已报送")
    c.done()
    r = AgencyAnnualReport(
        agency_id=agency.id,
        district=dispatch.agency_district(agency),
        year=y,
        summary=text,
        good_practice=good,
        submitted_at=at,
        commended=False,
    )
    s.add(r)
    s.flush()
    audit.record(s, agency, "agency.annual_report", "agency_annual_report", r.id, {"year": y})
    return r


@implements(
    "beijing.hr_agency_good_practice_annual_report_2020",
    tests=["tests/desk/test_agencies.py::test_annual_report_with_good_practice_is_published"],
)
def publish_annual(
    s: Session, user: User, report_id: int, *, commend: bool = False, at: dt.datetime | None = None
) -> AgencyAnnualReport:
    """年度报告公示: the report is public from now on; ``commend`` marks its good practice for recognition."""
    r = s.get(AgencyAnnualReport, report_id)
    if r is None:
        raise NotFound(f"未找到年度报告 {report_id}")
    _writer(user, r.district, "年度报告公示")
    if r.published_at is not None:
        raise Conflict("该年度报告已公示")
    if commend and not r.good_practice:
        raise ServiceError("该报告没有填写疫情防控期间的积极举措和典型做法，不能表彰")
    r.published_at = at or dispatch.beijing_now()
    r.published_by = user.id
    r.commended = commend
    s.flush()
    audit.record(s, user, "agency.annual_publish", "agency_annual_report", r.id, {"commended": commend})
    return r


def annual_reports(
    s: Session, user: User | None, *, published_only: bool = False, region: str = ""
) -> list[AgencyAnnualReport]:
    """Published reports for anyone; unpublished too for the agency itself and the bureau of its area."""
    rows = list(
        s.execute(
            select(AgencyAnnualReport).order_by(AgencyAnnualReport.year.desc(), AgencyAnnualReport.id.desc())
        ).scalars()
    )
    if region:
        rows = [r for r in rows if within(r.district, region)]

    def visible(r: AgencyAnnualReport) -> bool:
        if r.published_at is not None:
            return True
        if published_only or user is None:
            return False
        return (user.role == "agency" and r.agency_id == user.id) or (
            user.role in ("caseworker", "auditor", "admin") and dispatch.covers(user, r.district)
        )

    return [r for r in rows if visible(r)]


def annual_view(r: AgencyAnnualReport) -> dict[str, Any]:
    return {
        "id": r.id,
        "agency": r.agency.display_name,
        "uscc": r.agency.uscc,
        "district": r.district,
        "district_name": place(r.district),
        "year": r.year,
        "summary": r.summary,
        "good_practice": r.good_practice,
        "submitted_at": r.submitted_at.isoformat(timespec="minutes"),
        "published_at": r.published_at.isoformat(timespec="minutes") if r.published_at else None,
        "commended": r.commended,
    }


# --------------------------------------------------------------------------- enforcement


@implements(
    "beijing.hr_market_enforcement_2020",
    "cn.stable_labour_hr_fee_regulation_2020",
    "beijing.hr_agency_good_practice_annual_report_2020",
    tests=["tests/desk/test_agencies.py::test_fee_complaint_becomes_a_case_with_an_outcome"],
)
def open_case(
    s: Session,
    user: User,
    *,
    agency_id: int | str,
    category: str,
    complaint: str,
    complainant: str = "",
    at: dt.datetime | None = None,
) -> EnforcementCase:
    """A complaint about an agency's fees, price gouging, discrimination or false information becomes a case."""
    if user.role not in ("caseworker", "admin"):
        raise Forbidden("执法案件由人社部门经办人员登记")
    c = Checker()
    raw = str(agency_id).strip()
    agency = s.get(User, int(raw)) if raw.isdigit() and int(raw) <= MAX_ID else None
    if agency is None or agency.role != "agency":
        c.add("agency_id", "被投诉机构须从列表中选择")
    elif not dispatch.covers(user, dispatch.agency_district(agency)):
        c.add("agency_id", f"{agency.display_name}属{place(dispatch.agency_district(agency))}，不在您的辖区内")
    cat = c.choice("category", "违法违规类别", category, CATEGORIES)
    text = c.text("complaint", "投诉或线索内容", complaint, 5000)
    who = c.text("complainant", "投诉人", complainant, 64, required=False)
    c.done()
    assert agency is not None
    case = EnforcementCase(
        agency_id=agency.id,
        district=dispatch.agency_district(agency),
        category=cat,
        complaint=text,
        complainant=who,
        opened_by=user.id,
        opened_at=at or dispatch.beijing_now(),
        outcome="open",
        outcome_note="",
    )
    s.add(case)
    s.flush()
    audit.record(s, user, "agency.case_open", "enforcement_case", case.id, {"category": cat, "agency": agency.id})
    return case


@implements(
    "beijing.hr_market_enforcement_2020",
    "cn.stable_labour_hr_fee_regulation_2020",
    tests=["tests/desk/test_agencies.py::test_fee_complaint_becomes_a_case_with_an_outcome"],
)
def close_case(
    s: Session, user: User, case_id: int, *, outcome: str, note: str, at: dt.datetime | None = None
) -> EnforcementCase:
    case = s.get(EnforcementCase, case_id)
    if case is None:
        raise NotFound(f"未找到执法案件 {case_id}")
    _writer(user, case.district, "执法案件办结")
    if case.outcome != "open":
        raise Conflict(f"该案件已办结（{OUTCOME_NAMES[case.outcome]}）")
    c = Checker()
    o = c.choice("outcome", "处理结果", outcome, OUTCOMES)
    text = c.text("note", "处理情况", note, 5000)
    c.done()
    case.outcome, case.outcome_note = o, text
    case.closed_by, case.closed_at = user.id, at or dispatch.beijing_now()
    s.flush()
    audit.record(s, user, "agency.case_close", "enforcement_case", case.id, {"outcome": o})
    return case


def cases(s: Session, user: User) -> list[EnforcementCase]:
    rows = s.execute(select(EnforcementCase).order_by(EnforcementCase.id.desc())).scalars()
    if user.role == "agency":
        return [c for c in rows if c.agency_id == user.id]
    _staff(user, "执法案件")
    return [c for c in rows if dispatch.covers(user, c.district)]


def case_view(c: EnforcementCase) -> dict[str, Any]:
    return {
        "id": c.id,
        "agency": c.agency.display_name,
        "uscc": c.agency.uscc,
        "district": c.district,
        "district_name": place(c.district),
        "category": c.category,
        "category_name": CATEGORIES[c.category],
        "complaint": c.complaint,
        "complainant": c.complainant,
        "opened_at": c.opened_at.isoformat(timespec="minutes"),
        "outcome": c.outcome,
        "outcome_name": OUTCOME_NAMES[c.outcome],
        "outcome_note": c.outcome_note,
        "closed_at": c.closed_at.isoformat(timespec="minutes") if c.closed_at else None,
    }
