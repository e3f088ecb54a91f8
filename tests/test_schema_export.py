"""The exported JSON Schemas: current, generic over the schema, and in agreement with the validator.

The agreement corpus is a list of single files, each written over the minimal content: the
validator's verdict (any error in that file?) must equal the JSON Schema's (validated with the
``jsonschema`` package, formats checked, YAML read as an editor's YAML 1.2 server reads it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from ledger import schema
from ledger.errors import ContentErrors
from ledger.generate import SCHEMAS_DIR, stale
from ledger.load import load
from ledger.schema_export import exported, file_schema, record_schema
from ledger.validate import validate

from .helpers import PROJECT, make_content


class EditorLoader(yaml.SafeLoader):
    """YAML as editors' language servers read it (1.2 core): dates stay text."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

FILES = {f.name: f for f in schema.CONTENT_FILES}
WHERE = {"site": "site.yaml", "sources": "sources.yaml", "proponents": "proponents.yaml"}
WHERE |= {"thread": "threads/main-thread.md", "controversy": "controversies/second.md", "events": "events.yaml"}

SECOND = """---
title: A Second Question?
thread: main-thread
kind: multi-axis
status: leaning
opened: 2024-02-01
updated: 2024-07-01
positions:
  - id: A
    claim: Perhaps.
    confidence: medium
    confidence_reason: Medium because one report says so [@book-three].
    proponents: [big-lab]
    sources: [book-three]
{extra}---
## Context

Short.
"""
THREAD = "---\ntitle: Main thread\nsummary: A thread.\nopened: 2020-01-01\n{extra}---\nText.\n"
SITE = "title: T\ntagline: A tagline\nbase_url: https://example.org/\nrepo_url: https://github.com/e/l\n{extra}"
SOURCE = "paper-one:\n  title: The First Paper\n  kind: paper\n{extra}"
PROPONENT = "alice:\n  name: Alice Example\n  kind: person\n{extra}"
EVENT = "- id: first-paper\n  date: 2020-01-23\n  title: A paper\n  description: It appears.\n"
EVENT += "  sources: [paper-one]\n{extra}"


def controversy(extra: str = "") -> str:
    return SECOND.format(extra=extra)


# (schema name, file text, valid?)
CORPUS: list[tuple[str, str, bool]] = [
    ("site", SITE.format(extra=""), True),
    ("site", SITE.format(extra="language: en\ndescription: One sentence.\nrepo_branch: main\n"), True),
    ("site", SITE.format(extra="language:\n"), True),  # an empty optional field is as good as absent
    ("site", SITE.format(extra="").replace("repo_url: https://github.com/e/l\n", ""), False),
    ("site", SITE.format(extra="").replace("https://example.org/", "ftp://example.org/"), False),
    ("site", SITE.format(extra="colour: blue\n"), False),
    ("site", SITE.format(extra="").replace("title: T", "title: ''"), False),
    ("site", SITE.format(extra="").replace("title: T", "title: 'TODO: the title'"), False),
    ("site", SITE.format(extra="").replace("title: T", "title: 42"), False),
    ("thread", THREAD.format(extra=""), True),
    ("thread", THREAD.format(extra="").replace("opened: 2020-01-01\n", ""), False),
    ("thread", THREAD.format(extra="").replace("2020-01-01", "2020-01"), False),
    ("thread", THREAD.format(extra="").replace("2020-01-01", "'2020-02-30'"), False),
    ("thread", THREAD.format(extra="").replace("2020-01-01", "2020-02-30"), False),
    ("thread", THREAD.format(extra="tags: [a]\n"), False),
    ("controversy", controversy(), True),
    ("controversy", controversy("summary: One sentence.\nsee_also: [first]\n"), True),
    ("controversy", controversy("summary:\n"), True),
    ("controversy", controversy().replace("    sources: [book-three]\n", "    crux: New data.\n"), True),
    ("controversy", controversy().replace("id: A", "id: AA"), False),
    ("controversy", controversy().replace("id: A", "id: a"), False),
    ("controversy", controversy().replace("confidence: medium", "confidence: certain"), False),
    ("controversy", controversy().replace("    confidence: medium\n", ""), False),
    (
        "controversy",
        controversy().replace("    confidence_reason: Medium because one report says so [@book-three].\n", ""),
        False,
    ),
    ("controversy", controversy().replace("proponents: [big-lab]", "proponents: big-lab"), False),
    ("controversy", controversy().replace("proponents: [big-lab]", "proponents: [Big Lab]"), False),
    ("controversy", controversy().replace("proponents: [big-lab]", "proponents: ['TODO: slugs']"), False),
    ("controversy", controversy().replace("status: leaning", "status: open"), False),
    ("controversy", controversy().replace("thread: main-thread", "thread: Main Thread"), False),
    ("controversy", controversy().replace("opened: 2024-02-01", "opened: 2024-02"), False),
    ("controversy", controversy("see_also: [first, Second]\n"), False),
    ("controversy", controversy("crux: misplaced\n"), False),
    ("controversy", controversy().split("positions:")[0] + "positions: []\n---\nText.\n", False),
    ("controversy", controversy().split("positions:")[0] + "positions:\n  - just text\n---\nText.\n", False),
    ("controversy", controversy().replace("    claim: Perhaps.\n", "    claim: Perhaps.\n    colour: red\n"), False),
    ("sources", "", True),
    ("sources", SOURCE.format(extra=""), True),
    (
        "sources",
        SOURCE.format(
            extra="  label: First\n  authors: [Ada Author, Bo Writer]\n  venue: arXiv\n  date: 2020-01-23\n"
            "  url: https://arxiv.org/abs/2001.00001\n  note: A note.\n  reliability: Unverified.\n"
        ),
        True,
    ),
    ("sources", SOURCE.format(extra="  date: 2024-09\n"), True),
    ("sources", SOURCE.format(extra="  date: 2019\n"), True),
    ("sources", SOURCE.format(extra="  date: '2019'\n"), True),
    ("sources", SOURCE.format(extra="  date: 2024-13\n"), False),
    ("sources", SOURCE.format(extra="  date: 2024-02-30\n"), False),
    ("sources", SOURCE.format(extra="  date: 19\n"), False),
    ("sources", SOURCE.format(extra="  date: last spring\n"), False),
    ("sources", SOURCE.format(extra="  url: javascript:alert(1)\n"), False),
    ("sources", SOURCE.format(extra="  url: https://example.org/a b\n"), False),
    ("sources", SOURCE.format(extra="  url: https:///no-host\n"), False),
    ("sources", SOURCE.format(extra="  url: HTTPS://Example.org/Path?q=1#f\n"), True),
    ("sources", SOURCE.format(extra="  authors: Ada Author\n"), False),
    *(
        ("sources", SOURCE.format(extra=f"  url: https://example.org/a\n  {line}\n"), valid)
        for line, valid in (
            ("archived: https://web.archive.org/web/20240913230723/https://example.org/a", True),
            ("archived: https://web.archive.org/web/20240913230723id_/https://example.org/a", True),
            ("archived: https://archive.ph/AbCdE", True),
            ("archived: https://web.archive.org/web/2024/https://example.org/a", False),
            ("archived: https://web.archive.org/web/20241313000000/https://example.org/a", False),
            ("archived: https://web.archive.org/web/20240913230723/ftp://example.org/a", False),
            ("archived: https://example.org/copy", False),
            ("archived: http://archive.ph/AbCdE", False),
            ("accessed: 2024-09-13", True),
            ("accessed: 2024-09", False),
            ("url_status: dead", True),
            ("url_status: usurped", True),
            ("url_status: gone", False),
        )
    ),
    ("sources", SOURCE.format(extra="  authors: [Ada Author, '']\n"), False),
    ("sources", SOURCE.format(extra="  titel: typo\n"), False),
    ("sources", SOURCE.format(extra="").replace("kind: paper", "kind: papr"), False),
    ("sources", SOURCE.format(extra="").replace("  title: The First Paper\n", ""), False),
    ("sources", "Paper_One:\n  title: T\n  kind: paper\n", False),
    ("sources", "paper-one: just a title\n", False),
    ("proponents", PROPONENT.format(extra=""), True),
    ("proponents", PROPONENT.format(extra="  url: https://example.org/alice\n  description: One line.\n"), True),
    ("proponents", PROPONENT.format(extra="").replace("kind: person", "kind: company"), False),
    ("proponents", PROPONENT.format(extra="  url: example.org\n"), False),
    ("proponents", PROPONENT.format(extra="  description: 'TODO: one line'\n"), False),
    ("events", "", True),
    ("events", EVENT.format(extra=""), True),
    ("events", EVENT.format(extra="  controversies: [first]\n"), True),
    ("events", EVENT.format(extra="").replace("2020-01-23", "2020-01"), True),
    ("events", EVENT.format(extra="").replace("2020-01-23", "last year"), False),
    ("events", EVENT.format(extra="").replace("  title: A paper\n", ""), False),
    ("events", EVENT.format(extra="  colour: red\n"), False),
    ("events", EVENT.format(extra="").replace("id: first-paper", "id: First Paper"), False),
    ("events", "first-paper:\n  date: 2020\n", False),
]


def validator_accepts(name: str, text: str, tmp_path: Path) -> bool:
    """True when the validator reports no error in this file (other files may then disagree with it)."""
    content = make_content(tmp_path / "content", files={WHERE[name]: text})
    shown = f"{content}/{WHERE[name]}"
    try:
        validate(load(content))
    except ContentErrors as exc:
        return not [e for e in exc.errors if e.path == shown and e.severity == "error"]
    return True


def to_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def json_schema_accepts(name: str, text: str) -> bool:
    if FILES[name].shape == "front-matter":
        text = text.split("---\n")[1]
    instance = to_json(yaml.load(text, Loader=EditorLoader))
    validator = jsonschema.Draft202012Validator(
        file_schema(FILES[name]), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return validator.is_valid(instance)


@pytest.mark.parametrize(("name", "text", "valid"), CORPUS, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CORPUS)])
def test_json_schema_and_validator_agree(name: str, text: str, valid: bool, tmp_path: Path) -> None:
    assert validator_accepts(name, text, tmp_path) is valid
    assert json_schema_accepts(name, text) is valid


def test_corpus_covers_every_content_file_both_ways() -> None:
    assert {(name, valid) for name, _, valid in CORPUS} == {
        (f.name, v) for f in schema.CONTENT_FILES for v in (True, False)
    }


def test_exported_schemas_are_valid_json_schema() -> None:
    for name, text in exported().items():
        jsonschema.Draft202012Validator.check_schema(yaml.safe_load(text))
        assert name.endswith(".schema.json")


def test_checked_in_schemas_are_current() -> None:
    assert stale("schema") == [], "run: python build.py schema"
    assert sorted(p.name for p in (PROJECT / SCHEMAS_DIR).iterdir()) == sorted(exported())


def test_stale_schemas_are_detected(tmp_path: Path, run) -> None:
    (tmp_path / SCHEMAS_DIR).mkdir()
    for name, text in exported().items():
        (tmp_path / SCHEMAS_DIR / name).write_text(text)
    assert stale("schema", tmp_path) == []
    (tmp_path / SCHEMAS_DIR / "sources.schema.json").write_text("{}\n")
    (tmp_path / SCHEMAS_DIR / "gone.schema.json").write_text("{}\n")
    assert stale("schema", tmp_path) == [SCHEMAS_DIR / "gone.schema.json", SCHEMAS_DIR / "sources.schema.json"]


def test_every_record_in_the_schema_is_exported() -> None:
    """A record added to schema.py must be reachable from a content file, or it would not be exported."""
    declared = {v.name for v in vars(schema).values() if isinstance(v, schema.Record)}
    reachable: set[str] = set()

    def walk(record: schema.Record) -> None:
        reachable.add(record.name)
        for spec in record.fields:
            if spec.record is not None:
                walk(spec.record)

    for file in schema.CONTENT_FILES:
        walk(file.record)
    assert declared <= reachable, f"add these records to CONTENT_FILES or a field: {declared - reachable}"


def test_a_new_field_or_record_exports_without_touching_the_exporter() -> None:
    entry = schema.Record(
        "history entry",
        "A past confidence.",
        (
            schema.Field("date", "date", "When it changed.", required=True),
            schema.Field("confidence", "choice", "The level before.", choices=schema.CONFIDENCE),
            schema.Field("sources", "slugs", "Why it changed."),
        ),
    )
    position = schema.Record(
        "position", "A position.", (*schema.POSITION.fields, schema.Field("history", "records", "", record=entry))
    )
    exported_position = record_schema(position)
    history = exported_position["properties"]["history"]["anyOf"][1]
    assert history["items"]["required"] == ["date"]
    assert set(history["items"]["properties"]) == {"date", "confidence", "sources"}
    events = schema.ContentFile("events", "content/events.yaml", entry, "list")
    jsonschema.Draft202012Validator(file_schema(events)).validate([{"date": "2024-01-01", "sources": ["a"]}])


def test_vscode_maps_every_yaml_content_file_to_its_schema() -> None:
    """``.vscode/settings.json`` gives the YAML language server every file it can check (front matter it cannot)."""
    import json

    mapped = json.loads((PROJECT / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    wanted = {f"./{SCHEMAS_DIR}/{f.name}.schema.json": f.path for f in schema.CONTENT_FILES if f.path.endswith(".yaml")}
    assert mapped == wanted
    assert "content/events.yaml" in mapped.values()
