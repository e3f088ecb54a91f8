"""Who holds what across a thread: the proponent × controversy matrix on each thread page."""

from __future__ import annotations

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
    """Columns in the thread page's order; rows are every proponent holding a position there, by name."""
    columns = links.thread_controversies[thread]
    rows = []
    for slug, proponent in site.proponents.items():
        held = {h.controversy.slug: [] for h in links.holdings[slug]}
        for h in links.holdings[slug]:
            held[h.controversy.slug].append(h.position)
        cells = tuple(tuple(sorted(held.get(c.slug, ()), key=lambda p: p.id)) for c in columns)
        if any(cells):
            rows.append(Row(slug, proponent, cells))
    rows.sort(key=lambda r: (r.proponent.name.casefold(), r.slug))
    return Matrix(columns, tuple(rows))
