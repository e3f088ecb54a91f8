"""A fresh output folder filled from the cache's kept files (a pull request's build) has the bytes of a build from
scratch, after every kind of edit, from a cache restored elsewhere, and whatever was done to a kept file."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ledger.digests import digest
from ledger.pipeline import Options, build
from ledger.reuse import cache, outputs, read, write
from ledger.reuse.session import BuildSession

from .helpers import PROJECT, SHIPPED, tree_digest
from .test_incremental import EDITS, add_source_line, edit_body, edit_config, edit_template, scratch_build

EVERYTHING = (edit_template, edit_config, add_source_line)
"""Edits every file shows: nothing kept can be used."""
PAGE = "controversies/ai-infrastructure-spending-returns/index.html"


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork workers even for a small site (the thresholds only save time)."""
    monkeypatch.setattr(read, "PARALLEL_FROM", 1)
    monkeypatch.setattr(write, "PARALLEL_FROM", 1)


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(SHIPPED, content)
    shutil.copytree(PROJECT / "templates", templates)
    return content, templates


def store_files(root: Path) -> dict[str, int]:
    """Every kept file of the configuration a build in the cache folder ``root`` used last, with its inode."""
    folders = [f for f in (root / outputs.FOLDER).iterdir()]
    assert len(folders) <= outputs.CONFIGURATIONS
    latest = max(folders, key=lambda folder: (folder / outputs.USED).stat().st_mtime_ns)
    return {str(p): p.stat().st_ino for p in latest.rglob("*") if p.is_file() and p.name != outputs.USED}


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_fresh_output_folder_is_filled_from_the_cache_after_every_kind_of_edit(
    tmp_path: Path, workspace, parallel, jobs: int
) -> None:
    content, templates = workspace
    out = tmp_path / "site"
    options = Options(content=content, out=out, templates=templates, search=False, cache=tmp_path / "c", jobs=jobs)
    build(options)
    for edit in EDITS:
        edit(content, templates)
        shutil.rmtree(out)  # a fresh checkout: the cache restored, the output folder empty
        report = build(options)
        assert tree_digest(out) == scratch_build(content, tmp_path / "expected", templates), edit.__name__
        assert report.notes == []
        if edit not in EVERYTHING:
            assert 0 < report.rendered < len(report.files) // 2, f"{edit.__name__} rendered {report.rendered}"
        empty = [p for p in out.rglob("*") if p.is_dir() and not any(p.iterdir())]
        assert not empty, empty  # (a deleted page's folder)
        snapshot = cache.Cache(tmp_path / "c").get("snapshot", digest("snapshot", str(out.absolute())))
        everyone = outputs.input_keys(digest(snapshot.key, snapshot.static), snapshot.deps, snapshot.versions)
        assert snapshot.keys == everyone, edit.__name__  # the keys kept from the build before are still right
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    kept = set(store_files(tmp_path / "c").values())
    site = {p.stat().st_ino for p in out.rglob("*") if p.is_file() and "static" not in p.parts}
    assert site == kept  # the store holds the latest site, linked, and nothing more


def test_a_kept_file_is_checked_by_the_sha256_of_all_its_bytes(tmp_path: Path) -> None:
    for size in (0, 1, 4096, 3 * 1024 * 1024 + 7):
        data = bytes(i % 251 for i in range(size))
        (tmp_path / "kept").write_bytes(data)
        assert outputs.file_digest(tmp_path / "kept") == (hashlib.sha256(data).hexdigest(), size)


def test_a_file_keeps_its_input_key_only_while_what_it_shows_is_unchanged() -> None:
    """``input_keys`` given an earlier build's keys hashes only the files an edit touched; each key is the one a
    build hashing every file finds."""
    deps = {"a.html": ("b:x", "s:one"), "list.html": ("r:*",), "b.html": ("b:y", "s:two")}
    versions = {"b:x": "1", "b:y": "1", "s:one": "1", "s:two": "1", "r:x": "1", "r:y": "1"}
    keys = outputs.input_keys("config", deps, versions)
    earlier = outputs.Earlier("config", keys, deps, versions)
    reordered = {file: tuple(reversed(shown)) for file, shown in deps.items()}  # another process's set order
    assert outputs.input_keys("config", reordered, versions, earlier) == keys
    edits = [
        ({**versions, "s:two": "2"}, deps, {"b.html"}),
        ({**versions, "r:z": "1"}, deps, {"list.html"}),  # a record added to a kind a file lists in full
        ({k: v for k, v in versions.items() if k != "s:one"}, deps, {"a.html"}),  # a record removed
        (versions, {**deps, "a.html": ("b:x", "s:one", "s:two")}, {"a.html"}),  # a file that shows more
    ]
    for now, shown, touched in edits:
        found = outputs.input_keys("config", shown, now, earlier)
        assert found == outputs.input_keys("config", shown, now)
        assert {file for file in deps if found[file] != keys[file]} == touched
    assert outputs.input_keys("another", deps, versions, earlier) == outputs.input_keys("another", deps, versions)


def test_a_cache_restored_on_another_machine_fills_the_folder_in_a_new_process(tmp_path: Path, workspace) -> None:
    """``build.py`` twice, each process with its own string hashing (dependencies are listed from sets), the cache
    copied in between as ``actions/cache`` restores it (new files) and the output folder gone (a fresh checkout, at
    the same path): only what the edit touched is rendered, and the input keys kept from the first process are
    those a build hashing every file finds."""
    content, templates = workspace
    out = tmp_path / "site"
    command = [sys.executable, str(PROJECT / "build.py"), "build", "--content", str(content), "--no-search"]
    first = subprocess.run(
        [*command, "--out", str(out), "--cache", str(tmp_path / "c")],
        env=os.environ | {"PYTHONHASHSEED": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert first.stderr == ""
    shutil.copytree(tmp_path / "c", tmp_path / "restored")
    shutil.rmtree(out)
    edit_body(content, templates)
    second = subprocess.run(
        [*command, "--out", str(out), "--cache", str(tmp_path / "restored")],
        env=os.environ | {"PYTHONHASHSEED": "2"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "(3 rendered)" in second.stdout, second.stdout
    assert tree_digest(out) == scratch_build(content, tmp_path / "expected")
    snapshot = cache.Cache(tmp_path / "restored").get("snapshot", digest("snapshot", str(out.absolute())))
    everyone = outputs.input_keys(digest(snapshot.key, snapshot.static), snapshot.deps, snapshot.versions)
    assert snapshot.keys == everyone


def test_a_site_file_changed_in_place_is_not_used_again_from_the_cache(tmp_path: Path, workspace) -> None:
    """A tool writing into a published file writes into the kept file it is linked to: the next fresh build
    refuses that kept file, says so, and renders it."""
    content, templates = workspace
    out = tmp_path / "site"
    options = Options(content=content, out=out, templates=templates, search=False, cache=tmp_path / "c")
    build(options)
    with open(out / PAGE, "r+b") as stream:  # in place, the same size
        stream.write(b"<!-- post-processed -->")
    shutil.rmtree(out)
    report = build(options)
    assert report.notes == [
        f"{PAGE}: its copy in the build cache no longer had the bytes recorded for it; ignored, and rendered again"
    ]
    assert report.rendered == 1
    assert tree_digest(out) == scratch_build(content, tmp_path / "expected", templates)
    shutil.rmtree(out)
    assert build(options).rendered == 0  # kept again, as rendered
    assert tree_digest(out) == tree_digest(tmp_path / "expected")


def test_a_damaged_or_missing_kept_file_is_rendered_instead(tmp_path: Path, workspace) -> None:
    content, templates = workspace
    out = tmp_path / "site"
    options = Options(content=content, out=out, templates=templates, search=False, cache=tmp_path / "c")
    build(options)
    shutil.rmtree(out)
    kept = sorted(store_files(tmp_path / "c"))
    Path(kept[0]).write_bytes(b"")  # cut short (a new file: the site is not linked to it any more)
    Path(kept[1]).unlink()
    report = build(options)
    assert report.rendered == 2 and len(report.notes) == 1  # the damaged one said; a missing one only rendered
    assert tree_digest(out) == scratch_build(content, tmp_path / "expected", templates)


def test_serve_patching_its_site_in_place_leaves_the_kept_files_as_they_were(tmp_path: Path, workspace) -> None:
    """``serve`` writes an edited page as a new file renamed over the old: the kept file linked to the old one
    keeps its bytes, and a fresh build of the record before the edit is still filled from it."""
    content, templates = workspace
    out = tmp_path / "site"
    options = Options(content=content, out=out, templates=templates, search=False, cache=tmp_path / "c")
    session = BuildSession()
    build(options, session)
    before = (out / PAGE).read_bytes()
    page = content / "controversies" / "ai-infrastructure-spending-returns.md"
    original = page.read_bytes()
    edit_body(content, templates)
    assert build(options, session).patched
    assert (out / PAGE).read_bytes() != before
    page.write_bytes(original)
    fresh = dataclasses.replace(options, out=tmp_path / "fresh")
    report = build(fresh)
    assert report.rendered == 0 and report.notes == []
    assert (tmp_path / "fresh" / PAGE).read_bytes() == before


def test_a_cache_made_in_another_environment_is_started_afresh(tmp_path: Path, workspace) -> None:
    """As after restoring a cache made with other dependencies: nothing in it is read, and the build says so."""
    content, templates = workspace
    out = tmp_path / "site"
    options = Options(content=content, out=out, templates=templates, search=False, cache=tmp_path / "c")
    build(options)
    (tmp_path / "c" / cache.ENVIRONMENT).write_text("another machine's\n")
    (tmp_path / "c" / "mine.txt").write_text("not the build's: left alone")
    shutil.rmtree(out)
    report = build(options)
    assert report.rendered == len(report.files)
    assert report.notes == [
        f"{tmp_path / 'c'}: this build cache was made by another engine, Python or set of "
        "dependencies; started it afresh"
    ]
    assert (tmp_path / "c" / "mine.txt").exists()
    assert (tmp_path / "c" / cache.ENVIRONMENT).read_text().strip() == cache.environment_fingerprint()
    assert tree_digest(out) == scratch_build(content, tmp_path / "expected", templates)
    shutil.rmtree(out)
    again = build(options)
    assert again.rendered == 0 and again.notes == []  # the new cache is used from then on


def test_the_environment_covers_the_locked_dependencies_or_else_the_installed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cache.LOCK_FILE.is_file()  # in a checkout
    fingerprints = [cache.environment_fingerprint()]
    lock = tmp_path / "lock.txt"
    lock.write_bytes(cache.LOCK_FILE.read_bytes().replace(b"jinja2==", b"jinja2==0.", 1))
    monkeypatch.setattr(cache, "LOCK_FILE", lock)
    cache.environment_fingerprint.cache_clear()
    fingerprints.append(cache.environment_fingerprint())
    monkeypatch.setattr(cache, "LOCK_FILE", tmp_path / "none")  # an installed engine: what is installed
    cache.environment_fingerprint.cache_clear()
    fingerprints.append(cache.environment_fingerprint())
    monkeypatch.setattr(cache, "_installed_versions", lambda: {"jinja2": "0.0"})
    cache.environment_fingerprint.cache_clear()
    fingerprints.append(cache.environment_fingerprint())
    cache.environment_fingerprint.cache_clear()
    assert len(set(fingerprints)) == 4
