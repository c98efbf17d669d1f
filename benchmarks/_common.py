"""Shared parts of the batch benchmarks (vs_openfisca.py, vs_polars_scan.py).

- the demo registry (made or reused) and its staging into partitions, as the
  batch does (``renshe.batch.runner``);
- renshe's side: ``load_population`` + ``run`` of the four rules over every
  partition, one process (what ``evaluate_partition`` does, minus writing the
  result file);
- the comparison of amounts (ineligible counts as 0; both sides rounded half up
  to the fen; tolerance 0.005 yuan);
- a description of the machine.

Nothing here is timed except where a caller says so.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

AS_OF = dt.date(2020, 7, 31)
#: the four enterprise rules compared (amounts in CNY)
RULE_IDS = [
    "cn.si_relief_2020",
    "cn.si_feb_refund_2020",
    "beijing.one_time_si_subsidy_2020",
    "henan.stable_job_refund_2020",
]
#: henan.ui_benefit_monthly_2019 has no default in renshe (null: "set by the bureau")
OVERRIDES: dict[str, Any] = {"henan.ui_benefit_monthly_2019": 1520}
TOLERANCE = 0.005
IMPORT_RETRIES = 5
IMPORT_WAIT_S = 30


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_renshe_registry() -> float:
    """Import renshe's policies and build its rule registry (once, cached by renshe);
    returns the seconds it took. Other people edit the policies while benchmarks
    run: a half-written file makes the import fail for a moment, so wait and retry."""
    for attempt in range(1, IMPORT_RETRIES + 1):
        start = time.perf_counter()
        try:
            from renshe.engine.rules import registry

            reg = registry()
            missing = [r for r in RULE_IDS if r not in reg.rules]
            if missing:
                raise RuntimeError(f"rules not in renshe's registry: {missing}")
            return time.perf_counter() - start
        except Exception as exc:
            if attempt == IMPORT_RETRIES:
                raise
            log(f"importing renshe failed ({type(exc).__name__}: {exc}); retrying in {IMPORT_WAIT_S} s")
            time.sleep(IMPORT_WAIT_S)
    raise AssertionError("unreachable")


# ---- data -----------------------------------------------------------------------------------


@dataclass
class Staged:
    registry: Path
    work: Path
    units: int
    partitions: int
    partition_size: int
    make_s: float | None
    stage_s: float | None
    cleanup: list[Path] = field(default_factory=list)

    def close(self) -> None:
        for path in self.cleanup:
            shutil.rmtree(path, ignore_errors=True)


def prepare(units: int, seed: int, registry: Path | None, out: Path | None, partition_size: int) -> Staged:
    """Make (or reuse) a demo registry of ``units`` units and stage it for the batch.

    ``registry``: reuse it when it holds a ``units.parquet``, else make it there.
    ``out``: the batch output directory whose ``_work`` holds the staged
    partitions; reused when its fingerprint matches (renshe's own resume logic,
    which also restages a ``_work`` of an older case model or staging layout).
    Both default to temporary directories removed by ``Staged.close``."""
    from renshe.batch.demo import make_registry
    from renshe.batch.runner import BatchConfig, _prepare

    cleanup: list[Path] = []
    if registry is None:
        registry = Path(tempfile.mkdtemp(prefix=f"renshe-bench-reg-{units}-"))
        cleanup.append(registry)
    make_s = None
    if not (registry / "units.parquet").exists():
        log(f"making a demo registry of {units:,} units (seed {seed}) in {registry}")
        start = time.perf_counter()
        make_registry(units, seed, registry)
        make_s = time.perf_counter() - start
    else:
        log(f"reusing the registry in {registry}")
    if out is None:
        out = Path(tempfile.mkdtemp(prefix=f"renshe-bench-out-{units}-"))
        cleanup.append(out)
    config = BatchConfig(registry=registry, as_of=AS_OF, out=out, policies=RULE_IDS, partition_size=partition_size)
    start = time.perf_counter()
    # stages, or reuses a finished stage of the same files and staged layout: renshe's stage
    # fingerprint (renshe.batch.runner.fingerprint: the files, FORMAT_VERSION and the case
    # model's columns) stages anew when the case model or the staging changed
    info = _prepare(config)
    stage_s = time.perf_counter() - start
    if info["units"] != units:
        log(f"note: the registry holds {info['units']:,} units (asked for {units:,}); using them all")
    if info["rejected_rows"]:
        log(f"note: staging rejected {info['rejected_rows']} rows (see {config.work / 'problems.parquet'})")
    return Staged(
        registry, config.work, int(info["units"]), int(info["partitions"]), partition_size, make_s, stage_s, cleanup
    )


# ---- renshe's side --------------------------------------------------------------------------


@dataclass
class RensheRun:
    seconds: float
    load_s: float
    run_s: float
    amounts: dict[str, np.ndarray]  # rule id → amount per unit (global row order), ineligible = 0


def run_renshe(staged: Staged, reasons: bool = True) -> RensheRun:
    """load_population + run of the four rules for every partition, in one process.
    ``reasons=False``: money and status only, no reason texts (what a simulation runs).

    The results' amounts are picked (a cheap select of two columns) inside the
    loop; turning them into per-unit arrays happens after the clock stops."""
    import polars as pl

    from renshe.batch.partition import load_population
    from renshe.engine.evaluate import needs, run

    kept: list[tuple[int, dict[str, pl.DataFrame]]] = []
    load_s = run_s = 0.0
    start = time.perf_counter()
    for part in range(staged.partitions):
        t0 = time.perf_counter()
        pop, _ = load_population(
            staged.work,
            part,  # only the long tables the rules read, as evaluate_partition
            only=lambda shape: needs(shape, AS_OF, OVERRIDES, RULE_IDS),
        )
        t1 = time.perf_counter()
        outcomes = run(pop, AS_OF, OVERRIDES, RULE_IDS, batch=True, reasons=reasons)  # as evaluate_partition does
        run_s += time.perf_counter() - t1
        load_s += t1 - t0
        kept.append((part, {rid: o.results.select("_u", "eligible", "amount") for rid, o in outcomes.items()}))
        del pop, outcomes
    seconds = time.perf_counter() - start

    amounts = {rid: np.zeros(staged.units) for rid in RULE_IDS}
    for part, frames in kept:
        for rid, frame in frames.items():
            idx = part * staged.partition_size + frame["_u"].to_numpy().astype(np.int64)
            value = (
                frame.select(pl.when(pl.col("eligible")).then(pl.col("amount").fill_null(0.0)).otherwise(0.0))
                .to_series()
                .to_numpy()
            )
            amounts[rid][idx] = value
    return RensheRun(seconds, load_s, run_s, amounts)


# ---- comparison -----------------------------------------------------------------------------


def half_up_fen(values: np.ndarray) -> np.ndarray:
    """Round yuan half up to the fen, as renshe.engine.money.round_fen does."""
    values = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    scaled = np.round(np.abs(values) * 100, 6)
    return np.round(np.sign(values) * np.floor(scaled + 0.5) / 100, 2)


def compare(
    left_name: str,
    left: dict[str, np.ndarray],
    right_name: str,
    right: dict[str, np.ndarray],
    uscc: np.ndarray | None = None,
    show: int = 10,
) -> tuple[bool, int]:
    """Every amount equal within TOLERANCE after rounding both sides half up to the fen.
    Prints the first ``show`` mismatches to stderr; returns (equal, number of mismatches)."""
    total = 0
    lines: list[str] = []
    for rid in RULE_IDS:
        a, b = half_up_fen(left[rid]), half_up_fen(right[rid])
        bad = np.flatnonzero(np.abs(a - b) > TOLERANCE)
        total += bad.size
        for i in bad[: max(0, show - len(lines))]:
            who = f"{uscc[i]}" if uscc is not None else f"row {i}"
            lines.append(f"  {rid} {who}: {left_name} {a[i]:.2f} != {right_name} {b[i]:.2f}")
        nonzero = int(((a != 0) | (b != 0)).sum())
        log(
            f"{rid}: {nonzero:,} units with an amount; Σ {left_name} {a.sum():,.2f} / Σ {right_name} {b.sum():,.2f}; "
            f"{bad.size} mismatches"
        )
    if total:
        log(f"MISMATCH: {total} amounts differ (first {min(show, total)}):")
        for line in lines:
            log(line)
    return total == 0, total


# ---- the machine ----------------------------------------------------------------------------


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    mem = None
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "mem_gib": mem,
        "python": platform.python_version(),
        "polars": _version("polars"),
        "numpy": _version("numpy"),
        "openfisca_core": _version("OpenFisca-Core"),
        "cpu": platform.processor() or platform.machine(),
        # other work on the machine (tests, servers) shows here; timings are only comparable when low
        "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def last_line(payload: dict[str, Any]) -> None:
    """The result: one JSON object, always the last line of stdout."""
    sys.stdout.flush()
    print(json.dumps(payload, ensure_ascii=False), flush=True)


def r3(x: float | None) -> float | None:
    return None if x is None else round(x, 3)
