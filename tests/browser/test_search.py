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
    page.wait_for_url(re.compile(r"/ledger/proponents/gary-marcus/\?highlight=gary&highlight=marcus$"))
    expect(page.locator("h1")).to_have_text("Gary Marcus")


def test_a_result_inside_a_controversy_links_to_the_position(reader: Reader) -> None:
    page = reader.open("search/?q=fundamental+limits")
    result = page.locator(".search-result").filter(has=page.locator(".result-kind", has_text="Controversy"))
    expect(result).to_have_count(1)
    section = result.locator(".result-section", has_text="Position C")
    expect(section).to_have_count(1)
    expect(section).to_have_attribute(
        "href",
        re.compile(
            r"/ledger/controversies/scaling-laws-hitting-a-wall/\?highlight=fundamental&highlight=limits#position-c"
        ),
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
    expect(section).to_have_attribute(
        "href",
        re.compile(
            r"/ledger/sources/\?highlight=emergent&highlight=abilities&highlight=mirage#source-schaeffer-2023-emergent-mirage"
        ),
    )
    section.click()
    expect(page.locator("#source-schaeffer-2023-emergent-mirage")).to_be_in_viewport()


def test_typing_updates_results_and_the_address_and_nonsense_says_so(reader: Reader) -> None:
    page = reader.open("search/")
    box = page.get_by_role("searchbox", name="Search controversies, positions, proponents, sources, events and updates")
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
    expect(plain.get_by_role("group", name="Narrow the results")).to_be_hidden()  # nothing to narrow without it


def test_a_timeline_event_is_its_own_result_and_opens_with_the_term_highlighted(reader: Reader) -> None:
    page = reader.open("search/?q=Hestness")
    result = page.locator(".search-result").filter(has=page.locator(".result-kind", has_text="Timeline"))
    expect(result).to_have_count(1)
    event = result.locator(".result-section", has_text="deep learning scaling is")
    expect(event).to_have_attribute(
        "href", re.compile(r"/ledger/timeline/\?highlight=hestness#event-hestness-scaling-predictable")
    )
    event.click()
    page.wait_for_url(re.compile(r"/timeline/\?highlight=hestness#event-hestness-scaling-predictable-title$"))
    marks = page.locator("#event-hestness-scaling-predictable mark.search-highlight")
    expect(marks.first).to_have_text(re.compile("^Hestness$", re.I))
    expect(marks.first).to_be_in_viewport()
    # only the indexed text is marked: not the thread filter or the sources line (data-pagefind-ignore)
    expect(page.locator(".event-sources mark, .timeline-filter mark")).to_have_count(0)


def test_an_update_is_found_and_its_result_opens_at_the_entry(reader: Reader) -> None:
    page = reader.open("search/?q=Agents+Last+Exam")
    result = page.locator(".search-result").filter(has=page.locator(".result-kind", has_text="Updates"))
    expect(result).to_have_count(1)
    entry = result.locator(".result-section").first
    expect(entry).to_contain_text("Do Benchmark Gains Translate into Real-World Utility?")
    expect(entry).to_have_attribute(
        "href", re.compile(r"/ledger/updates/\?.*#update-benchmarks-vs-real-world-utility-")
    )
    expect(result.locator(".result-sections mark").first).to_have_text(re.compile("Agents|Last|Exam"))
    target = entry.get_attribute("href").split("#")[1]
    entry.click()
    item = page.locator(f"li#{target}")
    expect(item).to_be_in_viewport()
    expect(item.locator("mark.search-highlight").first).to_be_visible()


def test_a_result_for_a_whole_page_opens_at_the_first_highlighted_match(reader: Reader) -> None:
    page = reader.open("proponents/gary-marcus/?highlight=complexity", height=400)
    first = page.locator("mark.search-highlight").first
    expect(first).to_have_text("complexity")
    expect(first).to_be_in_viewport()
    # the sources under a holding are not indexed text (the sources page is where they are found)
    expect(page.locator(".holding-sources mark")).to_have_count(0)
    expect(page.locator(".holding-sources", has_text="Problem Complexity")).to_have_count(1)


def test_filters_narrow_the_results_and_stay_in_the_address(reader: Reader) -> None:
    page = reader.open("search/?q=scaling")
    filters = page.get_by_role("group", name="Narrow the results")
    expect(filters).to_be_visible()
    results = page.locator(".search-result")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^\d+ results for “scaling”\.$"))
    total = results.count()
    kinds = set(results.locator(".result-kind").all_text_contents())
    assert {"Controversy", "Source"} <= kinds, kinds
    kind = filters.get_by_label("Kind of page")
    expect(kind.locator("option", has_text="Source (1)")).to_have_count(1)  # counts of the whole record
    kind.select_option("Source")
    expect(page).to_have_url(re.compile(r"\?q=scaling&kind=Source$"))
    expect(results).to_have_count(1)
    expect(results.locator(".result-kind")).to_have_text(["Source"])
    expect(page.get_by_role("status")).to_have_text("1 result for “scaling” (Kind of page: Source).")

    # status and confidence belong to controversies: narrowing by them leaves controversy pages only
    kind.select_option("")
    filters.get_by_label("Status").select_option("Contested")
    expect(page).to_have_url(re.compile(r"\?q=scaling&status=Contested$"))
    expect(page.get_by_role("status")).to_contain_text("for “scaling” (Status: Contested).")
    narrowed = results.locator(".result-kind").all_text_contents()
    assert narrowed and set(narrowed) == {"Controversy"} and len(narrowed) < total, (narrowed, total)

    # a filter with no words lists every page it applies to; the address opens the same search
    again = reader.open("search/?confidence=High")
    expect(again.get_by_label("Confidence of a position")).to_have_value("High")
    expect(again.get_by_role("status")).to_have_text(re.compile(r"^\d+ pages? with Confidence of a position: High\.$"))
    listed = again.locator(".search-result .result-kind").all_text_contents()
    assert listed and set(listed) == {"Controversy"}, listed
