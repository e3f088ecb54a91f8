"""The sources page quotes what places citing a source say there, linked to that very citation; every other
citing place is one link away."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html

from ledger.pipeline import Options, build
from ledger.quotes import LONGEST, QUOTED, body_sentences
from ledger.reuse.session import BuildSession

from .helpers import MINIMAL, html, make_content, page_file, text

MINIMAL_FIRST = MINIMAL / "controversies" / "first.md"

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
    assert len(places) > 150
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
    (context,) = [text(a) for a in scaling.xpath(".//li[span[.='Context:']]/a")]
    assert context.startswith("In 2020 Kaplan et al. found that")  # "et al." ends no sentence
    assert context.endswith("training data.")  # nor does it run into the next one
    pages: dict[str, lxml.html.HtmlElement] = {}
    kinds = set()
    for place in page.xpath("//ul[@class='citing-places']/li"):
        label, quote = text(place.xpath("span[@class='label']")[0]), text(place.xpath("a")[0])
        path, anchor = place.xpath("a/@href")[0].split("#")
        if path not in pages:
            pages[path] = html(page_file(shipped_site, path.removeprefix("..")))
        if label.startswith("Position "):  # a position's sources: its claim, as its heading states it
            kinds.add("claim")
            (heading,) = pages[path].xpath(f"//*[@id='{anchor}']/ancestor::section[@class='position']/h2")
            assert text(heading) == f"{label} {quote.removesuffix(' …')}" or quote.endswith(" …"), (label, quote)
        elif label.startswith("Why "):  # a sentence of the confidence reason, whole
            kinds.add("reason")
            (reason,) = pages[path].xpath(f"//*[@id='{anchor}']/ancestor::p[@class='confidence-reason']")
            said = _plain(reason).removeprefix(f"Why {label.split()[-1].rstrip(':')}: ")
            shown = quote.removesuffix(" …")
            assert said.startswith(shown) or f". {shown}" in said, (label, quote)
        elif label.startswith("History, "):
            kinds.add("history")
        else:
            kinds.add("body")
    assert kinds == {"body", "claim", "reason", "history"}


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


def _cited(site: Path) -> dict[str, dict[str, list[str]]]:
    """Each source's citing places, as the controversy pages have them: its pages' paths (as the sources page
    links them), each with the anchors of its citations of the source in reading order."""
    cited: dict[str, dict[str, list[str]]] = {}
    for file in sorted((site / "controversies").glob("*/index.html")):
        page = html(file)
        numbers = {
            li.get("id").removeprefix("ref-"): li.xpath("span[@class='ref-anchor']/@id")[0]
            for li in page.xpath("//li[starts-with(@id, 'ref-')]")
        }
        for anchor in page.xpath("//*[starts-with(@id, 'cite-')]/@id"):
            if not re.fullmatch(r"cite-\d+-\d+", anchor):
                continue  # "Cite this page"
            number = anchor.split("-")[1]
            source = numbers[number].removeprefix("ref-")
            cited.setdefault(source, {}).setdefault(f"../controversies/{file.parent.name}/", []).append(anchor)
    for pages in cited.values():
        for anchors in pages.values():
            anchors.sort(key=lambda anchor: int(anchor.rsplit("-", 1)[1]))  # reading order: cite-<n>-<m>
    return cited


def _each_place_linked_once_and_the_first_few_quoted(site: Path) -> dict[str, lxml.html.HtmlElement]:
    """Asserts that each source's entry links every place citing it exactly once, and quotes those the page
    says it quotes: the first place of each citing page (pages in the order listed), then the second, …,
    ``QUOTED`` at most. The entries, by source id."""
    cited = _cited(site)
    entries = {
        li.get("id").removeprefix("source-"): li
        for li in html(site / "sources/index.html").xpath("//ol[@class='bibliography']/li")
    }
    assert cited and set(cited) <= set(entries)
    for source, entry in entries.items():
        pages = [
            li.xpath("a/@href")[0].split("#")[0]
            for li in entry.xpath(".//ul[@class='citing-pages']/li[a[contains(@href, 'controversies/')]]")
        ]
        assert sorted(pages) == sorted(cited.get(source, {})), source  # every citing page is listed
        linked = [href.split("#") for href in entry.xpath(".//a[contains(@href, '#cite-')]/@href")]
        expected = [[page, anchor] for page in pages for anchor in cited[source][page]]
        assert sorted(linked) == sorted(expected), source  # every place once, no other
        quoted = [href.split("#") for href in entry.xpath(".//a[@class='citing-sentence']/@href")]
        first_few: list[list[str]] = []
        rank = 0
        while len(first_few) < QUOTED and any(rank < len(cited[source][page]) for page in pages):
            first_few += [[page, cited[source][page][rank]] for page in pages if rank < len(cited[source][page])]
            rank += 1
        by_page = sorted(
            first_few[:QUOTED], key=lambda place: (pages.index(place[0]), cited[source][place[0]].index(place[1]))
        )
        assert quoted == by_page, source  # shown under their pages, in reading order
    return entries


def test_each_source_quotes_a_few_places_and_links_every_other(shipped_site: Path) -> None:
    entries = _each_place_linked_once_and_the_first_few_quoted(shipped_site)
    many = [e for e in entries.values() if len(e.xpath(".//a[contains(@href, '#cite-')]")) > QUOTED]
    assert len(many) > 20  # the cap is met on the shipped content, not only in the corpus below
    (deepseek,) = [e for e in entries.values() if e.get("id") == "source-deepseek-v3-2"]
    assert len(deepseek.xpath(".//a[@class='citing-sentence']")) == QUOTED
    assert len(deepseek.xpath(".//span[@class='citing-more']//a")) > 10


def _many(content: Path) -> Path:
    """The minimal content and six more pages citing its sources, each in seven places (titled "A Question n of Many?",
    listed first)."""
    first = (MINIMAL_FIRST).read_text(encoding="utf-8").replace("see_also: [second]\n", "")
    first = first.replace(
        "## Status", "## Key Tensions\n\nOne [@paper-one]. Two [@post-two]. Three [@paper-one].\n\n## Status"
    )
    files = {
        f"controversies/many-{n}.md": first.replace("Is the First Question Settled?", f"A Question {n} of Many?")
        for n in range(1, 7)
    }
    return make_content(content, files=files)


def test_a_source_cited_on_many_pages_is_quoted_three_times_and_linked_everywhere(tmp_path: Path) -> None:
    content = _many(tmp_path / "content")
    build(Options(content=content, out=tmp_path / "site", search=False))
    entries = _each_place_linked_once_and_the_first_few_quoted(tmp_path / "site")
    paper = entries["paper-one"]
    pages = paper.xpath(".//ul[@class='citing-pages']/li")
    assert [text(li.xpath("a")[0]) for li in pages][:6] == [f"A Question {n} of Many?" for n in range(1, 7)]
    # one quote from each of the first three pages: what each says where it first cites the source
    quotes = [
        (text(li.xpath("span[@class='label']")[0]), text(li.xpath("a")[0]))
        for li in paper.xpath(".//ul[@class='citing-places']/li")
    ]
    assert quotes == [("Context:", "Some context citing and then.")] * 3
    # the others, named by where they are; two places under one label are lettered as the page's References letter them
    (fourth,) = [li for li in pages if text(li.xpath("a")[0]) == "A Question 4 of Many?"]
    said = "cited in Context; Key Tensions a b; Why A is high; Position A; Why B is low; Position B."
    assert text(fourth) == f"A Question 4 of Many? [3] {said}"
    assert fourth.xpath(".//a[.='b']/@aria-label") == ["Key Tensions, citation b"]
    (first_page,) = [li for li in pages if text(li.xpath("a")[0]) == "A Question 1 of Many?"]
    assert text(first_page.xpath("span[@class='citing-more']")[0]).startswith("Also cited in Key Tensions a b; Why A")


def test_serve_remakes_the_entries_of_the_sources_an_edited_page_cites_as_a_scratch_build_makes_them(
    tmp_path: Path,
) -> None:
    content = _many(tmp_path / "content")
    options = Options(content=content, out=tmp_path / "site", search=False, cache=tmp_path / "cache")
    session = BuildSession()  # as serve holds one: the entries of sources the edit leaves are reused
    build(options, session)
    sources = tmp_path / "site" / "sources" / "index.html"
    edits = [  # a quoted sentence (the first page's), then an unquoted page's title
        ("many-1.md", "Some context citing [@post-two] and", "A reworded context citing [@post-two] and"),
        ("many-5.md", "A Question 5 of Many?", "A Question 5, Retitled?"),
    ]
    for name, old, new in edits:
        page = content / "controversies" / name
        page.write_text(page.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        assert build(options, session).patched
        scratch = tmp_path / "scratch"
        shutil.rmtree(scratch, ignore_errors=True)
        build(Options(content=content, out=scratch, search=False, jobs=1))
        assert sources.read_bytes() == (scratch / "sources" / "index.html").read_bytes()
    (entry,) = html(sources).xpath("//li[@id='source-paper-one']")
    assert "A reworded context citing and then." in [text(a) for a in entry.xpath(".//a[@class='citing-sentence']")]
    assert "A Question 5, Retitled?" in [text(a) for a in entry.xpath(".//ul[@class='citing-pages']/li/a[1]")]


def test_a_source_a_thread_cites_lists_that_thread_at_its_reference(shipped_site: Path) -> None:
    """A thread's own body cites sources too: each is one click from the thread's numbered reference."""
    sources = html(shipped_site / "sources/index.html")
    threads = sorted((shipped_site / "threads").glob("*/index.html"))
    cited = 0
    for file in threads:
        thread = html(file)
        slug = file.parent.name
        for reference in thread.xpath("//li[starts-with(@id, 'ref-')][span[@class='ref-anchor']]"):
            source_id = reference.xpath("span[@class='ref-anchor']/@id")[0].removeprefix("ref-")
            href = f"../threads/{slug}/#{reference.get('id')}"
            (entry,) = sources.xpath(f"//li[@id='source-{source_id}']")
            links = entry.xpath(f".//div[@class='cited-by']//a[@href='{href}']")
            assert [text(a) for a in links] == [text(thread.xpath("//h1")[0])], (source_id, href)
            cited += 1
    assert cited >= 5  # the shipped thread cites its sources
