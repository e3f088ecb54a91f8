"""Feeds as a feed reader sees them: parsed with feedparser, one entry per controversy."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from ledger.pipeline import Options, build

from .helpers import make_content


@pytest.fixture(scope="module")
def minimal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feeds")
    out = root / "site"
    build(Options(content=make_content(root / "content"), out=out))
    return out


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_shipped_feeds_parse_cleanly_with_one_entry_per_controversy(shipped_site: Path, name: str) -> None:
    feed = feedparser.parse((shipped_site / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    controversies = sorted(p.name for p in (shipped_site / "controversies").iterdir())
    pages = [e for e in feed.entries if "#" not in e.link]  # the others are history entries (test_history.py)
    assert sorted(e.link.rstrip("/").rsplit("/", 1)[1] for e in pages) == controversies
    assert feed.feed.title == "The Ledger"


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_entries_have_permalink_ids_and_content_dates(minimal_site: Path, name: str) -> None:
    feed = feedparser.parse((minimal_site / name).read_bytes())
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["A Second Question?", "Is the First Question Settled?"]  # newest first
    second, first = feed.entries
    assert second.id == second.link == "https://example.org/controversies/second/"
    updated = first.published_parsed if name == "feed.xml" else first.updated_parsed  # RSS has only pubDate
    assert updated[:3] == (2024, 6, 1)
    assert "Position A" in first.summary and "high confidence" in first.summary
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [f"https://example.org/{name}"]


def test_thread_feed_lists_the_threads_controversies(minimal_site: Path) -> None:
    feed = feedparser.parse((minimal_site / "threads/main-thread/feed.xml").read_bytes())
    assert not feed.bozo
    assert len(feed.entries) == 2
    assert feed.feed.title == "The Main Thread — Test Ledger"


def test_feed_dates_come_from_content_not_the_clock(minimal_site: Path) -> None:
    feed = feedparser.parse((minimal_site / "feed.xml").read_bytes())
    assert feed.feed.updated_parsed[:3] == (2024, 7, 1)
