"""The citation rule, found once while a body is parsed: what a reader cannot check.

A body is read in *units*: a paragraph, or a list item (its own paragraphs together; the items of a
list nested in it are units of their own). A unit with no ``[@source-id]`` gets a visible
"[citation needed]" marker, and its line is reported (``lint`` makes it a warning). ``[@editorial]``
instead of a citation says the unit is the Ledger's own synthesis: it is labelled, not marked. A unit
that only introduces the list right after it (its text ends with ``:``) is exempt: its items cite.
Headings, code and tables are not units.

A quotation in double quotes ("…" or “…”) must be cited in its own sentence: the citation stands
before the sentence's final punctuation or right after it, before the next sentence begins.
``[@editorial]`` does not count: the Ledger cannot vouch for someone else's words. Quotations of one
or two words are exempt: they are nearly always scare quotes or names of terms ("bitter lesson",
"emergent"), and the paragraph rule still asks their paragraph for a citation.

Sentences are split so that a wrong split is rare and only ever too lenient: a sentence ends at ``.``,
``!`` or ``?`` (with any closing quotes or brackets) followed by a space and a capital, a digit or an
opening quote or bracket — not inside a quotation, not after an abbreviation ("e.g.", "et al.", "Inc.",
"Jan."), an initial or a dotted acronym ("J.", "U.S."); a decimal point has no space after it. When in
doubt two sentences are read as one, which can hide a missing citation but never invent one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

CITE = "\x01"
"""Stands for a citation in a paragraph's plain text (it cannot occur in the text itself)."""
QUOTE_RE = re.compile(r'"[^"]*"|“[^”]*”')
END_RE = re.compile(r"[.!?]+[\"”’')\]]*(?=\s|$)")
"""Sentence-final punctuation with what may close after it, then a space or the end."""
OPENERS = "\"“‘'(["
"""What may open a sentence besides a capital or a digit."""
NEXT_RE = re.compile(r"\s*(.?)", re.DOTALL)
"""The first character after some space (none at the end)."""
WORD_RE = re.compile(r"(\S+)\s*$")
WORD_MAX = 24
"""Abbreviations and initials are short: the word before a full stop is looked for this far back only."""
INITIALS_RE = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")
"""``J``, ``U.S``, ``e.g``, ``i.e``: the word before a full stop that is an initial or a dotted acronym."""
ABBREVIATIONS = frozenset(
    """al etc vs cf approx ca viz fig figs eq no nos vol pp ch sec dr mr mrs ms prof st jr sr inc ltd co corp
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
SCARE_QUOTE_WORDS = 2
"""Quotations of at most this many words are exempt from the quotation rule (see the module docstring)."""
NEEDED_NOTE = "This paragraph cites no source yet"


@dataclass
class _Unit:
    line: int
    list_item: bool
    cited: bool = False
    inlines: list[int] = field(default_factory=list)
    """Indices of its inline tokens (its own paragraphs'), in order."""


def citation_needed(state: StateCore) -> None:
    """Core rule: a ``citation_needed`` token ends each unit that cites nothing.

    Leaves the (0-based) lines of those units in ``env["uncited"]`` and of uncited quotations in
    ``env["uncited_quotes"]``.
    """
    tokens = state.tokens
    uncited: list[int] = state.env.setdefault("uncited", [])
    quotes: list[int] = state.env.setdefault("uncited_quotes", [])
    units: list[_Unit] = []
    for i, token in enumerate(tokens):
        if token.type == "list_item_open" or (token.type == "paragraph_open" and not units):
            units.append(_Unit(token.map[0] if token.map else 0, token.type == "list_item_open"))
        elif token.type == "list_item_close" or (token.type == "paragraph_close" and units and not units[-1].list_item):
            _finish(units.pop(), tokens, uncited)
        elif token.type == "inline" and units and tokens[i - 1].type == "paragraph_open":
            unit = units[-1]
            unit.inlines.append(i)
            children = token.children or []
            unit.cited = unit.cited or any(child.type in ("citation", "editorial") for child in children)
            first = tokens[i - 1].map[0] if tokens[i - 1].map else 0
            quotes += [first + line for line in uncited_quote_lines(children)]


def _finish(unit: _Unit, tokens: list[Token], uncited: list[int]) -> None:
    own = [tokens[i] for i in unit.inlines if tokens[i].content.strip()]
    if unit.cited or not own:
        return
    last = unit.inlines[-1]
    after = tokens[last + 2].type if last + 2 < len(tokens) else ""
    if own[-1].content.rstrip().endswith(":") and after in ("bullet_list_open", "ordered_list_open"):
        return  # introduces the list below it
    uncited.append(unit.line)
    tokens[last].children = [*(tokens[last].children or []), Token("citation_needed", "", 0)]


def render_citation_needed(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict[str, Any]
) -> str:
    return f'<sup class="citation-needed" title="{NEEDED_NOTE}">[citation needed]</sup>'


@dataclass
class Plain:
    """A paragraph's text as read, ``CITE`` where a citation stands."""

    text: str
    breaks: list[int]
    """Where its line breaks are."""
    links: set[tuple[int, int]]
    """Where each link's text starts and ends."""


def plain_text(children: Sequence[Token]) -> Plain:
    """A paragraph's text as read: code reads as ``code`` (quotes in it are not quotations); link targets
    and titles are not text."""
    parts: list[str] = []
    plain = Plain("", [], set())
    size = 0
    opened: list[int] = []
    for child in children:
        if child.type == "text":
            part = child.content
        elif child.type == "citation":
            part = CITE
        elif child.type in ("softbreak", "hardbreak"):
            plain.breaks.append(size)
            part = " "
        elif child.type == "code_inline":
            part = "code"
        elif child.type == "link_open":
            opened.append(size)
            continue
        elif child.type == "link_close" and opened:
            plain.links.add((opened.pop(), size))
            continue
        else:
            continue
        parts.append(part)
        size += len(part)
    plain.text = "".join(parts)
    return plain


def sentence_ends(text: str, quotations: Sequence[tuple[int, int]]) -> list[int]:
    """Where each sentence of ``text`` ends, the citations right after its punctuation included, in order.

    Each end is judged by what is next to it only (``quotations`` in order): a long paragraph is read once.
    """
    ends = []
    starts = [start for start, _ in quotations]
    for match in END_RE.finditer(text):
        at, end = match.start(), match.end()
        inside = bisect.bisect_left(starts, at) - 1
        if inside >= 0 and end < quotations[inside][1]:
            continue  # inside a quotation that goes on
        after = _cited_end(text, end)
        next_char = NEXT_RE.match(text, after)
        following = next_char.group(1) if next_char else ""
        if following and not (following.isupper() or following.isdigit() or following in OPENERS):
            continue
        word = WORD_RE.search(text, max(0, at - WORD_MAX), at)
        shown = word.group(1).lstrip("(\"“'‘[") if word else ""
        if text[at] == "." and (shown.lower() in ABBREVIATIONS or INITIALS_RE.fullmatch(shown)):
            continue
        ends.append(after)
    return ends


def _cited_end(text: str, end: int) -> int:
    """``end`` moved past the spaces and citations that follow it (they cite the sentence before)."""
    moved = end
    while moved < len(text) and (text[moved] == CITE or text[moved].isspace()):
        moved += 1
    while moved > end and text[moved - 1].isspace():
        moved -= 1
    return moved


def uncited_quote_lines(children: Sequence[Token]) -> list[int]:
    """Lines (from the paragraph's first, 0) of the quotations with no citation in their sentence.

    A quotation that is all a link (``"[Title](url)"``) is a title pointing at what it names: exempt.
    """
    plain = plain_text(children)
    text, breaks = plain.text, plain.breaks
    quotations = [(m.start(), m.end()) for m in QUOTE_RE.finditer(text)]
    quoted = [
        (start, stop)
        for start, stop in quotations
        if len(text[start + 1 : stop - 1].split()) > SCARE_QUOTE_WORDS and (start + 1, stop - 1) not in plain.links
    ]
    if not quoted:
        return []
    ends = sentence_ends(text, quotations)
    cites = [m.start() for m in re.finditer(CITE, text)]
    lines = []
    for start, stop in quoted:
        before = bisect.bisect_right(ends, start)
        begin = ends[before - 1] if before else 0
        after = bisect.bisect_left(ends, stop)
        finish = ends[after] if after < len(ends) else len(text)
        first = bisect.bisect_left(cites, begin)
        if first == len(cites) or cites[first] >= finish:
            lines.append(bisect.bisect_right(breaks, start))
    return lines
