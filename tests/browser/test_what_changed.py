"""What changed: a page's notice when its last review is over a year old on the reader's date, and /updates/
filtered by thread and controversy, with the whole list when JavaScript is off."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from .conftest import PAGES, Reader


def _reviewed(page: Page) -> dt.date:
    return dt.date.fromisoformat(page.locator(".stale-notice").get_attribute("data-reviewed") or "")


def _on(page: Page, day: dt.date) -> None:
    """The page again, read on ``day`` by the browser's clock."""
    page.clock.set_fixed_time(dt.datetime(day.year, day.month, day.day, 12))
    page.reload()


def test_a_review_over_a_year_old_on_the_readers_date_is_said_and_a_recent_one_is_not(reader: Reader) -> None:
    page = reader.open(PAGES["controversy"])
    reviewed = _reviewed(page)
    notice = page.locator(".stale-notice")
    _on(page, reviewed + dt.timedelta(days=365))  # a year: still reviewed within it
    expect(notice).to_be_hidden()
    expect(page.locator("p.as-of")).to_contain_text("its last review")
    _on(page, reviewed + dt.timedelta(days=366))
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Not reviewed for over a year.")
    box, title = notice.bounding_box(), page.locator("h1").bounding_box()
    assert box and title and box["y"] < title["y"] + 900  # near the top, above the positions
    assert notice.evaluate("(el) => el.compareDocumentPosition(document.querySelector('.position-summary')) & 4")


def test_without_javascript_the_page_says_when_it_was_reviewed_and_claims_nothing_about_today(reader: Reader) -> None:
    page = reader.open(PAGES["controversy"], javascript=False)
    expect(page.locator(".stale-notice")).to_be_hidden()
    reviewed = _reviewed(page)
    expect(page.locator("p.as-of")).to_contain_text(f"As of {reviewed.day} {reviewed:%B %Y}, its last review.")
    expect(page.locator("#what-changed")).to_contain_text(
        f"What changed in the year to {reviewed.day} {reviewed:%B %Y}"
    )


def _shown(page: Page) -> list[str]:
    return page.locator(".update-list > li:visible").evaluate_all("(lis) => lis.map((li) => li.dataset.controversy)")


def test_updates_filter_by_thread_and_controversy_and_keep_the_choice_in_the_address(reader: Reader) -> None:
    page = reader.open(PAGES["updates"])
    everything = page.locator(".update-list > li").evaluate_all("(lis) => lis.map((li) => li.dataset.controversy)")
    assert len(set(everything)) > 2
    status = page.get_by_role("status")
    expect(status).to_have_text(f"Showing all {len(everything)} changes.")
    chosen = everything[-1]
    controversy = page.get_by_label("Controversy")
    controversy.select_option(chosen)
    assert _shown(page) == [c for c in everything if c == chosen]
    expect(status).to_have_text(f"Showing {everything.count(chosen)} of {len(everything)} changes.")
    thread = page.locator(".update-list > li").last.get_attribute("data-thread")
    expect(page.get_by_label("Thread")).to_have_value(thread or "")  # the controversy's thread
    assert page.url.endswith(f"?thread={thread}&controversy={chosen}")
    page.reload()  # a shared or reloaded address shows the same list
    assert _shown(page) == [c for c in everything if c == chosen]
    expect(controversy).to_have_value(chosen)
    page.get_by_label("Thread").select_option("")
    expect(controversy).to_have_value("")
    assert _shown(page) == everything
    assert re.search(r"/updates/$", page.url)


def test_updates_without_javascript_show_the_whole_list_and_no_filter(reader: Reader) -> None:
    page = reader.open(PAGES["updates"] + "?controversy=emergent-abilities-mirage", javascript=False)
    expect(page.locator("form.update-filter")).to_be_hidden()
    total = page.locator(".update-list > li").count()
    assert total > 5 and len(_shown(page)) == total
