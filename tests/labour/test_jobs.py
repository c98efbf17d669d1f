"""Urgent job board: screening for discriminatory wording (人社部明电〔2020〕2号 三), review
within the time limit, search, apply, matching and weekly statistics."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from renshe.services.jobs import screen_text

JOB = {
    "title": "防护服缝纫工",
    "description": "熟练缝纫工，包吃住。",
    "region": "110105",
    "industry": "制造业",
    "skills": ["缝纫"],
    "positions": 10,
    "epidemic_supply": True,
}


@pytest.mark.parametrize(
    "text", ["湖北籍勿扰", "不招湖北人", "谢绝武汉来京人员", "限非湖北籍", "疫区人员不要", "湖北、武汉除外"]
)
def test_screen_finds_discrimination(text: str) -> None:
    assert screen_text(f"招聘普工，{text}，月薪面议。")


@pytest.mark.parametrize("text", ["欢迎湖北籍劳动者应聘", "工作地点：武汉市江岸区", "不招聘未成年人", "谢绝中介"])
def test_screen_allows_fair_wording(text: str) -> None:
    assert screen_text(text) == []


def test_refused_posting_says_why(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = client.post("/api/v1/jobs", headers=who["qiye"], json={**JOB, "description": "包吃住，湖北籍勿扰。"})
    assert r.status_code == 422
    body = r.json()
    assert body["status"] == "refused" and "湖北籍勿扰" in body["reason"] and "人社部明电〔2020〕2号" in body["reason"]
    assert client.get(f"/api/v1/jobs/{body['id']}", headers=who["geren"]).status_code == 403
    assert body["id"] not in [j["id"] for j in client.get("/api/v1/jobs").json()]


def test_post_review_search_apply_match(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = client.post("/api/v1/jobs", headers=who["qiye"], json=JOB)
    assert r.status_code == 201, r.text
    job = r.json()
    assert job["status"] == "pending" and job["urgent"] is True and job["review_due"]
    assert job["id"] in [j["id"] for j in client.get("/api/v1/jobs/queue", headers=who["chaoyang_jingban"]).json()]
    assert client.post(f"/api/v1/jobs/{job['id']}/apply", headers=who["geren"]).status_code == 403  # not published
    assert (
        client.post(
            f"/api/v1/jobs/{job['id']}/review", headers=who["xinmi_jingban"], json={"approve": True}
        ).status_code
        == 403
    )  # another area
    assert (
        client.post(f"/api/v1/jobs/{job['id']}/review", headers=who["qiye"], json={"approve": True}).status_code == 403
    )
    assert (
        client.post(
            f"/api/v1/jobs/{job['id']}/review", headers=who["chaoyang_jingban"], json={"approve": False}
        ).status_code
        == 400
    )
    r = client.post(f"/api/v1/jobs/{job['id']}/review", headers=who["chaoyang_jingban"], json={"approve": True})
    assert r.json()["status"] == "published"
    found = client.get("/api/v1/jobs?q=缝纫&urgent=true").json()
    assert [j["id"] for j in found] == [job["id"]]
    assert client.post(f"/api/v1/jobs/{job['id']}/apply", headers=who["geren"]).status_code == 201
    assert client.post(f"/api/v1/jobs/{job['id']}/apply", headers=who["geren"]).status_code == 409
    assert client.post(f"/api/v1/jobs/{job['id']}/apply", headers=who["qiye"]).status_code == 403
    client.put(
        "/api/v1/jobs/seeker", headers=who["geren"], json={"region": "110105", "industry": "制造业", "skills": ["缝纫"]}
    )
    matches = client.get("/api/v1/jobs/matches", headers=who["geren"]).json()
    assert matches[0]["id"] == job["id"] and "技能匹配：缝纫" in matches[0]["why"]
    people = client.get(f"/api/v1/jobs/{job['id']}/matches", headers=who["qiye"]).json()
    assert people and people[0]["phone"] == "139****5678"
    assert client.get(f"/api/v1/jobs/{job['id']}/matches", headers=who["xinmi_qiye"]).status_code == 403
    stats = client.get("/api/v1/jobs/stats?weeks=2", headers=who["shenji"]).json()
    week = stats[-1]
    assert week["posted"] >= 2 and week["refused"] >= 1 and week["published"] >= 1 and week["applications"] >= 1
    assert client.get("/api/v1/jobs/stats", headers=who["qiye"]).status_code == 403


def test_bad_region_is_clear(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = client.post("/api/v1/jobs", headers=who["qiye"], json={**JOB, "region": "999999"})
    assert r.status_code == 400 and "行政区划代码" in r.json()["detail"]
