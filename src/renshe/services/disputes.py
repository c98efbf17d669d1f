"""Wage-arrears complaints and labour-dispute arbitration intake (欠薪投诉、劳动争议仲裁申请).

The deadlines are not computed here: the arbitration limitation with the epidemic
suspension (时效中止) and the hearing period with its extension (顺延审理期限) of
人社厅明电〔2020〕5号 三 are the rules cn.arbitration_limitation_suspension_2020 and
cn.arbitration_hearing_extension_2020 (renshe/policies/cn/rstmd_2020_5.py); this service
evaluates them through the engine with the case's facts and stores their answers.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.regions import problem_with_region
from renshe.engine.calculator import evaluate_json
from renshe.engine.catalog import implements
from renshe.services import audit
from renshe.services.dispatch import uscc_problem
from renshe.services.errors import Conflict, Forbidden, NotFound, ServiceError
from renshe.store.models import User
from renshe.store.models_labour import DisputeCase

LIMITATION_RULE = "cn.arbitration_limitation_suspension_2020"
HEARING_RULE = "cn.arbitration_hearing_extension_2020"
KINDS = {"arrears": "欠薪投诉", "arbitration": "劳动争议仲裁申请"}
STATUS_NAMES = {"filed": "已登记待受理", "accepted": "已受理", "closed": "已结案"}


def _rule(case: dict[str, Any], policy: str) -> dict[str, Any]:
    body = evaluate_json(case, policies=[policy])
    result = next(r for r in body["results"] if r["policy"] == policy)
    if not result["eligible"] or not result.get("deadline"):
        raise ServiceError("无法计算期限：" + "；".join(result["reasons"]))
    return result


def limitation(
    known_on: dt.date, obstacle_start: dt.date | None, obstacle_end: dt.date | None, as_of: dt.date, region: str
) -> dict[str, Any]:
    """The arbitration limitation deadline (仲裁时效届满日) with the epidemic suspension."""
    dispute: dict[str, Any] = {"limitation_start": known_on.isoformat()}
    if obstacle_start and obstacle_end:
        dispute.update(obstacle_start=obstacle_start.isoformat(), obstacle_end=obstacle_end.isoformat())
    return _rule({"as_of": as_of.isoformat(), "person": {"region": region, "labour_dispute": dispute}}, LIMITATION_RULE)


def hearing(accepted_on: dt.date, extended: bool, delay_days: int, region: str) -> dict[str, Any]:
    """The award deadline (审理期限届满日) with the chair's extension and the epidemic delay."""
    dispute = {"accepted_on": accepted_on.isoformat(), "extended_by_chair": extended, "epidemic_delay_days": delay_days}
    return _rule(
        {"as_of": accepted_on.isoformat(), "person": {"region": region, "labour_dispute": dispute}}, HEARING_RULE
    )


#: dates a dispute may carry: earlier ones are typing slips (a year 999), not disputes the
#: deadline rules can compute; a date after today may be at most this many days ahead
#: (obstacles end in the future only while they last)
EARLIEST_DATE = dt.date(1950, 1, 1)
LATEST_DAYS_AHEAD = 366


@implements(
    "beijing.wage_arrears_enforcement_2020",
    "beijing.labour_dispute_online_handling_2020",
    "cn.labour_inspection_guidance_2020",
    "cn.stable_labour_dispute_mediation_2020",
    "cn.stable_labour_inspection_complaints_2020",
    "xinmi.labour_dispute_early_intervention_2020",
    "yongzhou.labour_relations_guidance_2022",
    "yongzhou.dispute_remote_mediation_2022",
    "yongzhou.wage_arrears_complaint_channels_2022",
    "yongzhou.wage_arrears_remote_handling_2022",
    "beijing.labour_dispute_remote_mediation_2020",
    tests=["tests/labour/test_disputes.py::test_file_accept_close"],
)
def file(
    s: Session,
    user: User,
    *,
    kind: str,
    employer_name: str,
    facts: str,
    infringement_known_on: dt.date,
    region: str | None = None,
    employer_uscc: str | None = None,
    amount: float | None = None,
    obstacle_start: dt.date | None = None,
    obstacle_end: dt.date | None = None,
    today: dt.date | None = None,
) -> DisputeCase:
    if user.role != "person":
        raise Forbidden("只有劳动者本人可以在线提交欠薪投诉或仲裁申请")
    if kind not in KINDS:
        raise ServiceError(f"类型应为 {' / '.join(KINDS)}")
    today = today or dt.date.today()
    problems = []
    if not employer_name.strip():
        problems.append("用人单位名称不能为空")
    if employer_uscc and (p := uscc_problem(employer_uscc.strip())):
        problems.append(f"用人单位统一社会信用代码：{p}")
    if not facts.strip():
        problems.append("请写明事实和请求")
    if infringement_known_on > today:
        problems.append("知道权利被侵害之日不能晚于今天")
    for label, day in (
        ("知道权利被侵害之日", infringement_known_on),
        ("受疫情影响的开始日", obstacle_start),
        ("受疫情影响的结束日", obstacle_end),
    ):
        if day is not None and not EARLIEST_DATE <= day <= today + dt.timedelta(days=LATEST_DAYS_AHEAD):
            problems.append(
                f"{label} {day.isoformat()} 不在可受理的日期范围（{EARLIEST_DATE.isoformat()} 至今）内，请核对年份"
            )
    if (obstacle_start is None) != (obstacle_end is None):
        problems.append("受疫情影响不能申请仲裁的起止日须同时填写")
    elif obstacle_start and obstacle_end and obstacle_end < obstacle_start:
        problems.append("受疫情影响的结束日不能早于开始日")
    if kind == "arrears" and (amount is None or amount <= 0):
        problems.append("欠薪投诉须填写拖欠金额（大于 0 元）")
    region = region or user.region
    if not region or problem_with_region(region):
        problems.append("请填写用人单位所在地的 6 位行政区划代码（用于分派经办机构）")
    if problems or not region:
        raise ServiceError("；".join(problems))
    lim = limitation(infringement_known_on, obstacle_start, obstacle_end, today, region)
    case = DisputeCase(
        number=f"ZY{today:%Y%m%d}{secrets.token_hex(3).upper()}",
        kind=kind,
        person_id=user.id,
        region=region,
        employer_name=employer_name.strip(),
        employer_uscc=(employer_uscc or "").strip() or None,
        amount=amount,
        facts=facts.strip(),
        infringement_known_on=infringement_known_on,
        obstacle_start=obstacle_start,
        obstacle_end=obstacle_end,
        limitation_deadline=dt.date.fromisoformat(lim["deadline"]),
        status="filed",
        filed_on=today,
        history=[{"on": today.isoformat(), "action": "filed", "note": lim["reasons"][0]}],
    )
    s.add(case)
    s.flush()
    audit.record(s, user, "dispute.file", "dispute", case.number, {"kind": kind})
    return case


def _area(region: str) -> str:
    while region.endswith("00"):
        region = region[:-2]
    return region


def can_see(user: User, case: DisputeCase) -> bool:
    if user.role == "person":
        return case.person_id == user.id
    if user.role in ("auditor", "admin"):
        return True
    return user.role == "caseworker" and (not user.region or (case.region or "").startswith(_area(user.region)))


def get(s: Session, user: User, number: str) -> DisputeCase:
    case = s.execute(select(DisputeCase).where(DisputeCase.number == number)).scalar_one_or_none()
    if case is None:
        raise NotFound(f"未找到案件 {number}")
    if not can_see(user, case):
        raise Forbidden("无权查看该案件")
    return case


def visible(s: Session, user: User) -> list[DisputeCase]:
    return [c for c in s.execute(select(DisputeCase).order_by(DisputeCase.id)).scalars() if can_see(user, c)]


@implements(
    "beijing.labour_dispute_remote_mediation_2020",
    "yongzhou.arbitration_remote_hearing_2022",
    "beijing.labour_dispute_online_handling_2020",
    tests=[
        "tests/labour/test_disputes.py::test_file_accept_close",
        "tests/labour/test_disputes.py::test_deadlines_are_the_rules_answers",
    ],
)
def accept(
    s: Session, user: User, number: str, accepted_on: dt.date, extended: bool = False, epidemic_delay_days: int = 0
) -> DisputeCase:
    """Accept an arbitration application and compute the award deadline; may be called again to
    record the chair's extension or more epidemic delay."""
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以受理")
    case = get(s, user, number)
    if case.status == "closed":
        raise Conflict("案件已结案")
    if accepted_on < case.filed_on:
        raise ServiceError(f"受理日期不能早于申请日期 {case.filed_on}")
    if accepted_on > dt.date.today() + dt.timedelta(days=LATEST_DAYS_AHEAD):
        raise ServiceError(f"受理日期 {accepted_on.isoformat()} 晚于今天 {LATEST_DAYS_AHEAD} 天以上，请核对年份")
    if epidemic_delay_days < 0:
        raise ServiceError("因疫情顺延天数不能为负数")
    case.accepted_on, case.hearing_extended, case.epidemic_delay_days = accepted_on, extended, epidemic_delay_days
    if case.kind == "arbitration":
        h = hearing(accepted_on, extended, epidemic_delay_days, case.region or "")
        case.award_deadline = dt.date.fromisoformat(h["deadline"])
        note = h["reasons"][0]
    else:
        note = "欠薪投诉已受理"
    case.status = "accepted"
    case.history = [*case.history, {"on": accepted_on.isoformat(), "action": "accepted", "note": note}]
    audit.record(
        s, user, "dispute.accept", "dispute", case.number, {"delay": epidemic_delay_days, "extended": extended}
    )
    return case


def close(s: Session, user: User, number: str, outcome: str) -> DisputeCase:
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以结案")
    case = get(s, user, number)
    if not outcome.strip():
        raise ServiceError("结案须写明结果")
    case.status = "closed"
    case.history = [*case.history, {"on": dt.date.today().isoformat(), "action": "closed", "note": outcome.strip()}]
    audit.record(s, user, "dispute.close", "dispute", case.number, {"outcome": outcome})
    return case


def view(case: DisputeCase, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    return {
        "number": case.number,
        "kind": case.kind,
        "kind_name": KINDS[case.kind],
        "status": case.status,
        "status_name": STATUS_NAMES[case.status],
        "employer_name": case.employer_name,
        "employer_uscc": case.employer_uscc,
        "amount": float(case.amount) if case.amount is not None else None,
        "region": case.region,
        "filed_on": case.filed_on.isoformat(),
        "infringement_known_on": case.infringement_known_on.isoformat(),
        "limitation_deadline": case.limitation_deadline.isoformat(),
        "filed_within_limitation": case.filed_on <= case.limitation_deadline,
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
        "award_deadline": case.award_deadline.isoformat() if case.award_deadline else None,
        "award_overdue": bool(case.award_deadline and case.status != "closed" and today > case.award_deadline),
        "history": case.history,
        "citation": {"doc_no": "人社厅明电〔2020〕5号", "article": "三"},
    }
