"""Henan's priority for SMEs' subsidy applications in the caseworker's review queue
(豫人社〔2020〕4号 七, henan.subsidy_priority_processing_2020): a small Henan enterprise's
application comes before an earlier one of a large enterprise; nothing moves outside Henan or
before the date the parameters give."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from renshe.domain.identifiers import uscc_check_char
from renshe.services import applications, subsidy_priority
from renshe.services.users import create_user
from renshe.store.models import User
from tests.desk.conftest import DEMO_PASSWORD, example, login, user

POLICY = "cn.internet_plus_training_project_prepayment_2020"  # a training subsidy of the list


def enterprise(s: Session, name: str, body: str) -> User:
    uscc = body + uscc_check_char(body)
    return create_user(s, name, DEMO_PASSWORD, "enterprise", f"测试 {name}", uscc=uscc)


def case(template: str, who: User, region: str) -> dict[str, Any]:
    c = example(template)
    c["enterprise"] = {**c["enterprise"], "uscc": who.uscc, "region": region, "project_training_subsidy_total": 50000}
    return c


def apply(s: Session, who: User, template: str, region: str, on: dt.date) -> str:
    app, created = applications.submit(s, who, POLICY, case(template, who, region), f"prio-{who.username}", today=on)
    assert created
    return app.number


def queue_of(s: Session, caseworker: User, numbers: list[str]) -> list[str]:
    apps, _ = applications.visible_page(s, caseworker, None, 1, applications.PAGE_SIZE_MAX)
    return [a.number for a in apps if a.number in numbers]


def test_henan_sme_subsidy_first_in_the_review_queue(
    client: TestClient, s: Session, tokens: dict[str, dict[str, str]]
) -> None:
    large, small = "03_henan_large_manufacturer", "04_xinmi_small_retailer"
    # before the date (2020-02-18): filed as they come
    large_before = apply(s, enterprise(s, "prio_large_1", "91410105MA44PR001"), large, "410105", dt.date(2020, 2, 14))
    small_before = apply(s, enterprise(s, "prio_small_1", "91410183MA45PR002"), small, "410183", dt.date(2020, 2, 17))
    # within the dates: the small one, filed a day later, comes first
    large_in = apply(s, enterprise(s, "prio_large_2", "91410105MA44PR003"), large, "410105", dt.date(2020, 3, 2))
    small_in = apply(s, enterprise(s, "prio_small_2", "91410183MA45PR004"), small, "410183", dt.date(2020, 3, 3))
    # outside Henan: filed as they come
    large_bj = apply(s, enterprise(s, "prio_large_3", "91110105MA44PR005"), large, "110105", dt.date(2020, 3, 2))
    small_bj = apply(s, enterprise(s, "prio_small_3", "91110105MA45PR006"), small, "110105", dt.date(2020, 3, 3))
    henan_cw = create_user(s, "henan_jingban", DEMO_PASSWORD, "caseworker", "河南省人社厅经办人员", region="410000")
    s.commit()

    # the size is the classification's (no size was typed): the retailer is small, the manufacturer large
    assert subsidy_priority.size_class(case(small, user(s, "prio_small_2"), "410183")) in ("small", "micro")
    assert subsidy_priority.size_class(case(large, user(s, "prio_large_2"), "410105")) == "large"
    henan = [large_before, small_before, large_in, small_in]
    assert queue_of(s, henan_cw, henan) == [small_in, large_before, small_before, large_in]
    assert queue_of(s, user(s, "jingban"), [large_bj, small_bj]) == [large_bj, small_bj]
    # the caseworker's list over the API is in the same order; the applicant's own list is not reordered
    cw = login(client, "henan_jingban")
    listed = client.get("/api/v1/applications", params={"size": 500}, headers=cw).json()
    assert [a["number"] for a in listed if a["number"] in henan] == [small_in, large_before, small_before, large_in]

    # once reviewed it waits no more, and keeps its place as filed
    applications.review(s, henan_cw, small_in, "approve")
    s.commit()
    assert queue_of(s, henan_cw, henan) == henan
