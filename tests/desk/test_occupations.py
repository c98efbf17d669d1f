"""The shortage occupation catalogue (急需紧缺职业（工种）目录): a bureau publishes an edition from
a file (each bad row named, nothing saved), in its area; the xlsx download reads back and can be
uploaded again; the job board shows the latest edition."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from renshe.services import occupations
from renshe.services.errors import Forbidden
from renshe.services.reports_common import FieldProblems
from renshe.store.db import session
from renshe.store.models import User
from renshe.store.models_reports import OccupationCatalogue
from tests.desk.conftest import client, database  # noqa: F401  (fixtures)

AT = dt.datetime(2020, 5, 20, 10, 0)
GOOD = "职业（工种）,职业编码,紧缺程度,备注\n电工,6-31-01-03,急需,持证上岗\n=1+2,,紧缺,\n"


@pytest.fixture()
def s(client: TestClient) -> Iterator[Session]:
    with session() as db:
        yield db


def user(s: Session, name: str) -> User:
    return s.execute(select(User).where(User.username == name)).scalar_one()


def test_bad_rows_are_named_and_nothing_is_saved(s: Session) -> None:
    before = s.execute(select(func.count()).select_from(OccupationCatalogue)).scalar_one()
    bad = "职业（工种）,紧缺程度\n电工,很缺\n,急需\n".encode()
    with pytest.raises(FieldProblems) as err:
        occupations.publish(s, user(s, "xinmi_jingban"), region="110105", edition="", data=bad, filename="a.csv", at=AT)
    messages = [p["message"] for p in err.value.problems]
    assert "地区“北京市朝阳区”不在您的辖区（河南省郑州市新密市）内" in messages
    assert "目录名称（期次）不能为空" in messages
    assert "第 1 行 紧缺程度：“很缺”应为 急需、紧缺、一般紧缺" in messages
    assert "第 2 行 职业（工种）：必填项为空" in messages
    with pytest.raises(FieldProblems, match="缺少列：紧缺程度"):
        occupations.publish(
            s,
            user(s, "xinmi_jingban"),
            region="410183",
            edition="第一期",
            data="职业（工种）\n电工\n".encode(),
            filename="a.csv",
            at=AT,
        )
    with pytest.raises(Forbidden):
        occupations.publish(s, user(s, "jigou"), region="410183", edition="x", data=GOOD.encode(), at=AT)
    s.flush()
    assert s.execute(select(func.count()).select_from(OccupationCatalogue)).scalar_one() == before


def test_publish_download_and_job_board(s: Session, client: TestClient) -> None:
    cat = occupations.publish(
        s,
        user(s, "xinmi_jingban"),
        region="410183",
        edition="2020年第一期",
        data=GOOD.encode(),
        filename="目录.csv",
        published_on="2020-05-18",
        at=AT,
    )
    s.commit()
    v = occupations.view(cat)
    assert (v["region_name"], v["published_on"], v["count"]) == ("河南省郑州市新密市", "2020-05-18", 2)
    wb = load_workbook(io.BytesIO(occupations.workbook(cat)))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("职业（工种）", "职业编码", "紧缺程度", "备注")
    assert rows[1][:3] == ("电工", "6-31-01-03", "急需") and rows[2][0] == "=1+2"
    assert wb.worksheets[0].cell(3, 1).data_type == "s"
    again = occupations.publish(
        s,
        user(s, "xinmi_jingban"),
        region="410183",
        edition="2020年第二期",
        data=occupations.workbook(cat),
        filename="目录.xlsx",
        at=AT,
    )
    assert [e.occupation for e in again.entries] == ["电工", "=1+2"]
    s.commit()
    assert occupations.latest(s, "410183").edition == "2020年第二期"
    assert occupations.latest(s, "110105") is None
    board = client.get("/jobs?region=410183")
    assert board.status_code == 200 and "急需紧缺职业（工种）目录" in board.text and "2020年第二期" in board.text
    download = client.get(f"/occupations/{again.id}.xlsx")
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(download.content)).worksheets[0].cell(2, 1).value == "电工"
