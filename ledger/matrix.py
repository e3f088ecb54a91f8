"""Who holds what across a thread: the proponent × controversy matrix on each thread page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .link import Links
from .model import Controversy, Position, Proponent, Site


@dataclass(frozen=True, slots=True)
class Row:
    """A proponent and, for each column, the positions they hold there (often none, rarely two)."""

    slug: str
    proponent: Proponent
    cells: tuple[tuple[Position, ...], ...]


@dataclass(frozen=True, slots=True)
class Matrix:
    columns: tuple[Controversy, ...]
    rows: tuple[Row, ...]


def thread_matrix(site: Site, links: Links, thread: str) -> Matrix:
    """Columns in the thread page's order; rows are every proponent holding a position there, by name.

    Built from the thread's own positions, so each thread costs its size, not the whole site's.
    """
    columns = links.thread_controversies[thread]
    held: dict[str, dict[str, list[Position]]] = defaultdict(lambda: defaultdict(list))
    for c in columns:
        for p in c.positions:
            for slug in dict.fromkeys(p.proponents):
                held[slug][c.slug].append(p)
    rows = [
        Row(
            slug,
            site.proponents[slug],
            tuple(tuple(sorted(cells.get(c.slug, ()), key=lambda p: p.id)) for c in columns),
        )
        for slug, cells in held.items()
    ]
    rows.sort(key=lambda r: (r.proponent.name.casefold(), r.slug))
    return Matrix(columns, tuple(rows))
