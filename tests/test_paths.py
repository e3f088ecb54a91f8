"""Path safety: no file name, slug, id or link makes the build read outside --content or write outside --out.

Every case runs the real CLI in a sandbox folder holding ``content/``, the previous ``site/`` and an
``outside/`` folder with a secret file. After each run nothing but ``site/`` may have changed, the
secret must appear in no output and no message, and a refused build must say where and why.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ledger.pipeline import Options, build

from .helpers import make_content, tree_digest

SECRET = "SECRET-OUTSIDE-CONTENT"
VALID_PAGE = """---
title: {secret}
thread: main-thread
kind: empirical
status: contested
opened: 2024-01-01
updated: 2024-06-01
positions:
  - id: A
    claim: {secret}
    confidence: high
    confidence_reason: High [@paper-one].
    proponents: [alice]
---
Body {secret}.
"""


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    """``content/`` (the minimal site), a built ``site/``, and ``outside/`` holding a valid page with a secret."""
    make_content(tmp_path / "content")
    build(Options(content=tmp_path / "content", out=tmp_path / "site", search=False))
    outside = tmp_path / "outside"
    (outside / "controversies").mkdir(parents=True)
    (outside / "secret.md").write_text(VALID_PAGE.format(secret=SECRET))
    (outside / "controversies" / "leak.md").write_text(VALID_PAGE.format(secret=SECRET))
    (outside / "sources.yaml").write_text(f"leak:\n  title: {SECRET}\n  kind: paper\n")
    return tmp_path


def snapshot(root: Path) -> dict[str, str]:
    """Everything under ``root`` but the output folder, with symlinks listed by target (not followed)."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        if rel.parts[:1] == ("site",):
            continue
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = (rel / name).as_posix()
            if path.is_symlink():
                state[key] = "-> " + os.readlink(path)
            elif path.is_file():
                state[key] = tree_digest(path.parent)[name]
    return state


def run_build(run, sandbox: Path) -> tuple[int, str]:
    before = snapshot(sandbox)
    site_before = tree_digest(sandbox / "site")
    code, out, err = run(sandbox, "build", "--content", "content", "--out", "site")
    assert snapshot(sandbox) == before, "the build changed files outside site/"
    assert SECRET not in out + err
    if code == 0:
        assert not any(SECRET in p.read_text(errors="replace") for p in (sandbox / "site").rglob("*") if p.is_file())
    else:
        assert tree_digest(sandbox / "site") == site_before, "a refused build touched site/"
    return code, err


def test_a_symlinked_page_pointing_outside_is_refused(sandbox: Path, run) -> None:
    (sandbox / "content" / "controversies" / "evil.md").symlink_to(sandbox / "outside" / "secret.md")
    code, err = run_build(run, sandbox)
    assert code == 1
    assert "content/controversies/evil.md:1: not a regular file (symlinks are not followed)" in err


@pytest.mark.parametrize("registry", ["sources.yaml", "proponents.yaml", "site.yaml", "events.yaml"])
def test_a_symlinked_registry_is_refused(sandbox: Path, run, registry: str) -> None:
    target = sandbox / "content" / registry
    target.unlink(missing_ok=True)
    target.symlink_to(sandbox / "outside" / "sources.yaml")
    code, err = run_build(run, sandbox)
    assert code == 1
    assert f"content/{registry}:1: not a regular file (symlinks are not followed)" in err


@pytest.mark.parametrize("folder", ["controversies", "threads"])
def test_a_symlinked_content_folder_is_refused_and_not_read(sandbox: Path, run, folder: str) -> None:
    real = sandbox / "content" / folder
    for file in real.iterdir():
        (sandbox / "outside" / "controversies" / file.name).write_bytes(file.read_bytes())
        file.unlink()
    real.rmdir()
    real.symlink_to(sandbox / "outside" / "controversies", target_is_directory=True)
    code, err = run_build(run, sandbox)
    assert code == 1
    assert f"content/{folder}:1: is a symbolic link; content folders must be real folders" in err
    assert "leak.md" not in err  # not a word about the files it points to: they were never read


def test_a_symlinked_folder_inside_a_content_folder_is_not_followed(sandbox: Path, run) -> None:
    (sandbox / "content" / "controversies" / "more").symlink_to(sandbox / "outside", target_is_directory=True)
    (sandbox / "content" / "controversies" / "more.md").symlink_to(sandbox / "outside", target_is_directory=True)
    code, err = run_build(run, sandbox)
    assert code == 1
    assert "content/controversies/more.md:1: not a regular file (symlinks are not followed)" in err
    assert "content/controversies/more:1: warning: unexpected file" in err


@pytest.mark.parametrize(
    "name",
    [
        "..md",
        "...md",
        "%2e%2e%2fescape.md",
        "..%2f..%2fescape.md",
        "%2E%2E.md",
        "..\\..\\escape.md",
        "&#46;&#46;.md",
        "Escape Me.md",
        "-escape.md",
        "escape-.md",
        "ÉSCAPE.md",
        "escape\u2024\u2024.md",
        "a" * 200 + ".md",
    ],
)
def test_file_names_that_are_not_slugs_are_refused(sandbox: Path, run, name: str) -> None:
    (sandbox / "content" / "controversies" / name).write_text(VALID_PAGE.format(secret="Text"))
    code, err = run_build(run, sandbox)
    if name.startswith("."):
        assert code == 0  # hidden files (editor swap files) are skipped, never read
        assert sorted(p.name for p in (sandbox / "site" / "controversies").iterdir()) == ["first", "second"]
        return
    assert code == 1
    assert f"content/controversies/{name}:1: file name must be a slug" in err


@pytest.mark.parametrize(
    ("file", "text"),
    [
        ("sources.yaml", "\n'../../escape':\n  title: T\n  kind: paper\n"),
        ("sources.yaml", "\n/tmp/escape:\n  title: T\n  kind: paper\n"),
        ("sources.yaml", "\n'%2e%2e%2fescape':\n  title: T\n  kind: paper\n"),
        ("proponents.yaml", "\n'../../../escape':\n  name: N\n  kind: person\n"),
        ("proponents.yaml", "\n'..':\n  name: N\n  kind: person\n"),
        ("proponents.yaml", f"\n{'a' * 300}:\n  name: N\n  kind: person\n"),
        ("events.yaml", "- id: ../../escape\n  date: 2024\n  title: T\n  description: D\n  sources: [paper-one]\n"),
    ],
)
def test_ids_that_are_paths_are_refused(sandbox: Path, run, file: str, text: str) -> None:
    with (sandbox / "content" / file).open("a") as f:
        f.write(text)
    code, err = run_build(run, sandbox)
    assert code == 1
    assert f"content/{file}:" in err and ("must be lowercase letters" in err or "must be a slug" in err), err


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("thread: main-thread", "thread: ../../escape"),
        ("see_also: [second]", "see_also: [../second, /etc/passwd]"),
        ("proponents: [alice]", "proponents: [../alice]"),
        ("sources: [paper-one, post-two]", "sources: ['..', post-two]"),
    ],
)
def test_references_that_are_paths_are_refused(sandbox: Path, run, old: str, new: str) -> None:
    page = sandbox / "content" / "controversies" / "first.md"
    page.write_text(page.read_text().replace(old, new))
    code, err = run_build(run, sandbox)
    assert code == 1
    assert "content/controversies/first.md:" in err and "must be a slug" in err, err


def test_a_language_tag_that_is_a_path_is_refused(sandbox: Path, run) -> None:
    """``<html lang>`` names Pagefind's index files: '../../x' once wrote the index outside the site."""
    site_yaml = sandbox / "content" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("language: en", "language: ../../../escape"))
    code, err = run_build(run, sandbox)
    assert code == 1
    assert "content/site.yaml:5: 'language' must be a language tag such as 'en' or 'en-GB'" in err


def test_links_in_bodies_to_local_files_are_only_links(sandbox: Path, run) -> None:
    """A body may link to any site path; the build never reads what a link names."""
    page = sandbox / "content" / "controversies" / "first.md"
    secret = sandbox / "outside" / "secret.md"
    links = f"[a](../../../../outside/secret.md) [b]({secret}) ![c](../../../outside/x.png)"
    page.write_text(page.read_text() + f"\n{links}\n")
    code, _ = run_build(run, sandbox)
    assert code == 0


def test_an_output_folder_that_is_a_symlink_is_refused(sandbox: Path, run) -> None:
    (sandbox / "site").rename(sandbox / "real-site")
    (sandbox / "site").symlink_to(sandbox / "real-site", target_is_directory=True)
    before = tree_digest(sandbox / "real-site")
    code, _, err = run(sandbox, "build", "--content", "content", "--out", "site")
    assert code == 2
    assert "refusing to build into site: it is a symbolic link" in err
    assert (sandbox / "site").is_symlink() and tree_digest(sandbox / "real-site") == before
    assert sorted(p.name for p in sandbox.iterdir()) == ["content", "outside", "real-site", "site"]


def test_a_file_name_with_terminal_escapes_is_reported_as_printable_text(sandbox: Path, run) -> None:
    """File names reach error messages: control characters in them must not drive the reader's terminal."""
    (sandbox / "content" / "controversies" / "\x1b[2J\x1b[31mred.md").write_text(VALID_PAGE.format(secret="Text"))
    code, err = run_build(run, sandbox)
    assert code == 1
    assert "\x1b" not in err
    assert "content/controversies/\\x1b[2J\\x1b[31mred.md:1: file name must be a slug" in err
