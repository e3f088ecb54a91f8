"""Content problems, reported as ``path:line: message`` lines.

A content mistake is never an exception that escapes to the contributor: every stage collects
``ContentError`` values and the CLI prints them all at once, then exits 1.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class ContentError:
    """One problem in one content file."""

    path: str
    """The file, as the contributor would type it (e.g. ``content/sources.yaml``)."""
    line: int
    """1-based line of the offending key or value (1 when the whole file is at fault)."""
    message: str
    """What is wrong and, where it helps, how to fix it."""
    severity: str = "error"
    """``error`` fails the build; ``warning`` is reported but does not; ``note`` is for information only."""

    def __str__(self) -> str:
        prefix = f"{self.severity}: " if self.severity in ("warning", "note") else ""
        message = " ".join(self.message.split())  # always one line, whatever a library's message held
        return f"{printable(self.path)}:{self.line}: {prefix}{printable(message)}"


def printable(text: str) -> str:
    """``text`` with every unprintable character written as its escape: file names and content reach
    terminals and CI logs, where a raw ESC could rewrite what the reader sees."""
    if text.isprintable():  # nearly always: no need to look at each character
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class ContentErrors(Exception):
    """Raised by a stage that cannot go on; carries every problem found so far."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""
