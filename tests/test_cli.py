"""The command people run: exit codes, messages, options."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ledger import cli
from ledger.reuse import parallel, write

from .helpers import PROJECT, html, make_content


def test_check_on_valid_content_says_ok(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content")
    code, out, err = run(tmp_path, "check", "--content", "content", "--today", "2024-08-01")
    assert (code, err) == (0, "")
    assert out.startswith("content: OK — 2 controversies, 3 sources, 2 proponents")


def test_build_is_the_default_command(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content")
    code, out, _ = run(tmp_path, "--content", "content", "--out", "public")
    assert code == 0
    assert "into public/" in out
    assert (tmp_path / "public" / "index.html").is_file()


def test_base_url_option_sets_canonical_and_feed_urls(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content")
    code, _, _ = run(
        tmp_path, "build", "--content", "content", "--out", "site", "--base-url", "https://example.org/ledger/"
    )
    assert code == 0
    page = html(tmp_path / "site/controversies/first/index.html")
    assert page.xpath("//link[@rel='canonical']/@href") == ["https://example.org/ledger/controversies/first/"]
    assert "https://example.org/ledger/controversies/first/" in (tmp_path / "site/feed.xml").read_text()


def test_shipped_content_checks_clean_from_the_project_root() -> None:
    result = subprocess.run([sys.executable, "build.py", "check"], cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("content: OK")


def test_missing_content_folder_is_a_located_error(tmp_path: Path, run) -> None:
    code, _, err = run(tmp_path, "check", "--content", "nowhere")
    assert code == 1
    assert err.startswith("nowhere:1: content folder not found")


def test_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "publish"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


BROKEN_TEMPLATES = [
    # (file, what is written on a new line after the first line holding "{% block main %}" or, failing
    # that, after its first line; the problem reported after "templates/<file>:<that line>: template error: ")
    ("controversy.html", "{{ controversy.titel }}", "'ledger.model.Controversy object' has no attribute 'titel'"),
    ("controversy.html", "{% if %}", "Expected an expression"),
    ("index.html", '{% include "nope.html" %}', "no template named 'nope.html' in templates/"),
    ("_macros.html", "{{ 1|no_such_filter }}", "No filter named 'no_such_filter'"),
]


@pytest.mark.parametrize(("name", "line", "reported"), BROKEN_TEMPLATES)
def test_a_broken_template_is_a_located_problem_never_a_traceback(
    name: str, line: str, reported: str, tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template is the project's, but whoever edits one must see the file and line, as for content."""
    templates = tmp_path / "project" / "templates"
    shutil.copytree(PROJECT / "templates", templates)
    lines = (templates / name).read_text(encoding="utf-8").split("\n")
    at = next((i for i, text in enumerate(lines) if "{% block main %}" in text), 0) + 1
    (templates / name).write_text("\n".join([*lines[:at], line, *lines[at:]]), encoding="utf-8")
    options = cli._options
    monkeypatch.setattr(cli, "_options", lambda args: dataclasses.replace(options(args), templates=templates))
    make_content(tmp_path / "content")

    code, out, err = run(tmp_path, "build", "--no-cache", "--no-search")

    assert code == 2
    assert "Traceback" not in err and "Traceback" not in out
    (problem,) = err.splitlines()
    assert problem.startswith(f"templates/{name}:{at + 1}: template error: {reported}"), problem
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_long_build_shows_its_progress_on_a_terminal_and_nowhere_else(
    tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """'n of N files made' on a terminal (rewritten in place, wiped at the end), counted by the process or by
    its forked workers; nothing of it when stderr is not a terminal (a CI log)."""
    monkeypatch.setattr(cli, "PROGRESS_AFTER", 0.0)  # as if the build had run long already
    monkeypatch.setattr(parallel, "POLL_SECONDS", 0.001)
    monkeypatch.setattr(write, "PARALLEL_FROM", 1)
    make_content(tmp_path / "content")
    build = [
        "build",
        "--content",
        "content",
        "--no-search",
        "--no-cache",
        "--jobs",
        str(workers),
        "--today",
        "2024-08-01",
    ]
    code, out, err = run(tmp_path, *build, "--out", "logged")
    assert (code, err) == (0, "")
    total = int(re.search(r"Built (\d+) files", out)[1])  # type: ignore[index]

    leader, follower = os.openpty()
    shown = bytearray()
    reader = threading.Thread(target=lambda: _drain(leader, shown))
    reader.start()
    with open(follower, "w", encoding="utf-8") as terminal:
        monkeypatch.setattr(sys, "stderr", terminal)
        code, out, _ = run(tmp_path, *build, "--out", "shown")
    reader.join()
    assert code == 0 and f"Built {total} files" in out
    lines = shown.decode().split("\r")
    counts = [re.fullmatch(rf"(\d+) of {total} files made", line) for line in lines[1:-1]]
    assert counts and all(counts), lines
    assert [int(found[1]) for found in counts] == sorted(int(found[1]) for found in counts)  # type: ignore[index]
    assert lines[-1] == "\x1b[K"  # the line wiped for what follows


def _drain(fd: int, into: bytearray) -> None:
    """Read a pseudo-terminal until its other end is closed."""
    try:
        while data := os.read(fd, 4096):
            into += data
    except OSError:  # EIO: the terminal's other end is closed
        pass
    finally:
        os.close(fd)
