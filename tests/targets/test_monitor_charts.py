"""The monitoring page (监测预警) over the browser's forms: charts of the warnings by region
(names) and by month come before the list, and the list is ordered by people affected."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from openpyxl import Workbook

from renshe.services import monitoring
from tests.desk.conftest import client, database, tokens  # noqa: F401  (fixtures)

#: U1 (新密): 100 → 94, a layoff rate of 6 % (6 people); U3 (海淀): 1000 → 948, 5.2 % (52 people);
#: U4 (新密): 400 → 370 in a year, 7.5 % (30 people), and 420 → 370 in June, a drop of 11.9 % (50 people);
#: U2 stays
UNITS = [
    ["uscc", "name", "region", "attrition_2019"],
    ["U1", "新密甲公司", "410183", 0],
    ["U2", "新密乙公司", "410183", 0],
    ["U3", "海淀丙公司", "110108", 0],
    ["U4", "新密丁公司", "410183", 0],
]
INSURED = [
    ["uscc", "month", "headcount"],
    ["U1", "2019-05", 100],
    ["U1", "2019-06", 100],
    ["U1", "2020-04", 100],
    ["U1", "2020-05", 100],
    ["U1", "2020-06", 94],
    ["U2", "2019-05", 200],
    ["U2", "2019-06", 200],
    ["U2", "2020-04", 200],
    ["U2", "2020-05", 200],
    ["U2", "2020-06", 200],
    ["U3", "2019-05", 1000],
    ["U3", "2019-06", 1000],
    ["U3", "2020-04", 1000],
    ["U3", "2020-05", 950],
    ["U3", "2020-06", 948],
    ["U4", "2019-05", 400],
    ["U4", "2019-06", 400],
    ["U4", "2020-04", 400],
    ["U4", "2020-05", 420],
    ["U4", "2020-06", 370],
]


def _registry() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "units"
    for row in UNITS:
        ws.append(row)
    ws2 = wb.create_sheet("insured")
    for row in INSURED:
        ws2.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _chart(page: str, chart_id: str) -> str:
    found = re.search(rf'<svg id="{chart_id}".*?</svg>', page, re.DOTALL)
    assert found, chart_id
    return found.group(0)


def test_monitor_page_charts_and_order(client: TestClient) -> None:
    from renshe.services.demo import DEMO_PASSWORD

    web = TestClient(client.app, base_url="http://testserver")
    same_site = {"origin": "http://testserver"}
    r = web.post(
        "/login",
        data={"username": "admin", "password": DEMO_PASSWORD, "next": "/monitor"},
        headers=same_site,
        follow_redirects=False,
    )
    assert r.status_code == 303
    for month in ("2020-05", "2020-06"):
        r = web.post(
            "/monitor",
            files={"file": ("reg.xlsx", _registry())},
            data={"as_of": month},
            headers=same_site,
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text[:500]
    page = web.get(r.headers["location"]).text

    # the charts come before the list of warnings
    assert page.index('id="warnings-by-region"') < page.index('id="warnings-by-month"') < page.index('id="warnings"')
    by_region = _chart(page, "warnings-by-region")
    labels = re.findall(r'data-label="([^"]+)"', by_region)
    # names, never bare codes; the region with most people affected (新密 86 against 海淀 52) first
    assert labels == ["河南省郑州市新密市", "北京市海淀区"]
    assert not re.search(r"\b\d{6}\b", "".join(re.findall(r"<text[^>]*>([^<]*)</text>", by_region)))
    totals = dict(zip(labels, (int(t) for t in re.findall(r'data-total="(\d+)"', by_region)), strict=True))
    rows = re.findall(r'<tr data-kind="(\w+)" data-region="(\d+)">.*?<td class="affected">(\d+)</td>', page, re.DOTALL)
    assert totals["河南省郑州市新密市"] == sum(1 for _, region, _ in rows if region == "410183")
    assert totals["北京市海淀区"] == sum(1 for _, region, _ in rows if region == "110108")
    assert [k for k, _, _ in rows].count("layoff_rate") == 3 and {k for k, _, _ in rows} >= {
        "layoff_rate",
        "headcount_drop",
    }

    # by month: both monitored months, in order, by their Chinese names
    by_month = _chart(page, "warnings-by-month")
    assert re.findall(r'data-label="([^"]+)"', by_month) == ["2020年5月", "2020年6月"]
    assert re.findall(r'data-total="(\d+)"', by_month) == ["0", str(len(rows))]
    index = web.get("/monitor").text  # the runs' page shows the same months
    assert re.findall(r'data-label="([^"]+)"', _chart(index, "warnings-by-month")) == ["2020年5月", "2020年6月"]

    # the list: most people affected first, not the highest rate (U4's drop of 11.9 % would lead)
    assert [(k, int(a)) for k, _, a in rows] == [
        ("layoff_rate", 52),
        ("headcount_drop", 50),
        ("layoff_rate", 30),
        ("layoff_rate", 6),
    ]
    assert [
        monitoring.people_affected(w)
        for w in sorted(
            [
                {"kind": "headcount_drop", "prev": 10, "headcount": 1, "value": 0.9, "region": "x", "uscc": "a"},
                {"kind": "layoff_rate", "base": 100, "headcount": 80, "value": 0.2, "region": "x", "uscc": "b"},
            ],
            key=monitoring.severity,
        )
    ] == [20, 9]  # a run kept without the field: its headcounts tell
    table = page[page.index('id="warnings"') : page.index('id="regions"')]
    assert "北京市海淀区" in table and "河南省郑州市新密市" in table
    assert not re.search(r"<td>\d{6}</td>", table)
    regions = page[page.index('id="regions"') :]
    assert "（410183）" not in regions and "河南省郑州市新密市" in regions
