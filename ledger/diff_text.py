"""``diff.changes`` as a reviewer reads them: plain text for a terminal, Markdown for a job summary.

Content comes from strangers' pull requests, and a job summary renders Markdown (and some HTML):
every piece of content is written with its punctuation backslash-escaped, so a title cannot
become a link, an image or a tag; URLs (already http(s) only) are percent-encoded where
Markdown would end them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import groupby
from urllib.parse import quote

from .diff import PROPONENTS, REGISTRIES, SOURCES, THREADS, TIMELINE, Change, Kind

MARKS = {"added": "+", "removed": "-"}
"""Text output: + for what arrived, - for what left, ~ for what changed."""


def _mark(kind: Kind) -> str:
    return next((mark for word, mark in MARKS.items() if kind.value.endswith(word)), "~")


def _quoted(text: str | None) -> str:
    return "(none)" if text is None else f"“{' '.join(text.split())}”"


def _plain_link(title: str, url: str | None) -> str:
    return f"{title} {url}" if url else title


def _line(c: Change, esc=lambda s: s, link=_plain_link, code=lambda s: s) -> str:
    """One change in words; ``esc`` and ``link`` make those words safe Markdown when asked."""
    q = lambda text: esc(_quoted(text))  # noqa: E731
    if c.group in REGISTRIES:
        if c.kind == Kind.ENTRY_EDITED:
            where = f" ({link(esc('at'), c.url)})" if c.url and c.detail != "url" else ""
            return f"{code(c.subject)} {c.detail}: {q(c.before)} → {q(c.after)}{where}"
        date = f" ({c.date})" if c.date else ""
        return f"{c.kind.value} {code(c.subject)}: {link(q(c.after) + date, c.url)}"
    p = f"position {c.subject}"
    match c.kind:
        case Kind.CONTROVERSY_ADDED | Kind.CONTROVERSY_REMOVED:
            return f"{c.kind.value}: {esc(c.detail)}"
        case Kind.RETITLED | Kind.SUMMARY | Kind.THREAD:
            return f"{c.kind.value}: {q(c.before)} → {q(c.after)}"
        case Kind.STATUS:
            return f"status: {c.before} → {c.after}"
        case Kind.BODY:
            return f"body edited: {esc(c.detail)}"
        case Kind.POSITION_ADDED | Kind.POSITION_REMOVED:
            return f"{p} {c.kind.value.split()[1]}: {q(c.after)} — {esc(c.detail)}"
        case Kind.REWORDED | Kind.CRUX | Kind.REASON:
            return f"{p} {c.kind.value}: {q(c.before)} → {q(c.after)}"
        case Kind.CONFIDENCE:
            return f"{p} confidence: {c.before} → {c.after}"
        case Kind.HISTORY_ADDED | Kind.HISTORY_REMOVED:
            sources = f" [sources: {esc(c.detail)}]" if c.detail else " [no sources]"
            return f"{c.kind.value} {c.date}: {esc(c.after or '')}{sources}"
        case Kind.SEE_ALSO_ADDED | Kind.SEE_ALSO_REMOVED:
            return f"{c.kind.value}: {code(c.subject)}"
    return f"{p} {c.kind.value}: {code(c.after or '')}"  # proponents and sources of a position


def _groups(changes: Iterable[Change]) -> list[tuple[Change, list[Change]]]:
    return [(items[0], items) for _, group in groupby(changes, key=lambda c: c.group) if (items := list(group))]


def summary(changes: list[Change]) -> str:
    """``2 controversies changed, 1 source added`` — the count a reviewer reads first."""
    groups = {c.group for c in changes if c.group not in REGISTRIES}
    parts = [f"{len(groups)} controvers{'y' if len(groups) == 1 else 'ies'} changed"] if groups else []
    for group, noun in ((SOURCES, "source"), (PROPONENTS, "proponent"), (TIMELINE, "event"), (THREADS, "thread")):
        for kind in (Kind.ENTRY_ADDED, Kind.ENTRY_REMOVED, Kind.ENTRY_EDITED):
            n = len({c.subject for c in changes if c.group == group and c.kind == kind})
            if n:
                parts.append(f"{n} {noun}{'s' if n != 1 else ''} {kind.value}")
    return ", ".join(parts) or "no change to the record"


def text(changes: list[Change], base: str, head: str) -> str:
    """Plain text: a heading per controversy or registry, one marked line per change."""
    out = [f"Record changes from {base} to {head}: {summary(changes)}."]
    for first, items in _groups(changes):
        out += ["", f"{first.heading} ({first.path})"]
        out += [f"  {_mark(c.kind)} {_line(c)}" for c in items]
    return "\n".join(out) + "\n"


ESCAPE_RE = re.compile(r"([!-/:-@\[-`{-~])")
"""Every ASCII punctuation character: CommonMark lets a backslash make each one literal."""


def md_escape(text: str) -> str:
    return ESCAPE_RE.sub(r"\\\1", " ".join(text.split()))


URL_SAFE = ":/?#@!$&'*+,;=%~-._[]"
"""What stays as it is in a link's URL; spaces, parentheses, angle brackets and backslashes are encoded."""


def md_code(text: str) -> str:
    """An id or a path as inline code (literal, whatever it holds), or escaped text if it holds a backtick."""
    return f"`{text}`" if "`" not in text and text.strip() == text and text else md_escape(text)


def md_link(title: str, url: str | None) -> str:
    """``[title](url)`` with the URL percent-encoded where Markdown would end or break it."""
    if not url:
        return title
    return f"[{title}]({quote(url, safe=URL_SAFE)})"


def markdown(changes: list[Change], base: str, head: str) -> str:
    """Markdown for a pull request's job summary: a section per controversy or registry, a bullet per change."""
    out = ["## Changes to the record", "", f"From {md_code(base)} to {md_code(head)}: {summary(changes)}."]
    for first, items in _groups(changes):
        out += ["", f"### {md_escape(first.heading)}", "", md_code(first.path), ""]
        out += [f"- {md_escape(_mark(c.kind))} {_line(c, md_escape, md_link, md_code)}" for c in items]
    return "\n".join(out) + "\n"
