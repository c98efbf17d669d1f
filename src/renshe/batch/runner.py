"""The batch runner (批量测算): stage the registry into partitions, evaluate every
partition, then write the outputs — each phase a list of tasks (staging chunks,
partitions, groups of policies) that run in this process, in local processes or on
the workers of a Dask cluster (``cluster.py``), reading and writing through a
:class:`~renshe.batch.store.Store` (a local directory or an fsspec URL), so that the
workers need no shared disk. The client (this process) only plans and merges.

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
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from renshe.batch.partition import evaluate_partition, partition_units, result_rel, run_key
from renshe.batch.registry import (
    PROBLEM_SCHEMA,
    TABLES,
    UnitKeys,
    describe,
    find_sources,
    scan,
    unit_columns,
    units_rows,
    validate_table,
    validate_units,
)
from renshe.batch.series import stage_bounds, stage_series
from renshe.batch.store import Store, location
from renshe.domain.size import classify_frame
from renshe.engine.case import Enterprise
from renshe.engine.catalog import implements
from renshe.engine.population import layout
from renshe.engine.rules import registry

Progress = Callable[[int, int], None]
#: the phases of a batch whose progress is shown (each counted in units)
PHASES = ("stage", "evaluate", "outputs")
WORK = "_work"
#: the way staging lays out ``_work``; bump it when that changes (2: units streamed into
#: partition order, ``_u`` in file order within a partition; 3: the monthly series pivoted, ``batch.series``)
FORMAT_VERSION = 3


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
    out: Path | str  # a local folder, or an fsspec URL (s3://…)
    policies: list[str] | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    partition_size: int = 50_000
    workers: int | None = None
    scheduler: str | None = None
    #: approved local standards (地方标准) as ``Overlay.to_json`` ("" for none): ``--local-standards``
    local_json: str = ""
    #: a run of more units writes its rejection and eligible lists as Parquet (``outputs.LIST_CSV_MAX_UNITS``)
    list_csv_max_units: int | None = None

    @property
    def work(self) -> Path:
        return Path(self.out) / WORK

    @property
    def out_url(self) -> str:
        """``out`` as every process understands it (an absolute path or an fsspec URL)."""
        return location(self.out)

    @property
    def work_url(self) -> str:
        return f"{self.out_url.rstrip('/')}/{WORK}"


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
    return (
        keys.sort("uscc")
        .with_columns(
            (pl.int_range(pl.len(), dtype=pl.Int64) // partition_size).alias("_part"),
        )
        .with_columns(
            (pl.col("_row").rank("ordinal").over("_part") - 1).cast(pl.UInt32).alias("_u"),
        )
    )


def _size_class(batch: pl.Series) -> pl.Series:
    """Size class (工信部联企业〔2011〕300号) of a batch of units (struct of the inputs)."""
    return classify_frame(batch.struct.unnest())["size"]


def _buckets(parts: int) -> int:
    """Partitions per bucket, so that at most ``MAX_OPEN_PARTITIONS`` buckets exist."""
    return max(1, -(-parts // MAX_OPEN_PARTITIONS))


def _file_namer(key: str, chunk: int) -> Callable[[Any], str]:
    """Files of staging chunk ``chunk`` in ``<key>=k/``: chunks never overwrite each other and
    sort in input order (``c00000-0000.parquet``, …)."""

    def name(args: Any) -> str:
        return f"{key}={args.partition_keys[key][0]}/c{chunk:05d}-{args.index_in_partition:04d}.parquet"

    return name


def _partition_sink(
    lf: pl.LazyFrame, target: Path, parts: int, include_key: bool, chunk: int = 0, **parquet: Any
) -> pl.LazyFrame:
    """The (lazy) sink of ``lf`` into ``target/_part=k/`` — or, with more partitions than
    ``MAX_OPEN_PARTITIONS``, into buckets of consecutive partitions under ``target/_buckets-c<chunk>``
    to split by :func:`_split_buckets` afterwards. Polars' partitioned sink holds a row
    group per open partition, so memory follows the number of partitions written at once."""
    if parts <= MAX_OPEN_PARTITIONS:
        return lf.sink_parquet(
            pl.PartitionBy(
                target, key="_part", include_key=include_key, file_path_provider=_file_namer("_part", chunk)
            ),
            mkdir=True,
            lazy=True,
            **parquet,
        )
    bucket = (pl.col("_part") // _buckets(parts)).alias("_bucket")
    return lf.with_columns(bucket).sink_parquet(
        pl.PartitionBy(
            target / f"_buckets-c{chunk:05d}",
            key="_bucket",
            include_key=False,
            file_path_provider=_file_namer("_bucket", chunk),
        ),
        mkdir=True,
        lazy=True,
        **parquet,
    )


def _split_buckets(target: Path, include_key: bool, chunk: int = 0, **parquet: Any) -> None:
    """The second pass of :func:`_partition_sink`: each bucket (in order) into its partitions."""
    root = target / f"_buckets-c{chunk:05d}"
    if not root.exists():
        return
    for folder in sorted(root.glob("_bucket=*"), key=lambda p: int(p.name.split("=")[1])):
        pl.scan_parquet(sorted(folder.glob("*.parquet"))).sink_parquet(
            pl.PartitionBy(
                target, key="_part", include_key=include_key, file_path_provider=_file_namer("_part", chunk)
            ),
            mkdir=True,
            engine="streaming",
            **parquet,
        )
        shutil.rmtree(folder)
    shutil.rmtree(root)


def _partition_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("_part=*/*.parquet"), key=lambda p: (int(p.parent.name.split("=")[1]), p.name))


def _size_class_expr() -> pl.Expr:
    return (
        pl.struct("industry", "employees", "revenue", "assets", "size")
        .map_batches(_size_class, return_dtype=pl.String, is_elementwise=True)
        .alias("size_class")
    )


def _staged_units(units: pl.LazyFrame, keys: UnitKeys) -> pl.LazyFrame:
    """The good units (typed, ``units_rows``), keyed to their partition and classified."""
    return (
        units.with_columns(keys.by_row_expr(pl.col("_row")))
        .filter(pl.col("_part").is_not_null())
        .with_columns(_size_class_expr())
    )


# ---- running tasks ------------------------------------------------------------------------

#: a task's share of a phase done (in units)
Done = Callable[[int], None]


class Executor(Protocol):
    """Runs a phase's tasks: in this process, in local processes, or on a Dask cluster."""

    #: on a cluster: a phase is cut into many tasks (staging chunks, groups of policies)
    spread: bool

    def run(
        self,
        fn: Callable[..., Any],
        calls: list[tuple[Any, ...]],
        weights: list[int],
        done: Done,
        parallel: bool = False,
    ) -> list[Any]:
        """``fn(*args)`` for each of ``calls``, the results in order; ``done(weight)`` as each
        finishes (a task with ``reports_progress`` reports its own share as it goes when run here)."""
        ...


class LocalExecutor:
    """This machine: in this process, or (``parallel``) in ``workers`` processes."""

    spread = False

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(
        self,
        fn: Callable[..., Any],
        calls: list[tuple[Any, ...]],
        weights: list[int],
        done: Done,
        parallel: bool = False,
    ) -> list[Any]:
        if parallel and self.workers > 1 and len(calls) > 1:
            return self._pool(fn, calls, weights, done)
        results = []
        for args, weight in zip(calls, weights, strict=True):
            if getattr(fn, "reports_progress", False):
                results.append(fn(*args, progress=done))
            else:
                results.append(fn(*args))
                done(weight)
        return results

    def _pool(self, fn: Callable[..., Any], calls: list[tuple[Any, ...]], weights: list[int], done: Done) -> list[Any]:
        threads = max(1, (os.cpu_count() or 1) // self.workers)
        previous = os.environ.get("POLARS_MAX_THREADS")
        os.environ["POLARS_MAX_THREADS"] = str(threads)
        results: list[Any] = [None] * len(calls)
        try:
            with ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn")) as pool:
                futures = {pool.submit(fn, *args): i for i, args in enumerate(calls)}
                for future in as_completed(futures):
                    i = futures[future]
                    results[i] = future.result()
                    done(weights[i])
        finally:
            if previous is None:
                os.environ.pop("POLARS_MAX_THREADS", None)
            else:
                os.environ["POLARS_MAX_THREADS"] = previous
        return results


@contextmanager
def executor_for(config: BatchConfig) -> Iterator[Executor]:
    """The Dask cluster of ``config.scheduler`` (``tcp://…`` or ``local``), else this machine."""
    if config.scheduler:
        from renshe.batch.cluster import dask_executor

        with dask_executor(config.scheduler) as executor:
            yield executor
    else:
        yield LocalExecutor(config.workers or os.cpu_count() or 1)


def allot(total: int, sizes: list[int]) -> list[int]:
    """``total`` units shared among items in proportion to their ``sizes`` (whole numbers
    adding up to ``total``): the units' worth of work each task of a phase does."""
    whole = sum(sizes)
    if whole <= 0:
        sizes, whole = [1] * len(sizes), len(sizes)
    out, before, running = [], 0, 0
    for size in sizes:
        running += size
        now = total * running // whole if whole else 0
        out.append(now - before)
        before = now
    return out


class Counter:
    """A phase's progress in units: ``progress(done, total)``, never going back."""

    def __init__(self, progress: Progress | None, total: int, start: int = 0) -> None:
        self.progress, self.total, self.done = progress, total, start
        if progress:
            progress(start, total)

    def __call__(self, units: int) -> None:
        if units <= 0:
            return
        self.done += units
        if self.progress:
            self.progress(self.done, self.total)


# ---- staging ------------------------------------------------------------------------------

#: the good units' keys (``_row``, ``uscc``, ``_part``, ``_u``) while staging: the tasks key rows with them
KEYS = "keys.parquet"


def _slices(rows: int, chunks: int) -> list[tuple[int, int] | None]:
    """``chunks`` consecutive slices (offset, length) of ``rows`` rows; one chunk: the whole table."""
    if chunks <= 1 or rows <= 1:
        return [None]
    size = -(-rows // chunks)
    return [(start, min(size, rows - start)) for start in range(0, rows, size)]


def stage_chunk(work: str, registry_at: str, table: str, rows: tuple[int, int] | None, chunk: int, parts: int) -> None:
    """A staging task: rows of one table of the registry (a slice, or all of them) checked
    and written into the partitions' files (``c<chunk>-….parquet``), the bad rows into
    ``problems/<table>-c<chunk>.parquet``. The good units' keys come from the store."""
    store = Store(work)
    source = find_sources(Path(registry_at))[table]
    with store.reading(KEYS) as r:
        keys = UnitKeys.of(pl.read_parquet(r / KEYS))
    with store.writing() as w:
        if table == "units":
            _partition_sink(
                _staged_units(units_rows(source, rows), keys), w / "units_parts", parts, include_key=True, chunk=chunk
            ).collect(engine="streaming")
            _split_buckets(w / "units_parts", include_key=True, chunk=chunk)
            return
        validated = validate_table(source, keys, rows)
        problems = validated.problems
        if validated.bad is not None:
            good = _partition_sink(
                validated.good, w / "tables" / table, parts, include_key=False, chunk=chunk, **TABLE_PARQUET
            )
            _, bad = pl.collect_all([good, validated.bad], engine="streaming")
            _split_buckets(w / "tables" / table, include_key=False, chunk=chunk, **TABLE_PARQUET)
            problems = describe(bad, validated.checks, source.label)
        elif chunk > 0:  # a required column is missing: said once, nothing staged
            problems = problems.clear()
        (w / "problems").mkdir(parents=True, exist_ok=True)
        problems.write_parquet(w / "problems" / f"{table}-c{chunk:05d}.parquet")


def stage(config: BatchConfig, executor: Executor | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """Validate the registry and split it into partitions under ``out/_work``.

    The client checks the units (the partitioning is planned from their USCCs) and keeps
    their keys in the store; the tasks (:func:`stage_chunk`: on a cluster each table cut
    into as many slices as there are partitions, here one per table) stream their rows
    file → checks → partition files; the client then merges the units into
    ``units.parquet`` and the bad rows into ``problems.parquet``. In memory: the units'
    keys (row, USCC, partition), the distinct codes and the bad rows."""
    executor = executor or LocalExecutor(1)
    store = Store(config.work_url)
    sources = find_sources(config.registry)
    sizes = {name: int(scan(s).select(pl.len()).collect().item()) for name, s in sources.items()}
    units_v = validate_units(sources["units"])
    assert units_v.keys is not None
    keyed = partition_keys(units_v.keys, config.partition_size)
    units_v.keys = None
    units = keyed.height
    parts = -(-units // config.partition_size)
    with store.writing() as w:
        keyed.write_parquet(w / KEYS)
    chunks = max(1, parts) if executor.spread else 1
    calls: list[tuple[Any, ...]] = []
    rows: list[int] = []
    for name in TABLES:
        if name not in sources:
            continue
        for c, piece in enumerate(_slices(sizes[name], chunks)):
            calls.append((store.url, location(config.registry), name, piece, c, parts))
            rows.append(piece[1] if piece else sizes[name])
    # the units' checks (here) and the tasks, in units' worth of the registry's rows
    weights = allot(units, [sizes["units"], *rows])
    done = Counter(progress, units)
    done(weights[0])
    executor.run(stage_chunk, calls, weights[1:], done)  # locally in this process, one table at a time (as before)
    with store.reading("units_parts", "problems") as r, store.writing() as w:
        files = _partition_files(r / "units_parts")
        if files:
            pl.scan_parquet(files).sink_parquet(w / "units.parquet", engine="streaming")
        else:
            _staged_units(units_rows(sources["units"], (0, 0)), UnitKeys.of(keyed)).collect().write_parquet(
                w / "units.parquet"
            )
        found = sorted((r / "problems").glob("*.parquet"))
        problems = pl.concat([units_v.problems, *[pl.read_parquet(f) for f in found]]) if found else units_v.problems
        problems.select(list(PROBLEM_SCHEMA)).sort("file", "row").write_parquet(w / "problems.parquet")
    for rel in ("units_parts", "problems", KEYS):
        store.remove(rel)
    stage_series(store.url, parts)
    stage_bounds(store.url, parts)
    info = {"units": units, "partitions": parts, "rejected_rows": problems.height}
    store.write_text("stage.json", json.dumps(info))
    return info


def _prepare(config: BatchConfig, executor: Executor | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """Stage anew unless a finished stage of the same inputs exists."""
    store = Store(config.work_url)
    print_ = fingerprint(config)
    if store.exists("manifest.json") and store.exists("stage.json"):
        if json.loads(store.read_text("manifest.json")).get("fingerprint") == print_:
            info = dict(json.loads(store.read_text("stage.json")))
            Counter(progress, info["units"], start=info["units"])
            return info
    store.remove("")
    store.write_text("manifest.json", json.dumps({"fingerprint": print_}))
    return stage(config, executor, progress)


# ---- evaluation ---------------------------------------------------------------------------


def evaluate_all(
    config: BatchConfig, rule_ids: list[str], progress: Progress | None = None, executor: Executor | None = None
) -> dict[str, Any]:
    """Stage (or resume) and evaluate every partition not yet finished; returns the
    stage information with the run's ``key``. ``progress(units done, units)``."""
    if executor is None:
        with executor_for(config) as executor:
            return evaluate_all(config, rule_ids, progress, executor)
    info = _prepare(config, executor)
    store = Store(config.work_url)
    parts = info["partitions"]
    args = (config.as_of.isoformat(), json.dumps(config.overrides, sort_keys=True), rule_ids, config.local_json)
    key = run_key(*args)
    todo = [k for k in range(parts) if not store.exists(result_rel(key, k))]
    sizes = [partition_units(info, config.partition_size, k) for k in range(parts)]
    done = Counter(progress, info["units"], start=info["units"] - sum(sizes[k] for k in todo))
    executor.run(
        evaluate_partition, [(store.url, k, *args) for k in todo], [sizes[k] for k in todo], done, parallel=True
    )
    return {**info, "key": key}


@implements(
    "yongzhou.stable_job_refund_no_application_2022",
    "yongzhou.policy_delivery_service_2022",
    "cn.si_relief_refund_processing_2020",
    "cn.si_relief_declaration_procedure_2020",
    "cn.job_stabilisation_subsidy_pointer_2020",
    tests=["tests/batch/test_batch.py::test_outputs"],
)
def run_batch(
    config: BatchConfig, progress: Progress | None = None, phases: Callable[[str], Progress | None] | None = None
) -> dict[str, Any]:
    """The whole no-application batch: stage, evaluate, then write payment lists and reports.
    ``phases(name)``: the progress of each of ``PHASES`` (``progress``: of the evaluation only)."""
    from renshe.batch.outputs import write_outputs

    def bar(phase: str) -> Progress | None:
        if phases is not None:
            return phases(phase)
        return progress if phase == "evaluate" else None

    rule_ids = batch_rules(config.policies)
    with executor_for(config) as executor:
        _prepare(config, executor, bar("stage"))
        info = evaluate_all(config, with_partners(rule_ids), bar("evaluate"), executor)
        summary = write_outputs(
            config.work_url,
            info["key"],
            config.out_url,
            rule_ids,
            config.as_of,
            executor,
            bar("outputs"),
            **({"csv_max_units": config.list_csv_max_units} if config.list_csv_max_units is not None else {}),
        )
    return {**info, **summary}
