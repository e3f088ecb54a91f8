"""The citation rule: what cites nothing is found at parse time, marked on the page and warned of by ``check``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.markdown import parse_body, render_body

from .helpers import html, make_content, text

FRONT = "---\ntitle: A Second Question?\nthread: main-thread\nkind: multi-axis\nstatus: leaning\n"
FRONT += "opened: 2024-02-01\nupdated: 2024-07-01\npositions:\n  - id: A\n    claim: Perhaps.\n"
FRONT += "    confidence: medium\n    confidence_reason: Medium because one report says so [@book-three].\n"
FRONT += "    proponents: [big-lab]\n    sources: [book-three]\n---\n"
BODY_LINE = FRONT.count("\n") + 1
NEEDED = "this paragraph cites no source: add [@source-id] where it states a fact, or, if it is the Ledger's own "
NEEDED += "synthesis adding no fact, mark it [@editorial]"
QUOTE = "quotation with no citation in the same sentence: add [@source-id] before the sentence's final "
QUOTE += 'punctuation or right after it (a title, not words quoted: link it, "[Title](url)")'


def uncited(markdown: str) -> tuple[int, ...]:
    return parse_body(markdown, "x.md", 1)[0].uncited


def quotes(markdown: str) -> tuple[int, ...]:
    return parse_body(markdown, "x.md", 1)[0].uncited_quotes


def test_each_paragraph_and_list_item_citing_nothing_is_found_with_its_line() -> None:
    markdown = (
        "## Context\n\nCited [@a].\n\nNot cited,\nover two lines.\n\n> A quoted block.\n\n"
        "- one [@a]\n- two\n  - nested [@b]\n- three\n\n  its second paragraph [@c]\n\n1. numbered\n"
    )
    assert uncited(markdown) == (5, 8, 11, 17)


def test_citing_nothing_is_shown_at_the_end_of_the_paragraph_or_item() -> None:
    html_text = render_body(parse_body("Cited [@a].\n\nNot cited.\n\n- two\n  - nested [@b]\n", "x.md", 1)[0])
    marker = '<sup class="citation-needed" title="This paragraph cites no source yet">[citation needed]</sup>'
    assert html_text.count(marker) == 2
    assert f"<p>Not cited.{marker}</p>" in html_text
    assert f"<li>two{marker}\n<ul>" in html_text  # the item's own text, before its nested list


@pytest.mark.parametrize(
    "markdown",
    [
        "How A and B relate [@editorial].\n",
        "- an item that is synthesis [@editorial]\n",
        "The positions differ on two points:\n\n- one [@a]\n- two [@b]\n",
        "- the evidence splits:\n  - one [@a]\n",
        "## Only a heading\n\n```\ncode\n```\n\n| a | b |\n| - | - |\n| c | d |\n",
        "",
    ],
)
def test_what_needs_no_citation_of_its_own(markdown: str) -> None:
    assert uncited(markdown) == ()


def test_a_line_ending_in_a_colon_needs_the_list_it_introduces() -> None:
    assert uncited("The positions differ:\n\nA paragraph, not a list.\n") == (1, 3)


@pytest.mark.parametrize(
    "markdown",
    [
        'She said "this works at scale." Then she left [@a].\n',
        'He called it "a dead end for the field" and moved on.\n',
        "It was “the greatest misallocation of capital” in history. It was [@a].\n",
        'The essay "will not scale past this point" [@editorial].\n',
        'First sentence [@a]. Then "an uncited quotation"\nacross a line. Cited later [@a]\n',
        'Cited [@a].\n\nNext. More "quoted words here".\n',
    ],
)
def test_a_quotation_with_no_citation_in_its_sentence_is_found(markdown: str) -> None:
    assert quotes(markdown)


def test_the_quotation_line_is_where_it_opens() -> None:
    assert quotes('First [@a].\n\nOne [@a]. Two\nsaid "three words here" four. Five [@a].\n') == (4,)


@pytest.mark.parametrize(
    "markdown",
    [
        'She said "this works at scale" [@a]. Then she left.\n',
        'She said "this works at scale." [@a] Then she left.\n',
        'She said "this works at scale."[@a; @b] Then she left.\n',
        'Kaplan et al. wrote "loss falls as a power law" in 2020 [@a].\n',
        'The U.S. agency said "we will not comment on it" [@a].\n',
        'Costs were e.g. 5.6 million, i.e. "the final training run only" [@a].\n',
        'Marcus wrote, "It works. It really does, for now" [@a], and left.\n',
        'The so-called "bitter lesson" and the "scaling hypothesis" are named terms [@a].\n',
        'As "[Are Scaling Laws Hitting a Wall?](../x/)" asks, the question is open [@a].\n',
        'Code is not quoted: `"not a quotation at all"` [@a].\n',
        '```\n"a code block is not quoted either"\n```\n',
        'Jan. "a quote in a sentence after an abbreviation" [@a].\n',
    ],
)
def test_cited_or_exempt_quotations_are_not_flagged(markdown: str) -> None:
    assert quotes(markdown) == ()


def unsourced_page(content: Path) -> None:
    (content / "controversies" / "second.md").write_text(
        FRONT + "## Context\n\nShort [@book-three].\n\nNobody says where this comes from.\n\n"
        'It was called "a wall for scaling laws" by many.\n\nHow A relates to B [@editorial].\n'
    )


def test_an_unsourced_paragraph_is_marked_on_the_page_and_warned_of_at_its_line(tmp_path: Path, run) -> None:
    unsourced_page(make_content(tmp_path / "content"))

    code, _, err = run(tmp_path, "build", "--today", "2024-08-01")

    assert code == 0
    page = html(tmp_path / "site" / "controversies" / "second" / "index.html")
    marked = page.xpath("//article//p[sup[@class='citation-needed']]")
    assert [text(p) for p in marked] == [
        "Nobody says where this comes from.[citation needed]",
        'It was called "a wall for scaling laws" by many.[citation needed]',
    ]
    assert not page.xpath("//p[contains(., 'How A relates')]/sup[@class='citation-needed']")
    path = "content/controversies/second.md"
    assert err.splitlines() == [
        f"{path}:{BODY_LINE + 4}: warning: {NEEDED}",
        f"{path}:{BODY_LINE + 6}: warning: {QUOTE}",
        f"{path}:{BODY_LINE + 6}: warning: {NEEDED}",
    ]


def test_an_unsourced_paragraph_is_a_pull_request_annotation_and_fails_strict(tmp_path: Path, run) -> None:
    unsourced_page(make_content(tmp_path / "content"))

    code, out, _ = run(tmp_path, "check", "--format", "github", "--today", "2024-08-01")
    assert code == 0
    assert f"::warning file=content/controversies/second.md,line={BODY_LINE + 4}::{NEEDED}" in out.splitlines()

    code, out, err = run(tmp_path, "check", "--strict", "--today", "2024-08-01")
    assert (code, out) == (1, "")
    assert err.endswith("3 warnings and --strict; nothing was written.\n")


def test_threads_are_held_to_the_rule_too(tmp_path: Path, run) -> None:
    content = make_content(tmp_path / "content")
    thread = content / "threads" / "main-thread.md"
    thread.write_text(thread.read_text() + "\nAn unsourced second paragraph.\n")
    line = thread.read_text().count("\n")

    _, _, err = run(tmp_path, "check", "--today", "2024-08-01")

    assert err.splitlines() == [f"content/threads/main-thread.md:{line}: warning: {NEEDED}"]


def test_a_history_entry_without_sources_is_a_warning(tmp_path: Path, run) -> None:
    content = make_content(tmp_path / "content")
    second = content / "controversies" / "second.md"
    history = "history:\n  - date: 2024-06-01\n    change: Position A added.\n"
    history += "  - date: 2024-07-01\n    change: Reworded.\n    sources: [book-three]\n"
    second.write_text(second.read_text().replace("---\n## Context", history + "---\n## Context"))
    line = second.read_text().splitlines().index("  - date: 2024-06-01") + 1

    _, _, err = run(tmp_path, "check", "--today", "2024-08-01")

    assert err.splitlines() == [
        f"content/controversies/second.md:{line}: warning: history entry has no sources: "
        "list the ids of sources that record this change in 'sources'"
    ]


def test_a_body_kept_out_of_memory_keeps_what_it_cites_not() -> None:
    """Large builds move bodies' texts to a spill file (``spill.py``): the rule's findings stay with the body."""
    from ledger.reuse import spill

    body = parse_body('Uncited.\n\nShe said "three words here".\n', "x.md", 1)[0]
    kept = spill.spilled(body)
    assert (kept.uncited, kept.uncited_quotes) == (body.uncited, body.uncited_quotes) == ((1, 3), (3,))
    assert kept.html == body.html
