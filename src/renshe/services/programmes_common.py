"""What the programme desks share (培训与就业服务项目的共用检查): who covers which area, field
errors naming the field (and row), identity and region checks, due dates on the working-day
calendar, and masking in lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from renshe.domain.calendar import add_working_days
from renshe.domain.regions import problem_with_region, region_name
from renshe.services import audit
from renshe.services.dispatch import id_number_problem, uscc_problem
from renshe.services.errors import Forbidden, ServiceError
from renshe.store.models import User

STAFF = ("caseworker", "auditor", "admin")


class FieldError(ServiceError):
    """A problem with one field (and, in a file, one row): the page marks that field."""

    def __init__(self, field: str, message: str, row: int | None = None):
        super().__init__(f"第 {row} 行：{message}" if row else message)
        self.field, self.row = field, row


class _Record(Protocol):
    @property
    def id(self) -> Any: ...


R = TypeVar("R", bound=_Record)


def added(s: Session, user: User, record: R, action: str, entity: str, detail: dict[str, Any]) -> R:
    """A new record stored (its id given) and its creation audited."""
    s.add(record)
    s.flush()
    audit.record(s, user, action, entity, record.id, detail)
    return record


def check_date(value: dt.date | str | None, field: str, label: str) -> dt.date:
    """A date given, or typed as YYYY-MM-DD (a FieldError on the field otherwise)."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise FieldError(field, f"{label}“{value or ''}”应为 YYYY-MM-DD 格式的日期") from None


def area(region: str) -> str:
    """110000 → 11, 410183 → 410183: the prefix a region code covers."""
    while region.endswith("00"):
        region = region[:-2]
    return region


def covers(user: User, region: str) -> bool:
    """Staff of an area see its records; a user without a region (审计, 管理员) sees all."""
    if user.role not in STAFF:
        return False
    return not user.region or region.startswith(area(user.region))


def require(user: User, roles: Iterable[str], message: str) -> None:
    if user.role not in tuple(roles):
        raise Forbidden(message)


def require_caseworker_of(user: User, region: str, what: str) -> None:
    """Only a caseworker of the record's area may change it."""
    if user.role != "caseworker":
        raise Forbidden(f"只有经办人员可以{what}")
    if not covers(user, region):
        raise Forbidden(f"该记录不在本辖区，不能{what}")


def check_region(region: str, label: str = "所在地区", row: int | None = None) -> str:
    region = (region or "").strip()
    if problem_with_region(region) is not None:
        raise FieldError("region", f"{label}“{region}”不是有效的行政区划代码", row)
    return region


def check_id_number(value: str, label: str = "身份证号", field: str = "id_number", row: int | None = None) -> str:
    value = (value or "").strip()
    value = value[:-1] + "X" if value.endswith("x") else value
    if problem := id_number_problem(value):
        raise FieldError(field, f"{label}有误：{problem}", row)
    return value


def check_uscc(value: str, label: str = "统一社会信用代码", row: int | None = None) -> str:
    value = (value or "").strip().upper()
    if problem := uscc_problem(value):
        raise FieldError("uscc", f"{label}有误：{problem}", row)
    return value


def check_text(value: str | None, field: str, label: str, row: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise FieldError(field, f"{label}不能为空", row)
    return value


def check_choice(value: str | None, options: list[str], field: str, label: str, row: int | None = None) -> str:
    value = (value or "").strip()
    if value not in options:
        raise FieldError(field, f"{label}“{value}”应为 {'、'.join(options)} 之一", row)
    return value


def due_after(day: dt.date, working_days: int) -> dt.date | None:
    """The working day ``working_days`` after ``day``; None past the calendar's years (shown as 未排期)."""
    try:
        return add_working_days(day, working_days)
    except ValueError:
        return None


def region_label(code: str) -> str:
    try:
        return region_name(code)
    except (KeyError, ValueError):
        return code
