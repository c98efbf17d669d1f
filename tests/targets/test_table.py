"""The shipped Xinmi 2020 target table against the printed attachment of 新密政〔2020〕4号,
cell by cell, and its rows against the printed 合计 row."""

from __future__ import annotations

import json
import re

from renshe.services.targets import tables
from tests.conftest import SHARED, run_cli

SEED = SHARED / "seeds" / "003_65af231806fc8ace.txt"


def printed_rows() -> dict[str, list[int]]:
    """Unit → the numbers printed on its line, from the seed text between 合 计 and 备注."""
    text = SEED.read_text(encoding="utf-8")
    block = text[text.index("合 计 6000") : text.index("备注：创业担保贷款")]
    block = " ".join(block.split()).replace("合 计", "合计").replace("尖山风景区 管委", "尖山风景区管委")
    rows: dict[str, list[int]] = {}
    for unit, numbers in re.findall(r"([^\s\d]+)((?: \d+)+)", block):
        rows[unit] = [int(n) for n in numbers.split()]
    return rows


def test_every_row_matches_the_seed_cell_by_cell() -> None:
    table = tables.load("xinmi-2020")
    printed = printed_rows()
    assert len(table.rows) == 18
    assert [u for u, _ in table.rows] == [u for u in printed if u != "合计"]
    for unit, values in table.rows:
        # blank cells are not printed: the printed numbers are the non-blank cells, in order
        assert [v for v in values if v is not None] == printed[unit], unit
    # the 14 township-level rows print all ten cells
    assert all(None not in values for _, values in table.rows[:14])
    assert list(table.total or ()) == printed["合计"] == [6000, 800, 650, 7500, 5900, 2000, 5000, 400, 750, 3000]


def test_headers_and_document() -> None:
    table = tables.load("xinmi-2020")
    text = " ".join(SEED.read_text(encoding="utf-8").split())
    assert table.doc_no == "新密政〔2020〕4号" and "新密政〔2020〕4号" in text
    assert "新密市 2020年城乡就业创业工作目标任务分解表" in text
    squeezed = text.replace(" ", "")
    for col in table.columns:
        assert col.header.replace("(万元)", "") in squeezed, col.header


def test_rows_add_up_to_the_printed_totals() -> None:
    table = tables.load("xinmi-2020")
    assert table.column_sums() == list(table.total or ())
    assert table.discrepancies() == []
    # the bank split of 创业担保贷款 (备注) adds up to the column total too
    banks = table.meta["banks"]
    assert sum(amount for _, amount in banks) == table.total[4] == 5900  # type: ignore[index]


def test_discrepancy_is_stated_exactly() -> None:
    table = tables.load("xinmi-2020")
    broken = tables.TargetTable(
        table.name,
        table.title,
        table.year,
        table.doc_no,
        table.region,
        table.columns,
        ((table.rows[0][0], (101, *table.rows[0][1][1:])), *table.rows[1:]),
        table.total,
    )
    assert broken.discrepancies() == ["新增城镇就业：各单位合计 6001，表中合计 6000，相差 1"]


def test_cli_show_json_shape() -> None:
    result = run_cli("targets", "show", "xinmi-2020", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["name", "year", "columns", "rows", "total"]
    assert data["name"] == "xinmi-2020" and data["year"] == 2020
    assert data["columns"][0] == "new_urban_jobs" and len(data["columns"]) == 10
    assert data["rows"][0] == {
        "unit": "袁庄乡政府",
        "new_urban_jobs": 100,
        "unemployed_reemployed": 15,
        "hard_to_employ_employed": 15,
        "rural_labour_transferred": 220,
        "guaranteed_loans_wan": 260,
        "unemployed_skills_training": 100,
        "rural_labour_skills_training": 123,
        "returnee_startup_coaching": 25,
        "return_to_countryside_startups": 40,
        "sandan_linkage_training": 150,
    }
    assert data["rows"][-1]["unit"] == "矿区办事处" and data["rows"][-1]["return_to_countryside_startups"] is None
    assert data["total"]["new_urban_jobs"] == 6000


def test_cli_show_text_and_unknown() -> None:
    result = run_cli("targets", "show", "xinmi-2020")
    assert result.returncode == 0 and "核对：各列合计与表中合计一致" in result.stdout
    bad = run_cli("targets", "show", "nowhere-2020")
    assert bad.returncode == 2 and "没有名为 nowhere-2020 的目标表" in bad.stderr
