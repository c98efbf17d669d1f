"""A reform's evaluation for the policy simulation (政策模拟·调整测算): the rules a reform
reaches, evaluated in this process over each staged partition, reading only what those
rules read, and their counted money per unit — no result files written or read again.

What the batch builds for a partition before any rule runs (``partition.load_population``:
the units as the enterprise entity, classified, with the fact bounds of their dated
tables) depends only on the staged registry and the code, so it is kept once per staged
registry beside the baseline (:func:`keep_frames`, ``_work/simulate/frames-<code>/``).
A reform then reads from it only the columns and long tables the recomputed rules read
(``evaluate.needs``, as a batch partition does; the other tables stay empty: the plans'
shape is the same). Every rule runs through ``engine.evaluate.run`` exactly as in the batch, and its
money is counted by the batch's rule (``same_money.counted_expr``; a part in its own
flow, its whole net of it), so the sums are those of evaluating the batch again.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from renshe.batch.baseline import CACHE, code_version, counted_rows
from renshe.batch.partition import load_population, partition_dir, partition_units
from renshe.batch.runner import BatchConfig, Counter, LocalExecutor, Progress
from renshe.engine.calc import UNIT_KEY
from renshe.engine.case import Enterprise
from renshe.engine.evaluate import needs, run
from renshe.engine.parameters import Overlay, overlay_in_force
from renshe.engine.population import Population, layout

ENTITY = "enterprise"
#: the result columns the counting reads (``same_money.counted_expr``, ``outputs.part_amounts``)
STRING_MARKS = ("deadline", "overlaps", "part_of", "excluded_by")
#: partitions evaluated at once (Polars releases the GIL: one partition's Python steps
#: overlap another's queries)
THREADS = 2


def frames_dir(work: Path) -> Path:
    """Where the partitions' entity frames are kept for this code."""
    return work / CACHE / f"frames-{code_version()[:16]}"


def _frame_path(folder: Path, part: int) -> Path:
    return folder / f"part-{part:05d}.parquet"


def keep_frame(work_dir: str, part: int, folder_dir: str) -> None:
    """A task: partition ``part``'s entity frame as the batch builds it, with its fact bounds."""
    pop, _ = load_population(Path(work_dir), part)
    pop.with_fact_bounds()
    pop.entities[ENTITY].write_parquet(_frame_path(Path(folder_dir), part), compression="lz4", statistics=False)


def keep_frames(config: BatchConfig, progress: Progress | None = None) -> Path:
    """The kept entity frames of every partition of the staged registry (made when missing)."""
    work = config.work
    folder = frames_dir(work)
    if (folder / "done.json").exists():
        return folder
    stage = json.loads((work / "stage.json").read_text(encoding="utf-8"))
    parts = int(stage["partitions"])
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    sizes = [partition_units(stage, config.partition_size, k) for k in range(parts)]
    LocalExecutor(config.workers or 1).run(
        keep_frame,
        [(str(work), k, str(tmp)) for k in range(parts)],
        sizes,
        Counter(progress, int(stage["units"])),
        parallel=True,
    )
    (tmp / "done.json").write_text(json.dumps({"partitions": parts, "code": code_version()}), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.replace(folder)
    return folder


def frame_shape(folder: Path) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """The kept frames' shape: an empty entity frame and empty long tables."""
    frame = pl.DataFrame(schema=pl.read_parquet_schema(_frame_path(folder, 0)))
    return frame, {name: pl.DataFrame(schema=schema) for name, schema in layout(Enterprise).tables.items()}


def reads(
    rule_ids: list[str],
    as_of: dt.date,
    overrides: dict[str, object],
    frame: pl.DataFrame,
    tables: dict[str, pl.DataFrame],
) -> tuple[list[str], set[str]]:
    """The entity columns (in the frame's order) and long tables the rules read on ``as_of``
    with ``overrides``, over a population of the kept frames' shape: what the batch reads
    for them (``evaluate.needs``, the one answer to that question — the series columns of
    the staged layout included)."""
    pop = Population(entities={ENTITY: frame}, tables={ENTITY: tables})
    need = needs(pop, as_of, dict(overrides), list(rule_ids), batch=True)
    return [c for c in frame.columns if c in need.columns], set(need.tables)


def _tables(work: Path, part: int, used: set[str], empty: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The partition's long tables the rules aggregate (as ``load_population`` reads them);
    the others empty."""
    out = {}
    for name, t in empty.items():
        folder = partition_dir(work, name, part)
        files = sorted(folder.glob("*.parquet")) if name in used and folder.exists() else []
        out[name] = pl.read_parquet(files).select([pl.col(c).cast(d) for c, d in t.schema.items()]) if files else t
    return out


def _result_rows(part: int, outcomes: dict) -> pl.LazyFrame:  # type: ignore[type-arg]
    """The result columns the counting reads, as ``partition._evaluate`` writes them."""
    frames = []
    for pid, out in outcomes.items():
        res = out.results
        frames.append(
            res.lazy().select(
                pl.lit(part, dtype=pl.Int64).alias("_part"),
                pl.col(UNIT_KEY).cast(pl.UInt32),
                pl.lit(pid, dtype=pl.String).alias("policy"),
                pl.lit(out.rule.flow, dtype=pl.String).alias("flow"),
                pl.col("status").cast(pl.String),
                pl.col("amount").cast(pl.Float64),
                (pl.col("unit") if "unit" in res.columns else pl.lit(out.unit)).cast(pl.String).alias("unit"),
                *[
                    (pl.col(c).cast(pl.String) if c in res.columns else pl.lit(None, dtype=pl.String)).alias(c)
                    for c in STRING_MARKS
                ],
            )
        )
    return pl.concat(frames, how="vertical")


def _partition_money(
    work: Path,
    folder: Path,
    part: int,
    columns: list[str],
    used: set[str],
    empty: dict[str, pl.DataFrame],
    shape: str,
    as_of: dt.date,
    overrides: dict[str, object],
    rule_ids: list[str],
    listed: list[str],
) -> pl.DataFrame:
    """One partition: its entity frame (the ``columns``) and long tables (``used``), the
    rules run as the batch runs them — with the plans of the kept frames' whole ``shape``,
    as ``partition.load_population`` keeps it (a plan's form depends on which monthly
    series columns there are) — their money counted."""
    pop = Population(
        entities={ENTITY: pl.read_parquet(_frame_path(folder, part), columns=columns)},
        tables={ENTITY: _tables(work, part, used, empty)},
    )
    pop._shapes[ENTITY] = shape
    outcomes = run(pop, as_of, overrides, rule_ids, batch=True, reasons=False)  # money only: no reason texts
    return counted_rows(_result_rows(part, outcomes), listed, as_of).collect()


def reform_money(
    config: BatchConfig,
    overrides: dict[str, object],
    rule_ids: list[str],
    listed: list[str],
    progress: Progress | None = None,
    threads: int = THREADS,
) -> pl.DataFrame:
    """Evaluate ``rule_ids`` with ``overrides`` over every staged partition, in this process
    (``threads`` partitions at a time), and count the money of ``listed`` among them:
    ``_part``, ``_u``, ``policy``, ``flow``, ``fen``."""
    work = config.work
    folder = keep_frames(config)
    stage = json.loads((work / "stage.json").read_text(encoding="utf-8"))
    frame, empty = frame_shape(folder)
    parts = int(stage["partitions"])
    done = Counter(progress, int(stage["units"]))
    with overlay_in_force(Overlay.from_json(config.local_json)):  # for this process, its threads included
        columns, used = reads(rule_ids, config.as_of, overrides, frame, empty)
        shape = Population(entities={ENTITY: frame}, tables={ENTITY: empty}).shape(ENTITY)

        def one(part: int) -> pl.DataFrame:
            money = _partition_money(
                work, folder, part, columns, used, empty, shape, config.as_of, overrides, rule_ids, listed
            )
            done(partition_units(stage, config.partition_size, part))
            return money

        if threads > 1 and parts > 1:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                counted = list(pool.map(one, range(parts)))
        else:
            counted = [one(k) for k in range(parts)]
    return (
        pl.concat(counted)
        if counted
        else pl.DataFrame(
            schema={"_part": pl.Int64, "_u": pl.UInt32, "policy": pl.String, "flow": pl.String, "fen": pl.Int64}
        )
    )
