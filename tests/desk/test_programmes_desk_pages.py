"""The employment-programme and public-institution pages through HTTP: each page lists the
area's records with its pickers; a bad entry comes back with the problem on its field and what
was typed; a good one is saved; another district sees nothing, an enterprise is refused."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.desk.conftest import login, valid_id


def post(client: TestClient, who: dict[str, str], url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(url, headers=who, data=data, follow_redirects=False)


def test_ledger_page_record_follow_up_and_export(client: TestClient) -> None:
    xm = login(client, "xinmi_jingban")
    page = client.get("/employment-services/overcapacity", headers=xm)
    assert page.status_code == 200 and "过剩产能职工分流安置台账" in page.text and "公益性岗位托底" in page.text
    assert '<option value="410183"' in page.text
    good_id = valid_id("410183", "19800101", "551")
    data = {
        "region": "410183",
        "name": "职工甲",
        "id_number": good_id[:-1] + ("1" if good_id[-1] == "0" else "0"),
        "served_on": "2020-05-11",
        "option": "",
        "service": "摸底",
        "enterprise": "新密示例耐材有限公司",
        "uscc": "91410183MA45CCCC35",
    }
    bad = post(client, xm, "/employment-services/overcapacity", data)
    assert bad.status_code == 400 and "身份证号有误" in bad.text
    assert (
        'id="record-form-id_number" type="text"' in bad.text
        and "invalid" in bad.text
        and "新密示例耐材有限公司" in bad.text
    )
    data["id_number"] = good_id
    assert post(client, xm, "/employment-services/overcapacity", data).status_code == 303
    page = client.get("/employment-services/overcapacity", headers=xm)
    assert "职工甲" in page.text and "未定" in page.text and "2020年5月25日" in page.text
    rid = page.text.split('id="records-')[1].split('"')[0]
    bad = post(client, xm, f"/employment-services/records/{rid}/follow-up", {"on": "2020-05-01", "option": "内部转岗"})
    assert bad.status_code == 400 and "早于服务日期" in bad.text
    assert (
        post(
            client,
            xm,
            f"/employment-services/records/{rid}/follow-up",
            {"on": "2020-05-20", "option": "内部转岗", "note": "已转岗"},
        ).status_code
        == 303
    )
    book = load_workbook(io.BytesIO(client.get("/employment-services/overcapacity.xlsx", headers=xm).content))
    assert any(r[3] == "职工甲" and r[7] == "内部转岗" for r in book.worksheets[0].iter_rows(values_only=True))
    assert (
        "职工甲" not in client.get("/employment-services/overcapacity", headers=login(client, "chaoyang_jingban")).text
    )
    assert client.get("/employment-services/overcapacity", headers=login(client, "qiye")).status_code == 403
    assert client.get("/employment-services/nothing", headers=xm).status_code == 404


def test_loans_welfare_and_zero_employment_pages(client: TestClient) -> None:
    xm = login(client, "xinmi_jingban")
    bad = post(
        client,
        xm,
        "/loans",
        {
            "region": "410183",
            "borrower": "借款人甲",
            "id_number": valid_id("410183", "19850101", "661"),
            "bank": "新密农商银行",
            "amount": "十万",
            "issued_on": "2020-06-01",
            "due_on": "2021-05-31",
        },
    )
    assert bad.status_code == 400 and "贷款金额“十万”应为数字" in bad.text and 'value="借款人甲"' in bad.text
    assert (
        post(
            client,
            xm,
            "/loans",
            {
                "region": "410183",
                "borrower": "借款人甲",
                "bank": "新密农商银行",
                "id_number": valid_id("410183", "19850101", "661"),
                "amount": "100000",
                "issued_on": "2020-06-01",
                "due_on": "2020-12-31",
            },
        ).status_code
        == 303
    )
    loans = client.get("/loans", headers=xm).text
    assert "借款人甲" in loans and "逾期" in loans
    assert (
        post(
            client,
            xm,
            "/welfare-posts",
            {"region": "410183", "title": "护林员", "post_type": "护林防火", "places": "两"},
        ).status_code
        == 400
    )
    assert (
        post(
            client,
            xm,
            "/welfare-posts",
            {"region": "410183", "title": "护林员", "post_type": "护林防火", "places": "2", "part_time": "1"},
        ).status_code
        == 303
    )
    assert (
        post(
            client,
            xm,
            "/welfare-posts/candidates",
            {
                "region": "410183",
                "name": "待岗乙",
                "group": "建档立卡贫困人口",
                "id_number": valid_id("410183", "19750101", "661"),
            },
        ).status_code
        == 303
    )
    board = client.get("/welfare-posts", headers=xm).text
    assert "护林员（护林防火，余 2 个）" in board and "待岗乙" in board
    bad = post(
        client,
        xm,
        "/zero-employment",
        {
            "region": "410183",
            "unit": "袁庄乡政府",
            "head_name": "户主丁",
            "id_number": valid_id("410183", "19700101", "771"),
            "members": "三",
            "identified_on": "2020-06-01",
        },
    )
    assert bad.status_code == 400 and "劳动年龄内家庭成员数“三”应为整数" in bad.text
    assert (
        post(
            client,
            xm,
            "/zero-employment",
            {
                "region": "410183",
                "unit": "袁庄乡政府",
                "head_name": "户主丁",
                "id_number": valid_id("410183", "19700101", "771"),
                "members": "3",
                "identified_on": "2020-06-01",
            },
        ).status_code
        == 303
    )
    zero = client.get("/zero-employment", headers=xm).text
    assert "户主丁" in zero and "尚有" in zero
    hid = zero.split('id="open-')[1].split('"')[0]
    assert (
        post(client, xm, f"/zero-employment/{hid}/clear", {"employed": "丁之子", "on": "2020-06-20"}).status_code == 303
    )
    r = post(client, xm, "/zero-employment/targets", {"year": "2020"})
    assert r.status_code == 303 and r.headers["location"] == "/targets/xinmi-zero-employment-2020"
    assert client.get(r.headers["location"], headers=xm).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/recruitment",
        "/titles",
        "/performance-pay",
        "/welfare-posts",
        "/loans",
        "/zero-employment",
        "/employment-services/campus",
    ],
)
def test_pages_refuse_the_public_side(client: TestClient, path: str) -> None:
    if path == "/recruitment":
        assert client.get(path).status_code == 200  # announcements are public
    else:
        assert client.get(path, follow_redirects=False).status_code == 303  # sign in first
        assert client.get(path, headers=login(client, "qiye")).status_code == 403


def test_public_institution_pages(client: TestClient) -> None:
    yz = login(client, "yongzhou_jingban")
    bad = post(
        client,
        yz,
        "/recruitment/rounds",
        {
            "region": "431102",
            "unit": "零陵区教育局",
            "kind": "乡村教师",
            "places": "10",
            "interview_on": "2022-06-01",
            "green_channel": "1",
        },
    )
    assert bad.status_code == 400 and "招聘绿色通道仅适用于" in bad.text
    assert (
        post(
            client,
            yz,
            "/recruitment/rounds",
            {
                "region": "431102",
                "unit": "零陵区教育局",
                "kind": "乡村教师",
                "places": "10",
                "written_on": "2099-05-01",
                "interview_on": "2099-06-01",
            },
        ).status_code
        == 303
    )
    staff = client.get("/recruitment", headers=yz).text
    assert "零陵区教育局公开招聘乡村教师 10 名" in staff
    rid = staff.split('id="rounds-')[1].split('"')[0]
    assert (
        post(
            client, yz, f"/recruitment/rounds/{rid}/reschedule", {"reason": "疫情防控", "interview_on": "2099-07-01"}
        ).status_code
        == 303
    )
    public = client.get("/recruitment").text
    assert "考试时间调整（疫情防控）" in public and "2099年7月1日" in public
    assert (
        post(
            client,
            yz,
            "/titles",
            {
                "region": "431102",
                "name": "护士甲",
                "unit": "零陵区人民医院",
                "title_sought": "主管护师",
                "id_number": valid_id("431102", "19880101", "881"),
                "frontline_medical": "1",
            },
        ).status_code
        == 303
    )
    assert "参加疫情防治的一线医务人员" in client.get("/titles", headers=yz).text
    bad = post(
        client,
        yz,
        "/performance-pay",
        {
            "region": "431102",
            "unit": "零陵区人民医院",
            "year": "2020",
            "yearly_total": "100",
            "regular_paid": "200",
            "one_off": "50",
        },
    )
    assert bad.status_code == 400 and "不能用于弥补" in bad.text and 'value="零陵区人民医院"' in bad.text
    assert (
        post(
            client,
            yz,
            "/performance-pay",
            {
                "region": "431102",
                "unit": "零陵区人民医院",
                "year": "2020",
                "yearly_total": "300",
                "regular_paid": "200",
                "one_off": "50",
            },
        ).status_code
        == 303
    )
    pay = client.get("/performance-pay", headers=yz).text
    assert "100.00" in pay and "50.00" in pay and "另行核增" in pay
