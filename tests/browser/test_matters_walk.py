"""Service matters (办事事项) in the browser: an enterprise files a special working-hours
permit through the form (a bad value comes back on its field with what was typed kept),
the district caseworker finds it first in the queue (green channel), accepts and completes
it, and the enterprise sees it completed — in Chinese, on a real server."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in


def test_enterprise_files_and_caseworker_completes(page: Page, server: str) -> None:
    sign_in(page, server, "qiye")
    page.goto(server + "/matters")
    page.select_option("#matter-select", "working_hours_permit")
    page.click("#matter-start")
    expect(page.locator("h1")).to_have_text("特殊工时制度（综合计算工时工作制）行政许可")
    # the unit's district is preselected from its registration (USCC): 北京市 › 市辖区 › 海淀区
    expect(page.locator("#m-district")).to_have_value("110108")
    page.check("#channel-online")
    page.fill("#f_positions", "生产线操作岗")
    page.fill("#f_workers", "四十")
    page.fill("#f_period_from", "2020-02-10")
    page.fill("#f_period_to", "2020-12-31")
    page.check("#f_epidemic_supply")
    page.check('input[name="materials"][value="实行综合计算工时工作制申请表"]')
    page.click("#matter-submit")
    expect(page.locator("#err-f_workers")).to_have_text("涉及职工人数“四十”应为不小于 0 的整数")
    expect(page.locator("#f_workers")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f_positions")).to_have_value("生产线操作岗")  # what was typed is kept
    expect(page.locator("#f_epidemic_supply")).to_be_checked()
    page.fill("#f_workers", "40")
    page.click("#matter-submit")
    expect(page.locator("#matter-filed")).to_contain_text("已提交")
    expect(page.locator("#matter-status")).to_have_text("已提交待受理")
    expect(page.locator("#matter-reasons")).to_contain_text("绿色通道")
    number = page.locator("#matter-filed").inner_text().split("办件编号")[1].strip(" 。")
    page.click("#logout")

    # a caseworker of another district does not see it
    sign_in(page, server, "chaoyang_jingban")
    page.goto(server + "/matters")
    expect(page.locator(f'#matters tr[data-number="{number}"]')).to_have_count(0)
    response = page.goto(server + f"/matters/{number}")
    assert response is not None and response.status == 403
    page.click("#logout")

    # the district caseworker: first in the queue, accepts and completes it
    sign_in(page, server, "haidian_jingban")
    page.goto(server + "/matters")
    row = page.locator(f'#matters tr[data-number="{number}"]')
    expect(row).to_contain_text("绿色通道")
    expect(row).to_contain_text("北京市海淀区")
    expect(page.locator("#matters tbody tr").first).to_have_attribute("data-number", number)
    row.locator("a").click()
    page.click("#matter-accept")
    expect(page.locator("#matter-status")).to_have_text("已受理办理中")
    page.click("#matter-complete")  # the approved period is required
    expect(page.locator("#matter-errors")).to_contain_text("批准实行期间不能为空")
    page.fill("#o_approved_period", "2020年2月10日至2020年12月31日")
    page.click("#matter-complete")
    expect(page.locator("#matter-status")).to_have_text("已办结")
    expect(page.locator("#matter-history")).to_contain_text("办结")
    page.click("#logout")

    sign_in(page, server, "qiye")
    page.goto(server + "/matters")
    expect(page.locator(f'#matters tr[data-number="{number}"]')).to_contain_text("已办结")
