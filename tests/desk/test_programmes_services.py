"""Employment-service ledgers of Xinmi and Yongzhou (就业服务台账): overcapacity resettlement,
returnee start-up services, flexible-employment guidance, campus career guidance; guaranteed-loan
post-loan management; public-welfare posts and the resettlement review (回头看) — on the real store."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.services import employment_services as es
from renshe.services import guaranteed_loans, welfare_posts
from renshe.services.errors import Conflict, Forbidden
from renshe.services.programmes_common import FieldError
from renshe.store.models_programmes import GuaranteedLoan, ServiceRecord, WelfareCandidate
from tests.desk.conftest import count, user, valid_id

XINMI_ID = "410183199001011234"


def test_ledger_record_follow_up_and_overdue(s: Session) -> None:
    cw = user(s, "xinmi_jingban")
    a = valid_id("410183", "19800101", "123")
    worker = es.record(
        s,
        cw,
        "overcapacity",
        region="410183",
        name="刘一",
        id_number=a,
        served_on="2020-05-11",
        enterprise="新密示例耐材有限公司",
        uscc="91410183MA45CCCC35",
        service="摸底登记",
    )
    assert worker.option == "" and worker.follow_up_due == dt.date(2020, 5, 25)  # 10 working days
    es.record(
        s,
        cw,
        "overcapacity",
        region="410183",
        name="刘二",
        id_number=valid_id("410183", "19810101", "123"),
        served_on="2020-05-11",
        enterprise="新密示例耐材有限公司",
        uscc="91410183MA45CCCC35",
        option="内部转岗",
    )
    led = es.ledger(s, cw, "overcapacity", today=dt.date(2020, 5, 26))
    firm = next(e for e in led["enterprises"] if e["uscc"] == "91410183MA45CCCC35")
    assert firm["workers"] >= 2 and firm["unplaced"] >= 1
    assert worker.id in {r["id"] for r in led["overdue"]}
    es.follow_up(s, cw, worker.id, on=dt.date(2020, 5, 26), option="公益性岗位托底", note="已安排护林员岗位")
    led = es.ledger(s, cw, "overcapacity", today=dt.date(2020, 5, 26))
    assert worker.id not in {r["id"] for r in led["overdue"]}
    row = next(r for r in led["records"] if r["id"] == worker.id)
    assert row["option"] == "公益性岗位托底" and "已安排护林员岗位" in row["service"] and "*" in row["id_number"]
    flex = es.record(
        s,
        cw,
        "flexible",
        region="410183",
        name="周三",
        id_number=valid_id("410183", "19900101", "223"),
        served_on="2020-06-01",
        option="新就业形态",
        service="告知职业伤害保障并指导签订协议",
    )
    ret = es.record(
        s,
        cw,
        "returnee",
        region="410183",
        name="吴四",
        id_number=valid_id("410183", "19850101", "323"),
        served_on="2020-06-01",
        option="推荐“创业之星”",
    )
    assert {flex.kind, ret.kind} == {"flexible", "returnee"}
    yz = user(s, "yongzhou_jingban")
    expert = es.add_expert(s, yz, region="431102", name="唐老师", institution="湖南科技学院", speciality="就业指导")
    session_ = es.record(
        s,
        yz,
        "campus",
        region="431102",
        name="蒋五",
        id_number=valid_id("431102", "20000101", "423"),
        served_on="2022-04-06",
        option="简历与面试",
        expert_id=expert.id,
    )
    campus = es.ledger(s, yz, "campus", today=dt.date(2022, 4, 7))
    assert next(r for r in campus["records"] if r["id"] == session_.id)["expert"] == "唐老师"
    sheet = load_workbook(io.BytesIO(es.ledger_xlsx(campus))).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == es.LEDGER_HEADER and any(r[3] == "蒋五" and r[12] == "唐老师" for r in rows[1:])


def test_ledger_bad_input_names_the_field(s: Session) -> None:
    cw = user(s, "xinmi_jingban")
    before = count(s, ServiceRecord)
    good = {
        "region": "410183",
        "name": "甲",
        "id_number": valid_id("410183", "19800101", "523"),
        "served_on": "2020-05-11",
        "option": "临时性",
    }
    for change, field, words in (
        ({"option": "兼职"}, "option", "就业形式“兼职”应为"),
        ({"id_number": XINMI_ID[:-1] + "X"}, "id_number", "身份证号有误"),
        ({"served_on": "2020/5/11"}, "served_on", "YYYY-MM-DD"),
        ({"name": " "}, "name", "姓名不能为空"),
        ({"region": "41018"}, "region", "不是有效的行政区划代码"),
    ):
        with pytest.raises(FieldError) as e:
            es.record(s, cw, "flexible", **{**good, **change})
        assert e.value.field == field and words in e.value.message, e.value.message
    with pytest.raises(FieldError) as e:
        es.record(s, cw, "overcapacity", **{**good, "option": ""}, enterprise="某厂", uscc="91410183MA45CCCC3X")
    assert e.value.field == "uscc"
    with pytest.raises(FieldError) as e:
        es.record(s, user(s, "yongzhou_jingban"), "campus", **{**good, "region": "431102", "option": "求职规划"})
    assert e.value.field == "expert_id"
    with pytest.raises(Forbidden):
        es.record(s, user(s, "chaoyang_jingban"), "flexible", **good)
    assert count(s, ServiceRecord) == before


def test_loans_overdue_and_visits_due(s: Session) -> None:
    cw = user(s, "xinmi_jingban")
    loan = guaranteed_loans.add(
        s,
        cw,
        region="410183",
        borrower="郑六",
        id_number=valid_id("410183", "19880101", "623"),
        bank="新密农商银行",
        amount="150000",
        issued_on="2020-06-01",
        due_on="2021-05-31",
    )
    other = guaranteed_loans.add(
        s,
        cw,
        region="410183",
        borrower="王七",
        id_number=valid_id("410183", "19870101", "623"),
        bank="新密农商银行",
        amount="100000",
        issued_on="2020-06-01",
        due_on="2020-11-30",
    )
    with pytest.raises(FieldError) as e:
        guaranteed_loans.add(
            s,
            cw,
            region="410183",
            borrower="x",
            id_number=valid_id("410183", "19870101", "723"),
            bank="b",
            amount="十万",
            issued_on="2020-06-01",
            due_on="2021-05-31",
        )
    assert e.value.field == "amount"
    book = guaranteed_loans.book(s, cw, today=dt.date(2020, 9, 1))
    due = {i["id"] for i in book["visits_due"]}
    assert {loan.id, other.id} <= due  # 60 working days after 1 June 2020 is in August
    guaranteed_loans.visit(s, cw, loan.id, on=dt.date(2020, 8, 20), note="经营正常")
    book = guaranteed_loans.book(s, cw, today=dt.date(2020, 12, 1))
    items = {i["id"]: i for i in book["loans"]}
    assert items[other.id]["status_name"] == "逾期" and other.id in {i["id"] for i in book["overdue"]}
    assert items[loan.id]["status_name"] == "正常" and loan.id in {i["id"] for i in book["visits_due"]}
    assert loan.id not in {i["id"] for i in guaranteed_loans.book(s, cw, today=dt.date(2020, 11, 2))["visits_due"]}
    guaranteed_loans.settle(s, cw, other.id, extended_to=dt.date(2021, 5, 31))
    assert {i["id"]: i for i in guaranteed_loans.book(s, cw, today=dt.date(2020, 12, 1))["loans"]}[other.id][
        "status_name"
    ] == "展期"
    guaranteed_loans.settle(s, cw, loan.id, repaid_on=dt.date(2021, 5, 20))
    with pytest.raises(FieldError):
        guaranteed_loans.settle(s, cw, other.id)
    final = {i["id"]: i for i in guaranteed_loans.book(s, cw, today=dt.date(2021, 12, 1))["loans"]}
    assert final[loan.id]["status_name"] == "已结清" and not final[loan.id]["visit_due"]
    assert "*" in final[loan.id]["id_number"]


def test_welfare_posts_queue_review_and_place(s: Session) -> None:
    xm = user(s, "xinmi_jingban")
    post = welfare_posts.add_post(
        s, xm, region="410183", title="护林防火员", post_type="护林防火", places=1, full_time=False
    )
    with pytest.raises(FieldError) as e:
        welfare_posts.add_post(s, xm, region="410183", title="清洁", post_type="保洁", places=1)
    assert e.value.field == "post_type"
    hard = welfare_posts.add_candidate(
        s, xm, region="410183", name="困难甲", id_number=valid_id("410183", "19700101", "823"), group="就业困难人员"
    )
    poor = welfare_posts.add_candidate(
        s, xm, region="410183", name="贫困乙", id_number=valid_id("410183", "19710101", "823"), group="建档立卡贫困人口"
    )
    board = welfare_posts.board(s, xm, today=dt.date(2020, 6, 1))
    order = [p["id"] for p in board["queue"] if p["id"] in (hard.id, poor.id)]
    assert order == [poor.id, hard.id]  # registered poor persons first
    welfare_posts.place(s, xm, poor.id, post.id, on=dt.date(2020, 6, 2))
    with pytest.raises(Conflict, match="已满"):
        welfare_posts.place(s, xm, hard.id, post.id, on=dt.date(2020, 6, 2))
    yz = user(s, "yongzhou_jingban")
    fisher = welfare_posts.add_candidate(
        s, yz, region="431102", name="渔民丙", id_number=valid_id("431102", "19650101", "823"), group="退捕渔民"
    )
    lifted = welfare_posts.add_candidate(
        s, yz, region="431102", name="脱贫丁", id_number=valid_id("431102", "19660101", "823"), group="脱贫人口"
    )
    working = welfare_posts.add_candidate(
        s, yz, region="431102", name="脱贫戊", id_number=valid_id("431102", "19670101", "823"), group="脱贫人口"
    )
    review_day = dt.date(2022, 4, 1)
    assert {fisher.id, lifted.id, working.id} <= {p["id"] for p in welfare_posts.board(s, yz, review_day)["to_review"]}
    welfare_posts.review(s, yz, lifted.id, on=review_day, employed=False, market_failed=True)
    welfare_posts.review(s, yz, fisher.id, on=review_day, employed=False, market_failed=False)
    welfare_posts.review(s, yz, working.id, on=review_day, employed=True)
    board = welfare_posts.board(s, yz, today=review_day)
    queue = [p["id"] for p in board["queue"] if p["id"] in (fisher.id, lifted.id, working.id)]
    assert queue == [lifted.id, fisher.id]  # hard to place through the market first; the employed not queued
    river = welfare_posts.add_post(s, yz, region="431102", title="护河巡库员", post_type="护河巡库", places=2)
    with pytest.raises(Conflict, match="已就业"):
        welfare_posts.place(s, yz, working.id, river.id, on=review_day)
    with pytest.raises(FieldError):
        welfare_posts.place(s, yz, lifted.id, post.id, on=review_day)  # Xinmi's post is not in Yongzhou
    welfare_posts.place(s, yz, lifted.id, river.id, on=review_day)
    assert lifted.id in {p["id"] for p in welfare_posts.board(s, yz, review_day)["placed"]}


def test_ledgers_are_scoped_to_the_district(s: Session) -> None:
    xm = user(s, "xinmi_jingban")
    es.record(
        s,
        xm,
        "flexible",
        region="410183",
        name="范围甲",
        id_number=valid_id("410183", "19920101", "923"),
        served_on="2020-06-01",
        option="季节性",
    )
    guaranteed_loans.add(
        s,
        xm,
        region="410183",
        borrower="范围乙",
        id_number=valid_id("410183", "19930101", "923"),
        bank="银行",
        amount=1000,
        issued_on="2020-06-01",
        due_on="2021-06-01",
    )
    welfare_posts.add_candidate(
        s, xm, region="410183", name="范围丙", id_number=valid_id("410183", "19940101", "923"), group="脱贫人口"
    )
    other = user(s, "chaoyang_jingban")
    assert all(r["name"] != "范围甲" for r in es.ledger(s, other, "flexible")["records"])
    assert all(i["borrower"] != "范围乙" for i in guaranteed_loans.book(s, other)["loans"])
    assert all(p["name"] != "范围丙" for p in welfare_posts.board(s, other)["queue"])
    loan_id = s.execute(select(GuaranteedLoan.id).where(GuaranteedLoan.borrower == "范围乙")).scalar_one()
    with pytest.raises(Forbidden):
        guaranteed_loans.visit(s, other, loan_id, on=dt.date(2020, 7, 1))
    cand = s.execute(select(WelfareCandidate.id).where(WelfareCandidate.name == "范围丙")).scalar_one()
    with pytest.raises(Forbidden):
        welfare_posts.review(s, other, cand, on=dt.date(2022, 4, 1), employed=True)
    for fn in (lambda: es.ledger(s, user(s, "qiye"), "flexible"), lambda: guaranteed_loans.book(s, user(s, "geren"))):
        with pytest.raises(Forbidden):
            fn()
