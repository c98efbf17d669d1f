"""Batch outputs (结果输出): per policy a payment list and a rejection list, a
summary by region, size and industry, the bad input rows, an xlsx workbook for
the bank, and a short HTML report. Deterministic: the same results give the
same bytes."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from renshe.batch.partition import result_path
from renshe.domain.regions import region_name
from renshe.engine.rules import registry

XLSX_MAX_ROWS = 1_000_000
FEN_PER_YUAN = 100
SIZE_NAMES = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型", "unclassifiable": "不适用划型"}
FIXED_CREATED = dt.datetime(2020, 1, 1)


def load_results(work: Path, key: str) -> pl.LazyFrame:
    """Every partition's results of run ``key``, with the unit's identity and classes."""
    stage = json.loads((work / "stage.json").read_text(encoding="utf-8"))
    files = [result_path(work, key, k) for k in range(stage["partitions"])]
    units = pl.scan_parquet(work / "units.parquet").select(
        "_part", "_u", "uscc", "name", "region", "industry", pl.col("size_class").alias("size"), "unit_type")
    if not files:
        return pl.LazyFrame()
    return pl.scan_parquet(files).join(units, on=["_part", "_u"], how="left")


def _prefecture(region: pl.Expr) -> pl.Expr:
    return region.str.slice(0, 4)


def _names(codes: list[str]) -> dict[str, str]:
    out = {}
    for code in codes:
        try:
            out[code] = region_name(code + "00")
        except ValueError:
            out[code] = code
    return out


#: the columns of a unit the outputs use, looked up once (:class:`_Units`)
UNIT_COLUMNS = ["uscc", "name", "region", "industry", "size_class"]
#: a payment list's columns
PAY_COLUMNS = ["uscc", "name", "region", "amount", "mode", "period_from", "period_to", "reasons"]
#: the summary's groups and sums, per policy
SUMMARY_KEYS = ["policy", "prefecture", "size", "industry_section"]
EMPTY_SCOPE = {"prefecture": pl.String, "size": pl.String, "industry_section": pl.String, "eligible": pl.Boolean,
               "paid": pl.Boolean, "amount": pl.Float64}


class _Units:
    """The units' identity and classes (uscc, name, region, prefecture, size, industry
    section), read once for all policies instead of joined again for each (one row per
    unit, a few columns: a small fraction of one policy's results).

    ``units.parquet`` is ordered by (``_part``, ``_u``), ``_u`` numbering each
    partition's units from 0, so a result row's unit is found by position; ``order`` is
    the rank of the USCC, so that sorting by it is sorting by USCC (when USCCs are
    unique, as staging makes them). Otherwise (or for a key not found) the rows are
    joined, as before."""

    def __init__(self, work: Path) -> None:
        units = pl.read_parquet(work / "units.parquet", columns=["_part", "_u", *UNIT_COLUMNS])
        self.unique = units["uscc"].n_unique() == units.height and units["uscc"].null_count() == 0
        self.table = units.select(
            "_part", "_u", "uscc", "name", "region", _prefecture(pl.col("region")).alias("prefecture"),
            pl.col("size_class").alias("size"), pl.col("industry").str.slice(0, 1).alias("industry_section"),
            pl.col("uscc").rank("ordinal").alias("order"))
        positional = units.select(pl.col("_part").is_sorted()
                                  & (pl.col("_u") == pl.int_range(pl.len(), dtype=pl.UInt32).over("_part")).all()).item()
        self.starts: dict[int, int] | None = None
        self.counts: dict[int, int] = {}
        if positional:
            spans = units.with_row_index("row").group_by("_part").agg(pl.col("row").first(), pl.len())
            self.starts = dict(zip(spans["_part"].to_list(), spans["row"].to_list(), strict=True))
            self.counts = dict(zip(spans["_part"].to_list(), spans["len"].to_list(), strict=True))

    def attach(self, rows: pl.DataFrame) -> pl.DataFrame:
        """``rows`` (results: ``_part``, ``_u``, …) with their unit's columns."""
        found = self.table.drop("_part", "_u")
        if self.starts is not None and rows.height:
            part = rows["_part"]
            start = part.replace_strict(self.starts, default=None, return_dtype=pl.Int64)
            count = part.replace_strict(self.counts, default=None, return_dtype=pl.Int64)
            if start.null_count() == 0 and (rows["_u"].cast(pl.Int64) < count).all():
                return rows.hstack(found[start + rows["_u"].cast(pl.Int64)])
        return rows.join(self.table, on=["_part", "_u"], how="left", maintain_order="left")

    def listing(self, rows: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
        """``columns`` of ``rows`` (with :meth:`attach`'s columns), by USCC."""
        key = "order" if self.unique else "uscc"
        return rows.select(*columns, *([] if key in columns else [key])).sort(key).select(columns)


def write_outputs(work: Path, key: str, out: Path, rule_ids: list[str], as_of: dt.date) -> dict[str, Any]:
    reg = registry()
    stage = json.loads((work / "stage.json").read_text(encoding="utf-8"))
    files = [result_path(work, key, k) for k in range(stage["partitions"])]
    for sub in ("payments", "rejections", "eligible"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    problems = pl.read_parquet(work / "problems.parquet")
    problems.write_csv(out / "problems.csv")
    if not files:
        return {"paid_units": 0, "total_amount": 0.0}
    # money only: rates, days and dates are results too, but nothing is paid on them
    money = pl.col("unit") == "CNY"
    paid = (money & pl.col("eligible") & (pl.col("amount") > 0) & pl.col("overlaps").is_null()).fill_null(False)
    pending = (money & pl.col("eligible") & pl.col("amount").is_null()).fill_null(False)
    # one policy at a time (a registry of a million units times a hundred policies is far
    # more than memory): its rows are read from the result files, the units in scope get
    # their identity, and its part of the summary is summed (in whole fen: exact in any order)
    results = pl.scan_parquet(files)
    units = _Units(work)
    sheets: dict[str, pl.DataFrame] = {}
    sheet_rows = 0
    policy_rows = []
    summaries: dict[str, pl.DataFrame] = {}
    with ThreadPoolExecutor(1) as writer:  # a policy's lists are written while the next one is read
        written: Future[None] | None = None
        for pid in rule_ids:
            rule = reg.rules[pid]
            mine = results.filter(pl.col("policy") == pid).drop("policy").collect()
            is_money = bool((mine["unit"] == "CNY").any())
            scope = units.attach(mine.filter(pl.col("in_scope"))).with_columns(
                paid.alias("paid"), pending.alias("pending"))
            del mine
            pay = units.listing(scope.filter(pl.col("paid")), PAY_COLUMNS)
            rejected = units.listing(scope.filter(~pl.col("eligible")), ["uscc", "name", "region", "reasons"])
            lists = [(rejected, out / "rejections" / f"{pid}.csv", {})]
            if is_money:
                lists.append((pay, out / "payments" / f"{pid}.csv", {"float_precision": 2}))
                sheet_rows += pay.height
                if sheet_rows <= XLSX_MAX_ROWS:
                    sheets[pid] = pay
                else:  # beyond, no workbook is written: keep nothing
                    sheets.clear()
            else:  # a determination (eligibility, deadline, rate): the list of units it applies to
                lists.append((units.listing(scope.filter(pl.col("eligible")), [
                    "uscc", "name", "region", "amount", "unit", "period_from", "period_to", "extras", "reasons",
                ]), out / "eligible" / f"{pid}.csv", {}))
            policy_rows.append({
                "policy": pid, "title": rule.title, "doc_no": rule.doc_no, "units_in_scope": scope.height,
                "eligible": int(scope["eligible"].sum()), "paid_units": pay.height,
                "amount": round(float(pay["amount"].sum()), 2), "pending": int(scope["pending"].sum()),
                "rejected": rejected.height,
            })
            if pid not in summaries:  # a policy asked for twice is summed once
                summaries[pid] = _summary_part(scope, pid)
            if written is not None:
                written.result()  # one policy's lists waiting at most
            written = writer.submit(_write_csvs, lists)
        if written is not None:
            written.result()
    policies = pl.DataFrame(policy_rows, schema={
        "policy": pl.String, "title": pl.String, "doc_no": pl.String, "units_in_scope": pl.Int64,
        "eligible": pl.Int64, "paid_units": pl.Int64, "amount": pl.Float64, "pending": pl.Int64,
        "rejected": pl.Int64})
    policies.write_csv(out / "policies.csv", float_precision=2)
    summary = (
        pl.concat(list(summaries.values()) or [_summary_part(pl.DataFrame(schema=EMPTY_SCOPE), "")])
        .with_columns((pl.col("fen") / FEN_PER_YUAN).round(2).alias("amount"))
        .drop("fen")
        .sort(SUMMARY_KEYS, nulls_last=True)
    )
    names = _names(summary["prefecture"].drop_nulls().unique().sort().to_list())
    summary = summary.with_columns(pl.col("prefecture").replace_strict(names, default=None).alias("prefecture_name"))
    summary.write_csv(out / "summary.csv", float_precision=2)
    if sheet_rows <= XLSX_MAX_ROWS:
        write_workbook(out / "payments.xlsx", policies, sheets)
    write_report(out / "report.html", policies, summary, as_of, problems.height)
    return {"paid_units": int(policies["paid_units"].sum()), "total_amount": round(float(policies["amount"].sum()), 2)}


def _write_csvs(lists: list[tuple[pl.DataFrame, Path, dict[str, Any]]]) -> None:
    for frame, path, options in lists:
        frame.write_csv(path, **options)


def _summary_part(scope: pl.DataFrame, pid: str) -> pl.DataFrame:
    """One policy's in-scope units by prefecture, size and industry section; paid amounts in fen."""
    return scope.group_by(SUMMARY_KEYS[1:]).agg(
        pl.len().alias("units"), pl.col("eligible").sum().alias("eligible"), pl.col("paid").sum().alias("paid_units"),
        # in fen (integers): the sum is exact whatever the order of the rows
        (pl.when(pl.col("paid")).then(pl.col("amount")).otherwise(0.0) * FEN_PER_YUAN).round().cast(pl.Int64)
        .sum().alias("fen"),
    ).select(pl.lit(pid).alias("policy"), *SUMMARY_KEYS[1:], "units", "eligible", "paid_units", "fen")


PAY_HEADERS = {"uscc": "统一社会信用代码", "name": "单位名称", "region": "行政区划", "amount": "金额（元）",
               "mode": "方式", "period_from": "起", "period_to": "止", "reasons": "理由"}
INDEX_HEADERS = {"sheet": "工作表", "policy": "政策编号", "title": "政策", "doc_no": "文号", "units_in_scope": "范围内单位",
                 "eligible": "符合条件", "paid_units": "拨付单位数", "amount": "拨付金额", "pending": "金额待核定",
                 "rejected": "不符合"}


def write_workbook(path: Path, policies: pl.DataFrame, sheets: dict[str, pl.DataFrame]) -> None:
    """One sheet per policy (named 1, 2, … as sheet names are short) and an index sheet.

    The bytes are those of Polars' ``write_excel`` through xlsxwriter
    (:func:`write_workbook_plain`), which handles every cell in Python (~10 µs a cell; 3.5M
    cells for 432 000 payments). So xlsxwriter writes a skeleton — each sheet with its
    first row only — and the rows are then written from Polars columns
    (:func:`_fill_skeleton`), which first checks that it rebuilds the skeleton byte for
    byte and leaves the workbook to xlsxwriter whenever it meets a cell it would not write
    the same way (a formula or link, a very long text, another column type)."""
    index = _index_frame(policies, sheets)
    frames = [frame.rename(PAY_HEADERS) for frame in sheets.values()]
    if any(frame.height > 1 for frame in frames):
        skeleton = io.BytesIO()
        _write_book(skeleton, index, [frame.head(1) for frame in frames])
        try:
            _fill_skeleton(path, skeleton, index, frames)
            return
        except _Unusual:
            path.unlink(missing_ok=True)
    _write_book(path, index, frames)


def write_workbook_plain(path: Path, policies: pl.DataFrame, sheets: dict[str, pl.DataFrame]) -> None:
    """:func:`write_workbook` by xlsxwriter alone, cell by cell (the reference; slow)."""
    _write_book(path, _index_frame(policies, sheets), [frame.rename(PAY_HEADERS) for frame in sheets.values()])


def _index_frame(policies: pl.DataFrame, sheets: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return policies.filter(pl.col("policy").is_in(list(sheets))).with_row_index("sheet", offset=1) \
        .with_columns(pl.col("sheet").cast(pl.String)).rename(INDEX_HEADERS)


def _write_book(target: Path | io.BytesIO, index: pl.DataFrame, frames: list[pl.DataFrame]) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(target if isinstance(target, io.BytesIO) else str(target))
    workbook.set_properties({"title": "免申即享 拨付名单", "created": FIXED_CREATED})
    index.write_excel(workbook, worksheet="目录", autofit=True)
    for i, frame in enumerate(frames, start=1):
        frame.write_excel(workbook, worksheet=str(i), autofit=False, float_precision=2)
    workbook.close()


class _Unusual(Exception):
    """A cell the fast path would not write as xlsxwriter does."""


#: what xlsxwriter's ``write`` makes a formula or a hyperlink rather than a string
_NOT_TEXT = r"(?s)^=|^\{=.*\}$|^(ftp|http)s?://|^mailto:|^(in|ex)ternal:|^file://"
#: a string xlsxwriter may store other than as ``<si><t>`` + its text with & < > escaped:
#: ``_xHHHH_`` and control characters (escaped), white space at either end (``xml:space``), ``<r>``
_NOT_PLAIN = r"_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\x{fffe}\x{ffff}]|^[\s\x1c-\x1f]|[\s\x1c-\x1f]$|^<r>"
#: a string of at most this many characters is within Excel's 32 767 UTF-16 units
#: (xlsxwriter truncates longer ones)
_SHORT = 16_383
#: a cell's writing-order key: ``row << _COL_BITS | column``
_COL_BITS = 12


def _si(text: str) -> str:
    """The ``<si>`` element of ``text`` as xlsxwriter writes it (``SharedStrings._write_si``)."""
    text = re.sub("(_x[0-9a-fA-F]{4}_)", r"_x005F\1", text)
    text = re.sub(r"([\x00-\x08\x0b-\x1f])", lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    if text.startswith("<r>") and text.endswith("</r>"):
        return f"<si>{text}</si>"
    space = ' xml:space="preserve"' if re.search(r"^\s", text) or re.search(r"\s$", text) else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<si><t{space}>{text}</t></si>"


@dataclass
class _Strings:
    """A workbook's shared strings: ``cells[(sheet, column)]`` each row's string index
    (null: a blank cell), ``body`` the ``<si>`` elements, ``count`` the string cells."""

    cells: dict[tuple[int, int], pl.Series]
    body: str
    count: int
    unique: int


def _shared_strings(book: list[pl.DataFrame]) -> _Strings:
    """xlsxwriter numbers the strings in the order it first writes them: sheet by sheet,
    a table's header row, then its rows left to right. An empty string is a blank cell."""
    parts: list[pl.DataFrame] = []
    slices: dict[tuple[int, int], tuple[int, int]] = {}
    row = offset = 0
    for b, frame in enumerate(book):
        if frame.width >= 1 << _COL_BITS:
            raise _Unusual("too many columns")
        parts.append(pl.DataFrame({"value": frame.columns, "key": [row << _COL_BITS | j for j in range(frame.width)]},
                                  schema={"value": pl.String, "key": pl.Int64}))
        offset += frame.width
        for j, (name, dtype) in enumerate(frame.schema.items()):
            if dtype == pl.String:
                parts.append(frame.select(
                    pl.when(pl.col(name) != "").then(pl.col(name)).alias("value"),
                    ((pl.int_range(1, pl.len() + 1, dtype=pl.Int64) + row) * (1 << _COL_BITS) + j).alias("key")))
                slices[(b, j)] = (offset, frame.height)
                offset += frame.height
            elif not dtype.is_numeric():
                raise _Unusual(f"a {dtype} column")
        row += frame.height + 1
    cells = pl.concat(parts)
    if cells.select((pl.col("value").str.contains(_NOT_TEXT) | (pl.col("value").str.len_chars() > _SHORT)).any()).item():
        raise _Unusual("a formula, a link or a long text")
    cells = cells.with_columns(pl.when(pl.col("value").is_not_null()).then(pl.col("key").min().over("value"))
                               .alias("first"))
    cells = cells.with_columns((pl.col("first").rank("dense") - 1).cast(pl.UInt32).alias("index"))
    escaped = pl.col("value").str.replace_all("&", "&amp;", literal=True).str.replace_all("<", "&lt;", literal=True) \
        .str.replace_all(">", "&gt;", literal=True)
    unique = cells.filter(pl.col("key") == pl.col("first")).sort("first").select(
        "value", pl.when(~pl.col("value").str.contains(_NOT_PLAIN))
        .then(pl.concat_str(pl.lit("<si><t>"), escaped, pl.lit("</t></si>"))).alias("si"))
    odd = unique["si"].is_null()
    if odd.any():  # rare: the exact rules, in Python
        unique = unique.with_columns(pl.when(odd).then(pl.col("value").map_elements(_si, return_dtype=pl.String))
                                     .otherwise(pl.col("si")).alias("si"))
    index = cells["index"]
    return _Strings(cells={k: index.slice(o, n) for k, (o, n) in slices.items()}, body=unique["si"].str.join("").item(),
                    count=int(cells["value"].is_not_null().sum()), unique=unique.height)


def _sst_xml(strings: _Strings, skeleton: str) -> str:
    head = re.match(r'(.*?<sst [^>]*? count=")\d+(" uniqueCount=")\d+(">)', skeleton, re.S)
    if head is None or not skeleton.endswith("</sst>"):
        raise _Unusual("sharedStrings.xml")
    return f"{head[1]}{strings.count}{head[2]}{strings.unique}{head[3]}{strings.body}</sst>"


def _numbers(values: pl.Series) -> pl.Series:
    """Numbers as xlsxwriter writes them (``f"{number:.16G}"``), formatted once per value."""
    distinct = values.drop_nulls().unique()
    if distinct.is_empty():
        return pl.Series(values.name, [None] * values.len(), dtype=pl.String)
    if distinct.dtype.is_float() and not distinct.is_finite().all():
        raise _Unusual("NaN or infinity")
    if distinct.dtype.is_float() and ((values == 0) & (1 / values < 0)).any():
        raise _Unusual("-0.0")  # one value with 0.0 for unique(), but written "-0"
    texts = [f"{v:.16G}" for v in distinct.to_list()]
    return values.replace_strict(distinct, pl.Series(texts, dtype=pl.String), return_dtype=pl.String)


@dataclass
class _Sheet:
    """A data sheet of the skeleton (header row and first row), cut where rows go."""

    head: str  # up to ``<dimension ref="A1:`` …
    last: str  # … the last column's letters, ``2"/>`` left out
    middle: str  # … up to and including ``<sheetData>``
    header: str  # the header row
    styles: list[str]  # each column's ``s="…"`` attribute on the first row
    tail: str  # ``</sheetData>`` and what follows

    @classmethod
    def parse(cls, xml: str, width: int) -> _Sheet:
        from xlsxwriter.utility import xl_col_to_name

        m = re.fullmatch(r'(.*?<dimension ref="A1:)([A-Z]+)2("/>.*?<sheetData>)(<row r="1"[^>]*>.*?</row>)'
                         r'<row r="2" spans="1:(\d+)">(.*?)</row>(</sheetData>.*)', xml, re.S)
        if m is None or m[2] != xl_col_to_name(width - 1) or int(m[5]) != width:
            raise _Unusual("sheet layout")
        cells = re.findall(r'<c r="([A-Z]+)2"( s="\d+")[^>]*?(?:/>|>.*?</c>)', m[6])
        if [c[0] for c in cells] != [xl_col_to_name(j) for j in range(width)]:
            raise _Unusual("a cell without a format")  # a null is then no cell at all
        return cls(m[1], m[2], m[3], m[4], [c[1] for c in cells], m[7])

    def xml(self, frame: pl.DataFrame, strings: _Strings, b: int) -> str:
        """The sheet with ``frame``'s rows (every row holds every column: a null is a blank
        cell with the column's format, so each row's ``spans`` is the whole width)."""
        from xlsxwriter.utility import xl_col_to_name

        columns = {}
        for j, (name, dtype) in enumerate(frame.schema.items()):
            columns[f"c{j}"] = (strings.cells[(b, j)].cast(pl.String) if dtype == pl.String
                                else _numbers(frame.get_column(name)))
        row = pl.int_range(2, pl.len() + 2, dtype=pl.Int64).cast(pl.String)
        cells = []
        for j, (name, dtype) in enumerate(frame.schema.items()):
            ref = [pl.lit(f'<c r="{xl_col_to_name(j)}'), row, pl.lit(f'"{self.styles[j]}')]
            value = pl.col(f"c{j}")
            full = [pl.lit(' t="s"><v>' if dtype == pl.String else "><v>"), value, pl.lit("</v></c>")]
            cells.append(pl.when(value.is_null()).then(pl.concat_str(*ref, pl.lit("/>")))
                         .otherwise(pl.concat_str(*ref, *full)))
        rows = pl.DataFrame(columns, height=frame.height).select(
            pl.concat_str(pl.lit('<row r="'), row, pl.lit(f'" spans="1:{frame.width}">'), *cells, pl.lit("</row>"))
            .str.join(""))
        return f"{self.head}{self.last}{frame.height + 1}{self.middle}{self.header}{rows.item()}{self.tail}"


def _sheet_files(skeleton: zipfile.ZipFile) -> dict[str, tuple[str, str | None]]:
    """Sheet name → (its part, its table's part) in the skeleton."""
    book = skeleton.read("xl/workbook.xml").decode()
    rels = dict(re.findall(r'<Relationship Id="(rId\d+)" Type="[^"]*/worksheet" Target="([^"]+)"/>',
                           skeleton.read("xl/_rels/workbook.xml.rels").decode()))
    files = {}
    for name, rid in re.findall(r'<sheet name="([^"]*)" sheetId="\d+" r:id="(rId\d+)"/>', book):
        part = "xl/" + rels[rid]
        rel = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
        table = None
        if rel in skeleton.namelist():
            found = re.findall(r'Target="\.\./tables/(table\d+\.xml)"', skeleton.read(rel).decode())
            table = f"xl/tables/{found[0]}" if len(found) == 1 else None
        files[name] = (part, table)
    return files


def _fill_skeleton(path: Path, skeleton: io.BytesIO, index: pl.DataFrame, frames: list[pl.DataFrame]) -> None:
    """Write the workbook: the skeleton's parts, with each data sheet's rows, its table's
    range and the shared strings made anew — after checking that doing the same for the
    skeleton's own rows gives back its bytes."""
    with zipfile.ZipFile(skeleton) as zin:
        files = _sheet_files(zin)
        sst = zin.read("xl/sharedStrings.xml").decode()
        heads = [frame.head(1) for frame in frames]
        mine = _shared_strings([index, *heads])
        if _sst_xml(mine, sst) != sst:
            raise _Unusual("shared strings differ from xlsxwriter's")
        strings = _shared_strings([index, *frames])
        parts: dict[str, Any] = {"xl/sharedStrings.xml": _sst_xml(strings, sst)}
        for b, (frame, head) in enumerate(zip(frames, heads, strict=True), start=1):
            if frame.height == 0:
                continue  # header only: as in the skeleton
            part, table = files.get(str(b), ("", None))
            if not part or table is None:
                raise _Unusual("sheet parts")
            text = zin.read(part).decode()
            sheet = _Sheet.parse(text, frame.width)
            if sheet.xml(head, mine, b) != text:
                raise _Unusual("sheet rows differ from xlsxwriter's")
            parts[part] = (sheet, frame, b)
            if frame.height > 1:
                ref = f'ref="A1:{sheet.last}2"'
                table_xml = zin.read(table).decode()
                if ref not in table_xml:
                    raise _Unusual("table range")
                parts[table] = table_xml.replace(ref, f'ref="A1:{sheet.last}{frame.height + 1}"')
        # the zip as xlsxwriter writes it: each part deflated, with its time and mode
        entries: list[tuple[zipfile.ZipInfo, Callable[[], bytes]]] = []
        for info in zin.infolist():
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            entry.create_system = info.create_system
            new = parts.get(info.filename)
            if isinstance(new, tuple):
                entries.append((entry, partial(_sheet_bytes, *new, strings)))
            else:
                entries.append((entry, partial(bytes, zin.read(info) if new is None else new.encode())))
    # a thread makes the next part (Polars) while this one is deflated (zlib): both let go of the GIL
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=False) as zout, \
            ThreadPoolExecutor(1) as maker:
        ahead: Future[bytes] | None = None
        for i, (entry, make) in enumerate(entries):
            data = ahead.result() if ahead is not None else make()
            ahead = maker.submit(entries[i + 1][1]) if i + 1 < len(entries) else None
            zout.writestr(entry, data)
            del data


def _sheet_bytes(sheet: _Sheet, frame: pl.DataFrame, b: int, strings: _Strings) -> bytes:
    return sheet.xml(frame, strings, b).encode()


def _bars(rows: list[tuple[str, float]], unit: str) -> str:
    """A small inline SVG bar chart (no script, prints anywhere)."""
    if not rows:
        return "<p>（无）</p>"
    top = max(v for _, v in rows) or 1.0
    height = 22 * len(rows) + 10
    parts = [f'<svg width="720" height="{height}" role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(rows):
        y = 5 + 22 * i
        width = 460 * value / top
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{html.escape(label)}</text>')
        parts.append(f'<rect x="170" y="{y}" width="{width:.1f}" height="16" fill="#0b5cad"/>')
        parts.append(f'<text x="{175 + width:.1f}" y="{y + 13}" font-size="11">{value:,.2f} {unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def write_report(path: Path, policies: pl.DataFrame, summary: pl.DataFrame, as_of: dt.date, problems: int) -> None:
    by_region = summary.group_by("prefecture_name").agg(pl.col("amount").sum()).sort("amount", descending=True)
    by_size = summary.group_by("size").agg(pl.col("amount").sum()).sort("size", nulls_last=True)
    rows = "".join(
        f"<tr><td>{html.escape(r['title'])}<br><small>{r['policy']} · {html.escape(r['doc_no'])}</small></td>"
        f"<td>{r['units_in_scope']:,}</td><td>{r['eligible']:,}</td><td>{r['paid_units']:,}</td>"
        f"<td style='text-align:right'>{r['amount']:,.2f}</td><td>{r['pending']:,}</td><td>{r['rejected']:,}</td></tr>"
        for r in policies.iter_rows(named=True)
    )
    total = float(policies["amount"].sum()) if policies.height else 0.0
    body = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>免申即享批量测算报告</title>
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;margin:2rem;color:#1d2733}}table{{border-collapse:collapse}}
td,th{{border-bottom:1px solid #d9e0e7;padding:.3rem .6rem;text-align:left}}</style></head><body>
<h1>免申即享批量测算报告</h1>
<p>测算日 {as_of.isoformat()}；拨付合计 <b>{total:,.2f} 元</b>；输入中有误被跳过的行 {problems:,} 行（见 problems.csv）。</p>
<h2>各项政策</h2><table><tr><th>政策</th><th>范围内单位</th><th>符合条件</th><th>拨付单位</th><th>拨付金额（元）</th><th>金额待核定（参数未设定）</th><th>不符合</th></tr>{rows}</table>
<h2>按地区（地市）拨付金额</h2>{_bars([(str(r['prefecture_name'] or '未知'), float(r['amount'])) for r in by_region.head(20).iter_rows(named=True)], '元')}
<h2>按企业规模拨付金额</h2>{_bars([(SIZE_NAMES.get(str(r['size']), '未能划型'), float(r['amount'])) for r in by_size.iter_rows(named=True)], '元')}
</body></html>
"""
    path.write_text(body, encoding="utf-8")
