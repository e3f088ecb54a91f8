"""How a stage lets the builds of one process share what it derived, without knowing how or whether they do.

A stage names a value derived from some records alone (``recall(name, objects, extra, make)``: what
``make()`` returns is a function of ``objects``, compared by identity, and ``extra``, by value) or
from one file's bytes (``stored(kind, digest, make)``). A one-off build passes ``ONCE``, which makes
every value; the pipeline passes its reuse layer (``reuse/session.py``), which keeps them: in memory
for the next build of a ``serve`` session, on disk for the next process. The stage's result is the
same either way.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Protocol, TypeVar

V = TypeVar("V")


class Recall(Protocol):
    kept: bool
    """Whether values outlive this build (a ``serve`` session): worth keeping what a next build can reuse."""

    def recall(self, name: str, objects: tuple[object, ...], extra: Hashable, make: Callable[[], V]) -> V:
        """``make()``, or what it returned in an earlier build for the same ``objects`` and ``extra``."""
        ...

    def stored(self, kind: str, digest: str, make: Callable[[], V]) -> V:
        """``make()``, or what it returned for a file of this ``digest`` in any earlier build (pickled)."""
        ...


class Once:
    """Every value made, nothing kept: a one-off build, a test."""

    kept = False

    def recall(self, name: str, objects: tuple[object, ...], extra: Hashable, make: Callable[[], V]) -> V:
        return make()

    def stored(self, kind: str, digest: str, make: Callable[[], V]) -> V:
        return make()


ONCE = Once()
