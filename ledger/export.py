"""The record as data: ``data/ledger.json`` and ``data/controversies/<slug>.json``.

The shape is documented in docs/data-format.md and versioned by ``schema_version``: a change
that could break a reader (a field renamed, removed or retyped) bumps it; adding a field does
not. Values are the content's own (slugs, ids, ISO dates of the precision written), so an
analysis can join the files without scraping pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Protocol

import orjson

from .history import confidence_trajectory, position_added
from .link import Links
from .model import Controversy, Event, HistoryEntry, Move, Proponent, Site, Source
from .recall import ONCE, Recall

SCHEMA_VERSION = 1


def _drop_none(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


def _move(move: Move | None) -> dict[str, str] | None:
    return None if move is None else {"from": move.from_, "to": move.to}


def _source(s: Source) -> dict[str, Any]:
    return _drop_none(
        {
            "title": s.title,
            "kind": s.kind,
            "label": s.label,
            "authors": list(s.authors),
            "venue": s.venue,
            "date": s.date.iso if s.date else None,
            "undated": s.undated,
            "url": s.url,
            "archived": s.archived,
            "accessed": s.accessed.isoformat() if s.accessed else None,
            "url_status": s.url_status,
            "note": s.note,
            "reliability": s.reliability,
        }
    )


def _proponent(p: Proponent) -> dict[str, Any]:
    return _drop_none({"name": p.name, "kind": p.kind, "url": p.url, "description": p.description})


def _history(e: HistoryEntry, page_url: str) -> dict[str, Any]:
    return _drop_none(
        {
            "id": e.anchor,
            "url": f"{page_url}#{e.anchor}",
            "date": e.date.iso,
            "change": e.change,
            "position": e.position,
            "confidence": _move(e.confidence),
            "status": _move(e.status),
            "reason": e.reason,
            "sources": list(e.sources),
        }
    )


def _event(e: Event, base: str) -> dict[str, Any]:
    return {
        "id": e.id,
        "url": f"{base}timeline/#{e.anchor}",
        "date": e.date.iso,
        "title": e.title,
        "description": e.description,
        "sources": list(e.sources),
        "controversies": list(e.controversies),
    }


def controversy_record(site: Site, links: Links, c: Controversy, events: tuple[Event, ...]) -> dict[str, Any]:
    """One controversy as data: front matter, body, positions with trajectories, history and events."""
    base = site.config.base_url.rstrip("/") + "/"
    url = f"{base}controversies/{c.slug}/"
    positions = []
    for p in c.positions:
        trajectory = confidence_trajectory(c, p)
        positions.append(
            _drop_none(
                {
                    "id": p.id,
                    "url": f"{url}#{p.anchor}",
                    "claim": p.claim,
                    "confidence": p.confidence,
                    "confidence_reason": p.confidence_reason.text,
                    "crux": p.crux,
                    "proponents": list(p.proponents),
                    "sources": list(p.sources),
                    "added": position_added(c, p).iso,
                    "confidence_history": [{"level": s.level, "since": s.since.iso} for s in trajectory.steps]
                    if trajectory
                    else [{"level": p.confidence, "since": position_added(c, p).iso}],
                }
            )
        )
    return _drop_none(
        {
            "slug": c.slug,
            "url": url,
            "data_url": f"{base}data/controversies/{c.slug}.json",
            "title": c.title,
            "thread": c.thread,
            "kind": c.kind,
            "status": c.status,
            "opened": c.opened.isoformat(),
            "updated": c.updated.isoformat(),
            "summary": c.summary,
            "positions": positions,
            "see_also": [other.slug for other in links.see_also[c.slug]],
            "history": [_history(e, url) for e in c.history],
            "events": [e.id for e in events],
            "references": [r.source.id for r in links.refs[c.slug].references],
            "body_markdown": c.body.text.strip("\n") + "\n",
        }
    )


def _dumps(value: dict[str, Any]) -> bytes:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` in UTF-8, byte for byte, ten times faster (orjson)."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"


def _header(site: Site) -> dict[str, Any]:
    config = site.config
    base = config.base_url.rstrip("/") + "/"
    return {
        "schema_version": SCHEMA_VERSION,
        "site": _drop_none(
            {"title": config.title, "tagline": config.tagline, "url": base, "repo_url": config.repo_url}
        ),
    }


def ledger_file(
    site: Site, links: Links, events_of: dict[str, tuple[Event, ...]], recall: Recall = ONCE
) -> Iterator[bytes]:
    """``data/ledger.json``: the whole record, in pieces written as they come (it grows with the record).

    Each controversy's piece is serialized alone (``_piece``); when ``recall`` keeps values for a next build
    (``serve``), it then serializes only the edited ones (a one-off build keeps none: the pieces would all
    be in memory at once).
    """
    base = site.config.base_url.rstrip("/") + "/"

    def registry(records: object, data: Callable[[Site], dict[str, Any]]) -> dict[str, Any]:
        return recall.recall("registry data", (records,), None, partial(data, site)) if recall.kept else data(site)

    head, tail = _dumps(
        _header(site)
        | {
            "threads": [
                {
                    "slug": t.slug,
                    "url": f"{base}threads/{t.slug}/",
                    "title": t.title,
                    "summary": t.summary,
                    "opened": t.opened.isoformat(),
                    "controversies": [c.slug for c in links.thread_controversies[t.slug]],
                    "body_markdown": t.body.text.strip("\n") + "\n",
                }
                for t in site.threads.values()
            ],
            "controversies": "(the controversies)",
            "events": [_event(e, base) for e in site.events],
            "sources": registry(site.sources, _sources),
            "proponents": registry(site.proponents, _proponents),
        }
    ).split(SPLICE, 1)
    yield head + b'\n  "controversies": '
    yield from _records(site, links, events_of, recall)
    yield tail


SPLICE = b'\n  "controversies": "(the controversies)"'
"""Where the controversies go in ``ledger.json`` once serialized one by one (they are most of it). Unique:
a key two spaces in is a top-level key, and no string value holds a raw newline."""


def _sources(site: Site) -> dict[str, Any]:
    return {sid: _source(s) for sid, s in site.sources.items()}


def _proponents(site: Site) -> dict[str, Any]:
    return {slug: _proponent(p) for slug, p in site.proponents.items()}


def _records(site: Site, links: Links, events_of: dict[str, tuple[Event, ...]], recall: Recall) -> Iterator[bytes]:
    """The ``controversies`` list of ``ledger.json`` in pieces: each record serialized alone, no tree of them all."""
    if not site.controversies:
        yield b"[]"
        return
    yield b"[\n"
    base = site.config.base_url
    for i, c in enumerate(site.controversies.values()):
        events = events_of[c.slug]
        make = partial(_piece, site, links, c, events)
        if recall.kept:  # the record shows the controversy, its references, see-also slugs and events
            see_also = tuple(other.slug for other in links.see_also[c.slug])
            shown = (c, links.refs[c.slug])
            yield (b",\n" if i else b"") + recall.recall("ledger piece", shown, (base, see_also, events), make)
        else:
            yield (b",\n" if i else b"") + make()
    yield b"\n  ]"


def _piece(site: Site, links: Links, c: Controversy, events: tuple[Event, ...]) -> bytes:
    record = orjson.dumps(controversy_record(site, links, c, events), option=orjson.OPT_INDENT_2)
    return b"    " + record.replace(b"\n", b"\n    ")


class Pieces(Protocol):
    """Where a source's record is made once and reused by every file listing it (``fragments.Fragments``)."""

    def piece(self, make: Callable[[Source], dict[str, Any]], source: Source, /) -> dict[str, Any]: ...


def controversy_file(
    site: Site, links: Links, c: Controversy, events: tuple[Event, ...], pieces: Pieces | None = None
) -> bytes:
    """``data/controversies/<slug>.json``: one controversy with everything it refers to.

    ``pieces``: each source's record made once for every file of the build citing it.
    """
    base = site.config.base_url.rstrip("/") + "/"
    record = controversy_record(site, links, c, events)
    source_ids = sorted(set(record["references"]) | {s for e in events for s in e.sources})
    proponent_ids = sorted({s for p in c.positions for s in p.proponents})
    return _dumps(
        _header(site)
        | {
            "controversy": record,
            "events": [_event(e, base) for e in events],
            "sources": {
                sid: pieces.piece(_source, site.sources[sid]) if pieces else _source(site.sources[sid])
                for sid in source_ids
            },
            "proponents": {p: _proponent(site.proponents[p]) for p in proponent_ids},
        }
    )
