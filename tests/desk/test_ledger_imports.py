"""Bulk imports of the programme ledgers (台账批量导入) from real workbooks made with openpyxl:
trainees, post-loan management, public-welfare posts, zero-employment households. Good rows are
saved, bad rows come back with their row number, column and what was expected; the same
workbook uploaded again saves nothing twice; the page and its template through HTTP."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.services import guaranteed_loans, ledger_imports, welfare_posts
from renshe.services.errors import Forbidden
from renshe.services.programmes_common import FieldError
from renshe.store.db import session
from renshe.store.models_programmes import (
    LoanVisit,
    TrainingEnrolment,
    WelfareCandidate,
    ZeroEmploymentHousehold,
)
from tests.desk.conftest import count, login, user, valid_id
from tests.desk.test_programmes_training import approved


def filled(name: str, rows: list[list[Any]]) -> bytes:
    """The downloaded template of ``name`` with ``rows`` typed under its header (a real xlsx)."""
    wb = load_workbook(io.BytesIO(ledger_imports.template(name)))
    ws = wb.worksheets[0]
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def problems(result: ledger_imports.Result) -> dict[int, tuple[str, str]]:
    return {r["row"]: (r["field"], r["problem"]) for r in result.rejected}


def test_template_has_the_chinese_headers_and_what_each_column_holds() -> None:
    for name, kind in ledger_imports.SHEETS.items():
        book = load_workbook(io.BytesIO(ledger_imports.template(name)))
        header = [c.value for c in book.worksheets[0][1]]
        assert header == [c.label for c in kind.columns]
        guide = [list(r) for r in book["填写说明"].iter_rows(min_row=2, values_only=True)]
        assert [g[0] for g in guide] == header and all(g[1] for g in guide)
    assert "YYYY-MM-DD" in ledger_imports.LOANS.columns[1].expected()


def test_each_kind_saves_good_rows_reports_bad_ones_and_never_twice(s: Session) -> None:
    # trainees: enrolled, then assessed; a bad ID, date or result is reported on its row and column
    p = approved(s, "110105", "批量导入项目")
    cw = user(s, "jingban")
    a, b = valid_id("110105", "19810203", "401"), valid_id("110105", "19820304", "402")
    bad_id = a[:-1] + ("0" if a[-1] != "0" else "1")
    data = filled(
        "trainees",
        [
            [p.id, "张一", a, "2020-04-02", "2020-05-30", "合格"],
            [p.id, "王二", b, dt.datetime(2020, 4, 3), None, None],
            [p.id, "李三", bad_id, "2020-04-02", None, None],
            [p.id, "赵四", valid_id("110105", "19830405", "403"), "2020/4/2", None, None],
            [p.id, "钱五", valid_id("110105", "19840506", "404"), "2020-04-02", "2020-05-30", "通过"],
            [p.id, "孙六", valid_id("110105", "19850607", "405"), "2020-04-02", "2020-05-30", None],
        ],
    )
    first = ledger_imports.run(s, cw, "trainees", data, "trainees.xlsx")
    assert first.saved == [2, 3] and first.unchanged == []
    bad = problems(first)
    assert bad[4][0] == "身份证号" and "校验码" in bad[4][1]
    assert bad[5] == ("报名日期", "报名日期“2020/4/2”应为 YYYY-MM-DD 格式的日期")
    assert bad[6][0] == "考核结果" and "应为“合格”或“不合格”" in bad[6][1]
    assert bad[7][0] == "考核结果" and "同时填写" in bad[7][1]
    enrolled = {e.id_number: e for e in s.execute(select(TrainingEnrolment)).scalars() if e.project_id == p.id}
    assert set(enrolled) == {a, b} and enrolled[a].passed is True and enrolled[b].completed_on is None
    again = ledger_imports.run(s, cw, "trainees", data, "trainees.xlsx")
    assert again.saved == [] and again.unchanged == [2, 3] and len(again.rejected) == len(first.rejected)
    assert sum(1 for e in s.execute(select(TrainingEnrolment)).scalars() if e.project_id == p.id) == 2

    # post-loan management: a visit and the repayment; an unknown loan and two outcomes refused
    xm = user(s, "xinmi_jingban")
    borrower = valid_id("410183", "19860708", "406")
    loan = guaranteed_loans.add(
        s,
        xm,
        region="410183",
        borrower="周七",
        id_number=borrower,
        bank="新密农商银行",
        amount="80000",
        issued_on="2020-07-01",
        due_on="2021-06-30",
    )
    data = filled(
        "loans",
        [
            [borrower, "2020-07-01", "2020-09-01", "经营正常", None, None],
            [borrower, "2020-07-01", None, None, "2021-06-20", None],
            [borrower, "2020-07-02", "2020-09-01", None, None, None],
            [borrower, "2020-07-01", None, None, "2021-06-20", "2021-12-31"],
        ],
    )
    first = ledger_imports.run(s, xm, "loans", data)
    assert first.saved == [2, 3]
    bad = problems(first)
    assert bad[4][0] == "放款日期" and "本辖区没有" in bad[4][1]
    assert bad[5][0] == "展期到期日" and "只能填写其一" in bad[5][1]
    s.refresh(loan)
    assert loan.repaid_on == dt.date(2021, 6, 20) and [v.on for v in loan.visits] == [dt.date(2020, 9, 1)]
    visits = count(s, LoanVisit)
    again = ledger_imports.run(s, xm, "loans", data)
    assert again.saved == [] and again.unchanged == [2, 3] and count(s, LoanVisit) == visits
    # another district's caseworker finds no such loan in its area
    other = ledger_imports.run(s, user(s, "yongzhou_jingban"), "loans", data)
    assert other.saved == [] and problems(other)[2][0] == "放款日期"

    # public-welfare posts: the review, then the placement on a post named by its title
    welfare_posts.add_post(s, xm, region="410183", title="批量导入保洁岗", post_type="其他公益性岗位", places=2)
    person = valid_id("410183", "19660909", "407")
    c = welfare_posts.add_candidate(s, xm, region="410183", name="吴八", id_number=person, group="就业困难人员")
    review_day = dt.date.today() - dt.timedelta(days=3)
    data = filled(
        "welfare",
        [
            [person, review_day.isoformat(), "否", "是", None, None],
            [person, None, None, None, "批量导入保洁岗", review_day.isoformat()],
            [person, None, None, None, "没有这个岗位", review_day.isoformat()],
            [person, review_day.isoformat(), "也许", None, None, None],
            [valid_id("410183", "19670101", "408"), review_day.isoformat(), "否", None, None, None],
        ],
    )
    first = ledger_imports.run(s, xm, "welfare", data)
    assert first.saved == [2, 3]
    bad = problems(first)
    assert bad[4][0] == "安置岗位" and "没有名为" in bad[4][1]
    assert bad[5] == ("已就业", "已就业“也许”应为“是”或“否”")
    assert bad[6][0] == "身份证号" and "没有该身份证号" in bad[6][1]
    s.refresh(c)
    assert c.market_failed is True and c.post is not None and c.post.title == "批量导入保洁岗"
    again = ledger_imports.run(s, xm, "welfare", data)
    assert again.saved == [] and again.unchanged == [2, 3]

    # zero-employment households: identified (and cleared) from the sheet; a unit not in the table refused
    head, other_head = valid_id("410183", "19680101", "409"), valid_id("410183", "19690101", "410")
    half = valid_id("410183", "19700404", "414")  # identified, then cleared before: the whole row undone
    data = filled(
        "zero-employment",
        [
            ["410183", "袁庄乡政府", "户主丁", head, 3, "2020-05-10", "家庭成员甲，家庭成员乙", "2020-08-01"],
            ["410183", "袁庄乡政府", "户主戊", other_head, 2, "2020-06-01", None, None],
            ["410183", "不存在的乡", "户主己", valid_id("410183", "19700202", "411"), 2, "2020-06-01", None, None],
            ["410183", "袁庄乡政府", "户主庚", valid_id("410183", "19700303", "412"), "两", "2020-06-01", None, None],
            ["410183", "袁庄乡政府", "户主辛", half, 2, "2020-06-01", "成员丙", "2020-05-01"],
        ],
    )
    households = count(s, ZeroEmploymentHousehold)
    first = ledger_imports.run(s, xm, "zero-employment", data)
    assert first.saved == [2, 3] and count(s, ZeroEmploymentHousehold) == households + 2
    bad = problems(first)
    assert bad[4][0] == "乡镇（街道）" and "不在目标任务表中" in bad[4][1]
    assert bad[5] == ("劳动年龄内家庭成员数", "劳动年龄内家庭成员数“两”应为正整数")
    assert bad[6][0] == "就业日期" and "应在认定日期" in bad[6][1]
    assert s.execute(select(ZeroEmploymentHousehold).where(ZeroEmploymentHousehold.id_number == half)).first() is None
    cleared = s.execute(select(ZeroEmploymentHousehold).where(ZeroEmploymentHousehold.id_number == head)).scalar_one()
    assert cleared.employed_name == "家庭成员甲、家庭成员乙" and cleared.employed_on == dt.date(2020, 8, 1)
    again = ledger_imports.run(s, xm, "zero-employment", data)
    assert again.saved == [] and again.unchanged == [2, 3] and count(s, ZeroEmploymentHousehold) == households + 2


def test_a_file_without_a_column_or_from_another_role_saves_nothing(s: Session) -> None:
    wb = Workbook()
    wb.worksheets[0].append(["借款人身份证号", "回访日期"])
    wb.worksheets[0].append([valid_id("410183", "19860708", "406"), "2020-09-02"])
    out = io.BytesIO()
    wb.save(out)
    visits = count(s, LoanVisit)
    with pytest.raises(FieldError) as e:
        ledger_imports.run(s, user(s, "xinmi_jingban"), "loans", out.getvalue(), "loans.xlsx")
    assert e.value.field == "file" and "缺少“放款日期”列" in e.value.message
    with pytest.raises(Forbidden):
        ledger_imports.run(s, user(s, "shenji"), "loans", filled("loans", []), "loans.xlsx")
    assert count(s, LoanVisit) == visits


def test_import_page_template_and_upload(client: TestClient) -> None:
    xm = login(client, "xinmi_jingban")
    page = client.get("/ledger-imports/welfare", headers=xm)
    assert page.status_code == 200 and "下载导入模板" in page.text and 'enctype="multipart/form-data"' in page.text
    assert 'id="import-welfare"' in client.get("/welfare-posts", headers=xm).text
    book = load_workbook(io.BytesIO(client.get("/ledger-imports/welfare.xlsx", headers=xm).content))
    assert [c.value for c in book.worksheets[0][1]] == [c.label for c in ledger_imports.WELFARE.columns]
    person = valid_id("410183", "19710505", "413")
    with session() as db:
        welfare_posts.add_candidate(
            db, user(db, "xinmi_jingban"), region="410183", name="郑九", id_number=person, group="就业困难人员"
        )
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    data = filled("welfare", [[person, day, "是", None, None, None], [person, "昨天", "是", None, None, None]])
    files = {"file": ("welfare.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    r = client.post("/ledger-imports/welfare", headers=xm, files=files)
    assert r.status_code == 200 and "已保存 1 行" in r.text and "有问题 1 行" in r.text
    assert "回头看日期“昨天”应为 YYYY-MM-DD 格式的日期" in r.text
    r = client.post("/ledger-imports/welfare", headers=xm, files=files)
    assert "已保存 0 行；已在台账中、未重复保存 1 行" in r.text
    with session() as db:
        assert db.execute(select(WelfareCandidate).where(WelfareCandidate.id_number == person)).scalar_one().employed
    garbage = {"file": ("welfare.xlsx", b"PK\x03\x04 not really", "application/octet-stream")}
    r = client.post("/ledger-imports/welfare", headers=xm, files=garbage)
    assert r.status_code == 400 and "xlsx 文件已损坏" in r.text
    assert client.get("/ledger-imports/welfare", headers=login(client, "qiye")).status_code == 403
    assert client.get("/ledger-imports/nothing", headers=xm).status_code == 404
    assert client.get("/ledger-imports/welfare", follow_redirects=False).status_code == 303


def test_import_through_the_api(client: TestClient) -> None:
    xm = login(client, "xinmi_jingban")
    template = client.get("/api/v1/ledger-imports/zero-employment/template", headers=xm)
    assert template.status_code == 200
    header = [c.value for c in load_workbook(io.BytesIO(template.content)).worksheets[0][1]]
    assert header == [c.label for c in ledger_imports.ZERO.columns]
    head = valid_id("410183", "19720606", "415")
    data = filled(
        "zero-employment",
        [
            ["410183", "曲梁镇政府", "户主壬", head, 2, "2020-07-01", None, None],
            ["410183", "曲梁镇政府", "户主癸", "410183", 2, "2020-07-01", None, None],
        ],
    )
    files = {"file": ("zero.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    r = client.post("/api/v1/ledger-imports/zero-employment", headers=xm, files=files)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["saved"], body["unchanged"], body["rejected_rows"]) == (1, 0, 1)
    assert body["rejected"][0]["row"] == 3 and body["rejected"][0]["field"] == "户主身份证号"
    again = client.post("/api/v1/ledger-imports/zero-employment", headers=xm, files=files).json()
    assert (again["saved"], again["unchanged"]) == (0, 1)
    refused = client.post("/api/v1/ledger-imports/zero-employment", headers=login(client, "shenji"), files=files)
    assert refused.status_code == 403
    assert client.post("/api/v1/ledger-imports/other", headers=xm, files=files).status_code == 422
