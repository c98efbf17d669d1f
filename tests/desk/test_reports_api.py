"""The reports and publications API: a daily report filed by an agency and read by the
bureau of its area only, an announcement published and read, a permit filing with its photo
reviewed, a case opened and closed, a catalogue edition uploaded and downloaded — and the
declared file types."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from renshe.app import create_app
from tests.labour.conftest import client, database, who  # noqa: F401  (fixtures)

PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_daily_report_api(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    kinds = client.get("/api/v1/daily-reports/kinds").json()
    assert {k["kind"] for k in kinds} == {
        "technical_school",
        "dispatch_temperature",
        "health_monitoring",
        "non_cooperation",
    }
    template = load_workbook(io.BytesIO(client.get("/api/v1/daily-reports/dispatch_temperature/template").content))
    assert [c.value for c in template.active[1]] == ["姓名", "身份证号", "用人单位名称", "体温（℃）", "症状"]
    data = "姓名,身份证号,用人单位名称,体温（℃）,症状\n张三,110105198001011238,单位,37.3,无\n,123,单位,36,无\n".encode()
    r = client.post(
        "/api/v1/daily-reports/dispatch_temperature", headers=who["jigou2"], files={"file": ("t.csv", data, "text/csv")}
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["accepted"] == 1 and body["report"]["flagged"] == 1  # 37.3℃ is fever
    assert {(p["row"], p["field"]) for p in body["rejected"]} == {(2, "姓名"), (2, "身份证号")}
    rid = body["report"]["id"]
    assert client.get(f"/api/v1/daily-reports/reports/{rid}", headers=who["xinmi_jingban"]).status_code == 403
    assert client.get(f"/api/v1/daily-reports/reports/{rid}", headers=who["chaoyang_jingban"]).json()["masked"] is False
    day = client.get("/api/v1/daily-reports/dispatch_temperature/day", headers=who["chaoyang_jingban"]).json()
    assert any(f["filer"] == "北京朝阳示例劳务派遣有限公司" and f["status"] == "on_time" for f in day["filers"])
    assert (
        client.post(
            "/api/v1/daily-reports/nonsense", headers=who["jigou2"], files={"file": ("t.csv", data, "text/csv")}
        ).status_code
        == 404
    )
    bad = client.post(
        "/api/v1/daily-reports/dispatch_temperature",
        headers=who["jigou2"],
        files={"file": ("t.csv", "姓名\n张三\n".encode(), "text/csv")},
    )
    assert bad.status_code == 422 and "缺少列" in bad.json()["detail"]
    assert (
        client.post(
            "/api/v1/daily-reports/dispatch_temperature",
            headers=who["qiye"],
            files={"file": ("t.csv", data, "text/csv")},
        ).status_code
        == 403
    )


def test_announcement_api(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = client.post(
        "/api/v1/announcements",
        headers=who["chaoyang_jingban"],
        json={
            "kind": "return_info",
            "region": "110105",
            "title": "返岗须知",
            "body": "持健康码返岗。",
            "effective_from": "2020-02-10",
        },
    )
    assert r.status_code == 201 and r.json()["region_name"] == "北京市朝阳区"
    other = client.post(
        "/api/v1/announcements",
        headers=who["chaoyang_jingban"],
        json={"kind": "return_info", "region": "410183", "title": "x", "body": "y", "effective_from": "2020-02-10"},
    )
    assert other.status_code == 400 and "不在您的辖区" in other.json()["detail"]
    listed = client.get("/api/v1/announcements?region=110105&kind=return_info").json()
    assert [a["title"] for a in listed] == ["返岗须知"]


def test_agency_api(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = client.post(
        "/api/v1/agency-filings",
        headers=who["jigou3"],
        data={"kind": "filing", "services": "人力资源外包", "verification": "remote"},
        files=[("files", ("site.png", PHOTO, "image/png"))],
    )
    assert r.status_code == 201, r.text
    fid = r.json()["id"]
    assert (
        client.post(
            f"/api/v1/agency-filings/{fid}/review", headers=who["xinmi_jingban"], json={"approve": True}
        ).status_code
        == 403
    )
    ok = client.post(f"/api/v1/agency-filings/{fid}/review", headers=who["chaoyang_jingban"], json={"approve": True})
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    assert [f["id"] for f in client.get("/api/v1/agency-filings", headers=who["xinmi_jingban"]).json()] == []
    agency_id = next(
        f for f in client.get("/api/v1/agency-filings", headers=who["chaoyang_jingban"]).json() if f["id"] == fid
    )
    assert agency_id["attachments"][0]["filename"] == "site.png"
    annual = client.post(
        "/api/v1/agency-annual-reports",
        headers=who["jigou3"],
        json={"year": 2020, "summary": "服务企业50家。", "good_practice": "免费招聘防疫岗位。"},
    )
    assert annual.status_code == 201
    assert client.get("/api/v1/agency-annual-reports").json() == []
    client.post(
        f"/api/v1/agency-annual-reports/{annual.json()['id']}/publish",
        headers=who["chaoyang_jingban"],
        json={"commend": True},
    )
    assert client.get("/api/v1/agency-annual-reports").json()[0]["commended"] is True


def test_occupation_api(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    table = "职业（工种）,职业编码,紧缺程度,备注\n焊工,6-18-02-04,紧缺,\n".encode()
    r = client.post(
        "/api/v1/occupations",
        headers=who["xinmi_jingban"],
        data={"region": "410183", "edition": "第一期"},
        files={"file": ("o.csv", table, "text/csv")},
    )
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert client.get("/api/v1/occupations?region=410183").json()[0]["edition"] == "第一期"
    wb = load_workbook(io.BytesIO(client.get(f"/api/v1/occupations/{cid}/xlsx").content))
    assert wb.worksheets[0].cell(2, 1).value == "焊工"
    assert (
        client.post(
            "/api/v1/occupations",
            headers=who["jigou"],
            data={"region": "410183", "edition": "x"},
            files={"file": ("o.csv", table, "text/csv")},
        ).status_code
        == 403
    )


def test_downloads_declare_xlsx() -> None:
    spec = create_app(migrate=False).openapi()
    for path in ("/api/v1/daily-reports/{kind}/export", "/api/v1/occupations/{catalogue_id}/xlsx"):
        content = spec["paths"][path]["get"]["responses"]["200"]["content"]
        assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in content, path
