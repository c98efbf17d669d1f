"""The whole batch on a real Dask cluster over tcp: a ``dask scheduler`` and two ``dask
worker`` processes (the venv's ``dask`` command) on localhost, started in working
directories of their own, so that a path relative to the client's would not be found.
Staging, evaluation and outputs run on the workers and every output equals the local
run's, byte for byte. And the same run through an fsspec store that is no local disk
(``memory://``) gives the same bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import renshe
from renshe.batch.demo import make_registry
from tests.conftest import RENSHE

AS_OF = "2020-07-31"
DASK = Path(sys.executable).parent / "dask"
SRC = str(Path(renshe.__file__).resolve().parents[1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "_work" not in p.parts
    }


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("client") / "reg"
    proc = subprocess.run(
        [str(RENSHE), "demo", "registry", "--units", "3000", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scheduler and two workers (one process, one thread each), as subprocesses."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = []
    logs = tmp_path_factory.mktemp("cluster")
    try:
        scheduler_dir = logs / "scheduler"
        scheduler_dir.mkdir()
        procs.append(
            subprocess.Popen(
                [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                cwd=scheduler_dir,
                env=_env(),
                stdout=subprocess.DEVNULL,
                stderr=open(logs / "scheduler.log", "w"),  # noqa: SIM115 (the process keeps it)
                start_new_session=True,
            )
        )
        for name in ("w1", "w2"):
            cwd = logs / name
            cwd.mkdir()
            procs.append(
                subprocess.Popen(
                    [
                        str(DASK),
                        "worker",
                        address,
                        "--nworkers",
                        "1",
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--name",
                        name,
                        "--local-directory",
                        str(cwd / "dask"),
                        "--memory-limit",
                        "0",
                    ],
                    cwd=cwd,
                    env=_env(),
                    stdout=subprocess.DEVNULL,
                    stderr=open(logs / f"{name}.log", "w"),  # noqa: SIM115
                    start_new_session=True,
                )
            )
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
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _task_kinds(address: str) -> tuple[dict[str, int], list[int]]:
    """Tasks the cluster has finished, by function name, and the transitions of each worker."""
    from distributed import Client

    def finished(dask_scheduler: object) -> dict[str, int]:
        return {name: tp.state_counts.get("memory", 0) for name, tp in dask_scheduler.task_prefixes.items()}  # type: ignore[attr-defined]

    def busy(dask_worker: object) -> int:
        return int(dask_worker.state.transition_counter)  # type: ignore[attr-defined]

    with Client(address, timeout=10) as client:
        return dict(client.run_on_scheduler(finished)), list(client.run(busy).values())


def _batch(cwd: Path, out: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """``renshe batch`` run from ``cwd`` with paths relative to it."""
    proc = subprocess.run(
        [str(RENSHE), "batch", "reg", "--as-of", AS_OF, "--out", out, "--partition-size", "500", *extra],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def _progress(stderr: str, label: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in re.findall(rf"^{re.escape(label)} (\d+)/(\d+) 单位", stderr, re.M)]


def test_tcp_cluster_equals_local(registry: Path, cluster: str) -> None:
    cwd = registry.parent
    _batch(cwd, "local-out", "--workers", "1")
    remote = _batch(cwd, "dask-out", "--scheduler", cluster)
    assert "拨付名单" in remote.stdout
    assert not (Path.cwd() / "dask-out").exists()
    ran, workers = _task_kinds(cluster)
    # every phase ran on the workers (both of them): 6 partitions; staging cut into 6 slices
    # of each of the 5 tables; the policies in groups; a workbook per list kind
    assert ran.get("stage_chunk", 0) == 5 * 6 and ran.get("evaluate_partition", 0) == 6
    assert ran.get("policy_outputs", 0) >= 2 and ran.get("workbook_task", 0) == 3
    assert len(workers) == 2 and min(workers) > 0
    a, b = digest(cwd / "local-out"), digest(cwd / "dask-out")
    assert len(a) > 100 and {
        "summary.json",
        "payments.xlsx",
        "reductions.xlsx",
        "deferrals.xlsx",
        "report.html",
        "summary.csv",
        "policies.csv",
        "problems.csv",
    } <= set(a)
    assert [k for k in a if k.startswith("payments/")], "payment lists written"
    assert a == b
    # the distributed run's progress counts units too, up to all 3 000 of them
    for label in ("入库（校验、分区）", "测算", "名单与报表"):
        steps = _progress(remote.stderr, label)
        assert steps and steps[-1] == (3000, 3000), (label, steps)
        assert [d for d, _ in steps] == sorted(d for d, _ in steps)


def test_memory_store_equals_local(tmp_path: Path) -> None:
    """``--out memory://…``: every task reads and writes through fsspec (copies in and out of
    temporary directories), no path of the store is a local one; the bytes are the local run's."""
    import fsspec

    from renshe.batch.runner import BatchConfig, run_batch

    make_registry(400, 5, tmp_path / "reg")
    as_of = dt.date.fromisoformat(AS_OF)
    local = run_batch(BatchConfig(tmp_path / "reg", as_of, tmp_path / "local", partition_size=150, workers=1))
    url = "memory://renshe-test/out"
    memory = run_batch(BatchConfig(tmp_path / "reg", as_of, url, partition_size=150, workers=1))  # type: ignore[arg-type]
    assert memory == local
    fs = fsspec.filesystem("memory")
    root = "/renshe-test/out"
    files = {
        p[len(root) + 1 :]: hashlib.sha256(fs.cat_file(p)).hexdigest() for p in fs.find(root) if "/_work/" not in p
    }
    assert files == digest(tmp_path / "local")
    assert fs.exists(f"{root}/_work/stage.json") and not (tmp_path / "memory:").exists()
    fs.rm(root, recursive=True)
