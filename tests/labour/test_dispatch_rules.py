"""Cycles (每3天一个周期，3月2日起，报送日16时前), density bounds and the screening checklist."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renshe.services import dispatch
from renshe.services.errors import ServiceError

D = dt.datetime


@pytest.mark.parametrize(
    ("at", "cycle"),
    [
        (D(2020, 2, 28, 9), "2020-03-02"),
        (D(2020, 3, 2, 15, 59), "2020-03-02"),
        (D(2020, 3, 2, 16, 0), "2020-03-02"),
        (D(2020, 3, 2, 16, 1), "2020-03-05"),
        (D(2020, 3, 4, 23), "2020-03-05"),
        (D(2020, 3, 5, 12), "2020-03-05"),
        (D(2020, 3, 6), "2020-03-08"),
    ],
)
def test_current_cycle(at: dt.datetime, cycle: str) -> None:
    assert dispatch.current_cycle(at).isoformat() == cycle


@given(st.datetimes(min_value=D(2020, 3, 3), max_value=D(2030, 1, 1)))
def test_cycle_properties(at: dt.datetime) -> None:
    cur = dispatch.current_cycle(at)
    assert dispatch.is_cycle_date(cur)
    assert at <= dispatch.deadline(cur)
    prev = dispatch.last_closed_cycle(at)
    assert prev is not None and at > dispatch.deadline(prev) and (cur - prev).days == 3


def test_cycle_dates() -> None:
    assert [d.day for d in dispatch.cycles_between(dt.date(2020, 3, 1), dt.date(2020, 3, 12))] == [2, 5, 8, 11]
    assert not dispatch.is_cycle_date(dt.date(2020, 2, 28))


def test_density_bounds_are_inclusive() -> None:
    r = dispatch.check_density(office_area_m2=25, office_headcount=10, rooms=[{"occupants": 6, "area_m2": 24}])
    assert r["compliant"] and not r["warnings"]
    r = dispatch.check_density(rooms=[{"occupants": 5, "area_m2": 19.99, "underground": True}])
    assert not r["compliant"] and "4 平方米" in r["problems"][0] and "地下" in r["warnings"][0]
    with pytest.raises(ServiceError):
        dispatch.check_density(office_area_m2=10, office_headcount=0)


def test_screening() -> None:
    ok = dispatch.screen_worker(
        has_health_record=True,
        wuhan_contact=False,
        close_contact=False,
        symptoms=[],
        returned_on=dt.date(2020, 3, 1),
        today=dt.date(2020, 3, 15),
    )
    assert ok["may_dispatch"] is True
    no = dispatch.screen_worker(
        has_health_record=False,
        wuhan_contact=True,
        close_contact=True,
        symptoms=["发热"],
        in_hubei=True,
        returned_on=dt.date(2020, 3, 2),
        today=dt.date(2020, 3, 15),
    )
    assert no["may_dispatch"] is False and len(no["reasons"]) == 6
    assert any("2020-03-16" in r for r in no["reasons"])
