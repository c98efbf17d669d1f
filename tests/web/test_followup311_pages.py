"""“311” follow-up page (就业困难人员“311”帮扶进度): who is behind per caseworker and area,
filters, recording a service, registering a person, the xlsx export — and who may see it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.web.conftest import html, redirected_to_login

LI_MEI_ID = "431102198505120020"
CHEN_ID = "431102199001010033"


def test_anonymous_goes_to_login(client: TestClient) -> None:
    assert redirected_to_login(client, "/followup311") == "/login?next=/followup311"
    assert redirected_to_login(client, "/followup311/export") == "/login?next=/followup311/export"
    r = client.post("/followup311/persons/1/services", data={"kind": "visit"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


@pytest.mark.parametrize("user", ["geren", "qiye", "jigou"])
def test_not_for_workers_or_enterprises(client: TestClient, who: dict[str, dict[str, str]], user: str) -> None:
    r = client.get("/followup311", headers=who[user])
    assert r.status_code == 403 and "仅供人社部门人员查看" in html(r).by_id("message").text() and "李梅" not in r.text
    r = client.get("/followup311/export", headers=who[user])
    assert r.status_code == 403 and html(r).has_id("message")
    assert 'href="/followup311"' not in r.text  # no menu link for a role that cannot use it


def test_caseworker_sees_who_is_behind_masked(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = client.get("/followup311", headers=who["yongzhou_jingban"])
    assert r.status_code == 200
    doc = html(r)
    rows = [n for n in doc.by_id("people").find("tr") if n.attrs.get("data-behind")]
    li = next(n for n in rows if "李梅" in n.text())
    assert li.attrs["data-behind"] == "yes" and "进度滞后" in li.text() and "推荐岗位信息：已 1 次" in li.text()
    assert "431102********0020" in li.text() and LI_MEI_ID not in r.text
    by_cw = doc.by_id("by-caseworker").text()
    assert "永州市零陵区人社局经办人员" in by_cw
    assert "431102" in doc.by_id("by-area").text()
    assert "永人社发〔2022〕3号" in r.text
    assert li.find("form")  # a caseworker records services from the row
    assert doc.has_id("register-form") and doc.has_id("nav-followup311")


def test_other_area_sees_nobody_and_auditor_reads_only(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = client.get("/followup311", headers=who["chaoyang_jingban"])
    assert r.status_code == 200 and "李梅" not in r.text and "周强" not in r.text
    r = client.get("/followup311", headers=who["shenji"])
    doc = html(r)
    assert r.status_code == 200 and "李梅" in doc.by_id("people").text()
    assert not doc.find("form", class_="inline-form service-form") and not doc.has_id("register-form")
    person = next(n for n in doc.by_id("people").find("tr") if "李梅" in n.text()).attrs["id"].split("-")[1]
    r = client.post(f"/followup311/persons/{person}/services", headers=who["shenji"], data={"kind": "visit"})
    assert r.status_code == 403 and "只有经办人员" in html(r).by_id("message").text()


def _person_id(client: TestClient, headers: dict[str, str], name: str) -> str:
    doc = html(client.get("/followup311", headers=headers))
    return next(n for n in doc.by_id("people").find("tr") if name in n.text()).attrs["id"].split("-")[1]


def test_filters(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    behind = html(client.get("/followup311?status=behind", headers=cw)).by_id("people").text()
    assert "李梅" in behind
    on_track = client.get("/followup311?status=on_track", headers=cw)
    assert "李梅" not in html(on_track).by_id("people").text()
    assert html(on_track).value("status") == "on_track"  # the filter stays chosen
    elsewhere = html(client.get("/followup311?area=4311&caseworker=别人", headers=cw)).by_id("people").text()
    assert "李梅" not in elsewhere and "没有符合条件" in elsewhere


def test_record_service_bad_input_keeps_values(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    pid = _person_id(client, cw, "李梅")
    r = client.post(
        f"/followup311/persons/{pid}/services",
        headers=cw,
        data={"kind": "career_guidance", "on": "2022-13-01", "note": "电话指导，已约下周面谈", "status": "behind"},
    )
    assert r.status_code == 400
    doc = html(r)
    row = doc.by_id(f"person-{pid}")
    assert "服务日期“2022-13-01”应为 YYYY-MM-DD 格式的日期" in row.text()
    assert row.value("note") == "电话指导，已约下周面谈" and row.value("kind") == "career_guidance"
    assert row.value("on") == "2022-13-01"
    assert doc.value("status") == "behind"  # the list keeps its filter too
    # a date before registration: the service's rule, same form kept
    r = client.post(
        f"/followup311/persons/{pid}/services",
        headers=cw,
        data={"kind": "visit", "on": "2000-01-01", "note": "早于登记"},
    )
    assert r.status_code == 400
    row = html(r).by_id(f"person-{pid}")
    assert "服务日期 2000-01-01 应在登记日" in row.text() and row.value("note") == "早于登记"


def test_record_service_counts(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    pid = _person_id(client, cw, "李梅")
    before = html(client.get("/followup311", headers=cw)).by_id(f"person-{pid}").find("td")
    guidance_before = int(before[5].text())  # 姓名, 地区, 经办人员, 本期, 推荐岗位信息, 职业指导 …
    r = client.post(
        f"/followup311/persons/{pid}/services",
        headers=cw,
        follow_redirects=False,
        data={"kind": "career_guidance", "on": dt.date.today().isoformat(), "status": "behind"},
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/followup311?")
    assert "status=behind" in r.headers["location"] and f"#person-{pid}" in r.headers["location"]
    after = client.get(r.headers["location"], headers=cw)
    assert html(after).has_id("recorded")
    assert int(html(after).by_id(f"person-{pid}").find("td")[5].text()) == guidance_before + 1
    # another area's caseworker cannot record for her
    r = client.post(f"/followup311/persons/{pid}/services", headers=who["chaoyang_jingban"], data={"kind": "visit"})
    assert r.status_code == 403 and "不在本辖区" in html(r).by_id("message").text()


def test_register_bad_input_names_field_and_keeps_values(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    form = {"name": "陈十", "id_number": "431102199001010034", "region": "431102", "phone": "13700009999"}
    r = client.post("/followup311/persons", headers=cw, data=form)
    assert r.status_code == 400
    doc = html(r)
    errors = doc.by_id("register-errors")
    assert "身份证号有误" in errors.text() and "校验码" in errors.text()
    assert errors.find("li")[0].attrs.get("data-field") == "id_number"
    assert all(doc.by_id("register-form").value(k) == v for k, v in form.items())
    assert doc.by_id("reg-id-number").attrs.get("aria-invalid") == "true"
    r = client.post(
        "/followup311/persons",
        headers=cw,
        data={**form, "id_number": CHEN_ID, "region": "4311", "registered_on": "昨天"},
    )
    assert r.status_code == 400
    text = html(r).by_id("register-errors").text()
    assert "所在地区（行政区划代码）“4311”应为 6 位行政区划代码" in text
    assert "登记日期“昨天”应为 YYYY-MM-DD 格式的日期" in text
    assert html(r).value("registered_on") == "昨天"
    r = client.post("/followup311/persons", headers=cw, data={**form, "id_number": CHEN_ID, "region": "110105"})
    assert r.status_code == 403 and "只能登记本辖区的人员" in html(r).by_id("register-errors").text()
    assert html(r).value("name") == "陈十"


def test_register_and_find_on_track(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    r = client.post(
        "/followup311/persons",
        headers=cw,
        follow_redirects=False,
        data={"name": "陈十", "id_number": CHEN_ID, "region": "431102"},
    )
    assert r.status_code == 303 and "registered=" in r.headers["location"]
    on_track = html(client.get("/followup311?status=on_track", headers=cw)).by_id("people").text()
    assert "陈十" in on_track and "431102********0033" in on_track and CHEN_ID not in on_track
    assert client.post("/followup311/persons", headers=who["shenji"], data={"name": "x"}).status_code == 403


def test_export_is_the_filtered_list_masked(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = client.get("/followup311/export?status=behind", headers=who["yongzhou_jingban"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb["帮扶进度"].iter_rows(values_only=True))
    assert rows[1][:2] == ("姓名", "身份证号")
    people = {row[0]: row for row in rows[2:]}
    assert "李梅" in people and people["李梅"][1] == "431102********0020" and people["李梅"][-2] == "进度滞后"
    assert all(row[-2] == "进度滞后" for row in rows[2:])
    assert LI_MEI_ID not in [c for row in rows for c in row]
    summary = list(wb["按经办人员"].iter_rows(values_only=True))
    assert summary[0] == ("经办人员", "帮扶人数", "进度滞后人数") and summary[1][2] >= 1
    other = load_workbook(io.BytesIO(client.get("/followup311/export", headers=who["chaoyang_jingban"]).content))
    assert len(list(other["帮扶进度"].iter_rows(values_only=True))) == 2  # header rows only: not their area
