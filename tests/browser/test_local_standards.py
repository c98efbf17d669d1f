"""The local standards page (地方标准) in a real browser on its own demo server: an administrator
finds the Henan unemployment-benefit standard and the refund waiting on it, proposes a value
(a bad document number is refused with the typed values kept), cannot approve it herself, a
second administrator approves it, and the calculator then shows the refund's amount with the
local document beside it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import sign_in
from tests.conftest import ROOT, demo_server

PARAM = "henan.ui_benefit_monthly_2019"
RULE = "henan.stable_job_refund_2020"
PASSWORD = "Zhengzhou-bureau-2026!"
DOC_NO = "郑人社〔2019〕12号"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own: the approved value must not change the other browser tests' results."""
    with demo_server(tmp_path_factory.mktemp("standards-server")) as url:
        yield url


def henan_case() -> str:
    bases = yaml.safe_load((ROOT / "tests" / "policies" / "bases.yaml").read_text(encoding="utf-8"))
    case = json.loads(json.dumps(bases["small_henan"], default=str))
    case.pop("parameters")
    return json.dumps(case, ensure_ascii=False)


def refund_row(page: Page, server: str) -> dict[str, str | None]:
    page.goto(server + "/")
    page.click("#advanced summary")  # the JSON box is under 高级 (the form is the default)
    page.fill("#case_json", henan_case())
    page.click("#calculate-json")
    row = page.locator(f'tr[data-policy="{RULE}"]')
    return {
        "amount": row.get_attribute("data-amount"),
        "cite": row.locator("td.cite").inner_text(),
        "reasons": row.locator("ul.reasons").inner_text(),
    }


def second_admin(page: Page, server: str) -> None:
    page.goto(server + "/admin/users")
    page.fill("#new-username", "admin2")
    page.fill("#new-display-name", "第二管理员")
    page.select_option("#new-role", "admin")
    page.fill("#new-password", PASSWORD)
    page.click("#new-submit")
    expect(page.locator("#done")).to_be_visible()


def test_propose_refuse_bad_input_approve_by_another_admin(browser: Browser, own_server: str, tmp_path: Path) -> None:
    server = own_server
    first = browser.new_context(locale="zh-CN").new_page()
    sign_in(first, server, "admin")
    second_admin(first, server)
    assert refund_row(first, server)["amount"] == ""  # pending: no amount until the bureau sets the standard

    first.goto(server + "/")
    first.click("#nav-standards")
    row = first.locator(f'[id="param-{PARAM}"]')
    expect(row).to_contain_text("未设定")
    expect(row.locator(f'a[href="/policies/{RULE}"]')).to_be_visible()
    row.locator("a.set-link").click()
    expect(first.locator("#f-parameter")).to_have_value(PARAM)

    # a document number without 〔〕: refused, the field named, what was typed kept
    first.fill("#f-value", "1520")
    first.fill("#f-doc-no", "郑人社2019年12号")
    first.fill("#f-article", "二")
    first.fill("#f-quote", "自2019年1月1日起，郑州市失业保险金标准调整为每月1520元。")
    first.fill("#f-from", "2019-01-01")
    first.click("#f-submit")
    expect(first.locator("#error-doc_no")).to_contain_text("六角括号")
    expect(first.locator("#error")).to_contain_text("文号")
    expect(first.locator("#f-value")).to_have_value("1520")
    expect(first.locator("#f-parameter")).to_have_value(PARAM)
    expect(first.locator(f'[id="param-{PARAM}"]')).to_contain_text("未设定")  # nothing saved

    first.fill("#f-doc-no", DOC_NO)
    first.click("#f-submit")
    expect(first.locator("#done")).to_contain_text("待另一名管理员审核")
    row = first.locator(f'[id="param-{PARAM}"]')
    expect(row.locator(".status")).to_have_text("待审核")
    expect(row).to_contain_text("等待另一名管理员审核")
    expect(row.locator("button.approve")).to_have_count(0)  # the proposer is not offered the approval
    assert refund_row(first, server)["amount"] == ""  # a proposal changes nothing

    second = browser.new_context(locale="zh-CN").new_page()
    second.goto(server + "/login")
    second.fill("#username", "admin2")
    second.fill("#password", PASSWORD)
    second.click("#login")
    second.wait_for_load_state()
    second.goto(server + "/admin/standards")
    second.locator(f'[id="param-{PARAM}"] button.approve').click()
    expect(second.locator("#done")).to_contain_text("审核通过")
    row = second.locator(f'[id="param-{PARAM}"]')
    expect(row.locator(".status")).to_have_text("已生效")
    expect(row).to_contain_text("admin2 审核通过于")
    expect(row).to_contain_text("年")  # Beijing time, 2026年12月7日 11:15

    shown = refund_row(second, server)
    assert shown["amount"] not in ("", None) and float(str(shown["amount"])) > 0
    assert DOC_NO in str(shown["cite"]) and DOC_NO in str(shown["reasons"])
    first.context.close()
    second.context.close()
