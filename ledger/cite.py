"""The bibliography for reference managers: BibTeX, RIS and CSL-JSON, from sources (record in, text out).

``data/sources.bib``, ``.ris`` and ``.csl.json`` hold every source; ``data/controversies/<slug>.bib`` (and
``.ris``, ``.csl.json``) a controversy's references. Keys are source ids and entries are sorted by them, so a
file changes only where a source did. A page's own citation ("Cite this page") is made here too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import orjson

from .model import PartialDate, SiteConfig, Source

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Types:
    """What a kind of source is called in each format."""

    bibtex: str
    ris: str
    csl: str


TYPES: dict[str, Types] = {
    "paper": Types("article", "JOUR", "article-journal"),
    "report": Types("techreport", "RPRT", "report"),
    "press": Types("article", "NEWS", "article-newspaper"),
    "blog": Types("misc", "BLOG", "post-weblog"),
    "opinion": Types("misc", "GEN", "article"),
    "primary": Types("misc", "ELEC", "webpage"),
    "dataset": Types("misc", "DATA", "dataset"),
    "talk": Types("misc", "GEN", "speech"),
}
"""Each of ``schema.SOURCE_KINDS`` (a test checks every kind has its types)."""

BIBTEX_VENUE = {"article": "journal", "techreport": "institution", "misc": "howpublished"}
"""The BibTeX field a source's venue goes in, by entry type."""

ORGANISATION_WORDS = frozenset(
    "AI Agency Association Capital Center Centre Committee Company Corporation Editorial Foundation Group Inc Inc."
    " Institute Lab Labs Laboratory Ltd LLC News Research Staff Team University".split()
)
"""Words that make an author an organisation (``ARC Prize Foundation``); so does a one-word name (``OpenAI``)."""

PARTICLES = frozenset("da de del della der di du la le van von ten ter dos das".split())


@dataclass(frozen=True, slots=True)
class Name:
    """An author: a person's family and given names, or an organisation's name as written (``literal``)."""

    family: str | None = None
    given: str | None = None
    literal: str | None = None


def author_name(author: str, venue: str | None = None) -> Name:
    """``author`` as a person's names, unless it reads as an organisation (one word, an organisation word,
    or the venue itself): sources record authors as display names, not as parts."""
    words = author.split()
    if len(words) < 2 or author == venue or any(w in ORGANISATION_WORDS for w in words):
        return Name(literal=author)
    start = next((i for i, w in enumerate(words[1:-1], 1) if w in PARTICLES), len(words) - 1)
    return Name(family=" ".join(words[start:]), given=" ".join(words[:start]))


def _plain(text: str) -> str:
    """``text`` on one line: a folded YAML title keeps no newline into a one-line format."""
    return " ".join(text.split())


# --- BibTeX -------------------------------------------------------------------------------------------

_BIBTEX_SPECIAL = {
    "\\": "{\\textbackslash}",
    "{": "{\\textbraceleft}",
    "}": "{\\textbraceright}",
    "&": "\\&",
    "%": "\\%",
    "$": "\\$",
    "#": "\\#",
    "_": "\\_",
    "~": "{\\textasciitilde}",
    "^": "{\\textasciicircum}",
}
_BIBTEX_RE = re.compile("[" + re.escape("".join(_BIBTEX_SPECIAL)) + "]")


def bibtex_text(text: str) -> str:
    """``text`` as a BibTeX field value: LaTeX's special characters escaped, every brace balanced (BibTeX
    counts ``\\{`` as a brace, so literal braces are written as commands)."""
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group()], _plain(text))


def bibtex_url(url: str) -> str:
    """``url`` for a BibTeX url field, which is read verbatim: only what would unbalance it is percent-encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _bibtex_name(name: Name) -> str:
    if name.literal is not None:
        return "{" + bibtex_text(name.literal) + "}"
    return f"{bibtex_text(name.family or '')}, {bibtex_text(name.given or '')}"


def _bibtex_entry(entry_type: str, key: str, fields: list[tuple[str, str | None]]) -> str:
    lines = [f"@{entry_type}{{{key},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields if value]
    return "\n".join(lines) + "\n}\n"


def _bibtex_date(date: PartialDate | None) -> list[tuple[str, str | None]]:
    if date is None:
        return []
    return [("year", str(date.year)), ("month", str(date.month) if date.month else None), ("date", date.iso)]


def bibtex(source: Source) -> str:
    """``source`` as a BibTeX entry keyed by its id (``date`` and ``urldate`` for biblatex, ``year`` for BibTeX)."""
    entry_type = TYPES[source.kind].bibtex
    authors = " and ".join(_bibtex_name(author_name(a, source.venue)) for a in source.authors)
    venue = bibtex_text(source.venue) if source.venue else None
    fields = [("author", authors), ("title", bibtex_text(source.title)), (BIBTEX_VENUE[entry_type], venue)]
    fields += _bibtex_date(source.date)
    fields += [("url", bibtex_url(source.url) if source.url else None)]
    fields += [("urldate", source.accessed.isoformat() if source.accessed else None)]
    return _bibtex_entry(entry_type, source.id, fields)


# --- RIS ----------------------------------------------------------------------------------------------


def _ris_date(date: PartialDate | dt.date) -> str:
    """RIS's ``YYYY/MM/DD/`` with the parts we do not know left empty."""
    if isinstance(date, dt.date):
        date = PartialDate.of(date)
    month = f"{date.month:02d}" if date.month else ""
    day = f"{date.day:02d}" if date.day else ""
    return f"{date.year:04d}/{month}/{day}/"


def _ris_name(name: Name) -> str:
    return name.literal if name.literal is not None else f"{name.family}, {name.given}"


def _ris_record(tags: list[tuple[str, str | None]]) -> str:
    return "".join(f"{tag}  - {_plain(value)}\n" for tag, value in tags if value) + "ER  - \n"


def ris(source: Source) -> str:
    """``source`` as an RIS record (``ID`` its id; ``Y2`` the access date)."""
    tags: list[tuple[str, str | None]] = [("TY", TYPES[source.kind].ris), ("ID", source.id), ("TI", source.title)]
    tags += [("AU", _ris_name(author_name(a, source.venue))) for a in source.authors]
    tags += [("T2", source.venue)]
    if source.date is not None:
        tags += [("PY", str(source.date.year)), ("DA", _ris_date(source.date))]
    tags += [("UR", source.url), ("Y2", _ris_date(source.accessed) if source.accessed else None)]
    return _ris_record(tags)


# --- CSL-JSON -----------------------------------------------------------------------------------------

CSL_PUBLISHED_BY = frozenset({"report", "dataset"})
"""CSL types whose venue is their publisher; the others' venue is their container (journal, site, paper)."""


def _csl_date(date: PartialDate | dt.date) -> dict[str, Any]:
    if isinstance(date, dt.date):
        date = PartialDate.of(date)
    return {"date-parts": [[part for part in (date.year, date.month, date.day) if part]]}


def _csl_name(name: Name) -> dict[str, str]:
    if name.literal is not None:
        return {"literal": name.literal}
    return {"family": name.family or "", "given": name.given or ""}


def csl(source: Source) -> dict[str, Any]:
    """``source`` as a CSL-JSON item (the input format of Zotero, Pandoc and citeproc)."""
    kind = TYPES[source.kind].csl
    item: dict[str, Any] = {"id": source.id, "type": kind, "title": _plain(source.title)}
    if source.authors:
        item["author"] = [_csl_name(author_name(a, source.venue)) for a in source.authors]
    if source.venue:
        item["publisher" if kind in CSL_PUBLISHED_BY else "container-title"] = _plain(source.venue)
    if source.date is not None:
        item["issued"] = _csl_date(source.date)
    if source.url:
        item["URL"] = source.url
    if source.accessed:
        item["accessed"] = _csl_date(source.accessed)
    return item


# --- Files --------------------------------------------------------------------------------------------


def _sorted(sources: Iterable[Source]) -> list[Source]:
    return sorted(sources, key=lambda s: s.id)


class Pieces(Protocol):
    """Where a source's entry is made once and reused by every file listing it (``fragments.Fragments``)."""

    def piece(self, make: Callable[[Source], T], source: Source, /) -> T: ...


def _entries(make: Callable[[Source], T], sources: Iterable[Source], pieces: Pieces | None) -> list[T]:
    """Each source's entry, sorted by id; with ``pieces``, made once for every file of the build listing the source
    (its own, each citing controversy's, the whole bibliography's)."""
    return [pieces.piece(make, s) if pieces else make(s) for s in _sorted(sources)]


def bibtex_file(sources: Iterable[Source], pieces: Pieces | None = None) -> str:
    return "\n".join(_entries(bibtex, sources, pieces))


def ris_file(sources: Iterable[Source], pieces: Pieces | None = None) -> str:
    return "\n".join(_entries(ris, sources, pieces))


def csl_file(sources: Iterable[Source], pieces: Pieces | None = None) -> bytes:
    return orjson.dumps(_entries(csl, sources, pieces), option=orjson.OPT_INDENT_2) + b"\n"


FORMATS = {".bib": bibtex_file, ".ris": ris_file, ".csl.json": csl_file}
"""Each export's file suffix and what makes it from sources."""


# --- The page itself ----------------------------------------------------------------------------------


def page_source(slug: str, title: str, updated: dt.date, config: SiteConfig) -> Source:
    """A controversy page as a source, for "Cite this page": its author the site (an organisation: it is also
    the venue), its date the day it was last updated (the version cited)."""
    url = config.base_url.rstrip("/") + f"/controversies/{slug}/"
    date = PartialDate.of(updated)
    return Source(f"ledger-{slug}", title, "primary", authors=(config.title,), venue=config.title, date=date, url=url)


@dataclass(frozen=True, slots=True)
class PageCitation:
    bibtex: str
    ris: str


def page_citation(slug: str, title: str, updated: dt.date, config: SiteConfig) -> PageCitation:
    """What "Cite this page" offers (templates call it: the page's record and the site are all it needs)."""
    page = page_source(slug, title, updated, config)
    return PageCitation(bibtex(page), ris(page))
