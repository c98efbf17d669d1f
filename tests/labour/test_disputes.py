"""Dispute and arrears intake: the deadlines come from the rules of 人社厅明电〔2020〕5号 三
(cn.arbitration_limitation_suspension_2020, cn.arbitration_hearing_extension_2020)."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from renshe.services import disputes


def test_deadlines_are_the_rules_answers() -> None:
    lim = disputes.limitation(
        dt.date(2019, 6, 1), dt.date(2020, 1, 24), dt.date(2020, 3, 24), dt.date(2020, 4, 1), "110105"
    )
    assert lim["deadline"] == "2020-07-31" and lim["amount"] == 60.0
    assert (
        disputes.limitation(dt.date(2020, 2, 10), None, None, dt.date(2020, 4, 1), "410183")["deadline"] == "2021-02-10"
    )
    h = disputes.hearing(dt.date(2020, 4, 1), True, 10, "110105")
    assert h["deadline"] == "2020-06-10"  # 45 + 15 + 10 = 70 days


def test_file_accept_close(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    body = {
        "kind": "arbitration",
        "employer_name": "北京示例科技有限公司",
        "employer_uscc": "91110108MA01C7LM3W",
        "facts": "拖欠2020年2月工资",
        "infringement_known_on": "2020-02-15",
        "obstacle_start": "2020-02-15",
        "obstacle_end": "2020-04-15",
        "region": "110105",
    }
    r = client.post("/api/v1/disputes", headers=who["geren"], json=body)
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["limitation_deadline"] == "2021-04-16"  # 2021-02-15 + 60 days suspended
    bad = client.post(
        "/api/v1/disputes",
        headers=who["geren"],
        json={**body, "employer_uscc": "91110108MA01C7LM3X", "obstacle_end": None},
    )
    assert bad.status_code == 400 and "统一社会信用代码" in bad.json()["detail"] and "起止日" in bad.json()["detail"]
    assert client.post("/api/v1/disputes", headers=who["qiye"], json=body).status_code == 403
    n = case["number"]
    assert client.get(f"/api/v1/disputes/{n}", headers=who["xinmi_jingban"]).status_code == 403
    assert client.get(f"/api/v1/disputes/{n}", headers=who["qiye"]).status_code == 403
    r = client.post(
        f"/api/v1/disputes/{n}/accept",
        headers=who["chaoyang_jingban"],
        json={"accepted_on": dt.date.today().isoformat(), "epidemic_delay_days": 5},
    )
    assert r.status_code == 200
    assert r.json()["award_deadline"] == (dt.date.today() + dt.timedelta(days=50)).isoformat()
    r = client.post(f"/api/v1/disputes/{n}/close", headers=who["chaoyang_jingban"], json={"outcome": "调解结案"})
    assert r.json()["status"] == "closed" and [h["action"] for h in r.json()["history"]] == [
        "filed",
        "accepted",
        "closed",
    ]
    assert n in [c["number"] for c in client.get("/api/v1/disputes", headers=who["geren"]).json()]


def test_dates_outside_any_dispute_are_refused_with_the_field_named(client, who):
    """A year typed as 999 or 9999 gets a clear 400 naming the date, not a failure in the deadline rules."""
    base = {
        "kind": "arbitration",
        "employer_name": "某公司",
        "facts": "拖欠2020年2月工资",
        "infringement_known_on": "2020-02-15",
        "region": "110105",
    }
    for field, value in (
        ("infringement_known_on", "0999-01-01"),
        ("obstacle_start", "0999-01-01"),
        ("obstacle_end", "9999-01-01"),
    ):
        body = {**base, "obstacle_start": "2020-02-15", "obstacle_end": "2020-04-15", field: value}
        r = client.post("/api/v1/disputes", headers=who["geren"], json=body)
        assert r.status_code == 400, (field, r.text)
        assert "请核对年份" in r.text
