"""What places citing a source say: the sources page quotes a few beside the link to that very citation.

A researcher looking at a source wants to know what the record uses it for, not only which pages cite it
(contextual back-links). Each citing place is one of a controversy page's citation anchors
(``numbering.Occurrence``): in the body, the sentence holding the citation, read with the rules the
citation checker uses to split sentences (``citing.sentence_ends``); under a position, its claim; in
the history, the change and why. Read from the body's rendered HTML, which holds the anchors.

A source is quoted at ``QUOTED`` places at most, chosen for breadth: the first place of each citing page
(pages in the list's order, places in reading order), then each page's second, and so on. Every other
place is still one link away, named by where it is ("Position B"): quoting all of them made the page
ten megabytes on a large record, and most of its quotes repeated one page's claims. The timeline events and the
threads citing a source are listed beside them, unquoted (``events_citing``, ``threads_citing``).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from .citing import CITE, QUOTE_RE, sentence_ends
from .digests import digest
from .link import CiteMark, Citing, Links, Occurrence, PageRefs
from .markdown import render_reason
from .model import Controversy, Event, HistoryEntry, Move, Reason, Site, Thread
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
QUOTED = 3
"""Places quoted per source at most; the others are linked by where they are."""
LETTERS = "abcdefghijklmnopqrstuvwxyz"


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
    """The places quoted (``QUOTED`` per source at most, over all its citing pages), in reading order."""
    others: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    """Every other place, by label: (label, (letter, anchor) of each); the letter is "" for a label's only place."""


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


def _history_text(entry: HistoryEntry) -> str:
    """A history entry as the page's History shows it (``history_text`` in _macros.html)."""
    parts = [
        _move(f"Position {entry.position}: confidence", entry.confidence),
        _move("Status:", entry.status),
        entry.change or "",
        f"Why: {entry.reason}" if entry.reason else "",
    ]
    return shortened(" ".join(part for part in parts if part))


def _move(what: str, move: Move | None) -> str:
    return f"{what} {move.from_.capitalize()} → {move.to.capitalize()}." if move is not None else ""


def _reason_sentences(reason: Reason, marks: tuple[CiteMark, ...]) -> dict[str, str]:
    return body_sentences(render_reason(reason, marks))


class Said:
    """What each citing place of one controversy's page says (``said[anchor]``), read when first asked for.

    A place is read with the others of its paragraph or list item, confidence reason, claim or history entry;
    the sources page asks for a few places of each page, so most are never read.
    """

    def __init__(self, c: Controversy, refs: PageRefs) -> None:
        self._c, self._refs = c, refs
        self._said: dict[str, str] = {}
        self._readers: dict[str, Callable[[], dict[str, str]]] | None = None

    def __getitem__(self, anchor: str) -> str:
        """What the place ``anchor`` says; "" if it cannot be read (the page then says "the citation")."""
        if anchor not in self._said:
            if self._readers is None:
                self._readers = self._where()
            read = self._readers.get(anchor)
            self._said |= read() if read is not None else {anchor: ""}
        return self._said.get(anchor, "")

    def _where(self) -> dict[str, Callable[[], dict[str, str]]]:
        """How to read the places holding each anchor: a body's block, a reason, a claim or a history entry."""
        c, refs = self._c, self._refs
        where: dict[str, Callable[[], dict[str, str]]] = {}
        for block in BLOCK_RE.split(c.body.html):
            if anchors := CITE_RE.findall(block):
                where |= dict.fromkeys(anchors, partial(body_sentences, block))
        for p in c.positions:
            if p.confidence_reason is not None and (marks := refs.reasons.get(p.id, ())):
                where |= dict.fromkeys((a for _, a in marks), partial(_reason_sentences, p.confidence_reason, marks))
            anchors = tuple(anchor for _, anchor in refs.positions.get(p.id, ()))
            where |= dict.fromkeys(anchors, partial(dict.fromkeys, anchors, shortened(p.claim)))
        for entry in c.history:
            anchors = tuple(anchor for _, anchor in refs.history.get(entry.anchor, ()))
            where |= dict.fromkeys(anchors, partial(dict.fromkeys, anchors, _history_text(entry)))
        return where


def quoted_counts(sizes: Sequence[int]) -> list[int]:
    """How many of each citing page's places (``sizes``: how many each has) are quoted: each page's first in
    turn, then each one's second, and so on, ``QUOTED`` in all at most. Always the first few of a page."""
    counts = [0] * len(sizes)
    left, rank = QUOTED, 0
    while left:
        pages = [page for page, size in enumerate(sizes) if size > rank][:left]
        if not pages:
            break
        for page in pages:
            counts[page] += 1
        left, rank = left - len(pages), rank + 1
    return counts


def _by_label(places: tuple[Occurrence, ...], quoted: int) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The places after the first ``quoted``, grouped by label in reading order: (label, (letter, anchor) of each).

    A label a page has more than one place under gives each its letter among them, as the page's References
    do ("↩ Key Tensions a b"); a label with one place gives it none.
    """
    if quoted == len(places):
        return ()
    by_label: dict[str, list[str]] = {}
    for o in places:
        by_label.setdefault(o.label, []).append(o.anchor)
    skipped = {o.anchor for o in places[:quoted]}
    grouped = []
    for label, anchors in by_label.items():
        if len(anchors) == 1:
            kept = () if anchors[0] in skipped else (("", anchors[0]),)
        else:
            kept = tuple((_letter(i), anchor) for i, anchor in enumerate(anchors) if anchor not in skipped)
        if kept:
            grouped.append((label, kept))
    return tuple(grouped)


def _letter(index: int) -> str:
    """The letter of a label's ``index``-th place, as the page's References give it (its number after "z")."""
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


class CitedBy(dict[str, tuple[CitedIn, ...]]):
    """Each source's citing pages, by source id.

    ``kept``: whether this build keeps what it makes for a next one (``serve``): the sources page then keeps each
    entry it makes (``fragment.piece``). A one-off build shows each entry once: keeping them would only hold the
    whole page in memory (about 7 MB on the 1,000 corpus, ten times that on the 10,000) instead of streaming it.
    """

    kept: bool = False


def cited_in(links: Links, recall: Recall) -> CitedBy:
    """Each source's citing controversies (in ``links.cited_by``'s order), a few of its citing places quoted.

    Recalled by the source's citing pages and their references, and a page's sentences by the page: after ``serve``'s
    save of one page only the sources it cites are listed again, and only its sentences read again.
    """
    said: dict[str, Said] = {}

    def said_on(c: Controversy) -> Said:
        if c.slug not in said:
            said[c.slug] = recall.recall("said", (c, links.refs[c.slug]), None, partial(Said, c, links.refs[c.slug]))
        return said[c.slug]

    cited = CitedBy(
        (
            sid,
            recall.recall(
                "cited in",
                (citing, *(links.refs[x.controversy.slug] for x in citing)),
                None,
                partial(_citing, citing, links, said_on),
            ),
        )
        for sid, citing in links.cited_by.items()
    )
    cited.kept = recall.kept
    return cited


def _citing(citing: tuple[Citing, ...], links: Links, said_on: Callable[[Controversy], Said]) -> tuple[CitedIn, ...]:
    found = [links.refs[x.controversy.slug].references[x.number - 1].occurrences for x in citing]
    listed = []
    for x, places, count in zip(citing, found, quoted_counts([len(f) for f in found]), strict=True):
        c = x.controversy
        quotes = tuple(Quote(o.anchor, o.label, said_on(c)[o.anchor]) for o in places[:count])
        listed.append(CitedIn(c.slug, c.title, x.number, quotes, _by_label(places, count)))
    return tuple(listed)


def events_citing(site: Site) -> dict[str, tuple[Event, ...]]:
    """The events citing each source, in timeline order (one pass over the events, not one per source)."""
    citing: dict[str, list[Event]] = {sid: [] for sid in site.sources}
    for event in site.events:
        for sid in dict.fromkeys(event.sources):
            if sid in citing:  # always, once validated
                citing[sid].append(event)
    return {sid: tuple(events) for sid, events in citing.items()}


def threads_citing(site: Site, links: Links) -> dict[str, tuple[tuple[Thread, int], ...]]:
    """The threads whose bodies cite each source, with the source's number in that thread's References."""
    citing: dict[str, list[tuple[Thread, int]]] = {}
    for slug, thread in sorted(site.threads.items(), key=lambda item: (item[1].title, item[0])):
        for reference in links.refs[f"thread:{slug}"].references:
            citing.setdefault(reference.source.id, []).append((thread, reference.number))
    return {sid: tuple(threads) for sid, threads in citing.items()}
