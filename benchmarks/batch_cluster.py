"""The whole ``renshe batch`` (registry files → every output, all rules), on this machine
and on a Dask cluster over tcp of two workers on localhost: time and peak RSS.

    .venv/bin/python benchmarks/batch_cluster.py --units 100000 [--seed 1]
        [--partition-size 50000] [--dir DIR] [--keep]

The demo registry is made first (not timed). Then, each in fresh output folders:

- ``local``: ``renshe batch REG --out OUT`` (the local process pool, all cores);
- ``cluster``: a ``dask scheduler`` and two ``dask worker`` processes (one thread each,
  ``POLARS_MAX_THREADS=1`` as each process of the local pool has on 2 cores, no nanny,
  each in a working directory of its own), and ``renshe batch REG --out OUT
  --scheduler tcp://…`` — staging, evaluation and outputs on the workers.

Peak RSS is each process's ``ru_maxrss`` as ``wait4`` gives it (a process and the
children it waited for: the local run's pool processes count in its figure). Progress
on stderr; the last line of stdout is one JSON object: ``units``, ``local`` and
``cluster`` (``seconds``, peak RSS in MiB; the cluster's ``worker_task_seconds``: each
worker's seconds running each kind of task) and ``identical`` (every output file of the
two runs, ``_work`` aside, has the same bytes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
AS_OF = "2020-07-31"


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _wait(proc: subprocess.Popen[bytes]) -> tuple[int, float]:
    """Exit status and peak RSS (MiB) of a child."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, round(usage.ru_maxrss / 1024, 1)


def _timed(cmd: list[str], cwd: Path) -> dict[str, Any]:
    log(" ".join(cmd))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL)
    code, rss = _wait(proc)
    seconds = time.perf_counter() - start
    if code:
        raise SystemExit(f"{cmd[0]} failed ({code})")
    return {"seconds": round(seconds, 1), "peak_rss_mib": rss}


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "_work" not in p.parts
    }


def _task_seconds(dask_worker: Any) -> dict[str, float]:
    """Seconds a worker spent running each kind of task (staging chunks, partitions, outputs)."""
    out: dict[str, float] = {}
    for (prefix, state), seconds in dask_worker.state.task_counter.cumulative_elapsed().items():
        if state == "executing":
            out[prefix] = round(out.get(prefix, 0.0) + seconds, 1)
    return out


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--partition-size", type=int, default=50_000)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix=f"renshe-cluster-{args.units}-", dir=args.dir))
    try:
        reg = root / "reg"
        log(f"making a demo registry of {args.units:,} units in {reg}")
        subprocess.run(
            [
                str(BIN / "renshe"),
                "demo",
                "registry",
                "--units",
                str(args.units),
                "--seed",
                str(args.seed),
                "--out",
                str(reg),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        batch = [str(BIN / "renshe"), "batch", str(reg), "--as-of", AS_OF, "--partition-size", str(args.partition_size)]
        load_before = os.getloadavg()
        local = _timed([*batch, "--out", str(root / "local")], root)
        address = f"tcp://127.0.0.1:{_port()}"
        procs = []
        try:
            (root / "scheduler").mkdir()
            procs.append(
                subprocess.Popen(
                    [
                        str(BIN / "dask"),
                        "scheduler",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        address.rsplit(":", 1)[1],
                        "--no-dashboard",
                    ],
                    cwd=root / "scheduler",
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            for name in ("w1", "w2"):
                (root / name).mkdir()
                procs.append(
                    subprocess.Popen(
                        [
                            str(BIN / "dask"),
                            "worker",
                            address,
                            "--nthreads",
                            "1",
                            "--no-nanny",
                            "--no-dashboard",
                            "--name",
                            name,
                            "--local-directory",
                            str(root / name / "dask"),
                        ],
                        cwd=root / name,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        env={**os.environ, "POLARS_MAX_THREADS": "1"},
                    )
                )  # as each local pool process has
            from distributed import Client

            deadline = time.time() + 120
            while True:
                try:
                    with Client(address, timeout=5) as client:
                        client.wait_for_workers(2, timeout=120)
                    break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.5)
            cluster = _timed([*batch, "--out", str(root / "cluster"), "--scheduler", address], root)
            with Client(address, timeout=10) as client:
                cluster["worker_task_seconds"] = client.run(_task_seconds)
        finally:
            peaks = []
            for proc in reversed(procs):
                proc.send_signal(signal.SIGTERM)
                peaks.append(_wait(proc)[1])
        cluster["client_peak_rss_mib"] = cluster.pop("peak_rss_mib")
        cluster["worker_peak_rss_mib"] = list(reversed(peaks[:2]))
        cluster["scheduler_peak_rss_mib"] = peaks[2]
        identical = _digest(root / "local") == _digest(root / "cluster")
        result = {
            "units": args.units,
            "partition_size": args.partition_size,
            "local": local,
            "cluster": cluster,
            "identical": identical,
            "load_before": [round(x, 1) for x in load_before],
            "load_after": [round(x, 1) for x in os.getloadavg()],
            "cores": os.cpu_count(),
        }
        print(json.dumps(result))
    finally:
        if args.keep:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
