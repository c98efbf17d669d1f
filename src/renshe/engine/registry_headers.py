"""Registry headers (表头): the bureau's own exports, read as a registry.

A social-insurance office exports its tables with Chinese headers (统一社会信用代码,
费款所属期, 险种, 单位应缴 …) and its own words for values (险种 “企业职工基本养老保险”,
费款所属期 “202002”). This module is the one place that turns such a table into the
registry's columns, for every reader of a registry (the batch, the monitoring service,
the enterprise prefill — all through ``registry_files``):

* :func:`problems` — before anything runs, every header of every table is looked up:
  a header neither a registry column, nor in the header table
  (``registry_headers.yaml``, documented in docs/registry-headers.md), nor in the
  user's mapping file, nor ignored, is reported by name; so is a required column the
  table lacks (named in Chinese and in the registry's words).
* :func:`normalise` — the headers renamed, the ignored columns dropped, the values of
  险种 and 费款所属期 and thousands separators brought to the registry's form.

A mapping file (``renshe batch REG --headers mapping.yaml``, or ``RENSHE_REGISTRY_HEADERS``)
has the layout of the header table: ``aliases`` per table (or ``all`` for every table),
``ignore`` and ``insurance_names``; it adds to the table (its entries win).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from renshe.engine.case import Enterprise
from renshe.engine.population import layout

HERE = Path(__file__).parent
MAPPING_VARIABLE = "RENSHE_REGISTRY_HEADERS"

#: the columns without which a table cannot be read (batch.registry.REQUIRED_COLUMNS agrees: tested)
REQUIRED_COLUMNS = {
    "units": ("uscc", "region"),
    "contributions": ("uscc", "month", "insurance", "employer_due", "employer_paid"),
    "insured": ("uscc", "month", "headcount"),
    "si_additions": ("uscc", "month", "count"),
    "quarterly_profit": ("uscc", "quarter", "profit"),
}
#: number columns whose text may carry thousands separators (“32,000.00”)
NUMBER_COLUMNS = ("employees", "revenue", "assets", "employer_due", "employer_paid", "headcount", "count", "profit")


class HeaderError(ValueError):
    """A mapping file that cannot be used."""


@cache
def _table() -> dict[str, Any]:
    return dict(yaml.safe_load((HERE / "registry_headers.yaml").read_text(encoding="utf-8")))


@cache
def registry_columns(table: str) -> frozenset[str]:
    """The registry's own column names of ``table`` (always understood)."""
    lay = layout(Enterprise)
    if table == "units":
        cols = {k for k in lay.columns if k != "_u" and not k.startswith("flag_")} - {"size_given"}
        return frozenset(cols | {"size", "flags"})
    return frozenset({"uscc", *(k for k in lay.tables[table] if k != "_u")})


@cache
def _mapping_file(path: str, mtime: float) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise HeaderError(f"表头映射文件 {path} 无法读取：{exc}") from None
    if not isinstance(data, dict):
        raise HeaderError(f"表头映射文件 {path} 应为 YAML 映射（aliases、ignore、insurance_names）")
    return data


def mapping() -> dict[str, Any]:
    """The user's mapping file (``RENSHE_REGISTRY_HEADERS``), or nothing."""
    path = os.environ.get(MAPPING_VARIABLE)
    if not path:
        return {}
    try:
        mtime = Path(path).stat().st_mtime
    except OSError:
        raise HeaderError(f"表头映射文件 {path} 不存在") from None
    return _mapping_file(path, mtime)


def aliases(table: str) -> dict[str, str]:
    """Header → registry column of ``table``: the header table, then the mapping file's."""
    own = mapping().get("aliases") or {}
    out = {**(_table()["aliases"].get(table) or {})}
    for part in ("all", table):
        out.update({str(k).strip(): str(v).strip() for k, v in (own.get(part) or {}).items()})
    return out


def ignored() -> set[str]:
    return {str(x).strip() for x in [*_table()["ignore"], *(mapping().get("ignore") or [])]}


def insurance_names() -> dict[str, str]:
    return {**_table()["insurance_names"], **(mapping().get("insurance_names") or {})}


def column_name(col: str) -> str:
    """“统一社会信用代码（uscc）”: a registry column as a message names it."""
    chinese = _table()["column_names"].get(col)
    return f"{chinese}（{col}）" if chinese else col


def renames(table: str, headers: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """(header → registry column, headers to drop, headers not understood) of a table."""
    known = registry_columns(table)
    table_aliases = aliases(table)
    drop = ignored()
    rename: dict[str, str] = {}
    dropped, unknown = [], []
    for h in headers:
        if h == "_row":
            continue
        name = str(h).strip().lstrip("\ufeff")  # a BOM (Excel's “CSV UTF-8”) is no part of the name
        if name in known:
            if name != h:
                rename[h] = name
        elif name in table_aliases:
            rename[h] = table_aliases[name]
        elif name in drop:
            dropped.append(h)
        else:
            unknown.append(h)
    return rename, dropped, unknown


def problems(table: str, headers: list[str], label: str) -> list[str]:
    """What is wrong with a table's headers, each named: columns not understood, a column
    given twice, required columns missing."""
    rename, _, unknown = renames(table, headers)
    out = []
    if unknown:
        out.append(
            f"{label}: 无法识别的列 {'、'.join(unknown)}（见 docs/registry-headers.md；"
            "其他表头可用 --headers 映射文件对应到登记库的列，或列入 ignore）"
        )
    targets: dict[str, list[str]] = {}
    for h in headers:
        if h == "_row" or h in unknown:
            continue
        targets.setdefault(rename.get(h, h), []).append(h)
    for col, given in targets.items():
        if len(given) > 1 and col in registry_columns(table):
            out.append(f"{label}: 列 {'、'.join(given)} 都对应 {column_name(col)}，只能保留一列")
    present = set(targets)
    missing = [c for c in REQUIRED_COLUMNS.get(table, ()) if c not in present]
    if missing:
        out.append(f"{label}: 缺少必需的列 {'、'.join(column_name(c) for c in missing)}")
    return out


def _month(col: pl.Expr) -> pl.Expr:
    """费款所属期 in the bureau's forms (202002, 2020年2月, 2020/02, 2020-02-01) → 2020-02;
    anything else is left as typed (the registry's check names it)."""
    text = col.cast(pl.String).str.strip_chars()
    digits = text.str.extract(r"^(\d{4})\D?(\d{1,2})(?:\D.*)?$", 1)
    month = text.str.extract(r"^(\d{4})\D?(\d{1,2})(?:\D.*)?$", 2)
    six = text.str.extract(r"^(\d{4})(\d{2})$", 1)
    six_m = text.str.extract(r"^(\d{4})(\d{2})$", 2)
    year = pl.coalesce(six, digits)
    mm = pl.coalesce(six_m, month)
    return (
        pl.when(year.is_not_null() & mm.is_not_null())
        .then(pl.concat_str([year, pl.lit("-"), mm.str.zfill(2)]))
        .otherwise(text)
    )


def normalise(lf: pl.LazyFrame, table: str) -> pl.LazyFrame:
    """A table with the bureau's headers and values as the registry's columns and values.
    A table already in the registry's form comes back unchanged."""
    headers = lf.collect_schema().names()
    rename, dropped, _ = renames(table, headers)
    if not rename and not dropped:  # the registry's own form: nothing to do (and no cost)
        return lf
    lf = lf.drop(dropped).rename(rename)
    names = set(lf.collect_schema().names())
    fixes = []
    if "month" in names:
        fixes.append(_month(pl.col("month")).alias("month"))
    if "insurance" in names:
        words = insurance_names()
        text = pl.col("insurance").cast(pl.String).str.strip_chars()
        fixes.append(text.replace(words).alias("insurance"))
    schema = lf.collect_schema()  # the bureau's number cells: “32,000.00”
    fixes.extend(
        pl.col(c).str.replace_all(",", "", literal=True).alias(c)
        for c in NUMBER_COLUMNS
        if c in names and schema[c] == pl.String
    )
    return lf.with_columns(fixes) if fixes else lf
