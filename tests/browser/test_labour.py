"""Labour-market services in the browser: an agency uploads its real-name report and a
district caseworker sees who is late or missing; an enterprise posts a vacancy and sees
it refused for discriminatory wording (人社部明电〔2020〕2号 三); a worker files an
arbitration application and a caseworker accepts it (人社厅明电〔2020〕5号 三)."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from renshe.services import disputes
from tests.browser.conftest import sign_in

HEADER = "劳动者姓名,劳动者身份证号,劳动者手机号,用人单位名称,用人单位统一社会信用代码"
REPORT = (
    "\n".join(
        [
            HEADER,
            "张三,110105198001011238,13912345678,北京示例科技有限公司,91110108MA01C7LM3W",
            "李四,110105198001011239,13912345678,北京示例科技有限公司,91110108MA01C7LM3W",
            "王五,110105199003071239,13700001111,北京示例科技有限公司,91110108MA01C7LM3W",
        ]
    )
    + "\n"
)


def test_agency_uploads_and_district_sees_who_is_late(page: Page, server: str) -> None:
    sign_in(page, server, "jigou")
    page.goto(server + "/dispatch")
    expect(page.locator("h1")).to_contain_text("实名动态信息报送")
    page.set_input_files(
        "#report-file", files=[{"name": "report.csv", "mimeType": "text/csv", "buffer": REPORT.encode("utf-8")}]
    )
    page.click("#upload")
    expect(page.locator("#accepted-count")).to_have_text("2")
    expect(page.locator("#rejected-count")).to_have_text("1")
    expect(page.locator("#rejected")).to_contain_text("第 2 行")
    expect(page.locator("#rejected")).to_contain_text("校验码错误")
    expect(page.locator("#upload-result")).to_contain_text("按时报送")
    expect(page.locator("#my-reports")).to_contain_text("按时")
    page.click("#logout")

    sign_in(page, server, "chaoyang_jingban")
    page.goto(server + "/dispatch")
    expect(page.locator("h1")).to_contain_text("报送情况")
    agencies = page.locator("#agencies")
    expect(agencies.locator("tr", has_text="北京示例人力资源服务有限公司")).to_contain_text("按时报送")
    overdue = page.locator("#overdue")
    expect(overdue.locator("tr", has_text="北京朝阳示例劳务派遣有限公司")).to_contain_text("未报送")
    expect(overdue.locator("tr", has_text="北京朝阳示例人力资源外包有限公司")).to_contain_text("逾期报送")
    expect(overdue).not_to_contain_text("海淀")  # another district's agency is not this caseworker's
    # the district caseworker opens today's report and sees the numbers in full
    agencies.locator("tr", has_text="北京示例人力资源服务有限公司").locator("a").click()
    expect(page.locator("#rows")).to_contain_text("110105198001011238")
    page.click("#logout")

    # the municipal caseworker sees the roll-up, with the numbers masked
    sign_in(page, server, "jingban")
    page.goto(server + "/dispatch/district")
    expect(page.locator("#rollup")).to_contain_text("北京市朝阳区")
    expect(page.locator("#rollup")).to_contain_text("北京市海淀区")
    page.locator("#agencies tr", has_text="北京示例人力资源服务有限公司").locator("a").click()
    expect(page.locator("#rows")).to_contain_text("110105********1238")
    expect(page.locator("#rows")).not_to_contain_text("110105198001011238")


def test_discriminatory_posting_is_refused(page: Page, server: str) -> None:
    sign_in(page, server, "qiye")
    page.goto(server + "/jobs")
    page.fill("#job-title", "口罩包装工")
    page.fill("#job-description", "负责口罩包装，包吃住。湖北籍人员勿扰。")
    page.fill("#job-region", "110108")
    page.check("#job-urgent")
    page.click("#job-submit")
    refused = page.locator("#job-refused")
    expect(refused).to_contain_text("湖北籍人员勿扰")
    expect(refused).to_contain_text("人社部明电〔2020〕2号")
    expect(refused).to_contain_text("不得发布拒绝招录疫情严重地区劳动者的招聘信息")
    page.goto(server + "/jobs")
    expect(page.locator("#my-jobs")).to_contain_text("未通过筛查")
    expect(page.locator("#job-list")).not_to_contain_text("口罩包装工")
    # the same post without the wording goes to review
    page.fill("#job-title", "口罩包装工")
    page.fill("#job-description", "负责口罩包装，包吃住，欢迎各地劳动者。")
    page.fill("#job-region", "110108")
    page.click("#job-submit")
    expect(page.locator("#job-pending")).to_contain_text("待经办人员审核")


def test_worker_files_dispute_and_caseworker_accepts(page: Page, server: str) -> None:
    sign_in(page, server, "geren")
    page.click("#nav-disputes")
    expect(page.locator("h1")).to_contain_text("欠薪投诉和劳动争议仲裁申请")
    facts = "2020年2月起停工，单位拖欠2月、3月工资，请求支付。"
    page.check("#kind-arbitration")
    page.fill("#employer-name", "北京示例科技有限公司")
    page.fill("#employer-uscc", "91110108MA01C7LM3X")  # wrong check character
    page.fill("#dispute-region", "110105")
    page.fill("#dispute-facts", facts)
    page.fill("#known-on", "2020-02-15")
    page.fill("#obstacle-start", "2020-02-15")
    page.fill("#obstacle-end", "2020-04-15")
    page.click("#dispute-submit")
    errors = page.locator("#dispute-errors")
    expect(errors).to_contain_text("用人单位统一社会信用代码：校验码错误")
    expect(page.locator("#employer-uscc")).to_have_attribute("aria-invalid", "true")
    # nothing typed is lost
    expect(page.locator("#dispute-facts")).to_have_value(facts)
    expect(page.locator("#obstacle-end")).to_have_value("2020-04-15")
    expect(page.locator("#employer-name")).to_have_value("北京示例科技有限公司")
    page.fill("#employer-uscc", "91110108MA01C7LM3W")
    page.click("#dispute-submit")
    expected = disputes.limitation(
        dt.date(2020, 2, 15), dt.date(2020, 2, 15), dt.date(2020, 4, 15), dt.date.today(), "110105"
    )
    expect(page.locator("#filed")).to_be_visible()
    expect(page.locator("#limitation-deadline")).to_have_text(expected["deadline"])
    expect(page.locator("#limitation")).to_contain_text(expected["reasons"][0])
    expect(page.locator("#limitation")).to_contain_text("人社厅明电〔2020〕5号 三")
    expect(page.locator("#limitation")).to_contain_text("仲裁时效中止")
    expect(page.locator("#accept-form")).to_have_count(0)
    number = page.locator("h1").inner_text().split()[-1]
    page.click("#logout")

    # the district caseworker finds it in the list and accepts it; the award deadline comes from the rule
    sign_in(page, server, "chaoyang_jingban")
    page.goto(server + "/disputes")
    page.locator(f'#cases tr[data-number="{number}"] a').click()
    expect(page.locator("#case-status")).to_have_text("已登记待受理")
    today = dt.date.today()
    page.fill("#accepted-on", today.isoformat())
    page.fill("#delay-days", "5")
    page.click("#accept")
    expect(page.locator("#case-status")).to_have_text("已受理")
    expect(page.locator("#award-deadline")).to_have_text(disputes.hearing(today, False, 5, "110105")["deadline"])
