"""A page given a projection of a controversy (a listing's row, a See also neighbour, a feed entry) never goes stale.

Whatever field of a controversy such a page starts to show, an edit of that field reaches it in an incremental
build and in ``serve``'s patch exactly as in a build from scratch, or the build fails at once naming the
field and the template: it never publishes the old value.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ledger import feeds
from ledger.pipeline import Options, build
from ledger.reuse.session import BuildSession

from .helpers import PROJECT, SHIPPED, tree_digest
from .test_incremental import link_see_also, replace, scratch_build

EDITED = "ai-infrastructure-spending-returns"
"""The controversy whose field is edited: listed on the index, a See also neighbour of others, in every feed."""


def edit_field(content: Path, field: str) -> None:
    page = content / "controversies" / f"{EDITED}.md"
    if field == "see_also":
        link_see_also(content, content)
        return
    old, new = {
        "kind": ("kind: economic", "kind: speculative"),
        "summary": ("summary: Whether", "summary: Edited: whether"),
        "thread": ("thread: scaling-laws-debate", "thread: second-thread"),
        "opened": ("opened: 2024-06-20", "opened: 2024-06-01"),
    }[field]
    replace(page, old, new)


def show_in_listing(templates: Path, field: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index's and threads' table of controversies shows ``field`` in a column of its own."""
    cell = (
        '<td data-label="Last change"><time datetime="{{ c.last_change.iso }}">{{ c.last_change.display }}</time></td>'
    )
    replace(templates / "_macros.html", cell, cell + "<td>{{ c." + field + " }}</td>")


def show_in_see_also(templates: Path, field: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each See also link shows ``field`` of the controversy it links to."""
    link = "{{ other.title }}</a></li>"
    replace(templates / "controversy.html", link, "{{ other.title }}</a> {{ other." + field + " }}</li>")


def show_in_feed_entry(templates: Path, field: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each controversy's feed entry shows ``field`` after what it showed."""
    written = feeds.entry_html
    monkeypatch.setattr(feeds, "entry_html", lambda e, *rest: written(e, *rest) + f"<p>{getattr(e, field)}</p>")


SURFACES: dict[str, tuple[Callable[[Path, str, pytest.MonkeyPatch], None], str, tuple[str, ...]]] = {
    "listing": (show_in_listing, "_macros.html", ("kind", "summary", "thread")),
    "see also": (show_in_see_also, "controversy.html", ("kind", "summary", "see_also")),
    "feed entry": (show_in_feed_entry, "Entry", ("kind", "opened")),
}
"""How to make a surface show a field, what a failure must name besides the field, and the fields tried."""

CASES = [(surface, field) for surface, (_, _, fields) in SURFACES.items() for field in fields]


@pytest.mark.parametrize("serve", [False, True], ids=["incremental build", "serve's patch"])
@pytest.mark.parametrize(("surface", "field"), CASES, ids=[f"{s}-{f}" for s, f in CASES])
def test_a_field_newly_shown_is_never_stale(
    tmp_path: Path, surface: str, field: str, serve: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, templates, out = tmp_path / "content", tmp_path / "templates", tmp_path / "site"
    shutil.copytree(SHIPPED, content)
    shutil.copytree(PROJECT / "templates", templates)
    thread = (content / "threads" / "scaling-laws-debate.md").read_text(encoding="utf-8")
    (content / "threads" / "second-thread.md").write_text(thread.replace('title: "The ', 'title: "Another: '))
    show, named, _ = SURFACES[surface]
    show(templates, field, monkeypatch)
    options = Options(content=content, out=out, templates=templates, search=False, cache=tmp_path / "c")
    session = BuildSession() if serve else None  # as serve holds one
    try:
        build(options, session)
    except Exception as exc:  # a field its projection lacks: the build stops, saying which and where
        assert f"'{field}'" in str(exc) and named in str(exc), exc
        assert not out.exists()
        return
    edit_field(content, field)
    report = build(options, session)
    assert report.patched == serve
    assert tree_digest(out) == scratch_build(content, tmp_path / "expected", templates)


@pytest.mark.parametrize(
    ("reach", "named"),
    [("site.controversies|length", "'controversies'"), ("links.thread_controversies|length", "'links'")],
)
def test_a_listing_template_cannot_reach_the_controversies_around_its_rows(
    tmp_path: Path, reach: str, named: str
) -> None:
    """Every template's ``site`` holds the configuration and registries, not the controversies, and no ``links``:
    a listing reaching for whole controversies fails the build, naming the template, instead of going stale."""
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT / "templates", templates)
    replace(templates / "index.html", "<h1>{{ site.config.title }}</h1>", "<h1>{{ " + reach + " }}</h1>")
    with pytest.raises(Exception) as failure:
        build(Options(content=SHIPPED, out=tmp_path / "site", templates=templates, search=False))
    assert named in str(failure.value) and "index.html:4: template error" in str(failure.value)
    assert not (tmp_path / "site").exists()
