"""Long texts kept in a spill file: what comes back is exactly what went in, in any process."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ledger.markdown import parse_body
from ledger.reuse import spill
from ledger.reuse.spill import SMALL, Stored, fetch, store


def test_short_texts_stay_in_memory_and_long_ones_come_back_unchanged() -> None:
    assert store("short") == "short"
    long = "Ünïcode — " + "x" * SMALL + "\n"
    stored = store(long)
    assert isinstance(stored, Stored)
    assert fetch(stored) == long
    assert fetch(store(long + "again")) == long + "again"  # appended after the first
    assert fetch(stored) == long


def _read(stored: Stored) -> str:
    return fetch(stored)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="render workers are forked")
def test_forked_workers_read_and_write_their_own() -> None:
    text = "y" * (SMALL * 4)
    stored = store(text)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map(_read, [stored, stored]) == [text, text]
        made = pool.map(store, [text + "1", text + "2"])
    assert [fetch(s) for s in made] == [text + "1", text + "2"]


def test_a_spilled_body_renders_and_exports_as_parsed() -> None:
    body, _ = parse_body("## Context\n\n" + "A sentence [@a]. " * 100 + "\n", "x.md", 1)
    spilled = spill.spilled(body)
    assert all(isinstance(where, Stored) for where in spilled.where) and spilled.markup == spilled.markdown == ""
    others = [f.name for f in dataclasses.fields(body) if f.name not in ("markup", "markdown")]
    assert [getattr(spilled, name) for name in others] == [getattr(body, name) for name in others]
    assert (spilled.html, spilled.text, spilled.citations) == (body.html, body.text, body.citations)


def test_folders_left_by_dead_processes_are_swept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(spill, "_folder", None)
    dead = subprocess.Popen([sys.executable, "-c", ""])
    dead.wait()
    (tmp_path / f"ledger-spill-{dead.pid}-abc").mkdir()
    (tmp_path / "ledger-spill-not-a-pid").mkdir()
    folder = spill.prepare()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([folder.split("/")[-1], "ledger-spill-not-a-pid"])
    spill._remove(folder)


def test_without_a_writable_temporary_folder_texts_stay_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError("read-only")

    monkeypatch.setattr(spill, "_folder", None)
    monkeypatch.setattr(spill, "_writer", None)
    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    text = "z" * (SMALL * 2)
    assert store(text) is text


def test_held_texts_stay_readable_here_and_in_workers_with_nothing_left_on_disk() -> None:
    text = "h" * (SMALL * 3)
    stored = store(text)
    assert isinstance(stored, Stored)
    spill.hold()
    assert os.listdir(spill.prepare()) == []
    assert fetch(stored) == text
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map(_read, [stored]) == [text]
    later = store(text + "later")  # appended to the removed file, still readable
    assert fetch(later) == text + "later"
