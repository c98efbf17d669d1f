"""Point-to-point transport (一车一方案): grouping properties and the passenger lists."""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from renshe.domain.identifiers import id_check_char
from renshe.services.transport import Trip, group_trips


def with_check(first17: str) -> str:
    """A resident ID number with its check character."""
    return first17 + id_check_char(first17)


trips_strategy = st.lists(
    st.builds(
        Trip,
        id=st.integers(0, 10**6),
        origin=st.sampled_from(["431102", "431103", "410183"]),
        destination=st.sampled_from(["东莞", "深圳", "北京"]),
        date=st.dates(dt.date(2020, 2, 19), dt.date(2020, 2, 25)),
    ),
    max_size=300,
    unique_by=lambda t: t.id,
)


@settings(max_examples=200, deadline=None)
@given(trips_strategy, st.integers(1, 60))
def test_every_worker_in_exactly_one_vehicle_none_over_capacity(trips: list[Trip], capacity: int) -> None:
    vehicles = group_trips(trips, capacity)
    seen = Counter(t.id for v in vehicles for t in v)
    assert set(seen) == {t.id for t in trips} and all(n == 1 for n in seen.values())
    assert all(1 <= len(v) <= capacity for v in vehicles)
    assert all(len({(t.origin, t.destination, t.date) for t in v}) == 1 for v in vehicles)
    groups = Counter((t.origin, t.destination, t.date) for t in trips)
    assert len(vehicles) == sum(math.ceil(n / capacity) for n in groups.values())


def test_plan_and_export(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    day = dt.date.today() + dt.timedelta(days=7)
    ids = [with_check(f"4311021990020{i}00{i}") for i in range(1, 5)]  # not the demo trips' numbers on this date
    for i, idn in enumerate(ids):
        r = client.post(
            "/api/v1/transport/trips",
            headers=cw,
            json={
                "origin": "431102",
                "destination": "广东省东莞市",
                "employer": "东莞示例电子厂",
                "travel_date": day.isoformat(),
                "name": f"工人{i}",
                "id_number": idn,
                "phone": f"1370000{i:04d}",
            },
        )
        assert r.status_code == 201, r.text
    r = client.post(
        "/api/v1/transport/trips",
        headers=cw,
        json={
            "origin": "999999",
            "destination": "x",
            "employer": "y",
            "travel_date": day.isoformat(),
            "name": "z",
            "id_number": "1",
            "phone": "2",
        },
    )
    assert r.status_code == 400 and "身份证号" in r.json()["detail"] and "出发地" in r.json()["detail"]
    plans = client.post(f"/api/v1/transport/plans?travel_date={day}&capacity=4", headers=cw).json()
    assert [len(p["passengers"]) for p in plans] == [3, 3]  # 2 demo trips + 4 = 6 → two vehicles of 3
    assert plans[0]["passengers"][0]["id_number"].count("*") == 8
    op = client.get(f"/api/v1/transport/plans/export?travel_date={day}&audience=operator", headers=cw)
    bureau = client.get(f"/api/v1/transport/plans/export?travel_date={day}&audience=bureau", headers=cw)

    def cells(data: bytes) -> list[object]:
        return [
            c
            for ws in load_workbook(io.BytesIO(data)).worksheets
            for row in ws.iter_rows(values_only=True)
            for c in row
        ]

    assert ids[0] in cells(bureau.content) and ids[0] not in cells(op.content)
    assert client.get(f"/api/v1/transport/plans/export?travel_date={day}", headers=who["geren"]).status_code == 403
    r = client.post(
        "/api/v1/transport/trips",
        headers=who["geren"],
        json={
            "origin": "431102",
            "destination": "北京",
            "employer": "北京示例科技有限公司",
            "travel_date": day.isoformat(),
        },
    )
    assert r.status_code == 201
    r = client.post(
        "/api/v1/transport/trips",
        headers=who["geren"],
        json={"origin": "431103", "destination": "上海", "employer": "上海示例厂", "travel_date": day.isoformat()},
    )
    assert r.status_code == 409 and r.json()["detail"].startswith("身份证号：110105********1238 已有")
    mine = client.get("/api/v1/transport/trips/mine", headers=who["geren"])
    assert mine.status_code == 200 and [(t["travel_date"], t["destination"], t["vehicle"]) for t in mine.json()] == [
        (day.isoformat(), "北京", None)
    ]
    assert mine.json()[0]["id_number"] == "110105********1238" and mine.json()[0]["phone"] == "139****5678"
    assert client.get("/api/v1/transport/trips/mine", headers=cw).status_code == 403


# ------------------------------------------------------------------ area (辖区) and duplicates

AREA_DAY = dt.date.today() + dt.timedelta(days=40)
YZ = [("零陵甲", with_check("43110219800101001")), ("零陵乙", with_check("43110219800101002"))]
XM = [("新密甲", with_check("41018319800101003"))]
OTHER_AREA = ["xinmi_jingban", "chaoyang_jingban", "jingban"]  # 410183, 110105, 110000: none covers 431102


def _trip(origin: str, name: str, id_number: str, day: dt.date = AREA_DAY) -> dict[str, str]:
    return {
        "origin": origin,
        "destination": "广东省东莞市",
        "employer": "东莞示例电子厂",
        "travel_date": day.isoformat(),
        "name": name,
        "id_number": id_number,
        "phone": "13700008888",
    }


@pytest.fixture(scope="module")
def areas(client: TestClient, who: dict[str, dict[str, str]]) -> dict[str, Any]:
    """零陵区 (431102) and 新密市 (410183) trips on AREA_DAY, each grouped by its own caseworker."""
    for name, number in YZ:
        assert (
            client.post(
                "/api/v1/transport/trips", headers=who["yongzhou_jingban"], json=_trip("431102", name, number)
            ).status_code
            == 201
        )
    for name, number in XM:
        assert (
            client.post(
                "/api/v1/transport/trips", headers=who["xinmi_jingban"], json=_trip("410183", name, number)
            ).status_code
            == 201
        )
    pending = client.get(f"/api/v1/transport/trips?travel_date={AREA_DAY}", headers=who["shenji"]).json()
    assert sorted(t["name"] for t in pending) == ["新密甲", "零陵乙", "零陵甲"]
    xm = client.post(f"/api/v1/transport/plans?travel_date={AREA_DAY}", headers=who["xinmi_jingban"]).json()
    after = client.get(f"/api/v1/transport/trips?travel_date={AREA_DAY}", headers=who["yongzhou_jingban"]).json()
    yz = client.post(f"/api/v1/transport/plans?travel_date={AREA_DAY}", headers=who["yongzhou_jingban"]).json()
    return {"xm": xm, "yz": yz, "yz_pending_after_xm_plan": after}


def test_caseworker_groups_only_own_area(areas: dict[str, Any]) -> None:
    assert [[p["name"] for p in v["passengers"]] for v in areas["xm"]] == [["新密甲"]]
    assert sorted(t["name"] for t in areas["yz_pending_after_xm_plan"]) == ["零陵乙", "零陵甲"]  # left for 零陵区
    assert [sorted(p["name"] for p in v["passengers"]) for v in areas["yz"]] == [["零陵乙", "零陵甲"]]
    assert all(v["origin"] == "431102" for v in areas["yz"])


def test_pending_list_is_scoped(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    day = AREA_DAY + dt.timedelta(days=1)
    number = with_check("43110219800101004")
    assert (
        client.post(
            "/api/v1/transport/trips", headers=who["yongzhou_jingban"], json=_trip("431102", "零陵丙", number, day)
        ).status_code
        == 201
    )

    def names(u: str) -> list[str]:
        return [t["name"] for t in client.get(f"/api/v1/transport/trips?travel_date={day}", headers=who[u]).json()]

    assert names("yongzhou_jingban") == names("shenji") == names("admin") == ["零陵丙"]
    assert all(names(u) == [] for u in OTHER_AREA)
    row = client.get(f"/api/v1/transport/trips?travel_date={day}", headers=who["shenji"]).json()[0]
    assert row["id_number"] == number[:6] + "********" + number[-4:] and number not in str(row)
    assert client.get("/api/v1/transport/trips", headers=who["geren"]).status_code == 403


@pytest.mark.parametrize("user", ["shenji", "admin"])
def test_auditor_and_admin_see_every_area(
    client: TestClient, who: dict[str, dict[str, str]], areas: dict[str, Any], user: str
) -> None:
    plans = client.get(f"/api/v1/transport/plans?travel_date={AREA_DAY}", headers=who[user]).json()
    assert sorted(v["origin"] for v in plans) == ["410183", "431102"]
    for v in [*areas["xm"], *areas["yz"]]:
        r = client.get(f"/api/v1/transport/plans/{v['id']}", headers=who[user])
        assert r.status_code == 200 and r.json()["code"] == v["code"]


def test_caseworker_lists_only_own_area(
    client: TestClient, who: dict[str, dict[str, str]], areas: dict[str, Any]
) -> None:
    def listed(u: str) -> set[str]:
        return {v["code"] for v in client.get(f"/api/v1/transport/plans?travel_date={AREA_DAY}", headers=who[u]).json()}

    assert listed("yongzhou_jingban") == {v["code"] for v in areas["yz"]}
    assert listed("xinmi_jingban") == {v["code"] for v in areas["xm"]}
    assert listed("chaoyang_jingban") == listed("jingban") == set()
    yz = areas["yz"][0]
    r = client.get(f"/api/v1/transport/plans/{yz['id']}", headers=who["yongzhou_jingban"])
    assert r.status_code == 200 and sorted(p["name"] for p in r.json()["passengers"]) == ["零陵乙", "零陵甲"]
    assert all(YZ[0][1] not in p["id_number"] for p in r.json()["passengers"])  # masked
    assert client.get("/api/v1/transport/plans/2000000", headers=who["yongzhou_jingban"]).status_code == 404
    assert client.get(f"/api/v1/transport/plans/{yz['id']}", headers=who["geren"]).status_code == 403


@pytest.mark.parametrize("endpoint", ["detail", "export-operator", "export-bureau", "register"])
@pytest.mark.parametrize("user", OTHER_AREA)
def test_other_area_caseworker_gets_403(
    client: TestClient, who: dict[str, dict[str, str]], areas: dict[str, Any], user: str, endpoint: str
) -> None:
    day = AREA_DAY + dt.timedelta(days=2)  # a date with 零陵区 vehicles only
    if not client.get(f"/api/v1/transport/plans?travel_date={day}", headers=who["shenji"]).json():
        assert (
            client.post(
                "/api/v1/transport/trips",
                headers=who["yongzhou_jingban"],
                json=_trip("431102", "零陵丁", with_check("43110219800101005"), day),
            ).status_code
            == 201
        )
        assert (
            len(client.post(f"/api/v1/transport/plans?travel_date={day}", headers=who["yongzhou_jingban"]).json()) == 1
        )
    if endpoint == "detail":
        r = client.get(f"/api/v1/transport/plans/{areas['yz'][0]['id']}", headers=who[user])
        assert r.status_code == 403 and "不在本辖区" in r.json()["detail"]
    elif endpoint.startswith("export"):
        audience = endpoint.split("-")[1]
        r = client.get(f"/api/v1/transport/plans/export?travel_date={day}&audience={audience}", headers=who[user])
        assert r.status_code == 403 and "不在本辖区" in r.json()["detail"]
        ok = client.get(
            f"/api/v1/transport/plans/export?travel_date={day}&audience={audience}", headers=who["yongzhou_jingban"]
        )
        assert ok.status_code == 200
    else:
        r = client.post(
            "/api/v1/transport/trips",
            headers=who[user],
            json=_trip("431102", "零陵戊", with_check("43110219800101006")),
        )
        assert r.status_code == 403 and r.json()["detail"].startswith("出发地“湖南省永州市零陵区”不在本辖区")
        names = [
            t["name"]
            for t in client.get(f"/api/v1/transport/trips?travel_date={AREA_DAY}", headers=who["shenji"]).json()
        ]
        assert "零陵戊" not in names


def _cells(data: bytes) -> list[Any]:
    return [
        c for ws in load_workbook(io.BytesIO(data)).worksheets for row in ws.iter_rows(values_only=True) for c in row
    ]


def test_export_holds_only_own_area(client: TestClient, who: dict[str, dict[str, str]], areas: dict[str, Any]) -> None:
    xm = client.get(
        f"/api/v1/transport/plans/export?travel_date={AREA_DAY}&audience=bureau", headers=who["xinmi_jingban"]
    )
    yz = client.get(
        f"/api/v1/transport/plans/export?travel_date={AREA_DAY}&audience=bureau", headers=who["yongzhou_jingban"]
    )
    assert xm.status_code == yz.status_code == 200
    assert XM[0][1] in _cells(xm.content) and not {n for _, n in YZ} & set(_cells(xm.content))
    assert {n for _, n in YZ} <= set(_cells(yz.content)) and XM[0][1] not in _cells(yz.content)


def test_same_person_same_date_is_refused(
    client: TestClient, who: dict[str, dict[str, str]], areas: dict[str, Any]
) -> None:
    cw = who["yongzhou_jingban"]
    r = client.post("/api/v1/transport/trips", headers=cw, json=_trip("431102", "零陵甲again", YZ[0][1]))
    assert r.status_code == 409
    detail = r.json()["detail"]
    first = YZ[0][1]
    assert detail.startswith(f"身份证号：{first[:6]}********{first[-4:]} 已有 {AREA_DAY} 的出行登记（登记号 ")
    assert "湖南省永州市零陵区 → 广东省东莞市" in detail and first not in detail
    # x and X are the same number; another date is a new trip
    lower = with_check("43110219920404003")
    assert lower.endswith("X"), lower
    assert client.post("/api/v1/transport/trips", headers=cw, json=_trip("431102", "戊", lower)).status_code == 201
    r = client.post("/api/v1/transport/trips", headers=cw, json=_trip("431102", "戊", lower[:-1] + "x"))
    assert r.status_code == 409 and "同一人同一出行日期不能重复登记" in r.json()["detail"]
    later = AREA_DAY + dt.timedelta(days=3)
    assert (
        client.post("/api/v1/transport/trips", headers=cw, json=_trip("431102", "零陵甲", YZ[0][1], later)).status_code
        == 201
    )
    # another area's caseworker is refused too, without being shown the route of the existing trip
    r = client.post("/api/v1/transport/trips", headers=who["xinmi_jingban"], json=_trip("410183", "零陵甲", YZ[0][1]))
    assert r.status_code == 409 and "登记号" in r.json()["detail"] and "零陵区" not in r.json()["detail"]


def test_service_functions_scope_and_roles(client: TestClient, areas: dict[str, Any]) -> None:
    from sqlalchemy import select

    from renshe.services import transport
    from renshe.services.errors import Forbidden
    from renshe.store import db
    from renshe.store.models import User

    with db.session() as s:
        users = {u.username: u for u in s.execute(select(User)).scalars()}
        waiting = {t["name"] for t in transport.pending_trips(s, users["shenji"], AREA_DAY)}
        assert not waiting & {n for n, _ in [*YZ, *XM]}  # grouped
        assert transport.pending_trips(s, users["xinmi_jingban"], AREA_DAY) == []
        assert [v.origin for v in transport.vehicles(s, users["xinmi_jingban"], AREA_DAY)] == ["410183"]
        assert transport.registered_on(s, YZ[1][1], AREA_DAY) is not None
        assert transport.registered_on(s, YZ[1][1], AREA_DAY + dt.timedelta(days=9)) is None
        with pytest.raises(Forbidden):
            transport.vehicle(s, users["xinmi_jingban"], areas["yz"][0]["id"])
        with pytest.raises(Forbidden):
            transport.own_trips(s, users["yongzhou_jingban"])
        with pytest.raises(Forbidden):
            transport.pending_trips(s, users["geren"])
        s.rollback()
