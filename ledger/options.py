"""What a build is asked to do and what it reports: shared by the pipeline, the commands and the tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ContentError

if TYPE_CHECKING:
    from .reuse.search import SearchIndex

PROJECT = Path(__file__).resolve().parent.parent
"""The checkout holding ``templates/`` and ``static/`` (the defaults for every build)."""


@dataclass(frozen=True)
class Options:
    """What to build from and where to."""

    content: Path = Path("content")
    out: Path = Path("site")
    templates: Path = PROJECT / "templates"
    static: Path = PROJECT / "static"
    base_url: str | None = None
    """Overrides ``base_url`` from site.yaml (e.g. for a preview or a project site)."""
    strict: bool = False
    """Warnings fail like errors, before anything is written."""
    today: dt.date | None = None
    """The date warnings about stale pages are judged against (default: the clock's); never affects output."""
    search: bool = True
    """Build the Pagefind search index into the site (skipped, with a message, if Pagefind is missing)."""
    cache: Path | None = None
    """Folder for what builds keep between runs (``.ledger-cache``); ``None``: every build starts from scratch."""
    jobs: int = 0
    """Worker processes for parsing and rendering; 0: one per core."""


@dataclass
class BuildReport:
    """What a build did: the files it published, warnings, and seconds spent per stage."""

    files: list[str]
    """Every file published, static assets and search index excepted."""
    warnings: list[ContentError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    search: SearchIndex | None = None
    """The search index step's outcome; ``None`` when not asked for (``Options.search``)."""
    rendered: int = 0
    """Files this build made; the others were reused from the previous build (0: nothing had changed)."""
    patched: bool = False
    """The files were written into the published folder in place (``serve``): its search index is the old one."""


class OutputRefused(Exception):
    """``--out`` names a folder that must not be replaced (the project, content, or unrelated files)."""


class TemplateError(Exception):
    """A template that cannot be compiled: ``path:line: template error: message``."""
