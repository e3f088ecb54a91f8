"""The content schema, declared once: validation, documentation and JSON Schema all read it.

Each ``Record`` lists its ``Field``s; ``check_record`` turns a parsed YAML mapping into clean
Python values (tuples, dates) and a list of located errors, never raising for bad content.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .errors import ContentError, did_you_mean
from .limits import MAX_LIST_ITEMS, MAX_SLUG_CHARS, MAX_TEXT_CHARS
from .model import PartialDate
from .yamltree import Map, Seq, field_lines, line_of

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LETTER_RE = re.compile(r"[A-Z]")
LANGUAGE_RE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
"""A BCP 47 language tag's shape (``en``, ``en-GB``): it becomes ``<html lang>``, which names search index files."""
PARTIAL_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")

CONFIDENCE = ("low", "medium", "high")
STATUS = ("contested", "leaning", "settled", "dormant")
SOURCE_KINDS = ("paper", "report", "press", "blog", "opinion", "primary", "dataset", "talk")
PROPONENT_KINDS = ("person", "organization", "group")

PLACEHOLDER = "TODO:"
"""What ``build.py new`` writes where a contributor must fill something in; ``check`` refuses it."""
PLACEHOLDER_RE = re.compile(r"\s*TODO:")


@dataclass(frozen=True)
class Field:
    """One key a content file may hold."""

    name: str
    type: str
    """text | slug | slugs | texts | letter | language | date | partial-date | url | choice | record | records"""
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    record: Record | None = None


@dataclass(frozen=True)
class Record:
    """A kind of mapping in content: its fields, in the order documentation shows them."""

    name: str
    doc: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


SITE = Record(
    "site",
    "content/site.yaml: the site's identity and where it is published.",
    (
        Field("title", "text", "Site title shown in the header.", required=True),
        Field("tagline", "text", "One line under the title.", required=True),
        Field(
            "base_url", "url", "Absolute URL the site is published at (used for feeds, canonical links).", required=True
        ),
        Field("repo_url", "url", "The GitHub repository holding this content.", required=True),
        Field("language", "language", "BCP 47 language tag of the content, e.g. 'en'."),
        Field("description", "text", "One sentence for search engines and feed readers."),
        Field("repo_branch", "text", "Branch that edit links point at (default 'main')."),
    ),
)

THREAD = Record(
    "thread",
    "content/threads/<slug>.md: front matter of a thread, a long-running debate grouping controversies.",
    (
        Field("title", "text", "The thread's title.", required=True),
        Field("summary", "text", "One or two sentences shown on the index.", required=True),
        Field("opened", "date", "When the debate began on the record (YYYY-MM-DD).", required=True),
    ),
)

POSITION = Record(
    "position",
    "One lettered position in a controversy.",
    (
        Field("id", "letter", "Capital letter A, B, C … unique within the controversy.", required=True),
        Field("claim", "text", "The position, stated as its proponents would.", required=True),
        Field(
            "confidence",
            "choice",
            "How well the evidence on record supports the claim.",
            required=True,
            choices=CONFIDENCE,
        ),
        Field("proponents", "slugs", "Slugs from content/proponents.yaml.", required=True),
        Field("sources", "slugs", "Ids from content/sources.yaml backing the claim."),
        Field("crux", "text", "What evidence would change this position's confidence."),
    ),
)


def _move(name: str, choices: tuple[str, ...]) -> Record:
    return Record(
        f"{name} change",
        f"A change of {name}: ``{{from: {choices[0]}, to: {choices[1]}}}``.",
        (
            Field("from", "choice", f"The {name} before the change.", required=True, choices=choices),
            Field("to", "choice", f"The {name} after the change.", required=True, choices=choices),
        ),
    )


CONFIDENCE_MOVE = _move("confidence", CONFIDENCE)
STATUS_MOVE = _move("status", STATUS)

HISTORY_ENTRY = Record(
    "history entry",
    "One dated change on a controversy's record, oldest first. Give 'change', or a 'confidence' or 'status' move.",
    (
        Field("date", "partial-date", "When it changed: YYYY-MM-DD, YYYY-MM or YYYY.", required=True),
        Field("change", "text", "What changed, in one sentence (e.g. 'Position C added.')."),
        Field("position", "letter", "The position concerned, if one (its letter)."),
        Field(
            "confidence",
            "record",
            "The position's confidence move, e.g. {from: low, to: medium}.",
            record=CONFIDENCE_MOVE,
        ),
        Field(
            "status",
            "record",
            "The controversy's status move, e.g. {from: contested, to: leaning}.",
            record=STATUS_MOVE,
        ),
        Field("reason", "text", "Why, in one sentence; shown to readers."),
        Field("sources", "slugs", "Ids from content/sources.yaml supporting the change."),
    ),
)

CONTROVERSY = Record(
    "controversy",
    "content/controversies/<slug>.md: front matter of a controversy; the body holds Context, Key Tensions and Status.",
    (
        Field("title", "text", "The contested question.", required=True),
        Field("thread", "slug", "Slug of the thread (a file in content/threads/).", required=True),
        Field("kind", "text", "An adjective: 'A <kind> controversy in the <thread> thread.'", required=True),
        Field("status", "choice", "Where the debate stands.", required=True, choices=STATUS),
        Field("opened", "date", "When the question was first raised on the record.", required=True),
        Field("updated", "date", "Last substantive change to this page.", required=True),
        Field("summary", "text", "One sentence for the index, feeds and link previews."),
        Field("positions", "records", "The lettered positions.", required=True, record=POSITION),
        Field("see_also", "slugs", "Slugs of related controversies (shown on both pages)."),
        Field("history", "records", "Dated changes, oldest first: the page's change log.", record=HISTORY_ENTRY),
    ),
)

SOURCE = Record(
    "source",
    "An entry of content/sources.yaml, keyed by its id.",
    (
        Field("title", "text", "Exact published title.", required=True),
        Field("kind", "choice", "What sort of document it is.", required=True, choices=SOURCE_KINDS),
        Field("label", "text", "Short display text where it is cited, if not the title."),
        Field("authors", "texts", "Authors, or the publishing organisation."),
        Field("venue", "text", "Journal, conference, publisher or site."),
        Field("date", "partial-date", "Publication date: YYYY-MM-DD, YYYY-MM or YYYY."),
        Field("undated", "text", "Instead of 'date' when none is published: why (shown as 'n.d.')."),
        Field("url", "url", "Where to read it (http or https)."),
        Field("note", "text", "Anything a reader should know (e.g. where it was later published)."),
        Field("reliability", "text", "Shown to readers when the source's claims are anonymous or unverified."),
    ),
)

PROPONENT = Record(
    "proponent",
    "An entry of content/proponents.yaml, keyed by its slug.",
    (
        Field("name", "text", "Display name, e.g. 'NVIDIA'.", required=True),
        Field("kind", "choice", "Who they are.", required=True, choices=PROPONENT_KINDS),
        Field("url", "url", "Official page (http or https)."),
        Field("description", "text", "One neutral line."),
    ),
)


EVENT = Record(
    "event",
    "An entry of content/events.yaml (a list): a dated event on the timeline.",
    (
        Field("id", "slug", "Unique id; the event's anchor on the timeline (#event-<id>).", required=True),
        Field("date", "partial-date", "When it happened: YYYY-MM-DD, YYYY-MM or YYYY.", required=True),
        Field("title", "text", "What happened, as a headline.", required=True),
        Field("description", "text", "One paragraph.", required=True),
        Field("sources", "slugs", "Ids from content/sources.yaml recording the event.", required=True),
        Field("controversies", "slugs", "Slugs of the controversies it bears on."),
    ),
)


# --- Content files: which record each file holds (read by the JSON Schema export and the docs) ---


@dataclass(frozen=True)
class ContentFile:
    """A kind of file in content/ and the record it holds."""

    name: str
    """Names the exported schema: ``schemas/<name>.schema.json``."""
    path: str
    """Where it lives in the repository, e.g. ``content/sources.yaml`` or ``content/controversies/*.md``."""
    record: Record
    shape: str
    """``mapping`` (the file is one record), ``front-matter`` (a Markdown file's front matter is one record),
    ``registry`` (records keyed by ``key``) or ``list`` (a list of records)."""
    key: str = ""
    """For a registry: what its keys are called (``id``, ``slug``)."""


CONTENT_FILES = (
    ContentFile("site", "content/site.yaml", SITE, "mapping"),
    ContentFile("thread", "content/threads/*.md", THREAD, "front-matter"),
    ContentFile("controversy", "content/controversies/*.md", CONTROVERSY, "front-matter"),
    ContentFile("sources", "content/sources.yaml", SOURCE, "registry", key="id"),
    ContentFile("proponents", "content/proponents.yaml", PROPONENT, "registry", key="slug"),
    ContentFile("events", "content/events.yaml", EVENT, "list"),
)


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
