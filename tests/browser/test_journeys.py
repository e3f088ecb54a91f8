"""What a reader does: follow the record from the index to a claim, its proponents and sources, and back."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import PAGES, Reader

CONTROVERSY = "Are Scaling Laws Hitting a Wall?"
THREAD = "The Scaling Laws Debate: Will Bigger Always Mean Better?"


def in_view(page: Page, selector: str) -> bool:
    """Whether the element's top is on screen (where a followed anchor should bring the reader)."""
    return page.evaluate(
        """(selector) => {
          const box = document.querySelector(selector).getBoundingClientRect();
          return box.top >= -1 && box.top < innerHeight;
        }""",
        selector,
    )


def test_index_to_thread_to_controversy_to_proponent_and_back_to_a_source(reader: Reader) -> None:
    page = reader.open(PAGES["index"])
    expect(page).to_have_title("The Ledger")
    page.get_by_role("link", name=THREAD).click()
    expect(page.locator("h1")).to_have_text(THREAD)
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("The Ledger")

    page.locator("table.controversies").get_by_role("link", name=CONTROVERSY).click()
    expect(page.locator("h1")).to_have_text(CONTROVERSY)
    expect(page).to_have_title(f"{CONTROVERSY} — The Ledger")
    crumbs = page.get_by_role("navigation", name="Breadcrumb").get_by_role("listitem")
    expect(crumbs).to_have_text(["The Ledger", THREAD, CONTROVERSY])

    page.locator("#position-c").get_by_role("link", name="Gary Marcus").click()
    expect(page.locator("h1")).to_have_text("Gary Marcus")
    holding = page.locator(".holding", has_text=CONTROVERSY)
    expect(holding).to_contain_text("Position C")
    expect(holding).to_contain_text("Confidence: Low")

    # The proponent's source leads to the numbered reference; its back-link returns to the claim.
    source = holding.get_by_role("link", name=re.compile(r"^\[\d+\] Deep Learning Is Hitting a Wall"))
    number = re.match(r"\[(\d+)\]", source.inner_text()).group(1)
    source.click()
    page.wait_for_url(re.compile(rf"/controversies/scaling-laws-hitting-a-wall/#ref-{number}$"))
    assert in_view(page, f"#ref-{number}")
    expect(page.locator(f"#ref-{number} .ref-title")).to_have_attribute(
        "href", "https://nautil.us/deep-learning-is-hitting-a-wall-14467/"
    )
    expect(page.locator(f"#ref-{number} .kind")).to_have_text("Kind: opinion")
    page.locator(f"#ref-{number}").get_by_role("link", name="Back to the citation in Position C").click()
    page.wait_for_url(re.compile(rf"#cite-{number}-\d+$"))
    assert page.evaluate("document.querySelector(':target').closest('.position').id") == "position-c"
    assert in_view(page, ":target")

    # And from the claim, the proponent's positions once more with the browser's Back button.
    page.go_back()
    page.go_back()
    expect(page.locator("h1")).to_have_text("Gary Marcus")


def test_a_reference_back_link_jumps_to_the_citing_position(reader: Reader) -> None:
    page = reader.open(PAGES["controversy"])
    # Position B's first source, also cited in the text: its back-links name both places.
    number = page.locator("#position-b .position-sources a").first.get_attribute("href").removeprefix("#ref-")
    back = page.locator(f"#ref-{number} .backlinks").get_by_role("link", name="Back to the citation in Position B")
    expect(back).to_have_text("↩ Position B")
    back.click()
    page.wait_for_url(re.compile(rf"#cite-{number}-\d+$"))
    assert in_view(page, ":target")
    assert page.evaluate("document.querySelector(':target').closest('section.position').id") == "position-b"
    # The citation itself leads forward to the reference again.
    page.locator(":target").get_by_role("link", name=f"Reference {number}").click()
    page.wait_for_url(re.compile(rf"#ref-{number}$"))
    assert in_view(page, f"#ref-{number}")


def test_position_summary_shows_every_position_with_its_confidence_and_links_to_it(reader: Reader) -> None:
    page = reader.open(PAGES["controversy"], width=360, height=740)
    summary = page.get_by_role("navigation", name="Positions at a glance")
    items = summary.get_by_role("listitem")
    expect(items).to_have_count(4)
    expect(items.locator(".confidence")).to_have_text(
        ["Confidence: Medium", "Confidence: Medium", "Confidence: Low", "Confidence: Medium"]
    )
    summary.get_by_role("link", name=re.compile(r"^Position D: Scaling laws hold")).click()
    page.wait_for_url(re.compile(r"#position-d$"))
    assert in_view(page, "#position-d")


def test_copy_link_puts_the_position_url_on_the_clipboard(reader: Reader) -> None:
    page = reader.open(PAGES["controversy"], permissions=("clipboard-read", "clipboard-write"))
    button = page.locator("#position-b").get_by_role("button", name="Copy link to Position B")
    button.click()
    expect(button).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == reader.site.url(PAGES["controversy"]) + "#position-b"
    expect(page.get_by_role("status").last).to_have_text("Link to Position B copied")


def test_without_javascript_everything_reads_and_links_the_same(reader: Reader) -> None:
    page = reader.open(PAGES["controversy"], javascript=False)
    expect(page.locator("section.position")).to_have_count(4)
    expect(page.locator(".references li")).to_have_count(len(reader.site.references(PAGES["controversy"])))
    expect(page.locator(".copy-link")).to_have_count(0)  # an enhancement only
    page.locator("#position-b .position-letter").click()
    page.wait_for_url(re.compile(r"#position-b$"))
    page.locator("#position-a").get_by_role("link", name="Oriol Vinyals").click()
    expect(page.locator("h1")).to_have_text("Oriol Vinyals")

    search = reader.open(PAGES["search"], javascript=False)
    expect(search.locator(".notice")).to_contain_text("Search runs in your browser and needs JavaScript")
    expect(search.locator(".notice").get_by_role("link", name="the proponents")).to_be_visible()
    expect(search.locator(".search-result")).to_have_count(0)


def test_pages_introduce_themselves_to_link_previews(reader: Reader) -> None:
    page = reader.open(PAGES["controversy"])
    url = reader.site.url(PAGES["controversy"])
    meta = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("meta[property], meta[name]")].map(
             (m) => [m.getAttribute("property") || m.getAttribute("name"), m.content]))"""
    )
    assert meta["og:title"] == CONTROVERSY
    assert meta["og:type"] == "article"
    assert meta["og:url"] == url
    assert meta["og:site_name"] == "The Ledger"
    assert meta["og:description"] == meta["description"] and meta["description"].startswith("Whether making models")
    expect(page.locator("link[rel=canonical]")).to_have_attribute("href", url)


def test_a_source_id_anchor_lands_on_its_reference_and_highlights_it(reader: Reader) -> None:
    """``#ref-<source-id>`` stays on its source whatever the numbering, shown as a followed ``#ref-N`` is."""
    page = reader.open(PAGES["controversy"] + "#ref-marcus-2022-hitting-a-wall")
    item = page.locator("section.references li", has=page.locator("#ref-marcus-2022-hitting-a-wall"))
    expect(item.locator(".ref-title")).to_have_attribute(
        "href", "https://nautil.us/deep-learning-is-hitting-a-wall-14467/"
    )
    assert in_view(page, "#ref-marcus-2022-hitting-a-wall")
    assert item.evaluate("li => getComputedStyle(li).boxShadow") != "none"
    other = page.locator("section.references li").first
    assert other.evaluate("li => getComputedStyle(li).boxShadow") == "none" or other.get_attribute(
        "id"
    ) == item.get_attribute("id")
