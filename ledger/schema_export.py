"""JSON Schema for every content file, exported from ``schema.py`` so editors validate while typing.

Generic over ``Record``/``Field``: a field or record added to ``schema.py`` (and a file added to
``CONTENT_FILES``) is exported without touching this module. Each field type maps to one JSON
Schema fragment that accepts exactly what ``values.check_record`` accepts, as far as JSON Schema
can say it; a test proves the two agree on a corpus of valid and invalid files. Cross-file rules
(unknown ids, duplicates, ``updated`` after ``opened``) are the validator's alone.
"""

from __future__ import annotations

import json
from typing import Any

from .schema import CONTENT_FILES, LANGUAGE_RE, PLACEHOLDER, SLUG_RE, SNAPSHOT_RE, ContentFile, Field, Record

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_TEXT = {
    "type": "string",
    "pattern": r"\S",
    "not": {"pattern": rf"^\s*{PLACEHOLDER}"},
    "$comment": f"Not empty; not a '{PLACEHOLDER} …' placeholder left by 'build.py new'.",
}
_DEFS: dict[str, dict[str, Any]] = {
    "text": _TEXT,
    "slug": {
        "allOf": [{"$ref": "#/$defs/text"}],
        "pattern": rf"^\s*{SLUG_RE.pattern}\s*$",
        "description": "Lowercase letters, digits and single hyphens, e.g. 'kaplan-2020-scaling-laws'.",
    },
    "letter": {"allOf": [{"$ref": "#/$defs/text"}], "pattern": r"^\s*[A-Z]\s*$"},
    "language": {
        "allOf": [{"$ref": "#/$defs/text"}],
        "pattern": rf"^\s*{LANGUAGE_RE.pattern}\s*$",
        "description": "A BCP 47 language tag, e.g. 'en' or 'en-GB'.",
    },
    "url": {
        "allOf": [{"$ref": "#/$defs/text"}],
        "pattern": r"^\s*[Hh][Tt][Tt][Pp][Ss]?://([^\s/?#@]*@)?[^\s/?#@:]+(:[^\s/?#]*)?([/?#]\S*)?\s*$",
        "description": "An absolute http:// or https:// URL.",
    },
    "snapshot-url": {
        "allOf": [{"$ref": "#/$defs/url"}],
        "pattern": rf"^\s*(?:{SNAPSHOT_RE.pattern})\s*$",
        "description": "A snapshot in a web archive: https://web.archive.org/web/<YYYYMMDDhhmmss>/<url> or "
        "https://archive.ph/<id>.",
    },
    "date": {
        "allOf": [{"$ref": "#/$defs/text"}],
        "pattern": r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$",
        "format": "date",
        "description": "YYYY-MM-DD.",
    },
    "partial-date": {
        "anyOf": [
            {"type": "integer", "minimum": 1000, "maximum": 9999},
            {"type": "string", "pattern": r"^\s*[0-9]{4}(-(0[1-9]|1[0-2]))?\s*$", "not": {"pattern": r"^\s*0000"}},
            {"type": "string", "pattern": r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$", "format": "date"},
        ],
        "description": "YYYY-MM-DD, YYYY-MM or YYYY.",
    },
}
_SIMPLE = ("text", "slug", "letter", "language", "url", "snapshot-url", "date", "partial-date")
"""Field types whose value schema is one of the shared definitions."""


def field_schema(spec: Field) -> dict[str, Any]:
    """The JSON Schema of one field's value."""
    match spec.type:
        case "choice":
            value: dict[str, Any] = {"allOf": [{"$ref": "#/$defs/text"}], "enum": list(spec.choices)}
        case "slugs" | "texts":
            item = "slug" if spec.type == "slugs" else "text"
            value = {"type": "array", "items": {"$ref": f"#/$defs/{item}"}}
        case "record":
            assert spec.record is not None
            value = record_schema(spec.record)
        case "records":
            assert spec.record is not None
            value = {"type": "array", "minItems": 1, "items": record_schema(spec.record)}
        case kind if kind in _SIMPLE:
            value = {"$ref": f"#/$defs/{kind}"}
        case kind:
            raise ValueError(f"schema_export: no JSON Schema for field type '{kind}' (field '{spec.name}')")
    value = {"description": spec.doc, **value}
    if not spec.required:
        value = {"description": spec.doc, "anyOf": [{"type": "null"}, _without_description(value)]}
    return value


def _without_description(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k != "description"}


def record_schema(record: Record) -> dict[str, Any]:
    """An object with the record's fields, its required ones, and no other keys."""
    return {
        "title": record.name,
        "description": record.doc,
        "type": "object",
        "properties": {spec.name: field_schema(spec) for spec in record.fields},
        "required": [spec.name for spec in record.fields if spec.required],
        "additionalProperties": False,
    }


def file_schema(file: ContentFile) -> dict[str, Any]:
    """The whole schema of one content file, by its shape."""
    entry = record_schema(file.record)
    match file.shape:
        case "mapping" | "front-matter":
            body = entry
        case "registry":
            body = {
                "type": ["object", "null"],
                "propertyNames": {"pattern": f"^{SLUG_RE.pattern}$"},
                "additionalProperties": entry,
                "description": f"{file.record.doc} Keys are {file.key}s: lowercase letters, digits and hyphens.",
            }
        case "list":
            body = {"type": ["array", "null"], "items": entry}
        case shape:
            raise ValueError(f"schema_export: unknown content file shape '{shape}' ({file.name})")
    where = f"front matter of {file.path}" if file.shape == "front-matter" else file.path
    return {
        "$schema": DIALECT,
        "title": f"The Ledger: {where}",
        "$comment": "Generated from ledger/schema.py by 'python build.py schema'. Do not edit.",
        **body,
        "$defs": _DEFS,
    }


def exported() -> dict[str, str]:
    """Every schema file's name and text, as written to ``schemas/``."""
    return {
        f"{file.name}.schema.json": json.dumps(file_schema(file), indent=2, ensure_ascii=False) + "\n"
        for file in CONTENT_FILES
    }
