"""Past one machine: the batch's tasks (staging chunks, partitions, groups of policies
and workbooks) on a Dask distributed cluster.

``--scheduler tcp://HOST:8786`` connects to a running scheduler; ``--scheduler local``
starts a ``LocalCluster`` on this machine. The tasks read and write through the
batch's store (``store.py``: a directory every worker sees by the same absolute path,
or an fsspec URL such as ``s3://bucket/run``), so the workers need no shared disk
for an object store, and none of them depends on the client's working directory.
The registry's files are read by the staging tasks at the absolute path the client
was given (a directory the workers see, e.g. a network file system). On a store that
is not a local disk each task copies the files it reads into a temporary directory
(a partition's evaluation: ``units.parquet`` whole and the partition's tables).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class DaskExecutor:
    """Runs a phase's tasks on the cluster's workers (``runner.Executor``)."""

    spread = True

    def __init__(self, client: Any) -> None:
        self.client = client
        #: the tasks the cluster runs at once (its workers' threads)
        self.slots = max(1, sum(client.nthreads().values()))

    def run(
        self,
        fn: Callable[..., Any],
        calls: list[tuple[Any, ...]],
        weights: list[int],
        done: Callable[[int], None],
        parallel: bool = True,
    ) -> list[Any]:
        from distributed import as_completed

        futures = [self.client.submit(fn, *args, pure=False) for args in calls]
        order = {future.key: i for i, future in enumerate(futures)}
        results: list[Any] = [None] * len(calls)
        for future in as_completed(futures):
            i = order[future.key]
            results[i] = future.result()
            done(weights[i])
        return results


@contextmanager
def dask_executor(scheduler: str) -> Iterator[DaskExecutor]:
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        yield DaskExecutor(client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
