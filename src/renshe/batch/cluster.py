"""Past one machine: the same partition function on a Dask distributed cluster.

``--scheduler tcp://HOST:8786`` connects to a running scheduler (its workers
must see the output directory, e.g. on a shared file system);
``--scheduler local`` starts a ``LocalCluster`` on this machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from renshe.batch.partition import evaluate_partition


def run_on_dask(scheduler: str, work: str, todo: list[int], args: tuple[str, str, list[str], str],
                done: Callable[[], None]) -> None:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        futures = client.map(evaluate_partition, [work] * len(todo), todo, *[[a] * len(todo) for a in args],
                             pure=False)
        for future in as_completed(futures):
            future.result()
            done()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
