"""An enterprise signs in and sees its calculator filled from the bureau's registry and
what the last no-application batch granted it (免申即享结果, by flow), then applies with
an attachment: a file that is not what its name says is refused with the form kept, a
real PDF is stored with its SHA-256; applying for another unit is refused before the form
(issue 17 items 2 and 4), on a real `renshe serve --demo` and chromium."""

from __future__ import annotations

import hashlib
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

POLICY = "cn.medical_insurance_halving_feb_refund_2020"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_enterprise_prefilled_granted_and_applies_with_an_attachment(page: Page, server: str, tmp_path: Path) -> None:
    sign_in(page, server, "qiye")
    page.goto(server + "/my")
    page.click("#my-granted")
    granted = page.locator("#granted")
    expect(granted).to_contain_text("北京示例科技有限公司")
    expect(granted).to_contain_text("测算日 2020-07-31")
    cash = page.locator('section[data-flow="cash"]')
    expect(cash).to_contain_text("现金拨付：66,080.00 元")
    expect(cash).to_contain_text("一次性社会保险补贴")
    expect(page.locator('section[data-flow="reduction"]')).to_contain_text("减免：176,000.00 元")

    # the calculator, filled from the registry (its Chinese-header export) and evaluated
    page.goto(server + "/my")
    page.click("#my-calculator")
    expect(page.locator("#case_json")).to_contain_text("91110108MA01C7LM3W")
    expect(page.locator("#case_json")).to_contain_text('"insurance": "unemployment"')
    row = page.locator(f'tr[data-policy="{POLICY}"]')
    expect(row).to_contain_text("10,000.00")
    row.locator("button.apply").click()

    # the form: title, amount, the 容缺 deadline
    expect(page.locator("#apply-amount")).to_contain_text("10,000.00 元（现金拨付）")
    expect(page.locator("#apply-title")).not_to_be_empty()
    expect(page.locator("#gap-deadline")).to_contain_text("个工作日内补齐")
    page.fill("#bank_account", "6222020200077778888")
    page.fill("#missing_items", "2020年2月职工医保缴费凭证")
    fake = tmp_path / "缴费凭证.pdf"
    fake.write_bytes(b"this is not a pdf at all")
    page.set_input_files("#attachments", str(fake))
    page.click("#submit-application")
    expect(page.locator("#apply-error")).to_contain_text("附件“缴费凭证.pdf”的内容不是可上传的材料类型")
    expect(page.locator("#bank_account")).to_have_value("6222020200077778888")
    expect(page.locator("#missing_items")).to_have_value("2020年2月职工医保缴费凭证")

    real = tmp_path / "营业执照.pdf"
    real.write_bytes(PDF)
    page.set_input_files("#attachments", str(real))
    page.click("#submit-application")
    expect(page.locator("#status")).to_have_text("已提交待审核")
    table = page.locator("#attachments")
    expect(table).to_contain_text("营业执照.pdf")
    expect(table).to_contain_text(hashlib.sha256(PDF).hexdigest())
    expect(page.locator("#application")).to_contain_text("2020年2月职工医保缴费凭证")


def test_applying_for_another_unit_is_refused_before_the_form(page: Page, server: str) -> None:
    sign_in(page, server, "qiye")
    page.goto(server + "/?example=04_xinmi_small_retailer")
    page.click("#calculate")
    page.locator("button.apply").first.click()
    expect(page.locator("body")).to_contain_text("只能为本单位申请")
    expect(page.locator("#apply-form")).to_have_count(0)
