"""The simulation's baseline, computed once and kept (模拟基线缓存).

A policy simulation compares a reform with a baseline: the same staged registry, date,
parameters and rules. The baseline's money is summed once and kept beside the staged
data, in ``_work/simulate/<key>/``, where ``key`` covers everything it depends on:

- the staged registry (``runner.fingerprint``: its files, partitioning and layout —
  staging anew also empties ``_work``),
- the date, the parameters (``BatchConfig.overrides``) and the rules evaluated,
- the code (``code_version``: the engine, rules, policies, domain and batch sources, the
  parameter files, and Polars' version).

What is kept: each rule's parameters (``engine.dependencies.parameters_read``), the
counted money of every unit and policy in whole fen (``counted.parquet``, sorted by
policy), and its sums by policy and flow and by group and flow, with the number of
units in each group. A reform then recomputes only the rules its parameters reach
(``simulate``) and corrects these sums by their difference.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

import polars as pl

import renshe
from renshe.batch.outputs import part_amounts, with_net
from renshe.batch.partition import result_path, run_key
from renshe.batch.runner import BatchConfig, Progress, evaluate_all, fingerprint
from renshe.engine.case import Enterprise
from renshe.engine.dependencies import empty_population, parameters_read
from renshe.engine.rules import registry

CACHE = "simulate"
#: the groups of the winners and losers tables: column → its label
GROUPS = {"prefecture": "地区（地市）", "size": "企业规模", "industry_section": "行业门类"}
#: the sources whose change changes a baseline (under the ``renshe`` package): the rules and
#: their engine, and the batch's staging, evaluation and counting (not the simulation's tables)
CODE = ("engine", "policies", "domain")
CODE_BATCH = ("baseline.py", "outputs.py", "partition.py", "registry.py", "runner.py")
CODE_FILES = ("*.py", "*.yaml", "*.json", "*.csv")


def _code_files() -> list[Path]:
    root = Path(renshe.__file__).parent
    return sorted(
        {p for folder in CODE for pattern in CODE_FILES for p in (root / folder).rglob(pattern)}
        | {root / "batch" / name for name in CODE_BATCH}
        | set((root / "services").glob("*.yaml"))
    )


@cache
def code_version() -> str:
    """A hash of the code and data the baseline's money comes from."""
    root = Path(renshe.__file__).parent
    digest = hashlib.sha256(f"polars {version('polars')}".encode())
    for path in _code_files():
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def fen(amount: str = "amount") -> pl.Expr:
    """An amount in yuan as whole fen: sums of fen are exact in any order."""
    return (pl.col(amount) * 100).round().cast(pl.Int64)


KEYS = ["_part", "_u"]


def unit_groups(work: Path) -> pl.DataFrame:
    """Every staged unit (``_part``, ``_u``) with its groups: ``prefecture`` (the region's
    first four digits), ``size`` (class) and ``industry_section`` (the industry's letter)."""
    return (
        pl.scan_parquet(work / "units.parquet")
        .select(
            *KEYS,
            pl.col("region").str.slice(0, 4).alias("prefecture"),
            pl.col("size_class").alias("size"),
            pl.col("industry").str.slice(0, 1).alias("industry_section"),
        )
        .collect()
    )


@dataclass(frozen=True)
class Baseline:
    """A kept baseline (see the module's doc)."""

    folder: Path
    #: the parameters each evaluated rule reads
    depends: dict[str, list[str]]

    def counted(self, policies: list[str]) -> pl.DataFrame:
        """The counted money (``_part``, ``_u``, ``policy``, ``flow``, ``fen``) of ``policies``."""
        return pl.scan_parquet(self.folder / "counted.parquet").filter(pl.col("policy").is_in(policies)).collect()

    @property
    def by_policy(self) -> pl.DataFrame:
        """``policy``, ``flow``, ``fen``."""
        return pl.read_parquet(self.folder / "by_policy.parquet")

    def by_group(self, group: str) -> pl.DataFrame:
        """``<group>``, ``flow``, ``fen``."""
        return pl.read_parquet(self.folder / f"by_{group}.parquet")

    def units(self, group: str) -> pl.DataFrame:
        """``<group>``, ``units``: how many staged units each group holds."""
        return pl.read_parquet(self.folder / f"units_{group}.parquet")

    def unit_groups(self) -> pl.DataFrame:
        """:func:`unit_groups` of the staged registry."""
        return pl.read_parquet(self.folder / "unit_groups.parquet")


def counted_money(work: Path, key: str, rule_ids: list[str], as_of: dt.date) -> pl.DataFrame:
    """The money that counts per unit and policy of run ``key`` among ``rule_ids`` (each money
    once: ``same_money.counted_expr``; a part in its own flow, its whole net of it), in whole
    fen, without the rows of 0 fen: ``_part``, ``_u``, ``policy``, ``flow``, ``fen``."""
    stage = json.loads((work / "stage.json").read_text(encoding="utf-8"))
    results = pl.scan_parquet([result_path(work, key, k) for k in range(stage["partitions"])])
    return counted_rows(results, rule_ids, as_of).collect()


def counted_rows(results: pl.LazyFrame, rule_ids: list[str], as_of: dt.date) -> pl.LazyFrame:
    """The counted money of ``rule_ids`` among result rows (the rule of :func:`counted_money`,
    also used by the reform over rows it never writes): ``_part``, ``_u``, ``policy``,
    ``flow``, ``fen``, no rows of 0 fen."""
    # a part evaluated beside its whole is deducted from it even when only the whole is asked for
    parts = part_amounts(results, as_of)
    rows = with_net(results.filter(pl.col("policy").is_in(rule_ids)), as_of, parts).filter(pl.col("counted"))
    return rows.select(*KEYS, "policy", "flow", fen("net").alias("fen")).filter(pl.col("fen") != 0)


def baseline_key(config: BatchConfig, rule_ids: list[str], evaluated: list[str]) -> str:
    payload = {
        "stage": fingerprint(config),
        "as_of": config.as_of.isoformat(),
        "overrides": config.overrides,
        "rules": sorted(rule_ids),
        "evaluated": sorted(evaluated),
        "code": code_version(),
        "local": config.local_json,
    }  # the approved local standards (地方标准) it used
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def evaluate_run(config: BatchConfig, evaluated: list[str], progress: Progress | None) -> str:
    """Evaluate run ``config`` of the ``evaluated`` rules (what is missing of it) with this
    code; returns its run key. The batch's run key does not cover the code, so results
    left by other code are evaluated again: those marked with another code version by a
    simulation, and unmarked ones (a batch's) older than the code."""
    work = config.work
    run = run_key(config.as_of.isoformat(), json.dumps(config.overrides, sort_keys=True), evaluated, config.local_json)
    marker = work / CACHE / f"run-{run}.json"
    results = work / "results" / run
    code = code_version()
    if marker.exists():
        stale = json.loads(marker.read_text(encoding="utf-8")).get("code") != code
    else:
        newest = max(p.stat().st_mtime_ns for p in _code_files())
        stale = any(p.stat().st_mtime_ns < newest for p in results.glob("*.parquet"))
    if stale:
        shutil.rmtree(results, ignore_errors=True)
    info = evaluate_all(config, evaluated, progress)  # stages anew (emptying _work) when the registry changed
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"code": code}), encoding="utf-8")
    return str(info["key"])


def load_or_make(
    config: BatchConfig, rule_ids: list[str], evaluated: list[str], progress: Progress | None = None
) -> Baseline:
    """The kept baseline of ``config`` for ``rule_ids`` (the ``evaluated`` rules: those and
    their same-money partners), made when missing or out of date."""
    key = baseline_key(config, rule_ids, evaluated)
    folder = config.work / CACHE / key
    if (folder / "done.json").exists():
        return Baseline(folder, json.loads((folder / "depends.json").read_text(encoding="utf-8")))
    run = evaluate_run(config, evaluated, progress)
    work = config.work
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    depends = parameters_read(
        registry(), empty_population("enterprise", Enterprise), config.as_of, config.overrides, evaluated
    )
    (tmp / "depends.json").write_text(json.dumps(depends, ensure_ascii=False, indent=1), encoding="utf-8")
    rows = counted_money(work, run, rule_ids, config.as_of)
    rows.sort("policy").write_parquet(tmp / "counted.parquet", row_group_size=65_536)
    rows.group_by("policy", "flow").agg(pl.col("fen").sum()).sort("policy", "flow").write_parquet(
        tmp / "by_policy.parquet"
    )
    units = unit_groups(work)
    units.write_parquet(tmp / "unit_groups.parquet")
    rows = rows.join(units, on=KEYS, how="left")
    for group in GROUPS:
        rows.group_by(group, "flow").agg(pl.col("fen").sum()).write_parquet(tmp / f"by_{group}.parquet")
        units.group_by(group).agg(pl.len().alias("units")).write_parquet(tmp / f"units_{group}.parquet")
    meta = {
        "stage": fingerprint(config),
        "as_of": config.as_of.isoformat(),
        "overrides": config.overrides,
        "rules": rule_ids,
        "evaluated": evaluated,
        "code": code_version(),
        "run": run,
    }
    (tmp / "done.json").write_text(json.dumps(meta, ensure_ascii=False, default=str, indent=1), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.replace(folder)
    return Baseline(folder, depends)
