"""Tests for renshe.domain.calendar — 工作日 calendar 2020–2022 (放假调休)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renshe.domain.calendar import (
    add_working_days,
    covered_years,
    is_working_day,
    subtract_working_days,
    working_days_between,
)

D = date.fromisoformat


def _days(first: str, last: str) -> list[date]:
    a, b = D(first), D(last)
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


def test_covered_years() -> None:
    assert covered_years() == range(2020, 2027)


@pytest.mark.parametrize(
    "day",
    [
        "2020-01-19",  # Sunday, 调休上班 (春节)
        "2020-01-23",
        "2020-02-03",  # first working day after the extended Spring Festival
        "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10",
        "2021-02-07", "2021-02-20", "2021-04-25", "2021-05-08", "2021-09-18", "2021-09-26", "2021-10-09",
        "2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24", "2022-05-07", "2022-10-08", "2022-10-09",
        "2021-06-15", "2022-06-06",
    ],
)  # fmt: skip
def test_working_days(day: str) -> None:
    assert is_working_day(D(day))


@pytest.mark.parametrize(
    "day",
    [
        "2020-01-01",
        "2020-01-31",  # Friday, added by 国办发明电〔2020〕1号
        "2020-02-01",  # Saturday, first a make-up working day, then rest under the extension
        "2020-02-02",
        "2020-04-06", "2020-05-05", "2020-06-26",
        "2020-10-08", "2020-10-11",
        "2021-01-01", "2021-02-17", "2021-04-05", "2021-06-14", "2021-09-20", "2021-10-07",
        "2022-01-03", "2022-02-04", "2022-04-04", "2022-05-04", "2022-06-03", "2022-09-12", "2022-10-07",
        "2022-12-31",
    ],
)  # fmt: skip
def test_rest_days(day: str) -> None:
    assert not is_working_day(D(day))


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("2020-01-24", "2020-02-02"),
        ("2020-10-01", "2020-10-08"),
        ("2021-02-11", "2021-02-17"),
        ("2021-10-01", "2021-10-07"),
        ("2022-01-31", "2022-02-06"),
        ("2022-04-30", "2022-05-04"),
        ("2022-10-01", "2022-10-07"),
    ],
)
def test_holiday_blocks_are_rest(first: str, last: str) -> None:
    assert not any(is_working_day(d) for d in _days(first, last))


@pytest.mark.parametrize(("year", "count"), [(2020, 249), (2021, 250), (2022, 249)])
def test_working_days_per_year(year: int, count: int) -> None:
    # 2020 had 251 before the Spring Festival extension took 1-31 and 2-01 (a make-up day).
    assert working_days_between(date(year - 1, 12, 31), date(year, 12, 31)) == count


def test_datetime_is_accepted() -> None:
    assert is_working_day(datetime(2020, 1, 19, 9, 30))
    assert not is_working_day(datetime(2020, 2, 1, 9, 30))


@pytest.mark.parametrize("day", ["2019-12-31", "2027-01-01", "1999-05-01"])
def test_outside_covered_years_raises(day: str) -> None:
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        is_working_day(D(day))


def test_add_working_days() -> None:
    assert add_working_days(D("2020-01-23"), 1) == D("2020-02-03")
    assert add_working_days(D("2020-01-17"), 1) == D("2020-01-19")  # Friday → the Sunday make-up day
    assert add_working_days(D("2020-09-30"), 1) == D("2020-10-09")
    assert add_working_days(D("2020-09-30"), 2) == D("2020-10-10")
    assert add_working_days(D("2022-04-01"), 1) == D("2022-04-02")


def test_add_zero_working_days() -> None:
    assert add_working_days(D("2020-02-03"), 0) == D("2020-02-03")
    assert add_working_days(D("2020-02-01"), 0) == D("2020-02-03")
    assert add_working_days(D("2020-01-19"), 0) == D("2020-01-19")


def test_add_working_days_rejects_negative_and_overflow() -> None:
    with pytest.raises(ValueError):
        add_working_days(D("2020-06-01"), -1)
    with pytest.raises(ValueError, match="outside"):
        add_working_days(D("2026-12-20"), 30)


def test_subtract_working_days() -> None:
    assert subtract_working_days(D("2022-10-10"), 1) == D("2022-10-09")
    assert subtract_working_days(D("2020-02-03"), 1) == D("2020-01-23")
    with pytest.raises(ValueError):
        subtract_working_days(D("2020-06-01"), 0)
    with pytest.raises(ValueError, match="outside"):
        subtract_working_days(D("2020-01-03"), 5)


def test_working_days_between() -> None:
    assert working_days_between(D("2020-01-23"), D("2020-02-03")) == 1
    assert working_days_between(D("2020-02-03"), D("2020-02-03")) == 0
    assert working_days_between(D("2020-02-03"), D("2020-01-23")) == -1
    # 9-27 (Sun, 调休), 9-28..9-30, 10-09, 10-10 (Sat, 调休)
    assert working_days_between(D("2020-09-26"), D("2020-10-10")) == 6
    # (a, b]: a is not counted, b is
    assert working_days_between(D("2020-06-01"), D("2020-06-05")) == 4


DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2022, 11, 30))


@given(DAYS, st.integers(1, 20))
def test_add_and_between_are_inverse(d: date, n: int) -> None:
    result = add_working_days(d, n)
    assert is_working_day(result)
    assert working_days_between(d, result) == n
    assert working_days_between(d, result - timedelta(days=1)) == n - 1


@given(
    st.dates(min_value=date(2020, 2, 1), max_value=date(2022, 12, 31)),
    st.integers(1, 15),
)
def test_subtract_is_inverse_of_add(d: date, n: int) -> None:
    back = subtract_working_days(d, n)
    assert is_working_day(back)
    assert working_days_between(back, d) == n - 1 + (1 if is_working_day(d) else 0)
    if is_working_day(d):
        assert add_working_days(back, n) == d


@given(DAYS, DAYS)
def test_between_is_antisymmetric(a: date, b: date) -> None:
    assert working_days_between(a, b) == -working_days_between(b, a)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2023-01-28", True),
        ("2023-01-27", False),
        ("2023-04-05", False),
        ("2023-10-07", True),
        ("2024-02-18", True),
        ("2024-02-16", False),
        ("2024-06-10", False),
        ("2024-09-14", True),
        ("2025-01-26", True),
        ("2025-02-04", False),
        ("2025-10-08", False),
        ("2025-10-11", True),
        ("2026-01-04", True),
        ("2026-02-14", True),
        ("2026-02-23", False),
        ("2026-02-28", True),
        ("2026-10-07", False),
        ("2026-10-10", True),
        ("2026-11-25", True),
    ],
)
def test_2023_to_2026_as_the_state_council_notices_set(day: str, working: bool) -> None:
    """The service desk's time limits today (2026) count the published holidays."""
    assert is_working_day(D(day)) is working


def test_a_notice_window_across_the_2026_spring_festival() -> None:
    # published Thursday 2026-02-12: 5 working days are 13, 14 (adjusted), 24, 25, 26
    assert add_working_days(D("2026-02-12"), 5) == D("2026-02-26")
