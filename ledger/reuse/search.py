"""Full-text search: Pagefind indexes the written pages before the site is published.

Pagefind reads the HTML (only the parts marked ``data-pagefind-body``, less what is marked
``data-pagefind-ignore``) and writes a static index under ``pagefind/`` that ``static/search.js``
queries in the browser. The index is built in the staging folder, so it always matches the pages it
is published with. Search is an enhancement: when the binary is missing or fails, the build still
succeeds and the report says search was skipped.

Two things are added to Pagefind here:

- **Reuse.** Indexing is most of a cold build's time. With a cache folder, each index is kept under
  the digest of what Pagefind reads (the bytes of every page carrying ``data-pagefind-body``, with
  their paths, and the binary), and a build whose indexed pages are all the same links the kept index
  in instead of running Pagefind: byte for byte the index Pagefind would write (``tests/test_search.py``).
  With no index kept yet (a cold build), the digest is read while Pagefind runs, not before it.
- **Determinism.** Pagefind 1.5 writes its filter indexes (``filter/*.pf_filter``, and their list in
  ``pagefind.*.pf_meta``) in hash-map order, which differs from run to run. ``canonical_filters``
  rewrites them in sorted order (each value's pages sorted, once each) and names them by their new
  content, so the same pages always give the same bundle.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..digests import digest
from .write import FIXED_MTIME, exchange, locked

BUNDLE = "pagefind"
"""Folder of the search bundle inside the site (``static/search.js`` loads it from there)."""
INDEXED = b"data-pagefind-body"
"""Pages without it are not read by Pagefind (once any page has it) and are left out of the digest."""
KEPT = 2
"""Indexes kept in the cache: the latest two, so switching back and forth between two sites reuses both."""
ENTRY = "pagefind-entry.json"
"""The file naming a bundle's index files; a kept index has one (kept folders are renamed into place whole)."""
MAGIC = b"pagefind_dcd"
"""What each of Pagefind's gzipped CBOR files starts with, once decompressed."""


@dataclass(frozen=True)
class SearchIndex:
    """Whether the search index was built, and a one-line account of it for the person building."""

    built: bool
    message: str


def pagefind_executable() -> Path | None:
    """The Pagefind binary: ``$PAGEFIND_BINARY_PATH``, else the one ``pagefind[bin]`` ships, else ``PATH``."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        found = shutil.which("pagefind")
        return Path(found) if found else None
    path = get_executable()
    if path is None or not path.is_file() or not os.access(path, os.X_OK):
        return None
    return path


def index_site(folder: Path, cache: Path | None = None) -> SearchIndex:
    """Index the pages under ``folder`` into ``folder/pagefind/``; never raises for a missing or failing binary.

    With ``cache`` (the build's cache folder), reuses the index kept there for the same indexed pages.
    """
    return _index(folder, folder / BUNDLE, cache)


def refresh_index(site: Path) -> SearchIndex:
    """Index a published ``site`` again beside it, then swap the new bundle in for ``site/pagefind/`` at once.

    For ``serve``, which patches pages in place (``write.patch``): searching keeps working, on the
    previous index, while Pagefind reads every page (seconds, for a large site).
    """
    folder = site.stat().st_ino
    fresh = Path(tempfile.mkdtemp(prefix=f".{site.name}-search-", dir=site.parent))
    try:
        result = _index(site, fresh, None)
        if result.built:
            for path in [fresh, *fresh.rglob("*")]:
                os.utime(path, (FIXED_MTIME, FIXED_MTIME))
            fresh.chmod(0o755)
            with locked(site.parent):  # a full build swapping in a whole new site (with its own index) waits
                if site.stat().st_ino == folder:
                    exchange(fresh, site / BUNDLE)
        return result
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def indexed_digest(folder: Path, executable: Path) -> str:
    """The digest of everything Pagefind reads: each indexed page's path and bytes, and the binary itself.

    Whole pages, not only their indexed parts: finding those would mean parsing every page, and a page
    whose indexed text is the same but whose other parts changed is rare (an edit changes both).
    """
    stat = executable.stat()
    parts: list[bytes | str] = [str(executable), str(stat.st_size), str(stat.st_mtime_ns)]
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not (root == str(folder) and name == BUNDLE))
        for name in sorted(files):
            if name.endswith(".html"):
                path = os.path.join(root, name)
                with open(path, "rb") as file:
                    data = file.read()
                if INDEXED in data:
                    parts += [os.path.relpath(path, folder), data]
    return digest(*parts)


def _index(folder: Path, bundle: Path, cache: Path | None) -> SearchIndex:
    executable = pagefind_executable()
    if executable is None:
        return SearchIndex(False, "search skipped: the Pagefind binary was not found (pip install 'pagefind[bin]')")
    indexes = cache / "search" if cache is not None else None
    found = None
    if indexes is not None and any(indexes.glob(f"*/{ENTRY}")):  # one may be for these pages: look before indexing
        found = indexed_digest(folder, executable)
        if (indexes / found / ENTRY).is_file() and _copy(indexes / found, bundle):
            return _counted(bundle, reused=True)
    command = [str(executable), "--site", str(folder), "--output-path", str(bundle), "--silent"]
    try:
        # Run inside the site: Pagefind reads a pagefind.yml/.toml/.json from its working directory.
        pagefind = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        return _skipped(bundle, f"Pagefind could not run ({exc.strerror or exc})")
    with pagefind:
        try:
            if indexes is not None and found is None:  # to keep the index by: read while Pagefind reads the pages
                found = indexed_digest(folder, executable)
            stdout, stderr = pagefind.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            pagefind.kill()
            pagefind.communicate()
            return _skipped(bundle, "Pagefind took longer than 10 minutes")
        except BaseException:
            pagefind.kill()
            raise
    if pagefind.returncode != 0:
        detail = (stderr.strip() or stdout.strip()).splitlines()[-1:] or ["no output"]
        return _skipped(bundle, f"Pagefind failed with exit code {pagefind.returncode}: {detail[0]}")
    try:
        canonical_filters(bundle)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        return _skipped(bundle, f"Pagefind wrote filter indexes this build cannot read ({exc})")
    counted = _counted(bundle, reused=False)
    if counted.built and indexes is not None and found is not None:
        _keep(bundle, indexes / found)
    return counted


def _counted(bundle: Path, reused: bool) -> SearchIndex:
    try:
        languages = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))["languages"]
        pages = sum(language["page_count"] for language in languages.values())
    except (OSError, ValueError, KeyError, TypeError):
        return _skipped(bundle, "Pagefind wrote no readable index")
    return SearchIndex(True, f"search index: {pages} pages" + (" (unchanged, reused)" if reused else ""))


def _skipped(bundle: Path, reason: str) -> SearchIndex:
    """Remove a partial bundle so the published site never carries a broken index."""
    shutil.rmtree(bundle, ignore_errors=True)
    return SearchIndex(False, f"search skipped: {reason}")


def _copy(source: Path, bundle: Path) -> bool:
    """``source`` as ``bundle``, its files hard-linked (copied across file systems); ``False`` if that failed."""
    try:
        shutil.copytree(source, bundle, copy_function=_link_or_copy)
    except OSError:
        shutil.rmtree(bundle, ignore_errors=True)
        return False
    return True


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _keep(bundle: Path, kept: Path) -> None:
    """Keep a copy of ``bundle`` as ``kept``, and only the ``KEPT`` latest indexes in its folder."""
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".keeping-", dir=kept.parent))
    shutil.rmtree(partial)
    if not _copy(bundle, partial):
        return
    with contextlib.suppress(OSError):
        partial.rename(kept)  # fails if another build kept the same index meanwhile: theirs is the same
    shutil.rmtree(partial, ignore_errors=True)
    os.utime(kept)  # the latest, for pruning
    others = sorted((p for p in kept.parent.iterdir() if p != kept), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEPT - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def canonical_filters(bundle: Path) -> None:
    """Rewrite Pagefind's filter indexes, and the metadata listing them, in one order whatever the run.

    Each ``filter/<lang>_<hash>.pf_filter`` is ``[name, [[value, [page, …]], …]]``; the metadata
    ``pagefind.<lang>_<hash>.pf_meta`` lists ``[name, hash]`` of each filter, and ``pagefind-entry.json``
    names the metadata by its hash. Values and filters are sorted, pages sorted and listed once, and
    each rewritten file named by the digest of its new content.
    """
    entry_path = bundle / ENTRY
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        old_meta = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(old_meta)
        lang = language["hash"].rsplit("_", 1)[0]
        filters = []
        for name, filter_hash in meta[3]:
            old = bundle / "filter" / f"{filter_hash}.pf_filter"
            values = _read(old)[1]
            data = [name, sorted([value, sorted(set(pages))] for value, pages in values)]
            filters.append([name, _write(bundle / "filter", f"{lang}_", ".pf_filter", 7, data, old)])
        meta[3] = sorted(filters)
        language["hash"] = _write(bundle, f"pagefind.{lang}_", ".pf_meta", 10, meta, old_meta).removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read(path: Path) -> list:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(MAGIC):
        raise ValueError(f"{path.name} is not a Pagefind index file")
    value, end = _decode(raw, len(MAGIC))
    if end != len(raw):
        raise ValueError(f"{path.name} has bytes after its data")
    return value


def _write(folder: Path, prefix: str, suffix: str, size: int, data: list, old: Path) -> str:
    """Write ``data`` as ``<prefix><digest>`` + ``suffix`` in ``folder`` (replacing ``old``); returns its stem."""
    raw = MAGIC + b"".join(_encode(data))
    stem = prefix + hashlib.sha256(raw).hexdigest()[:size]
    old.unlink()
    (folder / f"{stem}{suffix}").write_bytes(gzip.compress(raw, mtime=0))
    return stem


# The part of CBOR (RFC 8949) Pagefind's index files use: integers, strings, arrays, maps, simple values
# and floats, each item's length in the shortest form (as Pagefind writes them, so a file read and
# written again unchanged is the same bytes: ``tests/test_search.py`` checks it on a real bundle).


@dataclass(frozen=True)
class _Raw:
    """An item kept as its bytes (a float, a simple value): never changed, written back as read."""

    data: bytes


def _decode(data: bytes, at: int) -> tuple[object, int]:
    head = data[at]
    major, info = head >> 5, head & 31
    start, at = at, at + 1
    if major == 7:
        size = {25: 2, 26: 4, 27: 8}.get(info, 1 if info == 24 else 0)
        if info > 27:
            raise ValueError("indefinite-length items are not used by Pagefind")
        return _Raw(data[start : at + size]), at + size
    if info < 24:
        n = info
    elif info <= 27:
        size = 1 << (info - 24)
        n, at = int.from_bytes(data[at : at + size], "big"), at + size
    else:
        raise ValueError("indefinite-length items are not used by Pagefind")
    if major == 0:
        return n, at
    if major == 1:
        return -1 - n, at
    if major in (2, 3):
        chunk = data[at : at + n]
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), at + n
    items = []
    for _ in range(n if major == 4 else 2 * n):
        item, at = _decode(data, at)
        items.append(item)
    if major == 4:
        return items, at
    if major == 5:
        return dict(zip(items[::2], items[1::2], strict=True)), at
    raise ValueError(f"CBOR tags are not used by Pagefind (major type {major})")


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def _encode(value: object) -> list[bytes]:
    if isinstance(value, _Raw):
        return [value.data]
    if isinstance(value, bool):
        raise TypeError("booleans are read as raw simple values")
    if isinstance(value, int):
        return [_head(0, value) if value >= 0 else _head(1, -1 - value)]
    if isinstance(value, bytes):
        return [_head(2, len(value)), value]
    if isinstance(value, str):
        data = value.encode("utf-8")
        return [_head(3, len(data)), data]
    if isinstance(value, list):
        return [_head(4, len(value)), *(part for item in value for part in _encode(item))]
    if isinstance(value, dict):
        return [_head(5, len(value)), *(part for pair in value.items() for item in pair for part in _encode(item))]
    raise TypeError(f"cannot write {type(value).__name__} as CBOR")
