"""Stage 1: read ``content/`` into parsed documents that remember where every value came from.

The folder layout is the content model (as in Zola): ``site.yaml``, ``sources.yaml``,
``proponents.yaml``, ``threads/<slug>.md`` and ``controversies/<slug>.md``. Every file is read
even after one fails, so a contributor sees all problems at once. What the files are (a listing)
and how they are read and parsed (a ``Reader``) are given: the pipeline's reader keeps parses
between builds and parses on every core (``reuse/read.py``); ``PLAIN`` reads and parses each file here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from frontmatter.default_handlers import YAMLHandler

from .digests import digest
from .errors import ContentError
from .limits import MAX_BODY_CHARS, text_problem
from .markdown import parse_body
from .model import Body
from .schema import PLACEHOLDER
from .yamltree import Map, Seq, YamlError, parse_yaml

MAX_FILE_BYTES = 2_000_000
"""A page larger than this is a mistake (or an attack), not prose."""
MAX_REGISTRY_BYTES = 32_000_000
"""The registries grow with the record: 20,000 sources (a 10,000-controversy record) take about 4 MB."""

FOLDERS = ("threads", "controversies")
REGISTRIES = ("site.yaml", "sources.yaml", "proponents.yaml")


@dataclass
class Document:
    """A Markdown file: its front matter mapping and parsed body."""

    slug: str
    path: str
    meta: Map
    body: Body
    digest: str = ""
    """Of the file's path and bytes: equal digests, equal documents (for this engine)."""
    checked: tuple[Any, list[ContentError]] | None = field(default=None, compare=False, repr=False)
    """Its own check (``validate.check_early``), if done as it was parsed: then validation does not do it again."""


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
    digests: dict[str, str] = field(default_factory=dict)
    """Digest of each registry file read, by file name (``sources.yaml``)."""


def display_path(root: str, *parts: str) -> str:
    """The path as printed in messages: the content folder as the user gave it, then the file."""
    return "/".join([root.rstrip("/") or "/", *parts])


def read_bytes(file: Path, shown: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, if it is a regular file of at most ``limit`` bytes; raises ``YamlError`` otherwise."""
    try:
        if not file.is_file() or file.is_symlink():
            raise YamlError(ContentError(shown, 1, "not a regular file (symlinks are not followed)"))
        size = file.stat().st_size
        if size > limit:
            raise YamlError(ContentError(shown, 1, f"file is {size:,} bytes; this file is limited to {limit:,}"))
        with file.open("rb") as stream:
            data = stream.read(limit + 1)  # the file may grow after stat(): never read more
    except OSError as exc:  # e.g. deleted or renamed while the build runs (an editor saving under ``serve``)
        raise YamlError(ContentError(shown, 1, f"could not be read: {exc.strerror or exc}")) from None
    if len(data) > limit:
        raise YamlError(ContentError(shown, 1, f"file grew past {limit:,} bytes while being read"))
    return data


def decode(data: bytes, shown: str) -> str:
    """``data`` as UTF-8 text (BOM removed); raises ``YamlError`` pointing at the first bad byte."""
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


Parsed = tuple[Document | None, list[ContentError]]


def parse_document(slug: str, shown: str, data: bytes) -> Parsed:
    """A Markdown file's front matter and body, and its problems (``None``: it could not be parsed)."""
    try:
        meta, body_text, body_line = split_front_matter(decode(data, shown), shown)
    except YamlError as exc:
        return None, [exc.error]
    if len(body_text) > MAX_BODY_CHARS:
        message = f"the body is {len(body_text):,} characters long; bodies are limited to {MAX_BODY_CHARS:,}"
        return None, [ContentError(shown, body_line, message + " (split the page)")]
    body, errors = parse_body(body_text, shown, body_line)
    errors.extend(body_placeholders(body_text, shown, body_line))
    return Document(slug, shown, meta, body, digest(shown, data)), errors


def body_placeholders(text: str, shown: str, first_line: int) -> list[ContentError]:
    """An error for each body line still holding a ``TODO:`` placeholder written by ``build.py new``."""
    return [
        ContentError(shown, first_line + i, "this line is still a TODO placeholder: replace it with your text")
        for i, line in enumerate(text.splitlines())
        if PLACEHOLDER in line
    ]


YamlRead = tuple[bool, Any, ContentError | None]
"""A YAML file as read: (parsed?, value, its problem)."""


def parse_registry(data: bytes, shown: str) -> YamlRead:
    try:
        return (True, parse_yaml(decode(data, shown), shown), None)
    except YamlError as exc:
        return (False, None, exc.error)


Entry = tuple[str, str, "os.stat_result | None"]
"""(name, path, ``lstat`` if known) of an entry of a content folder."""
Page = tuple[str, str, str, "os.stat_result | None"]
"""(slug, shown path, path, ``lstat`` if known) of a page to read."""


class Reader(Protocol):
    """How ``load`` gets files read and parsed."""

    def registry(self, file: Path, shown: str, limit: int) -> tuple[str, YamlRead]:
        """(digest of the file's path and bytes, the YAML read); raises ``YamlError`` if it cannot be read."""
        ...

    def pages(
        self, pages: list[Page], meanwhile: Callable[[], object], parsed_here: Callable[[Document], object]
    ) -> dict[str, Parsed]:
        """``parse_document`` of each page, by shown path (a page that cannot be read: no document, its error);
        calls ``meanwhile`` once, in this process, while other processes parse (or before parsing here), and
        ``parsed_here`` with each document parsed by this build (not one it recalled), once it is."""
        ...


class Plain:
    """Every file read and parsed here, in turn."""

    def registry(self, file: Path, shown: str, limit: int) -> tuple[str, YamlRead]:
        data = read_bytes(file, shown, limit)
        return digest(shown, data), parse_registry(data, shown)

    def pages(
        self, pages: list[Page], meanwhile: Callable[[], object], parsed_here: Callable[[Document], object]
    ) -> dict[str, Parsed]:
        meanwhile()
        parsed = {shown: read_page(slug, shown, path) for slug, shown, path, _ in pages}
        for document, _ in parsed.values():
            if document is not None:
                parsed_here(document)
        return parsed


PLAIN = Plain()


def read_page(slug: str, shown: str, path: str) -> Parsed:
    """``parse_document`` of the file at ``path``, or the problem reading it."""
    try:
        data = read_bytes(Path(path), shown)
    except YamlError as exc:
        return None, [exc.error]
    return parse_document(slug, shown, data)


def read_yaml(file: Path, shown: str, raw: RawContent, reader: Reader) -> tuple[bool, Any]:
    """(parsed?, value) of a YAML file; its problems go to ``raw.errors``."""
    try:
        raw.digests[file.name], hit = reader.registry(file, shown, MAX_REGISTRY_BYTES)
    except YamlError as exc:
        raw.errors.append(exc.error)
        return False, None
    return _parsed(hit, raw)


def _parsed(hit: tuple[bool, Any, ContentError | None], raw: RawContent) -> tuple[bool, Any]:
    ok, value, error = hit
    if error is not None:
        raw.errors.append(error)
    return ok, value


def load_events(file: Path, shown: str, raw: RawContent, reader: Reader) -> Seq | None:
    """``events.yaml``: optional, a YAML list (empty file = no events)."""
    if not file.exists() and not file.is_symlink():
        return None
    ok, value = read_yaml(file, shown, raw, reader)
    if not ok:
        return None
    if value is not None and not isinstance(value, Seq):
        raw.errors.append(ContentError(shown, 1, "must be a list of events, each starting with '- id:'"))
        return None
    return value


def load_registry(file: Path, shown: str, raw: RawContent, reader: Reader, required: bool = True) -> Map | None:
    if not file.exists() and not file.is_symlink():
        if required:
            raw.errors.append(ContentError(shown, 1, "file is missing"))
        return None
    ok, value = read_yaml(file, shown, raw, reader)
    if not ok:
        return None
    if value is None:
        value = Map()
        value.line, value.key_lines = 1, {}
    if not isinstance(value, Map):
        raw.errors.append(ContentError(shown, 1, "must be a mapping of 'id:' entries"))
        return None
    return value


def load(
    root: str | Path,
    reader: Reader = PLAIN,
    files: list[Entry] | None = None,
    meanwhile: Callable[[], object] = bool,
    parsed_here: Callable[[str, Document], object] | None = None,
) -> RawContent:
    """Read the content folder at ``root``; problems are collected in ``RawContent.errors``.

    ``reader`` reads and parses the files; ``files``: a listing of everything under ``root`` (names relative
    to it, sorted; ``reuse.incremental.content_files``), if the caller made one; otherwise the folders are listed.
    The registries are read, and ``meanwhile`` called, while the reader's workers parse the pages; ``parsed_here``
    is given (folder, document) of each page this build parsed (not recalled), as each comes back from them.
    """
    root_str = str(root)
    base = Path(root)
    raw = RawContent(root_str)
    if not base.is_dir():
        raw.errors.append(ContentError(root_str, 1, "content folder not found"))
        return raw

    def registries() -> None:
        raw.site = load_registry(base / "site.yaml", display_path(root_str, "site.yaml"), raw, reader)
        raw.sources = load_registry(base / "sources.yaml", display_path(root_str, "sources.yaml"), raw, reader)
        raw.proponents = load_registry(base / "proponents.yaml", display_path(root_str, "proponents.yaml"), raw, reader)
        raw.events = load_events(base / "events.yaml", display_path(root_str, "events.yaml"), raw, reader)
        meanwhile()

    listing_errors: list[ContentError] = []  # after the registries' own, as they are read first
    pending: list[tuple[str, str, str]] = []
    pages: list[Page] = []
    listed = _children(files, FOLDERS) if files is not None else None
    for folder in FOLDERS:
        if (base / folder).is_symlink():  # its files would be read from wherever it points
            message = "is a symbolic link; content folders must be real folders (links are not followed)"
            listing_errors.append(ContentError(display_path(root_str, folder), 1, message))
            continue
        for name, path, st in _entries(base / folder) if listed is None else listed[folder]:
            shown = display_path(root_str, folder, name)
            if name.startswith(".") or name.endswith("~"):
                continue  # editor swap and backup files
            if not name.endswith(".md"):
                listing_errors.append(ContentError(shown, 1, "unexpected file: content pages end in '.md'", "warning"))
                continue
            slug = name.removesuffix(".md")
            pending.append((folder, slug, shown))
            pages.append((slug, shown, path, st))
    folders = {shown: folder for folder, _, shown in pending}

    def told(document: Document) -> None:
        if parsed_here is not None:
            parsed_here(folders[document.path], document)

    parsed = reader.pages(pages, registries, told)
    raw.errors += listing_errors
    for folder, slug, shown in pending:
        document, errors = parsed[shown]
        raw.errors.extend(errors)
        if document is not None:
            getattr(raw, folder).append(document)
        else:
            raw.unreadable.setdefault(folder, []).append(slug)
    return raw


def _entries(folder: Path) -> list[Entry]:
    """The folder's entries sorted by name (``scandir``: ``Path`` objects cost a ``serve`` rebuild more than this)."""
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        return sorted(((entry.name, entry.path, None) for entry in entries), key=lambda entry: entry[0])


def _children(files: list[Entry], folders: tuple[str, ...]) -> dict[str, list[Entry]]:
    """The entries directly in each of ``folders``, from a listing of the whole content folder (sorted, so
    each folder's entries are too)."""
    found: dict[str, list[Entry]] = {folder: [] for folder in folders}
    for name, path, st in files:
        folder, _, rest = name.partition("/")
        if rest and folder in found and "/" not in rest:
            found[folder].append((rest, path, st))
    return found


def suggest_slug(name: str) -> str:
    """``My Page.md`` → ``my-page``: the file name a contributor probably meant."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
