"""Every list or page that shows identity numbers or bank accounts unmasked writes an audit
row (the API list, the desk page and the detail views); a masked list writes none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select

from renshe.services.demo import DEMO_PASSWORD
from renshe.store.db import session
from renshe.store.models import Application, AuditEvent, User
from tests.desk.conftest import login

ID_NUMBER = "110105198001011238"
ACCOUNT = "6222021234567890123"


def _application(number: str) -> None:
    with session() as s:
        geren = s.execute(select(User).where(User.username == "geren")).scalar_one()
        s.add(
            Application(
                number=number,
                applicant_id=geren.id,
                idempotency_key=number,
                policy_id="cn.si_relief_2020",
                subject_id_number=ID_NUMBER,
                subject_name="张三",
                region="110108",
                case={},
                result={},
                amount=Decimal("100.00"),
                bank_account=ACCOUNT,
                status="submitted",
                submitted_on=dt.date(2020, 3, 2),
                review_due=dt.date(2020, 3, 9),
            )
        )


def _list_audits(actor: str) -> list[AuditEvent]:
    with session() as s:
        return list(
            s.execute(
                select(AuditEvent)
                .where(AuditEvent.action == "personal_data.list", AuditEvent.actor == actor)
                .order_by(AuditEvent.id)
            ).scalars()
        )


def test_unmasked_api_list_is_audited(client: TestClient) -> None:
    _application("VIEW-API-1")
    before = len(_list_audits("jingban"))
    listed = client.get("/api/v1/applications", headers=login(client, "jingban")).json()
    shown = next(a for a in listed if a["number"] == "VIEW-API-1")
    assert shown["subject_id_number"] == ID_NUMBER and shown["bank_account"] == ACCOUNT  # the caseworker needs them
    rows = _list_audits("jingban")
    assert len(rows) == before + 1 and "VIEW-API-1" in rows[-1].detail["numbers"]
    # the auditor's list is masked: nothing to record
    before_auditor = len(_list_audits("shenji"))
    listed = client.get("/api/v1/applications", headers=login(client, "shenji")).json()
    masked = next(a for a in listed if a["number"] == "VIEW-API-1")
    assert masked["bank_account"].endswith("0123") and ACCOUNT not in str(masked)
    assert len(_list_audits("shenji")) == before_auditor


def test_unmasked_desk_page_is_audited(client: TestClient) -> None:
    _application("VIEW-WEB-1")
    before = len(_list_audits("jingban"))
    r = client.post(
        "/login", data={"username": "jingban", "password": DEMO_PASSWORD, "next": "/desk"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    page = client.get("/desk")
    client.cookies.clear()
    assert page.status_code == 200 and ID_NUMBER in page.text
    rows = _list_audits("jingban")
    assert len(rows) == before + 1 and "VIEW-WEB-1" in rows[-1].detail["numbers"]
