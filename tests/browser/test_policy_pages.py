"""The policy catalogue (政策目录) on a real server: three entries of different kinds
(a computable relief, a service rule of the desk, a target) each lead to where renshe
does it; a legal reference is shown as information with its quote."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from renshe import coverage
from tests.browser.conftest import sign_in


def test_three_kinds_lead_to_where_they_are_done(page: Page, server: str) -> None:
    catalog = coverage.catalog()
    # the catalogue lists every entry, with its kind in Chinese
    page.goto(server + "/policies")
    expect(page.locator("#catalog tbody tr")).to_have_count(len(catalog))
    page.goto(server + "/policies?kind=target")
    targets = [e for e in catalog.values() if e["kind"] == "target"]
    expect(page.locator("#catalog tbody tr")).to_have_count(len(targets))
    expect(page.locator("#catalog tbody tr").first).to_contain_text("目标任务")

    # 1. a fee relief: its quote, and the calculator that computes it
    page.goto(server + "/policies")
    page.click('#catalog a[href="/policies/cn.si_relief_2020"]')
    expect(page.locator("#kind")).to_have_text("社保费减免缓")
    expect(page.locator("#quote")).to_contain_text("免征中小微企业三项社会保险单位缴费部分")
    expect(page.locator("#status")).to_contain_text("已实现")
    page.locator("#uses a").first.click()
    expect(page.locator("h1")).to_have_text("政策计算器")

    # 2. a service rule: online filing, comparison, public notice for a week -> the 公示 page
    page.goto(server + "/policies/beijing.stable_job_subsidy_online_publicity_2020")
    expect(page.locator("#kind")).to_have_text("经办服务规定")
    expect(page.locator("#quote")).to_contain_text("公示一周")
    page.click('#uses a[href="/notice"]')
    expect(page.locator("h1")).to_have_text("公示")

    # 3. a target: Xinmi's new urban jobs -> the target tables (a caseworker of Xinmi)
    sign_in(page, server, "xinmi_jingban")
    page.goto(server + "/policies/xinmi.target_new_urban_jobs_2020")
    expect(page.locator("#kind")).to_have_text("目标任务")
    expect(page.locator("#quote")).to_contain_text("6000")
    page.click('#uses a[href="/targets"]')
    expect(page.locator("h1")).to_have_text("目标任务")
    expect(page.locator("body")).to_contain_text("新密市2020年城乡就业创业工作目标任务分解表")


def test_legal_reference_is_information_with_its_quote(page: Page, server: str) -> None:
    page.goto(server + "/policies/cn.crime_price_gouging_2020")
    expect(page.locator("#kind")).to_have_text("法律适用")
    expect(page.locator("#quote")).to_contain_text("以非法经营罪定罪处罚")
    expect(page.locator("#status")).to_contain_text("仅供查阅")
    expect(page.locator("#uses")).to_have_count(0)
    page.goto(server + "/policies/no.such_entry")
    expect(page.locator("body")).to_contain_text("未找到政策 no.such_entry")
