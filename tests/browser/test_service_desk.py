"""An enterprise from calculator to application, a caseworker through review and
public notice, an auditor through the audit log — in Chinese, on a real server."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in


def test_enterprise_caseworker_auditor(page: Page, server: str) -> None:
    # the enterprise calculates, then applies for the February refund
    sign_in(page, server, "qiye")
    page.goto(server + "/?example=01_beijing_medium_software")
    page.click("#calculate")
    row = page.locator('tr[data-policy="cn.si_feb_refund_2020"]')
    expect(row).to_contain_text("34,000.00")
    expect(row).to_contain_text("人社部发〔2020〕11号")
    row.locator("button.apply").click()
    expect(page.locator("h1")).to_have_text("网上申请（不见面办理）")
    page.fill("#bank_account", "6222020200055556666")
    page.check("#commitment")
    page.click("#submit-application")
    expect(page.locator("#status")).to_have_text("已提交待审核")
    number = page.locator("h1").inner_text().replace("申请 ", "").strip()
    expect(page.locator("#application")).to_contain_text("***************6666")
    page.click("#logout")

    # the caseworker compares, approves and publishes the notice
    sign_in(page, server, "jingban")
    page.goto(server + f"/my/{number}")
    expect(page.locator("#comparison")).to_contain_text("一致")
    page.click("#approve")
    row = page.locator(f'#queue tr[data-number="{number}"]')
    expect(row).to_contain_text("审核通过")
    row.locator('input[name="numbers"]').check()
    page.fill("#notice-title", "2020年2月社会保险费退费公示")
    page.click("#publish")
    expect(page.locator("h1")).to_have_text("公示")
    expect(page.locator(f'tr[data-number="{number}"]')).to_contain_text("北京示例科技有限公司")
    expect(page.locator(f'tr[data-number="{number}"]')).to_contain_text("公示中")
    page.click("#logout")

    # the auditor reads the log: every step, and the chain verifies
    sign_in(page, server, "shenji")
    page.goto(server + "/audit")
    expect(page.locator("#chain")).to_contain_text("哈希链校验通过")
    page.fill("#entity_id", number)
    page.click("#search")
    events = page.locator("#events")
    expect(events).to_contain_text("application.submit")
    expect(events).to_contain_text("application.approve")
    expect(events).to_contain_text("personal_data.view")


def test_enterprise_cannot_open_the_desk(page: Page, server: str) -> None:
    sign_in(page, server, "qiye")
    response = page.goto(server + "/desk")
    assert response is not None and response.status == 403
    expect(page.locator("#message")).to_contain_text("仅供")


def test_wrong_password_in_chinese(page: Page, server: str) -> None:
    page.goto(server + "/login")
    page.fill("#username", "qiye")
    page.fill("#password", "wrong")
    page.click("#login")
    expect(page.locator("#login-error")).to_have_text("用户名或密码错误")
