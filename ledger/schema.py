"""The content schema, declared once: validation, documentation and JSON Schema all read it.

Each ``Record`` lists its ``Field``s; ``values.check_record`` turns a parsed YAML mapping into clean
Python values (tuples, dates) and a list of located errors, never raising for bad content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LETTER_RE = re.compile(r"[A-Z]")
LANGUAGE_RE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
"""A BCP 47 language tag's shape (``en``, ``en-GB``): it becomes ``<html lang>``, which names search index files."""
PARTIAL_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")

CONFIDENCE_MEANINGS = {
    "low": "The claim rests on argument, extrapolation or a single source; little direct evidence on record "
    'supports it yet. Low is not "wrong": it is "not yet shown".',
    "medium": "Real evidence supports the claim, but it is partial, indirect, contested by other evidence on "
    "record, or comes mostly from parties with a stake in it.",
    "high": "Several independent sources support the claim, including primary evidence (measurements, results, "
    "data), and nothing on record seriously undercuts it.",
}
"""What each confidence level means: how well the evidence on record (the sources cited on the page) supports a
position, not how popular it is or what the editors believe. The methodology page and CONTRIBUTING state these."""
CONFIDENCE = tuple(CONFIDENCE_MEANINGS)
STATUS_MEANINGS = {
    "contested": "Serious positions disagree and the evidence does not yet favour one.",
    "leaning": "The evidence on record favours one position, but others remain live.",
    "settled": "The evidence on record answers the question; the page stays as history.",
    "dormant": "The debate has gone quiet without being resolved.",
}
"""What each status of a controversy means: where the debate stands as a whole."""
STATUS = tuple(STATUS_MEANINGS)
SOURCE_KIND_MEANINGS = {
    "paper": "a research paper or preprint",
    "report": "a report by an organisation, lab or agency",
    "press": "news reporting",
    "blog": "a post by its author or organisation",
    "opinion": "a signed argument or commentary",
    "primary": "a first-hand document: an announcement, filing, model card, transcript",
    "dataset": "data or a benchmark's published results",
    "talk": "a recorded talk or interview",
}
"""What each ``kind`` of source is, as readers see it beside a reference."""
SOURCE_KINDS = tuple(SOURCE_KIND_MEANINGS)
URL_STATUS = ("live", "dead", "usurped")
"""Named after Wikipedia's ``url-status``: it says what became of the *URL* (the source itself is
unchanged), and keeps clear of a controversy's ``status``, whose values mean something else."""
SNAPSHOT_RE = re.compile(
    r"https://web\.archive\.org/web/(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d"
    r"(?:[a-z]{2}_)?/https?://\S+"
    r"|https://archive\.(?:today|ph|is|li|vn|fo|md)/[A-Za-z0-9]{4,10}"
)
"""A snapshot in a public web archive: the Wayback Machine's ``/web/<YYYYMMDDhhmmss>/<url>`` (one
capture, not a search over many) or archive.today's short link. Others are refused: a reader must
be able to trust that "archived copy" opens a dated copy of the page."""
SNAPSHOT_EXPECTED = (
    "a snapshot URL: https://web.archive.org/web/<14-digit timestamp YYYYMMDDhhmmss>/<original URL> "
    "or https://archive.ph/<id>"
)
PROPONENT_KINDS = ("person", "organization", "group")

EDITORIAL = "editorial"
"""``[@editorial]`` in a body marks a paragraph as the Ledger's own synthesis, not a citation: no source may
take this id (a reader could not tell the label from a reference)."""

CITING = (
    "Every paragraph and list item of the body cites a source, `[@source-id]`, or, if it is the Ledger's own "
    "synthesis (how positions relate, adding no fact), is marked `[@editorial]`; a sentence quoting words in "
    'double quotes cites them in that sentence. Anything else is a warning, and readers see "[citation needed]" '
    "at the end of a paragraph that cites nothing."
)
"""The citation rule for bodies (``citing.py`` finds what breaks it), as the docs state it."""

CONFIDENCE_REASON = (
    "Why the position has its confidence level, in one sentence (two at most) of inline Markdown: the evidence, "
    "not the claim again (what supports it, what is missing, who disputes it). It must cite at least one source, "
    "`[@source-id]`, and should cite sources on record for the position: its own 'sources' or those of its "
    "'history' entries (another id is a warning; a source that disputes the claim belongs in the history entry "
    "it moved, not in 'sources'); `[@editorial]` is not allowed: a confidence rests on sources. Shown beside the "
    "confidence badge as 'Why <level>: …', so it does not repeat the level."
)
"""What a position's ``confidence_reason`` is, as the docs state it (the methodology page explains it to readers)."""

PLACEHOLDER = "TODO:"
"""What ``build.py new`` writes where a contributor must fill something in; ``check`` refuses it."""
PLACEHOLDER_RE = re.compile(r"\s*TODO:")


@dataclass(frozen=True)
class Field:
    """One key a content file may hold."""

    name: str
    type: str
    """text | slug | slugs | texts | letter | language | date | partial-date | url | snapshot-url | choice | record |
    records"""
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    record: Record | None = None
    hint: str = ""
    """What to write, said when a required field is missing: ``position B has no <name> — <hint>``."""


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
        Field(
            "license",
            "text",
            "Name of the licence the record's own text is published under, e.g. 'CC BY 4.0' (shown in the footer; "
            "quotations stay their authors').",
        ),
        Field("license_url", "url", "The licence's deed, given to readers and in the pages' schema.org data."),
    ),
)

THREAD = Record(
    "thread",
    "content/threads/<slug>.md: front matter of a thread, a long-running debate grouping controversies; "
    "the body introduces the debate. " + CITING,
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
        Field(
            "confidence_reason",
            "text",
            CONFIDENCE_REASON,
            required=True,
            hint="add it under 'confidence': one sentence on why the evidence on record gives the position its level "
            "(what supports it, what is missing, who disputes it), citing the position's sources, e.g. "
            "'confidence_reason: one trial supports it [@source-id], and none has replicated it.'",
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
        Field(
            "sources", "slugs", "Ids from content/sources.yaml supporting the change (an entry without is a warning)."
        ),
    ),
)

CONTROVERSY = Record(
    "controversy",
    "content/controversies/<slug>.md: front matter of a controversy; the body holds Context, Key Tensions and "
    "Status. " + CITING,
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
    f"An entry of content/sources.yaml, keyed by its id (any slug but '{EDITORIAL}', which marks synthesis in a body).",
    (
        Field("title", "text", "Exact published title.", required=True),
        Field("kind", "choice", "What sort of document it is.", required=True, choices=SOURCE_KINDS),
        Field("label", "text", "Short display text where it is cited, if not the title."),
        Field("authors", "texts", "Authors, or the publishing organisation."),
        Field("venue", "text", "Journal, conference, publisher or site."),
        Field("date", "partial-date", "Publication date: YYYY-MM-DD, YYYY-MM or YYYY."),
        Field("undated", "text", "Instead of 'date' when none is published: why (shown as 'n.d.')."),
        Field("url", "url", "Where to read it (http or https)."),
        # Archived copies (issue 19): what keeps a citation checkable once its URL rots.
        Field(
            "archived",
            "snapshot-url",
            "A copy of 'url' in a web archive, shown as 'archived copy' beside the link; the main link once "
            "'url_status' is dead or usurped. Copy it from the archive: never make a timestamp up.",
        ),
        Field("accessed", "date", "The day 'url' was seen working (YYYY-MM-DD)."),
        Field(
            "url_status",
            "choice",
            "What became of 'url' (default live): dead (it no longer answers; the archived copy becomes the link "
            "and the original is shown as dead) or usurped (the address now serves something else; it is no "
            "longer linked).",
            choices=URL_STATUS,
        ),
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
