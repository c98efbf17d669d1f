"""Registry import from the bureau's own exports (表头): the batch, the monitoring and the
prefill read xlsx/csv with the usual Chinese headers and the bureau's words for values;
a header not understood or a required column missing is named before anything runs; a
mapping file covers other headers."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import polars as pl
import pytest
import yaml

from renshe.batch.demo import make_registry
from renshe.batch.registry import REQUIRED_COLUMNS, RegistryError
from renshe.batch.runner import BatchConfig, run_batch
from renshe.engine import registry_headers
from renshe.services import monitoring
from tests.conftest import RENSHE

AS_OF = dt.date(2020, 7, 31)
POLICIES = ["cn.si_relief_2020", "beijing.one_time_si_subsidy_2020"]
ROOT = Path(__file__).resolve().parents[2]
#: the bureau's headers of each table (as docs/registry-headers.md lists them)
BUREAU = {
    "units": {
        "uscc": "统一社会信用代码",
        "name": "单位名称",
        "region": "行政区划",
        "industry": "行业",
        "employees": "从业人数",
        "revenue": "营业收入",
        "assets": "资产总额",
        "unit_type": "单位类型",
        "state_owned": "是否国有",
        "flags": "标志",
    },
    "contributions": {
        "uscc": "统一社会信用代码",
        "month": "费款所属期",
        "insurance": "险种",
        "employer_due": "单位应缴",
        "employer_paid": "单位实缴",
    },
    "insured": {"uscc": "统一社会信用代码", "month": "费款所属期", "headcount": "参保人数"},
}
INSURANCE_WORDS = {
    "pension": "企业职工基本养老保险",
    "unemployment": "失业保险",
    "work_injury": "工伤保险",
    "medical": "职工基本医疗保险",
    "maternity": "生育保险",
}


@pytest.fixture(scope="module")
def canonical(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("canonical")
    make_registry(40, 5, out, "csv")
    for extra in ("si_additions.csv", "quarterly_profit.csv"):
        (out / extra).unlink()
    return out


def bureau_tables(canonical: Path) -> dict[str, pl.DataFrame]:
    """The same registry as a social-insurance office exports it: Chinese headers, 险种 in
    words, 费款所属期 as 202002, amounts with thousands separators, a 序号 column."""
    tables = {}
    for name, headers in BUREAU.items():
        frame = pl.read_csv(canonical / f"{name}.csv", infer_schema=False)
        if "month" in frame.columns:
            frame = frame.with_columns(pl.col("month").str.replace("-", ""))
        if name == "contributions":
            frame = frame.with_columns(
                pl.col("insurance").replace(INSURANCE_WORDS),
                pl.col("employer_due").cast(pl.Float64).map_elements(lambda v: f"{v:,.2f}", return_dtype=pl.String),
            )
        frame = frame.rename({c: h for c, h in headers.items() if c in frame.columns})
        tables[name] = frame.with_row_index("序号", offset=1).with_columns(pl.col("序号").cast(pl.String))
    return tables


def write_dir(tables: dict[str, pl.DataFrame], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.write_csv(folder / f"{name}.csv")
    return folder


def write_book(tables: dict[str, pl.DataFrame], path: Path) -> Path:
    import xlsxwriter

    with xlsxwriter.Workbook(path) as book:
        for name, frame in tables.items():
            frame.write_excel(book, worksheet=name, autofit=False)
    return path


def totals(registry: Path, out: Path) -> dict[str, object]:
    summary = run_batch(BatchConfig(registry, AS_OF, out, policies=POLICIES, partition_size=50, workers=1))
    return {"units": summary["units"], "rejected": summary["rejected_rows"], "totals": summary["totals"]}


def test_required_columns_agree_with_the_batch() -> None:
    assert {k: tuple(v) for k, v in registry_headers.REQUIRED_COLUMNS.items()} == {
        k: tuple(v) for k, v in REQUIRED_COLUMNS.items()
    }


def test_the_documented_header_table_lists_every_header() -> None:
    doc = (ROOT / "docs" / "registry-headers.md").read_text(encoding="utf-8")
    table = yaml.safe_load((ROOT / "src/renshe/engine/registry_headers.yaml").read_text(encoding="utf-8"))
    for aliases in table["aliases"].values():
        for header, column in aliases.items():
            assert f"| {header} | `{column}` |" in doc, header
    for word in table["insurance_names"]:
        assert word in doc


def test_batch_reads_the_bureau_csv_and_xlsx_like_its_own(canonical: Path, tmp_path: Path) -> None:
    expected = totals(canonical, tmp_path / "a")
    assert expected["units"] == 40 and expected["rejected"] == 0
    tables = bureau_tables(canonical)
    assert totals(write_dir(tables, tmp_path / "csv"), tmp_path / "b") == expected
    assert totals(write_book(tables, tmp_path / "bureau.xlsx"), tmp_path / "c") == expected


def test_a_gbk_csv_export_is_read(canonical: Path, tmp_path: Path) -> None:
    """Excel in China saves “CSV” as GBK: the same registry, the same result."""
    folder = tmp_path / "gbk"
    folder.mkdir()
    for name, frame in bureau_tables(canonical).items():
        (folder / f"{name}.csv").write_bytes(frame.write_csv().encode("gb18030"))
    assert (folder / "units.csv").read_bytes().startswith("序号,统一社会信用代码".encode("gbk"))
    assert monitoring.run(folder, "2020-03")["summary"] == monitoring.run(canonical, "2020-03")["summary"]
    (folder / "insured.csv").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(RegistryError, match="文件编码既不是 UTF-8 也不是 GBK"):
        monitoring.run(folder, "2020-03")


def test_monitoring_reads_the_bureau_headers(canonical: Path, tmp_path: Path) -> None:
    ours = monitoring.run(canonical, "2020-03")
    theirs = monitoring.run(write_book(bureau_tables(canonical), tmp_path / "bureau.xlsx"), "2020-03")
    assert theirs["summary"] == ours["summary"]
    assert theirs["summary"]["units"] == 40


def test_missing_and_unknown_columns_are_named_before_anything_runs(canonical: Path, tmp_path: Path) -> None:
    tables = bureau_tables(canonical)
    tables["contributions"] = tables["contributions"].drop("单位实缴").rename({"险种": "保险类型"})
    tables["units"] = tables["units"].with_columns(pl.lit("x").alias("注册地址"))
    folder = write_dir(tables, tmp_path / "reg")
    out = tmp_path / "out"
    with pytest.raises(RegistryError) as err:
        run_batch(BatchConfig(folder, AS_OF, out, policies=POLICIES, workers=1))
    message = str(err.value)
    assert "units.csv: 无法识别的列 注册地址" in message
    assert "contributions.csv: 无法识别的列 保险类型" in message
    assert "缺少必需的列 险种（insurance）、单位实缴（employer_paid）" in message
    assert not out.exists()  # nothing ran, nothing written
    with pytest.raises(RegistryError, match="注册地址"):
        monitoring.run(folder, "2020-03")


def test_a_mapping_file_maps_other_headers(canonical: Path, tmp_path: Path) -> None:
    tables = bureau_tables(canonical)
    tables["units"] = (
        tables["units"]
        .rename({"统一社会信用代码": "信用代码", "行政区划": "区划"})
        .with_columns(pl.lit("北京市海淀区").alias("注册地址"))
    )
    tables["contributions"] = tables["contributions"].with_columns(
        pl.col("险种").replace({"企业职工基本养老保险": "养老（企业）"})
    )
    folder = write_dir(tables, tmp_path / "reg")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        yaml.safe_dump(
            {
                "aliases": {"units": {"区划": "region"}, "all": {"信用代码": "uscc"}},
                "ignore": ["注册地址"],
                "insurance_names": {"养老（企业）": "pension"},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    plain = subprocess.run(
        [
            str(RENSHE),
            "batch",
            str(folder),
            "--as-of",
            "2020-07-31",
            "--out",
            str(tmp_path / "x"),
            "--policies",
            POLICIES[0],
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert plain.returncode == 2
    assert "无法识别的列 信用代码、区划、注册地址" in plain.stderr
    assert "缺少必需的列 统一社会信用代码（uscc）、行政区划（region）" in plain.stderr
    assert not (tmp_path / "x").exists()
    mapped = subprocess.run(
        [
            str(RENSHE),
            "batch",
            str(folder),
            "--as-of",
            "2020-07-31",
            "--out",
            str(tmp_path / "y"),
            "--policies",
            POLICIES[0],
            "--workers",
            "1",
            "--headers",
            str(mapping),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert mapped.returncode == 0, mapped.stderr
    summary = json.loads((tmp_path / "y" / "summary.json").read_text(encoding="utf-8"))
    expected = run_batch(BatchConfig(canonical, AS_OF, tmp_path / "z", policies=POLICIES[:1], workers=1))
    assert summary["totals"] == expected["totals"] and summary["units"] == 40
