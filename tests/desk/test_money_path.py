"""The money path is scoped by role and area (issue 14 item 2): a Xinmi caseworker or
finance officer cannot publish, close, review objections for, disburse, export, mark paid
or claw back Beijing applications; a disbursement list with no names takes the user's
area only; finance is kept apart from review (maker–checker)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from renshe.services import disbursement, notice
from renshe.services.errors import Forbidden
from renshe.services.users import create_user
from renshe.store.db import session
from renshe.store.models import Application, User
from tests.desk.conftest import example

BJ_ACCOUNT = "6222020200055556666"


def apply(
    client: TestClient, who: dict[str, str], policy: str, case: dict[str, Any], key: str, account: str = BJ_ACCOUNT
) -> str:
    r = client.post(
        "/api/v1/applications",
        json={"policy": policy, "case": case, "bank_account": account},
        headers={**who, "Idempotency-Key": key},
    )
    assert r.status_code in (200, 201), r.text
    return str(r.json()["number"])


def approve(client: TestClient, cw: dict[str, str], number: str) -> None:
    r = client.post(f"/api/v1/applications/{number}/review", json={"action": "approve"}, headers=cw)
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text


def publish(client: TestClient, cw: dict[str, str], number: str) -> int:
    r = client.post("/api/v1/notices", json={"applications": [number], "title": "公示"}, headers=cw)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def close_after_window(username: str, batch_id: int) -> None:
    """The caseworker closes the notice on the working day after its window (the clock moved on)."""
    from renshe.store.models import NoticeBatch

    with session() as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        batch = s.get(NoticeBatch, batch_id)
        assert batch is not None
        notice.close_window(s, user, batch_id, today=batch.closes_on + dt.timedelta(days=1))


def status(number: str) -> str:
    with session() as s:
        return str(s.execute(select(Application.status).where(Application.number == number)).scalar_one())


@pytest.fixture(scope="module")
def apps(client: TestClient, tokens: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Beijing: one approved (A), one in notice with an open objection (B), one cleared (C);
    Xinmi: one cleared (X)."""
    bj, xm = tokens["jingban"], tokens["xinmi_jingban"]
    a = next(
        x["number"]
        for x in client.get("/api/v1/applications", headers=tokens["qiye"]).json()
        if x["policy"] == "beijing.one_time_si_subsidy_2020"
    )  # the demo application
    approve(client, bj, a)
    b = apply(
        client, tokens["geren"], "beijing.frontline_allowance_2020", example("06_beijing_frontline_nurse"), "mp-b"
    )
    approve(client, bj, b)
    batch_b = publish(client, bj, b)
    assert client.post(f"/api/v1/notices/objections/{b}", json={"text": "该人员并非一线"}).status_code == 201
    c = apply(client, tokens["qiye"], "cn.si_feb_refund_2020", example("01_beijing_medium_software"), "mp-c")
    approve(client, bj, c)
    close_after_window("jingban", publish(client, bj, c))
    x = next(
        x
        for x in client.get("/api/v1/applications", headers=tokens["xinmi_qiye"]).json()
        if x["policy"] == "xinmi.stable_job_refund_2020"
    )
    client.post(
        f"/api/v1/applications/{x['number']}/resubmit",
        json={"supplied": x["missing_items"]},
        headers=tokens["xinmi_qiye"],
    )
    approve(client, xm, x["number"])
    close_after_window("xinmi_jingban", publish(client, xm, x["number"]))
    assert [status(n) for n in (a, b, c, x["number"])] == ["approved", "objected", "cleared", "cleared"]
    return {"A": a, "B": b, "batch_B": batch_b, "C": c, "X": x["number"]}


def refused(r: Any) -> bool:
    return r.status_code in (403, 404)


def test_other_area_cannot_publish(client: TestClient, tokens: dict[str, dict[str, str]], apps: dict[str, Any]) -> None:
    r = client.post(
        "/api/v1/notices", json={"applications": [apps["A"]], "title": "越权公示"}, headers=tokens["xinmi_jingban"]
    )
    assert r.status_code == 403 and "不在本辖区" in r.json()["detail"] and apps["A"] in r.json()["detail"]
    assert status(apps["A"]) == "approved"


def test_other_area_cannot_close_or_review_objections(
    client: TestClient, tokens: dict[str, dict[str, str]], apps: dict[str, Any]
) -> None:
    xm = tokens["xinmi_jingban"]
    assert refused(client.post(f"/api/v1/notices/{apps['batch_B']}/close", headers=xm))
    r = client.post(
        f"/api/v1/applications/{apps['B']}/objection-review", json={"upheld": True, "note": "越权"}, headers=xm
    )
    assert r.status_code == 403
    assert status(apps["B"]) == "objected"


def test_review_roles_cannot_disburse_and_finance_cannot_approve(
    client: TestClient, tokens: dict[str, dict[str, str]], apps: dict[str, Any]
) -> None:
    for reviewer in ("jingban", "admin", "shenji"):
        r = client.post("/api/v1/disbursements", json={"applications": [apps["C"]]}, headers=tokens[reviewer])
        assert r.status_code == 403, reviewer
    r = client.post(f"/api/v1/applications/{apps['B']}/review", json={"action": "approve"}, headers=tokens["caiwu"])
    assert r.status_code == 403
    assert status(apps["C"]) == "cleared"


def test_other_area_cannot_disburse_named(
    client: TestClient, tokens: dict[str, dict[str, str]], apps: dict[str, Any]
) -> None:
    r = client.post("/api/v1/disbursements", json={"applications": [apps["C"]]}, headers=tokens["xinmi_caiwu"])
    assert r.status_code == 403 and apps["C"] in r.json()["detail"]
    assert status(apps["C"]) == "cleared"


def test_no_list_disbursement_takes_only_the_users_area(
    client: TestClient, tokens: dict[str, dict[str, str]], apps: dict[str, Any]
) -> None:
    r = client.post("/api/v1/disbursements", json={}, headers=tokens["xinmi_caiwu"])
    assert r.status_code == 201, r.text
    assert r.json()["count"] == 1
    assert status(apps["X"]) == "disbursing" and status(apps["C"]) == "cleared"
    apps["xinmi_disbursement"] = r.json()["id"]
    r = client.post("/api/v1/disbursements", json={}, headers=tokens["caiwu"])
    assert r.status_code == 201 and r.json()["count"] == 1
    assert status(apps["C"]) == "disbursing"
    apps["beijing_disbursement"] = r.json()["id"]


def test_bank_file_in_full_only_to_the_areas_finance(
    client: TestClient, tokens: dict[str, dict[str, str]], apps: dict[str, Any]
) -> None:
    d = apps["beijing_disbursement"]
    for other in ("xinmi_caiwu", "jingban", "xinmi_jingban", "qiye", "admin"):
        r = client.get(f"/api/v1/disbursements/{d}/export?format=csv", headers=tokens[other])
        assert refused(r), other
        assert BJ_ACCOUNT not in r.text
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/api/v1/disbursements/{d}/export?format=xlsx", headers=tokens["caiwu"]).content)
    ).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[3] for row in rows if not str(row[0]).startswith("合计")] == [BJ_ACCOUNT]
    assert rows[-1][0] == "合计（现金拨付）"
    masked = client.get(f"/api/v1/disbursements/{d}/export?format=csv", headers=tokens["shenji"]).text
    assert BJ_ACCOUNT not in masked and BJ_ACCOUNT[-4:] in masked


def test_other_area_cannot_mark_paid_or_claw_back(
    client: TestClient, tokens: dict[str, dict[str, str]], apps: dict[str, Any]
) -> None:
    d = apps["beijing_disbursement"]
    for other in ("xinmi_caiwu", "jingban", "xinmi_jingban"):
        assert refused(client.post(f"/api/v1/disbursements/{d}/paid", headers=tokens[other])), other
    assert status(apps["C"]) == "disbursing"
    assert client.post(f"/api/v1/disbursements/{d}/paid", headers=tokens["caiwu"]).json()["status"] == "paid"
    for other in ("xinmi_jingban", "caiwu", "xinmi_caiwu"):
        r = client.post(
            f"/api/v1/applications/{apps['C']}/clawback", json={"amount": 1.0, "reason": "越权"}, headers=tokens[other]
        )
        assert refused(r), other
    assert status(apps["C"]) == "paid"
    r = client.post(
        f"/api/v1/applications/{apps['C']}/clawback",
        json={"amount": 1.0, "reason": "承诺不实"},
        headers=tokens["jingban"],
    )
    assert r.status_code == 201


def test_the_approver_cannot_disburse(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    """Maker–checker holds even when a caseworker moves to finance: what they approved
    someone else disburses."""
    from renshe.services.demo import DEMO_PASSWORD
    from tests.desk.conftest import login

    with session() as s:
        create_user(s, "bj_mover", DEMO_PASSWORD, "caseworker", "调岗人员", region="110000")
    mover = login(client, "bj_mover")
    number = apply(
        client, tokens["geren"], "beijing.frontline_allowance_2020", example("06_beijing_frontline_nurse"), "mp-mover"
    )
    approve(client, mover, number)
    close_after_window("bj_mover", publish(client, mover, number))
    with session() as s:
        user = s.execute(select(User).where(User.username == "bj_mover")).scalar_one()
        user.role = "finance"
    with session() as s:
        user = s.execute(select(User).where(User.username == "bj_mover")).scalar_one()
        with pytest.raises(Forbidden) as refusal:
            disbursement.create(s, user, [number])
        assert number in refusal.value.message and "审核与拨付" in refusal.value.message
    assert status(number) == "cleared"
    r = client.post("/api/v1/disbursements", json={}, headers=mover)
    assert r.status_code == 403
    r = client.post("/api/v1/disbursements", json={"applications": [number]}, headers=tokens["caiwu"])
    assert r.status_code == 201 and r.json()["count"] == 1


def test_finance_without_an_area_takes_nothing(client: TestClient) -> None:
    from renshe.services.demo import DEMO_PASSWORD
    from tests.desk.conftest import login

    with session() as s:
        create_user(s, "nowhere_caiwu", DEMO_PASSWORD, "finance", "未设辖区的财务人员")
    r = client.post("/api/v1/disbursements", json={}, headers=login(client, "nowhere_caiwu"))
    assert r.status_code == 403 and "辖区" in r.json()["detail"]
