"""RSS 2.0 and Atom feeds, written with feedgen.

Every date comes from content (never the clock) so rebuilding the same content gives the same
bytes, and each entry's guid is its permalink so feed readers never see a change twice. Besides
one entry per controversy, every ``history:`` entry is an entry of its own (guid: the page's
permalink + ``#history-<date>-<n>``), so a subscriber learns that a confidence moved. A feed
carries the newest ``ENTRIES`` of them.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable

from feedgen.feed import FeedGenerator
from markupsafe import escape

from .history import Update, updates
from .link import Links
from .model import Controversy, Site

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ENTRIES = 100
"""Newest entries a feed carries. Readers poll feeds for what is new; carrying the whole record made
``feed.xml`` 2 MB at 1,000 controversies and 21 MB at 10,000, fetched again at every poll. Older
entries stay on ``/updates/``, the pages themselves and ``data/ledger.json``."""


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def entry_html(c: Controversy, site: Site) -> str:
    """The entry body: summary, status and each position with its confidence."""
    items = "".join(
        f"<li><strong>Position {escape(p.id)}</strong> ({escape(p.confidence)} confidence): {escape(p.claim)}</li>"
        for p in c.positions
    )
    summary = f"<p>{escape(c.summary)}</p>" if c.summary else ""
    thread = site.threads[c.thread].title
    return f"{summary}<p>Status: {escape(c.status)}. Thread: {escape(thread)}.</p><ul>{items}</ul>"


def update_html(u: Update, site: Site) -> str:
    """An update's body: what changed, why, and the sources by title."""
    e = u.entry
    parts = [f"<p>{escape(u.headline)}.</p>"] if e.confidence or e.status else []
    if e.change:
        parts.append(f"<p>{escape(e.change)}</p>")
    if e.reason:
        parts.append(f"<p>Why: {escape(e.reason)}</p>")
    if e.sources:
        titles = "; ".join(str(escape(site.sources[s].display)) for s in e.sources)
        parts.append(f"<p>Sources: {titles}</p>")
    return "".join(parts)


def channel_text(text: str, kind: str) -> str:
    """A channel's title or description as text in a feed of ``kind``: RSS readers take both as HTML (feedparser
    does), so markup a contributor typed would reach them live; Atom's are text unless typed otherwise."""
    return html.escape(text, quote=False) if kind == "rss" else text


def _generator(
    site: Site, kind: str, title: str, page_url: str, feed_url: str, description: str, entries: Iterable[Controversy]
) -> FeedGenerator:
    config = site.config
    base = config.base_url.rstrip("/") + "/"
    entries = sorted(entries, key=lambda c: (-c.updated.toordinal(), c.slug))
    changes = updates(entries)
    items: list[tuple[int, int, Controversy | Update]] = [(-c.updated.toordinal(), 0, c) for c in entries]
    items += [(-u.entry.date.first_day.toordinal(), 1 + i, u) for i, u in enumerate(changes)]
    items.sort(key=lambda item: item[:2])
    del items[ENTRIES:]
    latest = _midnight(dt.date.fromordinal(-min(k for k, _, _ in items))) if items else EPOCH

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
    for _, _, item in items:
        entry = fg.add_entry(order="append")
        if isinstance(item, Update):
            url = base + item.path
            day = _midnight(item.entry.date.first_day)
            entry.id(url)
            entry.guid(url, permalink=True)
            entry.title(f"{item.controversy.title} — {item.headline}")
            entry.link(href=url)
            entry.published(day)
            entry.updated(day)
            entry.pubDate(day)
            entry.description(update_html(item, site))
            entry.content(update_html(item, site), type="html")
            continue
        c = item
        url = f"{base}controversies/{c.slug}/"
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(c.title)
        entry.link(href=url)
        entry.published(_midnight(c.opened))
        entry.updated(_midnight(c.updated))
        entry.pubDate(_midnight(c.updated))
        entry.description(entry_html(c, site))
        entry.content(entry_html(c, site), type="html")
    return fg


def site_feed(site: Site, kind: str) -> bytes:
    """``feed.xml`` (``kind="rss"``) or ``atom.xml`` (``kind="atom"``): every controversy and update."""
    config = site.config
    base = config.base_url.rstrip("/") + "/"
    description = config.description or config.tagline
    fg = _generator(
        site, kind, config.title, base, f"{base}{FEED_FILES[kind]}", description, site.controversies.values()
    )
    return fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True)


def thread_feed(site: Site, links: Links, slug: str) -> bytes:
    """``threads/<slug>/feed.xml``: the thread's controversies and their updates."""
    config = site.config
    page = f"{config.base_url.rstrip('/')}/threads/{slug}/"
    thread = site.threads[slug]
    title = f"{thread.title} — {config.title}"
    fg = _generator(site, "rss", title, page, page + "feed.xml", thread.summary, links.thread_controversies[slug])
    return fg.rss_str(pretty=True)


FEED_FILES = {"rss": "feed.xml", "atom": "atom.xml"}
