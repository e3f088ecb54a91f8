"""Search from the header box, against the Pagefind index built with the site."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import PAGES, Reader


def test_search_a_proponent_from_the_header_and_open_the_result(reader: Reader) -> None:
    page = reader.open(PAGES["controversy"])
    box = page.get_by_role("search").get_by_role("searchbox", name="Search The Ledger")
    box.fill("Gary Marcus")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=Gary\+Marcus$"))
    results = page.locator(".search-result")
    expect(results.first).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("for “Gary Marcus”")
    first = results.first  # the proponent's own page ranks above pages that mention them
    expect(first.locator(".result-kind")).to_have_text("Proponent")
    expect(first.locator(".result-title")).to_have_text("Gary Marcus")
    expect(first.locator("mark").first).to_have_text(re.compile("Gary|Marcus"))
    # …and every controversy where they hold a position is found too.
    expect(results.filter(has=page.locator(".result-kind", has_text="Controversy"))).to_have_count(
        len(reader.site.holdings("gary-marcus"))
    )
    first.get_by_role("link", name="Gary Marcus", exact=True).click()
    page.wait_for_url(re.compile(r"/ledger/proponents/gary-marcus/$"))
    expect(page.locator("h1")).to_have_text("Gary Marcus")


def test_a_result_inside_a_controversy_links_to_the_position(reader: Reader) -> None:
    page = reader.open("search/?q=fundamental+limits")
    result = page.locator(".search-result").filter(has=page.locator(".result-kind", has_text="Controversy"))
    expect(result).to_have_count(1)
    section = result.locator(".result-section", has_text="Position C")
    expect(section).to_have_count(1)
    expect(section).to_have_attribute(
        "href", re.compile(r"/ledger/controversies/scaling-laws-hitting-a-wall/#position-c")
    )
    section.click()
    page.wait_for_url(re.compile(r"#position-c-title$"))
    heading = page.locator("#position-c-title")
    expect(heading).to_be_in_viewport()
    expect(heading).to_contain_text("fundamental limits")


def test_a_source_is_found_by_its_title_on_the_sources_page(reader: Reader) -> None:
    page = reader.open("search/?q=emergent+abilities+mirage")
    result = page.locator(".search-result").filter(has=page.locator(".result-kind", has_text="Source"))
    expect(result).to_have_count(1)
    section = result.locator(".result-section").first
    expect(section).to_have_attribute("href", re.compile(r"/ledger/sources/#source-schaeffer-2023-emergent-mirage"))
    section.click()
    expect(page.locator("#source-schaeffer-2023-emergent-mirage")).to_be_in_viewport()


def test_typing_updates_results_and_the_address_and_nonsense_says_so(reader: Reader) -> None:
    page = reader.open("search/")
    box = page.get_by_role("searchbox", name="Search controversies, positions, proponents and sources")
    box.press_sequentially("deepseek", delay=20)
    expect(page.locator(".search-result").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?q=deepseek$"))
    box.fill("zzqxv")
    box.press("Enter")
    expect(page.get_by_role("status")).to_have_text(
        "Nothing on the record matches “zzqxv”. Try fewer or different words."
    )
    expect(page.locator(".search-result")).to_have_count(0)


def test_slash_focuses_the_search_box_and_the_form_works_without_javascript(reader: Reader) -> None:
    page = reader.open(PAGES["proponents"])
    page.keyboard.press("/")
    expect(page.get_by_role("searchbox", name="Search The Ledger")).to_be_focused()

    plain = reader.open(PAGES["controversy"], javascript=False)
    plain.get_by_role("searchbox", name="Search The Ledger").fill("DeepSeek")
    plain.get_by_role("button", name="Search").click()
    plain.wait_for_url(re.compile(r"/ledger/search/\?q=DeepSeek$"))
    expect(plain.locator(".notice")).to_contain_text("needs JavaScript")
