"""``docs/content-format.md``: the field-by-field reference, generated from ``schema.py``.

The schema is the one source of truth; this page is its rendering for people, with a complete
example of each file taken from ``docs/examples/`` (itself a content folder that must pass
``check --strict``, so the examples cannot drift from the rules either).
"""

from __future__ import annotations

from pathlib import Path

from .schema import CONTENT_FILES, ContentFile, Field, Record

EXAMPLES = Path("docs/examples")
"""A small, valid content folder whose files are shown as examples (relative to the project)."""

TYPES = {
    "text": "text",
    "slug": "slug",
    "slugs": "list of slugs",
    "texts": "list of texts",
    "letter": "capital letter A–Z",
    "language": "language tag (`en`, `en-GB`)",
    "date": "date `YYYY-MM-DD`",
    "partial-date": "date `YYYY-MM-DD`, `YYYY-MM` or `YYYY`",
    "url": "`https://` URL",
    "snapshot-url": "web archive snapshot URL: `https://web.archive.org/web/<YYYYMMDDhhmmss>/<url>` or `https://archive.ph/<id>`",
}

HEADER = """# Content format

<!-- Generated from ledger/schema.py by `python build.py docs`; do not edit by hand. -->

Every file in `content/`, field by field. The rules live in one place, `ledger/schema.py`: the
validator (`python build.py check`), this page and the JSON Schemas in `schemas/` are all made
from it. How to contribute, step by step: [CONTRIBUTING.md](../CONTRIBUTING.md).

A *slug* is lowercase letters, digits and single hyphens (`scaling-laws-debate`). Text fields may
not be empty and may not still hold a `TODO:` placeholder written by `python build.py new`.
Leave an optional field out rather than guess its value.
"""


def type_text(spec: Field) -> str:
    if spec.type == "choice":
        return "one of " + ", ".join(f"`{c}`" for c in spec.choices)
    if spec.type == "records" and spec.record is not None:
        return f"list of {spec.record.name}s (below)"
    return TYPES.get(spec.type, spec.type)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def field_table(record: Record) -> list[str]:
    rows = ["| Field | Required | Type | What it holds |", "| --- | --- | --- | --- |"]
    for spec in record.fields:
        required = "yes" if spec.required else ""
        rows.append(f"| `{spec.name}` | {required} | {_cell(type_text(spec))} | {_cell(spec.doc)} |")
    return rows


def nested_records(record: Record) -> list[Record]:
    """Records held inside ``record`` (a controversy's positions, and theirs), depth first."""
    found = []
    for spec in record.fields:
        if spec.record is not None:
            found += [spec.record, *nested_records(spec.record)]
    return found


def example_file(file: ContentFile, project: Path) -> Path | None:
    """The example of ``file`` in docs/examples/, if there is one."""
    pattern = file.path.removeprefix("content/")
    return next(iter(sorted((project / EXAMPLES).glob(pattern))), None)


def section(file: ContentFile, project: Path) -> list[str]:
    shape = {
        "mapping": "The file is one mapping of these fields.",
        "front-matter": "A Markdown file: these fields go in its front matter, between two `---` lines; "
        "the text after it is the body.",
        "registry": f"One entry per {file.record.name}, keyed by its {file.key} (a slug), each with these fields.",
        "list": f"A list of {file.record.name}s, each with these fields.",
    }.get(file.shape, "")
    doc = file.record.doc.split(": ", 1)[1] if file.record.doc.startswith("content/") else file.record.doc
    intro = shape if file.shape == "registry" else f"{doc[:1].upper()}{doc[1:]} {shape}"
    lines = [f"## `{file.path}`", "", intro, "", *field_table(file.record), ""]
    for nested in nested_records(file.record):
        lines += [f"### Each {nested.name}", "", nested.doc, "", *field_table(nested), ""]
    example = example_file(file, project)
    if example is not None:
        language = "markdown" if example.suffix == ".md" else "yaml"
        shown = example.relative_to(project).as_posix()
        lines += [f"Example (`{shown}`):", "", f"````{language}", example.read_text(encoding="utf-8").rstrip("\n")]
        lines += ["````", ""]
    return lines


def content_format(project: Path) -> str:
    """The whole page."""
    lines = [HEADER]
    for file in CONTENT_FILES:
        lines += section(file, project)
    return "\n".join(lines).rstrip("\n") + "\n"
