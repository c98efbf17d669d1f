"""Cold start of `renshe evaluate` on one example: a new process each run.

    python benchmarks/cold_start.py [--runs 10] [--example 01_beijing_medium_software] [--baseline DIR]

Prints the min / median / max wall time and, as its last line, one JSON object. The CPU
seconds of each run (user + system of the child, Polars' threads included) are reported
beside (``*_cpu_s``): steadier than wall time when the machine is busy. ``--baseline DIR``
(another checkout's ``src``, e.g. from ``git archive``) runs it in turns with this one, each
run of one followed by a run of the other, so that both meet the same load (``baseline_*``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT.parent / "shared" / "spec" / "examples"
PACKAGED = ROOT / "src" / "renshe" / "web" / "demo_cases"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--example", default="01_beijing_medium_software")
    parser.add_argument("--baseline", type=Path, help="another source tree (its src folder) timed in turns")
    args = parser.parse_args()
    source = EXAMPLES / f"{args.example}.json"
    if not source.exists():
        source = PACKAGED / f"{args.example}.json"
    case = json.loads(source.read_text(encoding="utf-8"))["case"]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(case, f, ensure_ascii=False)
    renshe = Path(sys.executable).with_name("renshe")
    times, cpus, base_times, base_cpus = [], [], [], []
    trees = [(None, times, cpus)] + ([(args.baseline, base_times, base_cpus)] if args.baseline else [])
    answers = set()
    for _ in range(args.runs):
        for tree, wall, cpu in trees:
            env = {**os.environ, "PYTHONPATH": str(tree.resolve())} if tree else None
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            proc = subprocess.run([str(renshe), "evaluate", f.name], capture_output=True, text=True, env=env)
            wall.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr)
            answers.add(proc.stdout)
    if len(answers) != 1:
        raise SystemExit("the baseline answers differently")
    print(
        f"cold evaluate ({args.example}): min {min(times):.3f} s, median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s over {args.runs} runs; CPU min {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s"
    )
    print(
        json.dumps(
            {
                "example": args.example,
                "runs": args.runs,
                "min_s": round(min(times), 3),
                "median_s": round(statistics.median(times), 3),
                "max_s": round(max(times), 3),
                "min_cpu_s": round(min(cpus), 3),
                "median_cpu_s": round(statistics.median(cpus), 3),
                "load_average": round(os.getloadavg()[0], 1),
                **(
                    {
                        "baseline_median_s": round(statistics.median(base_times), 3),
                        "baseline_median_cpu_s": round(statistics.median(base_cpus), 3),
                    }
                    if args.baseline
                    else {}
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
