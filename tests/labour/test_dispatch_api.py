"""Dispatch reports through the API: upload, per-cycle storage, the district view of who is
late or missing, the municipal roll-up, and masking by role."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from renshe.services import dispatch
from tests.labour.conftest import GOOD, csv_bytes


def upload(client: TestClient, headers: dict[str, str], data: bytes, name: str = "r.csv", cycle: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/dispatch/reports" + (f"?cycle={cycle}" if cycle else ""),
        headers=headers,
        files={"file": (name, data, "text/csv")},
    )


@pytest.fixture(scope="module")
def report_id(client: TestClient, who: dict[str, dict[str, str]]) -> int:
    r = upload(client, who["jigou"], csv_bytes(GOOD[0], "坏行,1,2,3,4", GOOD[1], GOOD[0]))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["accepted"] == 2
    assert {x["row"] for x in body["rejected"]} == {2, 4}
    assert body["report"]["late"] is False
    assert body["report"]["cycle"] == dispatch.current_cycle(dispatch.beijing_now()).isoformat()
    return int(body["report"]["id"])


def test_only_agencies_upload(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    for u in ("qiye", "geren", "chaoyang_jingban", "shenji"):
        assert upload(client, who[u], csv_bytes(GOOD[0])).status_code == 403
    assert client.post("/api/v1/dispatch/reports", files={"file": ("r.csv", b"x")}).status_code == 401


def test_bad_file_is_422_with_one_message(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = upload(client, who["jigou"], csv_bytes(GOOD[0], header="劳动者姓名,劳动者身份证号"))
    assert r.status_code == 422 and "缺少列" in r.json()["detail"]
    r = upload(
        client,
        who["jigou"],
        ("\n".join(["劳动者姓名,劳动者身份证号,劳动者手机号,用人单位名称,用人单位统一社会信用代码", GOOD[0]])).encode(
            "gbk"
        ),
    )
    assert r.status_code == 422 and "GBK" in r.json()["detail"]


def test_check_endpoint_does_not_store(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    before = len(client.get("/api/v1/dispatch/reports", headers=who["jigou2"]).json())
    r = client.post("/api/v1/dispatch/check", headers=who["jigou2"], files={"file": ("r.csv", csv_bytes(GOOD[0]))})
    assert {k: r.json()[k] for k in ("accepted", "rejected", "rejected_total")} == {
        "accepted": 1,
        "rejected": [],
        "rejected_total": 0,
    }
    assert len(client.get("/api/v1/dispatch/reports", headers=who["jigou2"]).json()) == before


def test_not_a_cycle_day_or_future_cycle(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    assert upload(client, who["jigou"], csv_bytes(GOOD[0]), cycle="2020-03-03").status_code == 400
    future = dispatch.current_cycle(dispatch.beijing_now()) + dt.timedelta(days=3)
    assert upload(client, who["jigou"], csv_bytes(GOOD[0]), cycle=future.isoformat()).status_code == 400


def test_late_upload_for_a_past_cycle(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = upload(client, who["jigou2"], csv_bytes(GOOD[2]), cycle="2020-03-05")
    assert r.status_code == 201 and r.json()["report"]["late"] is True


def test_district_view_lists_late_and_missing(
    client: TestClient, who: dict[str, dict[str, str]], report_id: int
) -> None:
    view = client.get("/api/v1/dispatch/district", headers=who["chaoyang_jingban"]).json()
    names = {a["agency"]: a["status"] for a in view["agencies"]}
    assert names["北京示例人力资源服务有限公司"] == "on_time"
    assert "北京海淀示例人力资源服务有限公司" not in names  # another district
    overdue = {a["agency"]: a["status"] for a in view["overdue"]}
    assert overdue == {"北京朝阳示例劳务派遣有限公司": "missing", "北京朝阳示例人力资源外包有限公司": "late"}
    assert view["deadline"].endswith("T16:00")


def test_municipal_rollup(client: TestClient, who: dict[str, dict[str, str]], report_id: int) -> None:
    closed = dispatch.last_closed_cycle(dispatch.beijing_now())
    roll = client.get(f"/api/v1/dispatch/municipal?cycle={closed}", headers=who["jingban"]).json()
    by = {d["district"]: d for d in roll["districts"]}
    assert by["110105"]["late"] == 1 and by["110105"]["missing"] == 1 and by["110105"]["on_time"] == 1
    assert by["110108"]["on_time"] == 1 and by["110108"]["workers"] == 1
    assert client.get("/api/v1/dispatch/municipal", headers=who["jigou"]).status_code == 403


@pytest.mark.parametrize(
    ("user", "status", "masked"),
    [
        ("jigou", 200, False),
        ("chaoyang_jingban", 200, False),
        ("jingban", 200, True),
        ("shenji", 200, True),
        ("admin", 200, True),
        ("jigou2", 403, None),
        ("xinmi_jingban", 403, None),
        ("qiye", 403, None),
        ("geren", 403, None),
    ],
)
def test_masking_matrix(
    client: TestClient, who: dict[str, dict[str, str]], report_id: int, user: str, status: int, masked: bool | None
) -> None:
    r = client.get(f"/api/v1/dispatch/reports/{report_id}", headers=who[user])
    assert r.status_code == status
    if status == 200:
        row = r.json()["rows"][0]
        assert r.json()["masked"] is masked
        if masked:
            assert row["劳动者身份证号"] == "110105********1238" and row["劳动者手机号"] == "139****5678"
        else:
            assert row["劳动者身份证号"] == "110105198001011238" and row["劳动者手机号"] == "13912345678"


def test_district_view_is_audited_and_log_masked(
    client: TestClient, who: dict[str, dict[str, str]], report_id: int
) -> None:
    client.get(f"/api/v1/dispatch/reports/{report_id}", headers=who["chaoyang_jingban"])
    log = client.get("/api/v1/audit?action=personal_data.view&limit=1000", headers=who["shenji"]).json()
    assert any(e["entity_id"] == str(report_id) and e["actor"] == "chaoyang_jingban" for e in log)
    assert "110105198001011238" not in str(client.get("/api/v1/audit?limit=1000", headers=who["shenji"]).json())


def test_export_masked_for_municipal_full_for_district(
    client: TestClient, who: dict[str, dict[str, str]], report_id: int
) -> None:
    cycle = dispatch.current_cycle(dispatch.beijing_now()).isoformat()
    for user, expected in (("chaoyang_jingban", "110105198001011238"), ("jingban", "110105********1238")):
        r = client.get(f"/api/v1/dispatch/export?cycle={cycle}", headers=who[user])
        assert r.status_code == 200
        ws = load_workbook(io.BytesIO(r.content)).active
        ids = [row[6] for row in ws.iter_rows(min_row=2, values_only=True)]
        assert expected in ids
    assert client.get(f"/api/v1/dispatch/export?cycle={cycle}", headers=who["jigou"]).status_code == 403


def test_density_and_screening_api(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    ok = client.post(
        "/api/v1/dispatch/density",
        headers=who["jigou"],
        json={"office_area_m2": 25, "office_headcount": 10, "rooms": [{"occupants": 6, "area_m2": 24}]},
    ).json()
    assert ok["compliant"] is True and ok["problems"] == []
    bad = client.post(
        "/api/v1/dispatch/density",
        headers=who["jigou"],
        json={
            "office_area_m2": 24.9,
            "office_headcount": 10,
            "rooms": [{"name": "101", "occupants": 7, "area_m2": 40}],
        },
    )
    assert bad.json()["compliant"] is False and len(bad.json()["problems"]) == 2
    assert "2.5" in bad.json()["citation"]["quote"]
    s = client.post(
        "/api/v1/dispatch/screening",
        headers=who["jigou"],
        json={"has_health_record": True, "wuhan_contact": False, "close_contact": False, "symptoms": ["干咳"]},
    ).json()
    assert s["may_dispatch"] is False and "干咳" in s["reasons"][0]
    assert client.post("/api/v1/dispatch/density", json={}).status_code == 401
