"""The caseworker's whole flow in the browser (issue 17 item 5), on a real server: the
海淀 caseworker sees only 海淀's applications, compares one with the bureau's
registration, approves, publishes the notice, answers an objection, closes the notice;
the 朝阳 caseworker cannot open it; the finance officer disburses, downloads the bank
file and imports the bank's return file with one failed payment; the caseworker claws
one payment back — all in Chinese, dates in Beijing time."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.desk.conftest import example
from tests.desk.server import expire_notices, real_server, submit, token

ACCOUNT_A, ACCOUNT_B = "6222020200012345678", "6222020200055556666"
CHINESE_DAY = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


@pytest.fixture(scope="module")
def served(database_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with real_server(database_kind, tmp_path_factory.mktemp("walk")) as pair:
        yield pair


def sign_out(page: Page) -> None:
    page.click("#logout")
    page.wait_for_load_state()


def test_caseworker_and_finance_walk(page: Page, served: tuple[str, str], tmp_path: Path) -> None:
    url, database = served
    qiye = token(url, "qiye")
    b = submit(url, qiye, "cn.si_feb_refund_2020", example("01_beijing_medium_software"), ACCOUNT_B, "walk-b")
    chaoyang = submit(
        url,
        token(url, "geren"),
        "beijing.frontline_allowance_2020",
        example("06_beijing_frontline_nurse"),
        "6222020200077778888",
        "walk-c",
    )

    # the 海淀 caseworker's queue: 海淀 only
    sign_in(page, url, "haidian_jingban")
    page.goto(url + "/desk")
    queue = page.locator("#queue")
    expect(queue.locator(f'tr[data-number="{b}"]')).to_be_visible()
    expect(queue).not_to_contain_text(chaoyang)
    expect(queue).not_to_contain_text("新密")
    a = next(
        n for n in queue.locator("tr[data-number]").evaluate_all("rows => rows.map(r => r.dataset.number)") if n != b
    )
    expect(queue.locator(f'tr[data-number="{a}"]')).to_contain_text("已提交待审核")
    assert CHINESE_DAY.search(queue.inner_text())

    # 数据比对 with the registration: the two differences marked
    page.goto(url + f"/my/{a}")
    expect(page.locator("#registry-summary")).to_contain_text("2 项与参保登记不一致")
    diffs = page.locator("#registry-comparison tr.diff")
    expect(diffs).to_have_count(2)
    expect(diffs.nth(0)).to_contain_text("118")
    page.click("#approve")
    page.goto(url + f"/my/{b}")
    page.click("#approve")
    for n, title in (
        (a, "2020年一次性社保补贴拟享受单位公示"),
        (b, "2020年2月社会保险费退费公示"),
    ):  # one policy a batch
        page.goto(url + "/desk")
        page.locator(f'#queue tr[data-number="{n}"] input[name="numbers"]').check()
        page.fill("#notice-title", title)
        page.click("#publish")
        expect(page.locator("h1")).to_have_text("公示")
        expect(page.locator(f'tr[data-number="{n}"]')).to_contain_text("公示中")

    # anyone objects on the public page
    sign_out(page)
    page.goto(url + "/notice")
    row = page.locator(f'tr[data-number="{a}"]')
    row.locator('input[name="text"]').fill("该单位4月参保人数应为118人，与申报不符")
    row.locator("button").click()
    expect(page.locator("#message")).to_contain_text("已收到")

    # the caseworker reads the objection and answers it
    sign_in(page, url, "haidian_jingban")
    page.goto(url + f"/my/{a}")
    expect(page.locator("#status")).to_have_text("公示有异议待复核")
    objection = page.locator(".objection").first
    expect(objection.locator(".objection-text")).to_have_text("该单位4月参保人数应为118人，与申报不符")
    objection.locator('input[value="dismissed"]').check()
    objection.locator("button.resolve").click()  # no reason: refused, in Chinese, the choice kept
    expect(page.locator(".objection-error")).to_contain_text("理由")
    expect(page.locator('.objection input[value="dismissed"]')).to_be_checked()
    page.locator('.objection input[name="note"]').fill("经核对，差额2人为4月下旬新增、5月补缴，申报无误")
    page.locator(".objection button.resolve").click()
    expect(page.locator(".objection-resolution")).to_contain_text("异议不成立：经核对")
    expect(page.locator("#status")).to_have_text("公示中")

    # closing before the window has run is refused; after it, the button closes the notice
    page.click("#close-notice")
    expect(page.locator("#message")).to_contain_text("期满后方可结束公示")
    expire_notices(database)
    page.goto(url + f"/my/{a}")
    page.click("#close-notice")  # a's batch by the button; b's closes by itself when the desk is read
    expect(page.locator("#batches")).to_contain_text("已结束")
    expect(page.locator("#batches")).to_contain_text("期满自动结束")
    expect(page.locator("#batches")).not_to_contain_text("公示中")
    expect(page.locator(f'#queue tr[data-number="{a}"]')).to_contain_text("公示无异议待拨付")
    sign_out(page)

    # the 朝阳 caseworker cannot see it
    sign_in(page, url, "chaoyang_jingban")
    response = page.goto(url + f"/my/{a}")
    assert response is not None and response.status == 403
    page.goto(url + "/desk")
    expect(page.locator("#queue")).not_to_contain_text(a)
    expect(page.locator("#queue")).to_contain_text(chaoyang)
    sign_out(page)

    # finance disburses: payee, bank, masked account, policy titles, a total row
    sign_in(page, url, "caiwu")
    page.goto(url + "/desk")
    page.click("#disburse")
    items = page.locator("#payout-items")
    expect(items.locator(f'tr[data-number="{a}"]')).to_contain_text("中国工商银行北京海淀支行")
    expect(items.locator(f'tr[data-number="{a}"]')).to_contain_text("北京示例科技有限公司")
    expect(items).not_to_contain_text(ACCOUNT_A)
    expect(items.locator(f'tr[data-number="{a}"]')).to_contain_text(ACCOUNT_A[-4:])
    expect(items.locator("tr.total")).to_contain_text("合计（现金拨付，2 笔）")
    expect(items.locator("tr.total")).to_contain_text("56,080.00")
    with page.expect_download() as info:
        page.click("#export-csv")
    bank = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert ACCOUNT_A in bank and ACCOUNT_B in bank
    # the bank's return file: one paid, one failed
    returned = tmp_path / "回盘.csv"
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["申请编号", "账号", "金额", "结果", "失败原因"])
    for line in csv.reader(io.StringIO(bank)):
        if line and line[0] in (a, b):
            ok = line[0] == a
            w.writerow([line[0], line[3], line[6], "成功" if ok else "失败", "" if ok else "账户已销户"])
    returned.write_text(out.getvalue(), encoding="utf-8-sig")
    page.set_input_files("#return-file", str(returned))
    page.click("#import-return")
    expect(page.locator("#payout-status")).to_have_text("已回盘（部分失败）")
    expect(items.locator(f'tr[data-number="{a}"] .result')).to_have_text("成功")
    expect(items.locator(f'tr[data-number="{b}"] .result')).to_have_text("失败：账户已销户")
    page.goto(url + "/desk?status=cleared")
    expect(page.locator(f'#queue tr[data-number="{b}"]')).to_contain_text("公示无异议待拨付")
    sign_out(page)

    # a later finding: the caseworker claws back from the page
    sign_in(page, url, "haidian_jingban")
    page.goto(url + f"/my/{a}")
    expect(page.locator("#status")).to_have_text("已拨付")
    page.fill("#clawback-amount", "两万")
    page.fill("#clawback-reason", "承诺不实")
    page.click("#clawback-submit")
    expect(page.locator("#clawback-error")).to_contain_text("数字")
    expect(page.locator("#clawback-reason")).to_have_value("承诺不实")
    page.fill("#clawback-amount", "22080")
    page.click("#clawback-submit")
    expect(page.locator("#status")).to_have_text("已追回")
