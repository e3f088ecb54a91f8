"""What each place citing a source says: the sources page quotes it beside the link to that very citation.

A researcher looking at a source wants to know what the record uses it for, not only which pages cite it
(contextual back-links). Each citing place is one of a controversy page's citation anchors
(``numbering.Occurrence``): in the body, the sentence holding the citation, read with the rules the
citation checker uses to split sentences (``citing.sentence_ends``); under a position, its claim; in
the history, the change and why. Read from the body's rendered HTML, which holds the anchors.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from functools import partial

from .citing import CITE, QUOTE_RE, sentence_ends
from .digests import digest
from .link import Links
from .markdown import render_reason
from .model import Controversy, Move, Site
from .recall import Recall

BLOCK_RE = re.compile(r"</?(?:p|li|ul|ol|h[1-6]|blockquote|table|thead|tbody|tr|td|th|pre|div|dl|dt|dd)\b[^>]*>")
"""Where a body's paragraphs and list items begin and end: a sentence never runs across them."""
CITE_RE = re.compile(r'<sup class="cite"><a href="#ref-\d+" id="([^"]+)">\[\d+\]</a></sup>')
"""A citation as ``markdown._render_citation`` writes it; group 1 is its anchor."""
MARKERS_RE = re.compile(r'<sup class="citation-needed"[^>]*>.*?</sup>|<small class="synthesis"[^>]*>.*?</small>', re.S)
TAG_RE = re.compile(r"<[^>]+>")
SPACE_RE = re.compile(r"\s+")
CITED_RE = re.compile(r"\s*\x01")
LONGEST = 320
"""Characters of a quoted sentence shown; a longer one is cut at a word and ends in "…"."""


@dataclass(frozen=True, slots=True)
class Quote:
    """One place on a controversy page citing a source, and what it says there."""

    anchor: str
    """The citation's id on the page (``cite-<n>-<m>``)."""
    label: str
    """Where it is: "Context", "Position B", "History, 6 December 2026"."""
    text: str


@dataclass(frozen=True, slots=True)
class CitedIn:
    """A controversy citing a source: its reference number there and each citing place, quoted."""

    slug: str
    title: str
    number: int
    quotes: tuple[Quote, ...]


def body_sentences(body_html: str) -> dict[str, str]:
    """The sentence each citation of a rendered body stands in, by the citation's anchor."""
    found: dict[str, str] = {}
    for block in BLOCK_RE.split(body_html):
        anchors = CITE_RE.findall(block)
        if not anchors:
            continue
        text = html.unescape(TAG_RE.sub("", MARKERS_RE.sub("", CITE_RE.sub(CITE, block))))
        text = SPACE_RE.sub(" ", text).strip()
        ends = sentence_ends(text, [(m.start(), m.end()) for m in QUOTE_RE.finditer(text)])
        at = -1
        for anchor in anchors:
            at = text.index(CITE, at + 1)
            i = bisect.bisect_right(ends, at)
            start, end = ends[i - 1] if i else 0, ends[i] if i < len(ends) else len(text)
            found[anchor] = shortened(CITED_RE.sub("", text[start:end]).strip())
    return found


def quoted_version(body_html: str) -> str:
    """A digest that changes whenever a sentence ``body_sentences`` quotes may have: that of the paragraphs and
    list items holding a citation (``Dep.QUOTED``: an edit elsewhere in the body leaves the sources page)."""
    return digest(*(block for block in BLOCK_RE.split(body_html) if 'class="cite"' in block))


def shortened(text: str) -> str:
    if len(text) <= LONGEST:
        return text
    return text[:LONGEST].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _other_places(c: Controversy, links: Links) -> dict[str, str]:
    """What each citation outside the body says: the sentence of a confidence reason, a position's claim (its
    sources), or a history entry's change and why."""
    refs = links.refs[c.slug]
    said: dict[str, str] = {}
    for p in c.positions:
        if p.confidence_reason is not None and p.id in refs.reasons:
            said |= body_sentences(render_reason(p.confidence_reason, refs.reasons[p.id]))
        for _, anchor in refs.positions.get(p.id, ()):
            said[anchor] = shortened(p.claim)
    for entry in c.history:  # as the page's History shows it (``history_text`` in _macros.html)
        parts = [
            _move(f"Position {entry.position}: confidence", entry.confidence),
            _move("Status:", entry.status),
            entry.change or "",
            f"Why: {entry.reason}" if entry.reason else "",
        ]
        for _, anchor in refs.history.get(entry.anchor, ()):
            said[anchor] = shortened(" ".join(part for part in parts if part))
    return said


def _move(what: str, move: Move | None) -> str:
    return f"{what} {move.from_.capitalize()} → {move.to.capitalize()}." if move is not None else ""


def places(c: Controversy, links: Links) -> dict[str, str]:
    """What each citation of ``c``'s page says, by its anchor."""
    return body_sentences(c.body.html) | _other_places(c, links)


def cited_in(site: Site, links: Links, recall: Recall) -> dict[str, tuple[CitedIn, ...]]:
    """Each source's citing controversies (in ``links.cited_by``'s order), each citing place quoted.

    A controversy's places are recalled by the controversy and its references: after ``serve``'s save of
    one page only that page's sentences are read again (reading all of them took most of a rebuild).
    """
    said: dict[str, dict[str, str]] = {}
    result: dict[str, tuple[CitedIn, ...]] = {}
    for sid, citing in links.cited_by.items():
        found = []
        for x in citing:
            c = x.controversy
            if c.slug not in said:
                refs = links.refs[c.slug]
                said[c.slug] = recall.recall("quoted places", (c, refs), None, partial(places, c, links))
            occurrences = links.refs[c.slug].references[x.number - 1].occurrences
            quotes = tuple(Quote(o.anchor, o.label, said[c.slug].get(o.anchor, "")) for o in occurrences)
            found.append(CitedIn(c.slug, c.title, x.number, quotes))
        result[sid] = tuple(found)
    return result
