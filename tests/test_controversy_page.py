"""A controversy page a reader can find their way in: the question first (its summary as the lede), where it
stands, a contents list, and back-links that say which citation they return to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.pipeline import Options, build

from .helpers import broken_links, html, make_content, page_file, text

FIRST = (Path(__file__).parent / "fixtures" / "minimal" / "controversies" / "first.md").read_text(encoding="utf-8")
MOVED = FIRST.replace(
    "see_also: [second]\n",
    """see_also: [second]
history:
  - date: 2024-03-01
    status: {from: leaning, to: contested}
    reason: A replication reopened the question.
    sources: [paper-one]
""",
).replace("then [@book-three; @paper-one].", "then [@book-three; @paper-one].\n\nAgain [@post-two].")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("top")
    third = FIRST.replace("Is the First Question Settled?", "A Third Question?")
    files = {"controversies/first.md": MOVED, "controversies/third.md": third}
    content = make_content(root / "content", files=files)
    build(Options(content=content, out=root / "site", search=False))
    return root / "site"


def test_the_summary_is_the_lede_and_the_thread_sentence_a_kicker_above_the_title(site: Path) -> None:
    page = html(page_file(site, "controversies/first/"))
    assert text(page.xpath("//article/p[@class='lede']")[0]) == "The first test controversy."
    kicker = page.xpath("//article/p[@class='kicker']")[0]
    assert text(kicker).startswith("An empirical controversy in The Main Thread thread")
    assert "Opened 1 January 2024" in text(kicker)
    assert kicker.getnext().tag == "h1"


def test_without_a_summary_the_lede_names_kind_and_thread(site: Path) -> None:
    page = html(page_file(site, "controversies/second/"))
    lede = text(page.xpath("//article/p[@class='lede']")[0])
    assert lede == "A multi-axis controversy in The Main Thread thread."
    assert not page.xpath("//article/p[@class='kicker']")
    assert "Opened 1 February 2024" in text(page.xpath("//p[@class='as-of']")[0])


def test_where_it_stands_gives_the_status_with_the_reason_of_its_last_move_above_the_positions(site: Path) -> None:
    page = html(page_file(site, "controversies/first/"))
    (line,) = page.xpath("//p[@class='where-it-stands']")
    assert text(line) == (
        "Where it stands: Status: Contested — "
        "Leaning → Contested on 1 March 2024: A replication reopened the question [3]."
    )
    (entry,) = page.xpath("//section[contains(@class, 'history')]//li/@id")
    assert line.xpath(".//a[time]/@href") == [f"#{entry}"]
    (as_of,) = page.xpath("//p[@class='as-of']")  # the move is the last change: named, not repeated
    assert (
        text(as_of) == "As of 1 June 2024, its last review. Last recorded change: the status move above, 1 March 2024."
    )
    assert as_of.xpath(".//a/@href") == [f"#{entry}"]
    (cite,) = line.xpath(".//a[@class='stands-cite']")
    assert page.xpath(f"//li[@id='{cite.get('href')[1:]}']//cite/text()") == ["The First Paper"]
    summary = page.xpath("//nav[contains(@class, 'position-summary')]")[0]
    assert line.getparent() is summary.getparent() and line.getparent().index(line) < summary.getparent().index(summary)


def test_where_it_stands_points_to_the_status_section_when_no_move_is_recorded(site: Path) -> None:
    page = html(page_file(site, "controversies/third/"))
    (line,) = page.xpath("//p[@class='where-it-stands']")
    assert text(line) == "Where it stands: Status: Contested — why, in the Status section."
    assert line.xpath(".//a/@href")[-1] == "#status" and page.xpath("//h2[@id='status']")
    other = html(page_file(site, "controversies/second/"))  # no move, no Status section: the status alone
    line = text(other.xpath("//p[@class='where-it-stands']")[0])
    assert line == "Where it stands: Status: Leaning."


def test_the_contents_list_links_every_section_and_position_to_its_place(site: Path) -> None:
    page = html(page_file(site, "controversies/first/"))
    (contents,) = page.xpath("//nav[@class='contents']")
    links = [(text(a), a.get("href")) for a in contents.xpath(".//a")]
    assert links == [
        ("What changed", "#what-changed"),
        ("Context", "#context"),
        ("Status", "#status"),
        ("Position A", "#position-a"),
        ("Position B", "#position-b"),
        ("How this unfolded", "#events"),
        ("History", "#history"),
        ("References", "#references"),
        ("See also", "#see-also"),
        ("Cite this page", "#cite-this"),
    ]
    for _, href in links:
        (target,) = page.xpath(f"//*[@id='{href[1:]}']")
        assert target.tag in ("h2", "section"), href
    body_start = page.xpath("//h2[@id='context']")[0]
    assert contents.getparent().index(contents) < contents.getparent().index(body_start)


def test_back_links_to_one_section_are_lettered_a_b_c(site: Path) -> None:
    page = html(page_file(site, "controversies/first/"))
    (entry,) = page.xpath("//li[@id='ref-1']")  # post-two: cited twice in Context, once in Status and by A
    backlinks = entry.xpath(".//span[@class='backlinks']")[0]
    assert " ".join(text(backlinks).split()) == (
        "Back to text: ↩ Context a b ↩ Status ↩ Position A Every page citing it"
    )
    letters = backlinks.xpath(".//a[@class='backlink-letter']")
    assert [a.get("aria-label") for a in letters] == ["Back to citation a in Context", "Back to citation b in Context"]
    hrefs = [a.get("href") for a in letters]
    assert len(set(hrefs)) == 2
    for href in hrefs:
        (cite,) = page.xpath(f"//*[@id='{href[1:]}']")
        assert cite.xpath("ancestor::p") and cite.get("href") == "#ref-1"


REASONED = (
    FIRST.replace(
        "    confidence_reason: High because of what the source shows [@paper-one].\n",
        "    confidence_reason: High because two trials agree [@paper-one; @book-three].\n",
    )
    .replace(
        "    confidence_reason: Low because of what the source shows [@paper-one].\n",
        "    confidence_reason: >-\n      Low because only *one* paper argues it\n      [@paper-one].\n",
    )
    .replace("Some context citing [@post-two] and\nthen [@book-three; @paper-one].", "Some context [@post-two].")
)
assert REASONED.count("confidence_reason") == 2 and "two trials" in REASONED and "*one*" in REASONED


@pytest.fixture(scope="module")
def reasoned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reasoned")
    content = make_content(root / "content", files={"controversies/first.md": REASONED})
    build(Options(content=content, out=root / "site", search=False))
    return root / "site"


def test_why_a_position_has_its_confidence_is_beside_its_badge_with_numbered_citations(reasoned: Path) -> None:
    page = html(page_file(reasoned, "controversies/first/"))
    (a,) = page.xpath("//section[@id='position-a']/p[@class='confidence-reason']")
    assert text(a) == "Why high: High because two trials agree [2][3]."
    assert a.getprevious().get("class") == "position-meta"  # right under the badge
    (b,) = page.xpath("//section[@id='position-b']/p[@class='confidence-reason']")
    assert text(b) == "Why low: Low because only one paper argues it [2]."
    assert b.xpath(".//em/text()") == ["one"]
    titles = {"#ref-2": "The First Paper", "#ref-3": "A Third Book"}  # the body cites post-two only: [1]
    for cite in a.xpath(".//sup[@class='cite']/a") + b.xpath(".//sup[@class='cite']/a"):
        (entry,) = page.xpath(f"//section[@class='references']//li[@id='{cite.get('href')[1:]}']")
        assert text(entry.xpath(".//cite")[0]) == titles[cite.get("href")]
        back = entry.xpath(f".//span[@class='backlinks']//a[@href='#{cite.get('id')}']")
        assert back, f"no back-link from {cite.get('href')} to {cite.get('id')}"
    (only_here,) = page.xpath("//li[@id='ref-3']//span[@class='backlinks']/a")
    assert text(only_here) == "↩ Why A is high"
    assert broken_links(reasoned) == []


def test_the_reason_is_in_the_data_export_and_its_sources_in_the_page_references(reasoned: Path) -> None:
    data = json.loads((reasoned / "data/controversies/first.json").read_text(encoding="utf-8"))
    a, b = data["controversy"]["positions"]
    assert a["confidence_reason"] == "High because two trials agree [@paper-one; @book-three]."
    assert b["confidence_reason"] == "Low because only *one* paper argues it [@paper-one]."
    assert data["controversy"]["references"] == ["post-two", "paper-one", "book-three"]
    assert set(data["sources"]) == {"post-two", "paper-one", "book-three"}
    other = json.loads((reasoned / "data/controversies/second.json").read_text(encoding="utf-8"))
    assert (
        other["controversy"]["positions"][0]["confidence_reason"]
        == "Medium because of what the source shows [@book-three]."
    )
