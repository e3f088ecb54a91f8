"""Previews in place (static/preview.js): a citation's reference, or a position's claim, shown beside the
link by mouse, keyboard and touch, accessible, and the plain jump when JavaScript is off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import Reader
from .test_accessibility import SERIOUS, axe_violations

CITING = "controversies/data-wall-synthetic-data/"
"""A controversy whose body cites sources (the first citation of its body is previewed)."""


def first_citation(page: Page) -> tuple[Locator, str]:
    """The first citation link in the body, and the id of the reference it points to."""
    link = page.locator("article sup.cite a").first
    return link, link.get_attribute("href").lstrip("#")


def expect_reference_card(page: Page, number: str) -> Locator:
    """The open card shows the reference's title, kind, details and link, exactly as its References entry."""
    entry = page.locator(f"#{number}")
    card = page.get_by_role("dialog", name=f"Reference {number[4:]}")
    expect(card).to_be_visible()
    title = entry.locator(".ref-title")
    expect(card.locator(".ref-title")).to_have_text(title.text_content() or "")
    if title.get_attribute("href"):
        expect(card.locator("a.ref-title")).to_have_attribute("href", title.get_attribute("href"))
    expect(card.locator(".kind")).to_have_text(entry.locator(".kind").text_content() or "")
    expect(card.locator(".ref-details")).to_have_text(entry.locator(".ref-details").text_content() or "")
    expect(card.locator(".backlinks")).to_have_count(0)
    return card


def test_hovering_a_citation_shows_its_reference_beside_it_and_a_click_still_jumps(reader: Reader) -> None:
    page = reader.open(CITING, width=1366, height=900)
    link, number = first_citation(page)
    link.scroll_into_view_if_needed()
    link.hover()
    card = expect_reference_card(page, number)
    at, box = link.bounding_box(), card.bounding_box()
    assert at and box
    assert abs(box["y"] - (at["y"] + at["height"])) < 12 or abs(box["y"] + box["height"] - at["y"]) < 12, (at, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1366
    card.hover()  # the card itself can be hovered (to follow its link) without closing
    page.wait_for_timeout(500)
    expect(card).to_be_visible()
    page.mouse.move(5, 5)
    expect(card).to_be_hidden()
    link.click()
    page.wait_for_url(re.compile(f"#{number}$"))


def test_keyboard_focus_shows_the_card_announced_reachable_and_escape_returns_focus(reader: Reader) -> None:
    page = reader.open(CITING)
    link, number = first_citation(page)
    page.keyboard.press("Tab")  # keyboard use, as a reader tabbing through the page
    link.focus()
    card = expect_reference_card(page, number)
    expect(link).to_have_attribute("aria-expanded", "true")
    title = page.locator(f"#{number} .ref-title").inner_text()
    expect(link).to_have_accessible_description(re.compile(re.escape(title)))
    page.keyboard.press("Tab")  # the card comes next in the reading order: its link to the source
    assert page.evaluate("document.activeElement.matches('[role=dialog] a.ref-title')")
    page.keyboard.press("Tab")  # Tab stops only at the source's own links; leaving the card closes it
    expect(card).to_have_count(0)
    link.focus()
    expect(card).to_be_visible()
    page.keyboard.press("Escape")
    expect(card).to_have_count(0)
    assert page.evaluate("document.activeElement.getAttribute('href')") == f"#{number}"
    expect(link).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(f"#{number}$"))


def test_a_tap_opens_the_card_as_a_sheet_on_a_phone_and_its_link_jumps(reader: Reader) -> None:
    page = reader.open(CITING, width=360, height=740, touch=True)
    link, number = first_citation(page)
    url = page.url
    link.evaluate("(el) => window.scrollBy(0, el.getBoundingClientRect().bottom - innerHeight + 30)")  # near the bottom
    link.tap()
    card = expect_reference_card(page, number)
    assert page.url == url  # the tap opened the card instead of jumping
    box = card.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 361 and abs(box["y"] + box["height"] - 740) < 2
    at = link.bounding_box()
    assert at and at["y"] >= 0 and at["y"] + at["height"] <= box["y"], (
        at,
        box,
    )  # the sheet leaves the citation in view
    link.tap()  # a second tap closes it
    expect(card).to_have_count(0)
    link.tap()
    card.get_by_role("link", name=f"Go to reference {number[4:]} in the list").tap()
    page.wait_for_url(re.compile(f"#{number}$"))
    expect(card).to_have_count(0)


def test_a_position_link_previews_its_claim_and_confidence(reader: Reader) -> None:
    page = reader.open(CITING)
    mentions = page.locator(".history a[href^='#position-']")
    link = mentions.first
    anchor = link.get_attribute("href")
    section = page.locator(anchor)
    claim = section.locator("h2").inner_text().split(":", 1)[1].strip()
    link.scroll_into_view_if_needed()
    link.hover()
    card = page.get_by_role("dialog", name=re.compile(r"^Position [A-Z]$"))
    expect(card.locator(".preview-claim")).to_have_text(claim)
    expect(card.locator(".confidence")).to_have_text(section.locator(".position-meta .confidence").text_content() or "")
    reason = section.locator(".confidence-reason")  # why it has that level, with its numbered citations
    expect(card.locator(".confidence-reason")).to_have_text(reason.text_content() or "")
    expect(card.locator(".confidence-reason")).to_contain_text(re.compile(r"^Why (low|medium|high): .*\[\d+\]"))
    cited = [a.get_attribute("href") for a in reason.locator("sup.cite a").all()]
    assert cited and [a.get_attribute("href") for a in card.locator(".confidence-reason sup.cite a").all()] == cited
    page.keyboard.press("Escape")
    expect(card).to_have_count(0)


def test_without_javascript_a_citation_jumps_to_its_reference(reader: Reader) -> None:
    page = reader.open(CITING, javascript=False)
    link, number = first_citation(page)
    link.click()
    page.wait_for_url(re.compile(f"#{number}$"))
    expect(page.locator(".preview")).to_have_count(0)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_open_card_has_no_accessibility_violations(reader: Reader, axe_source: str, scheme: str) -> None:
    page = reader.open(CITING, scheme=scheme)
    link, number = first_citation(page)
    page.keyboard.press("Tab")
    link.focus()
    expect_reference_card(page, number)
    violations = [v for v in axe_violations(page, axe_source) if v["impact"] in SERIOUS]
    assert violations == [], violations


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_open_position_card_with_its_reason_has_no_accessibility_violations(
    reader: Reader, axe_source: str, scheme: str
) -> None:
    page = reader.open(CITING, scheme=scheme)
    link = page.locator(".history a[href^='#position-']").first
    link.scroll_into_view_if_needed()
    link.hover()
    card = page.get_by_role("dialog", name=re.compile(r"^Position [A-Z]$"))
    expect(card.locator(".confidence-reason")).to_be_visible()
    violations = [v for v in axe_violations(page, axe_source) if v["impact"] in SERIOUS]
    assert violations == [], violations


def expect_claim_card(page: Page, link: Locator) -> Locator:
    """The open card names the position and shows the claim, confidence and reason of the position the link goes
    to, as its own page states them."""
    name = (link.text_content() or "").strip()
    card = page.get_by_role("dialog", name=name)
    expect(card).to_be_visible()
    href = link.get_attribute("href") or ""
    target = reader_page_of(page, link)
    section = target.locator("#" + href.split("#")[1])
    claim = section.locator("h2").inner_text().split(":", 1)[1].strip()
    expect(card.locator(".preview-claim")).to_have_text(claim)
    expect(card.locator(".confidence")).to_have_text(section.locator(".position-meta .confidence").text_content() or "")
    # and why it has that level, as the page says it, without the page's citation numbers (the card's link leads there)
    reason = re.sub(r"\s*\[\d+\]", "", section.locator(".confidence-reason").inner_text())
    expect(card.locator(".confidence-reason")).to_have_text(" ".join(reason.split()))
    expect(card.get_by_role("link", name=f"Go to {name}")).to_have_attribute("href", href)
    target.close()
    return card


def reader_page_of(page: Page, link: Locator) -> Page:
    """The page the link goes to, opened beside (what a reader finds there when they follow it)."""
    other = page.context.new_page()
    other.goto(link.evaluate("(a) => a.href"))
    return other


THREAD = "threads/scaling-laws-debate/"


def test_a_matrix_cell_previews_its_claim_by_mouse_keyboard_and_touch(reader: Reader) -> None:
    page = reader.open(THREAD, width=1366, height=900)
    link = page.locator("table.matrix td a").first
    column = link.evaluate("(a) => a.closest('table').tHead.rows[0].cells[a.closest('td').cellIndex].textContent")
    anchor = (link.get_attribute("href") or "").split("#")[1]
    link.scroll_into_view_if_needed()
    link.hover()
    card = expect_claim_card(page, link)
    expect(card.locator(".preview-question")).to_have_text(column.strip())  # which question, whatever the scroll
    at, box = link.bounding_box(), card.bounding_box()
    assert at and box and box["x"] >= 0 and box["x"] + box["width"] <= 1366
    assert abs(box["y"] - (at["y"] + at["height"])) < 12 or abs(box["y"] + box["height"] - at["y"]) < 12, (at, box)
    page.mouse.move(5, 5)
    expect(card).to_be_hidden()
    page.keyboard.press("Tab")
    link.focus()
    card = expect_claim_card(page, link)
    expect(link).to_have_accessible_description(re.compile(re.escape(card.locator(".preview-claim").inner_text())))
    page.keyboard.press("Escape")
    expect(card).to_have_count(0)
    page.keyboard.press("Enter")  # the link itself still goes to the position
    page.wait_for_url(re.compile(f"#{anchor}$"))

    phone = reader.open(THREAD, width=360, height=740, touch=True)
    cells = phone.locator("table.matrix td a")
    far = cells.last  # in a column reached by scrolling the table sideways
    far.scroll_into_view_if_needed()
    url = phone.url
    far.tap()
    card = expect_claim_card(phone, far)
    assert phone.url == url
    box = card.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 361 and abs(box["y"] + box["height"] - 740) < 2
    card.get_by_role("link", name=re.compile("^Go to Position")).tap()
    phone.wait_for_url(re.compile("#position-[a-z]$"))


def test_an_update_previews_the_claim_of_the_position_it_moved(reader: Reader) -> None:
    page = reader.open("updates/")
    link = page.locator(".update-title a[data-claim]").first
    link.scroll_into_view_if_needed()
    link.hover()
    expect_claim_card(page, link)
    page.keyboard.press("Escape")
    expect(page.locator(".preview")).to_have_count(0)


def test_without_javascript_a_matrix_cell_goes_to_the_position(reader: Reader) -> None:
    page = reader.open(THREAD, javascript=False)
    link = page.locator("table.matrix td a").first
    href = link.get_attribute("href") or ""
    link.click()
    page.wait_for_url(re.compile(re.escape(href.split("/")[-1]) + "$"))
    expect(page.locator(".preview")).to_have_count(0)
