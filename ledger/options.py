"""What a build is asked to do and what it reports: shared by the pipeline, the commands and the tests."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ContentError

if TYPE_CHECKING:
    from .reuse.search import SearchIndex

PROJECT = Path(__file__).resolve().parent.parent
"""The checkout holding ``templates/`` and ``static/`` (the defaults for every build)."""


def default_cache() -> Path:
    """The folder the commands keep between builds: ``$LEDGER_CACHE`` if set, else the project's ``.ledger-cache``.

    The variable lets a test suite (or a CI job with its own cache path) keep every build's cache apart
    from the checkout's, so no run reads what another left behind.
    """
    return Path(os.environ.get("LEDGER_CACHE") or PROJECT / ".ledger-cache")


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
    notes: list[str] = field(default_factory=list)
    """What the build did about its cache that a user should know: a cache from elsewhere started afresh, a kept
    file that did not have its recorded bytes (then rendered; ``reuse/outputs.py``)."""


class OutputRefused(Exception):
    """``--out`` names a folder that must not be replaced (the project, content, or unrelated files)."""


class TemplateError(Exception):
    """A template that cannot be compiled: ``path:line: template error: message``."""


LOCATED_RE = re.compile(r"(?P<file>\S+?\.(?:html|xml))(?::(?P<line>\d+))?: template error: (?P<message>.*)", re.S)
"""A message that already says where (``TemplateError`` above, ``render``'s undefined-name errors)."""


def template_problem(exc: BaseException, templates: Path) -> str | None:
    """``templates/<file>:<line>: template error: message`` for a template's mistake, else ``None``.

    A template is project code, but someone editing it (under ``serve``, or in a pull request) must see
    which line broke, never a traceback. The line comes from the error (a syntax error), from its message
    (rendered in a worker, whose traceback is lost) or from the template's frame in the traceback.
    """
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    if not isinstance(exc, TemplateError | JinjaError):
        return None
    file, line = None, None
    message = str(exc.message or exc) if isinstance(exc, JinjaError) else str(exc)
    if isinstance(exc, TemplateSyntaxError):
        file, line = exc.filename or exc.name, exc.lineno
    elif (located := LOCATED_RE.fullmatch(message)) is not None:
        file, line, message = located["file"], located["line"], located["message"]
    else:
        tb = exc.__traceback__
        while tb is not None:  # jinja runs a template's code under the template's file name and line numbers
            if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml")):
                file, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    if isinstance(exc, TemplateNotFound):
        message = f"no template named '{exc.name}' in {templates.name}/"
    if file is None:
        return f"template error: {message}"
    path = Path(file)
    if not path.is_absolute() or path.is_relative_to(templates):  # a template's name, or its file
        path = Path(templates.name) / (path.relative_to(templates) if path.is_absolute() else path)
    return f"{path.as_posix()}{f':{line}' if line else ''}: template error: {message}"
