"""Work spread over forked workers: results in order, and workers that collect their own garbage."""

from __future__ import annotations

import gc
import time
from pathlib import Path

from ledger.reuse.parallel import chunked, fork_map, sliced


def test_results_come_back_in_chunk_order() -> None:
    chunks = fork_map(lambda chunk: chunk, list(range(100)), 2)
    assert [item for chunk in chunks for item in chunk] == list(range(100)) and len(chunks) > 2


def test_the_heaviest_items_are_handed_out_first() -> None:
    """A page that takes seconds (the sources page) handed out last keeps one worker busy while the other waits."""
    chunks = fork_map(lambda chunk: chunk, list(range(100)), 2, weight=lambda item: item % 7)
    done = [item for chunk in chunks for item in chunk]
    assert sorted(done) == list(range(100))
    assert [item % 7 for item in done] == sorted((item % 7 for item in range(100)), reverse=True)


def test_chunks_split_items_in_order_and_round_robin() -> None:
    assert sliced(list(range(7)), 3) == [[0, 1, 2], [3, 4], [5, 6]]
    assert chunked(list(range(7)), 3) == [[0, 3, 6], [1, 4], [2, 5]]
    assert sliced([1], 4) == [[1]]


def test_workers_collect_cycles_while_the_parent_has_its_collector_paused() -> None:
    """``serve`` pauses the collector for a rebuild; a rebuild that renders every page does it in workers."""
    gc.disable()
    try:
        enabled = fork_map(lambda chunk: [gc.isenabled() for _ in chunk], list(range(8)), 2)
    finally:
        gc.enable()
    assert enabled and all(flag for flags in enabled for flag in flags)


def test_this_process_works_meanwhile_while_the_workers_run(tmp_path: Path) -> None:
    """The pipeline reads the registries and compiles the templates while the workers parse the pages, and checks
    each page as it comes back."""
    started = tmp_path / "started"

    def wait_for_meanwhile(chunk: list[int]) -> list[int]:
        deadline = time.monotonic() + 20
        while not started.exists() and time.monotonic() < deadline:  # until this process got to it
            time.sleep(0.01)
        return [item if started.exists() else -1 for item in chunk]

    told: list[list[int]] = []
    chunks = fork_map(wait_for_meanwhile, list(range(8)), 2, meanwhile=started.touch, each=told.append)
    assert [item for chunk in chunks for item in chunk] == list(range(8)) and told == chunks
    assert fork_map(lambda chunk: [started.exists()], [1], 2, meanwhile=started.unlink) == [[False]]  # in-process
