"""The timeline: events in date order by year, one static page per thread, links to and from controversies."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.pipeline import Options, build

from .helpers import FIXTURES, broken_links, follow, html, make_content, text


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("timeline")
    out = root / "site"
    build(Options(content=make_content(root / "content", overlay=FIXTURES / "recorded"), out=out))
    return out


def event_ids(page) -> list[str]:
    return [li.get("id") for li in page.xpath("//li[@class='event']")]


def test_events_are_in_date_order_grouped_by_year(recorded: Path) -> None:
    page = html(recorded / "timeline/index.html")
    assert [text(h) for h in page.xpath("//section[@class='timeline-year']/h2")] == ["2019", "2020", "2024"]
    # events.yaml lists them out of order; a month sorts before the days of that month.
    assert event_ids(page) == ["event-a-book", "event-first-paper", "event-the-post", "event-later-that-month"]
    assert page.xpath("//li[@id='event-the-post']//time/@datetime") == ["2024-09"]
    assert text(page.xpath("//li[@id='event-the-post']//time")[0]) == "September 2024"


def test_each_event_links_to_its_controversies_and_back(recorded: Path) -> None:
    timeline = html(recorded / "timeline/index.html")
    pairs = set()
    for event in timeline.xpath("//li[@class='event']"):
        for href in event.xpath(".//p[@class='event-controversies']/a/@href"):
            target = follow(recorded, "/timeline/", href)
            assert target is not None and target.is_file(), href
            controversy = html(target)
            back = controversy.xpath("//section[@id='events']//a/@href")
            assert f"../../timeline/#{event.get('id')}" in back
            pairs.add((event.get("id"), target.parent.name))
    assert pairs == {
        ("event-a-book", "first"),
        ("event-a-book", "second"),
        ("event-first-paper", "first"),
        ("event-the-post", "first"),
    }
    first = html(recorded / "controversies/first/index.html")
    assert [text(li) for li in first.xpath("//section[@id='events']//li")] == [
        "2019 — A third book is published",
        "23 January 2020 — The first paper appears",
        "September 2024 — A second post is published",
    ]
    assert broken_links(recorded) == []


def test_filtering_by_thread_needs_no_javascript(recorded: Path) -> None:
    main = html(recorded / "timeline/main-thread/index.html")
    other = html(recorded / "timeline/other-thread/index.html")
    assert event_ids(main) == ["event-a-book", "event-first-paper", "event-the-post"]
    assert event_ids(other) == ["event-a-book"]
    everything = html(recorded / "timeline/index.html")
    filters = {text(a): a.get("href") for a in everything.xpath("//nav[@class='timeline-filter']//a")}
    assert filters == {
        "All threads": "../timeline/",
        "The Main Thread": "../timeline/main-thread/",
        "Another Thread": "../timeline/other-thread/",
    }
    assert main.xpath("//nav[@class='timeline-filter']//a[@aria-current='page']/text()") == ["The Main Thread"]
    for page in (main, other, everything):
        assert all(script.get("src") for script in page.xpath("//script"))  # no inline script; links need none


def test_event_sources_show_their_reliability_label(recorded: Path) -> None:
    page = html(recorded / "timeline/index.html")
    (sources,) = page.xpath("//li[@id='event-later-that-month']//p[@class='event-sources']")
    assert text(sources).startswith("Sources: An Undated Essay (Reliability: The author is anonymous")
    assert sources.xpath(".//a/@href") == ["../sources/#source-undated-essay"]


def test_bibliography_lists_events_citing_a_source(recorded: Path) -> None:
    page = html(recorded / "sources/index.html")
    (entry,) = page.xpath("//li[@id='source-undated-essay']")
    assert "Timeline: Something else happens that month" in text(entry)
    assert "../timeline/#event-later-that-month" in entry.xpath(".//a/@href")


def test_thread_page_links_its_timeline(recorded: Path) -> None:
    page = html(recorded / "threads/main-thread/index.html")
    (more,) = page.xpath("//p[@class='more']")
    assert text(more) == "Timeline of this thread (3 events)"


def test_content_without_events_still_builds_a_timeline(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(Options(content=make_content(tmp_path / "content"), out=out))
    assert "No events on the timeline yet." in text(html(out / "timeline/index.html"))
    first = html(out / "controversies/first/index.html")
    assert "No dated events recorded for this controversy yet" in text(first.xpath("//section[@id='events']")[0])


def test_empty_events_file_means_no_events(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content", files={"events.yaml": "# nothing yet\n"})
    code, out, err = run(tmp_path, "check", "--content", "content", "--today", "2024-08-01")
    assert out.startswith("content: OK")
    assert (code, err) == (0, "")


def test_events_file_must_be_a_list(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content", files={"events.yaml": "first-paper:\n  date: 2020\n"})
    code, _, err = run(tmp_path, "check", "--content", "content")
    assert code == 1
    assert err.startswith("content/events.yaml:1: must be a list of events, each starting with '- id:'\n")
