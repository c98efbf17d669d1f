"""The bureau's unit registration (单位参保登记) and review by data comparison (数据比对).

A caseworker checks an application against what the bureau itself holds on the unit —
name, area, type, industry, headcount, each month's insured headcount and each month's
contributions — field by field; what the applicant declared and what is registered are
shown side by side, the differences marked. The same record names the payee of the bank
file (户名、开户行)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.industries import problem_with_industry, section_name
from renshe.domain.regions import problem_with_region, region_name
from renshe.store.models import Application
from renshe.store.models_desk import RegisteredUnit

INSURANCE_NAMES = {
    "pension": "养老保险",
    "unemployment": "失业保险",
    "work_injury": "工伤保险",
    "medical": "医疗保险",
    "maternity": "生育保险",
}
UNIT_TYPE_NAMES = {
    "enterprise": "企业",
    "individual_business": "个体工商户",
    "social_org": "社会组织",
    "public_institution": "事业单位",
    "agency": "人力资源服务机构",
}
CONTRIBUTION_FIELDS = (("employer_due", "单位应缴"), ("employer_paid", "单位实缴"))


def record(s: Session, uscc: str | None) -> RegisteredUnit | None:
    if not uscc:
        return None
    return s.execute(select(RegisteredUnit).where(RegisteredUnit.uscc == uscc)).scalar_one_or_none()


def register(
    s: Session,
    unit: dict[str, Any],
    *,
    account_name: str | None,
    bank_name: str | None,
    bank_account: str | None,
    on: dt.date | None = None,
) -> RegisteredUnit:
    """Record (or replace) a unit as the bureau holds it; ``unit`` in the case format's
    ``enterprise`` shape (the batch registry's units + insured + contributions of one unit)."""
    row = record(s, unit["uscc"]) or RegisteredUnit(uscc=unit["uscc"])
    row.name, row.region = unit["name"], unit["region"]
    row.unit_type, row.industry, row.employees = unit.get("unit_type"), unit.get("industry"), unit.get("employees")
    row.insured, row.contributions = dict(unit.get("insured") or {}), list(unit.get("contributions") or [])
    row.account_name, row.bank_name, row.bank_account = account_name, bank_name, bank_account
    row.updated_on = on or dt.date.today()
    s.add(row)
    s.flush()
    return row


def _region(code: Any) -> str:
    if not code:
        return "—"
    return f"{region_name(str(code))}（{code}）" if problem_with_region(code) is None else str(code)


def _industry(code: Any) -> str:
    if not code:
        return "—"
    return f"{code} {section_name(str(code)[0])}" if problem_with_industry(code) is None else str(code)


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _row(group: str, field: str, applied: Any, registered: Any, shown: Any = None) -> dict[str, Any]:
    applied_text, registered_text = (shown or _plain)(applied), (shown or _plain)(registered)
    same = _normal(applied) == _normal(registered)
    return {"group": group, "field": field, "applied": applied_text, "registered": registered_text, "same": same}


def _normal(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(float(value), 2)
    return value if value not in ("", None) else None


def _contributions(rows: list[Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(str(r.get("month")), str(r.get("insurance"))): r for r in rows if isinstance(r, dict)}


def compare(s: Session, app: Application) -> dict[str, Any]:
    """The application's declared unit facts against the unit's registration, field by
    field. ``found`` is False when the bureau holds no record (a person, or a unit not
    registered): then nothing can be compared and the page says so."""
    declared = (app.case or {}).get("enterprise") or (app.case or {}).get("agency") or {}
    unit = record(s, app.subject_uscc)
    if unit is None:
        return {
            "found": False,
            "rows": [],
            "differences": 0,
            "why": "本局参保登记中没有该单位（或申请人为个人），无法比对"
            if app.subject_uscc
            else "申请人为个人，参保单位登记不适用",
        }
    rows = [
        _row("单位", "单位名称", declared.get("name") or app.subject_name, unit.name),
        _row("单位", "统一社会信用代码", app.subject_uscc, unit.uscc),
        _row("单位", "所在地区", declared.get("region") or app.region, unit.region, _region),
        _row(
            "单位",
            "单位类型",
            declared.get("unit_type"),
            unit.unit_type,
            lambda v: UNIT_TYPE_NAMES.get(v, v) if v else "—",
        ),
        _row("单位", "所属行业", declared.get("industry"), unit.industry, _industry),
        _row("单位", "从业人员数", declared.get("employees"), unit.employees),
    ]
    insured_d, insured_r = declared.get("insured") or {}, unit.insured or {}
    for month in sorted(set(insured_d) | set(insured_r)):
        rows.append(_row("参保人数", f"{month} 参保人数", insured_d.get(month), insured_r.get(month)))
    paid_d, paid_r = _contributions(declared.get("contributions") or []), _contributions(unit.contributions or [])
    for key in sorted(set(paid_d) | set(paid_r)):
        month, insurance = key
        for field, label in CONTRIBUTION_FIELDS:
            rows.append(
                _row(
                    "社会保险缴费",
                    f"{month} {INSURANCE_NAMES.get(insurance, insurance)}{label}（元）",
                    (paid_d.get(key) or {}).get(field),
                    (paid_r.get(key) or {}).get(field),
                )
            )
    differences = sum(1 for r in rows if not r["same"])
    return {"found": True, "rows": rows, "differences": differences, "updated_on": unit.updated_on, "why": None}
