"""Job board screening (招聘信息歧视筛查, issue 17 item 7): each kind of discrimination the
seeds and 就业促进法 name is refused with the sentence that forbids it quoted; lawful
postings pass; a refused web form keeps what was typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from renshe.services import jobs

JOB = {
    "title": "仓库管理员",
    "description": "负责出入库登记，五险一金。",
    "region": "110105",
    "industry": "仓储",
    "skills": ["叉车"],
    "positions": 2,
    "epidemic_supply": False,
}
SCREENING = Path(jobs.__file__).with_name("jobs_screening.yaml")

#: wording → (kind, the article the refusal must quote, a phrase of its quote)
DISCRIMINATORY = {
    "限男性": ("sex", "第二十七条", "不得以性别为由拒绝录用妇女"),
    "女性优先": ("sex", "第二十七条", "不得以性别为由拒绝录用妇女"),
    "性别：男": ("sex", "第二十七条", "不得以性别为由拒绝录用妇女"),
    "年龄35岁以下": ("age", "第二十六条", "不得实施就业歧视"),
    "年龄要求18-30周岁": ("age", "第二十六条", "不得实施就业歧视"),
    "限90后": ("age", "第二十六条", "不得实施就业歧视"),
    "限未婚": ("marriage", "第二十七条", "限制女职工结婚、生育"),
    "已婚已育优先": ("marriage", "第二十七条", "限制女职工结婚、生育"),
    "入职两年内不得怀孕": ("marriage", "第二十七条", "限制女职工结婚、生育"),
    "不招河南人": ("origin", "第二十六条", "公平的就业条件"),
    "仅限本地户口": ("origin", "第二十六条", "公平的就业条件"),
    "须有北京户口": ("origin", "第二十六条", "公平的就业条件"),
    "农村户口勿扰": ("origin", "第三十一条", "不得对农村劳动者进城就业设置歧视性限制"),
    "限汉族": ("ethnicity", "第二十八条", "各民族劳动者享有平等的劳动权利"),
    "少数民族勿扰": ("ethnicity", "第二十八条", "各民族劳动者享有平等的劳动权利"),
    "乙肝携带者勿扰": ("health", "第三十条", "不得以是传染病病原携带者为由拒绝录用"),
    "感染过新冠的勿扰": ("health", "京人社毕字〔2020〕20号", "不得对被隔离或感染过的毕业生有聘用歧视"),
}
LAWFUL = [
    "性别不限，年满18周岁",
    "男女不限",
    "不要求户口",
    "欢迎河南籍劳动者应聘",
    "工作地点：湖北省武汉市",
    "不招聘未成年人",
    "谢绝中介",
    "享受婚假、产假等法定假期",
    "矿山井下作业，限男性",
    "未达到法定退休年龄",
    "有叉车证者优先",
    "少数民族劳动者同等录用",
    "月薪8000-12000元",
]


@pytest.mark.parametrize("wording", list(DISCRIMINATORY))
def test_each_kind_is_found_with_its_source(wording: str) -> None:
    kind, article, phrase = DISCRIMINATORY[wording]
    found = jobs.screen_discrimination(f"招聘普工，{wording}，月薪面议。")
    assert [d.category.key for d in found] == [kind]
    reason = jobs.refusal_reason([], found)
    assert wording in reason and article in reason and phrase in reason


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_postings_pass(text: str) -> None:
    assert jobs.screen_discrimination(f"招聘普工，{text}。") == []
    assert jobs.screen_text(f"招聘普工，{text}。") == []


def test_patterns_and_citations_are_data_not_code() -> None:
    data = yaml.safe_load(SCREENING.read_text(encoding="utf-8"))
    kinds = {c["key"] for c in data["categories"]}
    assert kinds == {"sex", "age", "marriage", "origin", "ethnicity", "health"}
    for c in data["categories"]:
        assert c["references"] and all(r["quote"] and r["doc_no"] and r["article"] for r in c["references"])
        for p in c["patterns"]:
            re.compile(p)
    code = Path(jobs.__file__).read_text(encoding="utf-8")
    for word in ("乙肝", "汉族", "户口", "未婚", "女性优先"):
        assert word not in code


def test_severe_region_wording_is_refused_once_under_its_own_notice() -> None:
    text = "招聘普工，湖北籍除外，月薪面议。"
    hits = jobs.screen_text(text)
    assert hits == ["湖北籍除外"]
    assert jobs.screen_discrimination(text, skip=hits) == []
    assert "人社部明电〔2020〕2号" in jobs.refusal_reason(hits, [])


def test_api_refuses_with_every_kind_quoted(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    r = client.post(
        "/api/v1/jobs", headers=who["qiye"], json={**JOB, "description": "限男性，35岁以下，不招河南人，乙肝勿扰。"}
    )
    assert r.status_code == 422
    body = r.json()
    assert body["status"] == "refused"
    for words in ("限男性", "35岁以下", "不招河南人", "乙肝"):
        assert words in body["reason"]
    for article in ("第二十七条", "第二十六条", "第三十条"):
        assert article in body["reason"]
    ok = client.post("/api/v1/jobs", headers=who["qiye"], json={**JOB, "description": "男女不限，年满18周岁。"})
    assert ok.status_code == 201 and ok.json()["status"] == "pending"


def test_refused_form_keeps_what_was_typed(client: TestClient, who: dict[str, dict[str, str]]) -> None:
    form = {
        "title": "收银员",
        "description": "限女性，已婚已育优先，包午餐。",
        "region": "110105",
        "industry": "零售",
        "skills": "收银、理货",
        "positions": "3",
        "epidemic_supply": "true",
    }
    r = client.post("/jobs", headers=who["qiye"], data=form)
    assert r.status_code == 422
    html = r.text
    assert 'id="job-refused"' in html and "性别歧视" in html and "婚育状况歧视" in html
    assert "第二十七条" in html
    assert 'value="收银员"' in html and "限女性，已婚已育优先，包午餐。</textarea>" in html
    assert 'value="110105"' in html and 'value="零售"' in html and 'value="收银、理货"' in html
    assert 'value="3"' in html and 'id="job-urgent" checked' in html
    bad = client.post("/jobs", headers=who["qiye"], data={**form, "description": "包午餐", "positions": "三"})
    assert bad.status_code == 400 and "招聘人数“三”不是整数" in bad.text and 'value="收银员"' in bad.text
    fine = client.post("/jobs", headers=who["qiye"], data={**form, "description": "包午餐，男女不限。"})
    assert fine.status_code == 201 and 'id="job-pending"' in fine.text
