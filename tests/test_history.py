"""Every change on the record: the history section, trajectories, /updates/ and feed entries per change."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from ledger.model import PartialDate
from ledger.pipeline import Options, build

from .helpers import FIXTURES, broken_links, follow, html, make_content, text

PAGE = "controversies/first/index.html"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal content with a history, events, a second thread and an undated source."""
    root = tmp_path_factory.mktemp("recorded")
    out = root / "site"
    build(Options(content=make_content(root / "content", overlay=FIXTURES / "recorded"), out=out))
    return out


def test_page_says_as_of_when_and_lists_its_history_in_order(recorded: Path) -> None:
    page = html(recorded / PAGE)
    (as_of,) = page.xpath("//p[@class='as-of']")
    assert text(as_of) == (
        "As of 1 June 2024, its last review. Last recorded change: 1 June 2024 — Position A: medium → high [5]."
    )
    assert as_of.xpath(".//a/@href") == ["#history-2024-06-01-1", "#ref-5"]  # the change, and its source
    items = page.xpath("//section[@class='history']//li")
    assert [li.get("id") for li in items] == [
        "history-2024-01-01-1",
        "history-2024-02-1",
        "history-2024-03-15-1",
        "history-2024-03-15-2",
        "history-2024-06-01-1",
    ]
    assert text(items[1]) == ("February 2024 — Position A: confidence Low → Medium. Why: A second post agreed. [1]")
    assert text(items[3]) == "15 March 2024 — Status: Leaning → Contested. Why: Position C challenged the consensus."
    assert items[2].xpath(".//a[@class='to-position']/@href") == ["#position-c"]


def test_history_sources_are_numbered_after_positions_and_link_back(recorded: Path) -> None:
    page = html(recorded / PAGE)
    refs = page.xpath("//section[@class='references']//li")
    titles = [text(li.xpath(".//*[@class='ref-title']")[0]) for li in refs]
    # Body: post-two, book-three, paper-one; positions add undated-essay; only history cites note-four.
    assert titles == ["A Second Post", "A Third Book", "The First Paper", "An Undated Essay", "A Fourth Note"]
    (last,) = page.xpath("//li[@id='history-2024-06-01-1']//a[@class='history-cite']")
    assert last.get("href") == "#ref-5"
    backlinks = refs[4].xpath(".//span[@class='backlinks']/a[starts-with(@href, '#')]")
    assert [text(a) for a in backlinks] == ["↩ History, 1 June 2024"]
    assert backlinks[0].get("href") == "#" + last.get("id")
    assert broken_links(recorded) == []


def test_position_shows_its_confidence_trajectory_as_text_and_chart(recorded: Path) -> None:
    page = html(recorded / PAGE)
    (a,) = page.xpath("//section[@id='position-a']")
    expected = "Low → Medium → High (1 January 2024 → February 2024 → 1 June 2024)"
    assert text(a.xpath(".//figcaption")[0]) == f"Confidence: {expected}"
    (svg,) = a.xpath(".//svg")
    assert svg.get("role") == "img"
    (title,) = svg.xpath("./title")
    assert svg.get("aria-labelledby") == title.get("id")
    assert text(title) == f"Confidence: {expected}"
    # Three levels, two steps up: the path rises twice and ends at the right edge.
    assert len(svg.xpath(".//circle")) == 2
    assert svg.xpath(".//path/@d")[0].count("V") == 2
    # Positions whose confidence never moved have no chart.
    assert not page.xpath("//section[@id='position-b']//svg | //section[@id='position-c']//svg")


def test_status_moves_show_as_a_trajectory_too(recorded: Path) -> None:
    page = html(recorded / PAGE)
    (figure,) = page.xpath("//figure[svg[@id='status-chart']]")
    assert text(figure.xpath(".//figcaption")[0]) == "Status: Leaning → Contested (1 January 2024 → 15 March 2024)"


def test_crux_is_shown_under_the_claim(recorded: Path) -> None:
    page = html(recorded / PAGE)
    (crux,) = page.xpath("//section[@id='position-a']//p[@class='crux']")
    assert text(crux) == "What would change this: A replication that fails."


def test_cite_this_page_gives_title_site_date_and_permalink(recorded: Path) -> None:
    page = html(recorded / PAGE)
    (cite,) = page.xpath("//section[@class='cite-this']//p[@class='citation']")
    assert text(cite) == (
        "“Is the First Question Settled?” Test Ledger, updated 1 June 2024. https://example.org/controversies/first/"
    )
    assert cite.xpath(".//a/@href") == ["https://example.org/controversies/first/"]


def test_undated_source_is_shown_as_nd_never_with_an_invented_date(recorded: Path) -> None:
    page = html(recorded / PAGE)
    (ref,) = page.xpath("//li[@id='ref-4']")
    details = text(ref.xpath(".//span[@class='ref-details']")[0])
    assert details == "An Undated Essay. Some Blog, n.d. (The page carries no publication date)."
    assert not ref.xpath(".//time")
    assert "Reliability: The author is anonymous" in text(ref)


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_each_history_entry_is_a_feed_entry_with_a_stable_guid(recorded: Path, name: str) -> None:
    feed = feedparser.parse((recorded / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    base = "https://example.org/controversies/first/"
    by_id = {e.id: e for e in feed.entries}
    moved = by_id[base + "#history-2024-06-01-1"]
    assert moved.title == "Position A: medium → high — Is the First Question Settled?"
    assert moved.link == base + "#history-2024-06-01-1"
    assert "A fourth note settled it." in moved.summary
    assert "A Fourth Note" in moved.summary  # the source, by title
    day = moved.published_parsed if name == "feed.xml" else moved.updated_parsed
    assert day[:3] == (2024, 6, 1)
    month_only = by_id[base + "#history-2024-02-1"]
    assert (month_only.published_parsed if name == "feed.xml" else month_only.updated_parsed)[:3] == (2024, 2, 1)
    assert {base + "#history-2024-03-15-1", base + "#history-2024-03-15-2"} <= set(by_id)
    assert len(feed.entries) == 2 + 5  # two pages, five changes


def test_rss_channel_links_to_the_site_not_to_itself(recorded: Path) -> None:
    feed = feedparser.parse((recorded / "feed.xml").read_bytes())
    assert feed.feed.link == "https://example.org/"


def test_thread_feed_carries_only_its_own_changes(recorded: Path) -> None:
    main = feedparser.parse((recorded / "threads/main-thread/feed.xml").read_bytes())
    other = feedparser.parse((recorded / "threads/other-thread/feed.xml").read_bytes())
    assert len(main.entries) == 1 + 5
    assert [e.link for e in other.entries] == ["https://example.org/controversies/second/"]


def test_guids_do_not_change_when_an_entry_of_another_date_is_added(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", overlay=FIXTURES / "recorded")
    build(Options(content=content, out=tmp_path / "before"))
    first = content / "controversies" / "first.md"
    first.write_text(
        first.read_text().replace(
            "  - date: 2024-02\n", "  - date: 2024-01-20\n    change: An earlier note.\n  - date: 2024-02\n"
        )
    )
    build(Options(content=content, out=tmp_path / "after"))

    def ids(site: Path) -> set[str]:
        return {e.id for e in feedparser.parse((site / "feed.xml").read_bytes()).entries}

    assert ids(tmp_path / "before") < ids(tmp_path / "after")
    assert ids(tmp_path / "after") - ids(tmp_path / "before") == {
        "https://example.org/controversies/first/#history-2024-01-20-1"
    }


def test_updates_page_lists_every_change_newest_first(recorded: Path) -> None:
    page = html(recorded / "updates/index.html")
    items = page.xpath("//ol[@class='update-list']/li")
    assert [li.xpath(".//time/@datetime")[0] for li in items] == [
        "2024-06-01",
        "2024-03-15",
        "2024-03-15",
        "2024-02",
        "2024-01-01",
    ]
    links = [li.xpath(".//p[@class='update-meta']/a/@href")[0] for li in items]
    assert links[0] == "../controversies/first/#history-2024-06-01-1"
    # The short titles of the feeds ("Position A: medium → high"), then what happened and why
    titles = [" ".join(map(text, li.xpath(".//p[@class='update-title']"))) for li in items]
    assert titles == [
        "Position A: medium → high",
        "Status: leaning → contested",
        "Position C added",
        "Position A: low → medium",
        "",  # a development that moved nothing: its sentence alone
    ]
    assert text(items[0]).endswith("Why: A fourth note settled it.")
    assert text(items[4]).endswith("Opened with positions A and B.")
    (nav,) = html(recorded / "index.html").xpath("//nav[@class='site-nav']/a[text()='Updates']/@href")
    assert follow(recorded, "/", nav) == recorded / "updates/index.html"


def test_partial_dates_compare_at_the_precision_they_share() -> None:
    month, day, later = PartialDate(2025, 7), PartialDate(2025, 7, 10), PartialDate(2025, 8, 1)
    assert month.compare(day) == 0 == day.compare(month)
    assert month.compare(later) == -1
    assert later.compare(PartialDate(2025)) == 0
    assert sorted([day, later, month, PartialDate(2025)], key=lambda d: d.key) == [
        PartialDate(2025),
        month,
        day,
        later,
    ]


def _built(tmp_path: Path, edits: dict[str, tuple[str, str]]) -> Path:
    """The recorded content with ``edits`` (file under content/ → (old, new) text) built into ``tmp_path/site``."""
    content = make_content(tmp_path / "content", overlay=FIXTURES / "recorded")
    for name, (old, new) in edits.items():
        file = content / name
        assert old in file.read_text(encoding="utf-8")
        file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    build(Options(content=content, out=tmp_path / "site"))
    return tmp_path / "site"


def test_what_changed_lists_the_changes_of_the_year_to_the_last_review_newest_first(tmp_path: Path) -> None:
    site = _built(tmp_path, {"controversies/first.md": ("updated: 2024-06-01", "updated: 2025-03-01")})
    page = html(site / PAGE)
    (section,) = page.xpath("//section[@class='what-changed']")
    assert text(section.xpath("h2")[0]) == "What changed in the year to 1 March 2025"
    assert text(section.xpath("p")[0]).startswith("From 2 March 2024 to its last review, newest first")
    items = section.xpath(".//ol[@class='change-list']/li")
    # February 2024 ended before the year began; 1 January 2024 too: both only in History
    assert [li.xpath(".//time/@datetime")[0] for li in items] == ["2024-06-01", "2024-03-15", "2024-03-15"]
    assert [text(li) for li in items] == [
        "1 June 2024 · Position A: medium → high Why: A fourth note settled it. [5]",
        "15 March 2024 · Status: leaning → contested Why: Position C challenged the consensus.",
        "15 March 2024 · Position C added Position C added. [4]",
    ]
    assert [li.xpath(".//p[@class='change-head']/a/@href")[0] for li in items] == [
        "#history-2024-06-01-1",
        "#history-2024-03-15-2",
        "#history-2024-03-15-1",
    ]
    assert items[0].xpath(".//strong/a/@href") == ["#position-a"]  # previewed as the page's other position links
    for li, title in zip(items[::2], ["A Fourth Note", "An Undated Essay"], strict=True):
        (cite,) = li.xpath(".//a[@class='change-cite']")
        assert page.xpath(f"//li[@id='{cite.get('href')[1:]}']//cite/text()") == [title]
    assert broken_links(site) == []


def test_a_year_without_changes_says_so_and_names_the_last_one(tmp_path: Path) -> None:
    site = _built(tmp_path, {"controversies/first.md": ("updated: 2024-06-01", "updated: 2025-06-02")})
    (section,) = html(site / PAGE).xpath("//section[@class='what-changed']")
    assert not section.xpath(".//li")
    assert text(section) == (
        "What changed in the year to 2 June 2025 No change recorded from 3 June 2024 to its last review. "
        "The last recorded change was on 1 June 2024; History lists them all."
    )
    second = html(site / "controversies/second/index.html")
    assert text(second.xpath("//p[@class='as-of']")[0]) == (
        "As of 1 July 2024, its last review. Opened 1 February 2024; no change recorded since it opened."
    )
    assert text(second.xpath("//section[@class='what-changed']")[0]).endswith(
        "No change recorded since the page opened on 1 February 2024."
    )


def test_a_page_carries_its_review_date_for_the_readers_browser_to_judge(recorded: Path) -> None:
    """Whether a review is over a year old depends on the reader's date: the build, which never reads the
    clock, writes the notice hidden with the review date and the lint's limit; static/ledger.js shows it."""
    (notice,) = html(recorded / PAGE).xpath("//p[contains(@class, 'stale-notice')]")
    assert notice.get("hidden") is not None
    assert (notice.get("data-reviewed"), notice.get("data-stale-after-days")) == ("2024-06-01", "365")
    assert "last reviewed on 1 June 2024" in text(notice)


def test_lists_sort_by_the_last_recorded_change_not_by_the_review_date(tmp_path: Path) -> None:
    """The second page was reviewed later (1 July 2024) but nothing was recorded on it since it opened (1 February):
    the first page's last change (1 June 2024) is newer, so it comes first, and the column shows that date."""
    site = _built(tmp_path, {"controversies/second.md": ("thread: other-thread", "thread: main-thread")})
    for path in ("index.html", "threads/main-thread/index.html"):
        rows = html(site / path).xpath("//table[@class='controversies']/tbody/tr")
        assert [text(r.xpath("th")[0]) for r in rows] == ["Is the First Question Settled?", "A Second Question?"]
        assert [r.xpath("td[@data-label='Last change']/time/@datetime")[0] for r in rows] == [
            "2024-06-01",
            "2024-02-01",
        ]


def test_every_shipped_page_shows_the_changes_of_the_year_to_its_review_with_their_sources(shipped_site: Path) -> None:
    """On the real record: each page's "What changed" is its History from a year before its review on, newest
    first, each change citing the references its History entry cites, and its "as of" names the last one."""
    pages = sorted((shipped_site / "controversies").glob("*/index.html"))
    assert len(pages) >= 7
    for file in pages:
        page = html(file)
        reviewed = PartialDate(*map(int, page.xpath("//p[@class='as-of']/time/@datetime")[0].split("-")))
        since = PartialDate(reviewed.year - 1, reviewed.month, reviewed.day)  # the day before the year begins
        log = page.xpath("//ol[@class='history-log']/li")
        latest = [iso + "-12-31"[len(iso) - 4 :] for iso in (li.xpath("time/@datetime")[0] for li in log)]
        expected = [li for li, day in reversed(list(zip(log, latest, strict=True))) if day > since.iso]
        shown = page.xpath("//section[@class='what-changed']//ol[@class='change-list']/li")
        assert [li.xpath(".//a/@href")[0] for li in shown] == ["#" + li.get("id") for li in expected], file
        for change, entry in zip(shown, expected, strict=True):
            cites = change.xpath(".//a[@class='change-cite']/@href")
            assert cites and cites == entry.xpath(".//a[@class='history-cite']/@href"), entry.get("id")
        last, *cited = page.xpath("//p[@class='as-of']/a/@href")
        assert last == "#" + log[-1].get("id")
        if "the status move above" in text(page.xpath("//p[@class='as-of']")[0]):  # named, cited, just above
            assert page.xpath("//p[@class='where-it-stands']//a[time]/@href") == [last]
        else:
            assert cited == log[-1].xpath(".//a[@class='history-cite']/@href")
