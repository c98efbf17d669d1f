"""Public notice as law (issue 14 item 3): an application clears only after the whole
window of working days has passed with no open objection; every objection is reviewed
on its own. Driven through the services with the date given, as the desk's clock would
move over the window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.calendar import add_working_days
from renshe.services import disbursement, notice
from renshe.services.errors import Conflict, ServiceError
from renshe.services.settings import setting
from renshe.store.db import session
from renshe.store.models import Application, AuditEvent, NoticeBatch, Objection, User
from tests.desk.conftest import example

PUBLISHED = dt.date(2020, 4, 30)  # the eve of the 2020 May Day holiday (5/1–5/5, with 5/9 worked)


@pytest.fixture(scope="module")
def approved(client: TestClient, tokens: dict[str, dict[str, str]]) -> list[str]:
    """Three approved Beijing applications (the demo one, a refund and a frontline allowance)."""
    cw = tokens["jingban"]
    numbers = [
        next(
            x["number"]
            for x in client.get("/api/v1/applications", headers=tokens["qiye"]).json()
            if x["policy"] == "beijing.one_time_si_subsidy_2020"
        )
    ]
    for who, policy, case in (
        ("qiye", "cn.si_feb_refund_2020", "01_beijing_medium_software"),
        ("geren", "beijing.frontline_allowance_2020", "06_beijing_frontline_nurse"),
    ):
        r = client.post(
            "/api/v1/applications",
            json={"policy": policy, "case": example(case), "bank_account": "6222020200012121212"},
            headers={**tokens[who], "Idempotency-Key": f"nw-{policy}"},
        )
        assert r.status_code == 201, r.text
        numbers.append(r.json()["number"])
    for n in numbers:
        r = client.post(f"/api/v1/applications/{n}/review", json={"action": "approve"}, headers=cw)
        assert r.json()["status"] == "approved", r.text
    return numbers


@pytest.fixture()
def s() -> Iterator[Session]:
    with session() as db:
        yield db


def user(s: Session, name: str) -> User:
    return s.execute(select(User).where(User.username == name)).scalar_one()


def app(s: Session, number: str) -> Application:
    return s.execute(select(Application).where(Application.number == number)).scalar_one()


def test_the_window_is_the_settings_working_days(s: Session, approved: list[str]) -> None:
    batch = notice.publish(s, user(s, "jingban"), [approved[0]], "窗口", today=PUBLISHED)
    window = int(setting("notice_window_working_days", PUBLISHED))
    assert batch.window_days == window == 5
    # 5/6, 5/7, 5/8, 5/9 (a Saturday worked in exchange), 5/11
    assert batch.closes_on == add_working_days(PUBLISHED, window) == dt.date(2020, 5, 11)


def test_dismissing_an_objection_on_day_one_does_not_clear(s: Session, approved: list[str]) -> None:
    number, cw, fin = approved[0], user(s, "jingban"), user(s, "caiwu")
    batch = s.execute(select(NoticeBatch).where(NoticeBatch.title == "窗口")).scalar_one()
    notice.object_to(s, number, "该单位已裁员", None, today=PUBLISHED)
    assert app(s, number).status == "objected"
    notice.resolve_objection(s, cw, number, upheld=False, note="经核实未裁员", today=PUBLISHED)
    assert app(s, number).status == "in_notice"  # was "cleared": the window was skipped
    with pytest.raises(Conflict):
        disbursement.create(s, fin, [number])
    for day in (dt.date(2020, 5, 8), batch.closes_on):  # still inside the window
        with pytest.raises(Conflict, match="公示期至 2020年5月11日"):
            notice.close_window(s, cw, batch.id, today=day)
    assert app(s, number).status == "in_notice"
    # the dismissal is on the record, with its reason
    o = s.execute(select(Objection).where(Objection.application_id == app(s, number).id)).scalar_one()
    assert o.resolved and o.resolution == "异议不成立：经核实未裁员"
    event = s.execute(
        select(AuditEvent).where(AuditEvent.action == "notice.review_objection", AuditEvent.entity_id == number)
    ).scalar_one()
    assert event.detail["upheld"] is False and event.detail["objection"] == o.id and event.actor == "jingban"


def test_clears_after_the_window_with_no_open_objection(s: Session, approved: list[str]) -> None:
    number = approved[0]
    batch = s.execute(select(NoticeBatch).where(NoticeBatch.title == "窗口")).scalar_one()
    with pytest.raises(Conflict, match="公示期已于"):  # objections close with the window
        notice.object_to(s, number, "迟到的异议", None, today=batch.closes_on + dt.timedelta(days=1))
    notice.close_window(s, user(s, "jingban"), batch.id, today=batch.closes_on + dt.timedelta(days=1))
    assert app(s, number).status == "cleared"
    d = disbursement.create(s, user(s, "caiwu"), [number])
    assert [i.application.number for i in d.items] == [number]


def test_each_objection_is_reviewed(s: Session, approved: list[str]) -> None:
    refund, cw = approved[1], user(s, "jingban")
    batch = notice.publish(s, cw, [refund], "两条异议", today=PUBLISHED)
    first = notice.object_to(s, refund, "异议一", None, today=PUBLISHED)
    second = notice.object_to(s, refund, "异议二", "13800000000", today=dt.date(2020, 5, 11))
    with pytest.raises(ServiceError, match="逐条复核"):
        notice.resolve_objection(s, cw, refund, upheld=False, note="不成立", today=PUBLISHED)
    with pytest.raises(ServiceError, match="复核意见"):
        notice.resolve_objection(s, cw, refund, upheld=False, note="  ", objection_id=first.id, today=PUBLISHED)
    notice.resolve_objection(s, cw, refund, upheld=False, note="不成立", objection_id=first.id, today=PUBLISHED)
    assert app(s, refund).status == "objected"  # the second is still open
    after = batch.closes_on + dt.timedelta(days=1)
    notice.close_window(s, cw, batch.id, today=after)
    assert app(s, refund).status == "objected"  # the window passed, but an objection is open
    notice.resolve_objection(s, cw, refund, upheld=False, note="亦不成立", objection_id=second.id, today=after)
    assert app(s, refund).status == "cleared"


def test_an_upheld_objection_rejects(s: Session, approved: list[str]) -> None:
    allowance, cw = approved[2], user(s, "jingban")
    notice.publish(s, cw, [allowance], "成立", today=PUBLISHED)
    first = notice.object_to(s, allowance, "并非一线人员", None, today=PUBLISHED)
    second = notice.object_to(s, allowance, "同上", None, today=PUBLISHED)
    notice.resolve_objection(
        s, cw, allowance, upheld=True, note="核实为行政岗位", objection_id=first.id, today=PUBLISHED
    )
    a: Any = app(s, allowance)
    assert a.status == "rejected" and a.decided_reason == "核实为行政岗位"
    s.refresh(second)
    assert second.resolved and str(first.id) in (second.resolution or "")
