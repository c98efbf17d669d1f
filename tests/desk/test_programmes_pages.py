"""The training pages and the programme API, through HTTP: the catalogue searched with its
pickers, a filing with a bad field kept and marked, approved by the district's caseworker and
hidden from another district's, the statistics workbook, the park ledger; and the API walk
of the employment programmes with role and area refused."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.desk.conftest import login, valid_id


def platform(client: TestClient, agency: dict[str, str], cw: dict[str, str], name: str) -> int:
    r = client.post(
        "/api/v1/training/platforms",
        headers=agency,
        json={
            "name": name,
            "region": "110000",
            "batch": "京能指文〔2020〕1号 第一批",
            "courses": [{"title": "养老护理基础", "occupation": "养老护理员", "hours": 24}],
        },
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = client.post(
        f"/api/v1/training/platforms/{pid}/decision", headers=cw, json={"select": True, "recognised_hours": 24}
    )
    assert r.status_code == 200 and r.json()["status_name"] == "已纳入目录"
    return int(pid)


def test_catalogue_filing_and_decision_pages(client: TestClient) -> None:
    agency, cw, other = login(client, "jigou"), login(client, "chaoyang_jingban"), login(client, "haidian_jingban")
    pid = platform(client, agency, login(client, "jingban"), "页面测试在线学院")
    page = client.get("/training", params={"occupation": "养老护理员"})
    assert (
        page.status_code == 200
        and "页面测试在线学院" in page.text
        and "养老护理基础（养老护理员，24 学时，免费）" in page.text
    )
    assert '<option value="110105"' in page.text and "北京市朝阳区" in page.text  # region picker with names
    assert "页面测试在线学院" not in client.get("/training", params={"occupation": "焊工"}).text
    form = {
        "region": "110105",
        "kind": "培训项目",
        "title": "养老护理员线上培训",
        "mode": "线上培训",
        "trainee_group": "在岗职工",
        "occupation": "养老护理员",
        "start_date": "2020-01-01",
        "end_date": "2099-12-31",
        "planned": "25",
        "platform_id": str(pid),
    }
    bad = client.post("/training/projects", headers=agency, data=form)
    assert bad.status_code == 400 and "开班信息应在开班前填报" in bad.text
    assert 'id="f-start" value="2020-01-01" class="invalid"' in bad.text and 'value="养老护理员线上培训"' in bad.text
    form["start_date"] = "2099-01-04"
    r = client.post("/training/projects", headers=agency, data=form, follow_redirects=False)
    assert r.status_code == 303
    number = int(re.search(r"project-(\d+)", r.headers["location"]).group(1))  # type: ignore[union-attr]
    assert "待审批" in client.get("/training/projects", headers=agency).text
    assert f'id="project-{number}"' not in client.get("/training/projects", headers=other).text
    refused = client.post(
        f"/training/projects/{number}/decision", headers=cw, data={"decision": "refuse", "reason": ""}
    )
    assert refused.status_code == 400 and "不予通过须填写理由" in refused.text
    assert (
        client.post(f"/training/projects/{number}/decision", headers=other, data={"decision": "approve"}).status_code
        == 403
    )
    ok = client.post(
        f"/training/projects/{number}/decision", headers=cw, data={"decision": "approve"}, follow_redirects=False
    )
    assert ok.status_code == 303
    r = client.post(
        f"/api/v1/training/projects/{number}/trainees",
        headers=agency,
        json={"name": "张三", "id_number": "110105198001011238", "enrolled_on": "2099-01-04"},
    )
    assert r.status_code == 201, r.text
    stats = client.get("/training/statistics", headers=cw)
    assert stats.status_code == 200 and "北京市朝阳区" in stats.text and "2099-01" in stats.text
    book = load_workbook(io.BytesIO(client.get("/training/statistics.xlsx", headers=cw).content))
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert ["110105", "北京市朝阳区", "2099-01", 1, 0, 0] in rows
    assert client.get("/training/statistics", headers=login(client, "qiye")).status_code == 403
    assert client.get("/api/v1/training/statistics", headers=agency).status_code == 403


def test_needs_ledger_page_keeps_what_was_typed(client: TestClient) -> None:
    cw = login(client, "yongzhou_jingban")
    data = {
        "region": "431102",
        "park": "永州经开区",
        "uscc": "91110108MA01C7LM3X",
        "enterprise": "示例",
        "occupation": "钳工",
        "headcount": "8",
        "updated_on": "2022-04-01",
    }
    bad = client.post("/training/needs", headers=cw, data=data)
    assert bad.status_code == 400 and "统一社会信用代码有误" in bad.text
    assert 'value="91110108MA01C7LM3X" class="invalid"' in bad.text
    data["uscc"] = "91110108MA01C7LM3W"
    assert client.post("/training/needs", headers=cw, data=data, follow_redirects=False).status_code == 303
    assert "钳工" in client.get("/training/needs", headers=cw).text
    assert "钳工" not in client.get("/training/needs", headers=login(client, "chaoyang_jingban")).text
    sheet = load_workbook(io.BytesIO(client.get("/training/needs.xlsx", headers=cw).content)).worksheets[0]
    assert any(r[4] == "钳工" and r[5] == 8 for r in sheet.iter_rows(values_only=True))


def test_programme_api_walk(client: TestClient) -> None:
    xm, yz, cy = login(client, "xinmi_jingban"), login(client, "yongzhou_jingban"), login(client, "chaoyang_jingban")
    r = client.post(
        "/api/v1/employment-services/flexible/records",
        headers=xm,
        json={
            "region": "410183",
            "name": "周某",
            "id_number": valid_id("410183", "19900101", "223"),
            "served_on": "2020-06-01",
            "option": "兼职",
        },
    )
    assert r.status_code == 400 and "就业形式“兼职”应为" in r.json()["detail"]
    r = client.post(
        "/api/v1/employment-services/flexible/records",
        headers=xm,
        json={
            "region": "410183",
            "name": "周某",
            "id_number": valid_id("410183", "19900101", "223"),
            "served_on": "2020-06-01",
            "option": "非全日制",
            "service": "指导签订非全日制用工协议",
        },
    )
    assert r.status_code == 201 and r.json()["follow_up_due"] == "2020年6月15日" and "*" in r.json()["id_number"]
    assert (
        client.post(
            "/api/v1/employment-services/flexible/records",
            headers=cy,
            json={
                "region": "410183",
                "name": "周某",
                "id_number": valid_id("410183", "19900101", "223"),
                "served_on": "2020-06-01",
                "option": "非全日制",
            },
        ).status_code
        == 403
    )
    assert client.get("/api/v1/employment-services/flexible", headers=cy).json()["records"] == []
    assert client.get("/api/v1/employment-services/flexible", headers=login(client, "geren")).status_code == 403
    r = client.post(
        "/api/v1/zero-employment",
        headers=xm,
        json={
            "region": "410183",
            "unit": "城关镇政府",
            "head_name": "户主",
            "id_number": valid_id("410183", "19700101", "333"),
            "members": 2,
            "identified_on": "2020-06-01",
        },
    )
    assert r.status_code == 201, r.text
    hid = r.json()["id"]
    assert (
        client.post(
            f"/api/v1/zero-employment/{hid}/clear", headers=xm, json={"employed": ["户主之子"], "on": "2020-06-10"}
        ).status_code
        == 200
    )
    name = client.post("/api/v1/zero-employment/targets/2020", headers=xm).json()["target_set"]
    dash = client.get(f"/api/v1/targets/{name}/dashboard", headers=xm, params={"month": "2020-06"}).json()
    assert {r["unit"]: r["done"] for r in dash["rows"]}["城关镇政府"] == 1
    r = client.post(
        "/api/v1/recruitment/rounds",
        headers=yz,
        json={
            "region": "431102",
            "unit": "零陵区人民医院",
            "kind": "医护人员紧急招聘",
            "places": 5,
            "green_channel": True,
            "interview_on": "2022-04-10",
        },
    )
    assert r.status_code == 201 and "绿色通道" in r.json()["announcements"][0]["text"]
    public = client.get("/api/v1/recruitment/announcements", params={"region": "431102"})
    assert public.status_code == 200 and public.json()[0]["unit"] == "零陵区人民医院"
    r = client.post(
        "/api/v1/performance-pay",
        headers=yz,
        json={
            "region": "431102",
            "unit": "零陵区人民医院",
            "year": 2020,
            "yearly_total": "500000",
            "regular_paid": "520000",
            "one_off": "80000",
        },
    )
    assert r.status_code == 400 and "不能用于弥补" in r.json()["detail"]


def _xlsx(header: list[str], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_catalogue_and_needs_uploads(client: TestClient) -> None:
    cw = login(client, "jingban")
    header = ["平台名称", "网址", "课程名称", "职业（工种）", "学时", "是否免费"]
    bad = client.post(
        "/training/catalogue/import",
        headers=cw,
        data={"region": "110000", "batch": "京能指文〔2020〕3号 第二批"},
        files={"file": ("b.xlsx", _xlsx(header, [["上传平台", "", "课", "茶艺师", 6, "也许"]]))},
    )
    assert bad.status_code == 400 and "第 2 行：是否免费“也许”应为 是 或 否" in bad.text
    assert 'value="京能指文〔2020〕3号 第二批"' in bad.text
    ok = client.post(
        "/training/catalogue/import",
        headers=cw,
        data={"region": "110000", "batch": "京能指文〔2020〕3号 第二批"},
        files={"file": ("b.xlsx", _xlsx(header, [["上传平台", "", "茶艺入门", "茶艺师", 6, "是"]]))},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/training?imported=1"
    assert "茶艺入门（茶艺师，6 学时，免费）" in client.get("/training", params={"occupation": "茶艺师"}).text
    assert (
        client.post(
            "/training/catalogue/import",
            headers=login(client, "jigou"),
            data={"region": "110000"},
            files={"file": ("b.xlsx", b"x")},
        ).status_code
        == 403
    )
    yz = login(client, "yongzhou_jingban")
    needs_header = ["所在地区代码", "园区", "统一社会信用代码", "企业名称", "培训职业（工种）", "需求人数", "更新日期"]
    bad = client.post(
        "/training/needs/import",
        headers=yz,
        files={
            "file": (
                "n.xlsx",
                _xlsx(needs_header, [["431102", "永州高新区", "91110108MA01C7LM3W", "甲", "焊工", "多", "2022-05-01"]]),
            )
        },
    )
    assert bad.status_code == 400 and "第 2 行：需求人数“多”应为正整数" in bad.text
    ok = client.post(
        "/training/needs/import",
        headers=yz,
        follow_redirects=False,
        files={
            "file": (
                "n.xlsx",
                _xlsx(needs_header, [["431102", "永州高新区", "91110108MA01C7LM3W", "甲", "焊工", 12, "2022-05-01"]]),
            )
        },
    )
    assert ok.status_code == 303 and "永州高新区" in client.get("/training/needs", headers=yz).text
