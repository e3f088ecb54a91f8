"""Every page kind at phone and desktop widths, light and dark: no sideways scrolling, readable
contrast, and a screenshot of each under test-artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import PAGES, Reader

OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  const scrollsOnItsOwn = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    if (scrollsOnItsOwn(el)) continue;  // e.g. the thread matrix: a focusable region that scrolls sideways
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && getComputedStyle(el).position !== "absolute") {
      wide.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(box.right)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: width, wide: wide.slice(0, 5)};
}"""

COLOURS = """(selector) => {
  const el = document.querySelector(selector);
  let node = el, background = "rgba(0, 0, 0, 0)";
  while (node) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg && !bg.endsWith(", 0)") && bg !== "transparent") { background = bg; break; }
    node = node.parentElement;
  }
  return {color: getComputedStyle(el).color, background};
}"""


def _rgb(css: str) -> tuple[float, float, float]:
    red, green, blue = (float(v) for v in re.findall(r"[\d.]+", css)[:3])
    return red, green, blue


def luminance(css: str) -> float:
    """WCAG relative luminance of a CSS ``rgb()``/``rgba()`` colour."""

    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in _rgb(css))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("kind", PAGES)
def test_screenshots_at_phone_and_desktop_width_light_and_dark(
    reader: Reader, kind: str, artifacts: Callable[[str], Path]
) -> None:
    for width in (360, 1280):
        for scheme in ("light", "dark"):
            page = reader.open(PAGES[kind], width=width, scheme=scheme, status=404 if kind == "404" else 200)
            if kind == "search":
                page.locator(".search-result").first.wait_for()
            target = artifacts(f"screenshots/{kind}-{width}-{scheme}.png")
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 1000


@pytest.mark.parametrize("kind", PAGES)
def test_nothing_overflows_horizontally_at_360_px(reader: Reader, kind: str) -> None:
    page = reader.open(PAGES[kind], width=360, height=740, status=404 if kind == "404" else 200)
    if kind == "search":
        page.locator(".search-result").first.wait_for()
    layout = page.evaluate(OVERFLOWING)
    assert layout["scrollWidth"] <= layout["clientWidth"], layout
    assert layout["wide"] == [], layout


BODY_TEXT = {
    "index": ".thread-summary > p",
    "controversy": "article > p:not([class])",
    "proponent": ".holding-claim",
    "sources": ".ref-details",
}
"""The element holding the running text of each page kind."""


@pytest.mark.parametrize("kind", BODY_TEXT)
def test_dark_mode_follows_the_system_and_keeps_body_text_readable(reader: Reader, kind: str) -> None:
    backgrounds = {}
    for scheme in ("light", "dark"):
        page = reader.open(PAGES[kind], scheme=scheme)
        body = page.evaluate(COLOURS, BODY_TEXT[kind])
        lede = page.evaluate(COLOURS, "main .lede")
        backgrounds[scheme] = luminance(body["background"])
        assert contrast(body["color"], body["background"]) >= 7, (scheme, body)  # WCAG AAA for body text
        assert contrast(lede["color"], lede["background"]) >= 4.5, (scheme, lede)  # AA for secondary text
    assert backgrounds["light"] > 0.8 and backgrounds["dark"] < 0.05, backgrounds


def test_a_controversy_prints_with_its_references_and_their_urls(
    reader: Reader, artifacts: Callable[[str], Path]
) -> None:
    page = reader.open(PAGES["controversy"])
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => [".site-search", ".navbar", ".breadcrumbs", ".backlinks", ".copy-link"].map(
             (s) => [s, [...document.querySelectorAll(s)].every((el) => getComputedStyle(el).display === "none")])"""
    )
    assert all(gone for _, gone in hidden), hidden
    references = page.evaluate(
        """() => [...document.querySelectorAll(".references a.ref-title")].map(
             (a) => [a.href, getComputedStyle(a, "::after").content])"""
    )
    assert len(references) >= 6  # every source with a URL on the page (the reference text had six)
    for href, printed in references:
        assert printed == f'" <{href}>"', "each reference prints its URL after its title"
    pdf = artifacts("print/controversy.pdf")
    page.pdf(path=str(pdf), format="A4", print_background=False)
    assert pdf.stat().st_size > 5000


@pytest.mark.parametrize("kind", PAGES)
def test_no_console_errors_and_no_failed_requests(reader: Reader, kind: str) -> None:
    """Served under a strict CSP, so inline code or a resource from elsewhere would show up here too."""
    for scheme in ("light", "dark"):
        page = reader.open(PAGES[kind], scheme=scheme, status=404 if kind == "404" else 200)
        page.wait_for_load_state("networkidle")
        if kind == "search":
            page.locator(".search-result").first.wait_for()
    assert reader.problems.items == []


def test_the_matrix_keeps_its_labels_after_a_sideways_scroll_at_360_px(reader: Reader) -> None:
    page = reader.open(PAGES["thread"], width=360, height=740)
    wrap = page.locator(".matrix-wrap")
    wrap.scroll_into_view_if_needed()
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth + 100"), "the matrix should be wider than a phone"
    assert "radial-gradient" in wrap.evaluate("el => getComputedStyle(el).backgroundImage")  # the cue that it scrolls
    box = wrap.bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + min(box["height"], 740 - box["y"]) / 2)
    page.mouse.wheel(500, 0)
    page.wait_for_function("() => document.querySelector('.matrix-wrap').scrollLeft > 200")
    label = """([x, y]) => {
      const cell = document.elementFromPoint(x, y)?.closest("th");
      return cell && cell.textContent.trim();
    }"""
    for row in (page.locator("table.matrix tbody th").first, page.locator("table.matrix thead th").first):
        row.scroll_into_view_if_needed()
        cell = row.bounding_box()
        assert cell and abs(cell["x"] - box["x"]) < 2, (cell, box)  # still at the left edge of the table's box
        name = row.inner_text().strip()
        assert page.evaluate(label, [cell["x"] + 4, cell["y"] + cell["height"] / 2]) == name  # on top, not covered
    assert wrap.evaluate("el => el.scrollLeft") > 200  # the table is still scrolled sideways
    # Scrolled down inside its box, the header row stays too.
    if wrap.evaluate("el => el.scrollHeight > el.clientHeight"):
        wrap.evaluate("el => { el.scrollTop = el.scrollHeight; }")
        top = page.locator("table.matrix thead th").nth(1).bounding_box()
        inner = wrap.bounding_box()
        assert top and inner and abs(top["y"] - inner["y"]) < 2, (top, inner)


def test_the_methodology_pages_sample_label_sits_in_its_sentence(reader: Reader) -> None:
    """'…its reference carries a Reliability: note saying so' reads as one line of text, not three blocks."""
    page = reader.open(PAGES["methodology"])
    sample = page.locator(".methodology p .reliability")
    assert sample.evaluate("(el) => getComputedStyle(el).display") == "inline"
    box, line = sample.bounding_box(), sample.locator("xpath=..").bounding_box()
    assert box and line and box["height"] < 2 * 28 and box["x"] > line["x"]  # after the words before it
