"""The sources page quotes what each place citing a source says there, linked to that very citation."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html

from ledger.pipeline import Options, build
from ledger.quotes import LONGEST, body_sentences

from .helpers import html, make_content, page_file, text

CITE = '<sup class="cite"><a href="#ref-{n}" id="cite-{n}-{m}">[{n}]</a></sup>'


def _cite(n: int, m: int = 1) -> str:
    return CITE.format(n=n, m=m)


def test_each_citation_is_quoted_with_its_own_sentence() -> None:
    body = (
        f"<p>Kaplan et al. found a power law {_cite(1)}. Hoffmann et al. disagreed on the ratio. {_cite(2)} "
        f'Critics said "it will stop. Soon." and moved on {_cite(3)}.</p>\n'
        f"<ul>\n<li>A list item, e.g. this one, cites too {_cite(1, 2)}"
        '<sup class="citation-needed" title="x">[citation needed]</sup></li>\n</ul>\n'
        f"<p><strong>Lead:</strong> The &quot;bold-led&quot; paragraph {_cite(4)}; it goes on.</p>"
    )
    assert body_sentences(body) == {
        "cite-1-1": "Kaplan et al. found a power law.",  # "et al." ends no sentence
        "cite-2-1": "Hoffmann et al. disagreed on the ratio.",  # a citation after the full stop cites it
        "cite-3-1": 'Critics said "it will stop. Soon." and moved on.',  # nor does a full stop inside quotes
        "cite-1-2": "A list item, e.g. this one, cites too",  # a paragraph's or list item's end ends it
        "cite-4-1": 'Lead: The "bold-led" paragraph; it goes on.',
    }


def test_a_long_sentence_is_cut_at_a_word() -> None:
    long = " ".join(["word"] * 200)
    (quote,) = body_sentences(f"<p>{long} {_cite(1)}.</p>").values()
    assert len(quote) <= LONGEST + 2 and quote.endswith("word …")


def _places(site: Path) -> list[tuple[str, str, str]]:
    """(source id, quote, link) of every citing place the sources page quotes."""
    page = html(site / "sources/index.html")
    return [
        (a.xpath("ancestor::li[starts-with(@id, 'source-')]/@id")[0], text(a), a.get("href"))
        for a in page.xpath("//a[@class='citing-sentence']")
    ]


def _plain(element: lxml.html.HtmlElement) -> str:
    """What a reader reads, with the reference marks ([3]) and markers left out."""
    plain = re.sub(r"\s*\[(\d+|citation needed)\]| → Position [A-Z]\b", "", text(element))
    return plain.replace("“", '"').replace("”", '"')


def test_every_quote_is_what_the_page_says_where_the_link_lands(shipped_site: Path) -> None:
    places = _places(shipped_site)
    assert len(places) > 300
    pages: dict[str, lxml.html.HtmlElement] = {}
    for source, quote, href in places:
        path, anchor = href.split("#")
        assert path.startswith("../controversies/"), href
        if path not in pages:
            pages[path] = html(page_file(shipped_site, path.removeprefix("..")))
        (target,) = pages[path].xpath(f"//*[@id='{anchor}']")
        assert re.search(r"#ref-(\d+)$", target.get("href") or "#ref-0") or target.tag == "li", href
        said = quote.removesuffix(" …")
        # the quote is in the paragraph, list item or position the citation stands in
        holders = target.xpath("ancestor::p[1] | ancestor::li[1] | ancestor::section[contains(@class, 'position')]")
        assert any(said in _plain(holder) for holder in holders), (source, quote, href)


def test_the_sources_page_quotes_the_citing_sentence_of_a_body_a_reason_and_a_position(shipped_site: Path) -> None:
    page = html(shipped_site / "sources/index.html")
    (kaplan,) = page.xpath("//li[@id='source-kaplan-2020-scaling-laws']")
    (scaling,) = kaplan.xpath(".//ul[@class='citing-pages']/li[a[.='Are Scaling Laws Hitting a Wall?']]")
    places = [(text(li.xpath("span[@class='label']")[0]), text(li.xpath("a")[0])) for li in scaling.xpath(".//li")]
    assert ("Context:", 'These "scaling laws" describe loss.') in places  # in a <q>: the browser adds “ ”
    assert any(
        label == "Position D:" and quote.startswith("Scaling laws hold for training loss") for label, quote in places
    )
    (mirage,) = page.xpath("//li[@id='source-schaeffer-2023-emergent-mirage']")
    reasons = [text(a) for a in mirage.xpath(".//li[span[.='Why B is medium:']]/a")]
    controversy = html(shipped_site / "controversies/emergent-abilities-mirage/index.html")
    (why,) = controversy.xpath("//section[@id='position-b']//p[@class='confidence-reason']")
    said = _plain(why).removeprefix("Why medium: ")
    assert reasons and " ".join(reasons) == said  # its sentences, each quoted once, in order
    hrefs = mirage.xpath(".//li[span[.='Why B is medium:']]/a/@href")
    assert all(re.fullmatch(r"\.\./controversies/emergent-abilities-mirage/#cite-\d+-\d+", h) for h in hrefs)


def test_rewording_a_citing_sentence_requotes_it_and_other_edits_leave_the_sources_page(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    options = Options(content=content, out=tmp_path / "site", search=False, cache=tmp_path / "cache")
    build(options)
    sources = tmp_path / "site" / "sources" / "index.html"
    page = content / "controversies" / "first.md"
    page.write_text(page.read_text() + "\nA paragraph citing nothing.\n")
    before = sources.stat().st_ino
    build(options)
    assert sources.stat().st_ino == before  # carried over, not remade
    page.write_text(page.read_text().replace("Some context citing [@post-two]", "A reworded claim citing [@post-two]"))
    build(options)
    (entry,) = html(sources).xpath("//li[@id='source-post-two']")
    # the whole sentence, its citations left out
    assert "A reworded claim citing and then." in [text(a) for a in entry.xpath(".//a[@class='citing-sentence']")]
    build(Options(content=content, out=tmp_path / "scratch", search=False))
    assert sources.read_bytes() == (tmp_path / "scratch" / "sources" / "index.html").read_bytes()
