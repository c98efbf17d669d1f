"""Point-to-point transport page (点对点运输, 一车一方案): entering and uploading passengers,
grouping into vehicles, the masked page and the two passenger lists — and who may do what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from tests.web.conftest import html, redirected_to_login

DAY = (dt.date.today() + dt.timedelta(days=30)).isoformat()  # no demo trips on this date
HEADER = "姓名,身份证号,手机号,出发地,目的地,用人单位,出行日期"
PASSENGERS = [
    ("工人甲", "431102199001010033", "13700001111"),
    ("工人乙", "431102199505051234", "13700002222"),
    ("工人丙", "410183198801014568", "13700003333"),
    ("工人丁", "110105199003071247", "13700004444"),
]


def _csv(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def _pending_names(client: TestClient, headers: dict[str, str], day: str = DAY) -> list[str]:
    doc = html(client.get(f"/transport?travel_date={day}", headers=headers))
    return [row.find("td")[1].text() for row in doc.by_id("pending").find("tr")[1:] if len(row.find("td")) > 1]


def test_anonymous_goes_to_login(client: TestClient) -> None:
    assert redirected_to_login(client, "/transport") == "/login?next=/transport"
    assert redirected_to_login(client, f"/transport/export?travel_date={DAY}").startswith("/login")
    r = client.post("/transport/plan", data={"travel_date": DAY}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


@pytest.mark.parametrize("user", ["qiye", "jigou"])
def test_enterprises_and_agencies_are_refused(client: TestClient, who: dict[str, dict[str, str]], user: str) -> None:
    r = client.get("/transport", headers=who[user])
    assert r.status_code == 403 and "仅供务工人员本人和人社部门人员使用" in html(r).by_id("message").text()
    assert "郑八" not in r.text
    assert not html(r).has_id("nav-transport")


def test_caseworker_bad_entry_names_fields_and_keeps_values(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    form = {
        "name": "工人戊",
        "id_number": "43110219900101003",
        "phone": "123",
        "origin": "999999",
        "destination": "广东省东莞市",
        "employer": "东莞示例电子厂",
        "travel_date": DAY,
    }
    r = client.post("/transport/trips", headers=cw, data=form)
    assert r.status_code == 400
    doc = html(r)
    errors = {li.attrs.get("data-field"): li.text() for li in doc.by_id("trip-errors").find("li")}
    assert (
        "实际为 17 位" in errors["id_number"] and "手机号" in errors["phone"] and "出发地“999999”" in errors["origin"]
    )
    assert all(doc.by_id("trip-form").value(k) == v for k, v in form.items())
    assert doc.by_id("trip-phone").attrs.get("aria-invalid") == "true"
    r = client.post("/transport/trips", headers=cw, data={**form, "travel_date": "下周一"})
    assert r.status_code == 400 and "出行日期“下周一”应为 YYYY-MM-DD 格式的日期" in html(r).by_id("trip-errors").text()
    assert "工人戊" not in _pending_names(client, cw)


def test_caseworker_enters_one_passenger_masked(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    name, idn, phone = PASSENGERS[0]
    r = client.post(
        "/transport/trips",
        headers=cw,
        follow_redirects=False,
        data={
            "name": name,
            "id_number": idn,
            "phone": phone,
            "origin": "431102",
            "destination": "广东省东莞市",
            "employer": "东莞示例电子厂",
            "travel_date": DAY,
        },
    )
    assert r.status_code == 303 and f"travel_date={DAY}" in r.headers["location"]
    page = client.get(r.headers["location"], headers=cw)
    pending = html(page).by_id("pending").text()
    assert name in pending and "431102********0033" in pending and "137****1111" in pending
    assert idn not in page.text and phone not in page.text


def test_upload_is_all_or_nothing(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    before = _pending_names(client, cw)
    good = [f"{n},{i},{p},431102,广东省东莞市,东莞示例电子厂,{DAY}" for n, i, p in PASSENGERS[1:]]
    bad = [
        *good,
        f"工人己,431102199001010034,13700005555,431102,广东省东莞市,东莞示例电子厂,{DAY}",
        "工人庚,431102199001010033,13700006666,431102,广东省东莞市,东莞示例电子厂,2026-02-30",
    ]
    r = client.post("/transport/upload", headers=cw, files={"file": ("名单.csv", _csv(bad), "text/csv")})
    assert r.status_code == 422
    text = html(r).by_id("upload-errors").text()
    assert "第 4 行：身份证号：校验码错误" in text and "第 5 行：出行日期“2026-02-30”应为 YYYY-MM-DD 格式的日期" in text
    assert "名单.csv" in text
    assert _pending_names(client, cw) == before  # the three good rows were not kept either
    r = client.post("/transport/upload", headers=cw, files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")})
    assert r.status_code == 422 and "缺少列：姓名" in html(r).by_id("upload-errors").text()
    r = client.post(
        "/transport/upload", headers=cw, files={"file": ("名单.csv", _csv(good), "text/csv")}, follow_redirects=False
    )
    assert r.status_code == 303 and "registered=3" in r.headers["location"]
    assert _pending_names(client, cw) == [*before, "工人乙", "工人丙", "工人丁"]


def test_upload_xlsx_with_date_cells(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    day = dt.date.today() + dt.timedelta(days=31)
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(
        [
            "工人辛",
            "431102199001010033",
            "13700007777",
            "431102",
            "广东省深圳市",
            "深圳示例厂",
            dt.datetime.combine(day, dt.time()),
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    r = client.post(
        "/transport/upload",
        headers=cw,
        follow_redirects=False,
        files={"file": ("名单.xlsx", out.getvalue(), "application/octet-stream")},
    )
    assert r.status_code == 303, r.text
    assert _pending_names(client, cw, day.isoformat()) == ["工人辛"]


def test_plan_show_and_export(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    r = client.post("/transport/plan", headers=cw, data={"travel_date": DAY, "capacity": "0"})
    assert r.status_code == 400
    doc = html(r)
    assert "每车乘客数不能小于 1" in doc.by_id("plan-errors").text()
    assert doc.by_id("plan-form").value("capacity") == "0" and doc.by_id("plan-form").value("travel_date") == DAY
    r = client.post("/transport/plan", headers=cw, data={"travel_date": DAY, "capacity": "3"}, follow_redirects=False)
    assert r.status_code == 303 and "planned=2" in r.headers["location"]
    page = client.get(r.headers["location"].split("#")[0], headers=cw)
    doc = html(page)
    vehicles = doc.find("div", class_="vehicle")
    assert [len(v.find("tr")) - 1 for v in vehicles] == [2, 2]  # 4 passengers, 3 seats → two vehicles of 2
    assert all(v.attrs["data-code"].startswith(f"DD{DAY.replace('-', '')}-431102-") for v in vehicles)
    assert "431102********0033" in doc.by_id("vehicles").text()
    assert all(i not in page.text and p not in page.text for _, i, p in PASSENGERS)
    assert "没有待编排的乘客" in doc.by_id("pending").text()
    op = client.get(doc.by_id("export-operator").attrs["href"], headers=cw)
    bureau = client.get(doc.by_id("export-bureau").attrs["href"], headers=cw)

    def cells(data: bytes) -> list:  # type: ignore[type-arg]
        return [
            c
            for ws in load_workbook(io.BytesIO(data)).worksheets
            for row in ws.iter_rows(values_only=True)
            for c in row
        ]

    assert op.status_code == bureau.status_code == 200
    assert "431102199001010033" in cells(bureau.content) and "431102199001010033" not in cells(op.content)
    assert "431102********0033" in cells(op.content)
    r = client.get("/transport/export?travel_date=2001-01-01&audience=operator", headers=cw)
    assert r.status_code == 404 and "尚无车辆方案" in html(r).by_id("message").text()
    r = client.get(f"/transport/export?travel_date={DAY}&audience=everyone", headers=cw)
    assert r.status_code == 400 and "导出对象应为" in html(r).by_id("message").text()


@pytest.mark.parametrize("user", ["shenji", "admin"])
def test_auditor_sees_vehicles_read_only(client: TestClient, who: dict[str, dict[str, str]], user: str) -> None:
    r = client.get(f"/transport?travel_date={DAY}", headers=who[user])
    doc = html(r)
    assert r.status_code == 200 and len(doc.find("div", class_="vehicle")) == 2
    assert not doc.has_id("plan-form") and not doc.has_id("trip-form") and not doc.has_id("export-bureau")
    assert client.get(f"/transport/export?travel_date={DAY}&audience=bureau", headers=who[user]).status_code == 403
    assert client.post("/transport/plan", headers=who[user], data={"travel_date": DAY}).status_code == 403


def test_worker_registers_own_trip_and_sees_only_it(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    me = who["geren"]
    r = client.post(
        "/transport/trips",
        headers=me,
        data={"origin": "431102", "destination": "北京市", "employer": "北京示例科技有限公司", "travel_date": ""},
    )
    assert r.status_code == 400
    doc = html(r)
    assert "出行日期不能为空" in doc.by_id("trip-errors").text() and doc.value("employer") == "北京示例科技有限公司"
    r = client.post(
        "/transport/trips",
        headers=me,
        data={"origin": "431102", "destination": "北京市", "employer": "北京示例科技有限公司", "travel_date": DAY},
    )
    assert r.status_code == 200  # followed the redirect
    doc = html(r)
    own = doc.by_id("own-trips").text()
    assert "北京示例科技有限公司" in own and "待编排" in own and DAY in own
    assert not doc.has_id("pending") and not doc.has_id("vehicles") and "工人甲" not in r.text and "郑八" not in r.text
    assert "110105198001011238" not in r.text  # the worker's own number is shown masked too
    assert client.post("/transport/plan", headers=me, data={"travel_date": DAY}).status_code == 403
    assert (
        client.post("/transport/upload", headers=me, files={"file": ("a.csv", _csv([]), "text/csv")}).status_code == 403
    )
    assert client.get(f"/transport/export?travel_date={DAY}", headers=me).status_code == 403


# ------------------------------------------------------------------ area (辖区) and duplicates


def _vehicle_codes(client: TestClient, headers: dict[str, str], day: str) -> list[str]:
    doc = html(client.get(f"/transport?travel_date={day}", headers=headers))
    return [v.attrs["data-code"] for v in doc.find("div", class_="vehicle")]


def test_other_area_caseworker_sees_nothing_of_another_area(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    assert len(_vehicle_codes(client, who["yongzhou_jingban"], DAY)) == 2  # planned above, 零陵区 (431102)
    for user in ("xinmi_jingban", "chaoyang_jingban", "jingban"):
        r = client.get(f"/transport?travel_date={DAY}", headers=who[user])
        doc = html(r)
        assert r.status_code == 200 and doc.has_id("no-vehicles") and not doc.find("div", class_="vehicle")
        assert "工人甲" not in r.text and not doc.has_id("export-bureau")
        everything = client.get("/transport", headers=who[user])
        assert everything.status_code == 200 and "郑八" not in everything.text  # the demo's 零陵区 trips
        r = client.get(f"/transport/export?travel_date={DAY}&audience=bureau", headers=who[user])
        assert r.status_code == 403 and "不在本辖区" in html(r).by_id("message").text()
        assert r.headers["content-type"].startswith("text/html")
    assert "郑八" in client.get("/transport", headers=who["yongzhou_jingban"]).text  # the demo trips, 零陵区


def test_other_area_caseworker_cannot_enter_a_passenger_there(
    client: TestClient, who: dict[str, dict[str, str]]
) -> None:
    form = {
        "name": "工人壬",
        "id_number": "431102199002020014",
        "phone": "13700009999",
        "origin": "431102",
        "destination": "广东省东莞市",
        "employer": "东莞示例电子厂",
        "travel_date": DAY,
    }
    r = client.post("/transport/trips", headers=who["xinmi_jingban"], data=form)
    assert r.status_code == 403
    doc = html(r)
    errors = {li.attrs.get("data-field"): li.text() for li in doc.by_id("trip-errors").find("li")}
    assert "不在本辖区" in errors["origin"] and doc.by_id("trip-form").value("name") == "工人壬"
    assert "工人壬" not in _pending_names(client, who["shenji"])


def test_same_person_same_date_entry_is_refused(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    name, idn, phone = PASSENGERS[0]  # entered on DAY above
    form = {
        "name": name,
        "id_number": idn,
        "phone": phone,
        "origin": "431102",
        "destination": "广东省深圳市",
        "employer": "深圳示例厂",
        "travel_date": DAY,
    }
    r = client.post("/transport/trips", headers=cw, data=form)
    assert r.status_code == 409
    doc = html(r)
    errors = {li.attrs.get("data-field"): li.text() for li in doc.by_id("trip-errors").find("li")}
    assert errors["id_number"].startswith(f"身份证号：431102********0033 已有 {DAY} 的出行登记（登记号 ")
    assert "同一人同一出行日期不能重复登记" in errors["id_number"] and idn not in doc.by_id("trip-errors").text()
    assert doc.by_id("trip-form").value("destination") == "广东省深圳市"


def test_upload_row_already_registered_keeps_nothing(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    day = (dt.date.today() + dt.timedelta(days=33)).isoformat()
    before = _pending_names(client, cw, day)
    _, idn, phone = PASSENGERS[1]
    first = client.post(
        "/transport/trips",
        headers=cw,
        follow_redirects=False,
        data={
            "name": "工人乙",
            "id_number": idn,
            "phone": phone,
            "origin": "431102",
            "destination": "广东省东莞市",
            "employer": "东莞示例电子厂",
            "travel_date": day,
        },
    )
    assert first.status_code == 303
    rows = [
        f"工人癸,431102199103030027,13700001212,431102,广东省东莞市,东莞示例电子厂,{day}",
        f"工人乙,{idn},{phone},431102,广东省东莞市,东莞示例电子厂,{day}",
    ]
    r = client.post("/transport/upload", headers=cw, files={"file": ("名单.csv", _csv(rows), "text/csv")})
    assert r.status_code == 422
    text = html(r).by_id("upload-errors").text()
    assert f"第 2 行：身份证号：431102********1234 已有 {day} 的出行登记（登记号 " in text and "第 1 行" not in text
    assert _pending_names(client, cw, day) == [*before, "工人乙"]  # 工人癸 was not kept either


def test_each_area_sees_its_own_and_auditor_all(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    day = (dt.date.today() + dt.timedelta(days=34)).isoformat()
    for user, origin, (name, idn) in (
        ("yongzhou_jingban", "431102", ("工人子", "431102199305050042")),
        ("xinmi_jingban", "410183", ("工人丑", "410183199507070061")),
    ):
        r = client.post(
            "/transport/trips",
            headers=who[user],
            follow_redirects=False,
            data={
                "name": name,
                "id_number": idn,
                "phone": "13700003434",
                "origin": origin,
                "destination": "广东省东莞市",
                "employer": "东莞示例电子厂",
                "travel_date": day,
            },
        )
        assert r.status_code == 303, r.text
    assert _pending_names(client, who["yongzhou_jingban"], day) == ["工人子"]
    assert _pending_names(client, who["xinmi_jingban"], day) == ["工人丑"]
    assert sorted(_pending_names(client, who["shenji"], day)) == ["工人丑", "工人子"]
    r = client.post("/transport/plan", headers=who["xinmi_jingban"], data={"travel_date": day}, follow_redirects=False)
    assert r.status_code == 303 and "planned=1" in r.headers["location"]
    assert _pending_names(client, who["yongzhou_jingban"], day) == ["工人子"]  # not grouped by 新密
    assert (
        client.post(
            "/transport/plan", headers=who["yongzhou_jingban"], data={"travel_date": day}, follow_redirects=False
        )
        .headers["location"]
        .count("planned=1")
        == 1
    )
    xm = _vehicle_codes(client, who["xinmi_jingban"], day)
    yz = _vehicle_codes(client, who["yongzhou_jingban"], day)
    assert [c.split("-")[1] for c in xm] == ["410183"] and [c.split("-")[1] for c in yz] == ["431102"]
    for user in ("shenji", "admin"):
        assert sorted(_vehicle_codes(client, who[user], day)) == sorted(xm + yz)


def test_caseworker_page_names_the_area(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    doc = html(client.get("/transport", headers=who["yongzhou_jingban"]))
    assert "零陵区" in doc.by_id("area-note").text()
    assert not html(client.get("/transport", headers=who["shenji"])).has_id("area-note")
