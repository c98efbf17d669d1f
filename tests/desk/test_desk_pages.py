"""The caseworker's and finance officer's pages (issue 17 item 5, issue 14): the queue
bounded to the district and paginated, 数据比对 against the registration, the notice
closed by the calendar, objections answered one by one, disbursement with payee and
bank, the bank's return file, claw-back — and every bad input of each form answered in
Chinese beside the form, with nothing saved and never a 500."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from renshe.store.db import session
from renshe.store.models import (
    Application,
    Disbursement,
    NoticeBatch,
    NoticeItem,
    Objection,
)
from tests.desk.conftest import example, login

ACCOUNT_A, ACCOUNT_B = "6222020200012345678", "6222020200055556666"
CHINESE_DAY = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def submit(client: TestClient, who: dict[str, str], policy: str, case: str, account: str, key: str) -> str:
    r = client.post(
        "/api/v1/applications",
        json={"policy": policy, "case": example(case), "bank_account": account},
        headers={**who, "Idempotency-Key": key},
    )
    assert r.status_code in (200, 201), r.text
    return str(r.json()["number"])


def status(number: str) -> str:
    with session() as s:
        return s.execute(select(Application.status).where(Application.number == number)).scalar_one()


def expire(number: str) -> None:
    """Move the application's notice window a month into the past."""
    today = dt.date.today()
    with session() as s:
        batch_id = s.execute(
            select(NoticeItem.batch_id)
            .join(Application, Application.id == NoticeItem.application_id)
            .where(Application.number == number)
        ).scalar_one()
        s.execute(
            update(NoticeBatch)
            .where(NoticeBatch.id == batch_id)
            .values(published_on=today - dt.timedelta(days=40), closes_on=today - dt.timedelta(days=30))
        )


@pytest.fixture(scope="module")
def walk(client: TestClient, tokens: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Two 海淀 applications approved and published by the 海淀 caseworker, one 朝阳 one."""
    hd = tokens["haidian_jingban"] = login(client, "haidian_jingban")
    tokens["chaoyang_jingban"] = login(client, "chaoyang_jingban")
    a = next(x["number"] for x in client.get("/api/v1/applications", headers=tokens["qiye"]).json())
    b = submit(client, tokens["qiye"], "cn.si_feb_refund_2020", "01_beijing_medium_software", ACCOUNT_B, "pages-b")
    c = submit(
        client,
        tokens["geren"],
        "beijing.frontline_allowance_2020",
        "06_beijing_frontline_nurse",
        "6222020200077778888",
        "pages-c",
    )
    return {"a": a, "b": b, "chaoyang": c, "hd": hd}


def test_the_district_queue_shows_its_district_only(
    client: TestClient, tokens: dict[str, dict[str, str]], walk: dict[str, Any]
) -> None:
    page = client.get("/desk", headers=walk["hd"]).text
    assert walk["a"] in page and walk["b"] in page and walk["chaoyang"] not in page
    listed = client.get("/api/v1/applications", headers=walk["hd"])
    assert {x["number"] for x in listed.json()} == {walk["a"], walk["b"]}
    assert listed.headers["X-Total-Count"] == "2"
    chaoyang = client.get("/desk", headers=tokens["chaoyang_jingban"]).text
    assert walk["chaoyang"] in chaoyang and walk["a"] not in chaoyang
    r = client.get(f"/my/{walk['a']}", headers=tokens["chaoyang_jingban"])
    assert r.status_code == 403 and "无权" in r.text
    assert client.get(f"/api/v1/applications/{walk['a']}", headers=tokens["chaoyang_jingban"]).status_code == 403
    # the city-level caseworker covers both districts
    city = {x["number"] for x in client.get("/api/v1/applications", headers=tokens["jingban"]).json()}
    assert {walk["a"], walk["b"], walk["chaoyang"]} <= city


def test_the_list_is_paginated_with_a_total(
    client: TestClient, tokens: dict[str, dict[str, str]], walk: dict[str, Any]
) -> None:
    first = client.get("/api/v1/applications?page=1&size=1", headers=walk["hd"])
    second = client.get("/api/v1/applications?page=2&size=1", headers=walk["hd"])
    beyond = client.get("/api/v1/applications?page=3&size=1", headers=walk["hd"])
    assert first.headers["X-Total-Count"] == second.headers["X-Total-Count"] == "2"
    assert len(first.json()) == len(second.json()) == 1 and beyond.json() == []
    assert first.json()[0]["number"] != second.json()[0]["number"]
    for bad in ("page=0", "size=0", "size=501", "page=x"):
        r = client.get(f"/api/v1/applications?{bad}", headers=walk["hd"])
        assert r.status_code == 422, bad
    assert client.get("/api/v1/applications?status=nonsense", headers=walk["hd"]).status_code == 400
    assert client.get("/desk?page=abc", headers=walk["hd"]).status_code == 400


def test_comparison_with_the_registration_marks_the_differences(client: TestClient, walk: dict[str, Any]) -> None:
    body = client.get(f"/api/v1/applications/{walk['a']}/comparison", headers=walk["hd"]).json()
    registry = body["registry"]
    assert registry["found"] is True
    different = {r["field"]: (r["applied"], r["registered"]) for r in registry["rows"] if not r["same"]}
    assert different == {"从业人员数": ("120", "118"), "2020-04 参保人数": ("120", "118")}
    assert registry["differences"] == 2
    page = client.get(f"/my/{walk['a']}", headers=walk["hd"]).text
    assert "2 项与参保登记不一致" in page and page.count('class="diff"') == 2
    assert CHINESE_DAY.search(page) and "T00:00" not in page
    person = client.get(f"/api/v1/applications/{walk['chaoyang']}/comparison", headers=login(client, "jingban")).json()
    assert person["registry"]["found"] is False


def test_review_form_refuses_a_rejection_without_reason(client: TestClient, walk: dict[str, Any]) -> None:
    r = client.post(
        f"/desk/{walk['b']}/review",
        data={"action": "reject", "reason": "  "},
        headers=walk["hd"],
        follow_redirects=False,
    )
    assert r.status_code == 400 and "理由" in r.text and 'id="review-error"' in r.text
    assert status(walk["b"]) == "submitted"


def test_publish_form_needs_items_and_a_title(client: TestClient, walk: dict[str, Any]) -> None:
    for a in (walk["a"], walk["b"]):
        assert (
            client.post(
                f"/desk/{a}/review", data={"action": "approve"}, headers=walk["hd"], follow_redirects=False
            ).status_code
            == 303
        )
    r = client.post("/desk/notice", data={"title": "公示"}, headers=walk["hd"], follow_redirects=False)
    assert r.status_code == 400 and "勾选" in r.text
    r = client.post(
        "/desk/notice", data={"numbers": [walk["a"]], "title": " "}, headers=walk["hd"], follow_redirects=False
    )
    assert r.status_code == 400 and "标题" in r.text
    with session() as s:
        assert s.execute(select(NoticeBatch)).first() is None
    r = client.post(
        "/desk/notice",
        data={"numbers": [walk["a"], walk["b"]], "title": "拟享受政策单位名单公示"},
        headers=walk["hd"],
        follow_redirects=False,
    )
    assert r.status_code == 400 and "同一项政策" in r.text  # one batch, one policy
    for n in (walk["a"], walk["b"]):
        r = client.post(
            "/desk/notice",
            data={"numbers": [n], "title": "拟享受政策单位名单公示"},
            headers=walk["hd"],
            follow_redirects=False,
        )
        assert r.status_code == 303
    assert status(walk["a"]) == status(walk["b"]) == "in_notice"


def test_objections_are_listed_and_answered_one_by_one(client: TestClient, walk: dict[str, Any]) -> None:
    a = walk["a"]
    r = client.post(f"/notice/{a}/objection", data={"text": "该单位2020年4月参保人数为118人", "contact": ""})
    assert r.status_code == 200
    assert status(a) == "objected"
    # an approval cannot pass an open objection
    r = client.post(f"/api/v1/applications/{a}/review", json={"action": "approve"}, headers=walk["hd"])
    assert r.status_code == 409 and "异议" in r.json()["detail"]
    page = client.get(f"/my/{a}", headers=walk["hd"]).text
    assert "该单位2020年4月参保人数为118人" in page and "待复核 1 条" in page
    with session() as s:
        objection = s.execute(
            select(Objection.id)
            .join(Application, Application.id == Objection.application_id)
            .where(Application.number == a)
        ).scalar_one()
    for data, words in (
        ({"note": "已核实"}, "复核结论"),
        ({"decision": "dismissed", "note": " "}, "理由"),
        ({"decision": "maybe", "note": "x"}, "复核结论"),
    ):
        r = client.post(f"/desk/{a}/objections/{objection}", data=data, headers=walk["hd"], follow_redirects=False)
        assert r.status_code == 400 and words in r.text, (data, r.text[:300])
        assert 'class="field-error objection-error"' in r.text
        if data.get("note", "").strip():
            assert f'value="{data["note"]}"' in r.text  # what was typed is kept
        assert status(a) == "objected"
    r = client.post(
        f"/desk/{a}/objections/{objection}",
        data={"decision": "dismissed", "note": "经核对，4月新增2人于5月补缴，申报数与登记数差异已说明"},
        headers=walk["hd"],
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert status(a) == "in_notice"  # the window has not passed
    log = client.get(
        f"/api/v1/audit?entity_id={a}&action=notice.review_objection", headers=login(client, "shenji")
    ).json()
    assert log and log[0]["detail"]["upheld"] is False


def test_the_notice_closes_by_the_calendar(client: TestClient, walk: dict[str, Any]) -> None:
    with session() as s:
        batch_id = s.execute(
            select(NoticeItem.batch_id)
            .join(Application, Application.id == NoticeItem.application_id)
            .where(Application.number == walk["a"])
        ).scalar_one()
    r = client.post(f"/desk/notices/{batch_id}/close", headers=walk["hd"], follow_redirects=False)
    assert r.status_code == 409 and "期满后方可结束公示" in r.text and CHINESE_DAY.search(r.text)
    assert status(walk["a"]) == "in_notice"
    expire(walk["a"])
    expire(walk["b"])
    # reading the public notice after expiry closes it
    page = client.get("/notice").text
    assert "结束" in page
    assert status(walk["a"]) == status(walk["b"]) == "cleared"
    with session() as s:
        closed = s.get(NoticeBatch, batch_id)
        assert closed is not None and closed.closed_on == dt.date.today() and closed.closed_by is None
    r = client.post(f"/desk/notices/{batch_id}/close", headers=walk["hd"], follow_redirects=False)
    assert r.status_code == 409 and "已于" in r.text


def return_file(
    rows: list[list[str]], header: tuple[str, ...] = ("申请编号", "账号", "金额", "结果", "失败原因")
) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def test_disbursement_page_and_the_bank_return_file(
    client: TestClient, tokens: dict[str, dict[str, str]], walk: dict[str, Any]
) -> None:
    a, b, fin = walk["a"], walk["b"], tokens["caiwu"]
    r = client.post("/desk/disburse", headers=fin, follow_redirects=False)
    assert r.status_code == 303
    d = int(r.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/desk/payouts/{d}", headers=fin).text
    assert "北京示例科技有限公司" in page and "中国工商银行北京海淀支行" in page
    assert ACCOUNT_A not in page and ACCOUNT_A[-4:] in page  # masked on screen
    assert "一次性" in page and "合计（现金拨付，2 笔）" in page and "56,080.00" in page
    bank = client.get(f"/api/v1/disbursements/{d}/export?format=csv", headers=fin).content.decode("utf-8-sig")
    assert ACCOUNT_A in bank and ACCOUNT_B in bank and "户名" in bank and "开户行" in bank
    ok = [a, ACCOUNT_A, "22080.00", "成功", ""]
    failed = [b, ACCOUNT_B, "34000", "失败", "账户已销户"]
    bad_files = [
        ("r.csv", return_file([ok, failed], ("申请编号", "账号", "金额", "结果")), "失败原因"),
        ("r.csv", return_file([ok, [b, ACCOUNT_B, "34000", "失败", ""]]), "第 3 行「失败原因」"),
        ("r.csv", return_file([ok, [b, ACCOUNT_B, "3400", "失败", "x"]]), "第 3 行「金额」"),
        ("r.csv", return_file([ok, [b, "6222000000000000000", "34000", "失败", "x"]]), "第 3 行「账号」"),
        ("r.csv", return_file([ok, [b, ACCOUNT_B, "34000", "退回", "x"]]), "第 3 行「结果」"),
        ("r.csv", return_file([ok, ["SQ-NOT-HERE", ACCOUNT_B, "34000", "成功", ""]]), "不在本拨付批次中"),
        ("r.csv", return_file([ok]), "缺少以下拨付"),
        ("r.txt", b"hello", ".xlsx 或 .csv"),
        ("r.xlsx", b"not a workbook", "不是有效的 xlsx"),
    ]
    for name, data, words in bad_files:
        r = client.post(f"/desk/payouts/{d}/return", files={"file": (name, data)}, headers=fin, follow_redirects=False)
        assert r.status_code == 422 and words in r.text, (name, words, r.text[:400])
        assert status(a) == status(b) == "disbursing"
    r = client.post(f"/desk/payouts/{d}/return", headers=fin, follow_redirects=False)
    assert r.status_code == 422 and "请选择" in r.text
    r = client.post(
        f"/desk/payouts/{d}/return",
        files={"file": ("回盘.csv", return_file([ok, failed]))},
        headers=fin,
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert status(a) == "paid" and status(b) == "cleared"  # the failed one can be disbursed again
    page = client.get(f"/desk/payouts/{d}", headers=fin).text
    assert "已回盘（部分失败）" in page and "失败：账户已销户" in page
    with session() as s:
        assert s.get(Disbursement, d).status == "returned"  # type: ignore[union-attr]
    r = client.post(
        f"/desk/payouts/{d}/return",
        files={"file": ("回盘.csv", return_file([ok, failed]))},
        headers=fin,
        follow_redirects=False,
    )
    assert r.status_code == 409
    again = client.post("/api/v1/disbursements", json={"applications": [b]}, headers=fin)
    assert again.status_code == 201 and again.json()["count"] == 1


def test_clawback_form(client: TestClient, walk: dict[str, Any]) -> None:
    a = walk["a"]
    for data, words in (
        ({"amount": "abc", "reason": "承诺不实"}, "数字"),
        ({"amount": "-5", "reason": "承诺不实"}, "大于 0"),
        ({"amount": "99999999", "reason": "承诺不实"}, "不超过"),
        ({"amount": "1.005", "reason": "x"}, "两位小数"),
        ({"amount": "1000", "reason": " "}, "理由"),
    ):
        r = client.post(f"/desk/{a}/clawback", data=data, headers=walk["hd"], follow_redirects=False)
        assert r.status_code == 400 and words in r.text and 'id="clawback-error"' in r.text, (data, r.text[:300])
        assert f'value="{data["amount"]}"' in r.text
        assert status(a) == "paid"
    r = client.post(
        f"/desk/{a}/clawback",
        data={"amount": "1,000.00", "reason": "裁员未如实承诺"},
        headers=walk["hd"],
        follow_redirects=False,
    )
    assert r.status_code == 303 and status(a) == "clawed_back"
