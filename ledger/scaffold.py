"""``build.py new …``: start a controversy, a position, a source or a proponent with every field in place.

New text is inserted into existing files at the right place, never by re-dumping their YAML, so
every other byte (comments, order, quoting, line endings) stays as the contributor left it.
Fields the command cannot know are written as ``TODO: …`` placeholders taken from the schema's
own documentation; ``check`` refuses a file that still holds one, naming the line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import did_you_mean
from .load import split_front_matter, suggest_slug
from .schema import (
    CONTROVERSY,
    PLACEHOLDER,
    POSITION,
    PROPONENT,
    SOURCE,
    Field,
    Record,
)
from .values import is_slug
from .yamltree import Map, Seq, YamlError, parse_yaml

FENCE_RE = re.compile(r"-{3,}\s*")
NEXT_STEPS = "replace every 'TODO:' placeholder, then run: python build.py check"
SLUG_WORDS = 8
"""A slug derived from a title keeps at most this many words."""

SCAFFOLDED = {
    "controversy": ("title", "thread", "kind", "status", "opened", "updated", "summary"),
    "position": ("id", "claim", "confidence", "confidence_reason", "proponents", "sources", "crux"),
    "source": ("title", "kind", "authors", "venue", "date", "url"),
    "proponent": ("name", "kind", "url", "description"),
}
"""The fields each ``new`` command writes, in this order (a subset of the schema's, which gives their docs)."""

BODY = """## Context

TODO: what the question is, why it is contested now, and what is at stake. Cite sources as [@source-id].

## Key Tensions

TODO: the disagreements that keep the question open, one bold-led paragraph each.

## Status

TODO: where the evidence stands today, and which position it currently favours.
"""


class ScaffoldError(Exception):
    """A ``new`` command that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Added:
    """What a ``new`` command wrote: the file, the line the new entry starts on, and its id."""

    path: Path
    line: int
    id: str
    updated_line: int | None = None
    """For a new position: the line of the controversy's ``updated:``, which the contributor must bump."""
    todo: bool = True
    """Whether the new text holds placeholders to replace."""

    @property
    def next_steps(self) -> str:
        return NEXT_STEPS if self.todo else "then run: python build.py check"


# --- YAML text for new entries (scalars are quoted by PyYAML's emitter, never by hand) ---


def yaml_value(value: Any) -> str:
    """``value`` as one line of YAML: a plain or quoted scalar, or a flow list ``[a, 'b: c']``."""
    flow = isinstance(value, list | tuple)
    text = yaml.safe_dump(
        list(value) if flow else value, allow_unicode=True, width=1_000_000, default_flow_style=flow, sort_keys=False
    )
    return text.removesuffix("\n...\n").strip()


def placeholder(spec: Field) -> Any:
    """The ``TODO: …`` value written for ``spec``, telling the contributor what belongs there."""
    doc = spec.doc.rstrip(".")
    match spec.type:
        case "choice":
            text = f"{' | '.join(spec.choices)} — {doc}"
        case "date":
            text = f"YYYY-MM-DD — {doc}"
        case "partial-date":
            text = f"YYYY-MM-DD, YYYY-MM or YYYY — {doc}"
        case "url":
            text = f"https://… — {doc}"
        case _:
            text = doc
    if not spec.required:
        text += " (or delete this line)"
    value = f"{PLACEHOLDER} {text}"
    return [value] if spec.type in ("slugs", "texts") else value


def entry_lines(record: Record, values: dict[str, Any], indent: str) -> list[str]:
    """``key: value`` lines for the scaffolded fields of ``record``: given values, else placeholders."""
    lines = []
    for name in SCAFFOLDED[record.name]:
        value = values[name] if values.get(name) is not None else placeholder(record.field(name))
        lines.append(f"{indent}{name}: {yaml_value(value)}")
    return lines


def position_lines(letter: str, dash: int, key: int) -> list[str]:
    """A placeholder position, its ``-`` at column ``dash`` and its keys at column ``key``."""
    first, *rest = entry_lines(POSITION, {"id": letter}, " " * key)
    return [" " * dash + "- " + " " * (key - dash - 2) + first.lstrip(), *rest]


# --- Reading and writing files byte for byte ---


def _read(file: Path) -> str:
    """The file's exact text: no newline translation, so writing it back changes nothing."""
    return file.read_bytes().decode("utf-8")


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _write_checked(file: Path, old: str, new: str, check: Any) -> None:
    """Write ``new``; if ``check(new)`` raises, put ``old`` back (a bug here must never eat content)."""
    file.write_bytes(new.encode("utf-8"))
    try:
        check(new)
    except Exception:
        file.write_bytes(old.encode("utf-8"))
        raise


def derive_slug(title: str) -> str:
    """A slug from a title: lowercase words joined by hyphens, at most ``SLUG_WORDS`` of them."""
    return "-".join(suggest_slug(title).split("-")[:SLUG_WORDS])


def _slug_option(value: str | None, title: str, what: str) -> str:
    slug = value or derive_slug(title)
    if not is_slug(slug):
        raise ScaffoldError(
            f"{what} '{slug}' must be lowercase letters, digits and hyphens (e.g. '{suggest_slug(slug)}')"
        )
    return slug


# --- new controversy ---


def new_controversy(content: Path, thread: str, title: str, slug: str | None, today: dt.date) -> Added:
    """``content/controversies/<slug>.md`` with its front matter, two placeholder positions and the three sections."""
    slug = _slug_option(slug, title, "controversy slug")
    threads = sorted(p.stem for p in (content / "threads").glob("*.md"))
    if thread not in threads:
        raise ScaffoldError(
            f"unknown thread '{thread}'{did_you_mean(thread, threads)}; threads: {', '.join(threads) or 'none yet'}"
        )
    file = content / "controversies" / f"{slug}.md"
    if file.exists():
        raise ScaffoldError(f"{file} already exists: add a position to it with 'python build.py new position {slug}'")
    values = {"title": title, "thread": thread, "updated": today}
    lines = ["---", *entry_lines(CONTROVERSY, values, ""), "positions:"]
    lines += position_lines("A", 2, 4) + position_lines("B", 2, 4)
    text = "\n".join([*lines, "---", BODY])
    file.parent.mkdir(parents=True, exist_ok=True)
    with open(file, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return Added(file, 1, slug)


# --- new position ---


def _front_matter_end(lines: list[str]) -> int:
    """Index of the closing ``---`` line."""
    return next(i for i in range(1, len(lines)) if FENCE_RE.fullmatch(lines[i].rstrip("\r\n")))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def next_letter(used: list[str]) -> str:
    """The letter after the last one used (A, B, D → E), or the first free one once Z is taken."""
    letters = [u for u in used if isinstance(u, str) and len(u) == 1 and "A" <= u <= "Z"]
    if not letters:
        return "A"
    if max(letters) < "Z":
        return chr(ord(max(letters)) + 1)
    free = [chr(c) for c in range(ord("A"), ord("Z") + 1) if chr(c) not in letters]
    if not free:
        raise ScaffoldError("every letter A–Z is taken: split the controversy instead")
    return free[0]


def controversy_file(content: Path, name: str) -> Path:
    """The file for a controversy given by slug or by path."""
    file = Path(name) if name.endswith(".md") or "/" in name else content / "controversies" / f"{name}.md"
    if not file.is_file():
        known = sorted(p.stem for p in (content / "controversies").glob("*.md"))
        raise ScaffoldError(f"no controversy '{name}' in {content}/controversies{did_you_mean(Path(name).stem, known)}")
    return file


def new_position(content: Path, name: str) -> Added:
    """Insert a placeholder position after the last one, leaving every other line of the file untouched."""
    file = controversy_file(content, name)
    text = _read(file)
    try:
        meta, _, _ = split_front_matter(text.removeprefix("\ufeff"), str(file))
    except YamlError as exc:
        raise ScaffoldError(f"{exc.error}; fix that first (python build.py check lists every problem)") from None
    positions = meta.get("positions")
    if not isinstance(positions, Seq) or not positions or not isinstance(meta, Map):
        raise ScaffoldError(f"{file}: 'positions' is not a list of positions; add the position by hand")
    lines = text.splitlines(keepends=True)
    key_line = meta.key_lines["positions"] - 1  # 0-based
    key_col = _indent(lines[key_line])
    if lines[key_line].rstrip().endswith("]"):
        raise ScaffoldError(f"{file}:{key_line + 1}: 'positions' is written as a [flow list]; add the position by hand")
    last = positions.item_lines[-1] - 1
    end = _front_matter_end(lines)
    insert = last + 1
    for i in range(last + 1, end):
        stripped = lines[i].strip()
        if stripped and _indent(lines[i]) <= key_col:
            break
        if stripped:
            insert = i + 1
    item = lines[last]
    if item.lstrip(" ").startswith("- "):
        dash = _indent(item)
        key = dash + 1 + _indent(item[dash + 1 :])
    else:  # the dash stands alone on the line above the item's keys
        key = _indent(item)
        dash = max(key - 2, key_col)
    letter = next_letter([p.get("id") for p in positions if isinstance(p, Map)])
    newline = _newline(text)
    new_lines = [line + newline for line in position_lines(letter, dash, key)]
    if not lines[insert - 1].endswith(("\n", "\r")):
        new_lines[0] = newline + new_lines[0]
    new_text = "".join([*lines[:insert], *new_lines, *lines[insert:]])

    def added_as_expected(result: str) -> None:
        added, _, _ = split_front_matter(result.removeprefix("\ufeff"), str(file))
        ids = [p.get("id") for p in added["positions"]]
        if ids != [*(p.get("id") for p in positions), letter]:
            raise AssertionError(f"inserting position {letter} into {file} went wrong: positions are now {ids}")

    _write_checked(file, text, new_text, added_as_expected)
    return Added(file, insert + 1, letter, meta.key_lines.get("updated"))


# --- new source / new proponent ---


def add_registry_entry(file: Path, record: Record, key: str, values: dict[str, Any]) -> Added:
    """Append ``key:`` and its fields to a registry such as ``sources.yaml``, after a blank line."""
    text = _read(file) if file.exists() else ""
    try:
        registry = parse_yaml(text.removeprefix("\ufeff"), str(file)) if text.strip() else None
    except YamlError as exc:
        raise ScaffoldError(f"{exc.error}; fix that first (python build.py check lists every problem)") from None
    if registry is not None and not isinstance(registry, Map):
        raise ScaffoldError(f"{file} is not a mapping of 'id:' entries; add the entry by hand")
    if registry and key in registry:
        raise ScaffoldError(
            f"{file}:{registry.key_lines[key]}: '{key}' already exists; cite it, or choose another id with --id/--slug"
        )
    indent = next(
        (line[: _indent(line)] for line in text.splitlines() if _indent(line) and not line.lstrip().startswith("#")),
        "  ",
    )
    newline = _newline(text)
    lead = newline if text and not text.endswith("\n") else ""
    if text.strip() and not (text + lead).endswith(newline * 2):
        lead += newline  # a blank line between entries
    block = [f"{key}:", *entry_lines(record, values, indent)]
    new_text = text + lead + newline.join(block) + newline
    line = (text + lead).count("\n") + 1

    def added_as_expected(result: str) -> None:
        parsed = parse_yaml(result.removeprefix("\ufeff"), str(file))
        if not isinstance(parsed, Map) or parsed.key_lines.get(key) != line:
            raise AssertionError(f"adding '{key}' to {file} went wrong")

    _write_checked(file, text, new_text, added_as_expected)
    return Added(file, line, key, todo=any(PLACEHOLDER in line for line in block))


def new_source(content: Path, title: str, source_id: str | None, **values: Any) -> Added:
    key = _slug_option(source_id, title, "source id")
    return add_registry_entry(content / "sources.yaml", SOURCE, key, {"title": title, **values})


def new_proponent(content: Path, name: str, slug: str | None, **values: Any) -> Added:
    key = _slug_option(slug, name, "proponent slug")
    return add_registry_entry(content / "proponents.yaml", PROPONENT, key, {"name": name, **values})
