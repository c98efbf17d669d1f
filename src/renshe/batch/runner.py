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

from renshe.batch.partition import evaluate_partition, result_path, run_key
from renshe.batch.registry import TABLES, find_sources, validate_table, validate_units
from renshe.domain.size import classify_frame
from renshe.engine.case import Enterprise
from renshe.engine.population import layout
from renshe.engine.rules import registry

Progress = Callable[[int, int], None]
WORK = "_work"
FORMAT_VERSION = 1


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
        return list(policies)
    return [rid for rid, r in reg.rules.items() if r.entity == "enterprise"]


def fingerprint(config: BatchConfig) -> str:
    """Identity of the staged registry: its files and the partitioning (not the run's
    date, parameters or rules, whose results are kept apart by ``run_key``)."""
    sources = find_sources(config.registry)
    files = {}
    for name, s in sorted(sources.items()):
        paths = sorted(s.path.glob("*.parquet")) if s.path.is_dir() else [s.path]
        files[name] = [s.sheet, [[str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns] for p in paths]]
    # the staged columns follow the case model: a new enterprise field means staging anew
    columns = sorted(layout(Enterprise).columns)
    payload = {"files": files, "partition_size": config.partition_size, "format": FORMAT_VERSION, "columns": columns}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def stage(config: BatchConfig) -> dict[str, Any]:
    """Validate the registry and split it into partitions under ``out/_work``."""
    work = config.work
    sources = find_sources(config.registry)
    units_v = validate_units(sources["units"])
    units = units_v.good.collect().sort("uscc").with_row_index("_i").with_columns(
        (pl.col("_i") // config.partition_size).cast(pl.Int64).alias("_part"),
        (pl.col("_i") % config.partition_size).cast(pl.UInt32).alias("_u"),
    ).drop("_i")
    classes = classify_frame(units.select("industry", "employees", "revenue", "assets", "size"))
    units = units.with_columns(classes["size"].alias("size_class"))
    work.mkdir(parents=True, exist_ok=True)
    units.write_parquet(work / "units.parquet")
    keys = units.lazy().select("uscc", "_part", "_u")
    problems = [units_v.problems]
    for name in TABLES[1:]:
        if name not in sources:
            continue
        validated = validate_table(sources[name], keys)
        problems.append(validated.problems)
        validated.good.sink_parquet(pl.PartitionBy(work / "tables" / name, key="_part", include_key=False), mkdir=True)
    pl.concat(problems).sort("file", "row").write_parquet(work / "problems.parquet")
    parts = int(units["_part"].max() + 1) if units.height else 0
    info = {"units": units.height, "partitions": parts, "rejected_rows": int(sum(p.height for p in problems))}
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


def run_batch(config: BatchConfig, progress: Progress | None = None) -> dict[str, Any]:
    """The whole no-application batch: evaluate, then write payment lists and reports."""
    from renshe.batch.outputs import write_outputs

    rule_ids = batch_rules(config.policies)
    info = evaluate_all(config, rule_ids, progress)
    summary = write_outputs(config.work, info["key"], config.out, rule_ids, config.as_of)
    return {**info, **summary}
