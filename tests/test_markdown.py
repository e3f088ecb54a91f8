"""The Markdown parser: citations with lines and sections, unsafe links reported, HTML escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.markdown import _markdown_reason, _plain_reason, parse_body, parse_reason, render_body, render_reason
from ledger.pipeline import Options, build

from .helpers import html, make_content, text


def test_citations_in_reading_order_with_lines_and_sections() -> None:
    body, errors = parse_body("Intro [@a].\n\n## Key Tensions\n\nOne\ntwo [@b; @c] `[@not-code]`\n", "x.md", 5)
    assert errors == []
    assert [(c.source, c.line, c.section) for c in body.citations] == [
        ("a", 5, ""),
        ("b", 10, "Key Tensions"),
        ("c", 10, "Key Tensions"),
    ]


def test_render_numbers_citations_and_anchors_headings() -> None:
    body, _ = parse_body("## Key Tensions\n\nSee [@a] and [@a].\n", "x.md", 1)
    html = render_body(body)
    assert '<h2 id="key-tensions">Key Tensions</h2>' in html
    assert '<sup class="cite"><a href="#ref-1" id="cite-1-1">[1]</a></sup>' in html
    assert 'id="cite-1-2"' in html


def test_unsafe_links_are_errors_and_never_rendered() -> None:
    body, errors = parse_body(
        "ok [a](https://x.org) [b](/rel)\n[c](javascript:alert(1)) ![i](data:image/png;base64,xx)\n", "x.md", 1
    )
    assert [str(e) for e in errors] == [
        "x.md:2: link to 'javascript:alert(1)' is not allowed: use an http(s) URL or a relative link",
        "x.md:2: link to 'data:image/png;base64,xx' is not allowed: use an http(s) URL or a relative link",
    ]
    html = render_body(body)
    assert "javascript:" not in html and "data:" not in html
    assert 'href="https://x.org"' in html


def test_raw_html_is_an_error_and_never_markup() -> None:
    body, errors = parse_body('<script>alert(1)</script>\n\nA <a href="javascript:x">y</a> and <B>z</B>.\n', "x.md", 1)
    assert [str(e) for e in errors] == [
        "x.md:1: raw HTML <script> is not allowed in a body: remove it",
        "x.md:3: raw HTML <a> is not allowed in a body: write a link, [text](https://…) instead",
        "x.md:3: raw HTML <b> is not allowed in a body: write **bold** instead",
    ]
    html = render_body(body)
    assert "<script>" not in html and "<a " not in html and "<B>" not in html
    assert "&lt;script&gt;" in html


def test_text_that_only_looks_like_html_is_not_an_error() -> None:
    markdown = "a < b, <5%, 3<4, <https://example.org/>, `<b>` [@a]\n\n```\n<div>x</div>\n```\n\n    <p>indented</p>\n"
    body, errors = parse_body(markdown, "x.md", 1)
    assert errors == []
    html = render_body(body)
    assert "a &lt; b, &lt;5%, 3&lt;4" in html and '<a href="https://example.org/">' in html
    assert "<code>&lt;b&gt;</code>" in html and "&lt;div&gt;x&lt;/div&gt;" in html


def test_a_closing_tag_is_reported_once_with_its_opening_tag_or_alone() -> None:
    _, errors = parse_body("<em>a</em> <em>b</em>\n\nthen </strong> alone\n", "x.md", 1)
    assert [str(e) for e in errors] == [
        "x.md:1: raw HTML <em> is not allowed in a body: write *italics* instead",
        "x.md:1: raw HTML <em> is not allowed in a body: write *italics* instead",
        "x.md:3: raw HTML </strong> is not allowed in a body: write **bold** instead",
    ]


def test_images_from_other_sites_are_errors_and_site_images_are_kept() -> None:
    """The pages' CSP loads images from the site only: a hotlinked image would silently not show."""
    markdown = "Text.\n\n![chart](https://example.org/c.png) ![logo](../../static/favicon.svg)\n"
    body, errors = parse_body(markdown, "x.md", 4)
    assert [str(e) for e in errors] == [
        "x.md:6: image 'https://example.org/c.png' is on another site: pages load images from the site only "
        "(its Content-Security-Policy); link to it instead, [text](url)"
    ]
    html = render_body(body)
    assert "example.org" not in html and 'src="../../static/favicon.svg"' in html


def test_duplicate_headings_get_numbered_ids_quickly() -> None:
    """Ids as mdit-py-plugins' anchors gave them, without its retry from 1 for every duplicate (minutes for 20,000)."""
    body, _ = parse_body("## A\n\n## A\n\n## A-1\n\n## A\n\n### `x` y\n\n## \n" + "## B\n" * 20_000, "x.md", 1)
    html = render_body(body)
    assert [line.split('"')[1] for line in html.splitlines()[:6]] == ["a", "a-1", "a-1-1", "a-2", "x-y", "section"]
    assert 'id="b-19999"' in html


def test_citation_markers_without_a_closing_bracket_are_text() -> None:
    """``[@a[@a…`` once made the citation rule rescan the rest of the body at every ``[@`` (quadratic)."""
    body, errors = parse_body("[@a" * 30_000 + " and [@b]\n", "x.md", 1)
    assert errors == [] and [c.source for c in body.citations] == ["b"]


def test_editorial_marker_is_a_label_not_a_reference() -> None:
    """``[@editorial]`` marks the Ledger's own synthesis: shown as such, never numbered or cited."""
    body, errors = parse_body("How A and B relate [@editorial].\n\nA fact [@a; @editorial].\n", "x.md", 1)
    assert errors == []
    assert [c.source for c in body.citations] == ["a"]
    html = render_body(body)
    assert html.count('<small class="synthesis"') == 2
    assert "[Ledger synthesis" in html and "adds no fact of its own" in html
    assert '<sup class="cite"><a href="#ref-1" id="cite-1-1">[1]</a></sup>' in html and "ref-2" not in html


def test_editorial_paragraph_is_labelled_on_the_page_and_absent_from_references(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    second = content / "controversies" / "second.md"
    second.write_text(second.read_text() + "\nPositions A and B differ on timing [@editorial].\n")
    out = tmp_path / "site"
    build(Options(content=content, out=out))
    page = html(out / "controversies/second/index.html")
    (label,) = page.xpath("//article//p[contains(., 'differ on timing')]/small[@class='synthesis']")
    assert text(label).startswith("[Ledger synthesis") and "adds no fact of its own" in label.get("title")
    references = page.xpath("//section[@class='references']//li")
    assert [text(li.xpath(".//*[@class='ref-title']")[0]) for li in references] == ["A Third Book"]


REASONS = [
    "High because two trials agree [@a] and none disagrees [@b].",
    'Medium: the "0.5%" figure is one lab\'s own [@a; @b], and #3 on a list, 10 % or $5 (est.) [@c]',
    "Low because it rests on an argument [@a]; nothing measured it",
    "[@a] Low, and “quoted” words, a/b, x=y, 1. two (three) {four} [@b][@c]",
    "Medium because it is *partly* shown [@a]",
    "Low because of `code` [@a] and a [link](https://example.org/x) [@b]",
    "High although a < b & c > d [@a]",
    "Medium because \\[@a] is escaped [@b] and ~~struck~~ [@c]",
    "Low because the line\nbreaks [@a]",
    "Low [@a[@b]] and [@c",
]


@pytest.mark.parametrize("text", REASONS)
def test_a_reason_is_rendered_the_same_by_the_parser_and_the_plain_text_path(text: str) -> None:
    """Plain reasons skip the parser: both ways must give the same HTML and citations, byte for byte."""
    errors: list = []
    parsed = _markdown_reason(text, "x.md", 3, "confidence_reason", errors)
    plain = _plain_reason(text)
    if plain is not None:
        assert plain == parsed
    else:
        assert set(text) & set("*_`<>&\\[]!~\n"), "a plain reason went to the parser"
    reason, _ = parse_reason(text, "x.md", 3)
    assert (reason.html, [c.source for c in reason.citations]) == parsed


def test_a_reason_gets_its_page_numbers_when_rendered() -> None:
    reason, errors = parse_reason("High because two trials agree [@a; @b] and one disagrees [@a].", "x.md", 4)
    assert errors == [] and [(c.source, c.line) for c in reason.citations] == [("a", 4), ("b", 4), ("a", 4)]
    html = render_reason(reason, [(2, "cite-2-3"), (5, "cite-5-1"), (2, "cite-2-4")])
    assert html == (
        'High because two trials agree <sup class="cite"><a href="#ref-2" id="cite-2-3">[2]</a></sup>'
        '<sup class="cite"><a href="#ref-5" id="cite-5-1">[5]</a></sup> and one disagrees '
        '<sup class="cite"><a href="#ref-2" id="cite-2-4">[2]</a></sup>.'
    )
    styled, _ = parse_reason('Low <script>x</script> "because" *one* [@a]', "x.md", 1)
    shown = render_reason(styled, [(1, "cite-1-1")])
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "<em>one</em>" in shown
