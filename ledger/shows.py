"""What each output file shows: the records a ``render.Job`` depends on (``Job.deps``), as ``deps.Dep`` keys.

A file showing a controversy's positions depends on ``Dep.CONTROVERSY`` (and ``Dep.BODY`` if it shows the
body); a file given one of its projections instead (``projections.py``) depends on that projection's key
alone. The site's configuration, templates and engine are everyone's dependency and are not listed.

``serve`` rebuilds after every save: the keys of a page whose records are the very objects of the
previous build are recalled (``recall.py``), not listed again, so listing them costs what the edit touched.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import partial

from .deps import Dep
from .link import Holding, PageRefs
from .model import Controversy, Event
from .projections import Neighbour, key
from .recall import ONCE, Recall

Deps = tuple[str, ...]


def keys(shown: Iterable[str]) -> Deps:
    """A job's dependencies, each key stored once however many jobs name it (a large site has millions).

    A tuple, not a set: a set's hash table is five times the size, and they are only ever scanned.
    """
    return tuple(dict.fromkeys(map(sys.intern, shown)))


def controversy(
    c: Controversy, refs: PageRefs, see_also: tuple[Neighbour, ...], events: tuple[Event, ...]
) -> tuple[Deps, Deps]:
    """The ``deps`` of a controversy's page and of its data file (given its See also neighbours' projections)."""
    slug = c.slug
    shown = {Dep.CONTROVERSY(slug), Dep.BODY(slug), *(Dep.SOURCE(r.source.id) for r in refs.references)}
    shown |= {key(other) for other in see_also} | {Dep.PROPONENT(s) for p in c.positions for s in p.proponents}
    shown |= {Dep.EVENT(e.id) for e in events}
    page = shown | {Dep.THREAD(c.thread), Dep.REVISION(f"controversies/{slug}.md")}
    return keys(page), keys(shown | {Dep.SOURCE(s) for e in events for s in e.sources})


def thread(
    slug: str,
    refs: PageRefs,
    controversies: tuple[Controversy, ...],
    events: tuple[Event, ...],
    recall: Recall = ONCE,
) -> Deps:
    """The ``deps`` of a thread's page, recalled by the lists ``link`` made it (the same objects in ``serve``
    when no controversy in them changed)."""
    made = partial(_thread, slug, refs, controversies, events)
    return recall.recall("thread deps", (refs, controversies), (slug, events), made)


def _thread(slug: str, refs: PageRefs, controversies: tuple[Controversy, ...], events: tuple[Event, ...]) -> Deps:
    shown = {Dep.THREAD(slug), Dep.REVISION(f"threads/{slug}.md"), *(Dep.SOURCE(r.source.id) for r in refs.references)}
    shown |= {Dep.CONTROVERSY(c.slug) for c in controversies} | {Dep.EVENT(e.id) for e in events}
    # the who-holds-what matrix: a row per proponent of a position here
    return keys(shown | {Dep.PROPONENT(s) for c in controversies for p in c.positions for s in p.proponents})


def thread_feed(slug: str, controversies: tuple[Controversy, ...], recall: Recall = ONCE) -> Deps:
    """The ``deps`` of a thread's feed: its channel (the thread) and the entries of its controversies."""
    return recall.recall("thread feed deps", (controversies,), slug, partial(_thread_feed, slug, controversies))


def _thread_feed(slug: str, controversies: tuple[Controversy, ...]) -> Deps:
    return keys([Dep.THREAD(slug), *(Dep.ENTRY(c.slug) for c in controversies)])


def controversy_feed(slug: str) -> Deps:
    """The ``deps`` of a controversy's feed: its ``Entry`` (the channel's title and summary are in it)."""
    return keys([Dep.ENTRY(slug)])


def proponent_feed(slug: str, holdings: tuple[Holding, ...], recall: Recall = ONCE) -> Deps:
    """The ``deps`` of a proponent's feed: its channel (the proponent) and the entries of the controversies held."""
    return recall.recall("proponent feed deps", (holdings,), slug, partial(_proponent_feed, slug, holdings))


def _proponent_feed(slug: str, holdings: tuple[Holding, ...]) -> Deps:
    return keys([Dep.PROPONENT(slug), *(Dep.ENTRY(h.controversy.slug) for h in holdings)])


def proponent(slug: str, holdings: tuple[Holding, ...], recall: Recall = ONCE) -> Deps:
    """The ``deps`` of a proponent's page."""
    return recall.recall("proponent deps", (holdings,), slug, partial(_proponent, slug, holdings))


def _proponent(slug: str, holdings: tuple[Holding, ...]) -> Deps:
    # the position's sources are shown by title
    shown = {Dep.PROPONENT(slug)} | {Dep.CONTROVERSY(h.controversy.slug) for h in holdings}
    return keys(shown | {Dep.SOURCE(s) for h in holdings for s in h.position.sources})
