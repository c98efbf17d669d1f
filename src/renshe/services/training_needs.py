"""The park enterprises' training-needs ledger (园区企业培训需求动态管理台账, 永人社发〔2022〕3号 五):
one line per enterprise and occupation (how many employees need training), entered on the
page or from a workbook, kept current (a later entry for the same enterprise and occupation
replaces the earlier one), shown by park with the lines not updated for a while, and exported."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.times import chinese_date
from renshe.engine.catalog import implements
from renshe.services import audit, exports, workbooks
from renshe.services.programmes_common import (
    FieldError,
    check_region,
    check_text,
    check_uscc,
    covers,
    region_label,
    require,
    require_caseworker_of,
)
from renshe.services.programmes_settings import citation, param
from renshe.store.models import User
from renshe.store.models_programmes import ParkTrainingNeed

HEADERS = {
    "region": "所在地区代码",
    "park": "园区",
    "uscc": "统一社会信用代码",
    "enterprise": "企业名称",
    "occupation": "培训职业（工种）",
    "headcount": "需求人数",
    "updated_on": "更新日期",
}


def _check(raw: dict[str, Any], row: int | None = None) -> dict[str, Any]:
    out = {
        "region": check_region(str(raw.get("region") or ""), "所在地区", row),
        "park": check_text(raw.get("park"), "park", "园区", row),
        "uscc": check_uscc(str(raw.get("uscc") or ""), row=row),
        "enterprise": check_text(raw.get("enterprise"), "enterprise", "企业名称", row),
        "occupation": check_text(raw.get("occupation"), "occupation", "培训职业（工种）", row),
    }
    headcount = raw.get("headcount")
    try:
        count = int(str(headcount).strip())
    except (TypeError, ValueError):
        raise FieldError(
            "headcount", f"需求人数“{headcount if headcount is not None else ''}”应为正整数", row
        ) from None
    if count <= 0:
        raise FieldError("headcount", f"需求人数“{count}”应为正整数", row)
    updated = raw.get("updated_on") or dt.date.today()
    if isinstance(updated, dt.datetime):
        updated = updated.date()
    if not isinstance(updated, dt.date):
        try:
            updated = dt.date.fromisoformat(str(updated).strip())
        except ValueError:
            raise FieldError("updated_on", f"更新日期“{updated}”应为 YYYY-MM-DD 格式的日期", row) from None
    return {**out, "headcount": count, "updated_on": updated}


def _save(s: Session, user: User, item: dict[str, Any]) -> ParkTrainingNeed:
    existing = s.execute(
        select(ParkTrainingNeed).where(
            ParkTrainingNeed.uscc == item["uscc"], ParkTrainingNeed.occupation == item["occupation"]
        )
    ).scalar_one_or_none()
    if existing is None:
        existing = ParkTrainingNeed(**item, updated_by=user.id)
        s.add(existing)
    else:
        for k, v in item.items():
            setattr(existing, k, v)
        existing.updated_by = user.id
    return existing


@implements(
    "yongzhou.park_training_needs_ledger_2022",
    tests=["tests/desk/test_programmes_training.py::test_park_needs_ledger_round_trip"],
)
def record(s: Session, user: User, **raw: Any) -> ParkTrainingNeed:
    """Enter or update one line of the ledger (a caseworker of the park's district)."""
    item = _check(raw)
    require_caseworker_of(user, item["region"], "登记园区培训需求")
    need = _save(s, user, item)
    s.flush()
    audit.record(s, user, "training_needs.record", "park_training_need", need.id, {"park": need.park})
    return need


def read_xlsx(data: bytes, filename: str = "") -> list[dict[str, Any]]:
    return [_check(row.values, row.number) for row in workbooks.field_records(data, filename, HEADERS)]


@implements(
    "yongzhou.park_training_needs_ledger_2022",
    tests=["tests/desk/test_programmes_training.py::test_park_needs_ledger_round_trip"],
)
def import_xlsx(s: Session, user: User, data: bytes, filename: str = "") -> int:
    """A workbook of needs (the export's own layout): every row checked first, nothing saved on a bad row."""
    require(user, ("caseworker",), "只有经办人员可以导入园区培训需求")
    items = read_xlsx(data, filename)
    for n, item in enumerate(items, start=2):
        if not covers(user, item["region"]):
            raise FieldError("region", f"地区“{item['region']}”不在本辖区", n)
    for item in items:
        _save(s, user, item)
    s.flush()
    audit.record(s, user, "training_needs.import", "park_training_need", "-", {"rows": len(items)})
    return len(items)


@implements(
    "yongzhou.park_training_needs_ledger_2022",
    tests=["tests/desk/test_programmes_training.py::test_park_needs_ledger_round_trip"],
)
def ledger(s: Session, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """The ledger of the user's area, by park (enterprises, headcount), with the stale lines."""
    require(user, ("caseworker", "auditor", "admin"), "园区培训需求台账仅供人社部门人员查看")
    today = today or dt.date.today()
    stale_days = int(param("training_needs.stale_after_days", today))
    rows = [
        n
        for n in s.execute(select(ParkTrainingNeed).order_by(ParkTrainingNeed.park, ParkTrainingNeed.id)).scalars()
        if covers(user, n.region)
    ]
    lines: list[dict[str, Any]] = [
        {
            "id": n.id,
            "region": n.region,
            "region_name": region_label(n.region),
            "park": n.park,
            "uscc": n.uscc,
            "enterprise": n.enterprise,
            "occupation": n.occupation,
            "headcount": n.headcount,
            "updated_on": n.updated_on.isoformat(),
            "updated_text": chinese_date(n.updated_on),
            "stale": (today - n.updated_on).days > stale_days,
        }
        for n in rows
    ]
    parks: dict[str, dict[str, Any]] = defaultdict(lambda: {"enterprises": set(), "headcount": 0, "stale": 0})
    for line in lines:
        p = parks[line["park"]]
        p["enterprises"].add(line["uscc"])
        p["headcount"] += line["headcount"]
        p["stale"] += line["stale"]
    return {
        "lines": lines,
        "stale_days": stale_days,
        "citation": citation("training_needs.stale_after_days"),
        "parks": [
            {"park": k, "enterprises": len(v["enterprises"]), "headcount": v["headcount"], "stale": v["stale"]}
            for k, v in parks.items()
        ],
    }


def ledger_xlsx(data: dict[str, Any]) -> bytes:
    """The ledger as a workbook in the layout :func:`import_xlsx` reads back."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "培训需求台账"
    exports.append_row(ws, list(HEADERS.values()))
    for line in data["lines"]:
        exports.append_row(
            ws,
            [
                line["region"],
                line["park"],
                line["uscc"],
                line["enterprise"],
                line["occupation"],
                line["headcount"],
                line["updated_on"],
            ],
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
