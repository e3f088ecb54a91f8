"""Full-text search: Pagefind indexes the written pages before the site is published.

Pagefind reads the HTML (only the parts marked ``data-pagefind-body``) and writes a static index
under ``pagefind/`` that ``static/search.js`` queries in the browser. The index is built in the
staging folder, so it always matches the pages it is published with. Search is an enhancement:
when the binary is missing or fails, the build still succeeds and the report says search was
skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .write import FIXED_MTIME, exchange, locked

BUNDLE = "pagefind"
"""Folder of the search bundle inside the site (``static/search.js`` loads it from there)."""


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


def index_site(folder: Path) -> SearchIndex:
    """Index the pages under ``folder`` into ``folder/pagefind/``; never raises for a missing or failing binary."""
    return _index(folder, folder / BUNDLE)


def refresh_index(site: Path) -> SearchIndex:
    """Index a published ``site`` again beside it, then swap the new bundle in for ``site/pagefind/`` at once.

    For ``serve``, which patches pages in place (``write.patch``): searching keeps working, on the
    previous index, while Pagefind reads every page (seconds, for a large site).
    """
    folder = site.stat().st_ino
    fresh = Path(tempfile.mkdtemp(prefix=f".{site.name}-search-", dir=site.parent))
    try:
        result = _index(site, fresh)
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


def _index(folder: Path, bundle: Path) -> SearchIndex:
    executable = pagefind_executable()
    if executable is None:
        return SearchIndex(False, "search skipped: the Pagefind binary was not found (pip install 'pagefind[bin]')")
    command = [str(executable), "--site", str(folder), "--output-path", str(bundle), "--silent"]
    try:
        # Run inside the site: Pagefind reads a pagefind.yml/.toml/.json from its working directory.
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600, check=False)
    except OSError as exc:
        return _skipped(bundle, f"Pagefind could not run ({exc.strerror or exc})")
    except subprocess.TimeoutExpired:
        return _skipped(bundle, "Pagefind took longer than 10 minutes")
    if result.returncode != 0:
        detail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-1:] or ["no output"]
        return _skipped(bundle, f"Pagefind failed with exit code {result.returncode}: {detail[0]}")
    try:
        languages = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
        pages = sum(language["page_count"] for language in languages.values())
    except (OSError, ValueError, KeyError, TypeError):
        return _skipped(bundle, "Pagefind wrote no readable index")
    return SearchIndex(True, f"search index: {pages} pages")


def _skipped(bundle: Path, reason: str) -> SearchIndex:
    """Remove a partial bundle so the published site never carries a broken index."""
    shutil.rmtree(bundle, ignore_errors=True)
    return SearchIndex(False, f"search skipped: {reason}")
