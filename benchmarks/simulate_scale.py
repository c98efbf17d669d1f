"""Simulation scale: one reform of a parameter on staged demo registries of several sizes,
the baseline already computed and kept (``renshe.batch.baseline``).

    .venv/bin/python benchmarks/simulate_scale.py --units 100000 1000000 [--seed 1]
        [--dir DIR] [--set NAME=VALUE ...] [--repeat R] [--workers W] [--partition-size P] [--full]

For each size N (side by side, in one run): make the demo registry ``DIR/reg<N>`` unless
it is there, stage it and compute and keep the baseline of every enterprise rule in
``DIR/out<N>`` unless kept already, with the partitions' entity frames the reform starts
from (``batch.reform.keep_frames``) (``baseline_s``, not in the figure), then time the
reform R times in a child process of its own (``seconds``: the fastest, with its CPU
seconds ``cpu_s``; the rule registry is loaded before the clock starts, ``setup_s``).
The reform evaluates the rules it reaches in that process and writes no results, so each
run evaluates them again (results of earlier ``--full`` reforms are removed first).
``--full`` times the reform evaluating every rule again instead, through the batch's
process pool (the simulation without the dependencies; the same answers).

Progress goes to stderr; each size prints one JSON line, and the last line of stdout is
one JSON object: the largest size's ``units``, ``seconds``, ``peak_rss_mib`` (the reform's
process) and ``recomputed_rules``, and ``runs`` (every size).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

AS_OF = dt.date(2020, 7, 31)
DEFAULT_REFORM = ["cn.si_relief_2020.halving_ratio=1.0"]


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _reform(items: list[str]) -> dict[str, Any]:
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        out[name] = json.loads(value)
    return out


def _config(args: argparse.Namespace, units: int) -> Any:
    from renshe.batch.runner import BatchConfig

    root = Path(args.dir)
    return BatchConfig(
        root / f"reg{units}", AS_OF, root / f"out{units}", partition_size=args.partition_size, workers=args.workers
    )


def _cpu() -> float:
    """CPU seconds of this process and its finished children (steadier than wall time on a
    busy machine; Polars' threads count)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def child(args: argparse.Namespace) -> dict[str, Any]:
    """One timed reform (``--phase reform``) or the baseline (``--phase baseline``)."""
    start = time.perf_counter()
    from renshe.batch.partition import run_key
    from renshe.batch.runner import batch_rules, with_partners
    from renshe.batch.simulate import simulation
    from renshe.engine.rules import registry

    registry()
    setup = time.perf_counter() - start
    config = _config(args, args.units[0])
    reform = _reform(args.set) if args.phase == "reform" else {}
    if args.phase == "reform":  # results of earlier reforms: all but the baseline's
        base = run_key(
            AS_OF.isoformat(), json.dumps(config.overrides, sort_keys=True), with_partners(batch_rules(config.policies))
        )
        for folder in (config.work / "results").iterdir():
            if folder.name != base:
                shutil.rmtree(folder)
    start, cpu = time.perf_counter(), _cpu()
    sim = simulation(config, reform, full=args.full and args.phase == "reform")
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    by_flow = {r["flow"]: r["difference"] for r in sim.tables["by_flow"].iter_rows(named=True) if r["difference"]}
    return {
        "seconds": round(seconds, 3),
        "cpu_s": round(cpu, 2),
        "setup_s": round(setup, 2),
        "recomputed_rules": sim.recomputed,
        "difference_by_flow": by_flow,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "children_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def _run_child(args: argparse.Namespace, units: int, phase: str) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--units",
        str(units),
        "--dir",
        args.dir,
        "--partition-size",
        str(args.partition_size),
        "--set",
        *args.set,
    ]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if args.full:
        cmd += ["--full"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def one_size(args: argparse.Namespace, units: int) -> dict[str, Any]:
    root = Path(args.dir)
    registry = root / f"reg{units}"
    made = None
    if not (registry / "units.parquet").exists():
        from renshe.batch.demo import make_registry

        start = time.perf_counter()
        make_registry(units, args.seed, registry)
        made = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    _run_child(args, units, "baseline")
    baseline = round(time.perf_counter() - start, 1)
    _log(f"{units}: registry {'made in ' + str(made) + ' s' if made else 'reused'}, baseline ready in {baseline} s")
    best: dict[str, Any] | None = None
    for i in range(args.repeat):
        run = _run_child(args, units, "reform")
        _log(
            f"{units}: reform run {i + 1}: {run['seconds']} s (CPU {run['cpu_s']} s), "
            f"{len(run['recomputed_rules'])} rules, "
            f"peak {run['peak_rss_mib']} MiB"
        )
        if best is None or run["seconds"] < best["seconds"]:
            best = run
    assert best is not None
    return {
        "units": units,
        **best,
        "make_registry_s": made,
        "baseline_s": baseline,
        "reform": _reform(args.set),
        "repeat": args.repeat,
        "full": args.full,
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, nargs="+", default=[100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", default="simulate-scale")
    parser.add_argument("--set", nargs="+", default=DEFAULT_REFORM, help="the reform: NAME=VALUE (JSON values)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--partition-size", type=int, default=50_000)
    parser.add_argument(
        "--full",
        action="store_true",
        help="evaluate every rule for the reform (the simulation before the kept baseline)",
    )
    parser.add_argument("--phase", choices=["baseline", "reform"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(child(args), ensure_ascii=False))
        return
    runs = []
    for units in args.units:
        run = one_size(args, units)
        runs.append(run)
        print(json.dumps(run, ensure_ascii=False), flush=True)
    last = runs[-1]
    print(
        json.dumps(
            {
                "units": last["units"],
                "seconds": last["seconds"],
                "peak_rss_mib": last["peak_rss_mib"],
                "recomputed_rules": last["recomputed_rules"],
                "runs": runs,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
