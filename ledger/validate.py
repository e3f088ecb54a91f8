"""Stage 2: check every record against the schema and every reference against the registries.

Produces the typed ``Site`` or the complete list of problems: each record is checked on its own
(fields, types, unknown keys), then the whole site (unknown ids, duplicates, dates in order).
A reference to a record that exists but is itself invalid is not reported again: one mistake,
one message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from . import archived, history, timeline
from .errors import ContentError, ContentErrors, did_you_mean
from .limits import MAX_LIST_ITEMS, MAX_TEXT_CHARS
from .load import Document, RawContent, display_path, suggest_slug
from .markdown import parse_reason
from .model import Body, Controversy, Position, Proponent, Site, SiteConfig, Source, Thread
from .recall import ONCE, Recall
from .schema import CONTROVERSY, EDITORIAL, PROPONENT, SITE, SOURCE, THREAD, Record
from .values import check_record, is_slug, too_long
from .yamltree import Map, Seq, field_lines, line_of

T = TypeVar("T")

SUGGESTION_BUDGET = 200_000
"""Comparisons "did you mean" may spend, as problems so far × ids in the registry: hundreds of
suggestions for a real registry, a handful for a hostile one (each compares with every id)."""


@dataclass(frozen=True)
class Declared:
    """Ids that exist in content, valid or not (``None``: the file could not be read at all)."""

    sources: frozenset[str] | None
    proponents: frozenset[str] | None
    threads: frozenset[str]
    controversies: frozenset[str]


def _registry(
    raw: Map | None, record: Record, path: str, make: Callable[..., T], errors: list[ContentError]
) -> dict[str, T]:
    """Entries of a ``sources.yaml``-style mapping, keyed by slug, in sorted order."""
    entries: dict[str, T] = {}
    for key in sorted(raw or {}):
        assert raw is not None
        line = line_of(raw, key)
        if not is_slug(key):
            errors.append(
                ContentError(
                    path,
                    line,
                    f"{record.name} id '{key}' must be lowercase letters, digits and hyphens{too_long(key)} "
                    f"(e.g. '{suggest_slug(key)}')",
                )
            )
            continue
        if record is SOURCE and key.isdigit():
            message = f"source id '{key}' needs a letter: its anchor #ref-{key} would be a reference number's"
            errors.append(ContentError(path, line, message))
            continue
        if record is SOURCE and key == EDITORIAL:
            message = (
                f"source id '{key}' is reserved: [@{EDITORIAL}] marks the Ledger's own synthesis in a body, "
                "so no source may have it; give this source another id"
            )
            errors.append(ContentError(path, line, message))
            continue
        value = raw[key]
        if not isinstance(value, Map):
            errors.append(ContentError(path, line, f"{record.name} '{key}' must be a mapping of fields"))
            continue
        clean, record_errors = check_record(value, record, path)
        if not record_errors and record is SOURCE:
            record_errors = archived.source_problems(value, clean, path)
        errors.extend(record_errors)
        if not record_errors:
            clean["line"] = line
            entries[key] = make(key, **clean)
    return entries


def _checked_registry(
    raw: RawContent,
    name: str,
    value: Map | None,
    record: Record,
    make: Callable[..., T],
    errors: list[ContentError],
    recall: Recall,
) -> dict[str, T]:
    """``_registry``'s entries and problems, or what an earlier build found for this version of the file."""
    key = raw.digests.get(name, "")
    check = partial(_registry_checked, value, record, display_path(raw.root, name), make)
    if key:
        entries, found = recall.recall("registry", (), key, partial(recall.stored, "registry", key, check))
    else:
        entries, found = check()
    errors.extend(found)
    return entries


def _registry_checked(
    raw: Map | None, record: Record, path: str, make: Callable[..., T]
) -> tuple[dict[str, T], list[ContentError]]:
    found: list[ContentError] = []
    return _registry(raw, record, path, make, found), found


def _document_fields(doc: Document, record: Record, errors: list[ContentError]) -> dict[str, Any] | None:
    if not is_slug(doc.slug):
        errors.append(
            ContentError(
                doc.path,
                1,
                f"file name must be a slug of lowercase letters, digits and hyphens{too_long(doc.slug)} "
                f"(e.g. '{suggest_slug(doc.slug)}.md')",
            )
        )
    clean, record_errors = check_record(doc.meta, record, doc.path)
    errors.extend(record_errors)
    if record_errors or not is_slug(doc.slug):
        return None
    clean.pop("line")
    return clean


def _positions(doc: Document, raw_positions: list[dict[str, Any]], errors: list[ContentError]) -> tuple[Position, ...]:
    seen: dict[str, int] = {}
    for fields in raw_positions:
        if fields["id"] in seen:
            errors.append(
                ContentError(
                    doc.path,
                    fields["line"],
                    f"duplicate position id '{fields['id']}' (first on line {seen[fields['id']]})",
                )
            )
        seen.setdefault(fields["id"], fields["line"])
        line = fields["lines"].get("confidence_reason", fields["line"])
        fields["confidence_reason"], reason_errors = parse_reason(fields["confidence_reason"], doc.path, line)
        errors.extend(reason_errors)
    return tuple(Position(**fields) for fields in raw_positions)


def _check_controversy(doc: Document) -> tuple[Controversy | None, list[ContentError]]:
    """The controversy of one document and its own problems (references to other records are checked later)."""
    errors: list[ContentError] = []
    controversy = None
    if (fields := _document_fields(doc, CONTROVERSY, errors)) is not None:
        fields["positions"] = _positions(doc, fields["positions"], errors)
        fields["history"] = history.entries(fields.get("history", ()))
        controversy = Controversy(slug=doc.slug, path=doc.path, body=doc.body, lines=field_lines(doc.meta), **fields)
        errors.extend(history.problems(controversy))
    return controversy, errors


def _check_thread(doc: Document) -> tuple[Thread | None, list[ContentError]]:
    errors: list[ContentError] = []
    thread = None
    if (fields := _document_fields(doc, THREAD, errors)) is not None:
        thread = Thread(slug=doc.slug, path=doc.path, body=doc.body, **fields)
    return thread, errors


R = TypeVar("R", Controversy, Thread)
NO_BODY = Body("", ())


def _checked_document(
    kind: str, doc: Document, check: Callable[[Document], tuple[R | None, list[ContentError]]], recall: Recall
) -> tuple[R | None, list[ContentError]]:
    """``check(doc)``, or what an earlier build found for this version of the file.

    A rebuild in a new process (``build.py build`` after an edit) then checks only the edited pages.
    The body is the document's own, not stored twice.
    """
    if not doc.digest:
        return check(doc)
    return recall.recall(kind, (), doc.digest, partial(_with_body, doc, kind, check, recall))


def _with_body(
    doc: Document, kind: str, check: Callable[[Document], tuple[R | None, list[ContentError]]], recall: Recall
) -> tuple[R | None, list[ContentError]]:
    record, errors = recall.stored(kind, doc.digest, partial(_without_body, check, doc))
    return (dataclasses.replace(record, body=doc.body) if record is not None else None), errors


def _without_body(
    check: Callable[[Document], tuple[R | None, list[ContentError]]], doc: Document
) -> tuple[R | None, list[ContentError]]:
    if doc.checked is not None:
        return doc.checked
    record, errors = check(doc)
    return (dataclasses.replace(record, body=NO_BODY) if record is not None else None), errors


def check_early(folder: str, doc: Document) -> None:
    """Check a page on its own (schema, positions, dates; not its references) as soon as it is parsed, keeping
    the outcome on it: the pipeline does it while its workers parse the other pages (a core is idle after)."""
    check = _check_thread if folder == "threads" else _check_controversy
    doc.checked = _without_body(check, doc)  # type: ignore[arg-type]


def _unknown(
    refs: Iterable[tuple[str, int]],
    declared: Collection[str] | None,
    what: str,
    path: str,
    errors: list[ContentError],
    where: str = "",
) -> None:
    """Report each (id, line) that is not declared, suggesting the closest declared id.

    Suggestions stop when ``SUGGESTION_BUDGET`` runs out: thousands of unknown ids against a registry of
    thousands took many minutes.
    """
    if declared is None:
        return  # the registry itself is broken and already reported
    for ref, line in refs:
        if ref not in declared:
            hint = did_you_mean(ref, declared) if len(errors) * len(declared) < SUGGESTION_BUDGET else ""
            errors.append(ContentError(path, line, f"unknown {what} '{ref}'{where}{hint}"))


def _cross_check(site: Site, declared: Declared, errors: list[ContentError], recall: Recall) -> None:
    """References between records: threads, proponents, sources, see-also, citations, dates.

    A controversy whose references all resolved for the same ids is not checked again (``recall``); the
    ids are the earlier build's very object while they are equal, which makes them a key by identity.
    """
    declared = recall.recall("declared", (), declared, lambda: declared)
    for thread in site.threads.values():
        _unknown(((c.source, c.line) for c in thread.body.citations), declared.sources, "source", thread.path, errors)
    for c in site.controversies.values():
        found = len(errors)
        resolves = recall.recall("resolves", (c, declared), None, partial(_resolves, c, declared, errors))
        if not resolves and len(errors) == found:  # known to have problems: report them again
            _cross_check_controversy(c, declared, errors)


def _resolves(c: Controversy, declared: Declared, errors: list[ContentError]) -> bool:
    """Cross-check ``c``; whether it had no problem."""
    found = len(errors)
    _cross_check_controversy(c, declared, errors)
    return len(errors) == found


def _cross_check_controversy(c: Controversy, declared: Declared, errors: list[ContentError]) -> None:
    """A controversy's references to other records, and its dates."""
    _unknown([(c.thread, c.line_of("thread"))], declared.threads, "thread", c.path, errors)
    _unknown(
        ((s, c.line_of(f"see_also.{i}")) for i, s in enumerate(c.see_also)),
        declared.controversies,
        "controversy",
        c.path,
        errors,
        where=" in 'see_also'",
    )
    if c.slug in c.see_also:
        errors.append(ContentError(c.path, c.line_of("see_also"), "'see_also' lists this controversy itself"))
    if c.updated < c.opened:
        errors.append(
            ContentError(c.path, c.line_of("updated"), f"'updated' ({c.updated}) is before 'opened' ({c.opened})")
        )
    for p in c.positions:
        refs = [(s, p.line_of(f"proponents.{i}")) for i, s in enumerate(p.proponents)]
        _unknown(refs, declared.proponents, "proponent", c.path, errors)
        _unknown(
            ((s, p.line_of(f"sources.{i}")) for i, s in enumerate(p.sources)),
            declared.sources,
            "source",
            c.path,
            errors,
        )
        cited = ((cite.source, cite.line) for cite in p.confidence_reason.citations)
        _unknown(cited, declared.sources, "source", c.path, errors, where=" in 'confidence_reason'")
    _unknown(((cite.source, cite.line) for cite in c.body.citations), declared.sources, "source", c.path, errors)
    for entry in c.history:
        refs = [(s, entry.line_of(f"sources.{i}")) for i, s in enumerate(entry.sources)]
        _unknown(refs, declared.sources, "source", c.path, errors, where=" in 'history'")


def _raw_ids(value: object, key: str, container: Map) -> list[tuple[str, int]]:
    """(id, line) of each slug in a raw YAML list (anything else is reported by the schema check)."""
    if not isinstance(value, Seq):
        return [(value, line_of(container, key))] if is_slug(value) and key == "thread" else []
    if len(value) > MAX_LIST_ITEMS:
        return []  # the schema check reports the list's length, once
    return [(item, value.item_lines[i]) for i, item in enumerate(value) if is_slug(item)]


def _cross_check_invalid(doc: Document, declared: Declared, errors: list[ContentError]) -> None:
    """References of a controversy that failed its schema check, so one run still reports every problem."""
    meta, path = doc.meta, doc.path
    _unknown(_raw_ids(meta.get("thread"), "thread", meta), declared.threads, "thread", path, errors)
    see_also = _raw_ids(meta.get("see_also"), "see_also", meta)
    _unknown(see_also, declared.controversies, "controversy", path, errors, where=" in 'see_also'")
    for key, where in (("positions", ""), ("history", " in 'history'")):
        records = meta.get(key)
        for record in records if isinstance(records, Seq) else ():
            if not isinstance(record, Map):
                continue
            if key == "positions":
                refs = _raw_ids(record.get("proponents"), "proponents", record)
                _unknown(refs, declared.proponents, "proponent", path, errors)
                reason = record.get("confidence_reason")
                if isinstance(reason, str) and len(reason) <= MAX_TEXT_CHARS:
                    parsed = parse_reason(reason, path, line_of(record, "confidence_reason"))[0]
                    cited = ((c.source, c.line) for c in parsed.citations)
                    _unknown(cited, declared.sources, "source", path, errors, where=" in 'confidence_reason'")
            refs = _raw_ids(record.get("sources"), "sources", record)
            _unknown(refs, declared.sources, "source", path, errors, where=where)
    _unknown(((c.source, c.line) for c in doc.body.citations), declared.sources, "source", path, errors)


def _cross_check_events(site: Site, declared: Declared, errors: list[ContentError]) -> None:
    path = display_path(site.content_dir, timeline.EVENTS_FILE)
    for event in site.events:
        refs = [(s, event.line_of(f"sources.{i}")) for i, s in enumerate(event.sources)]
        _unknown(refs, declared.sources, "source", path, errors)
        refs = [(s, event.line_of(f"controversies.{i}")) for i, s in enumerate(event.controversies)]
        _unknown(refs, declared.controversies, "controversy", path, errors)


def validate(raw: RawContent, recall: Recall = ONCE) -> tuple[Site, list[ContentError]]:
    """The typed, cross-checked ``Site`` and its warnings; raises ``ContentErrors`` listing every problem.

    ``recall`` may keep each file's own check (schema, positions) for later builds (``recall.py``).
    """
    errors = list(raw.errors)
    root = raw.root
    config = None
    if raw.site is not None:
        clean, site_errors = check_record(raw.site, SITE, display_path(root, "site.yaml"))
        errors.extend(site_errors)
        if not site_errors:
            clean.pop("line")
            config = SiteConfig(**clean)
    sources = _checked_registry(
        raw, "sources.yaml", raw.sources, SOURCE, lambda k, **f: Source(id=k, **f), errors, recall
    )
    proponents = _checked_registry(
        raw, "proponents.yaml", raw.proponents, PROPONENT, lambda k, **f: Proponent(slug=k, **f), errors, recall
    )

    threads: dict[str, Thread] = {}
    for doc in raw.threads:
        thread, doc_errors = _checked_document("thread", doc, _check_thread, recall)
        errors.extend(doc_errors)
        if thread is not None:
            threads[doc.slug] = thread

    controversies: dict[str, Controversy] = {}
    invalid: list[Document] = []
    for doc in raw.controversies:
        controversy, doc_errors = _checked_document("controversy", doc, _check_controversy, recall)
        errors.extend(doc_errors)
        if controversy is None:
            invalid.append(doc)
        else:
            controversies[doc.slug] = controversy

    if config is None:
        raise ContentErrors(
            errors or [ContentError(display_path(root, "site.yaml"), 1, "site configuration is invalid")]
        )
    site = Site(
        config=config,
        threads=dict(sorted(threads.items())),
        controversies=dict(sorted(controversies.items())),
        sources=sources,
        proponents=proponents,
        content_dir=root,
        events=timeline.events(raw.events, display_path(root, timeline.EVENTS_FILE), errors),
    )
    declared = Declared(
        sources=None if raw.sources is None else frozenset(raw.sources),
        proponents=None if raw.proponents is None else frozenset(raw.proponents),
        threads=frozenset({d.slug for d in raw.threads} | set(raw.unreadable.get("threads", ()))),
        controversies=frozenset({d.slug for d in raw.controversies} | set(raw.unreadable.get("controversies", ()))),
    )
    _cross_check(site, declared, errors, recall)
    for doc in invalid:
        _cross_check_invalid(doc, declared, errors)
    _cross_check_events(site, declared, errors)
    if any(e.severity == "error" for e in errors):
        raise ContentErrors(errors)
    return site, sorted(errors)
