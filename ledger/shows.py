"""What each output file shows: the records a ``render.Job`` depends on (``Job.deps``).

Keys name records: ``c:<slug>`` (and ``b:<slug>`` if the file shows the body, or only ``r:<slug>``
if it only lists the controversy, ``n:<slug>`` if it only links to it under See also:
``incremental.versions``), ``t:<slug>``, ``p:<slug>``, ``s:<id>``,
``e:<id>``, ``rev:<path>``; ``c:*`` etc. means every record of that kind (and their number). The
site's configuration, templates and engine are everyone's dependency and are not listed.

``serve`` rebuilds after every save: the keys of a page whose records are the very objects of the
previous build are looked up (``memo.py``), not listed again, so listing them costs what the edit touched.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import partial

from .link import Holding, PageRefs
from .memo import Memo
from .model import Controversy, Event

Deps = tuple[str, ...]


def keys(shown: Iterable[str]) -> Deps:
    """A job's dependencies, each key stored once however many jobs name it (a large site has millions).

    A tuple, not a set: a set's hash table is five times the size, and they are only ever scanned.
    """
    return tuple(dict.fromkeys(map(sys.intern, shown)))


_controversies: Memo[tuple[Deps, Deps]] = Memo()
"""What a controversy's page and data file show, by controversy."""
_lists: Memo[Deps] = Memo()
"""What a thread's page and feed and a proponent's page show, by the lists ``link`` made them (the same
objects in ``serve`` when no controversy in them changed)."""


def new_pass() -> None:
    """A build starts: what the previous one looked up is kept for it, the rest forgotten."""
    _controversies.new_pass()
    _lists.new_pass()


def controversy(
    c: Controversy, refs: PageRefs, see_also: tuple[Controversy, ...], events: tuple[Event, ...]
) -> tuple[Deps, Deps]:
    """The ``deps`` of a controversy's page and of its data file."""
    return _controversies.get((c, refs, see_also), events, partial(_controversy, c, refs, see_also, events))


def _controversy(
    c: Controversy, refs: PageRefs, see_also: tuple[Controversy, ...], events: tuple[Event, ...]
) -> tuple[Deps, Deps]:
    slug = c.slug
    shown = {f"c:{slug}", f"b:{slug}", *(f"s:{r.source.id}" for r in refs.references)}
    shown |= {f"n:{other.slug}" for other in see_also} | {f"p:{s}" for p in c.positions for s in p.proponents}
    shown |= {f"e:{e.id}" for e in events}
    page = shown | {f"t:{c.thread}", f"rev:controversies/{slug}.md"}
    return keys(page), keys(shown | {f"s:{s}" for e in events for s in e.sources})


def thread(slug: str, refs: PageRefs, controversies: tuple[Controversy, ...], events: tuple[Event, ...]) -> Deps:
    """The ``deps`` of a thread's page."""
    return _lists.get(
        (refs, controversies), ("thread", slug, events), partial(_thread, slug, refs, controversies, events)
    )


def _thread(slug: str, refs: PageRefs, controversies: tuple[Controversy, ...], events: tuple[Event, ...]) -> Deps:
    shown = {f"t:{slug}", f"rev:threads/{slug}.md", *(f"s:{r.source.id}" for r in refs.references)}
    shown |= {f"c:{c.slug}" for c in controversies} | {f"e:{e.id}" for e in events}
    # the who-holds-what matrix: a row per proponent of a position here
    return keys(shown | {f"p:{s}" for c in controversies for p in c.positions for s in p.proponents})


def thread_feed(slug: str, controversies: tuple[Controversy, ...]) -> Deps:
    """The ``deps`` of a thread's feed."""
    return _lists.get((controversies,), ("feed", slug), partial(_thread_feed, slug, controversies))


def _thread_feed(slug: str, controversies: tuple[Controversy, ...]) -> Deps:
    history_sources = {f"s:{s}" for c in controversies for e in c.history for s in e.sources}
    return keys({f"t:{slug}", *(f"c:{c.slug}" for c in controversies), *history_sources})


def proponent(slug: str, holdings: tuple[Holding, ...]) -> Deps:
    """The ``deps`` of a proponent's page."""
    return _lists.get((holdings,), ("proponent", slug), partial(_proponent, slug, holdings))


def _proponent(slug: str, holdings: tuple[Holding, ...]) -> Deps:
    # the position's sources are shown by title
    shown = {f"p:{slug}"} | {f"c:{h.controversy.slug}" for h in holdings}
    return keys(shown | {f"s:{s}" for h in holdings for s in h.position.sources})
