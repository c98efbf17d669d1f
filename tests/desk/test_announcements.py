"""The announcement section (公告专区): staff publish in their area with kind and dates, an
agency only the change of its own recruitment event, and before the event; anyone reads a list
filtered by region and kind; bad input is named by field with nothing saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from renshe.services import announcements
from renshe.services.errors import Forbidden
from renshe.services.reports_common import FieldProblems
from renshe.store.db import session
from renshe.store.models import User
from renshe.store.models_reports import Announcement
from tests.desk.conftest import client, database  # noqa: F401  (fixtures)

AT = dt.datetime(2020, 2, 10, 9, 30)


@pytest.fixture()
def s(client: TestClient) -> Iterator[Session]:
    with session() as db:
        yield db


def user(s: Session, name: str) -> User:
    return s.execute(select(User).where(User.username == name)).scalar_one()


def test_publish_and_read_by_region_and_kind(s: Session) -> None:
    a = announcements.publish(
        s,
        user(s, "jingban"),
        kind="reopening",
        region="110000",
        title="本市企业开复工时间",
        body="除涉及保障城市运行必需、疫情防控必需的企业外，其他企业不早于2月9日24时前复工。",
        subject="本市各类企业",
        effective_from="2020-02-03",
        at=AT,
    )
    announcements.publish(
        s,
        user(s, "chaoyang_jingban"),
        kind="return_info",
        region="110105",
        title="朝阳区返岗要求",
        body="返京人员须居家观察14天。",
        effective_from=dt.date(2020, 2, 10),
        effective_to=dt.date(2020, 2, 29),
        at=AT + dt.timedelta(hours=1),
    )
    announcements.publish(
        s,
        user(s, "xinmi_jingban"),
        kind="reopening",
        region="410183",
        title="新密市开复工",
        body="新密市重点企业2月10日起复工。",
        effective_from="2020-02-10",
        at=AT,
    )
    v = announcements.view(a)
    assert v["region_name"] == "北京市" and v["kind_name"] == "企业和工程项目开复工时间"
    assert v["citation"]["doc_no"] == "人社部明电〔2020〕2号"
    chaoyang = [x.title for x in announcements.listing(s, region="110105")]
    assert chaoyang == ["朝阳区返岗要求", "本市企业开复工时间"]  # the district's and the city's, newest first
    assert [x.title for x in announcements.listing(s, region="410183")] == ["新密市开复工"]
    assert [x.title for x in announcements.listing(s, kind="return_info")] == ["朝阳区返岗要求"]
    in_march = announcements.listing(s, region="110105", on=dt.date(2020, 3, 1), current_only=True)
    assert [x.title for x in in_march] == ["本市企业开复工时间"]  # the return information expired on 2-29


def test_bad_input_is_named_by_field_and_nothing_saved(s: Session) -> None:
    before = s.execute(select(func.count()).select_from(Announcement)).scalar_one()
    with pytest.raises(FieldProblems) as err:
        announcements.publish(
            s,
            user(s, "chaoyang_jingban"),
            kind="reopening",
            region="110108",
            title="",
            body="x" * 5001,
            effective_from="2020-13-01",
            effective_to="2020-02-01",
            at=AT,
        )
    fields = {p["field"]: p["message"] for p in err.value.problems}
    assert fields["region"] == "地区“北京市海淀区”不在您的辖区（北京市朝阳区）内"
    assert fields["title"] == "标题不能为空"
    assert fields["body"].startswith("正文过长：最多 5000 个字符")
    assert fields["effective_from"] == "生效日期“2020-13-01”应为 YYYY-MM-DD 格式的日期"
    with pytest.raises(FieldProblems) as err:
        announcements.publish(
            s,
            user(s, "jingban"),
            kind="holiday",
            region="999999",
            title="t",
            body="b",
            effective_from="2020-02-01",
            at=AT,
        )
    assert {p["field"] for p in err.value.problems} == {"kind", "region"}
    with pytest.raises(Forbidden):
        announcements.publish(
            s,
            user(s, "qiye"),
            kind="reopening",
            region="110105",
            title="t",
            body="b",
            effective_from="2020-02-01",
            at=AT,
        )
    s.flush()
    assert s.execute(select(func.count()).select_from(Announcement)).scalar_one() == before


def test_event_change_is_published_before_the_event(s: Session) -> None:
    agency = user(s, "jigou_hd")
    with pytest.raises(FieldProblems) as err:
        announcements.publish(
            s,
            agency,
            kind="recruitment_change",
            region="110108",
            title="招聘会取消",
            body="原定的春风行动现场招聘会取消，改为网上招聘。",
            effective_from="2020-02-10",
            event_date="2020-02-10",
            at=AT,
        )
    assert err.value.problems == [
        {"field": "event_date", "message": "原定活动日期 2020-02-10 已到或已过：招聘活动的调整或取消须在活动前发布"}
    ]
    with pytest.raises(FieldProblems, match="只能发布本机构招聘活动的调整或取消"):
        announcements.publish(
            s, agency, kind="reopening", region="110108", title="t", body="b", effective_from="2020-02-10", at=AT
        )
    with pytest.raises(FieldProblems, match="不在您的辖区"):
        announcements.publish(
            s,
            agency,
            kind="recruitment_change",
            region="110105",
            title="t",
            body="b",
            effective_from="2020-02-10",
            event_date="2020-02-15",
            at=AT,
        )
    ok = announcements.publish(
        s,
        agency,
        kind="recruitment_change",
        region="110108",
        title="招聘会改期",
        body="2月15日现场招聘会改为网络招聘。",
        subject="海淀区春风行动招聘会",
        effective_from="2020-02-10",
        event_date="2020-02-15",
        at=AT,
    )
    assert announcements.view(ok)["event_date"] == "2020-02-15"
    assert announcements.view(ok)["published_at"] == "2020-02-10T09:30"
