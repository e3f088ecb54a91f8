"""Likely mistakes in valid content, reported as warnings: they never fail a build unless ``--strict``.

Errors (validate.py) are content the site cannot be built from; warnings are content that builds
but that a reviewer would question: a claim with no source, a source nobody can find, a proponent
nobody cites, a page nobody has looked at in a year, one document under two ids. "Today" is
passed in, so the result never depends on the clock of the machine running the tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import partial
from urllib.parse import urlsplit

from .errors import ContentError
from .load import display_path
from .model import Body, Controversy, Site
from .recall import ONCE, Recall

STALE_AFTER = dt.timedelta(days=365)
"""A controversy whose ``updated`` is older than this is probably out of date (unless dormant)."""

Rule = Callable[[Site, dt.date], Iterator[ContentError]]


def _warning(path: str, line: int, message: str) -> ContentError:
    return ContentError(path, line, message, "warning")


def unsourced_positions(site: Site, today: dt.date) -> Iterator[ContentError]:
    for c in site.controversies.values():
        yield from _unsourced(c, today)


def _unsourced(c: Controversy, today: dt.date) -> Iterator[ContentError]:
    for p in c.positions:
        if not p.sources:
            yield _warning(
                c.path, p.line, f"position {p.id} has no sources: list the ids of sources backing it in 'sources'"
            )


def reasons_off_position(site: Site, today: dt.date) -> Iterator[ContentError]:
    for c in site.controversies.values():
        yield from _reasons_off_position(c, today)


def _reasons_off_position(c: Controversy, today: dt.date) -> Iterator[ContentError]:
    """A ``confidence_reason`` citing a source the position shows nowhere: the reason should rest on the
    evidence on record for the position, or the reader sees a basis the position never claims.

    That evidence is the position's ``sources`` (which back its claim) and the sources of its own
    ``history:`` entries (which explain its moves). The second matters: a study that lowered a
    position's level is the reason for that level, yet listing it among the sources backing the claim
    would tell readers it supports what it disputes.
    """
    for p in c.positions:
        on_record = set(p.sources) | {s for h in c.history if h.position == p.id for s in h.sources}
        for cite in dict.fromkeys(p.confidence_reason.citations):
            if cite.source not in on_record:
                yield _warning(
                    c.path,
                    cite.line,
                    f"position {p.id}'s confidence_reason cites '{cite.source}', which is neither in its "
                    "'sources' nor in one of its history entries: add it where it belongs (to 'sources' if "
                    "it backs the claim), or cite a source on record for the position",
                )


def uncited_paragraphs(site: Site, today: dt.date) -> Iterator[ContentError]:
    for c in site.controversies.values():
        yield from _uncited(c, today)


def _uncited(c: Controversy, today: dt.date) -> Iterator[ContentError]:
    yield from uncited(c.path, c.body)


def uncited_thread_paragraphs(site: Site, today: dt.date) -> Iterator[ContentError]:
    for thread in site.threads.values():
        yield from uncited(thread.path, thread.body)


def uncited(path: str, body: Body) -> Iterator[ContentError]:
    """The citation rule (``citing.py``): what a body states that a reader cannot check."""
    for line in body.uncited:
        yield _warning(
            path,
            line,
            "this paragraph cites no source: add [@source-id] where it states a fact, "
            "or, if it is the Ledger's own synthesis adding no fact, mark it [@editorial]",
        )
    for line in body.uncited_quotes:
        yield _warning(
            path,
            line,
            "quotation with no citation in the same sentence: add [@source-id] before the sentence's "
            'final punctuation or right after it (a title, not words quoted: link it, "[Title](url)")',
        )


def unsourced_history(site: Site, today: dt.date) -> Iterator[ContentError]:
    for c in site.controversies.values():
        yield from _unsourced_history(c, today)


def _unsourced_history(c: Controversy, today: dt.date) -> Iterator[ContentError]:
    for entry in c.history:
        if not entry.sources:
            yield _warning(
                c.path,
                entry.line,
                "history entry has no sources: list the ids of sources that record this change in 'sources'",
            )


def unfindable_sources(site: Site, today: dt.date) -> Iterator[ContentError]:
    path = display_path(site.content_dir, "sources.yaml")
    for source in site.sources.values():
        if not source.url and not source.note:
            yield _warning(
                path,
                source.line,
                f"source '{source.id}' has no 'url' and no 'note': add a link, or a note saying where to find it",
            )


def unused_proponents(site: Site, today: dt.date) -> Iterator[ContentError]:
    used = {slug for c in site.controversies.values() for p in c.positions for slug in p.proponents}
    path = display_path(site.content_dir, "proponents.yaml")
    for proponent in site.proponents.values():
        if proponent.slug not in used:
            yield _warning(
                path,
                proponent.line,
                f"proponent '{proponent.slug}' is not used by any position: add it to a position or remove it",
            )


def stale_controversies(site: Site, today: dt.date) -> Iterator[ContentError]:
    for c in site.controversies.values():
        yield from _stale(c, today)


def _stale(c: Controversy, today: dt.date) -> Iterator[ContentError]:
    if c.status != "dormant" and today - c.updated > STALE_AFTER:
        yield _warning(
            c.path,
            c.line_of("updated"),
            f"not updated since {c.updated.isoformat()}, more than a year before {today.isoformat()}: "
            "review the page and set 'updated', or set 'status: dormant'",
        )


def url_key(url: str) -> str:
    """The part of a URL that names the document: scheme, case of the host, trailing slash and fragment aside."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.port or ''}{path}?{parts.query}"


def duplicate_source_urls(site: Site, today: dt.date) -> Iterator[ContentError]:
    path = display_path(site.content_dir, "sources.yaml")
    first: dict[str, str] = {}
    for source in sorted(site.sources.values(), key=lambda s: (s.line, s.id)):
        if not source.url:
            continue
        key = url_key(source.url)
        if key in first:
            other = site.sources[first[key]]
            yield _warning(
                path,
                source.line,
                f"source '{source.id}' has the same URL as '{other.id}' (line {other.line}): "
                "keep one id and cite it everywhere",
            )
        else:
            first[key] = source.id


RULES: tuple[Rule, ...] = (
    unsourced_positions,
    reasons_off_position,
    uncited_paragraphs,
    uncited_thread_paragraphs,
    unsourced_history,
    unfindable_sources,
    unused_proponents,
    stale_controversies,
    duplicate_source_urls,
)


REGISTRY_RULES = frozenset({unfindable_sources, duplicate_source_urls})
"""Rules judging the sources registry alone (thousands of URLs to compare): recalled by registry."""


CONTROVERSY_RULES = {
    unsourced_positions: _unsourced,
    reasons_off_position: _reasons_off_position,
    uncited_paragraphs: _uncited,
    unsourced_history: _unsourced_history,
    stale_controversies: _stale,
}
"""Rules judging each controversy alone, and how they judge one: recalled by controversy and day."""


def _judged(c: Controversy, today: dt.date) -> tuple[ContentError, ...]:
    return tuple(w for judge in CONTROVERSY_RULES.values() for w in judge(c, today))


def lint(site: Site, today: dt.date, recall: Recall = ONCE) -> list[ContentError]:
    """Every warning for a valid site, sorted by file and line.

    ``recall`` (``serve``'s session) keeps what a rule found for records that are the same objects as in an
    earlier build: a save then judges again only the edited controversy.
    """
    warnings: list[ContentError] = []
    for c in site.controversies.values():
        warnings += recall.recall("controversy warnings", (c,), today, partial(_judged, c, today))
    for rule in RULES:
        if rule in REGISTRY_RULES:
            make = partial(tuple, rule(site, today))
            shown = (rule.__name__, site.content_dir)
            warnings += recall.recall("registry warnings", (site.sources,), shown, make)
        elif rule not in CONTROVERSY_RULES:
            warnings += rule(site, today)
    return sorted(warnings)
