"""Broken content: one fixture per mistake, each asserting the exact ``path:line: message`` lines.

Each folder in fixtures/invalid/ holds files written over the minimal valid content and an
``expected.txt`` with the exact output of ``check``. ``build`` must print the same and leave a
previous site untouched.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ledger.pipeline import Options, build

from .helpers import FIXTURES, PROJECT, make_content, tree_digest

CASES = sorted(p.name for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


def test_there_is_a_fixture_for_every_required_mistake() -> None:
    required = {
        "yaml-syntax",
        "missing-field",
        "mistyped-field",
        "unknown-key",
        "bad-confidence",
        "duplicate-position",
        "duplicate-id",
        "unknown-references",
        "bad-url",
        "invalid-date",
        "bad-slug",
        "missing-front-matter",
        "unsafe-markdown",
        "history-unknown-position",
        "history-inconsistent-confidence",
        "history-dates",
        "history-incomplete",
        "history-malformed",
        "events-invalid",
        "missing-confidence-reason",
        "bad-confidence-reason",
    }
    assert required <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_check_reports_every_problem_with_file_and_line(case: str, tmp_path: Path, run) -> None:
    make_content(tmp_path / "content", overlay=FIXTURES / "invalid" / case)
    expected = (FIXTURES / "invalid" / case / "expected.txt").read_text(encoding="utf-8")

    code, out, err = run(tmp_path, "check", "--content", "content")

    assert code == 1
    assert err == expected
    assert out == ""
    assert "Traceback" not in err


@pytest.mark.parametrize("case", CASES)
def test_failed_build_leaves_previous_site_untouched(case: str, tmp_path: Path, run) -> None:
    good = make_content(tmp_path / "good")
    build(Options(content=good, out=tmp_path / "site"))
    before = tree_digest(tmp_path / "site")
    make_content(tmp_path / "content", overlay=FIXTURES / "invalid" / case)

    code, _, err = run(tmp_path, "build", "--content", "content", "--out", "site")

    assert code == 1
    assert err.splitlines()[:-1] == (FIXTURES / "invalid" / case / "expected.txt").read_text().splitlines()[:-1]
    assert tree_digest(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "good", "site"]  # no temp folders left


def test_errors_in_several_files_are_reported_together(tmp_path: Path, run) -> None:
    content = make_content(tmp_path / "content", overlay=FIXTURES / "invalid" / "unknown-key")
    make_content(tmp_path / "other", overlay=FIXTURES / "invalid" / "bad-url")
    (content / "sources.yaml").write_text((tmp_path / "other" / "sources.yaml").read_text())

    code, _, err = run(tmp_path, "check", "--content", "content")

    assert code == 1
    assert "content/controversies/second.md:2: unknown controversy field 'titel'" in err
    assert "content/sources.yaml:4: 'url' must be an http:// or https:// URL" in err
    assert err.endswith("5 errors; nothing was written.\n")


def test_position_line_points_at_the_list_item(tmp_path: Path, run) -> None:
    content = make_content(tmp_path / "content")
    first = content / "controversies" / "first.md"
    first.write_text(
        first.read_text().replace("proponents: [big-lab, alice]", "proponents:\n      - big-lab\n      - alcie")
    )

    code, _, err = run(tmp_path, "check", "--content", "content")

    assert code == 1
    assert err.splitlines()[0] == "content/controversies/first.md:22: unknown proponent 'alcie' (did you mean 'alice'?)"


def test_updated_before_opened_is_an_error(tmp_path: Path, run) -> None:
    content = make_content(tmp_path / "content")
    first = content / "controversies" / "first.md"
    first.write_text(first.read_text().replace("updated: 2024-06-01", "updated: 2023-06-01"))

    code, _, err = run(tmp_path, "check", "--content", "content")

    assert code == 1
    assert "content/controversies/first.md:7: 'updated' (2023-06-01) is before 'opened' (2024-01-01)" in err


def test_see_also_cannot_list_itself(tmp_path: Path, run) -> None:
    content = make_content(tmp_path / "content")
    first = content / "controversies" / "first.md"
    first.write_text(first.read_text().replace("see_also: [second]", "see_also: [first]"))

    code, _, err = run(tmp_path, "check", "--content", "content")

    assert code == 1
    assert "content/controversies/first.md:22: 'see_also' lists this controversy itself" in err


@pytest.mark.parametrize("case", ["mistakes-in-one-file", "duplicate-position", "history-inconsistent-confidence"])
def test_a_later_build_reports_the_same_problems_from_the_checks_it_kept(case: str, tmp_path: Path) -> None:
    """Each file's own check is kept in the cache: the next process (nothing in memory) reads it back
    instead of checking again, and must report exactly what a check from scratch reports."""
    make_content(tmp_path / "content", overlay=FIXTURES / "invalid" / case)
    expected = (FIXTURES / "invalid" / case / "expected.txt").read_text(encoding="utf-8")
    command = [sys.executable, str(PROJECT / "build.py"), "build", "--content", "content", "--cache", "cache"]
    for _ in range(2):  # the second process finds every file's check in the cache
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert (result.returncode, result.stderr) == (1, expected)
    assert (tmp_path / "cache" / "cache.sqlite3").is_file()
