"""Exports are data, not code: every workbook and CSV the desk hands out keeps a cell that
starts with = + - @ (or tab/CR) as text, and the bank file names the payee from the account,
not from what was typed into the case."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from renshe.services import disbursement, dispatch, exports, monitoring, transport
from renshe.services.demo import seed
from renshe.services.targets import tracking
from renshe.store.db import session
from renshe.store.migrate import upgrade
from renshe.store.models import Application, User
from renshe.web import followup_pages

LINK = '=HYPERLINK("http://evil.example/","点此领取")'


def _user(s: Any, username: str) -> User:
    return s.execute(select(User).where(User.username == username)).scalar_one()


def _no_formulas(data: bytes) -> None:
    """No cell of any sheet is stored as a formula (<f>) in the package itself."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def _cells(data: bytes) -> dict[Any, Any]:
    """Every non-empty cell value → its openpyxl data type ('s' text, 'f' formula, 'n' number)."""
    book = load_workbook(io.BytesIO(data))
    return {
        c.value: c.data_type for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    }


def _assert_text(data: bytes, *values: str) -> None:
    _no_formulas(data)
    cells = _cells(data)
    for v in values:
        assert cells.get(v) == "s", (v, cells.get(v))


def test_the_helper_escapes_every_formula_start() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert exports.csv_cell(start + "1+1") == "'" + start + "1+1"
    assert exports.csv_cell("北京示例科技有限公司") == "北京示例科技有限公司" and exports.csv_cell(-5) == -5
    text = exports.csv_bytes(["名称"], [["@SUM(A1)"], ["正常"]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [["名称"], ["'@SUM(A1)"], ["正常"]]


def test_disbursement_file_is_data_and_names_the_account(database: str) -> None:
    upgrade(database)
    with session() as s:
        seed(s)
        qiye, caiwu = _user(s, "qiye"), _user(s, "caiwu")
        evil = User(
            username="evil_unit",
            password_hash="-",
            role="enterprise",
            display_name="+1-2=SUM(A1)",
            uscc="91110108MA01XXXX00",
            region="110108",
        )  # a unit the bureau has no registration of
        s.add(evil)
        s.flush()
        numbers = []
        for n, (applicant, typed) in enumerate([(qiye, LINK), (evil, "随便填写的名称")]):
            app = Application(
                number=f"EXPORT-{n}",
                applicant_id=applicant.id,
                idempotency_key=f"export-{n}",
                policy_id="cn.si_relief_2020",
                subject_uscc=applicant.uscc,
                subject_name=typed,
                region="110108",
                case={},
                result={},
                amount=Decimal("100.00"),
                bank_account="6222021234567890123",
                status="cleared",
                submitted_on=dt.date(2020, 3, 2),
                review_due=dt.date(2020, 3, 9),
            )
            s.add(app)
            numbers.append(app.number)
        s.flush()
        d = disbursement.create(s, caiwu, numbers)
        book, _ = disbursement.export(s, caiwu, d.id, "xlsx")
        text, _ = disbursement.export(s, caiwu, d.id, "csv")
    _assert_text(book, "+1-2=SUM(A1)")
    cells = _cells(book)
    assert "北京示例科技有限公司" in cells and LINK not in cells and "随便填写的名称" not in cells
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    names = {r[0]: r[1] for r in rows[1:]}
    # 户名: the registered account name (单位参保登记) of a registered unit, else the account's name
    assert names == {"EXPORT-0": "北京示例科技有限公司", "EXPORT-1": "'+1-2=SUM(A1)", "合计（现金拨付）": "2 笔"}
    assert "HYPERLINK" not in text.decode("utf-8-sig")


def test_dispatch_export_is_data(database: str) -> None:
    upgrade(database)
    now = dispatch.beijing_now()
    cycle = dispatch.last_closed_cycle(now)
    assert cycle is not None, "a closed cycle is needed to export"
    with session() as s:
        seed(s)
        agency, cw = _user(s, "jigou2"), _user(s, "chaoyang_jingban")
        buf = io.StringIO()
        csv.writer(buf).writerows(
            [dispatch.columns(), ["@王五", "110105199003071239", "13700001111", LINK, "91110108MA01C7LM3W"]]
        )
        _, result = dispatch.submit(
            s,
            agency,
            buf.getvalue().encode(),
            "r.csv",
            cycle=cycle,
            at=dispatch.deadline(cycle) - dt.timedelta(hours=1),
        )
        assert len(result.accepted) == 1, result.rejected
        book = dispatch.export_district(s, cw, cycle)
    _assert_text(book, "@王五", LINK)


def test_transport_export_is_data(database: str) -> None:
    upgrade(database)
    day = dt.date.today() + dt.timedelta(days=30)
    with session() as s:
        seed(s)
        cw = _user(s, "jingban")
        transport.register_trip(
            s,
            cw,
            origin="110108",
            destination="-广东省深圳市",
            employer=LINK,
            travel_date=day,
            name="=1+1",
            id_number="110105198001011238",
            phone="13812345678",
        )
        transport.plan(s, cw, day)
        book = transport.export(s, cw, day, "bureau")
    _assert_text(book, "=1+1", LINK)


def test_followup311_export_is_data() -> None:
    data = {
        "today": "2022-03-01",
        "citation": {"doc_no": "永人社发〔2022〕3号", "article": "二"},
        "by_caseworker": [{"key": "@经办", "people": 1, "behind": 1}],
        "by_area": [],
    }
    people = [
        {
            "name": "=1+1",
            "id_number": "431102********0020",
            "region": "431102",
            "caseworker": "@经办",
            "registered_on": "2022-02-01",
            "period": ["2022-02-01", "2022-02-28"],
            "counts": {},
            "employed": False,
            "behind": True,
            "missing": ["-岗位推荐"],
        }
    ]
    _assert_text(followup_pages.workbook(data, people), "=1+1", "@经办")


def test_targets_export_is_data() -> None:
    d = {
        "header": "城镇新增就业",
        "pct_year": 0.5,
        "trend": [{"month": "2020-01", "done": 1, "cumulative": 1, "planned": 2}],
        "rows": [
            {
                "unit": LINK,
                "target": 10,
                "done": 1,
                "pct_target": 0.1,
                "pct_year": 0.5,
                "gap": 4,
                "status_name": "+落后",
            }
        ],
        "total": {"target": 10, "done": 1, "pct_target": 0.1, "status_name": "落后"},
    }
    _assert_text(tracking.dashboard_xlsx(d), LINK, "+落后")


def test_monitoring_export_is_data() -> None:
    warning = {
        "kind_name": "裁员率超线",
        "uscc": "91110108MA01C7LM3W",
        "name": LINK,
        "region": "110108",
        "headcount": 10,
        "prev": 20,
        "base": 20,
        "value": 0.5,
        "line": 0.1,
        "reason": "-裁员过半",
        "citation": {"doc_no": "人社部发〔2020〕8号", "article": "一"},
    }
    report = {"warnings": [warning], "regions": [], "months": [], "parameters": [], "problems": []}
    _assert_text(monitoring.export_xlsx(report), LINK, "-裁员过半")
