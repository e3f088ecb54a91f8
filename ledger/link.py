"""Stage 3: resolve the cross-links a reader follows.

Numbers each page's references in reading order (body citations first, then each position's
sources, then each history entry's), records every place that cites a reference (for back-links),
makes See also symmetric and builds the reverse indexes: thread → controversies,
proponent → positions, source → pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from .model import Body, Citation, Controversy, HistoryEntry, Position, Site, Source

H = TypeVar("H", bound=Hashable)
CiteMark = tuple[int, str]
"""(reference number, id of the citing element): what a citation renders as."""


class Occurrence(NamedTuple):
    """One place on a page that cites a reference; References link back to it.

    A named tuple: a large site makes hundreds of thousands, and a frozen dataclass is slower to make.
    """

    anchor: str
    label: str


@dataclass(frozen=True, slots=True)
class Reference:
    """A numbered entry of a page's References list."""

    number: int
    source: Source
    occurrences: tuple[Occurrence, ...]


@dataclass(frozen=True, slots=True)
class PageRefs:
    """A page's numbered references and the mark each of its citations renders as."""

    references: tuple[Reference, ...] = ()
    body: tuple[CiteMark, ...] = ()
    positions: dict[str, tuple[CiteMark, ...]] = field(default_factory=dict)
    history: dict[str, tuple[CiteMark, ...]] = field(default_factory=dict)
    """Keyed by the history entry's anchor."""


@dataclass(frozen=True, slots=True)
class Holding:
    """A position held by a proponent, as listed on the proponent's page."""

    controversy: Controversy
    position: Position


@dataclass(frozen=True, slots=True)
class Citing:
    """A page citing a source, as listed on the bibliography page."""

    controversy: Controversy
    number: int


@dataclass(frozen=True)
class Links:
    """Everything ``render`` needs beyond the ``Site`` itself."""

    refs: dict[str, PageRefs]
    """Keyed by controversy slug, and by ``thread:<slug>`` for thread bodies."""
    see_also: dict[str, tuple[Controversy, ...]]
    thread_controversies: dict[str, tuple[Controversy, ...]]
    holdings: dict[str, tuple[Holding, ...]]
    cited_by: dict[str, tuple[Citing, ...]]


_shared: dict[Hashable, Any] = {}
"""Values of the numbering already made (anchors, marks, lists of places): ``cite-1-1`` and ``(1, "cite-1-1")``
appear on nearly every page; a large site made hundreds of thousands of equal strings and tuples."""
SHARED_MAX = 1_000_000
"""Emptied past this many (``serve`` links again after each edit): it is only a saving, never needed."""


def shared(value: H) -> H:
    """An equal value made before, if there is one, else ``value`` (kept to be shared from now on)."""
    if len(_shared) > SHARED_MAX:
        _shared.clear()
    return _shared.setdefault(value, value)


class Numbering:
    """Numbers sources in reading order, deduplicated, with an anchor for every citing place.

    The body's citations are numbered first, so a body renders the same marks at load time
    (``markdown.parse_body``) as its page's full numbering gives it here.
    """

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.places: dict[str, list[Occurrence]] = {}

    def mark(self, source_id: str, label: str) -> CiteMark:
        places = self.places.get(source_id)
        if places is None:
            self.numbers[source_id] = len(self.numbers) + 1
            places = self.places[source_id] = []
        anchor = f"cite-{self.numbers[source_id]}-{len(places) + 1}"
        places.append(shared(Occurrence(anchor, label)))
        return shared((self.numbers[source_id], anchor))

    def body(self, citations: tuple[Citation, ...]) -> tuple[CiteMark, ...]:
        return tuple(self.mark(c.source, c.section or "Text") for c in citations)


def number_references(
    site: Site, body: Body, positions: tuple[Position, ...] = (), history: tuple[HistoryEntry, ...] = ()
) -> PageRefs:
    """Number sources in reading order, deduplicated, with an anchor for every citing place."""
    numbering = Numbering()
    numbers, places, mark = numbering.numbers, numbering.places, numbering.mark
    body_marks = numbering.body(body.citations)
    position_marks = {p.id: shared(tuple(mark(s, f"Position {p.id}") for s in p.sources)) for p in positions}
    history_marks = {}
    for e in history:
        label = f"History, {e.date.display}"
        history_marks[e.anchor] = shared(tuple(mark(s, label) for s in e.sources))
    references = tuple(
        Reference(number, site.sources[source_id], shared(tuple(places[source_id])))
        for source_id, number in numbers.items()
    )
    return PageRefs(references, shared(body_marks), position_marks, history_marks)


def link(site: Site) -> Links:
    """Resolve every cross-reference of a validated site."""
    controversies = site.controversies
    refs = {slug: number_references(site, c.body, c.positions, c.history) for slug, c in controversies.items()}
    refs |= {f"thread:{slug}": number_references(site, t.body) for slug, t in site.threads.items()}

    related: dict[str, set[str]] = defaultdict(set)
    for slug, c in controversies.items():
        for other in c.see_also:
            related[slug].add(other)
            related[other].add(slug)

    def by_title(items: set[str]) -> tuple[Controversy, ...]:
        return tuple(sorted((controversies[s] for s in items), key=lambda c: (c.title, c.slug)))

    by_thread: dict[str, list[Controversy]] = defaultdict(list)
    holdings: dict[str, list[Holding]] = defaultdict(list)
    cited_by: dict[str, list[Citing]] = defaultdict(list)
    for slug, c in controversies.items():
        by_thread[c.thread].append(c)
        for p in c.positions:
            for proponent in dict.fromkeys(p.proponents):
                holdings[proponent].append(Holding(c, p))
        for reference in refs[slug].references:
            cited_by[reference.source.id].append(Citing(c, reference.number))

    def newest_first(items: list[Controversy]) -> tuple[Controversy, ...]:
        return tuple(sorted(items, key=lambda c: (-c.updated.toordinal(), c.title, c.slug)))

    return Links(
        refs=refs,
        see_also={slug: by_title(related[slug]) for slug in controversies},
        thread_controversies={slug: newest_first(by_thread[slug]) for slug in site.threads},
        holdings={
            slug: tuple(sorted(holdings[slug], key=lambda h: (h.controversy.title, h.position.id)))
            for slug in site.proponents
        },
        cited_by={
            sid: tuple(sorted(cited_by[sid], key=lambda c: (c.controversy.title, c.controversy.slug)))
            for sid in site.sources
        },
    )
