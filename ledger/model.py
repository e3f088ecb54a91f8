"""The content model: what a contributor writes, as typed, immutable values.

Field names match ``schema.py`` one for one (a test checks it), so the schema that validates a
file is the schema that documents it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

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
class Body:
    """A parsed Markdown body: its tokens are rendered later, once citations are numbered."""

    tokens: tuple[Any, ...]
    citations: tuple[Citation, ...]


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
    sources: tuple[str, ...] = ()
    crux: str | None = None
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    """Line of each key and list item (``sources.1``), for messages about cross-references."""

    def line_of(self, key: str) -> int:
        return self.lines.get(key) or self.lines.get(key.split(".")[0]) or self.line

    @property
    def anchor(self) -> str:
        return f"position-{self.id.lower()}"


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
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    """Line of each front-matter key and list item (``see_also.0``), for cross-reference messages."""

    def line_of(self, key: str) -> int:
        return self.lines.get(key) or self.lines.get(key.split(".")[0]) or 1


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
    url: str | None = None
    note: str | None = None
    reliability: str | None = None
    line: int = 0

    @property
    def display(self) -> str:
        """The short text shown where the source is cited."""
        return self.label or self.title


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
class Site:
    """Everything loaded and validated; mappings are sorted by key so output never depends on file order."""

    config: SiteConfig
    threads: dict[str, Thread]
    controversies: dict[str, Controversy]
    sources: dict[str, Source]
    proponents: dict[str, Proponent]
    content_dir: str = field(default="content")
