"""Last-modified dates and GitHub history links from git, and a build that works without git."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ledger import revisions as revisions_module
from ledger.pipeline import Options, build

from .helpers import html, make_content, text, tree_digest


def git(cwd: Path, *args: str, day: str = "2024-03-01") -> None:
    stamp = f"{day}T12:00:00+00:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A repository with content/ committed on 1 March 2024 and first.md changed on 2 May 2024."""
    repo = tmp_path / "repo"
    content = make_content(repo / "content")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "content")
    first = content / "controversies" / "first.md"
    first.write_text(first.read_text().replace("Still open", "Still quite open"))
    git(repo, "commit", "-q", "-am", "edit first", day="2024-05-02")
    return repo


def revision_line(site: Path, page: str) -> tuple[str, list[str]] | None:
    found = html(site / page).xpath("//p[@class='revision']")
    return (text(found[0]), found[0].xpath(".//a/@href")) if found else None


def test_pages_show_last_change_and_github_history(checkout: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(Options(content=checkout / "content", out=out))
    assert revision_line(out, "controversies/first/index.html") == (
        "Source file last changed 2 May 2024 · history on GitHub",
        ["https://github.com/example/ledger/commits/main/content/controversies/first.md"],
    )
    assert revision_line(out, "controversies/second/index.html")[0].startswith("Source file last changed 1 March 2024")
    assert revision_line(out, "threads/main-thread/index.html") == (
        "Source file last changed 1 March 2024 · history on GitHub",
        ["https://github.com/example/ledger/commits/main/content/threads/main-thread.md"],
    )


def test_links_follow_repo_branch_and_content_at_the_repository_root(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    (content / "site.yaml").write_text((content / "site.yaml").read_text() + "repo_branch: trunk\n")
    git(content, "init", "-q")
    git(content, "add", "-A")
    git(content, "commit", "-q", "-m", "content", day="2023-12-31")
    out = tmp_path / "site"
    build(Options(content=content, out=out))
    assert revision_line(out, "controversies/first/index.html") == (
        "Source file last changed 31 December 2023 · history on GitHub",
        ["https://github.com/example/ledger/commits/trunk/controversies/first.md"],
    )


def test_outside_a_checkout_pages_show_nothing(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(Options(content=make_content(tmp_path / "content"), out=out))
    assert revision_line(out, "controversies/first/index.html") is None
    assert revision_line(out, "threads/main-thread/index.html") is None


def test_without_git_the_build_still_works(checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    out = tmp_path / "site"
    build(Options(content=checkout / "content", out=out))
    assert revision_line(out, "controversies/first/index.html") is None


def test_uncommitted_files_show_nothing(checkout: Path, tmp_path: Path) -> None:
    content = checkout / "content"
    (content / "controversies" / "third.md").write_text(
        (content / "controversies" / "second.md").read_text().replace("A Second Question?", "A Third Question?")
    )
    out = tmp_path / "site"
    build(Options(content=content, out=out))
    assert revision_line(out, "controversies/third/index.html") is None
    assert revision_line(out, "controversies/first/index.html") is not None


def test_one_git_log_for_all_files(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real = subprocess.run

    def spy(args, *rest, **kwargs):
        calls.append(list(args))
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(revisions_module.subprocess, "run", spy)
    found = revisions_module.revisions(checkout / "content")
    assert set(found) >= {"controversies/first.md", "controversies/second.md", "threads/main-thread.md"}
    assert sum("log" in call for call in calls) == 1
    assert len(calls) == 2  # rev-parse, log


def test_git_log_is_asked_again_only_after_a_commit(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve`` asks at every save: a commit's log never changes, so it is read once per commit."""
    calls: list[list[str]] = []
    real = subprocess.run
    monkeypatch.setattr(
        revisions_module.subprocess, "run", lambda args, *a, **k: calls.append(args) or real(args, *a, **k)
    )
    content = checkout / "content"
    logs: revisions_module.Logs = {}  # a build session's
    first = revisions_module.revisions(content, logs)
    assert revisions_module.revisions(content, logs) is first
    assert sum("log" in call for call in calls) == 1
    second = content / "controversies" / "second.md"
    second.write_text(second.read_text().replace("A Second Question?", "A Second Question, Edited?"))
    git(checkout, "commit", "-q", "-am", "edit second", day="2024-07-09")
    calls.clear()
    now = revisions_module.revisions(content, logs)
    assert first["controversies/second.md"].date.isoformat() == "2024-03-01"
    assert now["controversies/second.md"].date.isoformat() == "2024-07-09"
    assert sum("log" in call for call in calls) == 1


def test_a_folder_outside_any_checkout_starts_no_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = make_content(tmp_path / "content")
    if any((parent / ".git").exists() for parent in content.parents):
        pytest.skip("the temporary folder is inside a checkout")
    monkeypatch.setattr(revisions_module.subprocess, "run", lambda *a, **k: pytest.fail("git was started"))
    assert revisions_module.revisions(content) == {}


def test_same_checkout_builds_identical_bytes(checkout: Path, tmp_path: Path) -> None:
    build(Options(content=checkout / "content", out=tmp_path / "a"))
    build(Options(content=checkout / "content", out=tmp_path / "b"))
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
