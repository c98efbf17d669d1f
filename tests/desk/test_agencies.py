"""HR service agencies (人力资源服务机构): a permit or filing with remote verification reviewed
by the district, annual reports with good practice published, complaints about fees becoming
cases with outcomes; everything scoped by role and area, bad input named with nothing saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from renshe.services import agencies
from renshe.services.attachments import path_of
from renshe.services.errors import Conflict, Forbidden
from renshe.services.reports_common import FieldProblems
from renshe.store.db import session
from renshe.store.models import User
from renshe.store.models_reports import AgencyFiling, EnforcementCase
from tests.desk.conftest import client, database  # noqa: F401  (fixtures)

AT = dt.datetime(2020, 2, 12, 14, 0)
PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture()
def s(
    client: TestClient, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Session]:
    monkeypatch.setenv("RENSHE_ATTACHMENTS_DIR", str(tmp_path_factory.mktemp("attachments")))
    with session() as db:
        yield db


def user(s: Session, name: str) -> User:
    return s.execute(select(User).where(User.username == name)).scalar_one()


def test_filing_with_remote_verification_is_reviewed_in_the_district(s: Session) -> None:
    agency = user(s, "jigou2")
    before = s.execute(select(func.count()).select_from(AgencyFiling)).scalar_one()
    with pytest.raises(FieldProblems) as err:
        agencies.file(s, agency, kind="licence", services="", verification="remote", at=AT)
    fields = {p["field"]: p["message"] for p in err.value.problems}
    assert fields["kind"].startswith("事项“licence”不是可选值")
    assert fields["services"] == "服务范围不能为空"
    assert fields["files"].startswith("非现场核查须上传核查材料")
    with pytest.raises(FieldProblems, match=r"附件“a\.png”的内容不是可上传的材料类型"):
        agencies.file(
            s,
            agency,
            kind="permit",
            services="职业中介",
            verification="remote",
            files=[("a.png", b"not an image")],
            at=AT,
        )
    s.flush()
    assert s.execute(select(func.count()).select_from(AgencyFiling)).scalar_one() == before
    f = agencies.file(
        s,
        agency,
        kind="permit",
        services="职业中介、人力资源外包",
        verification="remote",
        files=[("经营场所.png", PHOTO)],
        at=AT,
    )
    assert f.district == "110105" and f.status == "submitted"
    assert path_of(f.attachments[0]["sha256"]).read_bytes() == PHOTO
    with pytest.raises(Forbidden):
        agencies.review(s, user(s, "xinmi_jingban"), f.id, approve=True)
    with pytest.raises(Forbidden):
        agencies.get_filing(s, user(s, "jigou_hd"), f.id)
    assert f.id not in [x.id for x in agencies.filings(s, user(s, "xinmi_jingban"))]
    record, data = agencies.material(s, user(s, "chaoyang_jingban"), f.id, 0)  # the reviewer sees the photo
    assert (record["filename"], data) == ("经营场所.png", PHOTO)
    with pytest.raises(Forbidden):
        agencies.material(s, user(s, "xinmi_jingban"), f.id, 0)
    with pytest.raises(FieldProblems, match="审核意见不能为空"):
        agencies.review(s, user(s, "chaoyang_jingban"), f.id, approve=False)
    done = agencies.review(s, user(s, "chaoyang_jingban"), f.id, approve=True, at=AT + dt.timedelta(days=1))
    assert agencies.filing_view(done)["status_name"] == "准予许可/备案"
    with pytest.raises(Conflict):
        agencies.review(s, user(s, "jingban"), f.id, approve=False, note="重复")


def test_annual_report_with_good_practice_is_published(s: Session) -> None:
    agency = user(s, "jigou3")
    with pytest.raises(FieldProblems) as err:
        agencies.submit_annual(s, agency, year="2019", summary="", good_practice="", at=AT)
    assert {p["field"] for p in err.value.problems} == {"year", "summary"}
    r = agencies.submit_annual(
        s,
        agency,
        year=2020,
        summary="全年服务企业120家。",
        good_practice="疫情期间免费为重点企业招聘防疫物资生产工人300名。",
        at=AT,
    )
    with pytest.raises(FieldProblems, match="2020 年度报告已报送"):
        agencies.submit_annual(s, agency, year=2020, summary="再报", good_practice="", at=AT)
    assert r.id not in [x.id for x in agencies.annual_reports(s, None)]  # not public before publication
    with pytest.raises(Forbidden):
        agencies.publish_annual(s, user(s, "xinmi_jingban"), r.id)
    agencies.publish_annual(s, user(s, "chaoyang_jingban"), r.id, commend=True, at=AT)
    public = [agencies.annual_view(x) for x in agencies.annual_reports(s, None, region="110105")]
    assert public[0]["good_practice"].startswith("疫情期间免费") and public[0]["commended"] is True
    assert agencies.annual_reports(s, None, region="410183") == []


def test_fee_complaint_becomes_a_case_with_an_outcome(s: Session) -> None:
    cw = user(s, "chaoyang_jingban")
    target = user(s, "jigou2")
    before = s.execute(select(func.count()).select_from(EnforcementCase)).scalar_one()
    with pytest.raises(FieldProblems) as err:
        agencies.open_case(s, cw, agency_id=str(user(s, "jigou_hd").id), category="fees", complaint="", at=AT)
    fields = {p["field"]: p["message"] for p in err.value.problems}
    assert fields["agency_id"] == "北京海淀示例人力资源服务有限公司属北京市海淀区，不在您的辖区内"
    assert fields["category"].startswith("违法违规类别“fees”不是可选值")
    assert fields["complaint"] == "投诉或线索内容不能为空"
    with pytest.raises(FieldProblems, match="被投诉机构须从列表中选择"):
        agencies.open_case(s, cw, agency_id="99999999999999999999", category="fee", complaint="x", at=AT)
    s.flush()
    assert s.execute(select(func.count()).select_from(EnforcementCase)).scalar_one() == before
    case = agencies.open_case(
        s,
        cw,
        agency_id=target.id,
        category="price_gouging",
        complaint="派遣服务费由每人每月200元涨至800元。",
        complainant="某物流企业",
        at=AT,
    )
    assert [c.id for c in agencies.cases(s, target)] == [case.id]  # the agency sees the case against it
    assert agencies.cases(s, user(s, "jigou_hd")) == []
    assert agencies.cases(s, user(s, "xinmi_jingban")) == []
    with pytest.raises(Forbidden):
        agencies.close_case(s, user(s, "xinmi_jingban"), case.id, outcome="penalised", note="x")
    closed = agencies.close_case(
        s, cw, case.id, outcome="corrected", note="约谈后恢复原收费标准。", at=AT + dt.timedelta(days=3)
    )
    v = agencies.case_view(closed)
    assert (v["outcome_name"], v["category_name"]) == ("责令改正，已整改", "哄抬服务价格或劳动力价格")
    with pytest.raises(Conflict):
        agencies.close_case(s, cw, case.id, outcome="penalised", note="再次")
