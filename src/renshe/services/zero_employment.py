"""Urban zero-employment households (城镇零就业家庭动态清零, 新密政〔2020〕4号 六（二十一）):
“出现一户，消除一户，至少实现家庭一人就业”. A household is identified under its township or
street office (the units of the Xinmi target table), cleared when at least the required number
of members is employed, and the open ones (target: none) are listed with the days they have
been open. The progress goes into the target tables (services/targets): a target set whose
target per unit is the households identified in the year, and whose monthly progress is the
households cleared in that month — so the targets dashboard shows who is behind."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.times import chinese_date
from renshe.engine.catalog import implements
from renshe.services import audit
from renshe.services.errors import Conflict, NotFound
from renshe.services.programmes_common import (
    STAFF,
    FieldError,
    added,
    check_date,
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
from renshe.services.targets import tables, tracking
from renshe.store.models import User
from renshe.store.models_programmes import ZeroEmploymentHousehold

#: the target table whose responsible units (乡镇政府、街道办事处) households are filed under
UNITS_TABLE = "xinmi-2020"
CLEARED = tables.Column("zero_employment_cleared", "零就业家庭消除户数", "households")


def units() -> list[str]:
    return [unit for unit, _ in tables.load(UNITS_TABLE).rows]


@implements(
    "xinmi.zero_employment_household_2020",
    tests=["tests/desk/test_programmes_public.py::test_zero_employment_households_and_target_progress"],
)
def identify(
    s: Session,
    user: User,
    *,
    region: str,
    unit: str,
    head_name: str,
    id_number: str,
    members: int,
    identified_on: dt.date | str,
) -> ZeroEmploymentHousehold:
    """Identify (认定) a zero-employment household under its township or street office."""
    region = check_region(region)
    require_caseworker_of(user, region, "认定零就业家庭")
    if unit not in units():
        raise FieldError("unit", f"乡镇（街道）“{unit}”不在目标任务表中")
    head_name = check_text(head_name, "head_name", "户主姓名")
    id_number = check_id_number(id_number, "户主身份证号")
    if not isinstance(members, int) or members < int(param("zero_employment.min_employed")):
        raise FieldError("members", f"劳动年龄内家庭成员数“{members}”应为正整数")
    on = check_date(identified_on, "identified_on", "认定日期")
    if on > dt.date.today():
        raise FieldError("identified_on", f"认定日期 {chinese_date(on)} 晚于今天")
    if s.execute(
        select(ZeroEmploymentHousehold.id).where(
            ZeroEmploymentHousehold.id_number == id_number, ZeroEmploymentHousehold.employed_on.is_(None)
        )
    ).first():
        raise FieldError("id_number", "该户已认定为零就业家庭且尚未消除")
    h = ZeroEmploymentHousehold(
        region=region,
        unit=unit,
        head_name=head_name,
        id_number=id_number,
        members=members,
        identified_on=on,
        created_by=user.id,
    )
    return added(s, user, h, "zero_employment.identify", "zero_employment_household", {"unit": unit})


@implements(
    "xinmi.zero_employment_household_2020",
    tests=["tests/desk/test_programmes_public.py::test_zero_employment_households_and_target_progress"],
)
def clear(
    s: Session, user: User, household_id: int, *, employed: list[str], on: dt.date | str
) -> ZeroEmploymentHousehold:
    """消除: at least the required number of members is employed (named), on a day not before
    the identification."""
    h = s.get(ZeroEmploymentHousehold, household_id)
    if h is None:
        raise NotFound(f"未找到零就业家庭 {household_id}")
    require_caseworker_of(user, h.region, "登记零就业家庭成员就业")
    if h.employed_on is not None:
        raise Conflict("该户已消除")
    names = [n.strip() for n in employed if n and n.strip()]
    need = int(param("zero_employment.min_employed"))
    if len(names) < need:
        raise FieldError("employed", f"至少登记 {need} 名已就业的家庭成员")
    day = check_date(on, "on", "就业日期")
    if day < h.identified_on or day > dt.date.today():
        raise FieldError("on", f"就业日期 {chinese_date(day)} 应在认定日期 {chinese_date(h.identified_on)} 与今天之间")
    h.employed_name, h.employed_on = "、".join(names), day
    audit.record(s, user, "zero_employment.clear", "zero_employment_household", h.id, {"on": day.isoformat()})
    return h


@implements(
    "xinmi.zero_employment_household_2020",
    tests=["tests/desk/test_programmes_public.py::test_zero_employment_households_and_target_progress"],
)
def board(s: Session, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """Open households (target: none) with the days open, longest first; the cleared ones."""
    require(user, STAFF, "零就业家庭仅供人社部门人员查看")
    today = today or dt.date.today()
    rows = [
        h
        for h in s.execute(select(ZeroEmploymentHousehold).order_by(ZeroEmploymentHousehold.id)).scalars()
        if covers(user, h.region)
    ]

    def item(h: ZeroEmploymentHousehold) -> dict[str, Any]:
        end = h.employed_on or today
        return {
            "id": h.id,
            "unit": h.unit,
            "region_name": region_label(h.region),
            "head_name": h.head_name,
            "id_number": mask_id_number(h.id_number),
            "members": h.members,
            "identified_on": chinese_date(h.identified_on),
            "employed": h.employed_name or "",
            "employed_on": chinese_date(h.employed_on),
            "days_open": (end - h.identified_on).days,
        }

    open_ = sorted((item(h) for h in rows if h.employed_on is None), key=lambda i: -i["days_open"])
    target = int(param("zero_employment.target_open", today))
    return {
        "open": open_,
        "cleared": [item(h) for h in rows if h.employed_on],
        "target_open": target,
        "met": len(open_) <= target,
        "units": units(),
        "citation": citation("zero_employment.min_employed"),
    }


@implements(
    "xinmi.zero_employment_household_2020",
    tests=["tests/desk/test_programmes_public.py::test_zero_employment_households_and_target_progress"],
)
def sync_targets(s: Session, user: User, year: int) -> str:
    """Write the year's households into the target tables: target per unit = households
    identified in the year, monthly progress = households cleared that month. Returns the set's name."""
    tracking.check_write(user)
    name = f"{param('zero_employment.target_set')}-{year}"
    rows = [
        h
        for h in s.execute(select(ZeroEmploymentHousehold)).scalars()
        if h.identified_on.year == year and covers(user, h.region)
    ]
    identified = Counter(h.unit for h in rows)
    cited = citation("zero_employment.min_employed")
    table = tables.TargetTable(
        name=name,
        title=f"{year}年城镇零就业家庭动态清零",
        year=year,
        doc_no=cited["doc_no"],
        region=tables.load(UNITS_TABLE).region,
        columns=(CLEARED,),
        rows=tuple((u, (identified[u] if identified[u] else None,)) for u in units()),
        total=None,
    )
    tracking.store_table(s, user, table, replace=True)
    cleared = Counter(
        (h.unit, f"{h.employed_on:%Y-%m}") for h in rows if h.employed_on is not None and h.employed_on.year == year
    )
    months = sorted({m for _, m in cleared})
    entries = [
        {"unit": u, "kind": CLEARED.key, "month": m, "value": cleared[(u, m)]}
        for u in units()
        if identified[u]
        for m in months
    ]
    tracking.record_progress(s, user, name, entries, source="zero_employment")
    return name
