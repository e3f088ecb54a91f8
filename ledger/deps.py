"""The keys of what an output file shows (``render.Job.deps``), and of the versions a build records of them.

One member per kind of record, or per projection of a controversy that other pages are given instead of
the controversy itself (``projections.py``); ``Dep.ROW("x")`` is the key of controversy ``x``'s row and
``Dep.ROW.every`` stands for every row (and their number). Keys are plain strings, stored as they are in
the snapshot; ``shows.keys`` interns those of a job (a large site's files name millions of them).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Dep(StrEnum):
    BODY = "b"
    """A controversy's whole file: only its own page and data show the body's prose."""
    CONTROVERSY = "c"
    """A controversy without its body's prose (its citations kept): what pages naming its positions show."""
    ROW = "r"
    """A controversy's ``projections.Row``: what pages listing every controversy show of it."""
    NEIGHBOUR = "n"
    """A controversy's ``projections.Neighbour``: what its See also neighbours show of it."""
    QUOTED = "q"
    """What a controversy's body says where it cites a source: the sources page quotes those sentences."""
    ENTRY = "f"
    """A controversy's ``projections.Entry``: what a feed shows of it and its history."""
    THREAD = "t"
    PROPONENT = "p"
    SOURCE = "s"
    EVENT = "e"
    REVISION = "rev"
    """A content file's last git change (by path under content/)."""

    def __call__(self, name: str) -> str:
        """The key of the record (or projection) ``name`` of this kind."""
        return self._prefix + name  # tens of thousands per build: no format(), no enum ``value`` lookup

    @property
    def every(self) -> str:
        """The key standing for every record of this kind: a file listing them all, however many."""
        return self._prefix + "*"

    _prefix: str


for _dep in Dep:
    _dep._prefix = _dep.value + ":"


def every_of(key: str) -> str:
    """``Dep.X.every`` for a key of kind X."""
    return key.split(":", 1)[0] + ":*"


def changed(old: Mapping[str, str], new: Mapping[str, str]) -> set[str]:
    """Records added, removed or edited between two builds' versions, plus ``<kind>:*`` for each kind with any such
    record: a file none of whose keys is in it shows what it showed then."""
    keys = {k for k, version in new.items() if old.get(k) != version}
    keys.update(k for k in old if k not in new)
    return keys | {every_of(k) for k in keys}
