"""Online training in the browser: anyone searches the free catalogue with its pickers; an
agency files a training project (a wrong date is marked on its field, what was typed stays),
and the district's caseworker refuses without a reason (asked for one), then approves it."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in


def test_catalogue_and_project_filing(page: Page, server: str) -> None:
    page.goto(server + "/training")
    expect(page.locator("h1")).to_contain_text("免费线上培训平台目录")
    page.select_option("#search-occupation", "养老护理员")
    page.click("#search-button")
    platforms = page.locator("#platforms")
    expect(platforms).to_contain_text("示例职业技能云课堂")
    expect(platforms).to_contain_text("养老护理员（初级，示例课程）（养老护理员，32 学时，免费）")
    expect(platforms).not_to_contain_text("中国职业培训在线")
    page.select_option("#search-occupation", "")
    page.select_option("#search-region", "410183")
    page.click("#search-button")
    expect(platforms).to_contain_text("中国职业培训在线")
    expect(platforms).not_to_contain_text("示例职业技能云课堂")

    sign_in(page, server, "jigou")
    page.goto(server + "/training/projects")
    page.select_option("#f-kind", "培训项目")
    page.fill("#f-title", "养老护理员线上培训班")
    page.select_option("#f-region", "110105")
    page.select_option("#f-mode", "线上培训")
    page.select_option("#f-platform", label="示例职业技能云课堂（北京市）")
    page.select_option("#f-group", "待岗职工")
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    start = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    end = (dt.date.today() + dt.timedelta(days=44)).isoformat()
    page.fill("#f-start", yesterday)
    page.fill("#f-end", end)
    page.fill("#f-planned", "30")
    page.click("#file-button")
    expect(page.locator("#file-errors")).to_contain_text("开班信息应在开班前填报")
    expect(page.locator("#f-start")).to_have_class("invalid")
    expect(page.locator("#f-title")).to_have_value("养老护理员线上培训班")
    expect(page.locator("#f-planned")).to_have_value("30")
    page.fill("#f-start", start)
    page.click("#file-button")
    expect(page.locator("#filed")).to_be_visible()
    row = page.locator("#projects tr.project", has_text="养老护理员线上培训班")
    expect(row.locator(".status")).to_have_text("待审批")
    page.click("#logout")

    sign_in(page, server, "chaoyang_jingban")
    page.goto(server + "/training/projects")
    row = page.locator("#projects tr.project", has_text="养老护理员线上培训班")
    expect(row).to_contain_text("北京示例人力资源服务有限公司")
    row.locator("button.refuse").click()
    expect(page.locator(".form-errors")).to_contain_text("不予通过须填写理由")
    row = page.locator("#projects tr.project", has_text="养老护理员线上培训班")
    row.locator("button.approve").click()
    expect(page.locator("#decided")).to_be_visible()
    expect(page.locator("#projects tr.project", has_text="养老护理员线上培训班").locator(".status")).to_have_text(
        "已通过"
    )
    page.goto(server + "/training/statistics")
    expect(page.locator("h1")).to_contain_text("职业培训调度统计")
