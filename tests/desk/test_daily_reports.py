"""Daily reports of technical schools and agencies (每日报告): a file's good rows kept and bad
ones named by row and column, the form's problems named by field with nothing saved, who has
and has not filed a day by district, the rows to report at once, area scoping and the xlsx
export read back."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from renshe.services import daily_reports
from renshe.services.errors import Forbidden, ServiceError
from renshe.store.db import session
from renshe.store.models import User
from renshe.store.models_reports import DailyReport
from tests.desk.conftest import client, database  # noqa: F401  (fixtures)

DAY = dt.date(2020, 3, 2)
MORNING = dt.datetime(2020, 3, 2, 10, 0)
NEXT_MORNING = dt.datetime(2020, 3, 3, 9, 0)
HEADER = "姓名,身份证号,用人单位名称,体温（℃）,症状"


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


@pytest.fixture()
def s(client: TestClient) -> Iterator[Session]:
    with session() as db:
        yield db


def user(s: Session, name: str) -> User:
    return s.execute(select(User).where(User.username == name)).scalar_one()


def count(s: Session) -> int:
    return s.execute(select(func.count()).select_from(DailyReport)).scalar_one()


def test_upload_keeps_good_rows_and_names_bad_ones(s: Session) -> None:
    data = csv(
        "张三,110105198001011238,北京示例科技有限公司,36.5,无",
        "李四,110105198001011239,北京示例科技有限公司,36.6,无",
        "王五,110105199003071239,北京示例科技有限公司,abc,头疼",
        "赵六,110108199505057890,北京示例科技有限公司,38.2,发热、干咳",
        ",,,,",
    )
    result = daily_reports.check_file("dispatch_temperature", data, "t.csv", DAY)
    assert [r["row"] for r in result.accepted] == [1, 4]
    assert result.empty_rows == [5]
    problems = {(r["row"], r["field"]): r["problem"] for r in result.rejected}
    assert "校验码错误" in problems[(2, "身份证号")]
    assert problems[(3, "体温（℃）")] == "“abc”不是体温读数：应为数字，如 36.5"
    assert "症状“头疼”不可识别" in problems[(3, "症状")]
    report = daily_reports.submit(
        s, user(s, "jigou"), "dispatch_temperature", result, day=DAY, at=MORNING, filename="t.csv"
    )
    assert (report.accepted_count, report.flagged_count, report.late) == (2, 1, False)
    assert [r.flagged for r in report.rows] == [False, True]
    assert report.district == "110105"


def test_bad_input_names_field_and_row_and_saves_nothing(s: Session) -> None:
    before = count(s)
    with pytest.raises(daily_reports.ReportFileError, match="缺少列：体温（℃）"):
        daily_reports.check_file(
            "dispatch_temperature", csv("张三,110105198001011238,单位,无", header="姓名,身份证号,用人单位名称,症状")
        )
    with pytest.raises(ServiceError) as err:
        daily_reports.submit_form(
            s,
            user(s, "jigou3"),
            "health_monitoring",
            {"姓名": "张三", "身份证号": "110105198001011238", "人员类别": "临时工", "体温（℃）": "50", "症状": "无"},
            day=DAY,
            at=MORNING,
        )
    assert "人员类别：“临时工”不是可选值" in err.value.message and "体温（℃）：体温 50℃ 不在" in err.value.message
    with pytest.raises(ServiceError, match="尚未到来"):
        daily_reports.submit_form(
            s,
            user(s, "jigou3"),
            "dispatch_temperature",
            {
                "姓名": "张三",
                "身份证号": "110105198001011238",
                "用人单位名称": "单位",
                "体温（℃）": "36.5",
                "症状": "无",
            },
            day=DAY + dt.timedelta(days=1),
            at=MORNING,
        )
    with pytest.raises(Forbidden):
        daily_reports.submit(
            s,
            user(s, "qiye"),
            "dispatch_temperature",
            daily_reports.check_file("dispatch_temperature", csv("张三,110105198001011238,单位,36.5,无")),
        )
    s.flush()
    assert count(s) == before


def test_overdue_list_by_district(s: Session) -> None:
    late = daily_reports.check_file("dispatch_temperature", csv("孙七,110105198001011238,北京示例科技有限公司,36.4,无"))
    daily_reports.submit(s, user(s, "jigou2"), "dispatch_temperature", late, day=DAY, at=NEXT_MORNING)
    view = daily_reports.day_view(s, user(s, "jingban"), "dispatch_temperature", DAY, at=NEXT_MORNING)
    status = {f["filer"]: f["status"] for f in view["filers"]}
    assert status["北京示例人力资源服务有限公司"] == "on_time"
    assert status["北京朝阳示例劳务派遣有限公司"] == "late"
    assert status["北京朝阳示例人力资源外包有限公司"] == "missing"
    assert status["北京海淀示例人力资源服务有限公司"] == "missing"
    districts = {d["district_name"]: d for d in view["districts"]}
    assert (
        districts["北京市朝阳区"]["on_time"],
        districts["北京市朝阳区"]["late"],
        districts["北京市朝阳区"]["missing"],
    ) == (1, 1, 1)
    assert districts["北京市海淀区"]["missing"] == 1
    assert {f["filer"] for f in view["overdue"]} == {
        "北京朝阳示例人力资源外包有限公司",
        "北京海淀示例人力资源服务有限公司",
    }
    assert [a["姓名"] for a in view["alerts"]] == ["赵六"]
    assert view["alerts"][0]["身份证号"] != "110108199505057890"  # the municipal bureau sees it masked
    same_day = daily_reports.day_view(s, user(s, "jingban"), "dispatch_temperature", DAY, at=MORNING)
    assert {f["status"] for f in same_day["filers"]} == {"on_time", "pending"}  # not overdue before the day ends


def test_another_districts_caseworker_sees_nothing(s: Session) -> None:
    report_id = (
        s.execute(select(DailyReport.id).where(DailyReport.kind == "dispatch_temperature").order_by(DailyReport.id))
        .scalars()
        .first()
    )
    assert report_id is not None
    xinmi = user(s, "xinmi_jingban")
    view = daily_reports.day_view(s, xinmi, "dispatch_temperature", DAY, at=NEXT_MORNING)
    assert view["filers"] == [] and view["alerts"] == []
    with pytest.raises(Forbidden):
        daily_reports.detail(s, xinmi, report_id)
    with pytest.raises(Forbidden):
        daily_reports.detail(s, user(s, "jigou_hd"), report_id)  # another agency
    own_district = daily_reports.detail(s, user(s, "chaoyang_jingban"), report_id)
    assert own_district["masked"] is False and own_district["rows"][1]["身份证号"] == "110108199505057890"
    municipal = daily_reports.detail(s, user(s, "jingban"), report_id)
    assert municipal["masked"] is True and "*" in municipal["rows"][1]["身份证号"]
    export = load_workbook(io.BytesIO(daily_reports.export_day(s, xinmi, "dispatch_temperature", DAY)))
    assert export.active.max_row == 1  # the header only


def test_export_round_trip_keeps_text_as_data(s: Session) -> None:
    tricky = daily_reports.check_file(
        "health_monitoring",
        csv(
            '=HYPERLINK("x"),110105198001011238,外包派遣员工,37.5,乏力', header="姓名,身份证号,人员类别,体温（℃）,症状"
        ),
    )
    daily_reports.submit(s, user(s, "jigou_hd"), "health_monitoring", tricky, day=DAY, at=MORNING)
    data = daily_reports.export_day(s, user(s, "chaoyang_jingban"), "health_monitoring", DAY)
    ws = load_workbook(io.BytesIO(daily_reports.export_day(s, user(s, "jingban"), "health_monitoring", DAY))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("报送机构", "所在区", "报送时间", "是否逾期", "须立即报告")
    assert rows[1][0] == "北京海淀示例人力资源服务有限公司" and rows[1][1] == "北京市海淀区"
    assert rows[1][4] == "是" and rows[1][5] == '=HYPERLINK("x")' and ws.cell(2, 6).data_type == "s"
    assert rows[1][2] == "2020-03-02 10:00"
    chaoyang = load_workbook(io.BytesIO(data)).active
    assert chaoyang.max_row == 1  # Haidian's report is not in Chaoyang's export


def test_technical_school_owes_each_day_once_it_has_begun(s: Session) -> None:
    header = "姓名,身份证号,人员类别,体温（℃）,症状,返校前两周健康排查"
    first = daily_reports.check_file(
        "technical_school",
        csv("周八,110105198001011238,学生,36.5,无,正常", "吴九,110105199003071239,教师,36.7,无,未排查", header=header),
    )
    school = user(s, "jigou3")
    daily_reports.submit(s, school, "technical_school", first, day=DAY, at=MORNING)
    view = daily_reports.day_view(
        s,
        user(s, "chaoyang_jingban"),
        "technical_school",
        DAY + dt.timedelta(days=1),
        at=NEXT_MORNING + dt.timedelta(days=1),
    )
    assert [(f["filer"], f["status"]) for f in view["filers"]] == [("北京朝阳示例人力资源外包有限公司", "missing")]
    assert (
        daily_reports.day_view(s, user(s, "chaoyang_jingban"), "technical_school", DAY, at=NEXT_MORNING)["alerts"][0][
            "返校前两周健康排查"
        ]
        == "未排查"
    )


def test_non_cooperation_is_filed_when_it_happens_and_never_overdue(s: Session) -> None:
    header = "用人单位名称,用人单位统一社会信用代码,未落实的防疫措施,情况说明"
    result = daily_reports.check_file(
        "non_cooperation",
        csv(
            "北京示例科技有限公司,91110108MA01C7LM3W,分散就餐,食堂仍集中就餐",
            "某公司,91110108MA01C7LM3X,消毒,无",
            header=header,
        ),
    )
    assert [(r["row"], r["field"]) for r in result.rejected] == [
        (2, "用人单位统一社会信用代码"),
        (2, "未落实的防疫措施"),
    ]
    daily_reports.submit(s, user(s, "jigou"), "non_cooperation", result, day=DAY, at=MORNING)
    view = daily_reports.day_view(s, user(s, "chaoyang_jingban"), "non_cooperation", DAY, at=NEXT_MORNING)
    assert view["overdue"] == [] and len(view["alerts"]) == 1 and view["daily"] is False
