"""The calculator page (政策计算器) in Chinese on a real server: results grouped by status,
the body's totals side by side by flow (interface.md, contract version 2), the February
refund counted once, and no 合计 adding unlike money together."""

from __future__ import annotations

import copy
import itertools
import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from renshe.domain.identifiers import uscc_check_char
from tests.conftest import EXAMPLES

FLOWS = {"cash": "现金拨付", "reduction": "减免", "deferral": "缓缴", "credit": "贷款额度", "wage": "工资待遇"}
MONEY = re.compile(r"^-?\d{1,3}(?:,\d{3})*\.\d{2} 元$")


def beijing_restaurant() -> dict[str, Any]:
    """A small Beijing restaurant (朝阳区 110105, H62 餐饮业) in the shape of example 01: the
    three insurances due for 2020-02..06, February paid, so 人社部发〔2020〕11号's February
    refund applies beside the relief."""
    case = copy.deepcopy(json.loads((EXAMPLES / "01_beijing_medium_software.json").read_text(encoding="utf-8"))["case"])
    e = case["enterprise"]
    first17 = "91110105MA01C8CY4"
    e.update(
        region="110105",
        industry="H62",
        name="北京示例餐饮有限公司",
        uscc=first17 + uscc_check_char(first17),
        employees=40,
        revenue=8_000_000,
        assets=3_000_000,
        flags=[],
    )
    due = {"pension": 8000.0, "unemployment": 400.0, "work_injury": 100.0}
    e["contributions"] = [
        {
            **row,
            "employer_due": due[row["insurance"]],
            "employer_paid": due[row["insurance"]] if row["month"] == "2020-02" else 0.0,
        }
        for row in e["contributions"]
        if row["insurance"] in due
    ]
    e["insured"] = dict.fromkeys(e["insured"], 30)
    return case


def yuan(text: str) -> float:
    text = text.strip()
    assert MONEY.match(text), f"money is printed as 1,234.00 元: {text!r}"
    return float(text.removesuffix(" 元").replace(",", ""))


def rows(page: Page) -> dict[str, dict[str, Any]]:
    """Every result row of the page: its status group, flow, amount, marks and whether counted."""
    out = {}
    for row in page.locator("tr[data-policy]").all():
        get = row.get_attribute
        amount = get("data-amount")
        out[str(get("data-policy"))] = {
            "status": get("data-status"),
            "flow": get("data-flow"),
            "unit": get("data-unit"),
            "amount": float(amount) if amount else None,
            "counted": get("data-counted") == "true",
            "part_of": get("data-part-of"),
            "overlaps": get("data-overlaps"),
            "excluded_by": get("data-excluded-by"),
        }
    return out


def test_beijing_restaurant_flows_side_by_side(page: Page, server: str, tmp_path: Path) -> None:
    page.goto(server + "/")
    page.click("#advanced summary")  # the JSON box is under 高级 (the form is the default)
    page.fill("#case_json", json.dumps(beijing_restaurant(), ensure_ascii=False, indent=2))
    page.click("#calculate-json")
    expect(page.locator("#results h2")).to_contain_text("测算结果")
    expect(page.locator("#results")).to_contain_text("小型")

    # the five flows, side by side, each printed as money
    totals = page.locator("#totals")
    shown = {}
    for flow, label in FLOWS.items():
        box = totals.locator(f'.flow-total[data-flow="{flow}"]')
        expect(box.locator(".flow-label")).to_have_text(label)
        shown[flow] = yuan(box.locator(".flow-value").inner_text())
    boxes = [totals.locator(f'.flow-total[data-flow="{f}"]').bounding_box() for f in FLOWS]
    assert all(b is not None for b in boxes)
    assert len({round(b["y"]) for b in boxes if b}) == 1, "the flows are shown side by side, in one row"

    # grouped by status, each result with its title, amount, flow, window, reasons, citations
    for status, label in (("eligible", "可享受"), ("ineligible", "不符合"), ("undetermined", "待补充信息")):
        expect(page.locator(f"#group-{status} h3")).to_contain_text(label)
    results = rows(page)
    relief_row = page.locator('#group-eligible tr[data-policy="cn.si_relief_2020"]')
    refund_row = page.locator('#group-eligible tr[data-policy="cn.si_feb_refund_2020"]')
    relief, refund = results["cn.si_relief_2020"], results["cn.si_feb_refund_2020"]
    assert relief["flow"] == "reduction" and refund["flow"] == "cash"
    assert refund["part_of"] == "cn.si_relief_2020"
    assert relief["amount"] == 42500.0 and refund["amount"] == 8500.0  # (8000+400+100) × 5 months; February
    expect(relief_row.locator("td.amount")).to_contain_text("42,500.00 元")
    expect(refund_row.locator("td.amount")).to_contain_text("8,500.00 元")
    expect(relief_row.locator("td.flow")).to_have_text("减免")
    expect(refund_row.locator("td.flow")).to_have_text("现金拨付")
    expect(relief_row.locator("td.window")).to_have_text("2020-02 至 2020-06")
    expect(relief_row).to_contain_text("人社部发〔2020〕11号")
    expect(relief_row.locator("ul.reasons li").first).not_to_be_empty()
    # the part says it is part of the whole; the whole says how much of it went as cash
    expect(refund_row.locator("ul.same-money")).to_contain_text("阶段性减免企业社会保险费")
    expect(refund_row.locator("ul.same-money")).to_contain_text("一部分")
    expect(relief_row.locator("ul.same-money")).to_contain_text("其中 8,500.00 元")
    expect(relief_row.locator("ul.same-money")).to_contain_text("34,000.00 元")

    # the February money counted once: the refund in cash, the relief net of it in reduction
    def counted_sum(flow: str, ignore: tuple[str, ...] = ()) -> float:
        total = 0.0
        for pid, r in results.items():
            if pid in ignore or not r["counted"]:
                continue
            if r["flow"] == flow:
                total += r["amount"]
            whole = results.get(r["part_of"] or "")
            if whole is not None and whole["counted"] and whole["flow"] == flow:
                total -= r["amount"]
        return round(total, 2)

    pair = ("cn.si_relief_2020", "cn.si_feb_refund_2020")
    assert shown["reduction"] == round(relief["amount"] - refund["amount"] + counted_sum("reduction", pair), 2)
    assert shown["cash"] == round(refund["amount"] + counted_sum("cash", pair), 2)
    assert shown["reduction"] == 34000.0 and shown["cash"] >= 8500.0
    for flow in FLOWS:
        assert shown[flow] == counted_sum(flow), flow
    parts = sum(
        r["amount"]
        for r in results.values()
        if r["counted"] and r["part_of"] and results.get(r["part_of"], {}).get("counted")
    )
    every = sum(r["amount"] for r in results.values() if r["counted"])
    assert round(sum(shown.values()), 2) == round(every - parts, 2), "each money once"
    assert round(sum(shown.values()), 2) != round(every, 2), "not the February money twice"

    # no element labelled 合计 adds flows together
    labelled = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.includes('合计')))
        .map(el => el.closest('tr, li, div, p, section, td') ? el.closest('tr, li, div, p, section, td').innerText
                                                              : el.innerText)""")
    nonzero = [v for v in shown.values() if v]
    sums = {round(sum(c), 2) for n in range(2, len(nonzero) + 1) for c in itertools.combinations(nonzero, n)}
    for text in labelled:
        numbers = {float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*\.\d{2}", text)}
        assert not numbers & sums, f"an element labelled 合计 adds flows: {text!r}"
    expect(totals).not_to_contain_text("合计")

    # 待补充信息: the facts missing, by their Chinese names where the page knows them
    pending = page.locator("#group-undetermined")
    expect(pending.locator('li[data-path="enterprise.attrition_2019"]')).to_contain_text("2019年自然减员人数")

    page.screenshot(path=str(tmp_path / "calculator.png"), full_page=False)
