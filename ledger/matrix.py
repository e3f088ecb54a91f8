"""Who holds what across a thread: the proponent × controversy matrix on each thread page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .link import Links
from .model import Controversy, Position, Proponent, Site


@dataclass(frozen=True, slots=True)
class Held:
    """A cell naming positions: the proponent holds them (rarely two) on the question of its column."""

    column: Controversy
    positions: tuple[Position, ...]


@dataclass(frozen=True, slots=True)
class Row:
    """A proponent and their cells, column by column: ``Held``, or a number of empty cells in a row.

    Most cells are empty (a proponent holds positions on few of a thread's questions): the page writes a run
    of them as one piece, not cell by cell.
    """

    slug: str
    proponent: Proponent
    cells: tuple[Held | int, ...]


@dataclass(frozen=True, slots=True)
class Matrix:
    columns: tuple[Controversy, ...]
    rows: tuple[Row, ...]


def thread_matrix(site: Site, links: Links, thread: str) -> Matrix:
    """Columns in the thread page's order; rows are every proponent holding a position there, by name.

    Built from the thread's own positions, so each thread costs its size, not the whole site's.
    """
    columns = links.thread_controversies[thread]
    held: dict[str, dict[int, list[Position]]] = defaultdict(lambda: defaultdict(list))
    for column, c in enumerate(columns):
        for p in c.positions:
            for slug in dict.fromkeys(p.proponents):
                held[slug][column].append(p)
    rows = [Row(slug, site.proponents[slug], _cells(columns, cells)) for slug, cells in held.items()]
    rows.sort(key=lambda r: (r.proponent.name.casefold(), r.slug))
    return Matrix(columns, tuple(rows))


def _cells(columns: tuple[Controversy, ...], held: dict[int, list[Position]]) -> tuple[Held | int, ...]:
    """A row's cells: what it holds by column, and the runs of empty columns between (each a number)."""
    cells: list[Held | int] = []
    at = 0
    for column in sorted(held):
        if column > at:
            cells.append(column - at)
        cells.append(Held(columns[column], tuple(sorted(held[column], key=lambda p: p.id))))
        at = column + 1
    if at < len(columns):
        cells.append(len(columns) - at)
    return tuple(cells)
