"""Reports and publications in the browser: an agency uploads its daily temperature report
(good rows kept, the bad row named) and the district caseworker sees who has and has not filed
today and the worker with fever; the caseworker publishes a reopening announcement with the
pickers, a wrong date first (its error on the field, the text kept), and anyone reads it by region."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

REPORT = (
    "\n".join(
        [
            "姓名,身份证号,用人单位名称,体温（℃）,症状",
            "张三,110105198001011238,北京示例科技有限公司,38.4,发热",
            "李四,110105198001011239,北京示例科技有限公司,36.5,无",
            "王五,110105199003071239,北京示例科技有限公司,36.6,无",
        ]
    )
    + "\n"
)


def test_daily_report_upload_and_an_announcement(page: Page, server: str) -> None:
    sign_in(page, server, "jigou2")
    page.goto(server + "/daily-reports")
    expect(page.locator("h1")).to_contain_text("每日报告")
    page.select_option("#daily-kind", "dispatch_temperature")
    page.click("#daily-kind-show")
    expect(page.locator("#daily-upload-form")).to_contain_text("用人单位名称")
    page.set_input_files(
        "#daily-file", files=[{"name": "体温.csv", "mimeType": "text/csv", "buffer": REPORT.encode("utf-8")}]
    )
    page.click("#daily-upload")
    expect(page.locator("#daily-accepted")).to_have_text("2")
    expect(page.locator("#daily-flagged")).to_have_text("1")
    expect(page.locator("#daily-rejected")).to_contain_text("第 2 行")
    expect(page.locator("#daily-rejected")).to_contain_text("校验码错误")
    expect(page.locator("#daily-mine")).to_contain_text("按时")
    page.click("#logout")

    sign_in(page, server, "chaoyang_jingban")
    page.goto(server + "/daily-reports")
    expect(page.locator("h1")).to_contain_text("报送情况")
    page.select_option("#district-kind", "dispatch_temperature")
    page.click("#district-show")
    filers = page.locator("#filers")
    expect(filers.locator("tr", has_text="北京朝阳示例劳务派遣有限公司")).to_contain_text("按时报送")
    expect(filers.locator("tr", has_text="北京朝阳示例人力资源外包有限公司")).to_contain_text("当日尚未报送")
    expect(filers).not_to_contain_text("海淀")  # another district's agency
    expect(page.locator("#alerts")).to_contain_text("张三")
    expect(page.locator("#alerts")).to_contain_text("38.4")
    with page.expect_download() as download:
        page.click("#district-export")
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto(server + "/announcements")
    page.select_option("#announcement-kind", "reopening")
    page.select_option("#announcement-region", "110105")
    page.fill("#announcement-title", "朝阳区企业开复工时间")
    page.fill("#announcement-body", "区内企业自2月10日起分批有序复工。")
    page.fill("#announcement-from", "2020-02-10")
    page.fill("#announcement-to", "2020-02-01")
    page.click("#announcement-submit")
    expect(page.locator("#error-effective_to")).to_contain_text("早于生效日期")
    expect(page.locator("#announcement-title")).to_have_value("朝阳区企业开复工时间")
    page.fill("#announcement-to", "2020-03-31")
    page.click("#announcement-submit")
    expect(page.locator("#published")).to_contain_text("朝阳区企业开复工时间")
    page.click("#logout")

    page.goto(server + "/announcements")
    page.select_option("#filter-region", "110105")
    page.select_option("#filter-kind", "reopening")
    page.click("#filter-show")
    row = page.locator("#announcement-list tr", has_text="朝阳区企业开复工时间")
    expect(row).to_contain_text("北京市朝阳区")
    expect(row).to_contain_text("2020年2月10日 至 2020年3月31日")
    expect(row).to_contain_text("年")  # published at, in Beijing time 2026年…
    page.select_option("#filter-region", "410183")
    page.click("#filter-show")
    expect(page.locator("#announcement-list")).not_to_contain_text("朝阳区企业开复工时间")
