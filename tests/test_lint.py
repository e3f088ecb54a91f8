"""Warnings: likely mistakes that do not stop a build, unless ``--strict``, which stops it before writing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from ledger.lint import url_key
from ledger.pipeline import Options, build

from .helpers import make_content, tree_digest

CLEAN_DAY = "2024-08-01"  # within a year of the minimal content's 'updated' dates


def warnings_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": warning: " in line]


def test_minimal_content_has_no_warnings(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content")
    code, out, err = run(tmp_path, "check", "--today", CLEAN_DAY, "--strict")
    assert (code, err) == (0, "")
    assert out.endswith(", 0 warnings\n")


def test_each_likely_mistake_is_a_located_warning(tmp_path: Path, run) -> None:
    content = make_content(tmp_path / "content")
    second = content / "controversies" / "second.md"
    second.write_text(second.read_text().replace("    sources: [book-three]\n", ""))
    sources = content / "sources.yaml"
    sources.write_text(
        sources.read_text().replace("  note: A fixture source with no URL; the note says where to find it.\n", "")
        + "\nsame-paper:\n  title: The First Paper, again\n  url: http://ARXIV.org/abs/2001.00001/\n  kind: paper\n"
    )
    proponents = content / "proponents.yaml"
    proponents.write_text(proponents.read_text() + "\nnobody:\n  name: Nobody Yet\n  kind: group\n")

    code, out, err = run(tmp_path, "check", "--today", "2025-06-15")

    assert code == 0
    assert warnings_of(err) == [
        "content/controversies/first.md:7: warning: not updated since 2024-06-01, more than a year before "
        "2025-06-15: review the page and set 'updated', or set 'status: dormant'",
        "content/controversies/second.md:9: warning: position A has no sources: "
        "list the ids of sources backing it in 'sources'",
        "content/controversies/second.md:12: warning: position A's confidence_reason cites 'book-three', which is "
        "neither in its 'sources' nor in one of its history entries: add it where it belongs (to 'sources' if it "
        "backs the claim), or cite a source on record for the position",
        "content/proponents.yaml:11: warning: proponent 'nobody' is not used by any position: "
        "add it to a position or remove it",
        "content/sources.yaml:16: warning: source 'book-three' has no 'url' and no 'note': "
        "add a link, or a note saying where to find it",
        "content/sources.yaml:21: warning: source 'same-paper' has the same URL as 'paper-one' (line 1): "
        "keep one id and cite it everywhere",
    ]
    assert out.endswith(", 6 warnings\n")


def test_a_confidence_reason_citing_a_source_not_on_its_position_is_a_located_warning(tmp_path: Path, run) -> None:
    content = make_content(tmp_path / "content")
    first = content / "controversies" / "first.md"
    reason = "    confidence_reason: Low because one paper argues it [@paper-one] and a book doubts it [@book-three].\n"
    first.write_text(re.sub(r"    confidence_reason: Low .*\n", reason, first.read_text()))

    code, _, err = run(tmp_path, "check", "--today", CLEAN_DAY)

    assert code == 0
    assert warnings_of(err) == [
        "content/controversies/first.md:19: warning: position B's confidence_reason cites 'book-three', which is "
        "neither in its 'sources' nor in one of its history entries: add it where it belongs (to 'sources' if it "
        "backs the claim), or cite a source on record for the position",
    ]
    # A source that moved the position is on record in its history entry: citing it there is enough.
    moved = "  - date: 2024-05-01\n    position: B\n    change: A book doubted B.\n    sources: [book-three]\n"
    with_history = first.read_text().replace("see_also: [second]\n", "see_also: [second]\nhistory:\n" + moved, 1)
    assert with_history != first.read_text()
    first.write_text(with_history)
    assert run(tmp_path, "check", "--today", CLEAN_DAY, "--strict")[0] == 0


def test_dormant_controversies_are_not_stale(tmp_path: Path, run) -> None:
    content = make_content(tmp_path / "content")
    first = content / "controversies" / "first.md"
    first.write_text(first.read_text().replace("status: contested", "status: dormant"))
    code, _, err = run(tmp_path, "check", "--today", "2025-06-15")
    assert code == 0
    assert [w.split(":")[0] for w in warnings_of(err)] == []


def test_a_controversys_warnings_follow_its_edits_and_the_day_in_a_process_that_lints_again() -> None:
    """``serve`` lints after every save, judging again only the controversies that are new objects."""
    import dataclasses

    from ledger.lint import lint
    from ledger.load import load
    from ledger.validate import validate

    from .helpers import MINIMAL

    site, _ = validate(load(MINIMAL))
    day = dt.date(2025, 6, 15)
    assert [w.line for w in lint(site, day) if "not updated" in w.message] == [7]
    first = site.controversies["first"]
    fresh = dataclasses.replace(first, updated=day)  # the page reviewed: a new object, as after a save
    edited = dataclasses.replace(site, controversies={**site.controversies, "first": fresh})
    assert [w for w in lint(edited, day) if "not updated" in w.message] == []
    assert [w.line for w in lint(site, day) if "not updated" in w.message] == [7]
    assert [w for w in lint(site, day - dt.timedelta(days=30)) if "not updated" in w.message] == []


def test_staleness_is_judged_against_the_day_given() -> None:
    from ledger.lint import stale_controversies
    from ledger.load import load
    from ledger.validate import validate

    from .helpers import MINIMAL

    site, _ = validate(load(MINIMAL))
    day = dt.date(2024, 6, 1)
    assert [w.path for w in stale_controversies(site, day + dt.timedelta(days=365))] == []
    assert [w.path.rsplit("/", 1)[1] for w in stale_controversies(site, day + dt.timedelta(days=366))] == ["first.md"]


def test_strict_check_fails_on_warnings(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content")
    code, out, err = run(tmp_path, "check", "--today", "2030-01-01", "--strict")
    assert code == 1
    assert out == ""
    assert len(warnings_of(err)) == 2
    assert err.endswith("2 warnings and --strict; nothing was written.\n")


def test_strict_build_fails_before_writing_anything(tmp_path: Path, run) -> None:
    good = make_content(tmp_path / "content")
    build(Options(content=good, out=tmp_path / "site", today=dt.date.fromisoformat(CLEAN_DAY)))
    before = tree_digest(tmp_path / "site")

    code, out, err = run(tmp_path, "build", "--today", "2030-01-01", "--strict")

    assert code == 1
    assert out == ""
    assert "warning: not updated since 2024-06-01" in err
    assert tree_digest(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]


def test_warnings_do_not_change_the_built_site(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    build(Options(content=content, out=tmp_path / "a", today=dt.date(2024, 8, 1)))
    build(Options(content=content, out=tmp_path / "b", today=dt.date(2030, 1, 1)))
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://arxiv.org/abs/1", "http://arxiv.org/abs/1/"),
        ("https://www.example.org/x#part", "https://EXAMPLE.org/x"),
    ],
)
def test_url_key_ignores_scheme_case_slash_and_fragment(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)


def test_url_key_keeps_the_query_and_path() -> None:
    assert url_key("https://example.org/?p=1") != url_key("https://example.org/?p=2")
    assert url_key("https://example.org/a") != url_key("https://example.org/b")
