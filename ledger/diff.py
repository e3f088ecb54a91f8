"""What a change to the content does to the record: two ``Site`` values in, a list of typed changes out.

A reviewer of a pull request sees a text diff of YAML and Markdown; what they must judge is the
record: which position is new, whose confidence moved and from what, which sources arrived. This
module answers that (pure: no git, no files); ``diff_text.py`` prints it and ``review.py`` finds
the two records. ``unrecorded_moves`` holds changes of confidence and status, and new positions, to the rule that
each is told in a new ``history:`` entry, so the record shows when and why it moved.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, fields
from enum import StrEnum

from .errors import ContentError
from .load import display_path
from .model import Controversy, Event, HistoryEntry, Position, Proponent, Site, Source, Thread
from .timeline import EVENTS_FILE


class Kind(StrEnum):
    """What changed; the words are the ones the text output uses."""

    CONTROVERSY_ADDED = "controversy added"
    CONTROVERSY_REMOVED = "controversy removed"
    RETITLED = "retitled"
    THREAD = "thread"
    STATUS = "status"
    SUMMARY = "summary reworded"
    BODY = "body edited"
    POSITION_ADDED = "position added"
    POSITION_REMOVED = "position removed"
    REWORDED = "claim reworded"
    CONFIDENCE = "confidence"
    REASON = "confidence reason reworded"
    CRUX = "crux"
    PROPONENT_ADDED = "proponent added"
    PROPONENT_REMOVED = "proponent removed"
    SOURCE_ADDED = "source added"
    SOURCE_REMOVED = "source removed"
    SEE_ALSO_ADDED = "see also added"
    SEE_ALSO_REMOVED = "see also removed"
    HISTORY_ADDED = "history entry added"
    HISTORY_REMOVED = "history entry removed"
    ENTRY_ADDED = "added"
    ENTRY_REMOVED = "removed"
    ENTRY_EDITED = "edited"


SOURCES, PROPONENTS, TIMELINE, THREADS = "sources.yaml", "proponents.yaml", EVENTS_FILE, "threads"
"""The groups of changes that are not a controversy's: the registries, the timeline and the threads."""
REGISTRIES = (SOURCES, PROPONENTS, TIMELINE, THREADS)


@dataclass(frozen=True, slots=True)
class Change:
    """One change to the record, in the group (a controversy's slug, or a registry file) it belongs to."""

    group: str
    heading: str
    """The group's title (a controversy's question), so a renderer needs nothing else."""
    kind: Kind
    subject: str = ""
    """A position's letter, a source id or proponent slug (in a position or a registry), an event id."""
    before: str | None = None
    after: str | None = None
    detail: str = ""
    """More to show: a new position's confidence and proponents, a history entry's reason and sources."""
    date: str | None = None
    url: str | None = None
    path: str = ""
    """The file in the new record (in the old one's folder layout, if the thing was removed)."""
    line: int = 0


def changes(old: Site, new: Site) -> list[Change]:
    """Every change from ``old`` to ``new``: controversies by slug, then the registries and threads."""
    found: list[Change] = []
    for slug in sorted(old.controversies.keys() | new.controversies.keys()):
        was, now = old.controversies.get(slug), new.controversies.get(slug)
        found += _controversy(slug, was, now, new)
    found += _registry(SOURCES, "Sources", old.sources, new.sources, _source_summary, new)
    found += _registry(PROPONENTS, "Proponents", old.proponents, new.proponents, _proponent_summary, new)
    found += _registry(
        TIMELINE, "Timeline", {e.id: e for e in old.events}, {e.id: e for e in new.events}, _event_summary, new
    )
    found += _registry(THREADS, "Threads", old.threads, new.threads, _thread_summary, new)
    return found


def _controversy(slug: str, was: Controversy | None, now: Controversy | None, new: Site) -> list[Change]:
    c = now or was
    assert c is not None
    path = display_path(new.content_dir, "controversies", f"{slug}.md")
    out: list[Change] = []

    def add(kind: Kind, subject: str = "", before: str | None = None, after: str | None = None, **more) -> None:
        out.append(Change(slug, c.title, kind, subject, before, after, path=path, **more))

    if was is None or now is None:
        kind = Kind.CONTROVERSY_ADDED if was is None else Kind.CONTROVERSY_REMOVED
        letters = ", ".join(f"{p.id} ({p.confidence})" for p in c.positions)
        add(kind, detail=f"status {c.status}; positions {letters}", line=1 if now else 0)
        return out
    if was.title != now.title:
        add(Kind.RETITLED, before=was.title, after=now.title, line=now.line_of("title"))
    if was.thread != now.thread:
        add(Kind.THREAD, before=was.thread, after=now.thread, line=now.line_of("thread"))
    if was.status != now.status:
        add(Kind.STATUS, before=was.status, after=now.status, line=now.line_of("status"))
    if was.summary != now.summary:
        add(Kind.SUMMARY, before=was.summary, after=now.summary, line=now.line_of("summary"))
    edited = _edited_sections(was.body.text, now.body.text)
    if edited:
        add(Kind.BODY, detail=", ".join(edited))
    before = {p.id: p for p in was.positions}
    after = {p.id: p for p in now.positions}
    for letter in sorted(before.keys() | after.keys()):
        out += [
            Change(slug, c.title, kind, letter, b, a, detail, path=path, line=line)
            for kind, b, a, detail, line in _position(before.get(letter), after.get(letter))
        ]
    for kind, items, line_key in (
        (Kind.SEE_ALSO_ADDED, _added(was.see_also, now.see_also), "see_also"),
        (Kind.SEE_ALSO_REMOVED, _added(now.see_also, was.see_also), "see_also"),
    ):
        for item in items:
            add(kind, item, line=now.line_of(line_key) if kind == Kind.SEE_ALSO_ADDED else 0)
    for kind, entries in (
        (Kind.HISTORY_ADDED, new_entries(was, now)),
        (Kind.HISTORY_REMOVED, new_entries(now, was)),
    ):
        for e in entries:
            line = e.line if kind == Kind.HISTORY_ADDED else 0
            add(kind, e.position or "", after=history_text(e), detail=", ".join(e.sources), date=e.date.iso, line=line)
    return out


def _position(was: Position | None, now: Position | None) -> Iterator[tuple[Kind, str | None, str | None, str, int]]:
    """(kind, before, after, detail, line) for each change to one lettered position."""
    if was is None or now is None:
        p = now or was
        assert p is not None
        kind = Kind.POSITION_ADDED if was is None else Kind.POSITION_REMOVED
        detail = f"confidence {p.confidence}; proponents {', '.join(p.proponents)}; sources {', '.join(p.sources)}"
        yield kind, None, p.claim, detail, p.line if now else 0
        return
    if was.claim != now.claim:
        yield Kind.REWORDED, was.claim, now.claim, "", now.line_of("claim")
    if was.confidence != now.confidence:
        yield Kind.CONFIDENCE, was.confidence, now.confidence, "", now.line_of("confidence")
    if was.confidence_reason.text != now.confidence_reason.text:
        yield Kind.REASON, was.confidence_reason.text, now.confidence_reason.text, "", now.line_of("confidence_reason")
    if was.crux != now.crux:
        yield Kind.CRUX, was.crux, now.crux, "", now.line_of("crux")
    for kind, items, key in (
        (Kind.PROPONENT_ADDED, _added(was.proponents, now.proponents), "proponents"),
        (Kind.PROPONENT_REMOVED, _added(now.proponents, was.proponents), ""),
        (Kind.SOURCE_ADDED, _added(was.sources, now.sources), "sources"),
        (Kind.SOURCE_REMOVED, _added(now.sources, was.sources), ""),
    ):
        for item in items:
            index = (now.proponents if key == "proponents" else now.sources).index(item) if key else 0
            yield kind, None, item, "", now.line_of(f"{key}.{index}") if key else 0


def _added(before: tuple[str, ...], after: tuple[str, ...]) -> list[str]:
    return [item for item in after if item not in before]


def _entry_key(e: HistoryEntry) -> tuple:
    """What a history entry says, without where it stands in the file."""
    return (e.date, e.change, e.position, e.confidence, e.status, e.reason, e.sources)


def new_entries(was: Controversy, now: Controversy) -> list[HistoryEntry]:
    """The entries of ``now.history`` that ``was`` does not have (an edited entry counts as new)."""
    left = Counter(_entry_key(e) for e in was.history)
    out = []
    for e in now.history:
        if left[_entry_key(e)]:
            left[_entry_key(e)] -= 1
        else:
            out.append(e)
    return out


def history_text(e: HistoryEntry) -> str:
    """``position B: confidence medium → high — reason``, the status move, or the change itself."""
    parts = []
    if e.confidence is not None:
        parts.append(f"position {e.position}: confidence {e.confidence.from_} → {e.confidence.to}")
    if e.status is not None:
        parts.append(f"status {e.status.from_} → {e.status.to}")
    if e.change:
        parts.append(e.change)
    text = "; ".join(parts)
    return f"{text} — {e.reason}" if e.reason else text


SECTION_RE = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)


def _sections(markdown: str) -> dict[str, str]:
    """A body's text under each heading ('' for what comes before the first)."""
    parts = SECTION_RE.split(markdown)
    out = {"": parts[0].strip()}
    for title, text in zip(parts[1::2], parts[2::2], strict=True):
        out[title] = (out.get(title, "") + "\n" + text).strip()
    return out


def _edited_sections(before: str, after: str) -> list[str]:
    """The headings whose text differs (a section added or removed counts), in the new body's order."""
    if before == after:
        return []
    was, now = _sections(before), _sections(after)
    names = [*now, *(name for name in was if name not in now)]
    return [name or "(before the first heading)" for name in names if was.get(name) != now.get(name)]


def _registry(group: str, heading: str, old: dict, new: dict, summary, site: Site) -> list[Change]:
    """Entries of a registry (or the timeline) added, removed or edited (field by field)."""
    path = display_path(site.content_dir, group)
    out: list[Change] = []
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        if was is None or now is None:
            item = now or was
            title, date, url = summary(item)
            kind = Kind.ENTRY_ADDED if was is None else Kind.ENTRY_REMOVED
            line = getattr(item, "line", 1) if now is not None else 0
            out.append(Change(group, heading, kind, key, after=title, date=date, url=url, path=path, line=line))
            continue
        for f in fields(now):
            if f.name in ("line", "lines", "path", "body") or not f.compare:
                continue
            b, a = getattr(was, f.name), getattr(now, f.name)
            if b != a:
                title, date, url = summary(now)
                out.append(
                    Change(
                        group,
                        heading,
                        Kind.ENTRY_EDITED,
                        key,
                        _value(b),
                        _value(a),
                        f.name,
                        date,
                        url,
                        path,
                        getattr(now, "line", 1),
                    )
                )
    return out


def _value(value: object) -> str | None:
    """A field's value as text: dates in their ISO form, lists joined."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    iso = getattr(value, "iso", None)
    return iso if isinstance(iso, str) else str(value)


def _source_summary(s: Source) -> tuple[str, str | None, str | None]:
    return s.title, s.date.iso if s.date else None, s.url


def _proponent_summary(p: Proponent) -> tuple[str, str | None, str | None]:
    return p.name, None, p.url


def _thread_summary(t: Thread) -> tuple[str, str | None, str | None]:
    return t.title, t.opened.isoformat(), None


def _event_summary(e: Event) -> tuple[str, str | None, str | None]:
    return e.title, e.date.iso, None


def unrecorded_moves(old: Site, new: Site, base: str) -> list[ContentError]:
    """A change of a position's confidence or a controversy's status, or a new position, since ``old`` (the record
    at ``base``) that no new ``history:`` entry records, or records from the wrong level or without sources."""
    errors: list[ContentError] = []
    for slug, now in new.controversies.items():
        was = old.controversies.get(slug)
        if was is None:
            continue
        added = new_entries(was, now)
        before = {p.id: p for p in was.positions}
        for p in now.positions:
            if p.id in before and before[p.id].confidence != p.confidence:
                moves = [e for e in added if e.position == p.id and e.confidence is not None]
                what = f"position {p.id}'s confidence"
                example = f"position: {p.id}, confidence: {{from: {before[p.id].confidence}, to: {p.confidence}}}"
                errors += _unrecorded(
                    now,
                    what,
                    before[p.id].confidence,
                    p.confidence,
                    p.line_of("confidence"),
                    [(e, e.confidence.from_) for e in moves if e.confidence],
                    example,
                    base,
                )
                errors += _unreworded_reason(now, before[p.id], p)
        errors += _unrecorded_positions(was, now, added)
        if was.status != now.status:
            moves = [(e, e.status.from_) for e in added if e.status is not None]
            example = f"status: {{from: {was.status}, to: {now.status}}}"
            errors += _unrecorded(now, "status", was.status, now.status, now.line_of("status"), moves, example, base)
    return errors


def _unreworded_reason(c: Controversy, was: Position, now: Position) -> list[ContentError]:
    """A confidence that moved with its ``confidence_reason`` word for word as before: the page would show the
    new level under the old level's "why" ("Why high: …" explaining a medium), so the move must reword it."""
    if was.confidence_reason.text.strip() != now.confidence_reason.text.strip():
        return []
    message = (
        f"position {now.id}'s confidence changed {was.confidence} → {now.confidence} but its confidence_reason "
        f"is unchanged: say, with its sources, why the evidence now makes it {now.confidence}"
    )
    return [ContentError(c.path, now.line_of("confidence_reason"), message)]


def _unrecorded_positions(was: Controversy, now: Controversy, added: list[HistoryEntry]) -> list[ContentError]:
    """A position new since ``was`` needs a new history entry naming it with no confidence move ("Position C
    added."), with sources: the entry dates it (``history.position_added``) and tells readers it arrived."""
    errors = []
    before = {p.id for p in was.positions}
    for p in now.positions:
        if p.id in before:
            continue
        entries = [e for e in added if e.position == p.id and e.confidence is None]
        if not entries:
            message = (
                f"position {p.id} was added with no history entry: add one under 'history:' "
                f"(date: the day it entered the record, position: {p.id}, change: Position {p.id} added., sources)"
            )
            errors.append(ContentError(now.path, p.line, message))
        elif not entries[0].sources:
            message = f"the history entry recording that position {p.id} was added needs 'sources': the ids behind it"
            errors.append(ContentError(now.path, entries[0].line, message))
    return errors


def _unrecorded(
    c: Controversy,
    what: str,
    before: str,
    after: str,
    line: int,
    moves: list[tuple[HistoryEntry, str]],
    example: str,
    base: str,
) -> list[ContentError]:
    if not moves:
        message = (
            f"{what} changed {before} → {after} with no history entry: add one under 'history:' "
            f"(date, {example}, reason, sources)"
        )
        return [ContentError(c.path, line, message)]
    errors = []
    first, first_from = moves[0]
    if first_from != before:
        message = f"{what} was '{before}' at {base}, but its new history entry moves it from '{first_from}'"
        errors.append(ContentError(c.path, first.line_of("status" if what == "status" else "confidence"), message))
    for e, _ in moves:
        if not e.sources:
            message = f"the history entry recording the change of {what} needs 'sources': the ids that support it"
            errors.append(ContentError(c.path, e.line, message))
    return errors
