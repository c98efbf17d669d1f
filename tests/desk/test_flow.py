"""An application from calculator result to payment and claw-back, over the API."""

from __future__ import annotations

import io

import openpyxl
from fastapi.testclient import TestClient

from tests.desk.conftest import example


def test_whole_flow(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    ent, cw, fin, aud = tokens["qiye"], tokens["jingban"], tokens["caiwu"], tokens["shenji"]
    case = example("01_beijing_medium_software")
    body = {"policy": "cn.si_feb_refund_2020", "case": case, "bank_account": "6222020200099990001", "commitment": True}
    r = client.post("/api/v1/applications", json=body, headers={**ent, "Idempotency-Key": "flow-1"})
    assert r.status_code == 201, r.text
    app = r.json()
    number = app["number"]
    assert app["amount"] == 34000.0 and app["status"] == "submitted"
    assert app["result"]["citations"][0]["doc_no"] == "人社部发〔2020〕11号"
    assert app["bank_account"].endswith("0001") and app["bank_account"].startswith("*")
    # the same key again: the same application, not a second one
    again = client.post("/api/v1/applications", json=body, headers={**ent, "Idempotency-Key": "flow-1"})
    assert again.status_code == 200 and again.json()["number"] == number
    # caseworker compares and returns for correction, the enterprise resubmits, then approval
    comparison = client.get(f"/api/v1/applications/{number}/comparison", headers=cw).json()
    assert comparison["same"] is True
    r = client.post(f"/api/v1/applications/{number}/review", json={"action": "return"}, headers=cw)
    assert r.status_code == 400 and "理由" in r.json()["detail"]
    r = client.post(
        f"/api/v1/applications/{number}/review", json={"action": "return", "reason": "请核对2月缴费"}, headers=cw
    )
    assert r.json()["status"] == "returned"
    r = client.post(f"/api/v1/applications/{number}/resubmit", json={"case": case}, headers=ent)
    assert r.json()["status"] == "resubmitted"
    r = client.post(f"/api/v1/applications/{number}/review", json={"action": "approve"}, headers=cw)
    assert r.json()["status"] == "approved"
    # public notice: visible to anyone, objections during the window
    r = client.post("/api/v1/notices", json={"applications": [number], "title": "2月社保费退费公示"}, headers=cw)
    assert r.status_code == 201, r.text
    batch = r.json()
    notices = client.get("/api/v1/notices").json()
    item = next(i for b in notices for i in b["items"] if i["number"] == number)
    assert item["name"] == "北京示例科技有限公司"
    assert "110105" not in str(notices)
    r = client.post(f"/api/v1/notices/{batch['id']}/close", headers=cw)
    assert r.status_code == 409 and "期满" in r.json()["detail"]
    r = client.post(f"/api/v1/notices/objections/{number}", json={"text": "该企业2月已裁员"})
    assert r.status_code == 201
    r = client.post(
        f"/api/v1/applications/{number}/objection-review", json={"upheld": False, "note": "经核实未裁员"}, headers=cw
    )
    # dismissed, but the window has not passed: back in the notice, not cleared (see test_notice_window.py)
    assert r.json()["status"] == "in_notice"
    # the window passes: the caseworker closes the notice the working day after it ends
    import datetime as dt

    from renshe.services import notice
    from renshe.store.db import session
    from renshe.store.models import User

    with session() as s:
        jingban = s.query(User).filter(User.username == "jingban").one()
        closes_on = dt.date.fromisoformat(batch["closes_on"])
        closed = notice.close_window(s, jingban, batch["id"], today=closes_on + dt.timedelta(days=1))
        assert [i.application.status for i in closed.items] == ["cleared"]
    # disbursement by finance: bank file with the full account for finance, masked for the auditor
    r = client.post("/api/v1/disbursements", json={"applications": [number]}, headers=fin)
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["total"] == 34000.0
    xlsx = client.get(f"/api/v1/disbursements/{d['id']}/export?format=xlsx", headers=fin)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "申请编号" and rows[1][0] == number and rows[1][3] == "6222020200099990001"
    csv_masked = client.get(f"/api/v1/disbursements/{d['id']}/export?format=csv", headers=aud).content.decode("utf-8")
    assert "6222020200099990001" not in csv_masked and "0001" in csv_masked
    assert client.post(f"/api/v1/disbursements/{d['id']}/paid", headers=fin).json()["status"] == "paid"
    # a later finding: claw-back
    r = client.post(
        f"/api/v1/applications/{number}/clawback", json={"amount": 34000.0, "reason": "承诺不实"}, headers=cw
    )
    assert r.status_code == 201
    assert client.get(f"/api/v1/applications/{number}", headers=ent).json()["status"] == "clawed_back"
    # every step is in the audit log, and the chain verifies
    log = client.get(f"/api/v1/audit?entity_id={number}", headers=aud).json()
    actions = {e["action"] for e in log}
    assert {
        "application.submit",
        "application.return",
        "application.approve",
        "notice.objection",
        "clawback.open",
    } <= actions
    assert client.get("/api/v1/audit/verify", headers=aud).json()["ok"] is True


def test_ineligible_policy_cannot_be_applied_for(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    case = example("01_beijing_medium_software")
    r = client.post(
        "/api/v1/applications",
        json={"policy": "beijing.hiring_subsidy_2020", "case": case},
        headers={**tokens["qiye"], "Idempotency-Key": "x-1"},
    )
    assert r.status_code == 400 and "不符合" in r.json()["detail"]


def test_cannot_apply_for_another_unit(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    case = example("04_xinmi_small_retailer")
    r = client.post(
        "/api/v1/applications",
        json={"policy": "xinmi.stable_job_refund_2020", "case": case},
        headers={**tokens["qiye"], "Idempotency-Key": "x-2"},
    )
    assert r.status_code == 403


def test_accept_with_gaps_blocks_approval_until_supplied(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    apps = client.get("/api/v1/applications", headers=tokens["xinmi_qiye"]).json()
    gap = next(a for a in apps if a["missing_items"])
    assert gap["missing_due"] is not None
    r = client.post(
        f"/api/v1/applications/{gap['number']}/review", json={"action": "approve"}, headers=tokens["xinmi_jingban"]
    )
    assert r.status_code == 409 and "材料" in r.json()["detail"]
    client.post(
        f"/api/v1/applications/{gap['number']}/resubmit",
        json={"supplied": gap["missing_items"]},
        headers=tokens["xinmi_qiye"],
    )
    r = client.post(
        f"/api/v1/applications/{gap['number']}/review", json={"action": "approve"}, headers=tokens["xinmi_jingban"]
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
