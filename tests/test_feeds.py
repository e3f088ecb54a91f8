"""Feeds as a feed reader sees them: parsed with feedparser, one entry per controversy."""

from __future__ import annotations

import html
import posixpath
import sys
from pathlib import Path

import feedparser
import lxml.html
import pytest
import yaml

from ledger import feeds
from ledger.link import link
from ledger.pages import jobs
from ledger.pipeline import Options, build
from ledger.plan import check
from ledger.render import file_bytes

from .helpers import FIXTURES, MINIMAL, PROJECT, make_content, text
from .helpers import html as html_of
from .safety import PAYLOADS, hostile_content

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


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal content with a history of five changes on ``first`` and a second thread."""
    root = tmp_path_factory.mktemp("recorded-feeds")
    build(Options(content=make_content(root / "content", overlay=FIXTURES / "recorded"), out=root / "site"))
    return root / "site"


def parsed(site: Path, name: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse((site / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


FIRST = "https://example.org/controversies/first/"
FIRST_CHANGES = [FIRST + "#history-" + a for a in ("2024-06-01-1", "2024-03-15-1", "2024-03-15-2", "2024-02-1")]


def test_a_controversys_feed_has_an_entry_per_change_with_the_site_feeds_guids(recorded: Path) -> None:
    feed = parsed(recorded, "controversies/first/feed.xml")
    assert feed.feed.title == "Is the First Question Settled? — Test Ledger"
    assert feed.feed.subtitle == "The first test controversy."
    assert feed.feed.link == FIRST
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [FIRST + "feed.xml"]
    ids = [e.id for e in feed.entries]
    assert set(ids) == {FIRST, *FIRST_CHANGES, FIRST + "#history-2024-01-01-1"}
    assert all(e.link == e.id for e in feed.entries)
    site = {e.id: e for e in parsed(recorded, "feed.xml").entries}
    for e in feed.entries:  # a reader subscribed to both sees each change once, alike
        assert (e.title, e.published_parsed) == (site[e.id].title, site[e.id].published_parsed)
    moved = next(e for e in feed.entries if e.id == FIRST + "#history-2024-06-01-1")
    assert "Position A" in moved.title and "A fourth note settled it." in moved.summary
    assert moved.published_parsed[:3] == (2024, 6, 1)
    assert (
        parsed(recorded, "controversies/second/feed.xml").entries[0].id == "https://example.org/controversies/second/"
    )


def test_a_proponents_feed_carries_the_changes_of_the_controversies_they_hold_a_position_in(recorded: Path) -> None:
    alice = parsed(recorded, "proponents/alice/feed.xml")
    assert alice.feed.title == "Alice Example — Test Ledger"
    assert [link.href for link in alice.feed.links if link.rel == "self"] == [
        "https://example.org/proponents/alice/feed.xml"
    ]
    assert {e.id for e in alice.entries} == {FIRST, *FIRST_CHANGES, FIRST + "#history-2024-01-01-1"}
    big_lab = parsed(recorded, "proponents/big-lab/feed.xml")
    assert {e.id for e in big_lab.entries} == {e.id for e in alice.entries} | {
        "https://example.org/controversies/second/"
    }
    assert [e.published_parsed[:3] for e in big_lab.entries][:2] == [(2024, 7, 1), (2024, 6, 1)]  # newest first


def test_per_page_feed_guids_and_bytes_are_stable_across_builds(recorded: Path, tmp_path: Path) -> None:
    build(Options(content=make_content(tmp_path / "content", overlay=FIXTURES / "recorded"), out=tmp_path / "site"))
    for name in ("controversies/first/feed.xml", "proponents/big-lab/feed.xml"):
        assert [e.id for e in parsed(tmp_path / "site", name).entries] == [e.id for e in parsed(recorded, name).entries]
        assert (tmp_path / "site" / name).read_bytes() == (recorded / name).read_bytes()


@pytest.mark.parametrize(
    ("page", "feed"),
    [("controversies/first/", "controversies/first/feed.xml"), ("proponents/alice/", "proponents/alice/feed.xml")],
)
def test_a_controversy_or_proponent_page_links_its_feed_in_the_head_and_visibly(
    recorded: Path, page: str, feed: str
) -> None:
    tree = html_of(recorded / page / "index.html")

    def target(href: str) -> str:
        return posixpath.normpath(posixpath.join(page, href))

    (alternate,) = [e for e in tree.xpath("//head/link[@rel='alternate']") if target(e.get("href")) == feed]
    assert alternate.get("type") == "application/rss+xml"
    (visible,) = [a for a in tree.xpath("//main//a[@href]") if target(a.get("href")) == feed]
    assert "RSS" in text(visible)
    assert (recorded / feed).is_file()


def test_a_controversy_feeds_channel_shows_a_title_with_markup_as_text(tmp_path: Path) -> None:
    first = (MINIMAL / "controversies" / "first.md").read_text(encoding="utf-8")
    first = first.replace("title: Is the First Question Settled?", f"title: '{MARKUP}'")
    first = first.replace("summary: The first test controversy.", f"summary: '{MARKUP}'")
    content = make_content(tmp_path / "content", files={"controversies/first.md": first})
    build(Options(content=content, out=tmp_path / "site", search=False))
    feed = parsed(tmp_path / "site", "controversies/first/feed.xml")
    for detail, typed in ((feed.feed.title_detail, MARKUP + " — Test Ledger"), (feed.feed.subtitle_detail, MARKUP)):
        shown = html.unescape(detail.value) if detail.type == "text/html" else detail.value
        assert shown == typed, (detail.type, detail.value)


FIRST_TITLES = {
    "#history-2024-01-01-1": "Update — Is the First Question Settled?",
    "#history-2024-02-1": "Position A: low → medium — Is the First Question Settled?",
    "#history-2024-03-15-1": "Position C added — Is the First Question Settled?",
    "#history-2024-03-15-2": "Status: leaning → contested — Is the First Question Settled?",
    "#history-2024-06-01-1": "Position A: medium → high — Is the First Question Settled?",
}


@pytest.mark.parametrize(
    "name",
    [
        "feed.xml",
        "atom.xml",
        "threads/main-thread/feed.xml",
        "controversies/first/feed.xml",
        "proponents/alice/feed.xml",
    ],
)
def test_every_feed_titles_a_change_in_a_few_words_before_its_controversy(recorded: Path, name: str) -> None:
    changes = {e.id.removeprefix(FIRST): e for e in parsed(recorded, name).entries if e.id.startswith(FIRST + "#")}
    assert {anchor: e.title for anchor, e in changes.items()} == FIRST_TITLES
    opened = changes["#history-2024-01-01-1"]
    assert "Opened with positions A and B." in opened.summary  # the free-text sentence: in the summary only


def test_a_change_summary_states_the_claim_and_the_reason_and_links_each_source(recorded: Path) -> None:
    entries = {e.id: e for e in parsed(recorded, "controversies/first/feed.xml").entries}
    moved = lxml.html.fragment_fromstring(entries[FIRST + "#history-2024-02-1"].summary, create_parent="div")
    shown = moved.text_content()
    assert "Position A: Yes, it is." in shown and "Confidence: low → medium." in shown
    assert "Why: A second post agreed." in shown
    assert [(a.text_content(), a.get("href")) for a in moved.iter("a")] == [
        ("A Second Post", "https://archive.ph/AbCdE")
    ]
    added = entries[FIRST + "#history-2024-03-15-1"].summary
    assert "Position C</strong>: It depends." in added


def test_a_source_title_with_markup_is_linked_as_text(tmp_path: Path) -> None:
    sources = (
        (MINIMAL / "sources.yaml").read_text(encoding="utf-8").replace("title: A Second Post", f"title: '{MARKUP}'")
    )
    first = (MINIMAL / "controversies" / "first.md").read_text(encoding="utf-8")
    first = first.replace(
        "see_also:", "history:\n  - date: 2024-05-01\n    change: A post.\n    sources: [post-two]\nsee_also:"
    )
    files = {"sources.yaml": sources, "controversies/first.md": first}
    build(Options(content=make_content(tmp_path / "content", files=files), out=tmp_path / "site", search=False))
    (change,) = [e for e in parsed(tmp_path / "site", "controversies/first/feed.xml").entries if "#" in e.id]
    (link,) = lxml.html.fragment_fromstring(change.summary, create_parent="div").iter("a")
    assert (link.text_content(), link.get("href")) == (MARKUP, "https://example.org/post")
    assert "<script" not in change.summary


def test_the_feeds_page_explains_subscribing_and_lists_every_feed(recorded: Path) -> None:
    page = html_of(recorded / "feeds/index.html")
    assert "feed reader" in text(page.xpath("//main")[0])
    linked = {posixpath.normpath(posixpath.join("feeds/", a.get("href"))) for a in page.xpath("//main//a[@href]")}
    feeds = {p.relative_to(recorded).as_posix() for p in recorded.rglob("*.xml") if p.name != "sitemap.xml"}
    assert "proponents/big-lab/feed.xml" in feeds and "controversies/second/feed.xml" in feeds
    assert feeds <= linked
    for name in ("controversies/first/index.html", "feeds/index.html"):  # the header's RSS opens the page
        (rss,) = html_of(recorded / name).xpath("//header//a[text()='RSS']")
        assert posixpath.normpath(posixpath.join(posixpath.dirname(name), rss.get("href"))) == "feeds"


def test_the_footer_and_the_updates_page_send_readers_to_the_feeds_page_not_to_raw_xml(recorded: Path) -> None:
    def targets(name: str, where: str) -> set[str]:
        hrefs = html_of(recorded / name).xpath(f"{where}//a/@href")
        return {posixpath.normpath(posixpath.join(posixpath.dirname(name), h)) for h in hrefs}

    for name in ("index.html", "controversies/first/index.html", "updates/index.html"):
        footer = targets(name, "//footer[@class='site-footer']")
        assert "feeds" in footer and not {t for t in footer if t.endswith(".xml")}, (name, footer)
    lede = targets("updates/index.html", "//main//p[@class='lede']")
    assert lede == {"feeds"}


def test_each_pages_own_feed_link_says_how_to_subscribe(recorded: Path) -> None:
    """A page's own feed link stays the feed's address (to copy into a reader), with the feeds page's help beside it:
    followed in a browser, the bare XML means nothing to a reader who has never used a feed reader."""
    pages = ("threads/main-thread/index.html", "controversies/first/index.html", "proponents/big-lab/index.html")
    for name in pages:
        page = html_of(recorded / name)
        (feed,) = page.xpath("//main//a[contains(@href, 'feed.xml')]")
        help_link = feed.getnext()
        assert help_link is not None and text(help_link) == "how to subscribe", name
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), help_link.get("href")))
        assert target == "feeds/#how", name
    assert html_of(recorded / "feeds/index.html").xpath("//h2[@id='how']")


def rss_files_both_ways(content: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Every RSS feed of ``content`` as the build writes it equals feedgen's (``feeds._generator``); how many."""
    site, _ = check(Options(content=content))
    listed = jobs(site, link(site), PROJECT / "templates")
    rss = {file: job for file, job in listed.items() if file.endswith("feed.xml")}
    written = {file: file_bytes(job.make()) for file, job in rss.items()}
    with monkeypatch.context() as patched:
        patched.setattr(feeds, "_writable", lambda text: False)  # every feed handed to feedgen instead
        for file, job in rss.items():
            assert file_bytes(job.make()) == written[file], file
    return len(rss)


@pytest.mark.parametrize("corpus", ["shipped", "synthetic"])
def test_rss_written_directly_is_feedgens_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus: str):
    """RSS feeds are written as text, each controversy's item once per build: the bytes feedgen writes (through
    lxml) for the same feed, on the shipped content (history entries too) and a 300-controversy corpus."""
    content = PROJECT / "content"
    if corpus == "synthetic":
        content = tmp_path / "content"
        write_corpus(300, content)
    assert rss_files_both_ways(content, monkeypatch) >= 30


def test_rss_written_directly_escapes_as_lxml_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Markup, quotes, entities and odd characters in every field (the XSS corpus), and URLs carrying markup."""
    checked = 0
    for i, payload in enumerate(PAYLOADS["text"]):
        content = hostile_content(tmp_path / f"text-{i}", payload, markdown=False)  # feeds show no body
        checked += rss_files_both_ways(content, monkeypatch)
    for i, url in enumerate(PAYLOADS["odd_urls"]):
        content = hostile_content(tmp_path / f"url-{i}", urls={"base_url": url, "source": url, "proponent": url})
        checked += rss_files_both_ways(content, monkeypatch)
    assert checked >= 4 * (len(PAYLOADS["text"]) + len(PAYLOADS["odd_urls"]))
