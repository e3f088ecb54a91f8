"""``check --only-files``: a pull request answers for the warnings in the files it touched, not for the others."""

from __future__ import annotations

from pathlib import Path

from .helpers import make_content

STALE = "2026-01-01"
"""A day more than a year after both fixture controversies' ``updated``: each has a staleness warning."""


def test_only_files_reports_and_fails_only_on_warnings_in_those_files(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content")
    code, _, err = run(tmp_path, "check", "--strict", "--today", STALE)
    assert code == 1
    assert "first.md:7: warning" in err and "second.md:7: warning" in err
    code, out, err = run(tmp_path, "check", "--strict", "--today", STALE, "--only-files", "README.md", "x.md")
    assert (code, err) == (0, "")
    assert out.endswith("0 warnings\n")
    code, out, err = run(
        tmp_path,
        "check",
        "--strict",
        "--today",
        STALE,
        "--format",
        "github",
        "--only-files",
        "./content/controversies/second.md",
    )
    assert code == 1
    assert out.splitlines() == [
        "::warning file=content/controversies/second.md,line=7::not updated since 2024-07-01, more than a year before "
        "2026-01-01: review the page and set 'updated', or set 'status: dormant'"
    ]
    code, out, _ = run(tmp_path, "check", "--today", STALE, "--only-files")
    assert (code, out.endswith("0 warnings\n")) == (0, True)  # a pull request that changed no content file


def test_only_files_still_reports_every_error(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content")
    first = tmp_path / "content/controversies/first.md"
    first.write_text(first.read_text().replace("proponents: [alice]", "proponents: [alicia]"))
    code, _, err = run(tmp_path, "check", "--today", STALE, "--only-files", "content/sources.yaml")
    assert code == 1
    assert "content/controversies/first.md:14: unknown proponent 'alicia' (did you mean 'alice'?)" in err
    assert "warning" not in err
