"""Working-day calendar — 工作日 (with 放假调休 and 调休上班), 2020–2026.

A day is a working day when it is Monday–Friday and not a statutory holiday
or adjusted rest day, or when it is an adjusted working day (调休上班, a
weekend day worked in exchange).  The dates are those published by the
General Office of the State Council (国务院办公厅) for each year, including
the extension of the 2020 Spring Festival holiday to 2020-02-02
(国办发明电〔2020〕1号), which also turned the make-up working day 2020-02-01
into a rest day.  All dates live in ``data/holidays.yaml``.

Dates outside the covered years raise ``ValueError`` rather than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from renshe.domain._data import load

__all__ = [
    "add_working_days",
    "covered_years",
    "is_working_day",
    "subtract_working_days",
    "working_days_between",
]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class _Calendar:
    years: range
    rest_days: frozenset[date]
    adjusted_working_days: frozenset[date]
    weekend: frozenset[int]  # ISO weekday numbers


@cache
def _calendar() -> _Calendar:
    raw = load("holidays")
    years = sorted(int(y) for y in raw["years"])
    covered = range(years[0], years[-1] + 1)
    if list(covered) != years:
        raise ValueError(f"holidays.yaml: the covered years must be consecutive, got {years}")
    rest: set[date] = set()
    adjusted: set[date] = set()
    for year, entry in raw["years"].items():
        for name, days in entry["rest_days"].items():
            for d in days:
                if not isinstance(d, date) or d.year != int(year):
                    raise ValueError(f"holidays.yaml: {year} {name}: {d!r} is not a date of {year}")
                rest.add(d)
        for d in entry.get("adjusted_working_days") or []:
            if not isinstance(d, date) or d.year != int(year):
                raise ValueError(f"holidays.yaml: {year} adjusted working day {d!r} is not a date of {year}")
            adjusted.add(d)
    clash = rest & adjusted
    if clash:
        raise ValueError(f"holidays.yaml: dates both rest and working: {sorted(clash)}")
    return _Calendar(
        years=covered,
        rest_days=frozenset(rest),
        adjusted_working_days=frozenset(adjusted),
        weekend=frozenset(int(w) for w in raw["weekend_isoweekdays"]),
    )


def covered_years() -> range:
    """The calendar years this calendar covers (``range(2020, 2023)``)."""
    return _calendar().years


def _as_date(d: date) -> date:
    return d.date() if isinstance(d, datetime) else d


def is_working_day(d: date) -> bool:
    """True when ``d`` is a working day (工作日) under the State Council calendar.

    Mon–Fri that is not a holiday / rest day, or an adjusted working day
    (调休上班).  Raises ``ValueError`` for a date outside :func:`covered_years`.
    """
    cal = _calendar()
    d = _as_date(d)
    if d.year not in cal.years:
        raise ValueError(
            f"{d.isoformat()} is outside the working-day calendar "
            f"(covered years {cal.years.start}–{cal.years.stop - 1})"
        )
    if d in cal.adjusted_working_days:
        return True
    if d in cal.rest_days:
        return False
    return d.isoweekday() not in cal.weekend


def add_working_days(d: date, n: int) -> date:
    """The ``n``-th working day after ``d`` (``d`` itself not counted).

    ``n`` must be ≥ 0.  For ``n == 0`` the result is ``d`` when ``d`` is a
    working day, otherwise the next working day — i.e. "the first day on
    which work can be done", so a deadline of 0 working days never falls on
    a rest day.  Raises ``ValueError`` when the count runs past the covered
    years.
    """
    if n < 0:
        raise ValueError(f"n must be ≥ 0, got {n}; use subtract_working_days to count back")
    d = _as_date(d)
    if n == 0:
        while not is_working_day(d):
            d += _ONE_DAY
        return d
    remaining = n
    while remaining:
        d += _ONE_DAY
        if is_working_day(d):
            remaining -= 1
    return d


def subtract_working_days(d: date, n: int) -> date:
    """The ``n``-th working day before ``d`` (``d`` itself not counted), ``n`` ≥ 1.

    E.g. "到期7个工作日前" = ``subtract_working_days(maturity, 7)``.  Raises
    ``ValueError`` for ``n`` < 1 or when the count runs before the covered years.
    """
    if n < 1:
        raise ValueError(f"n must be ≥ 1, got {n}")
    d = _as_date(d)
    remaining = n
    while remaining:
        d -= _ONE_DAY
        if is_working_day(d):
            remaining -= 1
    return d


def working_days_between(a: date, b: date) -> int:
    """Number of working days in the half-open interval (``a``, ``b``].

    ``a`` itself is not counted, ``b`` is.  When ``b`` is before ``a`` the
    result is the negative of ``working_days_between(b, a)``; ``a == b``
    gives 0.  Raises ``ValueError`` when a counted day is outside the
    covered years.
    """
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -working_days_between(b, a)
    count = 0
    d = a
    while d < b:
        d += _ONE_DAY
        if is_working_day(d):
            count += 1
    return count
