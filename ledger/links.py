"""``build.py links``: does every external URL on the record still answer? A command, never a build stage.

The network is slow, flaky and not ours, so a build never waits on it: a scheduled job runs this
instead (``.github/workflows/links.yml``). Each URL is asked once however often it is used — HEAD,
then GET where a server refuses HEAD — politely: a few at a time, one request per host per interval,
a User-Agent naming the project, retries with backoff only for answers that say "try again" (429,
5xx, timeouts). Working URLs are remembered in ``<cache>/links.json`` for ``max_age`` days, so a
weekly run asks again only about what failed or has not been seen lately.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import json
import os
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ContentError
from .load import RawContent, load, split_front_matter
from .markdown import parser
from .model import Site
from .options import Options, default_cache
from .plan import check
from .values import is_web_url
from .yamltree import Map, line_of

CACHE_FILE = "links.json"
HEAD_REFUSED = (403, 405, 501)
"""Answers to HEAD after which GET is tried: servers that do not implement HEAD, or refuse it to bots."""
MOVED = (301, 308)
MAX_RETRY_AFTER = 60.0
"""Longest a ``Retry-After`` header may make one URL wait, in seconds."""


@dataclass(frozen=True)
class Settings:
    """How to ask: set from the command line (tests make every wait a fraction of a second)."""

    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0
    """Seconds before the first retry; each further retry waits twice as long."""
    jobs: int = 8
    per_host: float = 1.0
    """Seconds between two requests to the same host."""
    max_age: float = 7.0
    """Days a working URL's result is reused."""
    cache: Path | None = None
    """Folder holding ``links.json``; ``None``: ask about everything, remember nothing."""
    agent: str = "TheLedger-links/1"
    """The User-Agent's name; the repository's URL is added, so a site's owner can see who asks and why."""


@dataclass(frozen=True)
class Use:
    """One place on the record where a URL appears."""

    url: str
    path: str
    line: int
    archived: str | None = None
    """For a source's ``url``: its archived copy, or ``""`` when it has none (named in the report)."""
    is_archive: bool = False
    """The URL is itself a source's archived copy."""


@dataclass(frozen=True)
class Result:
    """What a URL answered: a status, or why there was none."""

    status: int | None = None
    error: str = ""
    moved_to: str = ""
    """Where a permanent redirect (301, 308) led."""
    checked: float = 0.0
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400


@dataclass(frozen=True)
class Report:
    problems: list[ContentError]
    summary: str
    failed: int


def uses(options: Options, raw: RawContent, site: Site) -> list[Use]:
    """Every external URL of the content, where it is: sources (``url``, ``archived``), proponents, bodies."""
    found: list[Use] = []
    path = f"{raw.root.rstrip('/')}/sources.yaml"
    for sid, source in site.sources.items():
        entry = raw.sources[sid] if isinstance(raw.sources, Map) else Map()
        if source.url and source.url_status not in ("dead", "usurped"):  # a dead URL is known to be dead
            found.append(Use(source.url, path, line_of(entry, "url"), source.archived or ""))
        if source.archived:
            found.append(Use(source.archived, path, line_of(entry, "archived"), is_archive=True))
    path = f"{raw.root.rstrip('/')}/proponents.yaml"
    for slug, proponent in site.proponents.items():
        if proponent.url:
            entry = raw.proponents[slug] if isinstance(raw.proponents, Map) else Map()
            found.append(Use(proponent.url, path, line_of(entry, "url")))
    for folder, docs in (("threads", raw.threads), ("controversies", raw.controversies)):
        for doc in docs:
            file = Path(options.content) / folder / f"{doc.slug}.md"
            found += [Use(url, doc.path, line) for url, line in body_links(file, doc.path)]
    return found


def body_links(file: Path, shown: str) -> Iterator[tuple[str, int]]:
    """Each http(s) link in a Markdown file's body, with its line."""
    _, body, first = split_front_matter(file.read_text(encoding="utf-8"), shown)
    for token in parser().parse(body, {}):
        if token.type != "inline" or not token.map or not token.children:
            continue
        for child in token.children:
            href = str(child.attrGet("href") or "") if child.type == "link_open" else ""
            if is_web_url(href):
                at = max(token.content.find(href), 0)
                yield href, first + token.map[0] + token.content[:at].count("\n")


class Pacer:
    """One request per host per ``interval`` seconds, across threads: each caller is given the next slot."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_slot: dict[str, float] = {}
        self.lock = threading.Lock()

    def wait(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot.get(host, now))
            self.next_slot[host] = slot + self.interval
        time.sleep(max(0.0, slot - now))


class _Redirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirect handling, remembering each hop's status and target."""

    def __init__(self) -> None:
        self.hops: list[tuple[int, str]] = []

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        self.hops.append((code, newurl))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _ask(url: str, method: str, settings: Settings) -> tuple[Result, float | None]:
    """One request: its result, and how long the server asked us to wait (``Retry-After``) if it did."""
    redirects = _Redirects()
    request = urllib.request.Request(url, method=method, headers={"User-Agent": settings.agent, "Accept": "*/*"})
    wait = None
    try:
        with urllib.request.build_opener(redirects).open(request, timeout=settings.timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
        with contextlib.suppress(TypeError, ValueError):
            wait = min(float(exc.headers.get("Retry-After", "")), MAX_RETRY_AFTER)
        exc.close()
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        return Result(error=_no_answer(exc, settings)), None
    moved = next((target for code, target in redirects.hops if code in MOVED), "")
    return Result(status, moved_to=redirects.hops[-1][1] if moved else ""), wait


def _no_answer(exc: BaseException, settings: Settings) -> str:
    """Why there was no HTTP answer, in words."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"timed out after {settings.timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "refused the connection"
    if isinstance(reason, socket.gaierror):
        return "has a host name that does not resolve"
    if isinstance(reason, ssl.SSLError | ssl.CertificateError):
        return f"failed the TLS handshake ({reason})"
    if isinstance(reason, http.client.RemoteDisconnected):
        return "closed the connection without answering"
    return f"could not be reached ({reason})"


def _transient(result: Result) -> bool:
    """An answer that says "try again later": rate limited, a server error, or no answer in time."""
    status = result.status
    return status == 429 or (status is not None and status >= 500 and status != 501) or "timed out" in result.error


def check_url(url: str, settings: Settings, pacer: Pacer) -> Result:
    """Ask about ``url``: HEAD, GET if HEAD is refused, retried with backoff while the answer is transient."""
    for attempt in range(settings.retries + 1):
        pacer.wait(url)
        result, wait = _ask(url, "HEAD", settings)
        if result.status in HEAD_REFUSED:
            pacer.wait(url)
            result, wait = _ask(url, "GET", settings)
        if not _transient(result) or attempt == settings.retries:
            break
        time.sleep(wait if wait is not None else settings.backoff * 2**attempt)
    return Result(result.status, result.error, result.moved_to, checked=time.time())


def _cached(settings: Settings) -> dict[str, Result]:
    """Working results younger than ``max_age`` days; a missing or damaged file is an empty cache."""
    if settings.cache is None:
        return {}
    try:
        stored = json.loads((settings.cache / CACHE_FILE).read_text(encoding="utf-8"))
        oldest = time.time() - settings.max_age * 86400
        return {url: Result(**r, cached=True) for url, r in stored.items() if r["checked"] >= oldest}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _remember(settings: Settings, results: dict[str, Result]) -> None:
    """Write the working results (failures are always asked about again), atomically."""
    if settings.cache is None:
        return
    keep = {url: {k: v for k, v in asdict(r).items() if k != "cached"} for url, r in sorted(results.items()) if r.ok}
    settings.cache.mkdir(parents=True, exist_ok=True)
    temporary = settings.cache / f"{CACHE_FILE}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(keep, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, settings.cache / CACHE_FILE)


def problem(use: Use, result: Result) -> ContentError | None:
    """The report line for one use of a URL: a failure (error), a permanent redirect (note), or nothing."""
    if result.ok:
        if not result.moved_to or use.is_archive:  # archives redirect to their nearest capture by design
            return None
        message = f"{use.url} moved permanently to {result.moved_to}: consider updating the URL"
        return ContentError(use.path, use.line, message, severity="note")
    answer = f"answered {result.status}" if result.status is not None else result.error
    if use.is_archive:
        where = " (this is the archived copy)"
    elif use.archived is not None:
        where = f" (archived copy: {use.archived or 'none — add archived:'})"
    else:
        where = ""
    return ContentError(use.path, use.line, f"{use.url} {answer}{where}")


def check_links(options: Options, settings: Settings) -> Report:
    """Check every URL of ``options.content``: one report line per failing use, notes for permanent redirects.

    Raises ``ContentErrors`` for invalid content, as ``check`` does: the record must be readable first.
    """
    raw = load(options.content)
    site, _ = check(options, raw)
    found = uses(options, raw, site)
    settings = dataclasses.replace(settings, agent=f"{settings.agent} (+{site.config.repo_url})")
    results = _cached(settings)
    fresh = sorted({use.url for use in found} - set(results))
    pacer = Pacer(settings.per_host)
    with ThreadPoolExecutor(max_workers=max(1, settings.jobs)) as pool:
        results.update(zip(fresh, pool.map(lambda url: check_url(url, settings, pacer), fresh), strict=True))
    _remember(settings, results)
    problems = sorted(p for use in found if (p := problem(use, results[use.url])) is not None)
    failed = sum(p.severity == "error" for p in problems)
    asked = len({use.url for use in found})
    summary = (
        f"links: {asked} URLs in {len(found)} places ({asked - len(fresh)} known to work from the last "
        f"{settings.max_age:g} days, not asked again): {failed} failing, {len(problems) - failed} moved permanently"
    )
    return Report(problems, summary, failed)


def add_arguments(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The ``links`` subcommand's own options (``cli`` adds ``--content``, ``--format`` and the rest)."""
    defaults = Settings()
    sub.add_argument("--timeout", type=float, default=defaults.timeout, help="seconds to wait for an answer")
    sub.add_argument("--retries", type=int, default=defaults.retries, help="retries after 429, 5xx or a timeout")
    sub.add_argument("--backoff", type=float, default=defaults.backoff, help="seconds before the first retry")
    sub.add_argument("--jobs", type=int, default=defaults.jobs, help="URLs checked at once")
    sub.add_argument("--per-host", type=float, default=defaults.per_host, help="seconds between requests to a host")
    sub.add_argument("--max-age", type=float, default=defaults.max_age, help="days a working URL is not asked again")
    sub.add_argument("--cache", type=Path, default=default_cache(), help=f"folder holding {CACHE_FILE}")
    sub.add_argument("--no-cache", action="store_true", help="ask about every URL and remember nothing")
    return sub


def settings(args: argparse.Namespace) -> Settings:
    return Settings(
        timeout=args.timeout,
        retries=args.retries,
        backoff=args.backoff,
        jobs=args.jobs,
        per_host=args.per_host,
        max_age=args.max_age,
        cache=None if args.no_cache else args.cache,
    )
