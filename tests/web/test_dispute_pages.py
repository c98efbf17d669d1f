"""Dispute and arrears intake pages (劳动争议仲裁申请、欠薪投诉): the worker's form and the
deadline the rules of 人社厅明电〔2020〕5号 三 compute, with their citation; the
caseworker's list, acceptance and closing — and who may see what."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from renshe.services import disputes
from tests.web.conftest import html, redirected_to_login

FORM = {
    "kind": "arbitration",
    "employer_name": "北京示例科技有限公司",
    "employer_uscc": "91110108MA01C7LM3W",
    "amount": "",
    "facts": "拖欠2020年2月工资，请求支付。<script>alert(1)</script>",
    "infringement_known_on": "2020-02-15",
    "obstacle_start": "2020-02-15",
    "obstacle_end": "2020-04-15",
    "region": "110105",
}


def test_anonymous_goes_to_login(client: TestClient) -> None:
    assert redirected_to_login(client, "/disputes") == "/login?next=/disputes"
    assert redirected_to_login(client, "/disputes/ZY1") == "/login?next=/disputes/ZY1"
    r = client.post("/disputes", data=FORM, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


@pytest.mark.parametrize("user", ["qiye", "jigou"])
def test_enterprises_cannot_file_or_read(client: TestClient, who: dict[str, dict[str, str]], user: str) -> None:
    r = client.get("/disputes", headers=who[user])
    assert r.status_code == 403 and "由劳动者本人在线提交" in html(r).by_id("message").text()
    assert not html(r).has_id("dispute-form") and not html(r).has_id("nav-disputes")
    assert client.post("/disputes", headers=who[user], data=FORM).status_code == 403


def test_bad_form_names_fields_and_keeps_values(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    me = who["geren"]
    form = {
        **FORM,
        "kind": "arrears",
        "employer_name": "",
        "amount": "三千",
        "infringement_known_on": "2020/02/15",
        "region": "11010",
    }
    r = client.post("/disputes", headers=me, data=form)
    assert r.status_code == 400
    doc = html(r)
    errors = {li.attrs.get("data-field"): li.text() for li in doc.by_id("dispute-errors").find("li")}
    assert errors["employer_name"] == "用人单位名称不能为空"
    assert errors["amount"] == "拖欠金额（元）“三千”应为数字"
    assert errors["infringement_known_on"] == "知道或应当知道权利被侵害之日“2020/02/15”应为 YYYY-MM-DD 格式的日期"
    assert errors["region"] == "用人单位所在地（行政区划代码）“11010”应为 6 位行政区划代码"
    form_node = doc.by_id("dispute-form")
    assert all(form_node.value(k) == v for k, v in form.items())  # kind radio, textarea and inputs as typed
    assert "<script>alert(1)</script>" not in r.text  # typed text comes back escaped
    # the service's own checks: a wrong check character, one of the two epidemic dates, no amount
    r = client.post(
        "/disputes",
        headers=me,
        data={**FORM, "kind": "arrears", "employer_uscc": "91110108MA01C7LM3X", "obstacle_end": ""},
    )
    assert r.status_code == 400
    doc = html(r)
    errors = {li.attrs.get("data-field"): li.text() for li in doc.by_id("dispute-errors").find("li")}
    assert "用人单位统一社会信用代码" in errors["employer_uscc"] and "起止日须同时填写" in errors["obstacle_end"]
    assert "拖欠金额" in errors["amount"]
    assert doc.by_id("obstacle-end").attrs.get("aria-invalid") == "true"
    assert doc.value("facts") == FORM["facts"] and doc.value("kind") == "arrears"
    assert html(client.get("/disputes", headers=me)).by_id("cases").text().count("ZY") == 0  # nothing filed


def test_file_shows_the_rules_deadline_with_citation(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = client.post("/disputes", headers=who["geren"], data=FORM, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?filed=1")
    page = client.get(r.headers["location"], headers=who["geren"])
    doc = html(page)
    expected = disputes.limitation(
        dt.date(2020, 2, 15), dt.date(2020, 2, 15), dt.date(2020, 4, 15), dt.date.today(), "110105"
    )
    assert doc.by_id("limitation-deadline").text() == expected["deadline"]
    box = doc.by_id("limitation").text()
    assert expected["reasons"][0] in box
    assert "人社厅明电〔2020〕5号 三" in box and "仲裁时效中止" in box  # the article and its quote
    assert doc.by_id("limitation").find("a", href=f"/policies/{disputes.LIMITATION_RULE}")
    assert doc.has_id("filed") and not doc.has_id("accept-form")  # the worker does not accept
    assert "&lt;script&gt;" in page.text and "<script>alert" not in page.text
    number = r.headers["location"].split("/")[2].split("?")[0]
    assert number in html(client.get("/disputes", headers=who["geren"])).by_id("cases").text()


def _number(client: TestClient, who: dict[str, dict[str, str]]) -> str:
    rows = html(client.get("/disputes", headers=who["geren"])).by_id("cases").find("tr")
    return next(r.attrs["data-number"] for r in rows if r.attrs.get("data-number"))


def test_caseworkers_see_their_area_only(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    number = _number(client, who)
    for user in ("chaoyang_jingban", "jingban", "shenji", "admin"):
        r = client.get("/disputes", headers=who[user])
        assert r.status_code == 200 and number in html(r).by_id("cases").text(), user
        assert not html(r).has_id("dispute-form")
    r = client.get("/disputes", headers=who["xinmi_jingban"])
    assert r.status_code == 200 and number not in r.text
    r = client.get(f"/disputes/{number}", headers=who["xinmi_jingban"])
    assert r.status_code == 403 and "无权查看" in html(r).by_id("message").text()
    assert client.get(f"/disputes/{number}", headers=who["qiye"]).status_code == 403
    assert client.get("/disputes/ZY-NONE", headers=who["chaoyang_jingban"]).status_code == 404
    filtered = html(client.get("/disputes?kind=arrears", headers=who["chaoyang_jingban"])).by_id("cases").text()
    assert number not in filtered


def test_accept_and_close(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    number = _number(client, who)
    cw = who["chaoyang_jingban"]
    assert html(client.get(f"/disputes/{number}", headers=cw)).has_id("accept-form")
    assert (
        client.post(
            f"/disputes/{number}/accept", headers=who["shenji"], data={"accepted_on": dt.date.today().isoformat()}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/disputes/{number}/accept", headers=who["geren"], data={"accepted_on": dt.date.today().isoformat()}
        ).status_code
        == 403
    )
    r = client.post(
        f"/disputes/{number}/accept",
        headers=cw,
        data={"accepted_on": "明天", "extended": "1", "epidemic_delay_days": "-3"},
    )
    assert r.status_code == 400
    doc = html(r)
    text = doc.by_id("accept-errors").text()
    assert "受理日期“明天”应为 YYYY-MM-DD 格式的日期" in text and "因疫情顺延天数不能小于 0" in text
    assert doc.value("accepted_on") == "明天" and doc.value("epidemic_delay_days") == "-3"
    assert doc.value("extended") == "1"  # the checkbox stays ticked
    r = client.post(f"/disputes/{number}/accept", headers=cw, data={"accepted_on": "2000-01-01"})
    assert r.status_code == 400 and "受理日期不能早于申请日期" in html(r).by_id("accept-errors").text()
    today = dt.date.today()
    r = client.post(
        f"/disputes/{number}/accept", headers=cw, data={"accepted_on": today.isoformat(), "epidemic_delay_days": "5"}
    )
    assert r.status_code == 200
    doc = html(r)
    assert doc.by_id("award-deadline").text() == disputes.hearing(today, False, 5, "110105")["deadline"]
    assert doc.by_id("case-status").text() == "已受理"
    assert "顺延审理期限" in doc.by_id("hearing").text()
    r = client.post(f"/disputes/{number}/close", headers=cw, data={"outcome": "  "})
    assert r.status_code == 400 and "结案结果不能为空" in html(r).by_id("close-errors").text()
    r = client.post(f"/disputes/{number}/close", headers=cw, data={"outcome": "调解结案"})
    doc = html(r)
    assert doc.by_id("case-status").text() == "已结案" and not doc.has_id("handle")
    assert [row.find("td")[1].text() for row in doc.by_id("history").find("tr")[1:]] == ["提交", "受理", "结案"]
    mine = html(client.get(f"/disputes/{number}", headers=who["geren"]))
    assert mine.by_id("case-status").text() == "已结案"
