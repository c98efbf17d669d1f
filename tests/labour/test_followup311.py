"""“311” follow-up (永人社发〔2022〕3号 四): who is behind schedule today."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from fastapi.testclient import TestClient

from renshe.services import followup311


def person(registered: dt.date, services: list[tuple[str, dt.date]], employed: dt.date | None = None):  # type: ignore[no-untyped-def]
    return SimpleNamespace(
        registered_on=registered, employed_on=employed, services=[SimpleNamespace(kind=k, on=d) for k, d in services]
    )


def test_on_schedule_and_behind() -> None:
    reg = dt.date(2022, 4, 1)
    visits = [("visit", dt.date(2022, 4, 10)), ("visit", dt.date(2022, 5, 10)), ("visit", dt.date(2022, 6, 10))]
    p = person(reg, [*visits, ("job_referral", dt.date(2022, 5, 1))])
    assert followup311.progress(p, dt.date(2022, 7, 5))["behind"] is False
    late = followup311.progress(p, dt.date(2022, 12, 5))
    assert late["behind"] is True
    assert [m for m in late["missing"] if "未回访" in m] == [
        "2022-07 未回访",
        "2022-08 未回访",
        "2022-09 未回访",
        "2022-10 未回访",
        "2022-11 未回访",
    ]
    assert any(m.startswith("推荐岗位信息：已 1 次") for m in late["missing"])
    assert any(m.startswith("职业指导") for m in late["missing"])


def test_earlier_registration_counts_from_the_measure_and_employment_ends_duty() -> None:
    p = person(dt.date(2021, 1, 1), [])
    assert followup311.period(p, dt.date(2022, 5, 1))[0] == dt.date(2022, 3, 22)  # type: ignore[arg-type]
    assert (
        followup311.progress(person(dt.date(2022, 4, 1), [], dt.date(2022, 5, 1)), dt.date(2023, 1, 1))["behind"]
        is False
    )


def test_api(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    cw = who["yongzhou_jingban"]
    r = client.post(
        "/api/v1/followup311/persons",
        headers=cw,
        json={"name": "陈十", "id_number": "431102198505120021", "region": "431102"},
    )
    assert r.status_code == 400 and "校验码" in r.json()["detail"]
    r = client.post(
        "/api/v1/followup311/persons",
        headers=cw,
        json={"name": "陈十", "id_number": "431102198505120020", "region": "110105"},
    )
    assert r.status_code == 403
    behind = client.get("/api/v1/followup311/behind", headers=cw).json()
    names = {p["name"]: p for p in behind["behind"]}
    assert "李梅" in names and names["李梅"]["id_number"].startswith("431102********")
    assert behind["by_caseworker"][0]["behind"] >= 1 and behind["by_area"][0]["key"] == "431102"
    pid = names["李梅"]["id"]
    r = client.post(f"/api/v1/followup311/persons/{pid}/services", headers=cw, json={"kind": "visit"})
    assert r.status_code == 201 and r.json()["counts"]["visit"] == 1
    assert (
        client.post(
            f"/api/v1/followup311/persons/{pid}/services", headers=who["chaoyang_jingban"], json={"kind": "visit"}
        ).status_code
        == 403
    )
    assert client.get("/api/v1/followup311/behind", headers=who["chaoyang_jingban"]).json()["people"] == []
    assert client.get("/api/v1/followup311/behind", headers=who["geren"]).status_code == 403
