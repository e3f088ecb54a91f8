"""Work spread over the machine's cores with forked worker processes.

Workers are forked, so they start with the parent's memory: the parsed site, the compiled
templates, the list of jobs. Only small things cross between processes (chunk numbers in, the
results of a chunk out), never the site itself. Where ``fork`` does not exist, or one core is all
there is, the same function runs in-process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_task: Callable[[int], object] | None = None
"""The function the forked workers run; set only while a pool is up."""


def cpu_count() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _run(index: int) -> object:
    assert _task is not None
    return _task(index)


def chunked(items: Sequence[T], chunks: int) -> list[list[T]]:
    """``items`` dealt round-robin into at most ``chunks`` lists (spreads the heavy ones)."""
    chunks = max(1, min(chunks, len(items)))
    return [list(items[i::chunks]) for i in range(chunks)]


def fork_map(fn: Callable[[list[T]], R], items: Sequence[T], workers: int) -> list[R]:
    """``fn`` applied to chunks of ``items`` in ``workers`` forked processes; results in chunk order.

    Each worker runs several chunks so a slow one does not hold the others up. ``workers <= 1``
    (or no ``fork``) runs everything here, in one chunk.
    """
    global _task
    if workers <= 1 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(list(items))]
    chunks = chunked(items, workers * 4)
    _task = lambda index: fn(chunks[index])  # noqa: E731  (workers inherit it through fork)
    try:
        # a worker collects cycles even if this process paused its collector (``serve.collection_deferred``):
        # rendering thousands of pages leaves tens of thousands of cyclic objects
        with multiprocessing.get_context("fork").Pool(workers, initializer=gc.enable) as pool:
            return pool.map(_run, range(len(chunks)), chunksize=1)  # type: ignore[return-value]
    finally:
        _task = None
