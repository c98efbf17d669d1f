"""A ledger's bulk import in the browser: the Xinmi caseworker goes from the zero-employment
ledger to its import page, downloads the template, fills it in (one good household, one with a
word where the number of members goes) and uploads it: the good row is saved and shown on the
ledger, the bad one is listed with its row, column and what was expected."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from renshe.domain.identifiers import id_check_char
from tests.browser.conftest import sign_in


def valid_id(body: str) -> str:
    return body + id_check_char(body)


def test_zero_employment_import_from_the_template(page: Page, server: str, tmp_path: Path) -> None:
    sign_in(page, server, "xinmi_jingban")
    page.goto(server + "/zero-employment")
    page.click("#import-zero-employment")
    expect(page.locator("h1")).to_contain_text("批量导入：零就业家庭认定与消除")
    expect(page.locator("#guide")).to_contain_text("YYYY-MM-DD 格式的日期")
    with page.expect_download() as download:
        page.click("#import-template")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:5] == [
        "所在地区代码",
        "乡镇（街道）",
        "户主姓名",
        "户主身份证号",
        "劳动年龄内家庭成员数",
    ]
    sheet.append(["410183", "袁庄乡政府", "导入户主甲", valid_id("41018319580808516"), 3, "2020-05-10", None, None])
    sheet.append(["410183", "袁庄乡政府", "导入户主乙", valid_id("41018319590909517"), "三", "2020-05-10", None, None])
    filled = tmp_path / "zero.xlsx"
    book.save(filled)

    page.set_input_files("#import-form-file", str(filled))
    page.click("#import-form button[type=submit]")
    expect(page.locator(".card").first).to_contain_text("已保存 1 行；已在台账中、未重复保存 0 行；有问题 1 行")
    rejected = page.locator("#rejected")
    expect(rejected).to_contain_text("劳动年龄内家庭成员数")
    expect(rejected).to_contain_text("劳动年龄内家庭成员数“三”应为正整数")
    expect(rejected.locator("td.row")).to_have_text(["3"])

    page.set_input_files("#import-form-file", str(filled))
    page.click("#import-form button[type=submit]")
    expect(page.locator(".card").first).to_contain_text("已保存 0 行；已在台账中、未重复保存 1 行")

    page.click("#ledger")
    expect(page.locator("#open")).to_contain_text("导入户主甲")
    expect(page.locator("#open")).not_to_contain_text("导入户主乙")
