"""API of targets, dashboard and monitoring under the service-desk roles."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from tests.desk.conftest import client, database, tokens  # noqa: F401  (fixtures)


def xlsx(rows: list[list[Any]], sheet: str = "Sheet") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_anonymous_and_applicants_are_refused(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    assert client.get("/api/v1/targets/xinmi-2020").status_code == 401
    for who in ("xinmi_qiye", "geren", "jigou"):
        for url in (
            "/api/v1/targets",
            "/api/v1/targets/xinmi-2020",
            "/api/v1/targets/xinmi-2020/dashboard",
            "/api/v1/monitor/runs",
        ):
            r = client.get(url, headers=tokens[who])
            assert r.status_code == 403, (who, url)
            assert "仅供" in r.json()["detail"]


def test_area_rules(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    r = client.get("/api/v1/targets/xinmi-2020", headers=tokens["xinmi_jingban"])
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "xinmi-2020" and body["year"] == 2020 and len(body["rows"]) == 18
    assert body["total"]["new_urban_jobs"] == 6000
    # the Beijing caseworker's area (11) does not cover 新密 (410183)
    assert client.get("/api/v1/targets/xinmi-2020", headers=tokens["jingban"]).status_code == 403
    assert client.get("/api/v1/targets", headers=tokens["jingban"]).json() == []
    # auditors and admins without a region read everything; auditors cannot write
    assert client.get("/api/v1/targets/xinmi-2020/dashboard", headers=tokens["shenji"]).status_code == 200
    r = client.post(
        "/api/v1/targets/xinmi-2020/progress",
        headers=tokens["shenji"],
        json={"entries": [{"unit": "袁庄乡政府", "kind": "new_urban_jobs", "month": "2020-07", "value": 1}]},
    )
    assert r.status_code == 403 and "审计人员只能查看" in r.json()["detail"]


def test_dashboard_order_and_percentages(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    r = client.get(
        "/api/v1/targets/xinmi-2020/dashboard",
        params={"kind": "new_urban_jobs", "month": "2020-06"},
        headers=tokens["xinmi_jingban"],
    )
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["pct_year"] == 0.5 and d["header"] == "新增城镇就业"
    gaps = [row["gap"] for row in d["rows"]]
    assert gaps == sorted(gaps)
    assert d["rows"][0]["unit"] == "尖山风景区管委"  # demo pace 20 % of the year's target by June
    first = d["rows"][0]
    assert first["pct_target"] == round(first["done"] / first["target"], 6)
    assert sum(row["target"] for row in d["rows"]) == d["total"]["target"] == 6000
    assert d["behind"] == sum(1 for row in d["rows"] if row["status"] == "behind") > 0
    assert [t["month"] for t in d["trend"]] == [f"2020-{m:02d}" for m in range(1, 7)]
    assert d["trend"][-1]["cumulative"] == d["total"]["done"] and d["trend"][-1]["planned"] == 3000
    # a kind some units have no target for: those units are left out
    d2 = client.get(
        "/api/v1/targets/xinmi-2020/dashboard", params={"kind": "农村劳动力转移就业"}, headers=tokens["xinmi_jingban"]
    ).json()
    assert len(d2["rows"]) == 14 and "新华路办事处" not in {row["unit"] for row in d2["rows"]}
    bad = client.get(
        "/api/v1/targets/xinmi-2020/dashboard", params={"kind": "nothing"}, headers=tokens["xinmi_jingban"]
    )
    assert bad.status_code == 400 and "指标“nothing”不在目标表中" in bad.json()["detail"]


def test_progress_entry_exactly_at_the_time_line(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    h = tokens["xinmi_jingban"]
    params = {"kind": "returnee_startup_coaching", "month": "2020-06"}

    def mi_cun() -> dict[str, Any]:
        d = client.get("/api/v1/targets/xinmi-2020/dashboard", params=params, headers=h).json()
        return next(r for r in d["rows"] if r["unit"] == "米村镇政府")  # target 30

    before = mi_cun()
    june = client.get("/api/v1/targets/xinmi-2020/export", headers=h)
    assert june.status_code == 200
    # set June so that the total to June is exactly 15 of 30 = 6/12 of the year: on track
    done_to_may = before["done"] - next(
        row[3]
        for row in load_workbook(io.BytesIO(june.content))["进度"].iter_rows(values_only=True)
        if row[:3] == ("米村镇政府", "返乡农民工创业辅导", "2020-06")
    )
    r = client.post(
        "/api/v1/targets/xinmi-2020/progress",
        headers=h,
        json={
            "entries": [
                {"unit": "米村镇政府", "kind": "返乡农民工创业辅导", "month": "2020-06", "value": 15 - done_to_may}
            ]
        },
    )
    assert r.status_code == 200 and r.json() == {"accepted": 1, "problems": []}
    at = mi_cun()
    assert at["done"] == 15 and at["pct_target"] == 0.5 == at["pct_year"] and at["status"] == "on_track"
    # one less is behind
    client.post(
        "/api/v1/targets/xinmi-2020/progress",
        headers=h,
        json={
            "entries": [
                {
                    "unit": "米村镇政府",
                    "kind": "returnee_startup_coaching",
                    "month": "2020-06",
                    "value": 14 - done_to_may,
                }
            ]
        },
    )
    below = mi_cun()
    assert below["done"] == 14 and below["status"] == "behind"


def test_bad_progress_rows_are_named(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    r = client.post(
        "/api/v1/targets/xinmi-2020/progress",
        headers=tokens["xinmi_jingban"],
        json={
            "entries": [
                {"unit": "袁庄乡政府", "kind": "new_urban_jobs", "month": "2020-08", "value": 3},
                {"unit": "不存在镇", "kind": "new_urban_jobs", "month": "2020-08", "value": 3},
                {"unit": "袁庄乡政府", "kind": "new_urban_jobs", "month": "2021-01", "value": 3},
            ]
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert body["accepted"] == 1
    assert body["problems"] == [
        {"row": 2, "field": "单位", "problem": "“不存在镇”不是目标表 xinmi-2020 中的单位"},
        {"row": 3, "field": "月份", "problem": "应为 2020-01 至 2020-12 的月份（YYYY-MM），实为“2021-01”"},
    ]


def test_progress_upload_xlsx(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    data = xlsx(
        [
            ["单位", "指标", "月份", "完成数"],
            ["曲梁镇政府", "新增城镇就业", "2020-09", 12],
            ["曲梁镇政府", "失业人员再就业", "2020-09", "十"],
            ["曲梁镇政府", "新增城镇就业", "2020-10", -1],
        ]
    )
    r = client.post(
        "/api/v1/targets/xinmi-2020/progress/upload", headers=tokens["xinmi_jingban"], files={"file": ("p.xlsx", data)}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["accepted"] == 1
    assert [(p["row"], p["field"]) for p in body["problems"]] == [(3, "完成数"), (4, "完成数")]
    assert "应为不小于 0 的数字，实为“十”" in body["problems"][0]["problem"]
    bad = client.post(
        "/api/v1/targets/xinmi-2020/progress/upload",
        headers=tokens["xinmi_jingban"],
        files={"file": ("p.xlsx", xlsx([["单位", "月份"]]))},
    )
    assert bad.status_code == 400 and "缺少列：指标、完成数" in bad.json()["detail"]


def test_export_and_import_round_trip(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    r = client.get("/api/v1/targets/xinmi-2020/export", headers=tokens["xinmi_jingban"])
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    sheet = list(wb["目标"].iter_rows(values_only=True))
    assert sheet[0][:3] == ("单位", "新增城镇就业", "失业人员再就业")
    assert sheet[1][:2] == ("袁庄乡政府", 100) and sheet[-1][0] == "合计" and sheet[-1][1] == 6000
    assert wb["进度"].max_row > 1
    r = client.post(
        "/api/v1/targets/import",
        headers=tokens["xinmi_jingban"],
        files={"file": ("t.xlsx", r.content)},
        data={"name": "xinmi-2020-copy", "year": "2020", "title": "副本", "region": "410183"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["discrepancies"] == [] and r.json()["problems"] == []
    copy = client.get("/api/v1/targets/xinmi-2020-copy", headers=tokens["xinmi_jingban"]).json()
    original = client.get("/api/v1/targets/xinmi-2020", headers=tokens["xinmi_jingban"]).json()
    assert copy["rows"] == original["rows"] and copy["total"] == original["total"]
    # a Xinmi caseworker cannot import a Beijing table; a bad cell is reported and left blank
    data = xlsx([["单位", "新增城镇就业"], ["海淀", 10]])
    r = client.post(
        "/api/v1/targets/import",
        headers=tokens["xinmi_jingban"],
        files={"file": ("t.xlsx", data)},
        data={"name": "bj-2020", "year": "2020", "region": "110108"},
    )
    assert r.status_code == 403
    data = xlsx([["单位", "新增城镇就业", "就业困难人员就业"], ["甲镇", 10, "x"], ["乙镇", 5, 2], ["合计", 16, 2]])
    r = client.post(
        "/api/v1/targets/import",
        headers=tokens["xinmi_jingban"],
        files={"file": ("t.xlsx", data)},
        data={"name": "xinmi-test", "year": "2021"},
    )
    assert r.status_code == 201
    assert r.json()["problems"] == [{"row": 2, "field": "就业困难人员就业", "problem": "应为不小于 0 的数字，实为“x”"}]
    assert r.json()["discrepancies"] == ["新增城镇就业：各单位合计 15，表中合计 16，相差 -1"]
    assert r.json()["set"]["region"] == "410183"


def test_dashboard_xlsx(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    r = client.get(
        "/api/v1/targets/xinmi-2020/dashboard.xlsx", params={"month": "2020-06"}, headers=tokens["xinmi_jingban"]
    )
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("单位", "目标", "完成", "完成比例", "时间进度", "差距", "状态")
    assert rows[-1][0] == "合计" and wb.worksheets[1].title == "月度趋势"


@pytest.fixture(scope="module")
def registry_xlsx() -> bytes:
    units = [
        ["uscc", "name", "region", "attrition_2019"],
        ["U1", "新密甲公司", "410183", 0],
        ["U2", "新密乙公司", "410183", 0],
        ["U3", "海淀丙公司", "110108", 0],
        ["U4", "坏地区", "999999", 0],
    ]
    insured = [
        ["uscc", "month", "headcount"],
        ["U1", "2019-06", 100],
        ["U1", "2020-05", 100],
        ["U1", "2020-06", 94],
        ["U2", "2019-06", 200],
        ["U2", "2020-05", 200],
        ["U2", "2020-06", 200],
        ["U3", "2019-06", 1000],
        ["U3", "2020-05", 950],
        ["U3", "2020-06", 948],
        ["U2", "2020-13", 5],
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = "units"
    for row in units:
        ws.append(row)
    ws2 = wb.create_sheet("insured")
    for row in insured:
        ws2.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_monitor_upload_area_and_export(
    client: TestClient, tokens: dict[str, dict[str, str]], registry_xlsx: bytes
) -> None:
    r = client.post(
        "/api/v1/monitor",
        headers=tokens["admin"],
        files={"file": ("reg.xlsx", registry_xlsx)},
        data={"as_of": "2020-06"},
    )
    assert r.status_code == 201, r.text
    run = r.json()
    kinds = {(w["uscc"], w["kind"]) for w in run["warnings"]}
    assert ("U1", "layoff_rate") in kinds and ("U3", "layoff_rate") in kinds and ("U2", "layoff_rate") not in kinds
    assert [(p["row"], p["field"]) for p in run["problems"]] == [(4, "region"), (10, "month")]
    run_id = run["id"]
    mine = client.get(f"/api/v1/monitor/runs/{run_id}", headers=tokens["xinmi_jingban"]).json()
    assert {w["region"] for w in mine["warnings"]} == {"410183"}
    assert client.get(f"/api/v1/monitor/runs/{run_id}", headers=tokens["qiye"]).status_code == 403
    assert (
        client.post(
            "/api/v1/monitor", headers=tokens["shenji"], files={"file": ("reg.xlsx", registry_xlsx)}
        ).status_code
        == 403
    )
    x = client.get(f"/api/v1/monitor/runs/{run_id}/export", headers=tokens["shenji"])
    assert x.status_code == 200
    wb = load_workbook(io.BytesIO(x.content))
    assert wb.sheetnames[:3] == ["预警清单", "地区汇总", "地区月度"]
    assert wb["预警清单"].max_row == 1 + len(run["warnings"])
    bad = client.post("/api/v1/monitor", headers=tokens["admin"], files={"file": ("reg.csv", b"x")})
    assert bad.status_code == 400 and "xlsx" in bad.json()["detail"]


def test_the_web_pages_load_a_table_and_progress(client: TestClient) -> None:
    """The browser's forms (not the API): the loaded page names the table it loaded."""
    from renshe.services.demo import DEMO_PASSWORD

    web = TestClient(client.app, base_url="http://testserver")
    same_site = {"origin": "http://testserver"}
    r = web.post(
        "/login",
        data={"username": "xinmi_jingban", "password": DEMO_PASSWORD, "next": "/targets"},
        headers=same_site,
        follow_redirects=False,
    )
    assert r.status_code == 303
    table = xlsx([["单位", "新增城镇就业"], ["甲镇", 10], ["乙镇", 5], ["合计", 15]])
    r = web.post(
        "/targets/import",
        files={"file": ("t.xlsx", table)},
        data={"name": "xinmi-web", "year": "2021", "title": "网页导入"},
        headers=same_site,
    )
    assert r.status_code == 200, r.text[:500]
    assert 'href="/targets/xinmi-web"' in r.text and "目标单位" in r.text
    progress = xlsx([["单位", "指标", "月份", "完成数"], ["甲镇", "新增城镇就业", "2021-03", 4]])
    r = web.post("/targets/xinmi-web/upload", files={"file": ("p.xlsx", progress)}, headers=same_site)
    assert r.status_code == 200, r.text[:500]
    assert 'href="/targets/xinmi-web"' in r.text and "条进度" in r.text
