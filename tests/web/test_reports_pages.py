"""Pages of the reports and publications: a daily report uploaded (good rows kept, bad rows
named) and typed in (a bad field marked, what was typed kept, nothing saved), the bureau's
day view with the overdue list and the export; an announcement form with its errors on the
fields; the agency page's case form keeping what was typed; who may see what."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.labour.conftest import who  # noqa: F401  (fixture: the labour demo users)
from tests.web.conftest import html, redirected_to_login

HEADER = "姓名,身份证号,用人单位名称,体温（℃）,症状"


def test_daily_upload_and_the_district_view(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    assert redirected_to_login(client, "/daily-reports") == "/login?next=/daily-reports"
    data = (
        HEADER + "\n张三,110105198001011238,北京示例科技有限公司,38.1,发热\n李四,110105198001011239,单位,36.5,无\n"
    ).encode()
    r = client.post(
        "/daily-reports/upload",
        headers=who["jigou2"],
        data={"kind": "dispatch_temperature"},
        files={"file": ("t.csv", data, "text/csv")},
    )
    assert r.status_code == 201, r.text
    doc = html(r)
    assert doc.by_id("daily-accepted").text() == "1" and doc.by_id("daily-flagged").text() == "1"
    rejected = doc.by_id("daily-rejected").text()
    assert "第 2 行" in rejected and "身份证号" in rejected and "校验码错误" in rejected
    view = html(client.get("/daily-reports/district?kind=dispatch_temperature", headers=who["chaoyang_jingban"]))
    assert "张三" in view.by_id("alerts").text() and "110105198001011238" in view.by_id("alerts").text()
    assert "北京市朝阳区" in view.by_id("district-rollup").text()
    municipal = html(client.get("/daily-reports/district?kind=dispatch_temperature", headers=who["jingban"]))
    assert "110105198001011238" not in municipal.by_id("alerts").text()  # masked outside the district
    assert (
        "张三"
        not in html(client.get("/daily-reports/district?kind=dispatch_temperature", headers=who["xinmi_jingban"]))
        .by_id("alerts")
        .text()
    )
    export = client.get("/daily-reports/export?kind=dispatch_temperature", headers=who["chaoyang_jingban"])
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "北京朝阳示例劳务派遣有限公司" and rows[1][5] == "张三"
    assert client.get("/daily-reports/district", headers=who["jigou"]).status_code == 403


def test_daily_form_marks_the_field_and_keeps_what_was_typed(
    client: TestClient, who: dict[str, dict[str, str]]
) -> None:
    school = html(client.get("/daily-reports?kind=technical_school", headers=who["jigou_hd"]))
    assert "返校前 14 天的健康数据" in school.by_id("screening-note").text()  # daily.health_screening_lookback_days
    before = (
        html(client.get("/daily-reports?kind=health_monitoring", headers=who["jigou_hd"])).by_id("daily-mine").text()
    )
    r = client.post(
        "/daily-reports/form",
        headers=who["jigou_hd"],
        data={
            "kind": "health_monitoring",
            "col0": "王五",
            "col1": "110105199003071239",
            "col2": "外包派遣员工",
            "col3": "三十七",
            "col4": "无",
        },
    )
    assert r.status_code == 400
    doc = html(r)
    assert doc.by_id("error-col3").text() == "体温（℃）：“三十七”不是体温读数：应为数字，如 36.5"
    assert doc.by_id("daily-col3").attrs.get("class") == "invalid"
    assert doc.value("col0") == "王五" and doc.value("col3") == "三十七" and doc.value("col2") == "外包派遣员工"
    assert doc.by_id("daily-mine").text() == before  # nothing saved
    ok = client.post(
        "/daily-reports/form",
        headers=who["jigou_hd"],
        data={
            "kind": "health_monitoring",
            "col0": "王五",
            "col1": "110105199003071239",
            "col2": "外包派遣员工",
            "col3": "36.6",
            "col4": "无",
        },
    )
    assert ok.status_code == 201 and "已报送" in html(ok).by_id("filed").text()


def test_announcement_form_errors_on_fields(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = client.post(
        "/announcements",
        headers=who["chaoyang_jingban"],
        data={
            "kind": "recruitment_change",
            "region": "110105",
            "title": "招聘会取消",
            "body": "取消。",
            "effective_from": "2026-01-01",
            "event_date": "2020-02-15",
        },
    )
    assert r.status_code == 400
    doc = html(r)
    assert "须在活动前发布" in doc.by_id("error-event_date").text()
    chosen = [o.attrs["value"] for o in doc.by_id("announcement-region").find("option") if "selected" in o.attrs]
    kind = [o.attrs["value"] for o in doc.by_id("announcement-kind").find("option") if "selected" in o.attrs]
    assert doc.value("title") == "招聘会取消" and chosen == ["110105"] and kind == ["recruitment_change"]
    options = [o.attrs["value"] for o in doc.by_id("announcement-region").find("option") if o.attrs.get("value")]
    assert options and all(o.startswith("110105") for o in options)  # only the caseworker's own district
    ok = client.post(
        "/announcements",
        headers=who["chaoyang_jingban"],
        data={
            "kind": "reopening",
            "region": "110105",
            "title": "朝阳区企业复工时间",
            "body": "2月10日起有序复工。",
            "effective_from": "2020-02-10",
        },
    )
    assert ok.status_code == 201
    public = html(client.get("/announcements?region=110105&kind=reopening"))
    text = public.by_id("announcement-list").text()
    assert "朝阳区企业复工时间" in text and "北京市朝阳区" in text and "2020年2月10日 起" in text
    assert (
        "朝阳区企业复工时间" not in html(client.get("/announcements?region=410183")).by_id("announcement-list").text()
    )
    assert client.post("/announcements", headers=who["geren"], data={"kind": "reopening"}).status_code == 403


def test_agency_page_case_form_keeps_what_was_typed(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    page = html(client.get("/agencies", headers=who["chaoyang_jingban"]))
    picks = {o.text(): o.attrs["value"] for o in page.by_id("case-agency").find("option") if o.attrs.get("value")}
    assert "北京朝阳示例劳务派遣有限公司" in picks and "北京海淀示例人力资源服务有限公司" not in picks
    r = client.post(
        "/agencies/cases",
        headers=who["chaoyang_jingban"],
        data={
            "agency_id": picks["北京朝阳示例劳务派遣有限公司"],
            "category": "",
            "complaint": "收费过高",
            "complainant": "某企业",
        },
    )
    assert r.status_code == 400
    doc = html(r)
    assert doc.by_id("error-category").text() == "违法违规类别须选择"
    assert doc.value("complaint") == "收费过高" and doc.value("agency_id") == picks["北京朝阳示例劳务派遣有限公司"]
    ok = client.post(
        "/agencies/cases",
        headers=who["chaoyang_jingban"],
        follow_redirects=False,
        data={
            "agency_id": picks["北京朝阳示例劳务派遣有限公司"],
            "category": "fee",
            "complaint": "收费过高",
            "complainant": "某企业",
        },
    )
    assert ok.status_code == 303
    assert "违规收费" in html(client.get("/agencies", headers=who["jigou2"])).by_id("cases").text()
    assert "违规收费" not in html(client.get("/agencies", headers=who["jigou_hd"])).by_id("cases").text()
    assert client.get("/agencies", headers=who["geren"]).status_code == 403
