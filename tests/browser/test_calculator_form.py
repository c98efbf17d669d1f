"""The calculator form in a real browser (政策计算器表单): an enterprise HR person fills the
form with the pickers and the month × insurance grid — no JSON — sees the results by status
and the totals by flow, and downloads the 政策告知书 as a PDF with the unit's name in it;
a 社保缴费明细 file fills the grid; a mistyped field is named in Chinese beside it."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from renshe.domain.identifiers import uscc_check_char
from tests.web.pdf_text import pdf_text

NAME = "北京示例餐饮有限公司"
FIRST17 = "91110105MA01C8CY4"
DUE = {"pension": 8000, "unemployment": 400, "work_injury": 100}
RELIEF_MONTHS = ("2020-02", "2020-03", "2020-04", "2020-05", "2020-06")


def months(first: str, last: str) -> list[str]:
    y, m, out = int(first[:4]), int(first[5:]), []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def yuan(text: str) -> float:
    return float(text.strip().removesuffix(" 元").replace(",", ""))


def fill_unit(page: Page, server: str) -> None:
    page.goto(server + "/?blank=1")
    expect(page.locator("#advanced")).not_to_have_attribute("open", "")
    page.check("#subject-enterprise")
    page.fill("#f-as_of", "2020-07-31")
    page.fill("#f-name", NAME)
    # the USCC without its check character: the page computes it and offers to fill it in
    page.fill("#f-uscc", FIRST17)
    fill = page.locator("#uscc-fill")
    expect(fill).to_contain_text(FIRST17 + uscc_check_char(FIRST17))
    expect(page.locator("#uscc-advice")).to_contain_text("校验码")
    fill.click()
    expect(page.locator("#f-uscc")).to_have_value(FIRST17 + uscc_check_char(FIRST17))
    # province → city → district: the district list holds only the chosen city's
    page.select_option("#f-province", "110000")
    page.select_option("#f-city", "110100")
    assert page.locator('#f-district option[value="410183"]').is_disabled(), "新密 is not in 北京"
    page.select_option("#f-district", "110105")
    # the industry by its Chinese name
    page.fill("#f-industry", "餐饮")
    page.locator('#industry-hits button[data-code="H62"]').click()
    expect(page.locator("#f-industry")).to_have_value("H62 餐饮业")
    # the size class, live, with its reason
    page.fill("#f-employees", "40")
    page.fill("#f-revenue", "8000000")
    page.fill("#f-assets", "3000000")
    expect(page.locator("#size-label")).to_have_text("小型")
    expect(page.locator("#size-basis")).to_contain_text("餐饮业")
    expect(page.locator("#size-basis")).to_contain_text("工信部联企业〔2011〕300号")


def test_enterprise_fills_the_form_and_downloads_the_letter(page: Page, server: str, tmp_path: Path) -> None:
    fill_unit(page, server)
    # the subject switch shows the fields of the subject chosen
    expect(page.locator('fieldset[data-for="person"]')).to_be_hidden()
    expect(page.locator('fieldset[data-for="enterprise"]')).to_be_visible()
    # flags: Chinese check boxes, each with its one-line explanation
    expect(page.locator("label.flag").filter(has=page.locator("#flag-epidemic_affected"))).to_contain_text("受疫情影响")
    # the month × insurance grid
    for month in months("2018-12", "2020-04"):
        page.fill(f'[name="insured_{month}"]', "30")
    for month in RELIEF_MONTHS:
        for ins, due in DUE.items():
            page.fill(f'[name="due_{month}_{ins}"]', str(due))
            page.fill(f'[name="paid_{month}_{ins}"]', str(due) if month == "2020-02" else "0")
    page.click("#calculate")

    expect(page.locator("#results h2")).to_contain_text("测算结果")
    expect(page.locator("#result-size")).to_have_text("小型")
    # grouped by status
    for status, label in (("eligible", "可享受"), ("ineligible", "不符合"), ("undetermined", "待补充信息")):
        expect(page.locator(f"#group-{status} h3")).to_contain_text(label)
    relief = page.locator('#group-eligible tr[data-policy="cn.si_relief_2020"]')
    refund = page.locator('#group-eligible tr[data-policy="cn.si_feb_refund_2020"]')
    expect(relief.locator("td.amount")).to_contain_text("42,500.00 元")  # (8000+400+100) × 5 months
    expect(refund.locator("td.amount")).to_contain_text("8,500.00 元")  # February, already paid
    expect(relief.locator("td.window")).to_have_text("2020-02 至 2020-06")
    expect(relief.locator("td.cite a").first).to_have_attribute("href", "/policies/cn.si_relief_2020")
    expect(relief.locator("td.cite q.quote").first).not_to_be_empty()
    # the fact still missing, by its Chinese name
    expect(page.locator('#group-undetermined li[data-path="enterprise.attrition_2019"]')).to_contain_text(
        "2019年自然减员人数"
    )
    # totals by flow, side by side, never one 合计
    reduction = yuan(page.locator('#totals .flow-total[data-flow="reduction"] .flow-value').inner_text())
    cash = yuan(page.locator('#totals .flow-total[data-flow="cash"] .flow-value').inner_text())
    assert reduction == 34000.0 and cash >= 8500.0
    expect(page.locator("#totals")).not_to_contain_text("合计")
    # the form kept what was typed
    expect(page.locator("#f-name")).to_have_value(NAME)
    expect(page.locator("#f-district")).to_have_value("110105")
    expect(page.locator('[name="due_2020-03_pension"]')).to_have_value("8000")

    # the 政策告知书 as a PDF with the unit's name inside
    with page.expect_download() as info:
        page.click("#letter-pdf")
    download = info.value
    assert download.suggested_filename.endswith(".pdf") and NAME in download.suggested_filename
    path = tmp_path / "letter.pdf"
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert NAME in text and "政策告知书" in text
    assert "42,500.00元" in text and "阶段性减免企业社会保险费" in text
    assert "合计" not in text.split("二、")[0], "the flows are listed apart, not added"
    page.screenshot(path=str(tmp_path / "calculator-form.png"), full_page=False)


def test_statement_upload_fills_the_grid_and_a_bad_field_is_named(page: Page, server: str, tmp_path: Path) -> None:
    fill_unit(page, server)
    statement = tmp_path / "社保缴费明细.csv"
    lines = ["费款所属期,险种,单位应缴金额,单位实缴金额,参保人数"]
    for month in RELIEF_MONTHS:
        for ins, word in (
            ("pension", "企业职工基本养老保险"),
            ("unemployment", "失业保险"),
            ("work_injury", "工伤保险"),
        ):
            paid = DUE[ins] if month == "2020-02" else 0
            lines.append(f'{month.replace("-", "")},{word},"{DUE[ins]:,.2f}",{paid},30')
    statement.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.set_input_files("#f-contributions_file", str(statement))
    page.click("#grid-update")
    expect(page.locator('[name="due_2020-03_pension"]')).to_have_value("8000")
    expect(page.locator('[name="paid_2020-02_unemployment"]')).to_have_value("400")
    expect(page.locator('[name="insured_2020-04"]')).to_have_value("30")
    expect(page.locator("#f-name")).to_have_value(NAME)

    # a mistyped number: named in Chinese beside its cell, the rest kept
    page.fill('[name="insured_2020-01"]', "三十")
    wrong = "0" if uscc_check_char(FIRST17) != "0" else "1"
    page.fill("#f-uscc", FIRST17 + wrong)
    page.click("#calculate")
    # a refused USCC: the message beside it, and the whole code offered at once
    expect(page.locator("#err-uscc")).to_contain_text(f"第 18 位校验码应为“{uscc_check_char(FIRST17)}”")
    expect(page.locator("#f-uscc")).to_have_value(FIRST17 + wrong)
    page.locator("#uscc-fill").click()
    expect(page.locator("#f-uscc")).to_have_value(FIRST17 + uscc_check_char(FIRST17))
    expect(page.locator("#err-insured_2020-01")).to_contain_text("2020年1月 参保人数")
    expect(page.locator("#err-insured_2020-01")).to_contain_text("应为整数")
    expect(page.locator('[name="insured_2020-01"]')).to_have_value("三十")
    expect(page.locator("#f-district")).to_have_value("110105")
    expect(page.locator("#form-errors")).to_contain_text("2 处需要修改")
    expect(page.locator("#results")).to_have_count(0)
