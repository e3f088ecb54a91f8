"""The timeline: dated events from ``content/events.yaml``, in order, by year and by thread.

Events are a list (not a mapping) because contributors add them in the order they read about
them; the engine sorts. A date may be known to the day, the month or the year; a month sorts
before the days of that month, so "2025-01" comes before "2025-01-20".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .errors import ContentError
from .model import Event, Site
from .schema import EVENT
from .values import check_record
from .yamltree import Map, Seq, field_lines, line_of

EVENTS_FILE = "events.yaml"


def events(raw: Seq | None, path: str, errors: list[ContentError]) -> tuple[Event, ...]:
    """The valid events of ``events.yaml`` in date order; problems go to ``errors``.

    Cross-references (sources, controversies) are checked with every other reference, in ``validate``.
    """
    found: list[Event] = []
    first: dict[str, int] = {}
    for i, item in enumerate(raw or ()):
        line = line_of(raw, i) if isinstance(raw, Seq) else 1
        if not isinstance(item, Map):
            errors.append(ContentError(path, line, "each event must be a mapping of fields (id, date, title, …)"))
            continue
        clean, record_errors = check_record(item, EVENT, path)
        errors.extend(record_errors)
        if record_errors:
            continue
        if clean["id"] in first:
            errors.append(
                ContentError(
                    path, clean["line"], f"duplicate event id '{clean['id']}' (first on line {first[clean['id']]})"
                )
            )
            continue
        first[clean["id"]] = clean["line"]
        if not clean["sources"]:
            errors.append(ContentError(path, item.key_lines["sources"], "'sources' must list at least one source"))
        found.append(Event(lines=field_lines(item), **clean))
    return tuple(sorted(found, key=lambda e: (e.date.key, e.id)))


def by_controversy(site: Site) -> dict[str, tuple[Event, ...]]:
    """Each controversy's events, oldest first (empty for those with none)."""
    index: dict[str, list[Event]] = defaultdict(list)
    for event in site.events:
        for slug in dict.fromkeys(event.controversies):
            index[slug].append(event)
    return {slug: tuple(index[slug]) for slug in site.controversies}


def of_thread(site: Site, thread: str) -> tuple[Event, ...]:
    """Events bearing on at least one controversy of ``thread``."""
    return tuple(
        e
        for e in site.events
        if any(site.controversies[s].thread == thread for s in e.controversies if s in site.controversies)
    )


@dataclass(frozen=True, slots=True)
class Year:
    """A heading of the timeline and its events."""

    year: int
    events: tuple[Event, ...]


def by_year(items: tuple[Event, ...]) -> tuple[Year, ...]:
    years: dict[int, list[Event]] = defaultdict(list)
    for event in items:
        years[event.date.year].append(event)
    return tuple(Year(year, tuple(years[year])) for year in sorted(years))


@dataclass(frozen=True, slots=True)
class Filter:
    """A link in the timeline's "show" bar: all threads, or one."""

    path: str
    label: str
    count: int
    thread: str | None


def pages(site: Site) -> list[tuple[str, str, str, dict[str, object]]]:
    """(path, title, description, template context) of ``/timeline/`` and ``/timeline/<thread>/``.

    One static page per thread is the filter: it works without JavaScript, can be linked to and printed.
    """
    per_thread = {slug: of_thread(site, slug) for slug in site.threads}
    filters = [Filter("timeline/", "All threads", len(site.events), None)]
    filters += [Filter(f"timeline/{slug}/", t.title, len(per_thread[slug]), slug) for slug, t in site.threads.items()]
    result: list[tuple[str, str, str, dict[str, object]]] = [
        (
            "timeline/",
            "Timeline",
            f"Every dated event on the record of {site.config.title}, oldest first.",
            {"years": by_year(site.events), "filters": filters, "thread": None},
        )
    ]
    for slug, thread in site.threads.items():
        result.append(
            (
                f"timeline/{slug}/",
                f"Timeline: {thread.title}",
                f"Dated events in the thread {thread.title}, oldest first.",
                {"years": by_year(per_thread[slug]), "filters": filters, "thread": thread},
            )
        )
    return result
