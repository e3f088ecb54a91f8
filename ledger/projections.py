"""What pages other than its own are given of a controversy: small frozen projections, versioned whole.

A page listing every controversy is given each one's ``Row``, a page's See also section its neighbours'
``Neighbour``, a feed each entry's ``Entry`` (which carries its thread's title): never the controversy
itself. The version a build records for ``Dep.ROW(slug)`` (``NEIGHBOUR``, ``ENTRY``) is the digest of
that very projection (``incremental.versions``), so a page is remade exactly when what it was given changed; a
template reaching for a field its projection lacks fails the build (``StrictUndefined``) instead of
showing a value that goes stale. A projection holds plain values and records that point to no other
record (``Position``, ``HistoryEntry``): everything reachable from it is in its digest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .deps import Dep
from .history import last_change
from .model import Controversy, HistoryEntry, PartialDate, Position, Source, Thread


@dataclass(frozen=True, slots=True)
class Row:
    """A controversy as the pages listing every controversy show it: the index's and a thread's table,
    the proponents' counts, the timeline and the sitemap."""

    slug: str
    title: str
    thread: str
    status: str
    position_count: int
    updated: dt.date
    """The last review (the sitemap's ``lastmod``: the page changes when it is reviewed)."""
    last_change: PartialDate
    """The date of its last recorded change (``history.last_change``): what lists show and sort by."""
    holders: tuple[tuple[str, ...], ...]
    """Each position's proponents (the proponents page counts what each holds)."""


def row(c: Controversy) -> Row:
    holders = tuple(p.proponents for p in c.positions)
    return Row(c.slug, c.title, c.thread, c.status, len(c.positions), c.updated, last_change(c), holders)


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A controversy as its See also neighbours show it."""

    slug: str
    title: str
    see_also: tuple[str, ...]
    """Not shown, but it decides which pages list this one (See also is made symmetric)."""


def neighbour(c: Controversy) -> Neighbour:
    return Neighbour(c.slug, c.title, c.see_also)


@dataclass(frozen=True, slots=True)
class Entry:
    """A controversy as a feed shows it: its entry, and one more per ``history:`` entry."""

    slug: str
    title: str
    summary: str | None
    status: str
    opened: dt.date
    updated: dt.date
    thread_title: str
    positions: tuple[Position, ...]
    history: tuple[HistoryEntry, ...]
    cited: tuple[tuple[str, str, str | None], ...]
    """(id, how it is cited, where its title links) of each source its history entries cite."""

    def source(self, source_id: str) -> tuple[str, str | None]:
        """How source ``source_id`` is cited, and where its title links (``Source.link``)."""
        return next((title, link) for sid, title, link in self.cited if sid == source_id)

    def claim(self, position_id: str) -> str:
        return next(p.claim for p in self.positions if p.id == position_id)


def entry(c: Controversy, thread: Thread, sources: dict[str, Source]) -> Entry:
    cited = dict.fromkeys(s for e in c.history for s in e.sources)
    titles = tuple((s, sources[s].display, sources[s].link) for s in cited)
    return Entry(
        c.slug, c.title, c.summary, c.status, c.opened, c.updated, thread.title, c.positions, c.history, titles
    )


KEYS = {Row: Dep.ROW, Neighbour: Dep.NEIGHBOUR, Entry: Dep.ENTRY}
"""The dependency key of each kind of projection."""


def key(projection: Row | Neighbour | Entry) -> str:
    """The key a file given ``projection`` depends on."""
    return KEYS[type(projection)](projection.slug)
