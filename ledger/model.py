"""The content model: what a contributor writes, as typed, immutable values.

Field names match ``schema.py`` one for one (a test checks it), so the schema that validates a
file is the schema that documents it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


WAYBACK = "https://web.archive.org/web/"
"""How a Wayback Machine snapshot URL starts; its timestamp follows."""


def line_in(lines: Mapping[str, int], key: str, default: int) -> int:
    """Line of ``key`` (``sources.1`` falls back to ``sources``), else ``default``: for cross-reference messages."""
    return lines.get(key) or lines.get(key.split(".")[0]) or default


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date known to the day, the month or only the year (sources and events often are)."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        """``2024``, ``2024-11`` or ``2024-11-09``: the form written in content and in data exports."""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def display(self) -> str:
        """``9 November 2024``, ``November 2024`` or ``2024``: unambiguous in every locale."""
        if self.month and self.day:
            return f"{self.day} {MONTHS[self.month - 1]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return str(self.year)

    @classmethod
    def of(cls, day: dt.date) -> PartialDate:
        return cls(day.year, day.month, day.day)

    @property
    def key(self) -> tuple[int, int, int]:
        """A sort key: a date known only to the month sorts before the days of that month."""
        return (self.year, self.month or 0, self.day or 0)

    @property
    def first_day(self) -> dt.date:
        """The earliest day it can mean: where a feed or a chart needs a full date."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def compare(self, other: PartialDate) -> int:
        """-1, 0 or 1 at the precision both share: ``2025-07`` neither precedes nor follows ``2025-07-10``."""
        a, b = self.key, other.key
        shared = min(len([x for x in a if x]), len([x for x in b if x]))
        return (a[:shared] > b[:shared]) - (a[:shared] < b[:shared])


@dataclass(frozen=True, slots=True)
class Citation:
    """One ``[@source-id]`` in a Markdown body, in reading order."""

    source: str
    """The cited source id."""
    line: int
    """Line in the file, for error messages."""
    section: str
    """The heading it appears under ("Context"), used to label the back-link from References."""


@dataclass(frozen=True, slots=True)
class Reason:
    """A position's ``confidence_reason``: one or two sentences of inline Markdown citing sources.

    Its citations are numbered with the page's (``link.number_references``), after the body's, so its HTML
    gets their numbers when its page is rendered (``markdown.render_reason``).
    """

    text: str
    """The Markdown as written."""
    citations: tuple[Citation, ...]
    html: str = ""
    """Its HTML, each citation a placeholder until its page is numbered (``markdown.render_reason``)."""


@dataclass(frozen=True, slots=True)
class Body:
    """A parsed Markdown body, rendered at load time: its citations are numbered before any other of its page's.

    Read its texts as ``html`` and ``text``: a build may keep them out of memory until then (``reuse/spill.py``).
    """

    markup: str
    """The body as HTML (trusted: raw HTML escaped, links checked); read it as ``html``."""
    citations: tuple[Citation, ...]
    markdown: str = ""
    """The Markdown as written (for the data export); read it as ``text``."""
    uncited: tuple[int, ...] = ()
    """Lines of the paragraphs and list items that cite no source (``citing.py``): each shows "[citation needed]"."""
    uncited_quotes: tuple[int, ...] = ()
    """Lines of the quotations with no citation in their sentence."""

    @property
    def html(self) -> str:
        return self.markup

    @property
    def text(self) -> str:
        return self.markdown


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """``content/site.yaml``."""

    title: str
    tagline: str
    base_url: str
    repo_url: str
    language: str = "en"
    description: str | None = None
    repo_branch: str = "main"
    license: str | None = None
    license_url: str | None = None


@dataclass(frozen=True, slots=True)
class Thread:
    """A long-running debate that groups controversies (``content/threads/<slug>.md``)."""

    slug: str
    path: str
    title: str
    summary: str
    opened: dt.date
    body: Body


@dataclass(frozen=True, slots=True)
class Position:
    """One lettered answer to a controversy's question."""

    id: str
    claim: str
    confidence: str
    proponents: tuple[str, ...]
    confidence_reason: Reason
    sources: tuple[str, ...] = ()
    crux: str | None = None
    line: int = 0
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    """Line of each key and list item (``sources.1``), for messages about cross-references."""

    def line_of(self, key: str) -> int:
        return line_in(self.lines, key, self.line)

    @property
    def anchor(self) -> str:
        return f"position-{self.id.lower()}"


@dataclass(frozen=True, slots=True)
class Move:
    """A change of confidence or status; ``from`` is a Python keyword, hence ``from_``."""

    from_: str
    to: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One dated change on a controversy's record (front matter ``history:``)."""

    date: PartialDate
    change: str | None = None
    position: str | None = None
    confidence: Move | None = None
    status: Move | None = None
    reason: str | None = None
    sources: tuple[str, ...] = ()
    anchor: str = ""
    """``history-<date>-<n>``: the n-th entry of that date, stable when other dates are added."""
    line: int = 0
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return line_in(self.lines, key, self.line)


@dataclass(frozen=True, slots=True)
class Controversy:
    """A contested question within a thread (``content/controversies/<slug>.md``)."""

    slug: str
    path: str
    title: str
    thread: str
    kind: str
    status: str
    opened: dt.date
    updated: dt.date
    positions: tuple[Position, ...]
    body: Body
    summary: str | None = None
    see_also: tuple[str, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    """Line of each front-matter key and list item (``see_also.0``), for cross-reference messages."""

    def line_of(self, key: str) -> int:
        return line_in(self.lines, key, 1)


@dataclass(frozen=True, slots=True)
class Source:
    """An entry of ``content/sources.yaml``: something a position or a body cites."""

    id: str
    title: str
    kind: str
    label: str | None = None
    authors: tuple[str, ...] = ()
    venue: str | None = None
    date: PartialDate | None = None
    undated: str | None = None
    url: str | None = None
    archived: str | None = None
    accessed: dt.date | None = None
    url_status: str | None = None
    note: str | None = None
    reliability: str | None = None
    line: int = 0

    @property
    def display(self) -> str:
        """The short text shown where the source is cited."""
        return self.label or self.title

    @property
    def link(self) -> str | None:
        """Where the title links: the archived copy once the URL is dead or usurped, as Wikipedia does; a
        dead URL without one is still linked (marked dead), a usurped one never (it serves something else)."""
        if self.url_status in ("dead", "usurped") and self.archived:
            return self.archived
        return None if self.url_status == "usurped" else self.url

    @property
    def archived_on(self) -> dt.date | None:
        """The day of a Wayback Machine snapshot, read from its URL (archive.today's short links do not say)."""
        stamp = (self.archived or "").removeprefix(WAYBACK)[:8]
        return dt.date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:])) if stamp.isdigit() and len(stamp) == 8 else None


@dataclass(frozen=True, slots=True)
class Proponent:
    """An entry of ``content/proponents.yaml``: a person, organisation or group holding positions."""

    slug: str
    name: str
    kind: str
    url: str | None = None
    description: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Event:
    """An entry of ``content/events.yaml``: a dated event on the timeline."""

    id: str
    date: PartialDate
    title: str
    description: str
    sources: tuple[str, ...] = ()
    controversies: tuple[str, ...] = ()
    line: int = 0
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return line_in(self.lines, key, self.line)

    @property
    def anchor(self) -> str:
        return f"event-{self.id}"


@dataclass(frozen=True, slots=True)
class Site:
    """Everything loaded and validated; mappings are sorted by key so output never depends on file order."""

    config: SiteConfig
    threads: dict[str, Thread]
    controversies: dict[str, Controversy]
    sources: dict[str, Source]
    proponents: dict[str, Proponent]
    content_dir: str = field(default="content")
    events: tuple[Event, ...] = ()
    """In date order (``PartialDate.key``, then id)."""
