"""What the applicant sees before filing (申请前): the policy's title and amount from the
calculator's result, the unit checked to be the applicant's own (an application for
another unit is refused before the form is filled), and the terms of accept-with-gaps
(容缺受理): the date by which missing materials must be supplied, counted in working days
(domain/calendar.py) from the parameter and the sentence that sets it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from renshe.engine.rules import FLOW_NAMES, registry
from renshe.services import applications
from renshe.services.errors import ServiceError
from renshe.services.settings import citation, setting


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def parse_case(case_json: str) -> dict[str, Any]:
    try:
        case = json.loads(case_json)
    except json.JSONDecodeError:
        raise ServiceError("案例不是有效的 JSON") from None
    if not isinstance(case, dict):
        raise ServiceError("案例应为 JSON 对象")
    return case


def offer(user: Any, policy_id: str, case: dict[str, Any]) -> dict[str, Any]:
    """The policy as the applicant is about to apply for it: title, amount, flow, window and
    citations. Refused (Forbidden) first when the case is not the applicant's own unit (or
    person); ServiceError when the case is bad or the policy is not eligible on it."""
    applications._subject(user, case)  # another unit: refused before anything else
    body, result = applications.eligible_result(case, policy_id)
    rule = registry().rules.get(policy_id)
    flow = result.get("flow") or (rule.flow if rule else "none")
    return {
        "policy": policy_id,
        "title": result.get("title") or (rule.title if rule else policy_id),
        "amount": result.get("amount") if result.get("unit") == "CNY" else None,
        "flow": flow,
        "flow_name": FLOW_NAMES.get(flow, flow),
        "period_from": result.get("period_from"),
        "period_to": result.get("period_to"),
        "citations": result.get("citations") or [],
        "as_of": body.get("as_of"),
    }


def gap_terms(today: dt.date | None = None) -> dict[str, Any]:
    """容缺受理: the working days allowed to supply missing materials, the due date if filed
    today, and the sentence that sets it."""
    today = today or dt.date.today()
    days = int(setting("gap_documents_working_days", today))
    due = applications.working_day_after(today, days)
    return {"days": days, "due": due, "due_text": chinese_date(due), "citation": citation("gap_documents_working_days")}


def missing_items(text: str) -> list[str]:
    """The missing materials as typed: one a line, or separated by 、，; (empty parts dropped)."""
    for sep in ("\r\n", "\n", "，", ",", "；", ";"):
        text = text.replace(sep, "、")
    return [m.strip() for m in text.split("、") if m.strip()]
