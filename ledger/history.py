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


def adds_position(log: tuple[HistoryEntry, ...], change: HistoryEntry) -> bool:
    """Whether ``change`` is the one that put its position on the record (as ``position_added`` reads it)."""
    first = next((e for e in log if e.position == change.position), None)
    return first is change and change.confidence is None


def what_moved(log: tuple[HistoryEntry, ...], change: HistoryEntry) -> str:
    """A change of ``log`` in a few words: ``Position B: low → medium``, ``Status: settled → contested``,
    ``Position C added`` (or ``updated``), or ``Update`` for a development that moved nothing. The one
    wording of feed titles, ``/updates/`` and a page's "What changed"."""
    parts = []
    if change.confidence is not None:
        parts.append(f"Position {change.position}: {change.confidence.from_} → {change.confidence.to}")
    if change.status is not None:
        parts.append(f"Status: {change.status.from_} → {change.status.to}")
    if not parts and change.position is not None:
        parts.append(f"Position {change.position} " + ("added" if adds_position(log, change) else "updated"))
    return "; ".join(parts) or "Update"


def _last_day(date: PartialDate) -> dt.date:
    """The latest day a date known to the month or year can mean."""
    if date.month is None:
        return dt.date(date.year, 12, 31)
    if date.day is None:
        return dt.date(date.year + date.month // 12, date.month % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(date.year, date.month, date.day)


def _year_before(day: dt.date) -> dt.date:
    """The first day of the twelve months ending on ``day`` (7 December 2025 for 6 December 2026)."""
    try:
        return day.replace(year=day.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        return dt.date(day.year - 1, 3, 1)


@dataclass(frozen=True, slots=True)
class Recent:
    """What changed on a controversy in the twelve months to its last review (``updated``).

    The year ends at the review date, not at the day the site is built or read: a build never reads the
    clock (the same content gives the same bytes), and "in the year to 6 December 2026" stays true for
    every reader, whenever they read it. Whether that review is itself more than a year old is for the
    reader's browser to say (``static/ledger.js``), against the reader's own date.
    """

    since: dt.date
    """The first day of the year: the day after the review date one year earlier."""
    until: dt.date
    """The last review (``updated``)."""
    changes: tuple[HistoryEntry, ...]
    """The history entries of that year, newest first (a month- or year-only date counts if it reaches it)."""
    last: HistoryEntry | None
    """The last recorded change, however old: what the page's "as of" line names."""
    titles: dict[str, str]
    """Each entry's ``what_moved``, by anchor (the last change's, and the year's)."""


def recent(c: Controversy) -> Recent:
    """``c``'s changes in the twelve months to its last review, and its last recorded change."""
    since = _year_before(c.updated)
    changes = tuple(e for e in reversed(c.history) if _last_day(e.date) >= since)
    last = c.history[-1] if c.history else None
    titles = {e.anchor: what_moved(c.history, e) for e in (*changes, *(() if last is None else (last,)))}
    return Recent(since, c.updated, changes, last, titles)


def last_change(c: Controversy) -> PartialDate:
    """The date of ``c``'s last recorded change, or the day it opened if none is recorded: what lists
    sort by (``updated`` is the last review, which can move without the evidence moving)."""
    return c.history[-1].date if c.history else PartialDate.of(c.opened)


@dataclass(frozen=True, slots=True)
class Update:
    """One history entry seen from outside its page: on ``/updates/`` and in the feeds."""

    controversy: Controversy
    entry: HistoryEntry

    @property
    def headline(self) -> str:
        """What moved, in a few words (``what_moved``)."""
        return what_moved(self.controversy.history, self.entry)

    @property
    def path(self) -> str:
        return f"controversies/{self.controversy.slug}/#{self.entry.anchor}"


def updates(controversies: Iterable[Controversy]) -> tuple[Update, ...]:
    """Every history entry of ``controversies``, newest first (ties: page, then order on the page)."""
    items = [(c, i, e) for c in controversies for i, e in enumerate(c.history)]
    items.sort(key=lambda t: (tuple(-k for k in t[2].date.key), t[0].slug, -t[1]))
    return tuple(Update(c, e) for c, _, e in items)
