"""Online training (“互联网+职业技能培训”): the platform catalogue (征集、遴选、公布批次、查询),
training projects filed online and decided (线上审批备案, 创业培训开班填报), trainees and their
completion assessment, the statistics workbook, the park training-needs ledger — on the real
store (SQLite here, PostgreSQL when RENSHE_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from renshe.services import training, training_needs
from renshe.services.errors import Forbidden, ServiceError
from renshe.services.programmes_common import FieldError
from renshe.store.models_programmes import ParkTrainingNeed, TrainingPlatform, TrainingProject
from tests.desk.conftest import count, user

DAY = dt.date(2020, 3, 2)  # a Monday


def workbook(header: list[str], rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


CATALOGUE = list(training.CATALOGUE_HEADERS.values())


def selected_platform(s: Session, region: str = "110000", name: str = "示例职业技能在线学院") -> TrainingPlatform:
    p = training.propose_platform(
        s,
        user(s, "jigou"),
        name=name,
        region=region,
        url="https://example.org",
        courses=[{"title": "电工基础", "occupation": "电工", "hours": 40}],
    )
    cw = user(s, "jingban" if region.startswith("11") else "xinmi_jingban")
    return training.decide_platform(s, cw, p.id, select_it=True, recognised_hours=40)


def test_platform_call_select_and_refuse(s: Session) -> None:
    agency, cw = user(s, "jigou"), user(s, "jingban")
    good = training.propose_platform(
        s,
        agency,
        name="甲在线培训平台",
        region="110000",
        courses=[{"title": "养老护理员（初级）", "occupation": "养老护理员", "hours": 32}],
    )
    bad = training.propose_platform(s, agency, name="乙在线培训平台", region="110000")
    assert good.status == bad.status == "proposed"
    assert {p["id"] for p in training.proposals(s, cw)} >= {good.id, bad.id}
    with pytest.raises(Forbidden):
        training.decide_platform(s, user(s, "xinmi_jingban"), good.id, select_it=True)
    training.decide_platform(s, cw, good.id, select_it=True, recognised_hours=32)
    with pytest.raises(FieldError) as e:
        training.decide_platform(s, cw, bad.id, select_it=False)
    assert e.value.field == "reason" and "理由" in e.value.message
    training.decide_platform(s, cw, bad.id, select_it=False, reason="资质证明不全")
    with pytest.raises(ServiceError, match="该平台未纳入，不能再次遴选"):
        training.decide_platform(s, cw, bad.id, select_it=True)
    names = {p["name"] for p in training.search(s, region="110105")}
    assert "甲在线培训平台" in names and "乙在线培训平台" not in names
    hit = next(p for p in training.search(s, occupation="养老护理员") if p["name"] == "甲在线培训平台")
    assert hit["recognised_hours"] == 32 and hit["courses"][0]["hours"] == 32 and hit["status_name"] == "已纳入目录"


def test_published_batch_from_workbook(s: Session) -> None:
    data = workbook(
        CATALOGUE,
        [
            ["首都职业技能云课堂", "https://a.example", "网约配送员", "网约配送员", 16, "是"],
            ["首都职业技能云课堂", "https://a.example", "健康照护", "健康照护师", 24, "是"],
            ["京华技能在线", "https://b.example", "焊工安全", "焊工", 12, "否"],
        ],
    )
    before = {b["batch"]: b["entered"] for b in training.batch_completeness(s)}
    made = training.import_batch(s, user(s, "jingban"), data, region="110000", batch="京能指文〔2020〕1号 第一批")
    assert sorted(p.name for p in made) == ["京华技能在线", "首都职业技能云课堂"]
    assert all(p.status == "selected" for p in made)
    assert [len(p.courses) for p in sorted(made, key=lambda p: p.name)] == [1, 2]
    assert next(p for p in made if p.name == "京华技能在线").free is False
    after = {b["batch"]: b for b in training.batch_completeness(s)}
    first = after["京能指文〔2020〕1号"]
    assert first["entered"] == before["京能指文〔2020〕1号"] + 2 and first["published"] == 23
    assert after["京能指文〔2020〕3号"]["published"] == 28 and first["citation"]["doc_no"] == "京能指文〔2020〕1号"
    free = training.search(s, batch="京能指文〔2020〕1号", free_only=True)
    assert "首都职业技能云课堂" in {p["name"] for p in free} and "京华技能在线" not in {p["name"] for p in free}


def test_bad_catalogue_row_saves_nothing(s: Session) -> None:
    before = count(s, TrainingPlatform)
    data = workbook(
        CATALOGUE, [["丙平台", "", "课程一", "电工", 8, "是"], ["丙平台", "", "课程二", "电工", "八", "是"]]
    )
    with pytest.raises(FieldError) as e:
        training.import_batch(s, user(s, "jingban"), data, region="110000", batch="京能指文〔2020〕3号 第二批")
    assert e.value.row == 3 and e.value.field == "hours" and "第 3 行：学时“八”" in e.value.message
    with pytest.raises(FieldError, match="缺少“学时”列"):
        training.import_batch(
            s,
            user(s, "jingban"),
            workbook(CATALOGUE[:4], [["丁", "", "课", "电工"]]),
            region="110000",
            batch="京能指文〔2020〕3号",
        )
    assert count(s, TrainingPlatform) == before


def test_catalogue_search(s: Session) -> None:
    selected_platform(s, "110000", "北京电工在线")
    selected_platform(s, "410183", "新密电工在线")
    national = training.propose_platform(
        s,
        user(s, "jigou"),
        name="中国职业培训在线",
        region=training.NATIONAL,
        courses=[{"title": "电工技能提升", "occupation": "电工", "hours": 20}],
    )
    training.decide_platform(s, user(s, "xinmi_jingban"), national.id, select_it=True)
    in_xinmi = {p["name"] for p in training.search(s, region="410183", occupation="电工")}
    assert {"新密电工在线", "中国职业培训在线"} <= in_xinmi and "北京电工在线" not in in_xinmi
    assert next(p for p in training.search(s, q="中国职业培训在线"))["region_name"] == "全国"
    assert training.search(s, occupation="不存在的工种") == []


def test_file_approve_refuse_and_overdue(s: Session) -> None:
    platform = selected_platform(s, "110000", "审批用平台")
    agency, cw = user(s, "jigou"), user(s, "jingban")
    p = training.file_project(
        s,
        agency,
        region="110105",
        kind="培训项目",
        title="网约配送员线上培训",
        mode="线上培训",
        trainee_group="待岗职工",
        start_date="2020-03-16",
        end_date="2020-04-10",
        planned=30,
        platform_id=platform.id,
        today=DAY,
    )
    assert p.status == "filed" and p.due_on == dt.date(2020, 3, 9)  # 5 working days after Mon 2 March
    startup = training.file_project(
        s,
        user(s, "qiye"),
        region="110105",
        kind="创业培训开班",
        title="创业培训第1期",
        mode="定向培训",
        trainee_group="登记失业人员",
        start_date="2020-03-20",
        end_date="2020-03-30",
        planned=20,
        today=DAY,
    )
    late = training.overdue(s, cw, today=dt.date(2020, 3, 10))
    assert {v["id"] for v in late} >= {p.id, startup.id} and late[0]["overdue"]
    assert p.id not in {v["id"] for v in training.overdue(s, cw, today=dt.date(2020, 3, 9))}  # due that day
    training.decide_project(s, cw, p.id, approve=True)
    with pytest.raises(FieldError) as e:
        training.decide_project(s, cw, startup.id, approve=False)
    assert e.value.field == "reason"
    training.decide_project(s, cw, startup.id, approve=False, reason="开班计划缺少师资信息")
    assert {v["id"] for v in training.overdue(s, cw, today=dt.date(2020, 3, 10))}.isdisjoint({p.id, startup.id})
    mine = {v["id"]: v for v in training.projects(s, agency)}
    assert mine[p.id]["status_name"] == "已通过" and startup.id not in mine
    theirs = {v["id"]: v for v in training.projects(s, user(s, "qiye"))}
    assert theirs[startup.id]["reason"] == "开班计划缺少师资信息" and theirs[startup.id]["status_name"] == "未通过"
    with pytest.raises(ServiceError, match="该项目已通过，不能再次审批"):
        training.decide_project(s, cw, p.id, approve=False, reason="x")
    with pytest.raises(Forbidden):
        training.decide_project(s, agency, startup.id, approve=True)


def test_filing_errors_name_the_field(s: Session) -> None:
    before = count(s, TrainingProject)
    good = {
        "region": "110105",
        "kind": "培训项目",
        "title": "焊工培训",
        "mode": "订单培训",
        "trainee_group": "企业职工",
        "start_date": "2020-03-16",
        "end_date": "2020-03-20",
        "planned": 10,
        "today": DAY,
    }
    for change, field, words in (
        ({"mode": "函授"}, "mode", "培训方式“函授”应为"),
        ({"start_date": "2020-02-28"}, "start_date", "开班前填报"),
        ({"end_date": "2020-03-01"}, "end_date", "早于开班日期"),
        ({"region": "119999"}, "region", "不是有效的行政区划代码"),
        ({"planned": 0}, "planned", "计划人数"),
        ({"mode": "线上培训"}, "platform_id", "须选择目录中的线上培训平台"),
        ({"start_date": "3月16日"}, "start_date", "YYYY-MM-DD"),
        ({"trainee_group": ""}, "trainee_group", "参训人员类别"),
    ):
        with pytest.raises(FieldError) as e:
            training.file_project(s, user(s, "jigou"), **{**good, **change})
        assert e.value.field == field and words in e.value.message, (change, e.value.message)
    with pytest.raises(Forbidden):
        training.file_project(s, user(s, "geren"), **good)
    assert count(s, TrainingProject) == before


def approved(s: Session, region: str = "110105", title: str = "统计用项目") -> TrainingProject:
    platform = selected_platform(s, "110000", f"{title}平台")
    p = training.file_project(
        s,
        user(s, "jigou"),
        region=region,
        kind="培训项目",
        title=title,
        mode="线上培训",
        trainee_group="在岗职工",
        start_date="2020-04-01",
        end_date="2020-05-30",
        planned=5,
        platform_id=platform.id,
        today=DAY,
    )
    cw = user(s, "haidian_jingban" if region == "110108" else "jingban")
    return training.decide_project(s, cw, p.id, approve=True)


def test_enrol_assess_and_statistics_round_trip(s: Session) -> None:
    p = approved(s)
    agency = user(s, "jigou")
    a = training.enrol(s, agency, p.id, name="张三", id_number="110105198001011238", enrolled_on="2020-04-02")
    b = training.enrol(s, agency, p.id, name="王五", id_number="110105199003071239", enrolled_on="2020-05-06")
    with pytest.raises(FieldError) as e:
        training.enrol(s, agency, p.id, name="李四", id_number="110105199003071230")
    assert e.value.field == "id_number" and "校验码" in e.value.message
    with pytest.raises(FieldError, match="已在本项目登记"):
        training.enrol(s, agency, p.id, name="张三", id_number="110105198001011238")
    training.record_result(s, agency, a.id, completed_on="2020-05-30", passed=True)
    training.record_result(s, agency, b.id, completed_on="2020-05-30", passed=False)
    with pytest.raises(FieldError, match="早于报名日期"):
        training.record_result(s, agency, b.id, completed_on="2020-04-01", passed=True)
    stats = training.statistics(s, user(s, "jingban"), year=2020)
    rows = {(r["region"], r["month"]): r for r in stats["rows"]}
    assert rows[("110105", "2020-04")]["enrolled"] >= 1 and rows[("110105", "2020-05")]["enrolled"] >= 1
    assert rows[("110105", "2020-04")]["passed"] >= 1 and stats["by_mode"]["线上培训"] >= 2
    assert stats["campaign"] >= 2  # both inside 2020-03-21..2020-06-30 on a catalogued platform
    sheet = load_workbook(io.BytesIO(training.statistics_xlsx(stats))).worksheets[0]
    back = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert back[0] == training.STAT_HEADER
    assert [
        [r["region"], r["region_name"], r["month"], r["enrolled"], r["completed"], r["passed"]] for r in stats["rows"]
    ] == back[1:]
    file = training.training_file(s, user(s, "jingban"), "110105198001011238")
    assert any(f["project"] == "统计用项目" and f["passed"] is True for f in file)
    assert (
        training.masked_trainees(p)[0]["id_number"].startswith("110105")
        and "*" in training.masked_trainees(p)[0]["id_number"]
    )


def test_scoping_other_district(s: Session) -> None:
    p = approved(s, "110108", "海淀项目")
    training.enrol(s, user(s, "jigou"), p.id, name="赵六", id_number="110108199505057890", enrolled_on="2020-04-03")
    chaoyang = user(s, "chaoyang_jingban")
    assert p.id not in {v["id"] for v in training.projects(s, chaoyang)}
    assert all(r["region"] != "110108" for r in training.statistics(s, chaoyang)["rows"])
    assert any(r["region"] == "110108" for r in training.statistics(s, user(s, "haidian_jingban"))["rows"])
    with pytest.raises(Forbidden):
        training.get_project(s, user(s, "xinmi_jingban"), p.id)
    with pytest.raises(Forbidden):
        training.statistics(s, user(s, "qiye"))


def test_park_needs_ledger_round_trip(s: Session) -> None:
    cw = user(s, "yongzhou_jingban")
    line = {
        "region": "431102",
        "park": "永州经开区",
        "uscc": "91110108MA01C7LM3W",
        "enterprise": "永州示例电子有限公司",
        "occupation": "电子装配工",
        "headcount": 40,
        "updated_on": "2022-04-01",
    }
    training_needs.record(s, cw, **line)
    training_needs.record(s, cw, **{**line, "headcount": 55, "updated_on": "2022-05-01"})  # replaces
    training_needs.record(s, cw, **{**line, "occupation": "叉车司机", "headcount": 6, "updated_on": "2022-01-02"})
    led = training_needs.ledger(s, cw, today=dt.date(2022, 5, 10))
    mine = [x for x in led["lines"] if x["enterprise"] == "永州示例电子有限公司"]
    assert sorted((x["occupation"], x["headcount"], x["stale"]) for x in mine) == [
        ("叉车司机", 6, True),
        ("电子装配工", 55, False),
    ]
    park = next(p for p in led["parks"] if p["park"] == "永州经开区")
    assert park["headcount"] >= 61 and park["stale"] >= 1
    assert training_needs.ledger(s, user(s, "chaoyang_jingban"))["lines"] == []
    with pytest.raises(Forbidden):
        training_needs.record(s, user(s, "chaoyang_jingban"), **line)
    data = training_needs.ledger_xlsx(led)
    before = count(s, ParkTrainingNeed)
    assert training_needs.import_xlsx(s, cw, data) == len(led["lines"])
    assert count(s, ParkTrainingNeed) == before
    assert training_needs.ledger(s, cw, today=dt.date(2022, 5, 10))["lines"] == led["lines"]
    bad = workbook(
        list(training_needs.HEADERS.values()),
        [
            ["431102", "永州经开区", "91110108MA01C7LM3W", "甲", "钳工", 3, "2022-05-01"],
            ["431102", "永州经开区", "91110108MA01C7LM3X", "乙", "钳工", 3, "2022-05-01"],
        ],
    )
    with pytest.raises(FieldError) as e:
        training_needs.import_xlsx(s, cw, bad)
    assert e.value.row == 3 and e.value.field == "uscc"
    assert count(s, ParkTrainingNeed) == before
