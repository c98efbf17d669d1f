"""Look before reading (先看图，后读表): the batch report and the simulation page open with
their charts — by flow, region (names, not codes) and size — before the long policy tables;
money of different flows is never added together."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from renshe.batch.demo import make_registry
from renshe.batch.outputs import FLOW_NAMES, SIZE_NAMES
from renshe.batch.runner import BatchConfig, run_batch
from renshe.batch.simulate import simulate, write_simulation
from renshe.domain.industries import section_name
from renshe.domain.regions import region_name
from renshe.engine.rules import registry
from renshe.engine.same_money import MONEY_FLOWS

AS_OF = dt.date(2020, 7, 31)
REFORM = {"xinmi.stable_job_refund_2020.months": 3, "cn.si_relief_2020.halving_ratio": 1.0}
#: a code standing alone (4 or 6 digits, not part of an amount such as 1,234.00)
BARE_CODE = re.compile(r"(?<![\d,.])\d{4}(?:\d{2})?(?![\d,.])")


@pytest.fixture(scope="module")
def reg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("charts") / "reg"
    make_registry(600, 5, out)
    return out


@pytest.fixture(scope="module")
def batch(reg: Path) -> Path:
    out = reg.parent / "out"
    run_batch(BatchConfig(reg, AS_OF, out, partition_size=300, workers=1))
    return out


def _charts(page: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each chart: its aria label and its bars (the label shown, the whole label)."""
    return [
        (label, re.findall(r'<text x="0"[^>]*>([^<]*)<title>([^<]*)</title></text>', svg))
        for label, svg in re.findall(r'<svg class="chart"[^>]*aria-label="([^"]*)"[^>]*>(.*?)</svg>', page, re.DOTALL)
    ]


def _values(svg_bars: str) -> dict[str, float]:
    return {
        name: float(v.replace(",", ""))
        for name, v in re.findall(r"<title>([^<：]+)：(-?[\d,]+\.\d\d) 元</title></rect>", svg_bars)
    }


def test_report_opens_with_charts_by_flow_region_and_size(batch: Path) -> None:
    page = (batch / "report.html").read_text(encoding="utf-8")
    policies = page.index('<h2 id="policies">')
    assert page.index('<svg class="chart"') < policies
    assert page.index("<table id='by-region'>") < policies
    assert "<svg" not in page[policies:]  # the 143-row table after every chart
    summary = pl.read_csv(batch / "summary.csv", schema_overrides={"prefecture": pl.String})
    charts = _charts(page)
    with_money = [f for f in MONEY_FLOWS if summary.filter(pl.col("flow") == f)["amount"].sum() > 0]
    assert len(with_money) >= 2
    assert [label for label, _ in charts] == [
        f"{FLOW_NAMES[f]}：{by}" for f in with_money for by in ("按地区", "按企业规模")
    ]
    for label, bars in charts:
        for shown, whole in bars:
            assert not BARE_CODE.search(shown) and not BARE_CODE.search(whole), (label, whole)
    for flow in with_money:
        mine = summary.filter(pl.col("flow") == flow)
        # by region: each prefecture by its name, with its own flow's money only
        svg = page[page.index(f'aria-label="{FLOW_NAMES[flow]}：按地区"') :]
        svg = svg[: svg.index("</svg>")]
        shown = _values(svg)
        expected = mine.group_by("prefecture").agg(pl.col("amount").sum()).sort("amount", descending=True).head(20)
        for code, amount in expected.iter_rows():
            assert shown[region_name(code + "00")] == pytest.approx(amount, abs=0.01)
        # by size: large → micro
        svg = page[page.index(f'aria-label="{FLOW_NAMES[flow]}：按企业规模"') :]
        svg = svg[: svg.index("</svg>")]
        order = [name for _, name in re.findall(r'<text x="0"[^>]*>([^<]*)<title>([^<]*)</title>', svg)]
        sizes = [n for n in SIZE_NAMES.values() if n in order]
        assert order[: len(sizes)] == sizes and "大型" in order
    # the table by region: a column per flow, never a total over flows
    table = page[page.index("<table id='by-region'>") :]
    table = table[: table.index("</table>")]
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert heads == ["地区（地市）", *[f"{FLOW_NAMES[f]}（元）" for f in with_money]]
    assert "合计" not in table and not BARE_CODE.search(re.sub(r"<[^>]+>", " ", table))
    by_region = summary.filter(pl.col("amount") > 0).group_by("prefecture", "flow").agg(pl.col("amount").sum())
    for code, flow, amount in by_region.iter_rows():
        row = re.search(rf"<tr><td>{region_name(code + '00')}</td>(.*?)</tr>", table)
        assert row, code
        cells = re.findall(r"<td class='n'>([^<]*)</td>", row.group(1))
        assert float(cells[with_money.index(flow)].replace(",", "")) == pytest.approx(amount, abs=0.01)
    # money of different flows is never added together anywhere on the page
    totals = summary.group_by("flow").agg(pl.col("amount").sum())
    mixed = sum(totals["amount"].to_list())
    assert f"{mixed:,.2f}" not in page


def test_simulation_charts_carry_titles_and_names(reg: Path, tmp_path: Path) -> None:
    config = BatchConfig(reg, AS_OF, tmp_path / "sim", partition_size=300, workers=1)
    tables = simulate(config, REFORM)
    write_simulation(tables, tmp_path / "page", REFORM)
    page = (tmp_path / "page" / "simulation.html").read_text(encoding="utf-8")
    charts = _charts(page)
    assert charts and page.index('<svg class="chart"') < page.index('<h2 id="policies">')
    rules = registry().rules
    titles = {r.title for r in rules.values()}
    policy_charts = [(label, bars) for label, bars in charts if "各项政策" in label]
    assert policy_charts
    for label, bars in policy_charts:
        assert bars and all(whole in titles for _, whole in bars), label
    assert not any(pid in page for pid in rules if pid not in "".join(REFORM))  # titles, never ids
    names = {name for label, bars in charts if "地区" in label for _, name in bars}
    sections = {name for label, bars in charts if "行业门类" in label for _, name in bars}
    assert names and all(not BARE_CODE.search(n) for n in names)
    assert {
        region_name(c + "00")
        for c in tables["by_prefecture"].filter(pl.col("difference") != 0)["prefecture"].drop_nulls().to_list()
    } <= names
    assert (
        sections
        and {
            section_name(s)
            for s in tables["by_industry_section"]
            .filter(pl.col("difference") != 0)["industry_section"]
            .drop_nulls()
            .to_list()
        }
        <= sections
    )
    # a loss (the refund's months cut) is charted too, red and leftward, not left out
    losers = tables["by_prefecture"].filter(pl.col("difference") < 0)
    assert losers.height and 'fill="#c0392b"' in page
    assert "<svg" not in page[page.index('<h2 id="policies">') :]
