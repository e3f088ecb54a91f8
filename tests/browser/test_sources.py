"""The sources page: narrowed by kind, reliability note and year with JavaScript, the whole list without it;
each citing place quoted and linked to its citation."""

from __future__ import annotations

import re

import lxml.html
from playwright.sync_api import expect

from .conftest import PAGES, Reader


def _entries(reader: Reader) -> list[lxml.html.HtmlElement]:
    page = lxml.html.fromstring((reader.site.folder / "sources" / "index.html").read_bytes())
    return page.xpath("//ol[@class='bibliography']/li")


def test_filters_narrow_the_list_and_the_address_keeps_them(reader: Reader) -> None:
    entries = _entries(reader)
    papers = [li.get("id") for li in entries if li.get("data-kind") == "paper"]
    noted = [li.get("id") for li in entries if li.xpath(".//span[@class='reliability']")]
    assert 0 < len(papers) < len(entries) and 0 < len(noted) < len(entries)
    page = reader.open(PAGES["sources"])
    filters = page.get_by_role("form", name="Show sources by")
    expect(filters).to_be_visible()
    shown = page.locator(".bibliography > li:visible")
    expect(shown).to_have_count(len(entries))

    filters.get_by_label("Kind").select_option("paper")
    expect(shown).to_have_count(len(papers))
    assert [li.get_attribute("id") for li in shown.all()] == papers
    expect(page.get_by_role("status")).to_have_text(f"Showing {len(papers)} of {len(entries)} sources.")
    expect(page).to_have_url(re.compile(r"/sources/\?kind=paper$"))

    filters.get_by_label("Kind").select_option("")
    filters.get_by_label("Reliability").select_option("noted")
    expect(shown).to_have_count(len(noted))
    expect(page).to_have_url(re.compile(r"/sources/\?reliability=noted$"))

    # the address opens the same list; a year narrows further
    year = entries[0].get("data-year")
    both = [li.get("id") for li in entries if li.get("data-kind") == "paper" and li.get("data-year") == year]
    again = reader.open(f"sources/?kind=paper&year={year}")
    expect(again.get_by_label("Year")).to_have_value(year)
    expect(again.locator(".bibliography > li:visible")).to_have_count(len(both))


def test_a_link_to_one_source_shows_it_whatever_the_filters(reader: Reader) -> None:
    page = reader.open("sources/?kind=press#source-kaplan-2020-scaling-laws")
    entry = page.locator("#source-kaplan-2020-scaling-laws")
    expect(entry).to_be_visible()
    expect(entry).to_be_in_viewport()
    expect(page.get_by_label("Kind")).to_have_value("")


def test_without_javascript_the_whole_list_shows_and_no_filter_does(reader: Reader) -> None:
    entries = _entries(reader)
    page = reader.open("sources/?kind=paper", javascript=False)
    expect(page.locator(".source-filters")).to_be_hidden()
    expect(page.locator(".bibliography > li:visible")).to_have_count(len(entries))


def test_a_quoted_sentence_opens_the_citation_it_quotes(reader: Reader) -> None:
    page = reader.open(PAGES["sources"])
    entry = page.locator("#source-kaplan-2020-scaling-laws")
    quote = entry.get_by_role("link", name=re.compile(r"^In 2020 Kaplan et al\. found that"))
    expect(quote).to_have_count(1)
    href = quote.get_attribute("href")
    assert href is not None and re.fullmatch(r"\.\./controversies/scaling-laws-hitting-a-wall/#cite-\d+-\d+", href)
    quote.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/controversies/scaling-laws-hitting-a-wall/#cite-\d+-\d+$"))
    cited = page.locator(f"#{href.split('#')[1]}")
    expect(cited).to_be_in_viewport()
    expect(cited.locator("xpath=ancestor::p[1]")).to_contain_text("In 2020 Kaplan et al. found that")


def test_a_place_not_quoted_is_one_click_from_its_source(reader: Reader) -> None:
    page = reader.open(PAGES["sources"])
    scaling = page.locator("#source-kaplan-2020-scaling-laws .citing-pages > li").filter(
        has=page.get_by_role("link", name="Are Scaling Laws Hitting a Wall?", exact=True)
    )
    expect(scaling.locator(".citing-more")).to_contain_text("Also cited in")
    place = scaling.locator(".citing-more").get_by_role("link", name="Position D", exact=True)
    expect(place).to_be_visible()
    place.click()
    page.wait_for_url(re.compile(r"/controversies/scaling-laws-hitting-a-wall/#cite-\d+-\d+$"))
    cited = page.locator(":target")
    expect(cited).to_be_in_viewport()
    expect(cited.locator("xpath=ancestor::section[@id='position-d']")).to_have_count(1)
