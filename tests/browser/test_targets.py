"""The target dashboard with demo progress, and the monitoring page, on a real server."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in


def test_dashboard_order_and_chart(page: Page, server: str) -> None:
    sign_in(page, server, "xinmi_jingban")
    page.goto(server + "/targets/xinmi-2020?kind=new_urban_jobs&month=2020-06")
    expect(page.locator("h1")).to_have_text("新密市2020年城乡就业创业工作目标任务分解表")
    expect(page.locator("#summary")).to_contain_text("时间进度 50.0%")
    rows = page.locator("#progress-table tr[data-unit]")
    expect(rows).to_have_count(18)
    expect(rows.first).to_contain_text("尖山风景区管委")  # furthest behind first (demo pace 20 %)
    shares = [float(t.rstrip("%")) for t in rows.locator("td:nth-child(5)").all_inner_texts()]
    assert shares[0] < shares[-1]
    # the chart: inline SVG, one bar per unit in the same order, and the time-progress marker
    chart = page.locator("svg#progress-chart")
    expect(chart).to_be_visible()
    bars = chart.locator("g.bar")
    expect(bars).to_have_count(18)
    assert bars.first.get_attribute("data-unit") == "尖山风景区管委"
    assert bars.first.get_attribute("data-status") == "behind"
    expect(chart.locator("#year-marker")).to_have_count(1)
    expect(page.locator("svg#trend-chart polyline.series")).to_have_count(2)
    expect(page.locator("#export-xlsx")).to_have_attribute(
        "href", "/api/v1/targets/xinmi-2020/dashboard.xlsx?kind=new_urban_jobs&month=2020-06"
    )

    # enter progress in the form: the page comes back with it counted
    before = rows.filter(has_text="米村镇政府").locator("td:nth-child(4)").inner_text()
    page.select_option("#p-unit", "米村镇政府")
    page.fill("#p-month", "2020-07")
    page.fill("#p-value", "7")
    page.click("#p-save")
    page.wait_for_load_state()
    after = page.locator('#progress-table tr[data-unit="米村镇政府"] td:nth-child(4)').inner_text()
    assert int(after) == int(before) + 7

    # the printable report
    page.goto(server + "/targets/xinmi-2020/report?kind=new_urban_jobs&month=2020-06")
    expect(page.locator("#report-table tr").nth(1)).to_contain_text("尖山风景区管委")
    expect(page.locator("svg#progress-chart")).to_have_count(1)


def test_monitor_demo_run(page: Page, server: str) -> None:
    sign_in(page, server, "admin")
    page.goto(server + "/monitor")
    page.click("#monitor-demo")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("就业监测预警")
    expect(page.locator("#warnings tr[data-kind]").first).to_be_visible()
    expect(page.locator("#warnings")).to_contain_text("裁员率")
    expect(page.locator("svg[id^=region-chart-]").first).to_be_visible()
    expect(page.locator("#parameters")).to_contain_text("豫人社〔2020〕4号")


def test_enterprise_cannot_open_the_dashboard(page: Page, server: str) -> None:
    sign_in(page, server, "qiye")
    response = page.goto(server + "/targets/xinmi-2020")
    assert response is not None and response.status == 403
    expect(page.locator("#message")).to_contain_text("仅供")
