"""The public-institution desk (事业单位人事): recruitment rounds (公开招聘) — the rural teachers,
doctors and social workers of 新密政〔2020〕4号, the medical recruitment green channel of
人社部明电〔2020〕1号 (simplified procedure, only for the kinds the parameter lists) — with an
announcement published on opening and on every change of the exam dates (人社部明电〔2020〕2号
五: where the written test is over only the interview may move, and only later); title
applications with frontline medical staff queued first (国发明电〔2020〕5号 三); and the
one-off performance-pay increase of medical institutions (一次性绩效工资总量核增, 同文 一), kept
apart from the unit's yearly total: the yearly total is checked against the regular pay alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.times import beijing_time, chinese_date
from renshe.engine.catalog import implements
from renshe.services import audit
from renshe.services.errors import NotFound
from renshe.services.programmes_common import (
    STAFF,
    FieldError,
    added,
    check_choice,
    check_id_number,
    check_region,
    check_text,
    covers,
    region_label,
    require,
    require_caseworker_of,
)
from renshe.services.programmes_settings import citation, param
from renshe.services.security import mask_id_number
from renshe.store.models import User
from renshe.store.models_programmes import (
    PerformancePayGrant,
    RecruitmentAnnouncement,
    RecruitmentRound,
    TitleApplication,
)


def _day(value: dt.date | str | None, field: str, label: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date) or not str(value).strip():
        return value or None  # type: ignore[return-value]
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise FieldError(field, f"{label}“{value}”应为 YYYY-MM-DD 格式的日期") from None


def _exam_text(r: RecruitmentRound) -> str:
    return f"笔试 {chinese_date(r.written_on) or '免笔试'}，面试 {chinese_date(r.interview_on) or '另行通知'}"


def _announce(s: Session, user: User, r: RecruitmentRound, text: str) -> None:
    s.add(RecruitmentAnnouncement(round=r, text=text, by_id=user.id))


@implements(
    "xinmi.rural_grassroots_recruitment_2020",
    "cn.medical_recruitment_green_channel_2020",
    tests=["tests/desk/test_programmes_public.py::test_recruitment_rounds_green_channel_and_rescheduling"],
)
def open_round(
    s: Session,
    user: User,
    *,
    region: str,
    unit: str,
    kind: str,
    places: int,
    written_on: dt.date | str | None = None,
    interview_on: dt.date | str | None = None,
    green_channel: bool = False,
    today: dt.date | None = None,
) -> RecruitmentRound:
    """Open a recruitment round and publish its announcement. The green channel (简化程序:
    no written test required) only for the kinds the parameter lists."""
    today = today or dt.date.today()
    region = check_region(region)
    require_caseworker_of(user, region, "发布招聘计划")
    unit = check_text(unit, "unit", "招聘单位")
    kind = check_choice(kind, param("recruitment.kinds", today), "kind", "招聘类别")
    if not isinstance(places, int) or places <= 0:
        raise FieldError("places", f"招聘人数“{places}”应为正整数")
    green_kinds = param("recruitment.green_channel_kinds", today)
    if green_channel and kind not in green_kinds:
        raise FieldError("green_channel", f"招聘绿色通道仅适用于 {'、'.join(green_kinds)}")
    written, interview = _day(written_on, "written_on", "笔试日期"), _day(interview_on, "interview_on", "面试日期")
    if written is None and not green_channel:
        raise FieldError("written_on", "请填写笔试日期（绿色通道招聘可免笔试）")
    if interview is None:
        raise FieldError("interview_on", "请填写面试日期")
    if written and interview < written:
        raise FieldError("interview_on", f"面试日期 {chinese_date(interview)} 早于笔试日期 {chinese_date(written)}")
    r = RecruitmentRound(
        region=region,
        unit=unit,
        kind=kind,
        places=places,
        written_on=written,
        interview_on=interview,
        green_channel=green_channel,
        created_by=user.id,
    )
    s.add(r)
    channel = "（招聘绿色通道，简化程序）" if green_channel else ""
    _announce(s, user, r, f"{unit}公开招聘{kind} {places} 名{channel}：{_exam_text(r)}。")
    s.flush()
    audit.record(s, user, "recruitment.open", "recruitment_round", r.id, {"kind": kind, "green": green_channel})
    return r


def _round(s: Session, user: User, round_id: int, what: str) -> RecruitmentRound:
    r = s.get(RecruitmentRound, round_id)
    if r is None:
        raise NotFound(f"未找到招聘计划 {round_id}")
    require_caseworker_of(user, r.region, what)
    return r


@implements(
    "cn.public_recruitment_exam_rescheduling_2020",
    tests=["tests/desk/test_programmes_public.py::test_recruitment_rounds_green_channel_and_rescheduling"],
)
def reschedule(
    s: Session,
    user: User,
    round_id: int,
    *,
    reason: str,
    written_on: dt.date | str | None = None,
    interview_on: dt.date | str | None = None,
    today: dt.date | None = None,
) -> RecruitmentRound:
    """Move the exam dates (视情调整笔试面试时间) and announce them to candidates and the public.
    A written test already held cannot move; then only a later interview is accepted."""
    today = today or dt.date.today()
    r = _round(s, user, round_id, "调整考试时间")
    reason = check_text(reason, "reason", "调整原因")
    written, interview = _day(written_on, "written_on", "笔试日期"), _day(interview_on, "interview_on", "面试日期")
    held = r.written_on is not None and r.written_on < today
    if written is not None and written != r.written_on:
        if held:
            raise FieldError("written_on", f"笔试已于 {chinese_date(r.written_on)} 结束，只能推迟面试时间")
        if written < today:
            raise FieldError("written_on", f"调整后的笔试日期 {chinese_date(written)} 已过")
        r.written_on = written
    if interview is not None and interview != r.interview_on:
        if held and r.interview_on and interview < r.interview_on:
            raise FieldError("interview_on", "笔试已经结束的，面试时间只能推迟")
        if interview < today:
            raise FieldError("interview_on", f"调整后的面试日期 {chinese_date(interview)} 已过")
        r.interview_on = interview
    if r.written_on and r.interview_on and r.interview_on < r.written_on:
        raise FieldError("interview_on", "面试日期早于笔试日期")
    _announce(s, user, r, f"{r.unit}{r.kind}考试时间调整（{reason}）：{_exam_text(r)}。请考生留意。")
    s.flush()
    audit.record(s, user, "recruitment.reschedule", "recruitment_round", r.id, {"reason": reason})
    return r


@implements(
    "xinmi.rural_grassroots_recruitment_2020",
    tests=["tests/desk/test_programmes_public.py::test_recruitment_rounds_green_channel_and_rescheduling"],
)
def record_results(s: Session, user: User, round_id: int, *, applicants: int, hired: int) -> RecruitmentRound:
    r = _round(s, user, round_id, "登记招聘结果")
    if not isinstance(applicants, int) or applicants < 0:
        raise FieldError("applicants", f"报名人数“{applicants}”应为不小于 0 的整数")
    if not isinstance(hired, int) or hired < 0 or hired > min(applicants, r.places):
        raise FieldError("hired", f"聘用人数“{hired}”不能超过报名人数 {applicants} 和招聘人数 {r.places}")
    r.applicants, r.hired = applicants, hired
    audit.record(s, user, "recruitment.results", "recruitment_round", r.id, {"hired": hired})
    return r


def round_view(r: RecruitmentRound) -> dict[str, Any]:
    return {
        "id": r.id,
        "unit": r.unit,
        "kind": r.kind,
        "region_name": region_label(r.region),
        "places": r.places,
        "applicants": r.applicants,
        "hired": r.hired,
        "green_channel": r.green_channel,
        "written_on": chinese_date(r.written_on),
        "interview_on": chinese_date(r.interview_on),
        "announcements": [{"text": a.text, "published": beijing_time(a.published_at)} for a in r.announcements],
    }


@implements(
    "xinmi.rural_grassroots_recruitment_2020",
    "cn.public_recruitment_exam_rescheduling_2020",
    "cn.medical_recruitment_green_channel_2020",
    tests=["tests/desk/test_programmes_public.py::test_recruitment_rounds_green_channel_and_rescheduling"],
)
def announcements(s: Session, region: str = "") -> list[dict[str, Any]]:
    """The public announcements (向社会公告), newest first; anyone may read them."""
    rows = s.execute(select(RecruitmentAnnouncement).order_by(RecruitmentAnnouncement.id.desc())).scalars().all()
    return [
        {
            "unit": a.round.unit,
            "kind": a.round.kind,
            "region_name": region_label(a.round.region),
            "text": a.text,
            "published": beijing_time(a.published_at),
        }
        for a in rows
        if not region or a.round.region.startswith(region)
    ]


def rounds(s: Session, user: User) -> list[dict[str, Any]]:
    require(user, STAFF, "招聘计划仅供人社部门人员查看")
    return [
        round_view(r)
        for r in s.execute(select(RecruitmentRound).order_by(RecruitmentRound.id.desc())).scalars()
        if covers(user, r.region)
    ]


# ----------------------------------------------------------------------------- titles


@implements(
    "cn.medical_title_priority_2020",
    tests=["tests/desk/test_programmes_public.py::test_title_queue_puts_frontline_medical_first"],
)
def apply_title(
    s: Session,
    user: User,
    *,
    region: str,
    name: str,
    id_number: str,
    unit: str,
    title_sought: str,
    frontline_medical: bool = False,
) -> TitleApplication:
    """A title application entered at the desk, flagged when the applicant is frontline medical staff."""
    region = check_region(region)
    require_caseworker_of(user, region, "受理职称申报")
    a = TitleApplication(
        region=region,
        name=check_text(name, "name", "姓名"),
        id_number=check_id_number(id_number),
        unit=check_text(unit, "unit", "工作单位"),
        title_sought=check_text(title_sought, "title_sought", "申报职称"),
        frontline_medical=frontline_medical,
        created_by=user.id,
    )
    return added(s, user, a, "titles.apply", "title_application", {"frontline": frontline_medical})


@implements(
    "cn.medical_title_priority_2020",
    tests=["tests/desk/test_programmes_public.py::test_title_queue_puts_frontline_medical_first"],
)
def title_queue(s: Session, user: User) -> dict[str, Any]:
    """The evaluation queue: frontline medical staff first (优先申报、优先参评、优先聘任), then by time."""
    require(user, STAFF, "职称评审队列仅供人社部门人员查看")
    rows = [a for a in s.execute(select(TitleApplication)).scalars() if covers(user, a.region)]
    rows.sort(key=lambda a: (not a.frontline_medical, a.submitted_at, a.id))
    return {
        "queue": [
            {
                "id": a.id,
                "name": a.name,
                "id_number": mask_id_number(a.id_number),
                "unit": a.unit,
                "title_sought": a.title_sought,
                "priority": a.frontline_medical,
                "submitted": beijing_time(a.submitted_at),
            }
            for a in rows
        ],
        "priority_label": param("titles.priority_label"),
        "citation": citation("titles.priority_label"),
    }


# ----------------------------------------------------------------------------- one-off performance pay


def _money(value: Any, field: str, label: str) -> Decimal:
    try:
        money = Decimal(str(value).strip())
    except InvalidOperation:
        raise FieldError(field, f"{label}“{value}”应为数字（元）") from None
    if not money.is_finite() or money < 0:
        raise FieldError(field, f"{label}“{value}”应为不小于 0 的数字")
    return money.quantize(Decimal("0.01"))


@implements(
    "cn.medical_one_off_performance_pay_2020",
    tests=["tests/desk/test_programmes_public.py::test_one_off_performance_pay_stays_outside_the_total"],
)
def grant_one_off(
    s: Session, user: User, *, region: str, unit: str, year: int, yearly_total: Any, regular_paid: Any, one_off: Any
) -> PerformancePayGrant:
    """核增一次性绩效工资总量: approved outside the yearly cycle and outside the unit's yearly
    total — the regular pay is checked against the total, the one-off never counts against it."""
    region = check_region(region)
    require_caseworker_of(user, region, "核增一次性绩效工资")
    unit = check_text(unit, "unit", "医疗卫生机构")
    total = _money(yearly_total, "yearly_total", "年度绩效工资总量")
    regular = _money(regular_paid, "regular_paid", "已发放常规绩效工资")
    extra = _money(one_off, "one_off", "一次性绩效工资核增额")
    if extra <= 0:
        raise FieldError("one_off", "一次性绩效工资核增额应大于 0")
    if regular > total:
        raise FieldError(
            "regular_paid", f"已发放常规绩效工资 {regular} 元超过年度总量 {total} 元（一次性核增部分不能用于弥补）"
        )
    g = PerformancePayGrant(
        region=region,
        unit=unit,
        year=year,
        yearly_total=total,
        regular_paid=regular,
        one_off=extra,
        approved_by=user.id,
    )
    return added(s, user, g, "pay.one_off", "performance_pay_grant", {"unit": unit, "one_off": str(extra)})


@implements(
    "cn.medical_one_off_performance_pay_2020",
    tests=["tests/desk/test_programmes_public.py::test_one_off_performance_pay_stays_outside_the_total"],
)
def pay_grants(s: Session, user: User) -> dict[str, Any]:
    """Each unit's yearly total, regular pay and room left — and the one-off increase beside them,
    never added into the total."""
    require(user, STAFF, "绩效工资核增仅供人社部门人员查看")
    rows = [
        g
        for g in s.execute(select(PerformancePayGrant).order_by(PerformancePayGrant.id)).scalars()
        if covers(user, g.region)
    ]
    return {
        "grants": [
            {
                "id": g.id,
                "unit": g.unit,
                "year": g.year,
                "region_name": region_label(g.region),
                "yearly_total": str(g.yearly_total),
                "regular_paid": str(g.regular_paid),
                "room_left": str(g.yearly_total - g.regular_paid),
                "one_off": str(g.one_off),
                "approved": beijing_time(g.approved_at),
            }
            for g in rows
        ],
        "rule": param("pay.one_off_outside_total"),
        "citation": citation("pay.one_off_outside_total"),
    }
