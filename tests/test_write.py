"""The output folder: atomic replacement, deterministic bytes, no writes outside it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledger.pipeline import Options, OutputRefused, build
from ledger.write import UnsafePath, publish

from .helpers import PROJECT, SHIPPED, make_content, tree_digest


def test_rebuild_replaces_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "site"
    content = make_content(tmp_path / "content")
    build(Options(content=content, out=out))
    (content / "controversies" / "second.md").unlink()
    (content / "controversies" / "first.md").write_text(
        (content / "controversies" / "first.md").read_text().replace("see_also: [second]\n", "")
    )
    build(Options(content=content, out=out))
    assert not (out / "controversies" / "second").exists()
    assert (out / "controversies" / "first" / "index.html").is_file()


def test_two_builds_are_byte_identical_whatever_the_clock_zone_and_locale(tmp_path: Path) -> None:
    """Each build runs in a fresh interpreter with a different TZ and LANG."""
    digests = []
    for i, (tz, lang) in enumerate([("UTC", "C.UTF-8"), ("Pacific/Kiritimati", "de_DE.UTF-8")]):
        out = tmp_path / f"site{i}"
        env = {**os.environ, "TZ": tz, "LANG": lang, "LC_ALL": lang, "PYTHONHASHSEED": str(i + 1)}
        subprocess.run(
            [sys.executable, str(PROJECT / "build.py"), "--content", str(SHIPPED), "--out", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
        digests.append(tree_digest(out))
    assert digests[0] == digests[1]
    assert len(digests[0]) > 10


def test_publish_refuses_paths_outside_the_output(tmp_path: Path) -> None:
    for bad in ("../escape.html", "/etc/passwd", "a/../../b"):
        with pytest.raises(UnsafePath):
            publish(tmp_path / "site", {bad: "x"}, None)
    assert not (tmp_path / "escape.html").exists()
    assert not (tmp_path / "site").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


@pytest.mark.parametrize("out", [".", "content", "content/site", ".."])
def test_build_refuses_to_replace_the_project_or_content(tmp_path: Path, out: str, run) -> None:
    make_content(tmp_path / "content")
    code, _, err = run(tmp_path, "build", "--content", "content", "--out", out)
    assert code == 2
    assert "refusing" in err
    assert (tmp_path / "content" / "site.yaml").is_file()


def test_build_refuses_to_replace_an_unrelated_folder(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_bytes(b"meow")
    with pytest.raises(OutputRefused):
        build(Options(content=make_content(tmp_path / "content"), out=tmp_path / "photos"))
    assert (tmp_path / "photos" / "cat.jpg").read_bytes() == b"meow"
