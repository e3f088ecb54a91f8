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
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

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


def sliced(items: Sequence[T], chunks: int) -> list[list[T]]:
    """``items`` cut into at most ``chunks`` runs of (nearly) equal length, in order."""
    chunks = max(1, min(chunks, len(items)))
    size, extra = divmod(len(items), chunks)
    bounds = [i * size + min(i, extra) for i in range(chunks + 1)]
    return [list(items[bounds[i] : bounds[i + 1]]) for i in range(chunks)]


CHUNKS_PER_WORKER = 16
"""Chunks handed out one at a time: the last to finish keeps the other workers waiting for at most about a
sixteenth of a worker's share."""


def fork_map(
    fn: Callable[[list[T]], R],
    items: Sequence[T],
    workers: int,
    poll: Callable[[], None] | None = None,
    weight: Callable[[T], Any] | None = None,
    meanwhile: Callable[[], object] | None = None,
    each: Callable[[R], object] | None = None,
) -> list[R]:
    """``fn`` applied to chunks of ``items`` in ``workers`` forked processes; results in chunk order.

    Workers take the chunks in turn, one at a time, so a slow one does not hold the others up; with ``weight``
    (an item's cost, or something that sorts as it does), the heaviest items come first: a page that takes a
    second, handed out last, would keep one worker busy while the others wait. ``workers <= 1`` (or no
    ``fork``) runs everything here, in one chunk. ``poll`` is called now and then while the workers run
    (``Counter.poll``). Work of this process's own that would otherwise leave a core idle before or after is
    done here while they run: ``meanwhile``, once (first, when there are no workers), and ``each`` with each
    chunk's result as it comes back (in chunk order).
    """
    global _task
    if workers <= 1 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile is not None:
            meanwhile()
        results = [fn(list(items))]
        if each is not None:
            each(results[0])
        return results
    chunks = sliced(sorted(items, key=weight, reverse=True) if weight else items, workers * CHUNKS_PER_WORKER)
    _task = lambda index: fn(chunks[index])  # noqa: E731  (workers inherit it through fork)
    try:
        # a worker collects cycles even if this process paused its collector (``serve.collection_deferred``):
        # rendering thousands of pages leaves tens of thousands of cyclic objects
        with multiprocessing.get_context("fork").Pool(workers, initializer=gc.enable) as pool:
            running = pool.imap(_run, range(len(chunks)), chunksize=1)
            if meanwhile is not None:
                meanwhile()
            results: list[R] = []
            while len(results) < len(chunks):
                try:
                    result = running.next(POLL_SECONDS if poll is not None else None)
                except multiprocessing.TimeoutError:
                    assert poll is not None
                    poll()
                    continue
                results.append(result)  # type: ignore[arg-type]
                if each is not None:
                    each(result)  # type: ignore[arg-type]
                if poll is not None:
                    poll()
            return results
    finally:
        _task = None


POLL_SECONDS = 0.1
Progress = Callable[[int, int], None]
"""Told (done, in all) now and then while a build renders its files (``cli``: a line on a terminal)."""


class Counter:
    """Items done of ``total``, counted by this process or by the workers it forks (in shared memory), and told
    to ``progress`` at most every ``POLL_SECONDS``, by this process only. Without ``progress``, counts nothing."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.progress = total, progress
        self._done = multiprocessing.Value("q", 0) if progress is not None else None
        self._owner = os.getpid()
        self._told = 0.0

    def tick(self) -> None:
        """One more item done (in any process)."""
        if self._done is None:
            return
        with self._done.get_lock():
            self._done.value += 1
        if os.getpid() == self._owner and threading.current_thread() is threading.main_thread():
            self.poll()  # working in-process: no one else polls

    def poll(self) -> None:
        """Tell ``progress`` how many are done, unless it was told less than ``POLL_SECONDS`` ago."""
        if self._done is None or self.progress is None or time.monotonic() - self._told < POLL_SECONDS:
            return
        self._told = time.monotonic()
        self.progress(self._done.value, self.total)
