"""Batch outputs (结果输出), by money flow (interface.md, contract version 2): per
policy the list its counted money goes to — cash in a payment list (拨付名单, the
only money in payment lists and bank files), a reduction in a reduction list
(减免清单), a deferral in a deferral list (缓缴清单, with the due date) — or, for
other flows, the list of units it applies to; a rejection list; a summary by
region, size and industry; ``summary.json`` with the totals by flow; the bad
input rows; an xlsx workbook per list kind; and a short HTML report. Each money
is counted once (``engine.same_money``). Deterministic: the same results give the
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
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from renshe.batch.partition import result_path
from renshe.batch.store import Store
from renshe.domain.regions import region_name
from renshe.domain.times import chinese_date
from renshe.engine.rules import FLOW_NAMES, Registry, registry
from renshe.engine.same_money import MONEY_FLOWS, counted_expr

XLSX_MAX_ROWS = 1_000_000
#: policies whose rows of a partition the outputs read at a time (memory: a partition's
#: results through every rule are ~1.4 GiB for 50 000 units; a read of this many, ~1/9 of it)
POLICIES_PER_READ = 16
#: a run of more units than a spreadsheet has rows writes its rejection and eligible lists
#: (a row per unit in scope: ~9 KiB of CSV per unit over every policy) as Parquet, ~24×
#: smaller; payment, reduction and deferral lists stay CSV (the bank's and the collection side's)
LIST_CSV_MAX_UNITS = XLSX_MAX_ROWS
#: the lists written as Parquet in a run of more than ``LIST_CSV_MAX_UNITS`` units
UNIT_LISTS = ("rejections", "eligible")
#: in ``_work``: a large run's unit lists, a file per partition, before each becomes one Parquet file
LIST_PARTS = "list-parts"
FEN_PER_YUAN = 100
SIZE_NAMES = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型", "unclassifiable": "不适用划型"}
FIXED_CREATED = dt.datetime(2020, 1, 1)
ELIGIBLE, INELIGIBLE, UNDETERMINED, OUT_OF_SCOPE = "eligible", "ineligible", "undetermined", "out_of_scope"
#: what each flow's money is called (the flows are shown side by side, never added into one 合计)


def load_results(work: Path, key: str) -> pl.LazyFrame:
    """Every partition's results of run ``key``, with the unit's identity and classes."""
    stage = json.loads((work / "stage.json").read_text(encoding="utf-8"))
    files = [result_path(work, key, k) for k in range(stage["partitions"])]
    units = pl.scan_parquet(work / "units.parquet").select(
        "_part", "_u", "uscc", "name", "region", "industry", pl.col("size_class").alias("size"), "unit_type"
    )
    if not files:
        return pl.LazyFrame()
    return pl.scan_parquet(files).join(units, on=["_part", "_u"], how="left")


def part_amounts(results: pl.LazyFrame, as_of: dt.date) -> pl.LazyFrame:
    """Per unit (``_part``, ``_u``) and whole (``policy``): the counted amount of its parts
    (``part_of``: the whole's money delivered another way). A part counts in its own flow
    and its whole net of it (``same_money.totals``)."""
    return (
        results.filter(pl.col("part_of").is_not_null())
        .with_columns(pl.lit(as_of.isoformat()).alias("as_of"))
        .filter(counted_expr())
        .group_by("_part", "_u", pl.col("part_of").alias("policy"))
        .agg(pl.col("amount").sum().alias("part_amount"))
    )


#: a frame, eager or lazy (both sides of a join are the same kind)
Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def with_net(rows: Frame, as_of: dt.date, parts: Frame | None) -> Any:
    """``rows`` (results of one or more policies) with ``counted`` (``counted_expr``),
    ``part_amount`` (what their parts, counted, deliver another way) and ``net`` (what a
    counted row adds to its flow: its amount net of its parts; null when not counted).
    ``parts``: :func:`part_amounts` of these rows' policies (None: no parts)."""
    rows = (
        rows.with_columns(pl.lit(as_of.isoformat()).alias("as_of"))
        .with_columns(counted_expr().alias("counted"))
        .drop("as_of")
    )
    if parts is not None:
        rows = rows.join(parts, on=["_part", "_u", "policy"], how="left", maintain_order="left")
        part = pl.col("part_amount").fill_null(0.0)
    else:
        part = pl.lit(0.0)
    net = (
        pl.when(pl.col("part_amount") == 0)
        .then(pl.col("amount"))
        .otherwise((pl.col("amount") - pl.col("part_amount")).round(2))
    )
    return rows.with_columns(pl.when(pl.col("counted")).then(part).otherwise(0.0).alias("part_amount")).with_columns(
        pl.when(pl.col("counted")).then(net).alias("net")
    )


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


#: a text cell a spreadsheet would take for a formula (= + - @, and tab or carriage return
#: as OWASP lists): CSV files write it with a leading apostrophe so that it stays data
#: (the workbooks store every text as a string, never a formula)
FORMULA_START = r"^[=+\-@\t\r]"


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` for a CSV file: each text cell a spreadsheet would read as a formula with
    a leading apostrophe (so that it is shown as the text it is)."""
    texts = [c for c, t in frame.schema.items() if t == pl.String]
    if not texts or frame.is_empty():
        return frame
    hits = frame.select([pl.col(c).str.contains(FORMULA_START).any().alias(c) for c in texts]).row(0)
    odd = [c for c, hit in zip(texts, hits, strict=True) if hit]  # mostly none: the columns are not copied
    return (
        frame.with_columns(
            [
                pl.when(pl.col(c).str.contains(FORMULA_START))
                .then(pl.concat_str(pl.lit("'"), pl.col(c)))
                .otherwise(pl.col(c))
                .alias(c)
                for c in odd
            ]
        )
        if odd
        else frame
    )


#: the columns of a unit the outputs use, looked up once (:class:`_Units`)
UNIT_COLUMNS = ["uscc", "name", "region", "industry", "size_class"]
#: a payment list's columns
PAY_COLUMNS = ["uscc", "name", "region", "amount", "mode", "period_from", "period_to", "reasons"]
#: a reduction list's columns (减免清单: the bills lowered)
REDUCTION_COLUMNS = ["uscc", "name", "region", "amount", "mode", "period_from", "period_to", "reasons"]
#: a deferral list's columns (缓缴清单: the money still owed and when it falls due)
DEFERRAL_COLUMNS = ["uscc", "name", "region", "amount", "deadline", "mode", "period_from", "period_to", "reasons"]
#: the list of units a rule of another flow applies to (its eligible results)
ELIGIBLE_COLUMNS = [
    "uscc",
    "name",
    "region",
    "amount",
    "unit",
    "period_from",
    "period_to",
    "deadline",
    "extras",
    "overlaps",
    "part_of",
    "excluded_by",
    "reasons",
]
#: a rejection list's columns: the units in scope not eligible (ineligible, or undetermined for want of a fact)
REJECTION_COLUMNS = ["uscc", "name", "region", "status", "missing", "reasons"]
PAY_HEADERS = {
    "uscc": "统一社会信用代码",
    "name": "单位名称",
    "region": "行政区划",
    "amount": "金额（元）",
    "mode": "方式",
    "period_from": "起",
    "period_to": "止",
    "reasons": "理由",
}
REDUCTION_HEADERS = {**PAY_HEADERS, "amount": "减免金额（元）"}
DEFERRAL_HEADERS = {**PAY_HEADERS, "amount": "缓缴金额（元）", "deadline": "应缴日期（缓缴截止）"}


@dataclass(frozen=True)
class ListKind:
    """The lists of one flow's counted money: the CSV folder, the workbook and its words."""

    folder: str
    workbook: str
    title: str
    verb: str
    columns: list[str]
    headers: dict[str, str]


#: the flows whose counted money is listed unit by unit (cash: the bank's; the others: the collection side's)
LISTS = {
    "cash": ListKind("payments", "payments.xlsx", "免申即享 拨付名单", "拨付", PAY_COLUMNS, PAY_HEADERS),
    "reduction": ListKind(
        "reductions", "reductions.xlsx", "免申即享 减免清单", "减免", REDUCTION_COLUMNS, REDUCTION_HEADERS
    ),
    "deferral": ListKind(
        "deferrals", "deferrals.xlsx", "免申即享 缓缴清单", "缓缴", DEFERRAL_COLUMNS, DEFERRAL_HEADERS
    ),
}
#: the summary's groups and sums, per policy
SUMMARY_KEYS = ["policy", "prefecture", "size", "industry_section"]
EMPTY_SCOPE = {
    "prefecture": pl.String,
    "size": pl.String,
    "industry_section": pl.String,
    "status": pl.String,
    "counted": pl.Boolean,
    "net": pl.Float64,
}
POLICY_SCHEMA = {
    "policy": pl.String,
    "title": pl.String,
    "doc_no": pl.String,
    "flow": pl.String,
    "units_in_scope": pl.Int64,
    "eligible": pl.Int64,
    "undetermined": pl.Int64,
    "rejected": pl.Int64,
    "counted_units": pl.Int64,
    "amount": pl.Float64,
    "part_amount": pl.Float64,
    "pending": pl.Int64,
}


def wholes_of(reg: Registry, rule_ids: list[str]) -> dict[str, list[str]]:
    """Each whole among ``rule_ids`` and its parts (``part_of`` relations). A part is the
    whole's money delivered another way whether or not it is listed here: evaluated beside
    the whole (``runner.with_partners``), it is deducted from the whole even in a batch of
    the whole alone, so that two batches never deliver the same money twice."""
    out: dict[str, list[str]] = {}
    for rel in reg.relations:
        if rel.kind == "part_of" and rel.members[0] in rule_ids:
            out.setdefault(rel.members[0], []).append(rel.members[1])
    return out


def _fen(values: pl.Expr) -> pl.Expr:
    """Yuan to whole fen (integers: sums exact whatever the order of the rows)."""
    return (values * FEN_PER_YUAN).round().cast(pl.Int64)


def _yuan(fen: int) -> float:
    return round(fen / FEN_PER_YUAN, 2) + 0.0


class _Units:
    """The units' identity and classes (uscc, name, region, prefecture, size, industry
    section), read one partition at a time (a few columns of that partition's units: the
    outputs' memory does not grow with the registry).

    Partitions are runs of units in USCC order (``runner.partition_keys``), so a list
    sorted by USCC within each partition, written partition after partition, is sorted by
    USCC as a whole. ``units.parquet`` is ordered by (``_part``, ``_u``), ``_u`` numbering
    a partition's units from 0, so a result row's unit is found by position; ``order`` is
    the rank of the USCC within the partition (sorting by it is sorting by USCC when USCCs
    are unique, as staging makes them). Otherwise (or for a key not found) the rows are
    joined."""

    def __init__(self, work: Path) -> None:
        self.source = pl.scan_parquet(work / "units.parquet")
        uscc = (
            self.source.select(
                pl.col("uscc").n_unique().alias("distinct"), pl.len(), pl.col("uscc").null_count().alias("null")
            )
            .collect()
            .row(0)
        )
        self.unique = uscc[0] == uscc[1] and uscc[2] == 0

    def of(self, part: int) -> _PartUnits:
        """The units of partition ``part``."""
        units = (
            self.source.filter(pl.col("_part") == part)
            .select("_part", "_u", *UNIT_COLUMNS)
            .collect()
            .select(
                "_part",
                "_u",
                "uscc",
                "name",
                "region",
                _prefecture(pl.col("region")).alias("prefecture"),
                pl.col("size_class").alias("size"),
                pl.col("industry").str.slice(0, 1).alias("industry_section"),
                pl.col("uscc").rank("ordinal").alias("order"),
            )
        )
        positional = bool(units.select((pl.col("_u") == pl.int_range(pl.len(), dtype=pl.UInt32)).all()).item())
        return _PartUnits(units, positional, "order" if self.unique else "uscc")


@dataclass(frozen=True)
class _PartUnits:
    """One partition's units (:meth:`_Units.of`)."""

    table: pl.DataFrame
    positional: bool
    key: str

    def attach(self, rows: pl.DataFrame) -> pl.DataFrame:
        """``rows`` (results of this partition: ``_part``, ``_u``, …) with their unit's columns."""
        if self.positional and rows.height:
            at = rows["_u"].cast(pl.Int64)
            if (at < self.table.height).all():
                return rows.hstack(self.table.drop("_part", "_u")[at])
        return rows.join(self.table, on=["_part", "_u"], how="left", maintain_order="left")

    def listing(self, rows: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
        """``columns`` of ``rows`` (with :meth:`attach`'s columns), by USCC."""
        return rows.select(*columns, *([] if self.key in columns else [self.key])).sort(self.key).select(columns)


#: in ``_work``: each policy's listed rows of a run, per flow, for the workbooks (``books/<key>/<flow>/<policy>/<partition>.parquet``)
BOOKS = "books"


def write_outputs(
    work: Path | str,
    key: str,
    out: Path | str,
    rule_ids: list[str],
    as_of: dt.date,
    executor: Any = None,
    progress: Callable[[int, int], None] | None = None,
    csv_max_units: int = LIST_CSV_MAX_UNITS,
) -> dict[str, Any]:
    """Every output of run ``key`` for the policies ``rule_ids`` (the partners evaluated
    beside them to decide the same money are not listed). Returns the payments (rows,
    sum) and the totals by flow (``summary.json``).

    The lists are written by tasks (:func:`policy_outputs`, a group of policies each; on a
    cluster, on its workers) and the workbooks by one task per flow (:func:`workbook_task`);
    this process merges their counts into the summary, ``summary.json`` and the report.
    ``work`` and ``out``: local paths or fsspec URLs (``store.py``). ``progress(units,
    units)``: the policies and workbooks done, in units' worth."""
    from renshe.batch.runner import Counter, LocalExecutor, allot

    reg = registry()
    rule_ids = list(dict.fromkeys(rule_ids))  # a policy asked for twice is listed and counted once
    wstore, ostore = Store(work), Store(out)
    executor = executor or LocalExecutor(1)
    stage = json.loads(wstore.read_text("stage.json"))
    # lists and workbooks of an earlier run into the same folder go first: a policy paid
    # then (another date, other policies, before flows) must not stay in a payment list now
    for sub in ("rejections", "eligible", *[kind.folder for kind in LISTS.values()]):
        for stale in [*ostore.files(sub, "*.csv"), *ostore.files(sub, "*.parquet")]:
            ostore.remove(stale)
    for kind in LISTS.values():
        ostore.remove(kind.workbook)
    wstore.remove(f"{BOOKS}/{key}")
    wstore.remove(f"{LIST_PARTS}/{key}")
    parquet_lists = stage["units"] > csv_max_units
    with wstore.reading("problems.parquet") as r:
        problems = pl.read_parquet(r / "problems.parquet")
    totals = {flow: 0 for flow in MONEY_FLOWS}  # fen
    paid_rows = paid_fen = 0
    done = Counter(progress, stage["units"])
    with ostore.writing() as o:
        for sub in ("rejections", "eligible", *[kind.folder for kind in LISTS.values()]):
            (o / sub).mkdir(parents=True, exist_ok=True)
        as_text(problems).write_csv(o / "problems.csv")
        if not stage["partitions"]:
            done(stage["units"])
            return _write_summary_json(o, stage["units"], totals, paid_rows, paid_fen)
    # the units' worth of each policy and each workbook (as many as the policies' units: ~1/3 of the time)
    weights = allot(stage["units"], [1] * len(rule_ids) + [max(1, len(rule_ids) // 6)] * len(LISTS))
    groups = _groups(rule_ids, 4 * getattr(executor, "slots", 1) if executor.spread else 1)
    calls, shares, at = [], [], 0
    for group in groups:
        calls.append(
            (wstore.url, key, ostore.url, group, as_of.isoformat(), weights[at : at + len(group)], parquet_lists)
        )
        shares.append(sum(weights[at : at + len(group)]))
        at += len(group)
    parts = executor.run(policy_outputs, calls, shares, done)
    policy_rows = [row for part in parts for row in part["policies"]]
    summaries = [part["summary"] for part in parts if part["summary"] is not None]
    books: dict[str, list[tuple[str, int]]] = {flow: [] for flow in LISTS}
    for part in parts:
        for flow, value in part["totals"].items():
            totals[flow] += value
        paid_rows += part["paid_rows"]
        paid_fen += part["paid_fen"]
        for flow in LISTS:
            books[flow] += part["books"][flow]
    # a workbook per flow, unless its rows pass XLSX_MAX_ROWS
    book_calls, book_weights = [], []
    for i, flow in enumerate(LISTS):
        if sum(rows for _, rows in books[flow]) <= XLSX_MAX_ROWS:
            book_calls.append((wstore.url, key, ostore.url, flow, [pid for pid, _ in books[flow]]))
            book_weights.append(weights[len(rule_ids) + i])
        else:
            done(weights[len(rule_ids) + i])
    executor.run(workbook_task, book_calls, book_weights, done)
    wstore.remove(f"{BOOKS}/{key}")
    wstore.remove(f"{LIST_PARTS}/{key}")
    policies = pl.DataFrame(policy_rows, schema=POLICY_SCHEMA)
    summary = (
        pl.concat(summaries or [_summary_part(pl.DataFrame(schema=EMPTY_SCOPE), "", "none")])
        .with_columns((pl.col("fen") / FEN_PER_YUAN).round(2).alias("amount"))
        .drop("fen")
        .sort(SUMMARY_KEYS, nulls_last=True)
    )
    names = _names(summary["prefecture"].drop_nulls().unique().sort().to_list())
    summary = summary.with_columns(pl.col("prefecture").replace_strict(names, default=None).alias("prefecture_name"))
    with ostore.writing() as o:
        policies.write_csv(o / "policies.csv", float_precision=2)
        summary.write_csv(o / "summary.csv", float_precision=2)
        result = _write_summary_json(o, stage["units"], totals, paid_rows, paid_fen)
        write_report(
            o / "report.html", policies, summary, result["totals"], as_of, problems.height, stage["units"], reg
        )
    return result


def _groups(rule_ids: list[str], count: int) -> list[list[str]]:
    """``rule_ids`` in ``count`` runs of consecutive policies (each task reads the units once)."""
    count = max(1, min(count, len(rule_ids)))
    size = -(-len(rule_ids) // count) if rule_ids else 1
    return [rule_ids[i : i + size] for i in range(0, len(rule_ids), size)] or [[]]


def policy_outputs(
    work: str,
    key: str,
    out: str,
    rule_ids: list[str],
    as_of_text: str,
    weights: list[int],
    parquet_lists: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """An outputs task: the lists of a group of policies, partition after partition (a
    registry of ten million units times a hundred policies is far more than memory; one
    partition's results are not) — each partition's rows of the group read once, the units
    in scope given their identity, each policy's lists appended to (partitions are runs in
    USCC order, so each list stays sorted by USCC), its counts and its part of the summary
    summed (in whole fen: exact in any order) and the rows of its workbook sheets kept in
    ``_work`` (``BOOKS``). ``parquet_lists``: the rejection and eligible lists as Parquet
    (``LIST_CSV_MAX_UNITS``), each partition's rows kept in ``_work`` and then streamed
    into one file per policy. Returns the counts the client merges."""
    from renshe.batch.runner import allot

    reg = registry()
    as_of = dt.date.fromisoformat(as_of_text)
    wstore, ostore = Store(work), Store(out)
    stage = json.loads(wstore.read_text("stage.json"))
    wholes = wholes_of(reg, rule_ids)
    chunks = [rule_ids[i : i + POLICIES_PER_READ] for i in range(0, len(rule_ids), POLICIES_PER_READ)]
    tallies = {pid: _Tally(pid, reg.rules[pid].flow) for pid in rule_ids}
    partitions = stage["partitions"]
    shares = allot(sum(weights), [1] * partitions) if partitions else []
    with (
        wstore.reading("units.parquet", f"results/{key}") as work_dir,
        ostore.writing() as o,
        wstore.writing() as kept,
        ThreadPoolExecutor(1) as writer,
    ):  # a partition's lists are written while the next policy is worked out
        for sub in ("rejections", "eligible", *[kind.folder for kind in LISTS.values()]):
            (o / sub).mkdir(parents=True, exist_ok=True)
        units = _Units(work_dir)
        written: Future[None] | None = None
        for part in range(partitions):
            mine_units = units.of(part)
            for chunk in chunks:
                read = sorted({*chunk, *(p for pid in chunk for p in wholes.get(pid, []))})
                results = (
                    pl.scan_parquet(result_path(work_dir, key, part)).filter(pl.col("policy").is_in(read)).collect()
                )
                spans = _spans(results)
                for pid in chunk:
                    tally = tallies[pid]
                    parts = None
                    if pid in wholes:
                        parts = part_amounts(
                            pl.concat([_rows(results, spans, p) for p in wholes[pid]]).lazy(), as_of
                        ).collect()
                    lists = tally.add(
                        _rows(results, spans, pid),
                        mine_units,
                        parts,
                        as_of,
                        o,
                        kept / BOOKS / key,
                        part,
                        first=part == 0,
                        parts_folder=kept / LIST_PARTS / key if parquet_lists else None,
                    )
                    if written is not None:
                        written.result()  # one policy's lists waiting at most
                    written = writer.submit(_write_csvs, lists)
                del results
            if progress is not None:
                progress(shares[part])
        if written is not None:
            written.result()
        if parquet_lists:
            for pid, tally in tallies.items():
                for sub in UNIT_LISTS if tally.flow not in LISTS else UNIT_LISTS[:1]:
                    pieces = sorted((kept / LIST_PARTS / key / sub / pid).glob("*.parquet"))
                    pl.scan_parquet(pieces).sink_parquet(o / sub / f"{pid}.parquet")
    totals = {flow: 0 for flow in MONEY_FLOWS}  # fen
    books: dict[str, list[tuple[str, int]]] = {flow: [] for flow in LISTS}
    for tally in tallies.values():
        if tally.flow in totals:
            totals[tally.flow] += tally.fen
        if tally.flow in LISTS and tally.counted_units:  # no empty sheets
            books[tally.flow].append((tally.pid, tally.counted_units))
    cash = [t for t in tallies.values() if t.flow == "cash"]
    summaries = [t.summary() for t in tallies.values()]
    return {
        "policies": [t.row(reg) for t in tallies.values()],
        "summary": pl.concat(summaries) if summaries else None,
        "totals": totals,
        "paid_rows": sum(t.counted_units for t in cash),
        "paid_fen": sum(t.listed_fen for t in cash),
        "books": books,
    }


policy_outputs.reports_progress = True  # type: ignore[attr-defined]


def _spans(results: pl.DataFrame) -> dict[str, tuple[int, int]]:
    """Each policy's rows in one partition's results (written rule after rule: one run each)
    as (offset, length); an empty dict when a policy's rows are not one run."""
    runs = (
        results.select("policy")
        .with_row_index("row")
        .group_by("policy")
        .agg(pl.col("row").min().alias("first"), pl.col("row").max().alias("last"), pl.len())
    )
    if not (runs["last"] - runs["first"] + 1 == runs["len"]).all():
        return {}
    return {p: (f, n) for p, f, n in zip(runs["policy"], runs["first"], runs["len"], strict=True)}


def _rows(results: pl.DataFrame, spans: dict[str, tuple[int, int]], pid: str) -> pl.DataFrame:
    """One policy's rows of a partition's results."""
    if spans:
        first, length = spans.get(pid, (0, 0))
        return results.slice(first, length)
    return results.filter(pl.col("policy") == pid)


# money only: rates, days and dates are results too, but nothing is paid on them
PENDING = (pl.col("unit") == "CNY") & (pl.col("status") == ELIGIBLE) & pl.col("amount").is_null()
LISTED = pl.col("counted") & (pl.col("net") > 0)


@dataclass
class _Tally:
    """One policy's outputs summed over the partitions: its counts, its money in fen and
    its summary (by prefecture, size and industry section)."""

    pid: str
    flow: str
    in_scope: int = 0
    eligible: int = 0
    undetermined: int = 0
    rejected: int = 0
    counted_units: int = 0
    pending: int = 0
    fen: int = 0
    listed_fen: int = 0
    part_fen: int = 0
    summaries: list[pl.DataFrame] = field(default_factory=list)

    def add(
        self,
        mine: pl.DataFrame,
        units: _PartUnits,
        parts: pl.DataFrame | None,
        as_of: dt.date,
        out: Path,
        books: Path,
        part: int,
        first: bool,
        parts_folder: Path | None = None,
    ) -> list[tuple[pl.DataFrame, Path, dict[str, Any]]]:
        """Count one partition's rows of the policy; returns its lists' rows to append
        (``first``: the first partition, the files started anew with their header).
        ``parts_folder``: the rejection and eligible lists are kept there as Parquet, a file
        per partition (``UNIT_LISTS``)."""
        scope = with_net(units.attach(mine.filter(pl.col("status") != OUT_OF_SCOPE)), as_of, parts).with_columns(
            PENDING.fill_null(False).alias("pending")
        )
        head = {"include_header": first, "append": not first}
        rejected = units.listing(scope.filter(pl.col("status").is_in([INELIGIBLE, UNDETERMINED])), REJECTION_COLUMNS)
        lists: list[tuple[pl.DataFrame, Path, dict[str, Any]]] = []

        def unit_list(rows: pl.DataFrame, sub: str) -> None:
            if parts_folder is None:
                lists.append((rows, out / sub / f"{self.pid}.csv", head))
            else:
                lists.append((rows, parts_folder / sub / self.pid / f"{part:06d}.parquet", {}))

        unit_list(rejected, "rejections")
        counted_rows = scope.filter(LISTED.fill_null(False))
        kind = LISTS.get(self.flow)
        if kind is not None:
            rows = units.listing(counted_rows.with_columns(pl.col("net").alias("amount")), kind.columns)
            lists.append((rows, out / kind.folder / f"{self.pid}.csv", {**head, "float_precision": 2}))
            if rows.height:
                sheet = books / self.flow / self.pid / f"{part:06d}.parquet"
                sheet.parent.mkdir(parents=True, exist_ok=True)
                rows.write_parquet(sheet)
        else:  # another flow, or a determination (eligibility, deadline, rate): the units it applies to
            unit_list(units.listing(scope.filter(pl.col("status") == ELIGIBLE), ELIGIBLE_COLUMNS), "eligible")
        status = scope["status"]
        self.in_scope += scope.height
        self.eligible += int((status == ELIGIBLE).sum())
        self.undetermined += int((status == UNDETERMINED).sum())
        self.rejected += int((status == INELIGIBLE).sum())
        self.counted_units += counted_rows.height
        self.pending += int(scope["pending"].sum())
        self.fen += int(scope.select(pl.when(pl.col("counted")).then(_fen(pl.col("net"))).sum()).item() or 0)
        self.listed_fen += int(counted_rows.select(_fen(pl.col("net")).sum()).item() or 0)
        self.part_fen += int(scope.select(_fen(pl.col("part_amount")).sum()).item() or 0)
        self.summaries.append(_summary_part(scope, self.pid, self.flow))
        return lists

    def summary(self) -> pl.DataFrame:
        """The policy's summary rows: its partitions' parts summed by group."""
        keys = ["policy", "flow", *SUMMARY_KEYS[1:]]
        return (
            pl.concat(self.summaries)
            .group_by(keys)
            .agg(pl.col("units", "eligible", "counted_units", "fen").sum())
            .select(*keys, "units", "eligible", "counted_units", "fen")
        )

    def row(self, reg: Registry) -> dict[str, Any]:
        """The policy's row in ``policies.csv``."""
        rule = reg.rules[self.pid]
        return {
            "policy": self.pid,
            "title": rule.title,
            "doc_no": rule.doc_no,
            "flow": self.flow,
            "units_in_scope": self.in_scope,
            "eligible": self.eligible,
            "undetermined": self.undetermined,
            "rejected": self.rejected,
            "counted_units": self.counted_units,
            "amount": _yuan(self.fen),
            "part_amount": _yuan(self.part_fen),
            "pending": self.pending,
        }


def workbook_task(work: str, key: str, out: str, flow: str, sheets: list[str]) -> None:
    """An outputs task: the workbook of one flow's lists from the sheets :func:`policy_outputs` kept."""
    wstore, ostore = Store(work), Store(out)
    with wstore.reading(f"{BOOKS}/{key}/{flow}") as work_dir, ostore.writing() as o:
        # each policy's sheet: its partitions' rows, in partition order
        frames = {
            pid: pl.read_parquet(sorted((work_dir / BOOKS / key / flow / pid).glob("*.parquet"))) for pid in sheets
        }
        write_lists_workbook(o / LISTS[flow].workbook, flow, frames, registry())


def _write_summary_json(out: Path, units: int, totals_fen: dict[str, int], rows: int, fen: int) -> dict[str, Any]:
    """``summary.json``: the units, the totals by flow (each money once) and the payment lists' rows and sum."""
    body: dict[str, Any] = {
        "units": units,
        "totals": {flow: _yuan(v) for flow, v in totals_fen.items()},
        "payments": {"rows": rows, "sum": _yuan(fen)},
    }
    (out / "summary.json").write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    # ``paid_units``/``total_amount``: the payment lists (cash), as the command line reports them
    return {**body, "paid_units": rows, "total_amount": body["payments"]["sum"]}


def _write_csvs(lists: list[tuple[pl.DataFrame, Path, dict[str, Any]]]) -> None:
    """Each frame into its CSV file (``append``: after what the file holds, without a header),
    or its Parquet file (a large run's unit lists, ``LIST_PARTS``)."""
    for frame, path, options in lists:
        if path.suffix == ".parquet":
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.write_parquet(path)
            continue
        options = dict(options)
        with path.open("ab" if options.pop("append", False) else "wb") as f:
            as_text(frame).write_csv(f, **options)


def _summary_part(scope: pl.DataFrame, pid: str, flow: str) -> pl.DataFrame:
    """One policy's in-scope units by prefecture, size and industry section: eligible, the
    units whose money counts, and that money (net of its parts) in fen."""
    return (
        scope.group_by(SUMMARY_KEYS[1:])
        .agg(
            pl.len().alias("units"),
            (pl.col("status") == ELIGIBLE).sum().alias("eligible"),
            (pl.col("counted") & (pl.col("net") > 0)).fill_null(False).sum().alias("counted_units"),
            # in fen (integers): the sum is exact whatever the order of the rows
            pl.when(pl.col("counted")).then(_fen(pl.col("net"))).otherwise(0).sum().alias("fen"),
        )
        .select(
            pl.lit(pid).alias("policy"),
            pl.lit(flow).alias("flow"),
            *SUMMARY_KEYS[1:],
            "units",
            "eligible",
            "counted_units",
            "fen",
        )
    )


def write_lists_workbook(
    path: Path, flow: str, sheets: dict[str, pl.DataFrame], reg: Registry, plain: bool = False
) -> None:
    """The workbook of one flow's lists (``LISTS``): an index sheet (目录: each sheet's policy
    by title, its document, its units and sum, and a total row) and one sheet per policy
    with rows, named 1, 2, … as sheet names are short. ``plain``: cell by cell (the reference)."""
    kind = LISTS[flow]
    frames = [frame.rename(kind.headers) for frame in sheets.values()]
    index = book_index(flow, sheets, reg)
    (write_workbook_plain if plain else write_workbook)(path, index, frames, kind.title)


def book_index(flow: str, sheets: dict[str, pl.DataFrame], reg: Registry) -> pl.DataFrame:
    """A lists workbook's index: per sheet its policy and what it lists; a total row (one flow)."""
    verb = LISTS[flow].verb
    fen = [int(frame.select(_fen(pl.col("amount")).sum()).item() or 0) for frame in sheets.values()]
    schema = {
        "工作表": pl.String,
        "政策": pl.String,
        "文号": pl.String,
        "政策编号": pl.String,
        f"{verb}单位数": pl.Int64,
        f"{verb}金额（元）": pl.Float64,
    }
    rows = [
        [str(i), reg.rules[pid].title, reg.rules[pid].doc_no, pid, frame.height, _yuan(f)]
        for i, ((pid, frame), f) in enumerate(zip(sheets.items(), fen, strict=True), start=1)
    ]
    rows.append(
        ["", f"合计（{FLOW_NAMES[flow]}）", "", "", sum(frame.height for frame in sheets.values()), _yuan(sum(fen))]
    )
    return pl.DataFrame(rows, schema=schema, orient="row")


def write_workbook(path: Path, index: pl.DataFrame, frames: list[pl.DataFrame], title: str) -> None:
    """An index sheet and one sheet per frame (named 1, 2, …).

    The bytes are those of Polars' ``write_excel`` through xlsxwriter
    (:func:`write_workbook_plain`), which handles every cell in Python (~10 µs a cell; 3.5M
    cells for 432 000 payments). So xlsxwriter writes a skeleton — each sheet with its
    first row only — and the rows are then written from Polars columns
    (:func:`_fill_skeleton`), which first checks that it rebuilds the skeleton byte for
    byte and leaves the workbook to xlsxwriter whenever it meets a cell it would not write
    the same way (a very long text, another column type, -0.0 …). Every text is stored as
    a string: a cell beginning with = is data, not a formula, and a URL is not a link."""
    if any(frame.height > 1 for frame in frames):
        skeleton = io.BytesIO()
        _write_book(skeleton, index, [frame.head(1) for frame in frames], title)
        try:
            _fill_skeleton(path, skeleton, index, frames)
            return
        except _Unusual:
            path.unlink(missing_ok=True)
    _write_book(path, index, frames, title)


def write_workbook_plain(path: Path, index: pl.DataFrame, frames: list[pl.DataFrame], title: str) -> None:
    """:func:`write_workbook` by xlsxwriter alone, cell by cell (the reference; slow)."""
    _write_book(path, index, frames, title)


#: xlsxwriter stores every text as a string (its defaults make "=…" a formula and "http://…" a link)
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


def _write_book(target: Path | io.BytesIO, index: pl.DataFrame, frames: list[pl.DataFrame], title: str) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(target if isinstance(target, io.BytesIO) else str(target), WORKBOOK_OPTIONS)
    workbook.set_properties({"title": title, "created": FIXED_CREATED})
    index.write_excel(workbook, worksheet="目录", autofit=True)
    for i, frame in enumerate(frames, start=1):
        frame.write_excel(workbook, worksheet=str(i), autofit=False, float_precision=2)
    workbook.close()


class _Unusual(Exception):
    """A cell the fast path would not write as xlsxwriter does."""


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
        parts.append(
            pl.DataFrame(
                {"value": frame.columns, "key": [row << _COL_BITS | j for j in range(frame.width)]},
                schema={"value": pl.String, "key": pl.Int64},
            )
        )
        offset += frame.width
        for j, (name, dtype) in enumerate(frame.schema.items()):
            if dtype == pl.String:
                parts.append(
                    frame.select(
                        pl.when(pl.col(name) != "").then(pl.col(name)).alias("value"),
                        ((pl.int_range(1, pl.len() + 1, dtype=pl.Int64) + row) * (1 << _COL_BITS) + j).alias("key"),
                    )
                )
                slices[(b, j)] = (offset, frame.height)
                offset += frame.height
            elif not dtype.is_numeric():
                raise _Unusual(f"a {dtype} column")
        row += frame.height + 1
    cells = pl.concat(parts)
    if cells.select((pl.col("value").str.len_chars() > _SHORT).any()).item():
        raise _Unusual("a long text")
    cells = cells.with_columns(
        pl.when(pl.col("value").is_not_null()).then(pl.col("key").min().over("value")).alias("first")
    )
    cells = cells.with_columns((pl.col("first").rank("dense") - 1).cast(pl.UInt32).alias("index"))
    escaped = (
        pl.col("value")
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )
    unique = (
        cells.filter(pl.col("key") == pl.col("first"))
        .sort("first")
        .select(
            "value",
            pl.when(~pl.col("value").str.contains(_NOT_PLAIN))
            .then(pl.concat_str(pl.lit("<si><t>"), escaped, pl.lit("</t></si>")))
            .alias("si"),
        )
    )
    odd = unique["si"].is_null()
    if odd.any():  # rare: the exact rules, in Python
        unique = unique.with_columns(
            pl.when(odd)
            .then(pl.col("value").map_elements(_si, return_dtype=pl.String))
            .otherwise(pl.col("si"))
            .alias("si")
        )
    index = cells["index"]
    return _Strings(
        cells={k: index.slice(o, n) for k, (o, n) in slices.items()},
        body=unique["si"].str.join("").item(),
        count=int(cells["value"].is_not_null().sum()),
        unique=unique.height,
    )


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

        m = re.fullmatch(
            r'(.*?<dimension ref="A1:)([A-Z]+)2("/>.*?<sheetData>)(<row r="1"[^>]*>.*?</row>)'
            r'<row r="2" spans="1:(\d+)">(.*?)</row>(</sheetData>.*)',
            xml,
            re.S,
        )
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
            columns[f"c{j}"] = (
                strings.cells[(b, j)].cast(pl.String) if dtype == pl.String else _numbers(frame.get_column(name))
            )
        row = pl.int_range(2, pl.len() + 2, dtype=pl.Int64).cast(pl.String)
        cells = []
        for j, dtype in enumerate(frame.schema.values()):
            ref = [pl.lit(f'<c r="{xl_col_to_name(j)}'), row, pl.lit(f'"{self.styles[j]}')]
            value = pl.col(f"c{j}")
            full = [pl.lit(' t="s"><v>' if dtype == pl.String else "><v>"), value, pl.lit("</v></c>")]
            cells.append(
                pl.when(value.is_null()).then(pl.concat_str(*ref, pl.lit("/>"))).otherwise(pl.concat_str(*ref, *full))
            )
        rows = pl.DataFrame(columns, height=frame.height).select(
            pl.concat_str(
                pl.lit('<row r="'), row, pl.lit(f'" spans="1:{frame.width}">'), *cells, pl.lit("</row>")
            ).str.join("")
        )
        return f"{self.head}{self.last}{frame.height + 1}{self.middle}{self.header}{rows.item()}{self.tail}"


def _sheet_files(skeleton: zipfile.ZipFile) -> dict[str, tuple[str, str | None]]:
    """Sheet name → (its part, its table's part) in the skeleton."""
    book = skeleton.read("xl/workbook.xml").decode()
    rels = dict(
        re.findall(
            r'<Relationship Id="(rId\d+)" Type="[^"]*/worksheet" Target="([^"]+)"/>',
            skeleton.read("xl/_rels/workbook.xml.rels").decode(),
        )
    )
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
        parts: dict[str, str | tuple[_Sheet, pl.DataFrame, int]] = {"xl/sharedStrings.xml": _sst_xml(strings, sst)}
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
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=False) as zout,
        ThreadPoolExecutor(1) as maker,
    ):
        ahead: Future[bytes] | None = None
        for i, (entry, make) in enumerate(entries):
            data = ahead.result() if ahead is not None else make()
            ahead = maker.submit(entries[i + 1][1]) if i + 1 < len(entries) else None
            zout.writestr(entry, data)
            del data


def _sheet_bytes(sheet: _Sheet, frame: pl.DataFrame, b: int, strings: _Strings) -> bytes:
    return sheet.xml(frame, strings, b).encode()


def _bars(rows: list[tuple[str, float]], unit: str, label: str = "") -> str:
    """A small inline SVG bar chart (no script, prints anywhere). A negative value (a loss)
    is drawn leftward of the zero line in red."""
    if not rows:
        return "<p>（无）</p>"
    top = max(abs(v) for _, v in rows) or 1.0
    signed = any(v < 0 for _, v in rows)
    room = 460 / 2 if signed else 460
    zero = 180 + (room if signed else 0)
    height = 22 * len(rows) + 10
    parts = [
        (
            f'<svg class="chart" width="760" height="{height}" role="img" aria-label="{html.escape(label)}" '
            'xmlns="http://www.w3.org/2000/svg">'
        )
    ]
    if signed:
        parts.append(f'<line x1="{zero}" y1="0" x2="{zero}" y2="{height}" stroke="#5b6b7b"/>')
    for i, (name, value) in enumerate(rows):
        y = 5 + 22 * i
        width = room * abs(value) / top
        x = zero - width if value < 0 else zero
        fill = "#c0392b" if value < 0 else "#0b5cad"
        shown = _short_label(name)
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="12">{html.escape(shown)}<title>{html.escape(name)}</title></text>'
        )
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="16" fill="{fill}">'
            f"<title>{html.escape(name)}：{value:,.2f} {unit}</title></rect>"
        )
        at = x + width + 5 if value >= 0 else zero + 5
        parts.append(f'<text x="{at:.1f}" y="{y + 13}" font-size="11">{value:,.2f} {unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _short_label(text: str, width: int = 14) -> str:
    """A chart label that fits its column (the whole text is the bar's tooltip)."""
    return text if len(text) <= width else text[: width - 1] + "…"


STYLE = """body{font-family:"Noto Sans CJK SC",sans-serif;margin:2rem;color:#1d2733}table{border-collapse:collapse}
td,th{border-bottom:1px solid #d9e0e7;padding:.3rem .6rem;text-align:left}td.n,th.n{text-align:right}
tr.total td{font-weight:bold;border-top:2px solid #1d2733}small{color:#5b6b7b}"""


def flow_totals_table(totals: dict[str, float]) -> str:
    """The totals by flow side by side (never one mixed 合计)."""
    cells = "".join(f"<th class='n'>{FLOW_NAMES[f]}（元）</th>" for f in MONEY_FLOWS)
    values = "".join(f"<td class='n'>{totals.get(f, 0.0):,.2f}</td>" for f in MONEY_FLOWS)
    return f"<table><tr>{cells}</tr><tr>{values}</tr></table>"


#: the sizes large → micro (大型、中型、小型、微型), then the unclassified
SIZE_ORDER = {size: i for i, size in enumerate(SIZE_NAMES)}


def _region_label(code: str | None, name: str | None) -> str:
    """A prefecture's name (GB/T 2260); a code not in the table is said to be one."""
    if code is None:
        return "未知地区"
    return name if name and name != code else f"行政区划代码 {code}（未能识别）"


def write_report(
    path: Path,
    policies: pl.DataFrame,
    summary: pl.DataFrame,
    totals: dict[str, float],
    as_of: dt.date,
    problems: int,
    units: int,
    reg: Registry,
) -> None:
    """The HTML report, to look at before reading: the totals by flow side by side, then
    each flow's charts by region (names) and by size, the money by region (a column per
    flow, never added), and only then each flow's policies (by title) with a total row and
    the policies without money."""
    sections = []
    for flow in MONEY_FLOWS:
        mine = policies.filter(pl.col("flow") == flow)
        if mine.is_empty():
            continue
        name = FLOW_NAMES[flow]
        rows = []
        for r in mine.iter_rows(named=True):
            note = ""
            if r["part_amount"]:
                parts = [
                    reg.rules[rel.members[1]].title
                    for rel in reg.relations
                    if rel.kind == "part_of" and rel.members[0] == r["policy"]
                ]
                note = (
                    f"<br><small>已扣除另行{'、'.join(html.escape(p) for p in parts)}的部分 "
                    f"{r['part_amount']:,.2f} 元（同一笔资金只计一次）</small>"
                )
            rows.append(
                f"<tr><td>{html.escape(r['title'])}<br><small>{html.escape(r['doc_no'])}</small>{note}</td>"
                f"<td class='n'>{r['units_in_scope']:,}</td><td class='n'>{r['eligible']:,}</td>"
                f"<td class='n'>{r['undetermined']:,}</td><td class='n'>{r['rejected']:,}</td>"
                f"<td class='n'>{r['counted_units']:,}</td><td class='n'>{r['amount']:,.2f}</td>"
                f"<td class='n'>{r['pending']:,}</td></tr>"
            )
        rows.append(
            f"<tr class='total'><td>合计（{name}）</td><td></td><td></td><td></td><td></td>"
            f"<td class='n'>{int(mine['counted_units'].sum()):,}</td>"
            f"<td class='n'>{totals.get(flow, 0.0):,.2f}</td><td></td></tr>"
        )
        sections.append(
            f"<h3>{name}</h3><table><tr><th>政策</th><th class='n'>范围内单位</th><th class='n'>符合条件</th>"
            f"<th class='n'>待补充信息</th><th class='n'>不符合</th><th class='n'>享受单位</th>"
            f"<th class='n'>{name}金额（元）</th><th class='n'>金额待核定</th></tr>{''.join(rows)}</table>"
        )
    others = policies.filter(~pl.col("flow").is_in(list(MONEY_FLOWS)))
    if not others.is_empty():
        rows = [
            f"<tr><td>{html.escape(r['title'])}<br><small>{html.escape(r['doc_no'])}</small></td>"
            f"<td class='n'>{r['units_in_scope']:,}</td><td class='n'>{r['eligible']:,}</td>"
            f"<td class='n'>{r['undetermined']:,}</td><td class='n'>{r['rejected']:,}</td></tr>"
            for r in others.iter_rows(named=True)
        ]
        sections.append(
            "<h3>不涉及资金的政策（资格、期限、费率等）</h3><table><tr><th>政策</th><th class='n'>范围内单位</th>"
            "<th class='n'>符合条件</th><th class='n'>待补充信息</th><th class='n'>不符合</th></tr>"
            f"{''.join(rows)}</table>"
        )
    charts: list[str] = []
    region_rows: dict[tuple[str, str], dict[str, float]] = {}  # (code, name): amount by flow
    for flow in MONEY_FLOWS:
        if not totals.get(flow):
            continue
        mine = summary.filter(pl.col("flow") == flow)
        by_region = (
            mine.group_by("prefecture", "prefecture_name")
            .agg(pl.col("amount").sum())
            .sort("amount", "prefecture", descending=[True, False], nulls_last=True)
        )
        by_size = mine.group_by("size").agg(pl.col("amount").sum())
        by_size = by_size.sort(pl.col("size").replace_strict(SIZE_ORDER, default=len(SIZE_ORDER)), nulls_last=True)
        name = FLOW_NAMES[flow]
        for r in by_region.iter_rows(named=True):
            region_rows.setdefault((r["prefecture"] or "~", _region_label(r["prefecture"], r["prefecture_name"])), {})[
                flow
            ] = r["amount"]
        region_bars = _bars(
            [
                (_region_label(r["prefecture"], r["prefecture_name"]), float(r["amount"]))
                for r in by_region.head(20).iter_rows(named=True)
            ],
            "元",
            f"{name}：按地区",
        )
        size_bars = _bars(
            [(SIZE_NAMES.get(str(r["size"]), "未能划型"), float(r["amount"])) for r in by_size.iter_rows(named=True)],
            "元",
            f"{name}：按企业规模",
        )
        more = "<p><small>（金额最多的 20 个地区；全部地区见下表）</small></p>" if by_region.height > 20 else ""
        charts.append(f"<h3>{name}：按地区（地市）</h3>{region_bars}{more}<h3>{name}：按企业规模</h3>{size_bars}")
    flows = [f for f in MONEY_FLOWS if totals.get(f)]
    region_table = ""
    if flows:
        heads = "".join(f"<th class='n'>{FLOW_NAMES[f]}（元）</th>" for f in flows)
        body_rows = "".join(
            f"<tr><td>{html.escape(label)}</td>"
            + "".join(f"<td class='n'>{amounts.get(f, 0.0):,.2f}</td>" for f in flows)
            + "</tr>"
            for (_, label), amounts in sorted(region_rows.items())
        )
        region_table = (
            f"<h2>按地区汇总</h2><table id='by-region'><tr><th>地区（地市）</th>{heads}</tr>{body_rows}"
            "</table><p><small>各类资金分列，不相加。</small></p>"
        )
    body = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>免申即享批量测算报告</title>
<style>{STYLE}</style></head><body>
<h1>免申即享批量测算报告</h1>
<p>测算日 {chinese_date(as_of)}；参保单位 {units:,} 个；输入中有误被跳过的行 {problems:,} 行（见 problems.csv）。</p>
<h2>按资金性质汇总</h2>{flow_totals_table(totals)}
<p><small>现金拨付进入拨付名单（payments.xlsx），减免、缓缴进入征收端清单（reductions.xlsx、deferrals.xlsx）；
各类资金性质不同，分列而不相加。同一笔资金只计一次：不同文件规定的同一笔资金按一项计，不可同时享受的只计所享受的一项，
另行拨付的部分计入其自身类别并从整体中扣除。缓缴金额在应缴日期前计入。</small></p>
<h2 id="charts">分布（按资金性质分别作图）</h2>{"".join(charts) or "<p>（无）</p>"}
{region_table}
<h2 id="policies">各项政策</h2>{"".join(sections)}
</body></html>
"""
    path.write_text(body, encoding="utf-8")
