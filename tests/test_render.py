"""The shipped site as a reader sees it: the reference controversy, its cross-links, every page kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ledger.errors import ContentErrors
from ledger.pipeline import Options, build

from .helpers import broken_links, follow, html, make_content, page_file, text

CONTROVERSY = "controversies/scaling-laws-hitting-a-wall/"
THREAD_TITLE = "The Scaling Laws Debate: Will Bigger Always Mean Better?"

# The reference page (seeds/003), position by position: letter, claim, confidence, proponents. Its
# claims are the reference text's; proponents, confidence and sources are those the cited sources
# support (issue 14 corrected the reference text's unsourced ones).
POSITIONS = [
    (
        "A",
        "Scaling continues to produce meaningful gains — apparent plateaus are temporary and will be overcome by "
        "next-generation compute and data",
        "Medium",
        ["OpenAI leadership", "Dario Amodei", "Oriol Vinyals"],
    ),
    (
        "B",
        "Training-time scaling is hitting diminishing returns, but test-time compute (reasoning) and efficiency "
        "improvements open new productive axes",
        "Medium",
        ["Ilya Sutskever"],
    ),
    (
        "C",
        "The current paradigm (transformers + language modeling) is approaching fundamental limits that no amount of "
        "scale, efficiency, or inference compute can overcome",
        "Low",
        ["Gary Marcus"],
    ),
    (
        "D",
        "Scaling laws hold for training loss but not for meaningful capabilities — benchmark improvements don't "
        "translate to real-world utility gains at the same rate",
        "Medium",
        ["Ilya Sutskever", "Evaluation researchers"],
    ),
]


@pytest.fixture(scope="module")
def page(shipped_site: Path):
    return html(page_file(shipped_site, CONTROVERSY))


def test_title_and_thread_sentence_without_doubled_article(page) -> None:
    assert text(page.xpath("//h1")[0]) == "Are Scaling Laws Hitting a Wall?"
    kicker = page.xpath("//p[@class='kicker']")[0]  # above the title; the summary is the lede (issue 18)
    assert text(kicker) == f"A multi-axis controversy in {THREAD_TITLE} thread · Opened 9 November 2024"
    assert "the The" not in text(page)
    (link,) = kicker.xpath(".//a")
    assert link.get("href") == "../../threads/scaling-laws-debate/"


def test_sections_from_the_reference(page) -> None:
    headings = [text(h) for h in page.xpath("//article//h2[not(ancestor::section[@class='what-changed'])]")]
    assert headings[:3] == ["Context", "Key Tensions", "Status"]
    body = text(page)
    for tension in (
        "Training vs. inference scaling:",
        "Benchmark improvement vs. real-world utility:",
        "The DeepSeek challenge:",
    ):
        assert tension in body
    assert "none rules one out" in body
    assert "As of 6 December 2026, its last review." in body
    # Every paragraph of the text cites at least one source (issue 14: the reference text cited none).
    paragraphs = page.xpath("//article/p[not(@class)]")
    assert len(paragraphs) >= 8
    for paragraph in paragraphs:
        assert paragraph.xpath(".//sup[@class='cite']"), text(paragraph)[:60]


@pytest.mark.parametrize(("letter", "claim", "confidence", "proponents"), POSITIONS)
def test_each_position_shows_claim_confidence_proponents(page, letter, claim, confidence, proponents) -> None:
    (section,) = page.xpath(f"//section[@id='position-{letter.lower()}']")
    assert text(section.xpath(".//h2")[0]) == f"Position {letter}: {claim}"
    assert text(section.xpath(".//*[contains(@class, 'confidence')]")[0]) == f"Confidence: {confidence}"
    assert [text(a) for a in section.xpath(".//a[@class='chip']")] == proponents


def test_every_proponent_link_leads_to_a_page_listing_that_position(shipped_site: Path, page) -> None:
    for section in page.xpath("//section[@class='position']"):
        anchor = section.get("id")
        for chip in section.xpath(".//a[@class='chip']"):
            proponent = html(follow(shipped_site, "/" + CONTROVERSY, chip.get("href")))
            hrefs = proponent.xpath("//li[@class='holding']/a/@href")
            assert f"../../{CONTROVERSY}#{anchor}" in hrefs, chip.get("href")


def test_references_numbered_in_reading_order_with_backlinks(page) -> None:
    items = page.xpath("//section[@class='references']//li")
    assert [li.get("id") for li in items] == [f"ref-{n}" for n in range(1, len(items) + 1)]
    # Numbered as the reader meets them: the text first, then the positions.
    first = items[0].xpath(".//a[@class='ref-title']")[0]
    assert (text(first), first.get("href")) == (
        "Deep Learning Scaling is Predictable, Empirically (Hestness et al.)",
        "https://arxiv.org/abs/1712.00409",
    )
    # The last reference is first met in the last position (its reason or its sources list).
    last_position = page.xpath("//section[@class='position']")[-1]
    for back in items[-1].xpath(".//span[@class='backlinks']/a"):
        (cited,) = page.xpath(f"//*[@id='{back.get('href')[1:]}']")
        assert cited.xpath(f"ancestor::section[@id='{last_position.get('id')}']"), text(back)
    for li in items:
        backlinks = li.xpath(".//span[@class='backlinks']/a[starts-with(@href, '#')]")
        assert backlinks, li.get("id")
        for back in backlinks:
            (cited,) = page.xpath(f"//*[@id='{back.get('href')[1:]}']")
            where = text(back).removeprefix("↩ ")
            if (position := re.fullmatch(r"(?:Position|Why) ([A-Z])\b.*", where)) is not None:
                section = f"ancestor::section[@id='position-{position[1].lower()}']"
                assert cited.xpath(section), li.get("id")
                assert bool(cited.xpath("ancestor::p[@class='confidence-reason']")) == where.startswith("Why")


def test_position_sources_link_to_their_reference_numbers(page) -> None:
    for section in page.xpath("//section[@class='position']"):
        letter = section.get("id")[-1].upper()
        numbers = [a.get("href") for a in section.xpath(".//ul[@class='position-sources']/li/a")]
        assert numbers, letter
        for number in numbers:
            (li,) = page.xpath(f"//li[@id='{number[1:]}']")
            assert f"↩ Position {letter}" in [text(a) for a in li.xpath(".//span[@class='backlinks']/a")]


def test_index_and_thread_list_the_controversy(shipped_site: Path) -> None:
    index = html(shipped_site / "index.html")
    rows = index.xpath("//table[@class='controversies']//tr[th[@scope='row']]")
    (row,) = [r for r in rows if text(r[0]) == "Are Scaling Laws Hitting a Wall?"]
    # the date of its last recorded change (the last of its History), not of its last review
    page = html(shipped_site / CONTROVERSY / "index.html")
    last = text(page.xpath("//ol[@class='history-log']/li[last()]/time")[0])
    assert [text(cell) for cell in row] == ["Are Scaling Laws Hitting a Wall?", "Contested", "4", last]
    assert index.xpath(f"//h2/a[text()='{THREAD_TITLE}']/@href") == ["threads/scaling-laws-debate/"]
    thread = html(shipped_site / "threads/scaling-laws-debate/index.html")
    assert "../../" + CONTROVERSY in thread.xpath("//table[@class='controversies']//a/@href")


def test_sources_page_lists_who_cites_each_source(shipped_site: Path) -> None:
    sources = html(shipped_site / "sources/index.html")
    (kaplan,) = sources.xpath("//li[@id='source-kaplan-2020-scaling-laws']")
    assert f"../{CONTROVERSY}#ref-2" in kaplan.xpath(".//ul[@class='citing-pages']/li/a/@href")


def test_header_links_rss_and_github_and_autodiscovers_feeds(shipped_site: Path) -> None:
    for file in shipped_site.rglob("*.html"):
        page = html(file)
        links = {text(a): a.get("href") for a in page.xpath("//header//a")}
        assert links["GitHub"] == "https://github.com/the-ledger/ledger", file
        assert links["RSS"].endswith("feeds/"), file  # the page explaining feeds, not raw XML
        types = page.xpath("//link[@rel='alternate']/@type")
        assert "application/rss+xml" in types and "application/atom+xml" in types, file


def test_every_internal_link_resolves(shipped_site: Path) -> None:
    assert broken_links(shipped_site) == []


def test_see_also_is_symmetric(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(Options(content=make_content(tmp_path / "content"), out=out))
    first = html(out / "controversies/first/index.html")
    second = html(out / "controversies/second/index.html")
    assert first.xpath("//section[@class='see-also']//a/@href") == ["../../controversies/second/"]
    assert second.xpath("//section[@class='see-also']//a/@href") == ["../../controversies/first/"]


def test_body_citations_number_before_position_sources(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(Options(content=make_content(tmp_path / "content"), out=out))
    page = html(out / "controversies/first/index.html")
    # Body: post-two, book-three, paper-one, post-two again; then A's and B's reasons cite paper-one, and the
    # positions' sources lists paper-one and post-two (no new numbers).
    assert [a.text for a in page.xpath("//sup[@class='cite']/a")] == ["[1]", "[2]", "[3]", "[1]", "[3]", "[3]"]
    refs = page.xpath("//section[@class='references']//li")
    assert [text(li.xpath(".//*[@class='ref-title']")[0]) for li in refs] == [
        "A Second Post",
        "A Third Book",
        "The First Paper",
    ]
    backlinks = [text(a) for a in refs[0].xpath(".//span[@class='backlinks']/a[starts-with(@href, '#')]")]
    assert backlinks == ["↩ Context", "↩ Status", "↩ Position A"]
    assert broken_links(out) == []


def test_raw_html_in_markdown_is_refused_and_never_published(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    second = content / "controversies" / "second.md"
    second.write_text(second.read_text() + "\n<script>alert(1)</script> <img src=x onerror=alert(2)>\n")
    out = tmp_path / "site"
    with pytest.raises(ContentErrors) as raised:
        build(Options(content=content, out=out))
    assert [e.message.split(":")[0] for e in raised.value.errors] == ["raw HTML <script> is not allowed in a body"]
    assert not out.exists()


def test_pages_listing_every_record_are_made_in_pieces_that_join_to_the_whole_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bibliography of a large record is never one string in a worker; its bytes are the rendered page's."""
    from ledger import pages, render
    from ledger.link import link
    from ledger.pipeline import PROJECT
    from ledger.plan import check

    site, _ = check(Options(content=PROJECT / "content"))
    made = pages.jobs(site, link(site), PROJECT / "templates")
    streamed = {file: made[file].make() for file in ("sources/index.html", "index.html", "updates/index.html")}
    assert not any(isinstance(pieces, str | bytes) for pieces in streamed.values())
    monkeypatch.setattr(render, "STREAMED", frozenset())
    for file, pieces in streamed.items():
        whole = made[file].make()
        assert isinstance(whole, str)
        assert render.file_bytes(pieces) == whole.encode("utf-8"), file
    text = ["é" * 3, "x" * 10, "€", "", "z" * 7]  # pieces end between characters, never inside one
    assert list(render.in_pieces(text, size=5)) == [b"\xc3\xa9" * 3 + b"x" * 10, "€".encode() + b"z" * 7]


def test_a_reference_keeps_its_source_id_anchor_when_a_new_citation_renumbers_the_list(tmp_path: Path) -> None:
    """``#ref-<source-id>`` is what a reader should share; ``#ref-<n>`` still works but follows the numbering."""

    def reference(content: Path, anchor: str) -> str:
        build(Options(content=content, out=tmp_path / "site"))
        page = html(tmp_path / "site" / "controversies" / "first" / "index.html")
        assert len(page.xpath("//*[@id]")) == len(set(page.xpath("//*[@id]/@id")))
        (item,) = page.xpath("//section[@class='references']//li[@id=$a or .//*[@id=$a]]", a=anchor)
        return text(item.xpath(".//*[@class='ref-title']")[0])

    content = make_content(tmp_path / "content")
    assert reference(content, "ref-1") == reference(content, "ref-post-two") == "A Second Post"
    first = content / "controversies" / "first.md"
    first.write_text(first.read_text().replace("## Context\n\n", "## Context\n\nFirst of all [@paper-one].\n\n"))
    assert reference(content, "ref-post-two") == "A Second Post"
    assert reference(content, "ref-1") == "The First Paper"


def _pages(content: Path) -> dict[str, bytes]:
    """Every HTML page of ``content``, rendered with the environment ``render`` makes now."""
    from ledger import pages, render
    from ledger.link import link
    from ledger.pipeline import PROJECT
    from ledger.plan import check

    render.compiled.cache_clear()
    site, _ = check(Options(content=content))
    made = pages.jobs(site, link(site), PROJECT / "templates")
    return {file: render.file_bytes(job.make()) for file, job in made.items() if file.endswith((".html", ".xml"))}


def test_pages_are_the_bytes_stock_jinja_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``{{ value }}`` writes escaped text without wrapping each value in ``Markup`` (``render._Generator``) and
    functions and macros are called without asking whether they want the context (``render._Context``): the shipped
    site and a site with markup characters in every field are byte for byte what Jinja itself makes."""
    import jinja2

    from ledger import render
    from ledger.pipeline import PROJECT

    from .safety import hostile_content

    hostile = hostile_content(tmp_path / "content", text='Tom & "Jerry\'s" > 1 < 2')
    ours = {name: _pages(content) for name, content in [("shipped", PROJECT / "content"), ("hostile", hostile)]}
    monkeypatch.setattr(render, "_Environment", jinja2.Environment)
    try:
        stock = {name: _pages(content) for name, content in [("shipped", PROJECT / "content"), ("hostile", hostile)]}
    finally:
        render.compiled.cache_clear()
    assert ours == stock
    assert b"Tom &amp; &#34;Jerry&#39;s&#34; &gt; 1 &lt; 2" in ours["hostile"]["index.html"]


def test_a_value_is_written_as_markupsafe_escapes_it() -> None:
    from markupsafe import Markup, escape

    from ledger.render import _escaped

    class Safe:
        def __html__(self) -> str:
            return "<i>kept</i>"

    for value in ["<a href='x'>&\"", Markup("<em>safe</em>"), 42, None, Safe(), "", "plain"]:
        assert _escaped(value) == str(escape(value))
