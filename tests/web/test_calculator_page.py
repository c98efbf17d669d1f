"""The calculator page (政策计算器) at the TestClient level: results grouped by status, the
body's totals by flow (never one 合计), same-money notes, missing facts by their Chinese
names (interface.md, contract version 2)."""

from __future__ import annotations

import copy
import json
from typing import Any

from fastapi.testclient import TestClient

from renshe.engine.calculator import evaluate_json
from renshe.engine.rules import registry
from renshe.web.pages import field_name, money
from tests.conftest import EXAMPLES
from tests.web.conftest import Node, html

FLOWS = {"cash": "现金拨付", "reduction": "减免", "deferral": "缓缴", "credit": "贷款额度", "wage": "工资待遇"}


def example(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))["case"])


def calculate(client: TestClient, case: dict[str, Any], **form: str) -> Node:
    r = client.post("/calculate", data={"case_json": json.dumps(case, ensure_ascii=False), **form})
    assert r.status_code == 200, r.text[:500]
    return html(r)


def row(doc: Node, policy: str) -> Node:
    found = doc.find("tr", data_policy=policy)
    assert found, f"no row for {policy}"
    return found[0]


def own_words(node: Node) -> str:
    """The page's own text: without the sentences it quotes from the documents (依据原文)."""
    if node.tag == "q" and node.attrs.get("class") == "quote":
        return ""
    return " ".join(c if isinstance(c, str) else own_words(c) for c in node.children)


def test_money_is_printed_with_thousands_and_fen() -> None:
    assert money(1234) == "1,234.00 元"
    assert money(170000.0) == "170,000.00 元"
    assert money(1540.0, "CNY/month") == "1,540.00 元/月"
    assert money(None) == "—"
    assert money(5, "days") == "5 天"


def test_missing_facts_by_their_chinese_names() -> None:
    assert field_name("enterprise.attrition_2019") == "2019年自然减员人数"
    assert field_name("person.on_standby") == "是否待岗"
    # a nested path not listed: named by its parent and the rest
    assert (
        field_name("enterprise.bj_labour_practices_2020.refused_hire_for_origin")
        == "招聘信息和招用情况：refused_hire_for_origin"
    )
    assert field_name("enterprise.no_such_fact") is None


def test_totals_side_by_side_are_the_bodys(client: TestClient) -> None:
    case = example("01_beijing_medium_software")
    body = evaluate_json(case)
    doc = calculate(client, case)
    totals = doc.by_id("totals")
    for flow, label in FLOWS.items():
        box = totals.find("div", data_flow=flow)[0]
        assert box.find(class_="flow-label")[0].text() == label
        assert box.find(class_="flow-value")[0].text() == money(body["totals"][flow])
    assert "合计" not in own_words(doc.by_id("results")), "flows are never added into one 合计"
    # the February refund: part of the relief, counted once
    refund = row(doc, "cn.si_feb_refund_2020")
    assert refund.attrs["data-part-of"] == "cn.si_relief_2020"
    assert "一部分" in refund.find("ul", class_="same-money")[0].text()
    relief = row(doc, "cn.si_relief_2020")
    assert "其中 34,000.00 元" in relief.find("ul", class_="same-money")[0].text()


def test_results_grouped_by_status(client: TestClient) -> None:
    case = example("01_beijing_medium_software")
    body = evaluate_json(case)
    doc = calculate(client, case)
    for status, label in (("eligible", "可享受"), ("ineligible", "不符合"), ("undetermined", "待补充信息")):
        group = doc.by_id(f"group-{status}")
        want = [r["policy"] for r in body["results"] if r["status"] == status]
        shown = [tr.attrs["data-policy"] for tr in group.find("tr") if "data-policy" in tr.attrs]
        assert sorted(shown) == sorted(want), status
        assert group.find("h3")[0].text().startswith(label)
    # each result: title, amount, flow label, window, reasons and citations
    relief = row(doc, "cn.si_relief_2020")
    cells = relief.find("td")
    assert "阶段性减免企业社会保险费" in cells[0].text()
    assert cells[1].text() == "170,000.00 元"
    assert cells[2].text() == "减免"
    assert cells[3].text() == "2020-02 至 2020-06"
    assert cells[4].find("ul", class_="reasons")[0].find("li")
    assert "人社部发〔2020〕11号" in cells[5].text()
    # 待补充信息: the facts missing by name, the path beside it
    pending = doc.by_id("group-undetermined")
    named = [li for li in pending.find("li") if li.attrs.get("data-path") == "enterprise.attrition_2019"]
    assert named and "2019年自然减员人数" in named[0].text()


def test_out_of_scope_only_when_asked(client: TestClient) -> None:
    case = example("06_beijing_frontline_nurse")
    assert not calculate(client, case).has_id("group-out_of_scope")
    everything = calculate(client, case, everything="true")
    group = everything.by_id("group-out_of_scope")
    assert any(tr.attrs.get("data-policy", "").startswith("henan.") for tr in group.find("tr"))


def test_the_same_money_under_two_documents_names_the_one_counted(client: TestClient) -> None:
    case = example("04_xinmi_small_retailer")
    body = evaluate_json(case)
    marked = [r for r in body["results"] if r.get("overlaps") or r.get("excluded_by")]
    assert marked, "example 04 holds the 新密 and 河南 稳岗返还"
    doc = calculate(client, case)
    for r in marked:
        other = r.get("overlaps") or r.get("excluded_by")
        notes = row(doc, r["policy"]).find("ul", class_="same-money")[0].text()
        assert notes.startswith("不计入") and f"「{registry().rules[other].title}」" in notes and other in notes
        assert row(doc, r["policy"]).attrs["data-counted"] == "false"


def test_no_element_labelled_he_ji(client: TestClient) -> None:
    """No 合计 over the page's money: the word may only come from a policy's own reasons."""
    for name in ("01_beijing_medium_software", "04_xinmi_small_retailer", "06_beijing_frontline_nurse"):
        doc = calculate(client, example(name))
        reasons = {id(li) for ul in doc.find("ul", class_="reasons") for li in ul.find("li")}
        reasons |= {id(q) for q in doc.find("q", class_="quote")}  # the documents' own sentences, quoted

        def own_text(node: Node, reasons: set[int] = reasons) -> str:
            if id(node) in reasons:
                return ""
            return " ".join(c if isinstance(c, str) else own_text(c) for c in node.children)

        text = own_text(doc.by_id("results"))
        assert "合计" not in text and "总计" not in text, name
