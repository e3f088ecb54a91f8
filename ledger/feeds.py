"""RSS 2.0 and Atom feeds: feedgen's, byte for byte; RSS written as text (``_rss``), each controversy's item once per
build, and feedgen (``_generator``) the reference it is tested against, which also writes Atom.

Every date comes from content (never the clock) so rebuilding the same content gives the same
bytes, and each entry's guid is its permalink so feed readers never see a change twice. Besides
one entry per controversy, every ``history:`` entry is an entry of its own (guid: the page's
permalink + ``#history-<date>-<n>``), so a subscriber learns that a confidence moved. A feed
carries the newest ``ENTRIES`` of them. An entry is written from its controversy's
``projections.Entry`` alone (its thread's title and its sources' titles included): that is what a
feed depends on (``Dep.ENTRY``), and a field the projection lacks is an error, not a stale value.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import NamedTuple

from feedgen.feed import FeedGenerator
from markupsafe import escape

from . import projections
from .fragments import Fragments
from .history import Update, updates, what_moved
from .link import Links
from .model import Controversy, HistoryEntry, Site, Source, Thread
from .projections import Entry

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ENTRIES = 100
"""Newest entries a feed carries. Readers poll feeds for what is new; a feed carrying the whole record
grows with it and is fetched again, whole, at every poll. Older entries stay on ``/updates/``, the
pages themselves and ``data/ledger.json``."""


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def entry_html(e: Entry) -> str:
    """The entry body: summary, status and each position with its confidence."""
    items = "".join(
        f"<li><strong>Position {escape(p.id)}</strong> ({escape(p.confidence)} confidence): {escape(p.claim)}</li>"
        for p in e.positions
    )
    summary = f"<p>{escape(e.summary)}</p>" if e.summary else ""
    return f"{summary}<p>Status: {escape(e.status)}. Thread: {escape(e.thread_title)}.</p><ul>{items}</ul>"


def entry_title(of: Entry, change: HistoryEntry | None = None) -> str:
    """An entry's title in every feed: the controversy's title, or a change in a few words before it
    ("Position B: low → medium — <title>", ``history.what_moved``); a free-text change is "Update — <title>",
    its sentence in the summary."""
    return of.title if change is None else f"{what_moved(of.history, change)} — {of.title}"


def _source_html(title: str, link: str | None) -> str:
    return f'<a href="{escape(link)}">{escape(title)}</a>' if link else str(escape(title))


def update_html(u: Update, of: Entry) -> str:
    """An update's body: the position's claim, what changed, why, and each source linked by its title
    (``of``: its controversy's entry)."""
    e = u.entry
    parts = []
    if e.position is not None:
        parts.append(f"<p><strong>Position {escape(e.position)}</strong>: {escape(of.claim(e.position))}</p>")
    if e.confidence is not None:
        parts.append(f"<p>Confidence: {escape(e.confidence.from_)} → {escape(e.confidence.to)}.</p>")
    if e.status is not None:
        parts.append(f"<p>Status: {escape(e.status.from_)} → {escape(e.status.to)}.</p>")
    if e.change:
        parts.append(f"<p>{escape(e.change)}</p>")
    if e.reason:
        parts.append(f"<p>Why: {escape(e.reason)}</p>")
    if e.sources:
        parts.append("<p>Sources: " + "; ".join(_source_html(*of.source(s)) for s in e.sources) + "</p>")
    return "".join(parts)


def channel_text(text: str, kind: str) -> str:
    """A channel's title or description as text in a feed of ``kind``: RSS readers take both as HTML (feedparser
    does), so markup a contributor typed would reach them live; Atom's are text unless typed otherwise."""
    return html.escape(text, quote=False) if kind == "rss" else text


class Projected(NamedTuple):
    """A controversy as every feed shows it: the same in each listing it (a dozen, in a large record)."""

    entry: Entry
    html: str
    item: str | None
    """Its RSS ``<item>``, as ``_rss`` joins it (``None``: text XML cannot hold, which feedgen then refuses)."""


def _projected(c: Controversy, thread: Thread, sources: Mapping[str, Source], base: str) -> Projected:
    entry = projections.entry(c, thread, sources)
    text = entry_html(entry)
    url = f"{base}controversies/{c.slug}/"
    item = _rss_item(entry_title(entry), url, text, _midnight(entry.updated))
    return Projected(entry, text, item if _writable(item) else None)


Item = Controversy | Update


def _selected(shown: Iterable[Controversy]) -> tuple[list[Item], dt.datetime]:
    """The newest ``ENTRIES`` of ``shown`` and their history, newest first, and the date of the newest."""
    entries = sorted(shown, key=lambda c: (-c.updated.toordinal(), c.slug))
    changes = updates(entries)
    items: list[tuple[int, int, Item]] = [(-c.updated.toordinal(), 0, c) for c in entries]
    items += [(-u.entry.date.first_day.toordinal(), 1 + i, u) for i, u in enumerate(changes)]
    items.sort(key=lambda item: item[:2])
    del items[ENTRIES:]
    latest = _midnight(dt.date.fromordinal(-min(k for k, _, _ in items))) if items else EPOCH
    return [item for _, _, item in items], latest


def _generator(
    site: Site,
    kind: str,
    title: str,
    page_url: str,
    feed_url: str,
    description: str,
    shown: Iterable[Controversy],
    pieces: Fragments | None = None,
) -> FeedGenerator:
    """A feed of the newest ``ENTRIES`` of ``shown`` and their history, each written from its ``Entry`` alone.

    The newest are chosen by dates every entry holds, so a feed depends on the entries of all of ``shown``.
    ``pieces``: keeps each controversy's entry for the other feeds of the build listing it (``fragments.py``).
    """
    config = site.config
    base = config.base_url.rstrip("/") + "/"
    items, latest = _selected(shown)

    fg = FeedGenerator()
    fg.id(page_url)
    fg.title(channel_text(title, kind))
    fg.subtitle(channel_text(description, kind))
    fg.link(href=feed_url, rel="self")
    fg.link(href=page_url, rel="alternate")  # last: feedgen uses the last link as RSS's <link>
    fg.language(config.language)
    fg.updated(latest)
    fg.lastBuildDate(latest)
    fg.generator("The Ledger")
    projected_of = _projector(site, pieces)

    def entry_of(c: Controversy) -> Entry:
        return projected_of(c).entry

    for item in items:
        entry = fg.add_entry(order="append")
        if isinstance(item, Update):
            of = entry_of(item.controversy)
            url = base + item.path
            day = _midnight(item.entry.date.first_day)
            entry.id(url)
            entry.guid(url, permalink=True)
            entry.title(entry_title(of, item.entry))
            entry.link(href=url)
            entry.published(day)
            entry.updated(day)
            entry.pubDate(day)
            text = update_html(item, of)
            entry.description(text)
            entry.content(text, type="html")
            continue
        c, text, _ = projected_of(item)
        url = f"{base}controversies/{c.slug}/"
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(entry_title(c))
        entry.link(href=url)
        entry.published(_midnight(c.opened))
        entry.updated(_midnight(c.updated))
        entry.pubDate(_midnight(c.updated))
        entry.description(text)
        entry.content(text, type="html")
    return fg


def _projector(site: Site, pieces: Fragments | None) -> Callable[[Controversy], Projected]:
    """A controversy's ``Projected``, made once per feed, and once per build with ``pieces`` (``fragments.py``)."""
    base = site.config.base_url.rstrip("/") + "/"
    projected: dict[str, Projected] = {}

    def projected_of(c: Controversy) -> Projected:
        if (found := projected.get(c.slug)) is None:
            record = (c, site.threads[c.thread], site.sources, base)
            found = projected[c.slug] = pieces.piece(_projected, *record) if pieces else _projected(*record)
        return found

    return projected_of


# RSS written directly: feedgen's bytes (``_generator``), without building and serialising a tree for each feed

RSS_HEAD = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<rss xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' version="2.0">\n  <channel>\n'
)
_DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What XML cannot hold (lxml refuses it: then feedgen is asked, and says so)."""
_NOT_XML_ASCII = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _writable(text: str) -> bool:
    """Whether XML can hold ``text`` (the whole class is slow to search: ASCII text is searched for its part)."""
    return (_NOT_XML_ASCII if text.isascii() else _NOT_XML).search(text) is None


def _xml(text: str) -> str:
    """``text`` as lxml writes an element's text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _xml_attribute(text: str) -> str:
    """``text`` as lxml writes an attribute's value."""
    return _xml(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _rfc2822(moment: dt.datetime) -> str:
    """feedgen's ``formatRFC2822`` of a moment in UTC (``%a, %d %b %Y %H:%M:%S %z`` in the C locale)."""
    return (
        f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment.year} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} +0000"
    )


def _rss_item(title: str, url: str, text: str, day: dt.datetime) -> str:
    link, body = _xml(url), _xml(text)
    return (
        f"    <item>\n      <title>{_xml(title)}</title>\n      <link>{link}</link>\n"
        f"      <description>{body}</description>\n      <content:encoded>{body}</content:encoded>\n"
        f'      <guid isPermaLink="true">{link}</guid>\n      <pubDate>{_rfc2822(day)}</pubDate>\n    </item>\n'
    )


def _rss(
    site: Site,
    title: str,
    page_url: str,
    feed_url: str,
    description: str,
    shown: Iterable[Controversy],
    pieces: Fragments | None,
) -> bytes:
    """An RSS feed: its channel, and its items joined (a controversy's made once per build with ``pieces``).

    Byte for byte what ``_generator`` makes with feedgen (``tests/test_feeds.py`` compares them), which is
    asked instead for what it would refuse (an empty title, text XML cannot hold) so that it says why.
    """
    config = site.config
    reference = partial(_generator, site, "rss", title, page_url, feed_url, description, shown, pieces)
    title, description = channel_text(title, "rss"), channel_text(description, "rss")
    if not (title and page_url and description and config.language):
        return reference().rss_str(pretty=True)
    items, latest = _selected(shown)
    base = config.base_url.rstrip("/") + "/"
    projected_of = _projector(site, pieces)
    parts = [
        RSS_HEAD,
        f"    <title>{_xml(title)}</title>\n    <link>{_xml(page_url)}</link>\n",
        f"    <description>{_xml(description)}</description>\n",
        f'    <atom:link href="{_xml_attribute(feed_url)}" rel="self"/>\n',
        "    <docs>http://www.rssboard.org/rss-specification</docs>\n    <generator>The Ledger</generator>\n",
        f"    <language>{_xml(config.language)}</language>\n    <lastBuildDate>{_rfc2822(latest)}</lastBuildDate>\n",
    ]
    writable = _writable("".join(parts))
    for item in items:
        if isinstance(item, Update):
            of = projected_of(item.controversy).entry
            day = _midnight(item.entry.date.first_day)
            text: str | None = _rss_item(entry_title(of, item.entry), base + item.path, update_html(item, of), day)
            writable = writable and _writable(text)
        else:
            text = projected_of(item).item
        if text is None or not writable:
            return reference().rss_str(pretty=True)
        parts.append(text)
    parts.append("  </channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")


def site_feed(site: Site, kind: str, pieces: Fragments | None = None) -> bytes:
    """``feed.xml`` (``kind="rss"``) or ``atom.xml`` (``kind="atom"``): every controversy and update."""
    config = site.config
    base = config.base_url.rstrip("/") + "/"
    description = config.description or config.tagline
    every = site.controversies.values()
    if kind == "rss":
        return _rss(site, config.title, base, f"{base}{FEED_FILES[kind]}", description, every, pieces)
    return _generator(site, kind, config.title, base, f"{base}{FEED_FILES[kind]}", description, every).atom_str(
        pretty=True
    )


def thread_feed(site: Site, links: Links, slug: str, pieces: Fragments | None = None) -> bytes:
    """``threads/<slug>/feed.xml``: the thread's controversies and their updates."""
    config = site.config
    page = f"{config.base_url.rstrip('/')}/threads/{slug}/"
    thread = site.threads[slug]
    title = f"{thread.title} — {config.title}"
    shown = links.thread_controversies[slug]
    return _rss(site, title, page, page + "feed.xml", thread.summary, shown, pieces)


def controversy_feed(site: Site, slug: str, pieces: Fragments | None = None) -> bytes:
    """``controversies/<slug>/feed.xml``: the controversy and each of its history changes, with the guids the
    site feed gives them (a reader subscribed to both sees each change once). Channel from its ``Entry`` only."""
    config = site.config
    c = site.controversies[slug]
    shown = projections.entry(c, site.threads[c.thread], site.sources)
    page = f"{config.base_url.rstrip('/')}/controversies/{slug}/"
    description = shown.summary or f"Changes on the record of {shown.title}."
    return _rss(site, f"{shown.title} — {config.title}", page, page + "feed.xml", description, [c], pieces)


def proponent_feed(site: Site, links: Links, slug: str, pieces: Fragments | None = None) -> bytes:
    """``proponents/<slug>/feed.xml``: the controversies in which the proponent holds a position, and their changes."""
    config = site.config
    proponent = site.proponents[slug]
    held = {h.controversy.slug: h.controversy for h in links.holdings[slug]}.values()  # by slug: hashing a
    # controversy hashes every field of it, positions and history included
    page = f"{config.base_url.rstrip('/')}/proponents/{slug}/"
    title = f"{proponent.name} — {config.title}"
    description = f"Changes to the controversies in which {proponent.name} holds a position."
    return _rss(site, title, page, page + "feed.xml", description, held, pieces)


FEED_FILES = {"rss": "feed.xml", "atom": "atom.xml"}
