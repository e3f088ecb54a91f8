"""How a page numbers the sources it cites: in reading order, deduplicated, an anchor for every citing place.

Below both ``markdown`` (a body's citations are numbered when it is parsed, before any other of its
page's) and ``link`` (which numbers the whole page the same way), so neither imports the other.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, NamedTuple, TypeVar

from .model import Citation

H = TypeVar("H", bound=Hashable)
CiteMark = tuple[int, str]
"""(reference number, id of the citing element): what a citation renders as."""
Interned = dict[Hashable, Any]
"""Values of the numbering already made (anchors, marks, lists of places), shared by every page of a build:
``cite-1-1`` and ``(1, "cite-1-1")`` appear on nearly every page, and a large site made hundreds of thousands
of equal strings and tuples."""


class Occurrence(NamedTuple):
    """One place on a page that cites a reference; References link back to it.

    A named tuple: a large site makes hundreds of thousands, and a frozen dataclass is slower to make.
    """

    anchor: str
    label: str


def shared(interned: Interned, value: H) -> H:
    """An equal value made before, if there is one, else ``value`` (kept to be shared from now on)."""
    return interned.setdefault(value, value)


class Numbering:
    """Numbers sources in reading order, deduplicated, with an anchor for every citing place.

    The body's citations are numbered first, so a body renders the same marks at load time
    (``markdown.parse_body``) as its page's full numbering gives it (``link.number_references``).
    """

    def __init__(self, interned: Interned | None = None) -> None:
        self.numbers: dict[str, int] = {}
        self.places: dict[str, list[Occurrence]] = {}
        self.interned: Interned = {} if interned is None else interned

    def mark(self, source_id: str, label: str) -> CiteMark:
        places = self.places.get(source_id)
        if places is None:
            self.numbers[source_id] = len(self.numbers) + 1
            places = self.places[source_id] = []
        anchor = f"cite-{self.numbers[source_id]}-{len(places) + 1}"
        places.append(shared(self.interned, Occurrence(anchor, label)))
        return shared(self.interned, (self.numbers[source_id], anchor))

    def body(self, citations: tuple[Citation, ...]) -> tuple[CiteMark, ...]:
        return tuple(self.mark(c.source, c.section or "Text") for c in citations)
