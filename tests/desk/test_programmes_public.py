"""Zero-employment households into the target tables (零就业家庭动态清零), and the public-institution
desk: recruitment rounds with the green channel and exam rescheduling announced, the title queue
with frontline medical staff first, the one-off performance pay outside the yearly total."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from renshe.services import public_institutions as pi
from renshe.services import zero_employment
from renshe.services.errors import Conflict, Forbidden
from renshe.services.programmes_common import FieldError
from renshe.services.targets import tracking
from renshe.store.models_programmes import PerformancePayGrant, RecruitmentRound
from tests.desk.conftest import user, valid_id


def test_zero_employment_households_and_target_progress(s: Session) -> None:
    cw = user(s, "xinmi_jingban")
    units = zero_employment.units()
    assert "袁庄乡政府" in units
    a = zero_employment.identify(
        s,
        cw,
        region="410183",
        unit="袁庄乡政府",
        head_name="户主甲",
        id_number=valid_id("410183", "19700101", "111"),
        members=3,
        identified_on="2020-05-10",
    )
    b = zero_employment.identify(
        s,
        cw,
        region="410183",
        unit="袁庄乡政府",
        head_name="户主乙",
        id_number=valid_id("410183", "19710101", "111"),
        members=2,
        identified_on="2020-06-01",
    )
    c = zero_employment.identify(
        s,
        cw,
        region="410183",
        unit="曲梁镇政府",
        head_name="户主丙",
        id_number=valid_id("410183", "19720101", "111"),
        members=4,
        identified_on="2020-06-15",
    )
    with pytest.raises(FieldError) as e:
        zero_employment.identify(
            s,
            cw,
            region="410183",
            unit="袁庄乡政府",
            head_name="户主甲",
            id_number=a.id_number,
            members=3,
            identified_on="2020-05-10",
        )
    assert e.value.field == "id_number"
    with pytest.raises(FieldError) as e:
        zero_employment.identify(
            s,
            cw,
            region="410183",
            unit="不存在镇",
            head_name="x",
            id_number=valid_id("410183", "19730101", "111"),
            members=1,
            identified_on="2020-05-10",
        )
    assert e.value.field == "unit"
    board = zero_employment.board(s, cw, today=dt.date(2020, 7, 1))
    assert not board["met"] and board["target_open"] == 0
    assert [h["id"] for h in board["open"] if h["id"] in (a.id, b.id, c.id)] == [a.id, b.id, c.id]  # longest open first
    assert next(h for h in board["open"] if h["id"] == a.id)["days_open"] == 52
    with pytest.raises(FieldError) as e:
        zero_employment.clear(s, cw, a.id, employed=[" "], on="2020-06-20")
    assert e.value.field == "employed" and "至少登记 1 名" in e.value.message
    with pytest.raises(FieldError):
        zero_employment.clear(s, cw, a.id, employed=["甲之子"], on="2020-05-01")
    zero_employment.clear(s, cw, a.id, employed=["甲之子"], on="2020-06-20")
    zero_employment.clear(s, cw, b.id, employed=["乙之女"], on="2020-07-03")
    with pytest.raises(Conflict):
        zero_employment.clear(s, cw, b.id, employed=["乙"], on="2020-07-04")
    with pytest.raises(Forbidden):
        zero_employment.clear(s, user(s, "chaoyang_jingban"), c.id, employed=["丙"], on="2020-07-04")
    assert all(h["id"] != c.id for h in zero_employment.board(s, user(s, "chaoyang_jingban"))["open"])
    name = zero_employment.sync_targets(s, cw, 2020)
    dash = tracking.dashboard(s, cw, name, month="2020-07")
    assert dash["kind"] == zero_employment.CLEARED.key and dash["header"] == "零就业家庭消除户数"
    rows = {r["unit"]: r for r in dash["rows"]}
    yuan, qu = rows["袁庄乡政府"], rows["曲梁镇政府"]
    assert (yuan["target"], yuan["done"]) == (2, 2) and (qu["target"], qu["done"]) == (1, 0)
    assert zero_employment.sync_targets(s, cw, 2020) == name  # idempotent: replaced, not duplicated


def test_recruitment_rounds_green_channel_and_rescheduling(s: Session) -> None:
    cw = user(s, "xinmi_jingban")
    today = dt.date(2020, 5, 20)
    teachers = pi.open_round(
        s,
        cw,
        region="410183",
        unit="新密市教育局",
        kind="乡村教师",
        places=30,
        written_on="2020-06-06",
        interview_on="2020-06-20",
        today=today,
    )
    with pytest.raises(FieldError) as e:
        pi.open_round(
            s,
            cw,
            region="410183",
            unit="新密市教育局",
            kind="乡村教师",
            places=5,
            green_channel=True,
            interview_on="2020-06-20",
            today=today,
        )
    assert e.value.field == "green_channel" and "医护人员紧急招聘" in e.value.message
    nurses = pi.open_round(
        s,
        cw,
        region="410183",
        unit="新密市第一人民医院",
        kind="医护人员紧急招聘",
        places=10,
        green_channel=True,
        interview_on="2020-05-25",
        today=today,
    )
    assert nurses.written_on is None and "绿色通道" in nurses.announcements[0].text
    with pytest.raises(FieldError) as e:
        pi.open_round(
            s, cw, region="410183", unit="u", kind="社会工作者", places=1, interview_on="2020-06-01", today=today
        )
    assert e.value.field == "written_on"
    pi.reschedule(
        s,
        cw,
        teachers.id,
        reason="疫情防控需要",
        written_on="2020-07-04",
        interview_on="2020-07-18",
        today=dt.date(2020, 6, 1),
    )
    assert teachers.written_on == dt.date(2020, 7, 4) and len(teachers.announcements) == 2
    assert "疫情防控需要" in teachers.announcements[-1].text and "2020年7月18日" in teachers.announcements[-1].text
    after_written = dt.date(2020, 7, 10)
    with pytest.raises(FieldError) as e:
        pi.reschedule(s, cw, teachers.id, reason="再调整", written_on="2020-07-20", today=after_written)
    assert e.value.field == "written_on" and "只能推迟面试" in e.value.message
    with pytest.raises(FieldError) as e:
        pi.reschedule(s, cw, teachers.id, reason="提前", interview_on="2020-07-15", today=after_written)
    assert e.value.field == "interview_on"
    pi.reschedule(s, cw, teachers.id, reason="推迟面试", interview_on="2020-08-01", today=after_written)
    with pytest.raises(FieldError) as e:
        pi.record_results(s, cw, teachers.id, applicants=20, hired=25)
    assert e.value.field == "hired"
    pi.record_results(s, cw, teachers.id, applicants=120, hired=30)
    public = [a["text"] for a in pi.announcements(s, "410183")]
    assert sum("新密市教育局" in t for t in public) == 3 and public[0].startswith("新密市教育局乡村教师考试时间调整")
    assert all(r["unit"] != "新密市教育局" for r in pi.rounds(s, user(s, "chaoyang_jingban")))
    with pytest.raises(Forbidden):
        pi.reschedule(s, user(s, "chaoyang_jingban"), teachers.id, reason="x", interview_on="2020-09-01")
    before = s.execute(select(func.count()).select_from(RecruitmentRound)).scalar_one()
    with pytest.raises(FieldError):
        pi.open_round(
            s,
            cw,
            region="410183",
            unit="u",
            kind="乡村医生",
            places=0,
            written_on="2020-06-01",
            interview_on="2020-06-02",
            today=today,
        )
    assert s.execute(select(func.count()).select_from(RecruitmentRound)).scalar_one() == before


def test_title_queue_puts_frontline_medical_first(s: Session) -> None:
    cw = user(s, "jingban")
    first = pi.apply_title(
        s,
        cw,
        region="110105",
        name="普通甲",
        id_number=valid_id("110105", "19800101", "222"),
        unit="朝阳医院",
        title_sought="主治医师",
    )
    front = pi.apply_title(
        s,
        cw,
        region="110105",
        name="一线乙",
        id_number=valid_id("110105", "19810101", "222"),
        unit="朝阳医院",
        title_sought="副主任护师",
        frontline_medical=True,
    )
    queue = [q["id"] for q in pi.title_queue(s, cw)["queue"] if q["id"] in (first.id, front.id)]
    assert queue == [front.id, first.id]
    with pytest.raises(FieldError) as e:
        pi.apply_title(s, cw, region="110105", name="丙", id_number="110105", unit="u", title_sought="t")
    assert e.value.field == "id_number"


def test_one_off_performance_pay_stays_outside_the_total(s: Session) -> None:
    cw = user(s, "jingban")
    g = pi.grant_one_off(
        s,
        cw,
        region="110105",
        unit="朝阳医院",
        year=2020,
        yearly_total="8000000",
        regular_paid="8000000",
        one_off="600000",
    )
    view = next(x for x in pi.pay_grants(s, cw)["grants"] if x["id"] == g.id)
    assert (view["yearly_total"], view["room_left"], view["one_off"]) == ("8000000.00", "0.00", "600000.00")
    before = s.execute(select(func.count()).select_from(PerformancePayGrant)).scalar_one()
    with pytest.raises(FieldError) as e:
        pi.grant_one_off(
            s,
            cw,
            region="110105",
            unit="朝阳医院",
            year=2020,
            yearly_total="8000000",
            regular_paid="8300000",
            one_off="600000",
        )
    assert e.value.field == "regular_paid" and "不能用于弥补" in e.value.message
    with pytest.raises(FieldError) as e:
        pi.grant_one_off(
            s, cw, region="110105", unit="朝阳医院", year=2020, yearly_total="abc", regular_paid="1", one_off="1"
        )
    assert e.value.field == "yearly_total"
    assert s.execute(select(func.count()).select_from(PerformancePayGrant)).scalar_one() == before
    assert all(x["unit"] != "朝阳医院" for x in pi.pay_grants(s, user(s, "xinmi_jingban"))["grants"])
    with pytest.raises(Forbidden):
        pi.grant_one_off(
            s,
            user(s, "xinmi_jingban"),
            region="110105",
            unit="朝阳医院",
            year=2020,
            yearly_total="1",
            regular_paid="0",
            one_off="1",
        )
