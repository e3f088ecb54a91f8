"""Content checked against the schema (``schema.py``): values cleaned, or located errors.

``check_record`` turns a parsed YAML mapping into clean Python values (tuples, dates) and a list
of ``path:line`` errors, never raising for bad content; one function per kind of value.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .errors import ContentError, did_you_mean
from .limits import MAX_LIST_ITEMS, MAX_SLUG_CHARS, MAX_TEXT_CHARS
from .model import PartialDate
from .schema import (
    LANGUAGE_RE,
    LETTER_RE,
    PARTIAL_DATE_RE,
    PLACEHOLDER_RE,
    SLUG_RE,
    SNAPSHOT_EXPECTED,
    SNAPSHOT_RE,
    Field,
    Record,
)
from .yamltree import Map, Seq, field_lines, line_of


def is_slug(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_SLUG_CHARS and SLUG_RE.fullmatch(value) is not None


def too_long(value: str) -> str:
    """`` (at most N characters)`` for a slug-shaped value too long to be one, else nothing."""
    return f" (at most {MAX_SLUG_CHARS} characters)" if len(value) > MAX_SLUG_CHARS else ""


def is_placeholder(value: object) -> bool:
    """True for text ``build.py new`` left to be replaced (``TODO: …``)."""
    return isinstance(value, str) and PLACEHOLDER_RE.match(value) is not None


def placeholder_message(spec: Field) -> str:
    """What to do about a placeholder left in ``spec``: replace it (or, if optional, delete the line)."""
    hint = "replace it" if spec.required else "replace it or delete the line"
    return f"'{spec.name}' is still a TODO placeholder: {hint}"


def is_web_url(value: str) -> bool:
    """True for absolute http(s) URLs with a host: the only links contributors may add."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in value)


def parse_partial_date(value: object) -> PartialDate | str:
    """A ``PartialDate`` from YAML's date, int year or ``YYYY[-MM[-DD]]`` text; else an error message."""
    if isinstance(value, dt.datetime):
        return f"is a date and time ({value}); use a date, YYYY-MM-DD"
    if isinstance(value, dt.date):
        return PartialDate.of(value)
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not (m := PARTIAL_DATE_RE.fullmatch(text.strip())):
        return f"is not a date: '{value}' (use YYYY-MM-DD, YYYY-MM or YYYY)"
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year, month or 1, day or 1)  # type: ignore[arg-type]
    except ValueError as exc:
        return f"is not a valid date: '{value}' ({exc})"
    return PartialDate(year, month, day)  # type: ignore[arg-type]


Checked = tuple[Any, list[ContentError]]
"""A clean value and no errors, or ``None`` and the errors."""


@dataclass(frozen=True, slots=True)
class _At:
    """The value being checked: its field, and where it is."""

    spec: Field
    path: str
    line: int

    def error(self, message: str) -> tuple[None, list[ContentError]]:
        return None, [ContentError(self.path, self.line, f"'{self.spec.name}' {message}")]


Checker = Callable[[Any, _At], Checked]


def _check_value(spec: Field, value: Any, path: str, line: int) -> Checked:
    """Clean one value with the checker of its type (``CHECKERS``); on error return ``None`` and the errors."""
    if is_placeholder(value):
        return None, [ContentError(path, line, placeholder_message(spec))]
    at = _At(spec, path, line)
    if spec.type in _LISTS and isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
        return at.error(f"has {len(value):,} items; lists are limited to {MAX_LIST_ITEMS:,}")
    checker = CHECKERS.get(spec.type)
    if checker is None:
        raise AssertionError(f"unknown field type {spec.type}")  # a bug in the schema, not in content
    return checker(value, at)


def _text(value: Any, at: _At) -> Checked:
    if not isinstance(value, str):
        return at.error(f"must be text, got {_describe(value)}")
    value = value.strip()
    if not value:
        return at.error("must not be empty")
    if len(value) > MAX_TEXT_CHARS:
        return at.error(f"is {len(value):,} characters long; at most {MAX_TEXT_CHARS:,} are allowed")
    return value, []


def _text_where(rule: Callable[[str, Field], str | None], intern: bool = False) -> Checker:
    """A checker of text that ``rule`` finds no fault with (it returns the problem, if any).

    ``intern``: values that are the same few strings over and over (slugs, letters, choices), stored once.
    """

    def check(value: Any, at: _At) -> Checked:
        text, errors = _text(value, at)
        if errors:
            return text, errors
        if (problem := rule(text, at.spec)) is not None:
            return at.error(problem)
        return (sys.intern(text) if intern else text), []

    return check


def _slug(value: str, spec: Field) -> str | None:
    if is_slug(value):
        return None
    return f"must be a slug of lowercase letters, digits and hyphens{too_long(value)}, got '{value}'"


def _letter(value: str, spec: Field) -> str | None:
    return None if LETTER_RE.fullmatch(value) else f"must be a single capital letter A–Z, got '{value}'"


def _language(value: str, spec: Field) -> str | None:
    return None if LANGUAGE_RE.fullmatch(value) else f"must be a language tag such as 'en' or 'en-GB', got '{value}'"


def _url(value: str, spec: Field) -> str | None:
    return None if is_web_url(value) else f"must be an http:// or https:// URL, got '{value}'"


def _snapshot_url(value: str, spec: Field) -> str | None:
    return None if is_web_url(value) and SNAPSHOT_RE.fullmatch(value) else f"must be {SNAPSHOT_EXPECTED}; got '{value}'"


def _choice(value: str, spec: Field) -> str | None:
    if value in spec.choices:
        return None
    return f"must be one of {', '.join(spec.choices)}; got '{value}'{did_you_mean(value, spec.choices)}"


def _date(value: Any, at: _At) -> Checked:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value, []
    parsed = parse_partial_date(value)
    if isinstance(parsed, PartialDate) and parsed.day:
        return dt.date(parsed.year, parsed.month or 1, parsed.day), []
    if isinstance(parsed, str) and "(use" not in parsed:
        return at.error(parsed)  # a real date that does not exist, e.g. 2024-02-30
    return at.error(f"must be a full date YYYY-MM-DD, got '{value}'")


def _partial_date(value: Any, at: _At) -> Checked:
    parsed = parse_partial_date(value)
    return (parsed, []) if isinstance(parsed, PartialDate) else at.error(parsed)


def _list_of(item_type: str) -> Checker:
    """A checker of a list whose items are each checked as ``item_type``, at their own lines."""

    def check(value: Any, at: _At) -> Checked:
        if not isinstance(value, list):
            return at.error(f"must be a list, e.g. [a, b], got {_describe(value)}")
        spec = at.spec
        item_spec = Field(spec.name, item_type, spec.doc, required=spec.required)
        items, errors = [], []
        for i, item in enumerate(value):
            clean, item_errors = _check_value(
                item_spec, item, at.path, line_of(value, i) if isinstance(value, Seq) else at.line
            )
            items.append(clean)
            errors += item_errors
        return (tuple(items), []) if not errors else (None, errors)

    return check


def _record(value: Any, at: _At) -> Checked:
    record = at.spec.record
    assert record is not None
    if not isinstance(value, Map):
        names = ", ".join(f.name for f in record.fields)
        return at.error(f"must be a mapping of fields ({names}), got {_describe(value)}")
    clean, errors = check_record(value, record, at.path)
    clean["lines"] = field_lines(value)
    return (clean, []) if not errors else (None, errors)


def _records(value: Any, at: _At) -> Checked:
    record = at.spec.record
    if not isinstance(value, list) or not value:
        return at.error(f"must be a non-empty list of {record.name}s" if record else "must be a list")
    assert record is not None
    records, errors = [], []
    for i, item in enumerate(value):
        item_line = line_of(value, i) if isinstance(value, Seq) else at.line
        if not isinstance(item, Map):
            message = f"each of '{at.spec.name}' must be a mapping of fields, got {_describe(item)}"
            errors.append(ContentError(at.path, item_line, message))
            continue
        clean, item_errors = check_record(item, record, at.path)
        clean["lines"] = field_lines(item)
        records.append(clean)
        errors += item_errors
    return (records, []) if not errors else (None, errors)


CHECKERS: dict[str, Checker] = {
    "text": _text,
    "slug": _text_where(_slug, intern=True),
    "letter": _text_where(_letter, intern=True),
    "choice": _text_where(_choice, intern=True),
    "language": _text_where(_language),
    "url": _text_where(_url),
    "snapshot-url": _text_where(_snapshot_url),
    "date": _date,
    "partial-date": _partial_date,
    "slugs": _list_of("slug"),
    "texts": _list_of("text"),
    "record": _record,
    "records": _records,
}
"""The checker of each type of value a ``schema.Field`` may have."""
_LISTS = frozenset({"slugs", "texts", "records"})
"""Types whose values are lists, limited to ``MAX_LIST_ITEMS`` items."""


def check_record(raw: Map, record: Record, path: str) -> tuple[dict[str, Any], list[ContentError]]:
    """Validate one mapping against ``record``: unknown keys, missing fields, each value's type.

    Returns the clean values (absent optional fields omitted, ``line`` added) and every error.
    """
    errors: list[ContentError] = []
    names = [f.name for f in record.fields]
    clean: dict[str, Any] = {"line": raw.line}
    suggested = set()
    for key in raw:
        if key not in names:
            hint = did_you_mean(key, [n for n in names if n not in raw])
            suggested.add(hint)
            errors.append(ContentError(path, line_of(raw, key), f"unknown {record.name} field '{key}'{hint}"))
    for spec in record.fields:
        if spec.name not in raw or raw[spec.name] is None:
            if spec.required and f" (did you mean '{spec.name}'?)" not in suggested:
                errors.append(ContentError(path, raw.line, _missing(record, spec, raw)))
            continue
        value, value_errors = _check_value(spec, raw[spec.name], path, line_of(raw, spec.name))
        errors += value_errors
        if not value_errors:
            clean[spec.name] = value
    return clean, errors


def _missing(record: Record, spec: Field, raw: Map) -> str:
    """The message for a required field that is absent: with what to write, if the schema says."""
    if not spec.hint:
        return f"{record.name} is missing required field '{spec.name}'"
    named = raw.get("id")
    who = f"{record.name} {named}" if isinstance(named, str) and is_slug(named.lower()) else record.name
    return f"{who} has no {spec.name} — {spec.hint}"


def _describe(value: Any) -> str:
    if isinstance(value, Map | dict):
        return "a mapping"
    if isinstance(value, Seq | list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"
