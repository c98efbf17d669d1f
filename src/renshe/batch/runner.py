"""The batch runner (批量测算): stage the registry into partitions, evaluate every
partition (local processes or a Dask cluster), then write the outputs.

Killed mid-run and started again with the same arguments, it reuses the staged
data and the finished partitions and ends with the same bytes as an
uninterrupted run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import polars as pl

from renshe.engine.catalog import implements
from renshe.batch.partition import evaluate_partition, result_path, run_key
from renshe.batch.registry import (
    TABLES, UnitKeys, Validated, describe, find_sources, unit_columns, validate_table, validate_units,
)
from renshe.domain.size import classify_frame
from renshe.engine.case import Enterprise
from renshe.engine.population import layout
from renshe.engine.rules import registry

Progress = Callable[[int, int], None]
WORK = "_work"
#: the way staging lays out ``_work``; bump it when that changes (2: units streamed into
#: partition order, ``_u`` in file order within a partition)
FORMAT_VERSION = 2


#: the staged long tables: read whole, once per partition (no statistics needed), and
#: written at the speed of the checks (lz4: about half the time of zstd, twice the bytes)
TABLE_PARQUET: dict[str, Any] = {"compression": "lz4", "statistics": False}


#: partitions written at once while staging (Polars buffers a row group for each)
MAX_OPEN_PARTITIONS = 32


class BatchError(ValueError):
    pass


@dataclass
class BatchConfig:
    registry: Path
    as_of: dt.date
    out: Path
    policies: list[str] | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    partition_size: int = 50_000
    workers: int | None = None
    scheduler: str | None = None

    @property
    def work(self) -> Path:
        return self.out / WORK


def batch_rules(policies: list[str] | None) -> list[str]:
    """The rules a batch runs: the enterprise rules, or the ones asked for."""
    reg = registry()
    if policies:
        unknown = [p for p in policies if p not in reg.rules]
        if unknown:
            raise BatchError(f"未知的政策编号：{', '.join(unknown)}（见 renshe policies list）")
        wrong = [p for p in policies if reg.rules[p].entity != "enterprise"]
        if wrong:
            raise BatchError(f"批量测算针对参保单位，以下政策不适用于单位：{', '.join(wrong)}")
        return list(dict.fromkeys(policies))  # asked for twice: run, listed and counted once
    return [rid for rid, r in reg.rules.items() if r.entity == "enterprise"]


def with_partners(rule_ids: list[str]) -> list[str]:
    """The rules to evaluate for ``rule_ids``: those and the enterprise rules they share
    money with (``same_money``), so that a batch of some policies decides the same money
    as one of all of them (a unit paid under the Xinmi refund in one batch is not paid
    the Henan refund in another). The partners are evaluated, not listed."""
    reg = registry()
    chosen = list(dict.fromkeys(rule_ids))
    grew = True
    while grew:  # relations chain (A with B, B with C)
        grew = False
        for rel in reg.relations:
            if set(rel.members) & set(chosen):
                new = [m for m in rel.members if m not in chosen and reg.rules[m].entity == "enterprise"]
                chosen += new
                grew = grew or bool(new)
    return chosen


def fingerprint(config: BatchConfig) -> str:
    """Identity of the staged registry: its files, the partitioning and the staged layout
    (not the run's date, parameters or rules, whose results are kept apart by ``run_key``).

    The layout is what staging writes: the enterprise columns and long tables of the case
    model with their types, and ``FORMAT_VERSION`` for the way staging lays them out —
    a field added to ``Enterprise`` or a change to staging means staging anew."""
    sources = find_sources(config.registry)
    files = {}
    for name, s in sorted(sources.items()):
        paths = sorted(s.path.glob("*.parquet")) if s.path.is_dir() else [s.path]
        files[name] = [s.sheet, [[str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns] for p in paths]]
    lay = layout(Enterprise)
    staged = {
        "units": {c: str(t) for c, t in unit_columns().items()},
        "columns": {c: str(t) for c, t in lay.columns.items()},
        "tables": {name: {c: str(t) for c, t in schema.items()} for name, schema in lay.tables.items()},
    }
    payload = {"files": files, "partition_size": config.partition_size, "format": FORMAT_VERSION, "layout": staged}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def partition_keys(keys: pl.DataFrame, partition_size: int) -> pl.DataFrame:
    """``_part`` and ``_u`` of the good units (``_row``, ``uscc``): partitions are runs of
    ``partition_size`` units in USCC order (so most hold one province: digits 3–8 are the
    region), and ``_u`` numbers a partition's units in file order, the order in which the
    streamed staging writes them. Returns ``_row``, ``uscc``, ``_part``, ``_u`` in USCC order."""
    return keys.sort("uscc").with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int64) // partition_size).alias("_part"),
    ).with_columns(
        (pl.col("_row").rank("ordinal").over("_part") - 1).cast(pl.UInt32).alias("_u"),
    )


def _size_class(batch: pl.Series) -> pl.Series:
    """Size class (工信部联企业〔2011〕300号) of a batch of units (struct of the inputs)."""
    return classify_frame(batch.struct.unnest())["size"]


def _buckets(parts: int) -> int:
    """Partitions per bucket, so that at most ``MAX_OPEN_PARTITIONS`` buckets exist."""
    return max(1, -(-parts // MAX_OPEN_PARTITIONS))


def _partition_sink(lf: pl.LazyFrame, target: Path, parts: int, include_key: bool, **parquet: Any) -> pl.LazyFrame:
    """The (lazy) sink of ``lf`` into ``target/_part=k/`` — or, with more partitions than
    ``MAX_OPEN_PARTITIONS``, into buckets of consecutive partitions under ``target/_buckets``
    to split by :func:`_split_buckets` afterwards. Polars' partitioned sink holds a row
    group per open partition, so memory follows the number of partitions written at once."""
    if parts <= MAX_OPEN_PARTITIONS:
        return lf.sink_parquet(pl.PartitionBy(target, key="_part", include_key=include_key), mkdir=True, lazy=True,
                               **parquet)
    bucket = (pl.col("_part") // _buckets(parts)).alias("_bucket")
    return lf.with_columns(bucket).sink_parquet(pl.PartitionBy(target / "_buckets", key="_bucket", include_key=False),
                                                mkdir=True, lazy=True, **parquet)


def _split_buckets(target: Path, include_key: bool, **parquet: Any) -> None:
    """The second pass of :func:`_partition_sink`: each bucket (in order) into its partitions."""
    root = target / "_buckets"
    if not root.exists():
        return
    for folder in sorted(root.glob("_bucket=*"), key=lambda p: int(p.name.split("=")[1])):
        pl.scan_parquet(sorted(folder.glob("*.parquet"))).sink_parquet(
            pl.PartitionBy(target, key="_part", include_key=include_key), mkdir=True, engine="streaming", **parquet)
        shutil.rmtree(folder)
    shutil.rmtree(root)


def _partition_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("_part=*/*.parquet"), key=lambda p: (int(p.parent.name.split("=")[1]), p.name))


def _stage_units(units_v: Validated, keys: UnitKeys, work: Path, parts: int) -> None:
    """The good units, typed and classified, into ``work/units.parquet`` ordered by
    (``_part``, ``_u``): streamed into a file per partition, then the files concatenated
    in partition order (streamed)."""
    parts_dir = work / "units_parts"
    shutil.rmtree(parts_dir, ignore_errors=True)
    size_class = pl.struct("industry", "employees", "revenue", "assets", "size").map_batches(
        _size_class, return_dtype=pl.String, is_elementwise=True).alias("size_class")
    staged = units_v.good.with_columns(keys.by_row_expr(pl.col("_row"))).filter(pl.col("_part").is_not_null()) \
        .with_columns(size_class)
    _partition_sink(staged, parts_dir, parts, include_key=True).collect(engine="streaming")
    _split_buckets(parts_dir, include_key=True)
    files = _partition_files(parts_dir)
    target = work / "units.parquet"
    if files:
        pl.scan_parquet(files).sink_parquet(target, engine="streaming")
    else:
        staged.collect().write_parquet(target)
    shutil.rmtree(parts_dir, ignore_errors=True)


def stage(config: BatchConfig) -> dict[str, Any]:
    """Validate the registry and split it into partitions under ``out/_work``.

    Streamed: the long tables (most of a registry) pass once through Polars' streaming
    engine, file → checks → partition files, and only the units' keys (row, USCC,
    partition), the distinct codes and the bad rows are held in memory."""
    work = config.work
    sources = find_sources(config.registry)
    units_v = validate_units(sources["units"])
    assert units_v.keys is not None
    keys = UnitKeys.of(partition_keys(units_v.keys, config.partition_size))
    units_v.keys = None
    work.mkdir(parents=True, exist_ok=True)
    parts = -(-keys.units // config.partition_size)
    _stage_units(units_v, keys, work, parts)
    problems = [units_v.problems]
    for name in TABLES[1:]:
        if name not in sources:
            continue
        validated = validate_table(sources[name], keys)
        if validated.bad is None:  # a required column is missing: nothing to stage
            problems.append(validated.problems)
            continue
        good = _partition_sink(validated.good, work / "tables" / name, parts, include_key=False, **TABLE_PARQUET)
        _, bad = pl.collect_all([good, validated.bad], engine="streaming")
        _split_buckets(work / "tables" / name, include_key=False, **TABLE_PARQUET)
        problems.append(describe(bad, validated.checks, sources[name].label))
    pl.concat(problems).sort("file", "row").write_parquet(work / "problems.parquet")
    info = {"units": keys.units, "partitions": parts, "rejected_rows": int(sum(p.height for p in problems))}
    (work / "stage.json").write_text(json.dumps(info), encoding="utf-8")
    return info


def _prepare(config: BatchConfig) -> dict[str, Any]:
    """Stage anew unless a finished stage of the same inputs exists."""
    work = config.work
    print_ = fingerprint(config)
    manifest = work / "manifest.json"
    if manifest.exists() and (work / "stage.json").exists():
        if json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint") == print_:
            return dict(json.loads((work / "stage.json").read_text(encoding="utf-8")))
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    manifest.write_text(json.dumps({"fingerprint": print_}), encoding="utf-8")
    return stage(config)


def _local(work: Path, todo: list[int], args: tuple[str, str, list[str]], workers: int, done: Callable[[], None]) -> None:
    if workers <= 1 or len(todo) <= 1:
        for part in todo:
            evaluate_partition(str(work), part, *args)
            done()
        return
    threads = max(1, (os.cpu_count() or 1) // workers)
    previous = os.environ.get("POLARS_MAX_THREADS")
    os.environ["POLARS_MAX_THREADS"] = str(threads)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(evaluate_partition, str(work), part, *args) for part in todo]
            for future in as_completed(futures):
                future.result()
                done()
    finally:
        if previous is None:
            os.environ.pop("POLARS_MAX_THREADS", None)
        else:
            os.environ["POLARS_MAX_THREADS"] = previous


def evaluate_all(config: BatchConfig, rule_ids: list[str], progress: Progress | None = None) -> dict[str, Any]:
    """Stage (or resume) and evaluate every partition not yet finished; returns the
    stage information with the run's ``key``."""
    info = _prepare(config)
    work = config.work
    parts = info["partitions"]
    args = (config.as_of.isoformat(), json.dumps(config.overrides, sort_keys=True), rule_ids)
    key = run_key(*args)
    todo = [k for k in range(parts) if not result_path(work, key, k).exists()]
    finished = parts - len(todo)
    if progress:
        progress(finished, parts)

    def done() -> None:
        nonlocal finished
        finished += 1
        if progress:
            progress(finished, parts)

    if config.scheduler:
        from renshe.batch.cluster import run_on_dask

        run_on_dask(config.scheduler, str(work), todo, args, done)
    else:
        _local(work, todo, args, config.workers or os.cpu_count() or 1, done)
    return {**info, "key": key}


@implements("yongzhou.stable_job_refund_no_application_2022", "yongzhou.policy_delivery_service_2022", "cn.si_relief_refund_processing_2020", "cn.si_relief_declaration_procedure_2020", "cn.job_stabilisation_subsidy_pointer_2020", tests=["tests/batch/test_batch.py::test_outputs"])
def run_batch(config: BatchConfig, progress: Progress | None = None) -> dict[str, Any]:
    """The whole no-application batch: evaluate, then write payment lists and reports."""
    from renshe.batch.outputs import write_outputs

    rule_ids = batch_rules(config.policies)
    info = evaluate_all(config, with_partners(rule_ids), progress)
    summary = write_outputs(config.work, info["key"], config.out, rule_ids, config.as_of)
    return {**info, **summary}
