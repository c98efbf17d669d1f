"""Registry scale: time and peak memory of making, staging, evaluating and writing the
outputs of a demo registry of N units (``renshe demo registry`` → ``renshe batch``
staging → partition evaluation → lists, workbooks, summary and report).

    .venv/bin/python benchmarks/batch_scale.py --units 1000000 [--seed 1]
        [--dir DIR] [--keep] [--no-evaluate | --no-outputs] [--all-rules] [--workers W]
        [--partition-size P] [--format parquet|csv]
    .venv/bin/python benchmarks/batch_scale.py --units N --all-rules --outputs-of DIR

``--no-outputs`` stops after the evaluation (``seconds``: staging + evaluation);
``--outputs-of DIR`` times only the outputs phase over a run kept with ``--keep``
in ``DIR`` (e.g. to compare two versions of the outputs code on the same results:
its JSON line is that phase's ``s``, ``cpu_s`` and ``peak_rss_mib``).

Each phase runs in its own child process (the same script with ``--phase``),
so each phase's peak RSS is its own: ``make`` = ``make_registry``; ``stage`` =
``runner._prepare`` (validate + partition into ``_work``); ``evaluate`` =
``runner.evaluate_all`` over every partition (``--workers`` local processes;
the peak RSS of the worker processes is reported apart as
``evaluate_workers_peak_rss_mib``); ``outputs`` = ``outputs.write_outputs`` (what
``renshe batch`` writes after the evaluation; a worker process's peak, if any:
``outputs_workers_peak_rss_mib``). Evaluation runs the four benchmark
rules (``_common.RULE_IDS``) unless ``--all-rules``.

Progress goes to stderr; the last line of stdout is one JSON object with
``units``, ``seconds`` (registry files → all outputs: staging, evaluation and
outputs, not making the demo registry) and their CPU seconds ``cpu_s`` (the worker
processes' included), ``peak_rss_mib`` (the largest process of
those three phases, a worker included), ``make_s``, ``stage_s``, ``evaluate_s``,
``outputs_s``, the peak RSS of each phase in MiB, the registry's size on disk and
the staged size. The registry and the output
are made in a temporary directory under ``--dir`` (default: the system's) and
removed at the end unless ``--keep``.
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
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import AS_OF, OVERRIDES, RULE_IDS  # noqa: E402


def _peak_mib(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # Linux: KiB


def _cpu() -> float:
    """CPU seconds of this process and its finished children (its worker processes; steadier
    than wall time on a busy machine)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _size_mib(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def phase(args: argparse.Namespace) -> dict[str, Any]:
    """One phase, in this process; returns its time and peak RSS."""
    registry, out = Path(args.registry), Path(args.out)
    start, cpu = time.perf_counter(), _cpu()
    info: dict[str, Any] = {}
    if args.phase == "make":
        from renshe.batch.demo import make_registry

        info = make_registry(args.units, args.seed, registry, args.format)
    else:
        from renshe.batch.runner import (
            BatchConfig,
            _prepare,
            batch_rules,
            evaluate_all,
            executor_for,
            with_partners,
        )

        config = BatchConfig(
            registry=registry,
            as_of=AS_OF,
            out=out,
            overrides=OVERRIDES,
            partition_size=args.partition_size,
            workers=args.workers,
            policies=None if args.all_rules else RULE_IDS,
        )
        if args.phase == "stage":
            info = _prepare(config)
        elif args.phase == "outputs":
            from renshe.batch.outputs import write_outputs

            rules = batch_rules(config.policies)
            key = evaluate_all(config, with_partners(rules))["key"]  # evaluated already: only its key
            start, cpu = time.perf_counter(), _cpu()
            with executor_for(config) as executor:  # as ``renshe batch`` writes them
                summary = write_outputs(config.work, key, config.out, rules, config.as_of, executor)
            info = {"paid_units": summary.get("paid_units")}
        else:
            rules = with_partners(batch_rules(config.policies))  # as ``renshe batch`` evaluates them
            start, cpu = time.perf_counter(), _cpu()  # the rule registry is built before the clock starts
            info = {k: v for k, v in evaluate_all(config, rules).items() if k != "key"}
            info["rules"] = len(rules)
    seconds = time.perf_counter() - start
    return {
        "s": round(seconds, 2),
        "cpu_s": round(_cpu() - cpu, 2),
        "peak_rss_mib": _peak_mib(resource.RUSAGE_SELF),
        "children_peak_rss_mib": _peak_mib(resource.RUSAGE_CHILDREN),
        "info": info,
    }


def run_phase(name: str, args: argparse.Namespace, registry: Path, out: Path) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--phase",
        name,
        "--units",
        str(args.units),
        "--seed",
        str(args.seed),
        "--registry",
        str(registry),
        "--out",
        str(out),
        "--partition-size",
        str(args.partition_size),
        "--format",
        args.format,
    ]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if args.all_rules:
        cmd.append("--all-rules")
    print(f"[{dt.datetime.now():%H:%M:%S}] {name} …", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
    result = dict(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(
        f"[{dt.datetime.now():%H:%M:%S}] {name}: {result['s']} s, peak RSS {result['peak_rss_mib']} MiB",
        file=sys.stderr,
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", default="parquet", choices=("parquet", "csv"))
    parser.add_argument("--partition-size", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--all-rules", action="store_true", help="every enterprise rule, not the four of _common")
    parser.add_argument("--no-evaluate", action="store_true")
    parser.add_argument(
        "--no-outputs", action="store_true", help="stage and evaluate only (seconds = staging + evaluation)"
    )
    parser.add_argument(
        "--outputs-of",
        type=Path,
        default=None,
        help="only the outputs phase, over the evaluated run kept (--keep) in this folder",
    )
    parser.add_argument("--dir", type=Path, default=None, help="where to make the temporary registry and output")
    parser.add_argument("--keep", action="store_true", help="keep the registry and the output")
    parser.add_argument("--phase", choices=("make", "stage", "evaluate", "outputs"), help=argparse.SUPPRESS)
    parser.add_argument("--registry", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args), ensure_ascii=False))
        return

    load_start = [round(x, 2) for x in os.getloadavg()]
    if args.outputs_of:
        outputs = run_phase("outputs", args, args.outputs_of / "registry", args.outputs_of / "out")
        print(
            json.dumps(
                {
                    "units": args.units,
                    **outputs,
                    "load_avg_start": load_start,
                    "load_avg": [round(x, 2) for x in os.getloadavg()],
                },
                ensure_ascii=False,
            )
        )
        return
    root = Path(tempfile.mkdtemp(prefix=f"renshe-scale-{args.units}-", dir=args.dir))
    registry, out = root / "registry", root / "out"
    try:
        make = run_phase("make", args, registry, out)
        registry_mib = _size_mib(registry)
        stage = run_phase("stage", args, registry, out)
        staged_mib = _size_mib(out / "_work")
        evaluate = None if args.no_evaluate else run_phase("evaluate", args, registry, out)
        outputs = None if args.no_evaluate or args.no_outputs else run_phase("outputs", args, registry, out)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    from importlib import metadata

    phases = [stage, *[p for p in (evaluate, outputs) if p]]
    result = {
        "units": args.units,
        "seconds": round(sum(p["s"] for p in phases), 2) if evaluate else None,
        "cpu_s": round(sum(p["cpu_s"] for p in phases), 2) if evaluate else None,
        "seed": args.seed,
        "format": args.format,
        "partition_size": args.partition_size,
        "make_s": make["s"],
        "stage_s": stage["s"],
        "evaluate_s": evaluate["s"] if evaluate else None,
        "stage_cpu_s": stage["cpu_s"],
        "evaluate_cpu_s": evaluate["cpu_s"] if evaluate else None,
        "outputs_cpu_s": outputs["cpu_s"] if outputs else None,
        "make_peak_rss_mib": make["peak_rss_mib"],
        "stage_peak_rss_mib": stage["peak_rss_mib"],
        "evaluate_peak_rss_mib": evaluate["peak_rss_mib"] if evaluate else None,
        "evaluate_workers_peak_rss_mib": evaluate["children_peak_rss_mib"] if evaluate else None,
        "outputs_s": outputs["s"] if outputs else None,
        "outputs_peak_rss_mib": outputs["peak_rss_mib"] if outputs else None,
        "outputs_workers_peak_rss_mib": outputs["children_peak_rss_mib"] if outputs else None,
        "peak_rss_mib": max(
            stage["peak_rss_mib"],
            *([p[k] for p in (evaluate, outputs) if p for k in ("peak_rss_mib", "children_peak_rss_mib")]),
        ),
        "load_avg_start": load_start,
        "registry_mib": registry_mib,
        "staged_mib": staged_mib,
        "rows": make["info"],
        "stage": stage["info"],
        "rules": evaluate["info"].get("rules") if evaluate else None,
        "cpus": os.cpu_count(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "polars": metadata.version("polars"),
        "numpy": metadata.version("numpy"),
        "kept": str(root) if args.keep else None,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
