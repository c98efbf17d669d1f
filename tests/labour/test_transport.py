"""Point-to-point transport (一车一方案): grouping properties and the passenger lists."""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import Counter

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from renshe.services.transport import Trip, group_trips

trips_strategy = st.lists(st.builds(Trip, id=st.integers(0, 10**6), origin=st.sampled_from(["431102", "431103", "410183"]),
                                    destination=st.sampled_from(["东莞", "深圳", "北京"]),
                                    date=st.dates(dt.date(2020, 2, 19), dt.date(2020, 2, 25))),
                          max_size=300, unique_by=lambda t: t.id)


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
    ids = ["410183198801014568", "110108199505057890", "110105199003071239", "110105198001011238"]
    for i, idn in enumerate(ids):
        r = client.post("/api/v1/transport/trips", headers=cw, json={
            "origin": "431102", "destination": "广东省东莞市", "employer": "东莞示例电子厂", "travel_date": day.isoformat(),
            "name": f"工人{i}", "id_number": idn, "phone": f"1370000{i:04d}"})
        assert r.status_code == 201, r.text
    r = client.post("/api/v1/transport/trips", headers=cw, json={
        "origin": "999999", "destination": "x", "employer": "y", "travel_date": day.isoformat(), "name": "z",
        "id_number": "1", "phone": "2"})
    assert r.status_code == 400 and "身份证号" in r.json()["detail"] and "出发地" in r.json()["detail"]
    plans = client.post(f"/api/v1/transport/plans?travel_date={day}&capacity=4", headers=cw).json()
    assert [len(p["passengers"]) for p in plans] == [3, 3]  # 2 demo trips + 4 = 6 → two vehicles of 3
    assert plans[0]["passengers"][0]["id_number"].count("*") == 8
    op = client.get(f"/api/v1/transport/plans/export?travel_date={day}&audience=operator", headers=cw)
    bureau = client.get(f"/api/v1/transport/plans/export?travel_date={day}&audience=bureau", headers=cw)
    cells = lambda data: [c for ws in load_workbook(io.BytesIO(data)).worksheets  # noqa: E731
                          for row in ws.iter_rows(values_only=True) for c in row]
    assert "410183198801014568" in cells(bureau.content) and "410183198801014568" not in cells(op.content)
    assert client.get(f"/api/v1/transport/plans/export?travel_date={day}", headers=who["geren"]).status_code == 403
    r = client.post("/api/v1/transport/trips", headers=who["geren"], json={
        "origin": "431102", "destination": "北京", "employer": "北京示例科技有限公司", "travel_date": day.isoformat()})
    assert r.status_code == 201
