"""A controversy's change log (front matter ``history:``): its checks, trajectories and updates.

The log is what makes the Ledger a record rather than a snapshot: each confidence or status
move names where it came from, so the chain of moves must connect and must end at the value
the page shows today. Readers see the log on the page, as a trajectory per position, on
``/updates/`` and in the feeds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .errors import ContentError
from .model import Controversy, HistoryEntry, Move, PartialDate, Position


def entries(raw_entries: Iterable[dict[str, Any]]) -> tuple[HistoryEntry, ...]:
    """Model objects for validated ``history:`` mappings, each with its stable anchor."""
    result: list[HistoryEntry] = []
    per_date: dict[str, int] = {}
    for fields in raw_entries:
        fields = dict(fields)
        for name in ("confidence", "status"):
            if (move := fields.get(name)) is not None:
                fields[name] = Move(from_=move["from"], to=move["to"])
        iso = fields["date"].iso
        per_date[iso] = per_date.get(iso, 0) + 1
        result.append(HistoryEntry(anchor=f"history-{iso}-{per_date[iso]}", **fields))
    return tuple(result)


def problems(c: Controversy) -> list[ContentError]:
    """Every inconsistency of ``c.history`` with itself and with the page (sources are checked elsewhere)."""
    errors: list[ContentError] = []

    def error(line: int, message: str) -> None:
        errors.append(ContentError(c.path, line, message))

    positions = {p.id: p for p in c.positions}
    opened, updated = PartialDate.of(c.opened), PartialDate.of(c.updated)
    last_confidence: dict[str, tuple[str, int]] = {}
    last_status: tuple[str, int] | None = None
    previous: HistoryEntry | None = None
    for e in c.history:
        date_line = e.line_of("date")
        if e.date.compare(opened) < 0:
            error(date_line, f"history date {e.date.iso} is before 'opened' ({c.opened})")
        if e.date.compare(updated) > 0:
            error(date_line, f"history date {e.date.iso} is after 'updated' ({c.updated}); move 'updated' forward too")
        if previous is not None and e.date.compare(previous.date) < 0:
            error(
                date_line,
                f"history entries must be oldest first: {e.date.iso} comes after {previous.date.iso} "
                f"(line {previous.line_of('date')})",
            )
        previous = e
        if e.change is None and e.confidence is None and e.status is None:
            error(e.line, "history entry needs 'change' (what happened) or a 'confidence' or 'status' change")
        if e.position is not None and e.position not in positions:
            error(
                e.line_of("position"),
                f"unknown position '{e.position}' in history (this controversy has {', '.join(positions)})",
            )
        if e.confidence is not None:
            line = e.line_of("confidence")
            if e.position is None:
                error(line, "a 'confidence' change needs 'position': the letter of the position that moved")
            elif e.position in positions:
                _check_move("confidence", e.confidence, last_confidence.get(e.position), line, error)
                last_confidence[e.position] = (e.confidence.to, line)
        if e.status is not None:
            line = e.line_of("status")
            _check_move("status", e.status, last_status, line, error)
            last_status = (e.status.to, line)
    for letter, (level, line) in last_confidence.items():
        position = positions[letter]
        if level != position.confidence:
            error(
                line,
                f"position {letter}'s last recorded confidence is '{level}' but the position says "
                f"'{position.confidence}' (line {position.line_of('confidence')})",
            )
    if last_status is not None and last_status[0] != c.status:
        error(
            last_status[1],
            f"last recorded status is '{last_status[0]}' but 'status' is '{c.status}' (line {c.line_of('status')})",
        )
    return errors


def _check_move(what: str, move: Move, last: tuple[str, int] | None, line: int, error: Any) -> None:
    if move.from_ == move.to:
        error(line, f"'{what}' change from '{move.from_}' to '{move.to}' changes nothing")
    if last is not None and move.from_ != last[0]:
        error(
            line,
            f"'{what}' changes from '{move.from_}' but the previous change (line {last[1]}) left it at '{last[0]}'",
        )


@dataclass(frozen=True, slots=True)
class Step:
    """A level held from a date on."""

    level: str
    since: PartialDate


@dataclass(frozen=True, slots=True)
class Trajectory:
    """How a position's confidence (or a controversy's status) moved; at least two steps."""

    steps: tuple[Step, ...]
    until: dt.date
    """The page's ``updated`` date: where the last step ends on a chart."""

    @property
    def levels_text(self) -> str:
        return " → ".join(s.level.capitalize() for s in self.steps)

    @property
    def dates_text(self) -> str:
        return " → ".join(s.since.display for s in self.steps)

    @property
    def text(self) -> str:
        """``Low → Medium (June 2024 → July 2025)``: the trajectory in words, and the chart's text alternative."""
        return f"{self.levels_text} ({self.dates_text})"


def position_added(c: Controversy, position: Position) -> PartialDate:
    """When a position entered the record: the first history entry naming it without a confidence move
    ("Position C added"), if that comes before any move; otherwise when the controversy opened."""
    for e in c.history:
        if e.position == position.id:
            return e.date if e.confidence is None else PartialDate.of(c.opened)
    return PartialDate.of(c.opened)


def confidence_trajectory(c: Controversy, position: Position) -> Trajectory | None:
    """The position's confidence over time, or ``None`` when it never moved."""
    moves = [e for e in c.history if e.position == position.id and e.confidence is not None]
    if not moves:
        return None
    assert moves[0].confidence is not None
    steps = [Step(moves[0].confidence.from_, position_added(c, position))]
    steps += [Step(e.confidence.to, e.date) for e in moves if e.confidence is not None]
    return Trajectory(tuple(steps), c.updated)


def status_trajectory(c: Controversy) -> Trajectory | None:
    """The controversy's status over time, or ``None`` when it never moved."""
    moves = [e for e in c.history if e.status is not None]
    if not moves:
        return None
    assert moves[0].status is not None
    steps = [Step(moves[0].status.from_, PartialDate.of(c.opened))]
    steps += [Step(e.status.to, e.date) for e in moves if e.status is not None]
    return Trajectory(tuple(steps), c.updated)


@dataclass(frozen=True, slots=True)
class Update:
    """One history entry seen from outside its page: on ``/updates/`` and in the feeds."""

    controversy: Controversy
    entry: HistoryEntry

    @property
    def headline(self) -> str:
        """``Position B: confidence Low → Medium``, the status move, or the change itself."""
        e = self.entry
        parts = []
        if e.confidence is not None:
            parts.append(
                f"Position {e.position}: confidence {e.confidence.from_.capitalize()} → {e.confidence.to.capitalize()}"
            )
        if e.status is not None:
            parts.append(f"Status: {e.status.from_.capitalize()} → {e.status.to.capitalize()}")
        return "; ".join(parts) or (e.change or "").rstrip(".")

    @property
    def path(self) -> str:
        return f"controversies/{self.controversy.slug}/#{self.entry.anchor}"


def updates(controversies: Iterable[Controversy]) -> tuple[Update, ...]:
    """Every history entry of ``controversies``, newest first (ties: page, then order on the page)."""
    items = [(c, i, e) for c in controversies for i, e in enumerate(c.history)]
    items.sort(key=lambda t: (tuple(-k for k in t[2].date.key), t[0].slug, -t[1]))
    return tuple(Update(c, e) for c, _, e in items)
