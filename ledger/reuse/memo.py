"""Results derived from records that a rebuild in the same process reuses as they are.

``serve`` rebuilds after every save, and all but the edited records are the very same objects as in
the previous build (``validate`` keeps a checked controversy by its file's digest, a registry by its
own). What was derived from them alone — a page's numbered references, its cross-check, its row of
``ledger.json`` — is then still right, and is looked up by identity instead of being computed again.
Each pass keeps only the entries it used, so the edited records' old results are dropped with them.
A one-off build fills the memo once and never asks again: it costs a dictionary entry per record.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    """``get(objects, extra, make)``: ``make()``'s result, reused while ``objects`` are the same objects
    (by identity; they are kept alive by the entry, so their ids cannot be reused) and ``extra`` is equal."""

    def __init__(self) -> None:
        self._previous: dict[Hashable, tuple[tuple[object, ...], V]] = {}
        self._current: dict[Hashable, tuple[tuple[object, ...], V]] = {}

    def new_pass(self) -> None:
        """Start a build's pass: entries the previous pass did not use are forgotten."""
        self._previous, self._current = self._current, {}

    def get(self, objects: tuple[object, ...], extra: Hashable, make: Callable[[], V]) -> V:
        key = (tuple(map(id, objects)), extra)
        entry = self._current.get(key) or self._previous.get(key)
        if entry is None:
            entry = (objects, make())
        self._current[key] = entry
        return entry[1]
