"""Stage 1: read ``content/`` into parsed documents that remember where every value came from.

The folder layout is the content model (as in Zola): ``site.yaml``, ``sources.yaml``,
``proponents.yaml``, ``threads/<slug>.md`` and ``controversies/<slug>.md``. Every file is read
even after one fails, so a contributor sees all problems at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from frontmatter.default_handlers import YAMLHandler

from .errors import ContentError
from .limits import MAX_BODY_CHARS, text_problem
from .markdown import parse_body
from .model import Body
from .schema import PLACEHOLDER
from .yamltree import Map, Seq, YamlError, parse_yaml

MAX_FILE_BYTES = 2_000_000
"""A content file larger than this is a mistake (or an attack), not prose."""

FOLDERS = ("threads", "controversies")
REGISTRIES = ("site.yaml", "sources.yaml", "proponents.yaml")


@dataclass
class Document:
    """A Markdown file: its front matter mapping and parsed body."""

    slug: str
    path: str
    meta: Map
    body: Body


@dataclass
class RawContent:
    """Everything read from a content folder, before validation."""

    root: str
    site: Map | None = None
    sources: Map | None = None
    proponents: Map | None = None
    events: Seq | None = None
    """``events.yaml`` (optional): a list of events."""
    threads: list[Document] = field(default_factory=list)
    controversies: list[Document] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    unreadable: dict[str, list[str]] = field(default_factory=dict)
    """Slugs of pages that exist but could not be parsed, by folder (so links to them are not "unknown")."""


def display_path(root: str, *parts: str) -> str:
    """The path as printed in messages: the content folder as the user gave it, then the file."""
    return "/".join([root.rstrip("/") or "/", *parts])


def read_text(file: Path, shown: str) -> str:
    """The file's text as UTF-8 (BOM removed); raises ``YamlError`` carrying a located error."""
    try:
        root_ok = file.is_file() and not file.is_symlink()
        if not root_ok:
            raise YamlError(ContentError(shown, 1, "not a regular file (symlinks are not followed)"))
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlError(
                ContentError(shown, 1, f"file is {size:,} bytes; content files are limited to {MAX_FILE_BYTES:,}")
            )
        with file.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)  # the file may grow after stat(): never read more
    except OSError as exc:  # e.g. deleted or renamed while the build runs (an editor saving under ``serve``)
        raise YamlError(ContentError(shown, 1, f"could not be read: {exc.strerror or exc}")) from None
    if len(data) > MAX_FILE_BYTES:
        raise YamlError(ContentError(shown, 1, f"file grew past {MAX_FILE_BYTES:,} bytes while being read"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlError(
            ContentError(shown, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")
        ) from None
    text = text.removeprefix("\ufeff")
    if (problem := text_problem(text, shown)) is not None:
        raise YamlError(problem)
    return text


def split_front_matter(text: str, shown: str) -> tuple[Map, str, int]:
    """(front matter values, body text, line the body starts on) of a Markdown file.

    Fences are python-frontmatter's (``---`` lines); we split ourselves to keep line numbers.
    """
    fences = YAMLHandler.FM_BOUNDARY.finditer(text)
    opening, closing = next(fences, None), next(fences, None)
    if opening is None or opening.start() != 0:
        raise YamlError(
            ContentError(
                shown, 1, "missing front matter: the file must start with a '---' line, then YAML fields, then '---'"
            )
        )
    if closing is None:
        raise YamlError(ContentError(shown, 1, "front matter is not closed: add a '---' line after the YAML fields"))
    fm_line = text[: opening.end()].count("\n") + 1
    meta = parse_yaml(text[opening.end() : closing.start()], shown, fm_line)
    if not isinstance(meta, Map):
        raise YamlError(ContentError(shown, fm_line, "front matter must be a mapping of 'field: value' lines"))
    return meta, text[closing.end() :], text[: closing.end()].count("\n") + 1


def load_document(file: Path, shown: str, raw: RawContent) -> Document | None:
    try:
        meta, body_text, body_line = split_front_matter(read_text(file, shown), shown)
    except YamlError as exc:
        raw.errors.append(exc.error)
        return None
    if len(body_text) > MAX_BODY_CHARS:
        message = f"the body is {len(body_text):,} characters long; bodies are limited to {MAX_BODY_CHARS:,}"
        raw.errors.append(ContentError(shown, body_line, message + " (split the page)"))
        return None
    body, errors = parse_body(body_text, shown, body_line)
    raw.errors.extend(errors)
    raw.errors.extend(body_placeholders(body_text, shown, body_line))
    return Document(file.stem, shown, meta, body)


def body_placeholders(text: str, shown: str, first_line: int) -> list[ContentError]:
    """An error for each body line still holding a ``TODO:`` placeholder written by ``build.py new``."""
    return [
        ContentError(shown, first_line + i, "this line is still a TODO placeholder: replace it with your text")
        for i, line in enumerate(text.splitlines())
        if PLACEHOLDER in line
    ]


def load_events(file: Path, shown: str, raw: RawContent) -> Seq | None:
    """``events.yaml``: optional, a YAML list (empty file = no events)."""
    if not file.exists() and not file.is_symlink():
        return None
    try:
        value = parse_yaml(read_text(file, shown), shown)
    except YamlError as exc:
        raw.errors.append(exc.error)
        return None
    if value is not None and not isinstance(value, Seq):
        raw.errors.append(ContentError(shown, 1, "must be a list of events, each starting with '- id:'"))
        return None
    return value


def load_registry(file: Path, shown: str, raw: RawContent, required: bool = True) -> Map | None:
    if not file.exists() and not file.is_symlink():
        if required:
            raw.errors.append(ContentError(shown, 1, "file is missing"))
        return None
    try:
        value = parse_yaml(read_text(file, shown), shown)
    except YamlError as exc:
        raw.errors.append(exc.error)
        return None
    if value is None:
        value = Map()
        value.line, value.key_lines = 1, {}
    if not isinstance(value, Map):
        raw.errors.append(ContentError(shown, 1, "must be a mapping of 'id:' entries"))
        return None
    return value


def load(root: str | Path) -> RawContent:
    """Read the content folder at ``root``; problems are collected in ``RawContent.errors``."""
    root_str = str(root)
    base = Path(root)
    raw = RawContent(root_str)
    if not base.is_dir():
        raw.errors.append(ContentError(root_str, 1, "content folder not found"))
        return raw
    raw.site = load_registry(base / "site.yaml", display_path(root_str, "site.yaml"), raw)
    raw.sources = load_registry(base / "sources.yaml", display_path(root_str, "sources.yaml"), raw)
    raw.proponents = load_registry(base / "proponents.yaml", display_path(root_str, "proponents.yaml"), raw)
    raw.events = load_events(base / "events.yaml", display_path(root_str, "events.yaml"), raw)
    for folder in FOLDERS:
        documents = getattr(raw, folder)
        if (base / folder).is_symlink():  # its files would be read from wherever it points
            message = "is a symbolic link; content folders must be real folders (links are not followed)"
            raw.errors.append(ContentError(display_path(root_str, folder), 1, message))
            continue
        for file in sorted((base / folder).glob("*")) if (base / folder).is_dir() else []:
            shown = display_path(root_str, folder, file.name)
            if file.name.startswith(".") or file.name.endswith("~"):
                continue  # editor swap and backup files
            if file.suffix != ".md":
                raw.errors.append(ContentError(shown, 1, "unexpected file: content pages end in '.md'", "warning"))
                continue
            document = load_document(file, shown, raw)
            if document is not None:
                documents.append(document)
            else:
                raw.unreadable.setdefault(folder, []).append(file.stem)
    return raw


def suggest_slug(name: str) -> str:
    """``My Page.md`` → ``my-page``: the file name a contributor probably meant."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
