"""The output folder: atomic replacement, deterministic bytes, no writes outside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger.pipeline import Options, OutputRefused, build
from ledger.render import Job
from ledger.reuse.write import UnsafePath, emit, publish

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
            publish(tmp_path / "site", lambda staging, bad=bad: emit(staging, {bad: Job(bad, lambda: "x", ())}, None))
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


KILLED_MID_WRITE = """
import pathlib, sys, time
from ledger.reuse import write
real_emit = write.emit
def stalled(root, jobs, static, *args, **kwargs):
    real_emit(root, dict(sorted(jobs.items())[:3]), static)  # a few files written, most not
    pathlib.Path(sys.argv[3]).write_text("stalled")
    time.sleep(120)
write.emit = stalled
from ledger.cli import main
main(["build", "--content", sys.argv[1], "--out", sys.argv[2]])
"""


def test_build_killed_mid_write_leaves_previous_site_and_next_build_succeeds(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    out = tmp_path / "site"
    build(Options(content=content, out=out))
    before = tree_digest(out)
    first = content / "controversies" / "first.md"
    first.write_text(first.read_text().replace("Yes, it is.", "Yes, it is now."))
    marker = tmp_path / "marker"

    child = subprocess.Popen([sys.executable, "-c", KILLED_MID_WRITE, str(content), str(out), str(marker)], cwd=PROJECT)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the build never reached the write stage"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=10)

    assert tree_digest(out) == before
    assert list(tmp_path.glob(".site.new-*")), "expected the killed build's staging folder to be left behind"
    build(Options(content=content, out=out))
    assert "Yes, it is now." in (out / "controversies/first/index.html").read_text()
    assert not list(tmp_path.glob(".site.*")), "leftovers of the killed build are cleaned up"


def test_concurrent_builds_into_one_folder_produce_one_complete_site(tmp_path: Path) -> None:
    variants = []
    for name, claim in (("a", "Yes, variant A."), ("b", "Yes, variant B.")):
        content = make_content(tmp_path / f"content-{name}")
        first = content / "controversies" / "first.md"
        first.write_text(first.read_text().replace("Yes, it is.", claim))
        build(Options(content=content, out=tmp_path / f"expected-{name}"))
        variants.append(tree_digest(tmp_path / f"expected-{name}"))
    out = tmp_path / "shared" / "site"
    for _ in range(3):
        runs = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(PROJECT / "build.py"),
                    "--content",
                    str(tmp_path / f"content-{n}"),
                    "--out",
                    str(out),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for n in ("a", "b")
        ]
        assert [r.wait(timeout=60) for r in runs] == [0, 0], [r.stderr.read() for r in runs if r.stderr]
        assert tree_digest(out) in variants
        assert sorted(p.name for p in out.parent.iterdir()) == ["site"]


def test_workers_start_with_the_pages_of_the_whole_site(tmp_path: Path) -> None:
    """The sources page takes seconds: handed out last, it kept one worker busy while the other waited."""
    log = tmp_path / "made.log"

    def made(file: str) -> str:
        with log.open("a") as stream:  # appended whole: the workers' lines never mix
            stream.write(f"{os.getpid()} {file}\n")
        return file

    files = [f"controversies/c-{i:03}/index.html" for i in range(300)] + ["sources/index.html"]
    deps = {file: ("s:*", "c:*") if file.startswith("sources") else ("c:" + file.split("/")[1],) for file in files}
    jobs = {file: Job(file, lambda file=file: made(file), deps[file]) for file in files}
    (tmp_path / "site").mkdir()
    emit(tmp_path / "site", jobs, None, workers=2)
    order = [line.split() for line in log.read_text().splitlines()]
    heavy = next(pid for pid, file in order if file == "sources/index.html")
    assert next(file for pid, file in order if pid == heavy) == "sources/index.html"
    assert sorted(file for _, file in order) == sorted(files)
    assert (tmp_path / "site" / "sources" / "index.html").read_text() == "sources/index.html"
