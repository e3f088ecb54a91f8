"""Feeds as a feed reader sees them: parsed with feedparser, one entry per controversy."""

from __future__ import annotations

import html
import sys
from pathlib import Path

import feedparser
import pytest
import yaml

from ledger.pipeline import Options, build

from .helpers import MINIMAL, PROJECT, make_content

sys.path.insert(0, str(PROJECT / "benchmarks"))
from make_corpus import write_corpus


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


def test_a_feed_carries_the_newest_hundred_entries(tmp_path: Path) -> None:
    """Readers poll for what is new: a large record must not make a feed of megabytes."""
    write_corpus(120, tmp_path / "content")  # 120 controversies in 6 threads, no history entries
    build(Options(content=tmp_path / "content", out=tmp_path / "site", search=False))
    updated = {}
    for page in (tmp_path / "content" / "controversies").glob("*.md"):
        updated[page.stem] = yaml.safe_load(page.read_text(encoding="utf-8").split("---")[1])["updated"]
    newest = sorted(updated, key=lambda slug: (-updated[slug].toordinal(), slug))
    feed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.link.rstrip("/").rsplit("/", 1)[1] for e in feed.entries] == newest[:100]
    atom = feedparser.parse((tmp_path / "site" / "atom.xml").read_bytes())
    assert [e.link for e in atom.entries] == [e.link for e in feed.entries]
    thread = feedparser.parse((tmp_path / "site" / "threads" / "thread-0000" / "feed.xml").read_bytes())
    assert len(thread.entries) == 20  # under the limit: all of the thread's
    assert all((tmp_path / "site" / "controversies" / slug / "index.html").is_file() for slug in newest[100:])


MARKUP = "Scale <b>&</b> <script>alert(1)</script> data"


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml", "threads/main-thread/feed.xml"])
def test_a_feeds_channel_title_and_description_reach_readers_as_text(tmp_path: Path, name: str) -> None:
    """Markup typed in a thread's or the site's title or summary is shown as typed, never run as HTML."""
    thread = (MINIMAL / "threads" / "main-thread.md").read_text(encoding="utf-8")
    thread = thread.replace("title: The Main Thread", f"title: '{MARKUP}'")
    thread = thread.replace("summary: A thread for tests.", f"summary: '{MARKUP}'")
    site_yaml = (MINIMAL / "site.yaml").read_text(encoding="utf-8") + f"description: '{MARKUP}'\n"
    content = make_content(tmp_path / "content", files={"threads/main-thread.md": thread, "site.yaml": site_yaml})
    build(Options(content=content, out=tmp_path / "site", search=False))
    feed = feedparser.parse((tmp_path / "site" / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    title = MARKUP + " — Test Ledger" if name.startswith("threads/") else "Test Ledger"
    for detail, typed in ((feed.feed.title_detail, title), (feed.feed.subtitle_detail, MARKUP)):
        shown = html.unescape(detail.value) if detail.type == "text/html" else detail.value
        assert shown == typed, (detail.type, detail.value)
