"""Content checked against the schema (``schema.py``): values cleaned, or located errors.

``check_record`` turns a parsed YAML mapping into clean Python values (tuples, dates) and a list
of ``path:line`` errors, never raising for bad content; one function per kind of value.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any
from urllib.parse import urlsplit

from .errors import ContentError, did_you_mean
from .limits import MAX_LIST_ITEMS, MAX_SLUG_CHARS, MAX_TEXT_CHARS
from .model import PartialDate
from .schema import LANGUAGE_RE, LETTER_RE, PARTIAL_DATE_RE, PLACEHOLDER_RE, SLUG_RE, Field, Record
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


def _check_value(spec: Field, value: Any, path: str, line: int) -> tuple[Any, list[ContentError]]:
    """Clean one value; on error return ``None`` and the errors."""

    def err(message: str) -> tuple[None, list[ContentError]]:
        return None, [ContentError(path, line, f"'{spec.name}' {message}")]

    if is_placeholder(value):
        return None, [ContentError(path, line, placeholder_message(spec))]

    match spec.type:
        case "text" | "slug" | "letter" | "language" | "url" | "choice":
            if not isinstance(value, str):
                return err(f"must be text, got {_describe(value)}")
            value = value.strip()
            if not value:
                return err("must not be empty")
            if len(value) > MAX_TEXT_CHARS:
                return err(f"is {len(value):,} characters long; at most {MAX_TEXT_CHARS:,} are allowed")
            if spec.type == "slug" and not is_slug(value):
                return err(f"must be a slug of lowercase letters, digits and hyphens{too_long(value)}, got '{value}'")
            if spec.type == "letter" and not LETTER_RE.fullmatch(value):
                return err(f"must be a single capital letter A–Z, got '{value}'")
            if spec.type == "language" and not LANGUAGE_RE.fullmatch(value):
                return err(f"must be a language tag such as 'en' or 'en-GB', got '{value}'")
            if spec.type == "url" and not is_web_url(value):
                return err(f"must be an http:// or https:// URL, got '{value}'")
            if spec.type == "choice" and value not in spec.choices:
                hint = did_you_mean(value, spec.choices)
                return err(f"must be one of {', '.join(spec.choices)}; got '{value}'{hint}")
            if spec.type in ("slug", "letter", "choice"):  # the same few strings over and over: stored once
                value = sys.intern(value)
            return value, []
        case "date":
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return value, []
            parsed = parse_partial_date(value)
            if isinstance(parsed, PartialDate) and parsed.day:
                return dt.date(parsed.year, parsed.month or 1, parsed.day), []
            if isinstance(parsed, str) and "(use" not in parsed:
                return err(parsed)  # a real date that does not exist, e.g. 2024-02-30
            return err(f"must be a full date YYYY-MM-DD, got '{value}'")
        case "partial-date":
            parsed = parse_partial_date(value)
            return (parsed, []) if isinstance(parsed, PartialDate) else err(parsed)
        case "slugs" | "texts" | "records" if isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
            return err(f"has {len(value):,} items; lists are limited to {MAX_LIST_ITEMS:,}")
        case "slugs" | "texts":
            if not isinstance(value, list):
                return err(f"must be a list, e.g. [a, b], got {_describe(value)}")
            items, errors = [], []
            item_spec = Field(spec.name, "slug" if spec.type == "slugs" else "text", spec.doc, required=spec.required)
            for i, item in enumerate(value):
                clean, item_errors = _check_value(
                    item_spec, item, path, line_of(value, i) if isinstance(value, Seq) else line
                )
                items.append(clean)
                errors += item_errors
            return (tuple(items), []) if not errors else (None, errors)
        case "record":
            assert spec.record is not None
            if not isinstance(value, Map):
                names = ", ".join(f.name for f in spec.record.fields)
                return err(f"must be a mapping of fields ({names}), got {_describe(value)}")
            clean, errors = check_record(value, spec.record, path)
            clean["lines"] = field_lines(value)
            return (clean, []) if not errors else (None, errors)
        case "records":
            if not isinstance(value, list) or not value:
                return err(f"must be a non-empty list of {spec.record.name}s" if spec.record else "must be a list")
            records, errors = [], []
            for i, item in enumerate(value):
                item_line = line_of(value, i) if isinstance(value, Seq) else line
                if not isinstance(item, Map):
                    errors.append(
                        ContentError(
                            path, item_line, f"each of '{spec.name}' must be a mapping of fields, got {_describe(item)}"
                        )
                    )
                    continue
                assert spec.record is not None
                clean, item_errors = check_record(item, spec.record, path)
                clean["lines"] = field_lines(item)
                records.append(clean)
                errors += item_errors
            return (records, []) if not errors else (None, errors)
    raise AssertionError(f"unknown field type {spec.type}")  # a bug in this module, not in content


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
                errors.append(ContentError(path, raw.line, f"{record.name} is missing required field '{spec.name}'"))
            continue
        value, value_errors = _check_value(spec, raw[spec.name], path, line_of(raw, spec.name))
        errors += value_errors
        if not value_errors:
            clean[spec.name] = value
    return clean, errors


def _describe(value: Any) -> str:
    if isinstance(value, Map | dict):
        return "a mapping"
    if isinstance(value, Seq | list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"
