"""Work spread over forked workers: results in order, and workers that collect their own garbage."""

from __future__ import annotations

import gc

from ledger.reuse.parallel import chunked, fork_map


def test_results_come_back_in_chunk_order() -> None:
    chunks = fork_map(lambda chunk: sum(chunk), list(range(100)), 2)
    assert sum(chunks) == sum(range(100)) and len(chunks) == len(chunked(list(range(100)), 8))


def test_workers_collect_cycles_while_the_parent_has_its_collector_paused() -> None:
    """``serve`` pauses the collector for a rebuild; a rebuild that renders every page does it in workers."""
    gc.disable()
    try:
        enabled = fork_map(lambda chunk: [gc.isenabled() for _ in chunk], list(range(8)), 2)
    finally:
        gc.enable()
    assert enabled and all(flag for flags in enabled for flag in flags)
