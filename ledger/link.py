"""Stage 3: resolve the cross-links a reader follows.

Numbers each page's references in reading order (body citations first, then each position's
confidence reason and sources, then each history entry's), records every place that cites a reference (for back-links),
makes See also symmetric and builds the reverse indexes: thread → controversies,
proponent → positions, source → pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from .history import last_change
from .model import Body, Controversy, HistoryEntry, Position, Site, Source
from .numbering import CiteMark, Interned, Numbering, Occurrence, shared
from .recall import ONCE, Recall

__all__ = [  # with the numbering they are made of (``numbering.py``)
    "CiteMark",
    "Citing",
    "Holding",
    "Links",
    "Numbering",
    "Occurrence",
    "PageRefs",
    "Reference",
    "link",
    "number_references",
]


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
    reasons: dict[str, tuple[CiteMark, ...]] = field(default_factory=dict)
    """The citations of each position's ``confidence_reason``."""
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


def number_references(
    site: Site,
    body: Body,
    positions: tuple[Position, ...] = (),
    history: tuple[HistoryEntry, ...] = (),
    interned: Interned | None = None,
) -> PageRefs:
    """Number sources in reading order, deduplicated, with an anchor for every citing place."""
    numbering = Numbering(interned)
    interned = numbering.interned
    numbers, places, mark = numbering.numbers, numbering.places, numbering.mark
    body_marks = numbering.body(body.citations)
    position_marks, reason_marks = {}, {}
    for p in positions:  # in reading order: the reason beside the badge, then the position's list of sources
        label = f"Why {p.id} is {p.confidence}"
        reason_marks[p.id] = shared(interned, tuple(mark(c.source, label) for c in p.confidence_reason.citations))
        position_marks[p.id] = shared(interned, tuple(mark(s, f"Position {p.id}") for s in p.sources))
    history_marks = {}
    for e in history:
        label = f"History, {e.date.display}"
        history_marks[e.anchor] = shared(interned, tuple(mark(s, label) for s in e.sources))
    references = tuple(
        Reference(number, site.sources[source_id], shared(interned, tuple(places[source_id])))
        for source_id, number in numbers.items()
    )
    return PageRefs(references, shared(interned, body_marks), position_marks, reason_marks, history_marks)


def link(site: Site, recall: Recall = ONCE, previous: tuple[Site, Links] | None = None) -> Links:
    """Resolve every cross-reference of a validated site.

    A page's references depend on the page and the sources alone (``recall``: an earlier build's, for the
    same objects). With ``previous``, the site and links of an earlier build (``serve``), when only a few
    controversies are new objects, thread lists, holdings, citations and See also are remade only where a
    changed controversy was or now is.
    """
    controversies = site.controversies
    interned: Interned = {}

    def numbered(record: object, body: Body, *rest: tuple[object, ...]) -> PageRefs:
        make = partial(number_references, site, body, *rest, interned=interned)
        return recall.recall("references", (record, site.sources), None, make)

    refs = {slug: numbered(c, c.body, c.positions, c.history) for slug, c in controversies.items()}
    refs |= {f"thread:{slug}": numbered(t, t.body) for slug, t in site.threads.items()}
    related: dict[str, set[str]] = defaultdict(set)
    for slug, c in controversies.items():
        for other in c.see_also:
            related[slug].add(other)
            related[other].add(slug)
    changed = _changed_since(previous, site)
    if previous is not None and changed is not None:
        return _relink(*previous, site, refs, related, changed)
    return _link_all(site, refs, related)


def _changed_since(last: tuple[Site, Links] | None, site: Site) -> set[str] | None:
    """Slugs of the controversies that are new objects since ``last``; ``None``: link everything again
    (another record set, other registries, or so many changes that relinking all is as quick)."""
    if last is None:
        return None
    old = last[0]
    if old.sources is not site.sources or old.proponents is not site.proponents:
        return None
    if old.threads.keys() != site.threads.keys() or old.controversies.keys() != site.controversies.keys():
        return None
    changed = {slug for slug, c in site.controversies.items() if old.controversies[slug] is not c}
    return changed if len(changed) * 8 <= len(site.controversies) else None


def _by_title(controversies: Iterable[Controversy]) -> tuple[Controversy, ...]:
    return tuple(sorted(controversies, key=lambda c: (c.title, c.slug)))


def _newest_first(controversies: Iterable[Controversy]) -> tuple[Controversy, ...]:
    """By the date of the last recorded change, newest first (not by ``updated``: a review moves it for every page)."""
    return tuple(sorted(controversies, key=lambda c: (*(-k for k in last_change(c).key), c.title, c.slug)))


def _holding_order(holdings: Iterable[Holding]) -> tuple[Holding, ...]:
    """By controversy title, position id, then slug: a total order, so relinking a few gives the same list."""
    return tuple(sorted(holdings, key=lambda h: (h.controversy.title, h.position.id, h.controversy.slug)))


def _citing_order(citing: Iterable[Citing]) -> tuple[Citing, ...]:
    return tuple(sorted(citing, key=lambda c: (c.controversy.title, c.controversy.slug)))


def _link_all(site: Site, refs: dict[str, PageRefs], related: dict[str, set[str]]) -> Links:
    controversies = site.controversies
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
    return Links(
        refs=refs,
        see_also={slug: _by_title(controversies[s] for s in related[slug]) for slug in controversies},
        thread_controversies={slug: _newest_first(by_thread[slug]) for slug in site.threads},
        holdings={slug: _holding_order(holdings[slug]) for slug in site.proponents},
        cited_by={sid: _citing_order(cited_by[sid]) for sid in site.sources},
    )


def _relink(
    old_site: Site,
    old: Links,
    site: Site,
    refs: dict[str, PageRefs],
    related: dict[str, set[str]],
    changed: set[str],
) -> Links:
    """``_link_all``'s result, from ``old`` (the links of ``old_site``): every list a changed controversy was
    or is now in is made again from its other members (the same objects) and the changed ones."""
    controversies = site.controversies
    before = [old_site.controversies[slug] for slug in changed]
    after = [controversies[slug] for slug in changed]

    see_also = dict(old.see_also)
    touched = set(changed).union(*(related[slug] for slug in changed))
    touched |= {other.slug for slug in changed for other in old.see_also[slug]}
    for slug in touched:
        see_also[slug] = _by_title(controversies[s] for s in related[slug])

    thread_controversies = dict(old.thread_controversies)
    for thread in {c.thread for c in (*before, *after)}:
        kept = [c for c in old.thread_controversies[thread] if c.slug not in changed]
        thread_controversies[thread] = _newest_first([*kept, *(c for c in after if c.thread == thread)])

    holdings = dict(old.holdings)
    for proponent in {s for c in (*before, *after) for p in c.positions for s in p.proponents}:
        kept = [h for h in old.holdings[proponent] if h.controversy.slug not in changed]
        new = [Holding(c, p) for c in after for p in c.positions if proponent in p.proponents]
        holdings[proponent] = _holding_order([*kept, *new])

    cited_by = dict(old.cited_by)
    for sid in {r.source.id for slug in changed for r in (*old.refs[slug].references, *refs[slug].references)}:
        kept_citing = [x for x in old.cited_by[sid] if x.controversy.slug not in changed]
        new_citing = [Citing(c, r.number) for c in after for r in refs[c.slug].references if r.source.id == sid]
        cited_by[sid] = _citing_order([*kept_citing, *new_citing])
    return Links(refs, see_also, thread_controversies, holdings, cited_by)
