"""What the reporting and publication services share: form problems that name their field,
text and date checks, and the area of a bureau user (reusing the dispatch report's rules)."""

from __future__ import annotations

import datetime as dt

from renshe.domain.regions import problem_with_region, region_name
from renshe.services.errors import ServiceError


class FieldProblems(ServiceError):
    """Problems of a form, each naming its field: ``problems`` = [{"field", "message"}]."""

    def __init__(self, problems: list[dict[str, str]]):
        super().__init__("；".join(p["message"] for p in problems))
        self.problems = problems


class Checker:
    """Collects a form's problems; :meth:`done` raises them all at once (nothing is saved)."""

    def __init__(self) -> None:
        self.problems: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.problems.append({"field": field, "message": message})

    def text(self, field: str, label: str, value: str | None, most: int, required: bool = True) -> str:
        v = (value or "").strip()
        if required and not v:
            self.add(field, f"{label}不能为空")
        elif len(v) > most:
            self.add(field, f"{label}过长：最多 {most} 个字符，实际 {len(v)} 个")
        return v

    def choice(self, field: str, label: str, value: str | None, names: dict[str, str]) -> str:
        v = (value or "").strip()
        if v not in names:
            self.add(field, f"{label}“{v}”不是可选值，应为：{'、'.join(names.values())}" if v else f"{label}须选择")
        return v

    def region(self, field: str, label: str, value: str | None) -> str:
        v = (value or "").strip()
        if not v:
            self.add(field, f"{label}须选择")
        elif (p := problem_with_region(v)) is not None:
            self.add(field, f"{label}“{v}”有误：{p}")
        return v

    def date(self, field: str, label: str, value: dt.date | str | None, required: bool = True) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        v = (value or "").strip()
        if not v:
            if required:
                self.add(field, f"{label}不能为空")
            return None
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            self.add(field, f"{label}“{v}”应为 YYYY-MM-DD 格式的日期")
            return None

    def done(self) -> None:
        if self.problems:
            raise FieldProblems(self.problems)


def area(region: str) -> str:
    """The prefix of a region code that its area covers: 110000 → 11, 110100 → 1101."""
    while region.endswith("00"):
        region = region[:-2]
    return region


def within(region: str, of: str | None) -> bool:
    """Whether ``region`` lies in the area of ``of`` (no area: everywhere)."""
    return not of or region.startswith(area(of))


def place(code: str | None) -> str:
    if not code:
        return ""
    try:
        return region_name(code)
    except (KeyError, ValueError):
        return code
