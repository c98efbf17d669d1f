"""Concurrent evaluate requests evaluated together (合并测算).

While one evaluation runs, new requests wait in a queue, and the next
evaluation takes all of them (``calculator.evaluate_cases``). A lone request
is evaluated at once — nothing waits for company.

A few cases (up to ``calculator.SINGLE_CASES``) take the single-case fast path,
plain Python, evaluated on the event loop itself. Under load the queue grows
past that, and the next evaluation runs them as one Polars population (a
rule's plan costs about the same for one row as for a hundred) in one worker
thread, while the event loop keeps accepting and parsing requests.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from renshe.engine.calculator import SINGLE_CASES, evaluate_cases
from renshe.engine.case import Case

#: at most this many cases in one evaluation (bounds one population's memory)
MAX_BATCH = 256
#: under load, how long the next evaluation waits for the requests of the clients
#: just answered (an evaluation takes hundreds of milliseconds; this is a few)
GATHER_S = 0.005
GATHER_POLL_S = 0.0005


@dataclass
class _Waiting:
    case: Case
    explain: bool
    answer: asyncio.Future[dict[str, Any]]
    everything: bool = False  # out-of-scope results too (?all=true)


@dataclass
class Coalescer:
    max_batch: int = MAX_BATCH
    _queue: list[_Waiting] = field(default_factory=list)
    _worker: asyncio.Task[None] | None = None
    _executor: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, "renshe-evaluate"))
    batches: int = 0  # evaluations run (for tests and monitoring)
    largest: int = 0  # the most cases one evaluation took

    async def evaluate(self, case: Case, explain: bool, everything: bool = False) -> dict[str, Any]:
        """The body ``evaluate_case`` gives for ``case``; raises what it raises."""
        loop = asyncio.get_running_loop()
        waiting = _Waiting(case, explain, loop.create_future(), everything)
        self._queue.append(waiting)
        if self._worker is None or self._worker.done() or self._worker.get_loop() is not loop:
            self._worker = loop.create_task(self._drain())
        return await waiting.answer

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        last = 0
        while self._queue:
            await self._gather(last)
            batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
            self.batches += 1
            self.largest = max(self.largest, len(batch))
            cases, explains = [w.case for w in batch], [w.explain for w in batch]
            alls = [w.everything for w in batch]
            try:
                if len(batch) <= SINGLE_CASES:
                    # a few cases take the fast path, plain Python: evaluated here, as a thread
                    # would only contend with this loop for the interpreter lock
                    answers = evaluate_cases(cases, explains, alls)
                else:  # many: one Polars population in the worker thread (Polars frees the lock)
                    answers = await loop.run_in_executor(self._executor, evaluate_cases, cases, explains, alls)
            except Exception as exc:
                answers = [exc] * len(batch)
            for w, answer in zip(batch, answers, strict=True):
                if w.answer.done():  # the client went away
                    continue
                if isinstance(answer, Exception):
                    w.answer.set_exception(answer)
                else:
                    w.answer.set_result(answer)
            last = len(batch)

    async def _gather(self, last: int) -> None:
        """Under load, let the clients just answered send their next requests before
        the next evaluation starts (else it would take the one early request alone
        and the rest would wait a whole evaluation): wait until as many requests
        are queued as the last evaluation took, at most ``GATHER_S``."""
        await asyncio.sleep(0)  # the answers just set go out first
        deadline = time.perf_counter() + GATHER_S
        while len(self._queue) < min(last, self.max_batch) and time.perf_counter() < deadline:
            await asyncio.sleep(GATHER_POLL_S)
