"""Service matters (办事事项): filing, acceptance, completion, refusal, deadlines on the
working-day calendar, green channel and priority order, area scoping, 暂缓立案, flags for
事后稽核 — on a real database (SQLite; PostgreSQL with RENSHE_TEST_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from renshe.domain.calendar import add_working_days
from renshe.services import matters
from renshe.services.errors import Conflict, Forbidden, NotFound
from renshe.store.db import session
from renshe.store.models import AuditEvent, User
from renshe.store.models_matters import ServiceMatter

PERMIT = {"positions": "生产线操作岗", "workers": "40", "period_from": "2020-02-10", "period_to": "2020-12-31"}
BEIJING_DAY = dt.date(2020, 2, 10)


@pytest.fixture(scope="module")
def s(client: TestClient) -> Iterator[Session]:  # the demo database of the desk client
    with session() as db:
        yield db


def who(s: Session, username: str) -> User:
    return s.execute(select(User).where(User.username == username)).scalar_one()


def count(s: Session) -> int:
    return int(s.execute(select(func.count()).select_from(ServiceMatter)).scalar_one())


def test_file_accept_complete(s: Session) -> None:
    qiye, cw = who(s, "qiye"), who(s, "haidian_jingban")
    m = matters.file(
        s,
        qiye,
        "working_hours_permit",
        channel="online",
        fields=PERMIT,
        materials=["实行综合计算工时工作制申请表"],
        today=BEIJING_DAY,
    )
    assert m.region == "110108"  # the unit's registration area, from its USCC
    assert m.status == "filed" and m.green_channel  # Beijing's green channel for special working hours
    assert m.due_on == add_working_days(
        BEIJING_DAY, int(matters.param("matters.time_limit.green_channel", BEIJING_DAY))
    )
    assert m.fields["workers"] == 40 and m.fields["period_to"] == "2020-12-31"
    matters.accept(s, cw, m.number, today=BEIJING_DAY)
    with pytest.raises(matters.MatterProblems) as bad:
        matters.complete(s, cw, m.number, {}, today=BEIJING_DAY)
    assert bad.value.problems == [("approved_period", "批准实行期间不能为空")]
    done = matters.complete(s, cw, m.number, {"approved_period": "2020-02-10 至 2020-12-31"}, today=BEIJING_DAY)
    assert done.status == "completed" and done.outcome == {"approved_period": "2020-02-10 至 2020-12-31"}
    assert [h["action"] for h in done.history] == ["filed", "accept", "complete"]
    actions = [
        e.action
        for e in s.execute(select(AuditEvent).where(AuditEvent.entity_id == m.number).order_by(AuditEvent.id)).scalars()
    ]
    assert actions == ["matter.file", "matter.accept", "matter.complete"]
    with pytest.raises(Conflict):
        matters.refuse(s, cw, m.number, "已办结")
    # refusal needs a reason and is shown to the filer
    other = matters.file(
        s,
        qiye,
        "si_termination",
        channel="online",
        today=BEIJING_DAY,
        fields={"insured_name": "李四", "reason": "contract_ended", "effective_month": "2020-02"},
    )
    with pytest.raises(matters.MatterProblems):
        matters.refuse(s, cw, other.number, "  ")
    refused = matters.refuse(s, cw, other.number, "该职工已于2020年1月减员", today=BEIJING_DAY)
    assert matters.view(refused)["refusal_reason"] == "该职工已于2020年1月减员"
    assert matters.view(refused)["status_name"] == "不予办理"
    s.commit()


def test_bad_input_names_the_field_and_saves_nothing(s: Session) -> None:
    qiye, geren = who(s, "qiye"), who(s, "geren")
    before = count(s)
    with pytest.raises(matters.MatterProblems) as bad:
        matters.file(
            s,
            qiye,
            "working_hours_permit",
            channel="phone",
            region="999999",
            today=BEIJING_DAY,
            fields={**PERMIT, "workers": "四十", "period_to": "2020-01-01", "period_from": "2020-13-01"},
        )
    fields = {f for f, _ in bad.value.problems}
    assert fields == {"channel", "region", "workers", "period_from"}
    messages = dict(bad.value.problems)
    assert messages["workers"] == "涉及职工人数“四十”应为不小于 0 的整数"
    assert messages["period_from"] == "实行期间自“2020-13-01”应为 YYYY-MM-DD 格式的日期"
    assert "网上办理" in messages["channel"]
    with pytest.raises(matters.MatterProblems) as bad:
        matters.file(
            s,
            qiye,
            "working_hours_permit",
            channel="online",
            fields={**PERMIT, "period_to": "2020-01-01"},
            today=BEIJING_DAY,
        )
    assert bad.value.problems == [("period_to", "实行期间至不能早于实行期间自")]
    with pytest.raises(matters.MatterProblems) as bad:  # a person does not file a unit's permit
        matters.file(s, geren, "working_hours_permit", channel="online", fields=PERMIT, today=BEIJING_DAY)
    assert bad.value.problems[0][0] == "matter" and "用人单位" in bad.value.problems[0][1]
    with pytest.raises(matters.MatterProblems) as bad:
        matters.file(s, qiye, "no_such_matter", channel="online", fields={})
    assert bad.value.problems == [("matter", "办理事项：未知的事项“no_such_matter”")]
    with pytest.raises(Forbidden):
        matters.file(s, who(s, "jingban"), "working_hours_permit", channel="online", fields=PERMIT)
    assert count(s) == before
    s.rollback()


def test_green_channel_and_priority_order_the_queue(s: Session) -> None:
    xinmi, cw = who(s, "xinmi_qiye"), who(s, "xinmi_jingban")
    day = dt.date(2020, 3, 2)
    subsidy = {"subsidy": "post", "size": "small", "epidemic_difficulty": "1"}
    plain = matters.file(
        s, xinmi, "sme_subsidy", channel="online", today=day, fields={**subsidy, "size": "large"}
    )  # a large enterprise: no priority
    early = matters.file(
        s,
        xinmi,
        "sme_subsidy",
        channel="online",
        today=day - dt.timedelta(days=7),
        fields={**subsidy, "epidemic_difficulty": ""},
    )  # earlier deadline, not struggling
    first = matters.file(s, xinmi, "sme_subsidy", channel="online", today=day, fields=subsidy)
    permit = matters.file(
        s, xinmi, "working_hours_permit", channel="online", today=day, fields={**PERMIT, "epidemic_supply": "on"}
    )  # epidemic supplies: green channel
    henan_permit = matters.file(s, xinmi, "working_hours_permit", channel="post", today=day, fields=PERMIT)
    assert first.priority and not plain.priority and not early.priority
    assert "优先受理：受疫情影响面临暂时性困难的中小微企业优先受理" in first.reasons
    assert permit.green_channel and not henan_permit.green_channel  # Henan: no regional green channel
    assert henan_permit.due_on == add_working_days(day, int(matters.param("matters.time_limit.permit", day)))
    mine = [
        m.number
        for m in matters.queue(s, cw)
        if m.number in {plain.number, early.number, first.number, permit.number, henan_permit.number}
    ]
    assert mine == [permit.number, first.number, early.number, plain.number, henan_permit.number]
    # a Henan filing before the notice took effect gets no priority
    before = matters.file(s, xinmi, "sme_subsidy", channel="online", today=dt.date(2020, 2, 10), fields=subsidy)
    assert not before.priority
    s.commit()


def test_area_scoping(s: Session) -> None:
    qiye = who(s, "qiye")
    m = matters.file(
        s,
        qiye,
        "si_back_pay",
        channel="online",
        today=BEIJING_DAY,
        fields={"back_pay_kind": "monthly_report", "period_from": "2020-01", "period_to": "2020-01", "workers": "3"},
    )
    s.commit()
    seen = {
        u: m.number in {x.number for x in matters.queue(s, who(s, u))}
        for u in (
            "haidian_jingban",
            "jingban",
            "chaoyang_jingban",
            "xinmi_jingban",
            "shenji",
            "qiye",
            "xinmi_qiye",
            "caiwu",
        )
    }
    assert seen == {
        "haidian_jingban": True,
        "jingban": True,
        "chaoyang_jingban": False,
        "xinmi_jingban": False,
        "shenji": True,
        "qiye": True,
        "xinmi_qiye": False,
        "caiwu": False,
    }
    with pytest.raises(Forbidden):
        matters.get(s, who(s, "chaoyang_jingban"), m.number)
    with pytest.raises(Forbidden):
        matters.accept(s, who(s, "xinmi_jingban"), m.number)
    with pytest.raises(Forbidden):
        matters.get(s, who(s, "xinmi_qiye"), m.number)
    with pytest.raises(NotFound):
        matters.get(s, who(s, "jingban"), "BS00000000NONE")
    assert matters.get(s, who(s, "haidian_jingban"), m.number).status == "filed"


def test_matter_rules(s: Session) -> None:
    qiye, geren, cw = who(s, "qiye"), who(s, "geren"), who(s, "jingban")
    day = dt.date(2020, 4, 15)
    # back pay: an individual back payment only for the last three months before the filing month
    back = {"back_pay_kind": "individual_recent", "period_from": "2019-12", "period_to": "2020-03", "workers": "1"}
    with pytest.raises(matters.MatterProblems) as bad:
        matters.file(s, qiye, "si_back_pay", channel="online", fields=back, today=day)
    assert bad.value.problems[0][0] == "period_from" and "近 3 个月" in bad.value.problems[0][1]
    assert matters.file(s, qiye, "si_back_pay", channel="online", fields={**back, "period_from": "2020-01"}, today=day)
    # a staff change reported after the month it occurred is flagged late
    late = matters.file(
        s,
        qiye,
        "staff_change",
        channel="online",
        today=day,
        fields={"change_kind": "remove", "insured_name": "王五", "change_month": "2020-02"},
    )
    timely = matters.file(
        s,
        qiye,
        "staff_change",
        channel="online",
        today=day,
        fields={"change_kind": "add", "insured_name": "赵六", "change_month": "2020-04"},
    )
    assert late.late and not timely.late and "未在人员增减发生当月申报备案" in late.reasons[0]
    # retirement during the deferral: the employee's own arrears must be paid first
    rt = matters.file(
        s,
        qiye,
        "retirement_transfer",
        channel="online",
        today=day,
        fields={"insured_name": "钱七", "business": "retirement", "deferred_from": "2020-02", "deferred_to": "2020-04"},
    )
    matters.accept(s, cw, rt.number, today=day)
    with pytest.raises(matters.MatterProblems) as bad:
        matters.complete(s, cw, rt.number, {"arrears_paid": ""}, today=day)
    assert bad.value.problems == [("arrears_paid", "已补缴该职工缓缴期间欠缴的社会保险费：须确认后勾选")]
    assert matters.complete(s, cw, rt.number, {"arrears_paid": "on"}, today=day).status == "completed"
    # account back-filling: only less than three months before retirement, on copies; originals later
    with pytest.raises(matters.MatterProblems) as bad:
        matters.file(
            s,
            qiye,
            "account_backfill",
            channel="post",
            today=day,
            fields={"insured_name": "孙八", "retirement_date": "2020-09-01"},
        )
    assert bad.value.problems[0][0] == "retirement_date" and "暂停联审" in bad.value.problems[0][1]
    fill = matters.file(
        s,
        qiye,
        "account_backfill",
        channel="post",
        today=day,
        fields={"insured_name": "孙八", "retirement_date": "2020-07-01"},
    )
    assert fill.originals_pending
    # work-group filing: approved on copies, the paper originals tracked
    wg = matters.file(
        s,
        geren,
        "work_injury_filing",
        channel="work_group",
        region="431102",
        today=dt.date(2022, 4, 1),
        fields={"business": "referral", "injured_name": "张三"},
    )
    assert wg.originals_pending
    yz = who(s, "yongzhou_jingban")
    assert matters.originals_received(s, yz, wg.number, today=dt.date(2022, 4, 20)).originals_received_on == dt.date(
        2022, 4, 20
    )
    with pytest.raises(Conflict):
        matters.originals_received(s, yz, wg.number)
    # pension transfer: online only (no paper certificates by post)
    with pytest.raises(matters.MatterProblems) as bad:
        matters.file(
            s,
            geren,
            "pension_transfer",
            channel="post",
            today=day,
            fields={"insured_name": "张三", "direction": "out", "other_place": "河南省郑州市"},
        )
    assert bad.value.problems[0][0] == "channel"
    # resident pension online only after face recognition
    with pytest.raises(matters.MatterProblems) as bad:
        matters.file(s, geren, "resident_pension", channel="online", today=day, fields={"business": "claim"})
    assert bad.value.problems == [("face_verified", "已通过“北京通”人脸识别认证：须确认后勾选")]
    # card replacement: EMS delivery only from its start date
    card = matters.file(
        s,
        geren,
        "si_card_replacement",
        channel="online",
        today=dt.date(2020, 1, 31),
        fields={"address": "北京市朝阳区示例路1号"},
    )
    matters.accept(s, cw, card.number, today=dt.date(2020, 1, 31))
    with pytest.raises(matters.MatterProblems) as bad:
        matters.complete(s, cw, card.number, {"tracking_number": "EA123456789CN"}, today=dt.date(2020, 2, 1))
    assert "2020-02-03" in bad.value.problems[0][1]
    assert matters.complete(
        s, cw, card.number, {"tracking_number": "EA123456789CN"}, today=dt.date(2020, 2, 3)
    ).outcome == {"tracking_number": "EA123456789CN"}
    # a medical worker infected at work: green channel, handled jointly with finance and health
    wi = matters.file(
        s,
        geren,
        "work_injury_benefit",
        channel="online",
        region="420102",
        today=dt.date(2020, 2, 25),
        fields={"injured_name": "张三", "injured_on": "2020-02-01", "medical_covid": "1"},
    )
    assert wi.green_channel and "会同财政部门、卫生健康部门共同办理" in wi.reasons[0]
    s.commit()


def test_complaint_deferred_and_resumed(s: Session) -> None:
    geren, cw = who(s, "geren"), who(s, "chaoyang_jingban")
    c = matters.file(
        s,
        geren,
        "si_complaint",
        channel="walk_in",
        today=dt.date(2020, 2, 10),
        fields={"respondent": "北京示例科技有限公司", "facts": "未为职工缴纳社会保险费"},
        materials=["投诉材料"],
    )
    assert c.region == "110105"  # the person's area, from the ID number
    with pytest.raises(matters.MatterProblems) as bad:
        matters.defer(s, cw, c.number, "")
    assert bad.value.problems == [("reason", "暂缓立案须写明原因")]
    d = matters.defer(s, cw, c.number, "疫情期间暂缓立案，材料已留存", today=dt.date(2020, 2, 10))
    assert (
        d.status == "deferred"
        and d.due_on is None
        and matters.view(d)["deferral_reason"] == "疫情期间暂缓立案，材料已留存"
    )
    with pytest.raises(Conflict):
        matters.complete(s, cw, c.number, {})
    r = matters.resume(s, cw, c.number, today=dt.date(2020, 3, 16))
    assert r.status == "accepted"
    assert r.due_on == add_working_days(dt.date(2020, 3, 16), int(matters.param("matters.time_limit.complaint")))
    # a permit cannot be deferred
    p = matters.file(s, who(s, "qiye"), "working_hours_permit", channel="online", fields=PERMIT, today=BEIJING_DAY)
    with pytest.raises(Conflict):
        matters.defer(s, who(s, "jingban"), p.number, "暂缓")
    s.commit()


def test_advance_and_offline_are_flagged_for_audit(s: Session) -> None:
    geren, cw, auditor = who(s, "geren"), who(s, "jingban"), who(s, "shenji")
    day = dt.date(2020, 2, 12)
    claim = matters.file(
        s,
        geren,
        "pension_claim",
        channel="online",
        today=day,
        fields={"insured_name": "张三", "retirement_month": "2020-02"},
    )
    matters.accept(s, cw, claim.number, advance=True, today=day)
    back = matters.file(
        s,
        geren,
        "si_registration_special",
        channel="fax",
        today=day,
        fields={"insured_kind": "part_time", "insured_name": "张三", "start_month": "2020-02"},
    )
    matters.accept(s, cw, back.number, today=day)
    with pytest.raises(matters.MatterProblems) as bad:
        matters.complete(s, cw, back.number, {}, offline=True, today=day)
    assert bad.value.problems == [("note", "系统外经办或手工应急操作须写明情况，以便事后审核")]
    matters.complete(s, cw, back.number, {}, offline=True, note="传真材料手工登记", today=day)
    permit = matters.file(s, who(s, "qiye"), "working_hours_permit", channel="online", fields=PERMIT, today=day)
    matters.accept(s, cw, permit.number, today=day)
    with pytest.raises(matters.MatterProblems) as bad:  # a permit is decided in the system
        matters.complete(s, cw, permit.number, {"approved_period": "一年"}, offline=True, note="手工")
    assert bad.value.problems[0][0] == "offline"
    with pytest.raises(matters.MatterProblems):  # no advance on a permit
        matters.accept(
            s,
            cw,
            matters.file(s, who(s, "qiye"), "working_hours_permit", channel="online", fields=PERMIT, today=day).number,
            advance=True,
        )
    with pytest.raises(Forbidden):
        matters.flagged(s, cw)
    pending = {m.number for m in matters.flagged(s, auditor, pending_only=True)}
    assert {claim.number, back.number} <= pending and permit.number not in pending
    with pytest.raises(Forbidden):
        matters.audit_done(s, cw, claim.number, "已核")
    done = matters.audit_done(s, auditor, claim.number, "预发待遇已结算", today=dt.date(2020, 6, 1))
    assert done.audited_on == dt.date(2020, 6, 1)
    assert claim.number not in {m.number for m in matters.flagged(s, auditor, pending_only=True)}
    with pytest.raises(Conflict):
        matters.audit_done(s, auditor, claim.number, "再核")
    s.commit()


def test_appointment_slots(s: Session) -> None:
    geren = who(s, "geren")
    today = dt.date(2020, 3, 2)
    slot = matters.appointment_slots(today)[0]
    ok = {"business": "certificate"}
    with pytest.raises(matters.MatterProblems) as bad:
        matters.file(
            s,
            geren,
            "personnel_archive",
            channel="appointment",
            fields=ok,
            today=today,
            appointment_on=dt.date(2020, 3, 7),
            appointment_slot="08:00-09:00",
        )
    assert {f for f, _ in bad.value.problems} == {"appointment_on", "appointment_slot"}  # a Saturday; no such slot
    capacity = int(matters.param("matters.appointment.capacity", today))
    for _ in range(capacity):
        matters.file(
            s,
            geren,
            "personnel_archive",
            channel="appointment",
            fields=ok,
            today=today,
            appointment_on=dt.date(2020, 3, 3),
            appointment_slot=slot,
        )
    with pytest.raises(matters.MatterProblems) as bad:
        matters.file(
            s,
            geren,
            "personnel_archive",
            channel="appointment",
            fields=ok,
            today=today,
            appointment_on=dt.date(2020, 3, 3),
            appointment_slot=slot,
        )
    assert bad.value.problems[0][0] == "appointment_slot" and "已约满" in bad.value.problems[0][1]
    assert matters.file(s, geren, "personnel_archive", channel="post", fields=ok, today=today).appointment_on is None
    s.commit()


def test_api_and_export(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    body = {"matter": "working_hours_permit", "channel": "online", "fields": PERMIT, "materials": []}
    r = client.post("/api/v1/matters", json=body, headers=tokens["qiye"])
    assert r.status_code == 201, r.text
    number = r.json()["number"]
    bad = client.post("/api/v1/matters", json={**body, "fields": {**PERMIT, "workers": "x"}}, headers=tokens["qiye"])
    assert bad.status_code == 400 and "涉及职工人数" in bad.json()["detail"]
    assert client.post("/api/v1/matters", json=body, headers=tokens["jingban"]).status_code == 403
    assert client.get(f"/api/v1/matters/{number}", headers=tokens["xinmi_jingban"]).status_code == 403
    assert client.post(f"/api/v1/matters/{number}/accept", json={}, headers=tokens["jingban"]).status_code == 200
    r = client.post(
        f"/api/v1/matters/{number}/complete", json={"outcome": {"approved_period": "一年"}}, headers=tokens["jingban"]
    )
    assert r.status_code == 200 and r.json()["status"] == "completed"
    x = client.get("/api/v1/matters/queue.xlsx", headers=tokens["jingban"])
    assert x.status_code == 200
    rows = list(load_workbook(io.BytesIO(x.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("办件编号", "办理事项", "申请人") and number in [row[0] for row in rows[1:]]
    assert all(row[3] != "110108" for row in rows[1:])  # region names, not codes
    assert client.get("/api/v1/matters/queue.xlsx", headers=tokens["qiye"]).status_code == 403
    catalog = client.get("/api/v1/matters/catalog").json()
    assert {m["key"] for m in catalog} >= {"working_hours_permit", "si_complaint", "personnel_archive"}


def test_pages_keep_what_was_typed_and_mark_the_field(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    form = {
        "matter": "si_complaint",
        "channel": "walk_in",
        "province": "110000",
        "city": "110100",
        "district": "110105",
        "f_respondent": "北京示例科技有限公司",
        "f_facts": "",
    }
    with session() as db:
        before = count(db)
    r = client.post("/matters/new", data=form, headers=tokens["geren"], follow_redirects=False)
    assert r.status_code == 400
    assert "投诉事项不能为空" in r.text and 'id="err-f_facts"' in r.text
    assert 'value="北京示例科技有限公司"' in r.text  # kept
    assert 'name="f_facts" id="f_facts" maxlength="500" size="40" value="" class="invalid"' in r.text
    with session() as db:
        assert count(db) == before
    r = client.post(
        "/matters/new",
        data={**form, "f_facts": "未足额缴纳社会保险费"},
        headers=tokens["geren"],
        follow_redirects=False,
    )
    assert r.status_code == 303
    number = r.headers["location"].split("/")[2].split("?")[0]
    page = client.get(f"/matters/{number}", headers=tokens["geren"])
    assert "北京市朝阳区" in page.text and "社会保险投诉举报登记" in page.text
    assert re.search(r"<th>提交时间</th><td>\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}</td>", page.text)  # Beijing time
    # the Chaoyang caseworker defers it (暂缓立案) from the page: a reason is required
    cw = {"Authorization": login_token(client, "chaoyang_jingban")}
    r = client.post(f"/matters/{number}/defer", data={"reason": ""}, headers=cw, follow_redirects=False)
    assert r.status_code == 400 and "暂缓立案须写明原因" in r.text
    r = client.post(f"/matters/{number}/defer", data={"reason": "疫情期间暂缓立案"}, headers=cw, follow_redirects=False)
    assert r.status_code == 303
    assert "暂缓立案（已登记留存材料）" in client.get(f"/matters/{number}", headers=cw).text
    assert (
        client.post(f"/matters/{number}/resume", headers=tokens["xinmi_jingban"], follow_redirects=False).status_code
        == 403
    )
    assert client.post(f"/matters/{number}/resume", headers=cw, follow_redirects=False).status_code == 303
    assert "已受理办理中" in client.get(f"/matters/{number}", headers=cw).text
    # the auditor's list of flagged matters; a caseworker may not read it
    complaints = client.get("/matters?matter=si_complaint", headers=cw).text
    claim = "<td>养老保险待遇申领（新增退休人员，可按月预发、补发）</td>"  # filed in Chaoyang by an earlier test
    assert number in complaints and claim not in complaints and claim in client.get("/matters", headers=cw).text
    assert client.get("/matters/audit", headers=tokens["shenji"]).status_code == 200
    assert client.get("/matters/audit", headers=cw).status_code == 403
    x = client.get("/matters/queue.xlsx", headers=cw)
    assert x.status_code == 200 and number in [
        row[0] for row in load_workbook(io.BytesIO(x.content)).active.iter_rows(values_only=True)
    ]


def login_token(client: TestClient, username: str) -> str:
    from tests.desk.conftest import login

    return login(client, username)["Authorization"]


def test_joint_handling_and_back_pay_are_recorded(s: Session) -> None:
    geren, cw = who(s, "geren"), who(s, "jingban")
    day = dt.date(2020, 2, 25)
    wi = matters.file(
        s,
        geren,
        "work_injury_benefit",
        channel="online",
        today=day,
        fields={"injured_name": "张三", "injured_on": "2020-02-01", "medical_covid": "1"},
    )
    assert wi.region == "110105" and wi.green_channel
    matters.accept(s, cw, wi.number, today=day)
    with pytest.raises(matters.MatterProblems) as bad:
        matters.complete(s, cw, wi.number, {"decision": "认定为工伤"}, today=day)
    assert bad.value.problems == [("note", "须写明会同财政部门、卫生健康部门共同办理的情况")]
    assert (
        matters.complete(
            s, cw, wi.number, {"decision": "认定为工伤，待遇已支付"}, note="会同区财政局、卫健委", today=day
        ).status
        == "completed"
    )
    claim = matters.file(
        s,
        geren,
        "pension_claim",
        channel="online",
        today=day,
        fields={"insured_name": "张三", "retirement_month": "2020-01"},
    )
    matters.accept(s, cw, claim.number, today=day)
    done = matters.complete(s, cw, claim.number, {"back_paid_months": "1"}, today=day)
    assert done.outcome == {"back_paid_months": 1} and not done.advance_paid
    assert {"label": "补发月数（未补发填 0）", "name": "back_paid_months", "value": "1"} in matters.view(done)[
        "outcome_shown"
    ]
    s.commit()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_materials_are_uploaded_checked_by_content_and_read_back(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    form = {
        "matter": "work_injury_filing",
        "channel": "work_group",
        "province": "430000",
        "city": "431100",
        "district": "431102",
        "f_business": "recurrence",
        "f_injured_name": "周强",
        "materials": "备案或审批资料电子件",
    }
    with session() as db:
        before = count(db)
    bad = client.post(
        "/matters/new",
        data=form,
        files=[("attachments", ("诊断.pdf", b"not a pdf", "application/pdf"))],
        headers=tokens["geren"],
        follow_redirects=False,
    )
    assert bad.status_code == 400 and 'id="err-files"' in bad.text and "诊断.pdf" in bad.text
    assert 'value="周强"' in bad.text
    with session() as db:
        assert count(db) == before
    r = client.post(
        "/matters/new",
        data=form,
        files=[("attachments", ("诊断.pdf", PDF, "application/pdf"))],
        headers=tokens["geren"],
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    number = r.headers["location"].split("/")[2].split("?")[0]
    detail = client.get(f"/matters/{number}", headers=tokens["geren"]).text
    assert "诊断.pdf" in detail and "原件" in detail and "永州市零陵区" in detail
    got = client.get(f"/matters/{number}/files/0", headers=tokens["geren"])
    assert got.status_code == 200 and got.content == PDF and got.headers["content-type"] == "application/pdf"
    assert client.get(f"/matters/{number}/files/0", headers=tokens["jingban"]).status_code == 403  # not Yongzhou
    assert client.get(f"/matters/{number}/files/1", headers=tokens["geren"]).status_code == 404
    with session() as db:
        views = (
            db.execute(
                select(AuditEvent).where(AuditEvent.entity_id == number, AuditEvent.action == "matter.file_view")
            )
            .scalars()
            .all()
        )
        assert len(views) == 1 and views[0].actor == "geren"
