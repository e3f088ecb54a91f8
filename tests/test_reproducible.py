"""Same content → byte-identical site, whatever the machine's clock, time zone, locale or file order.

The shipped content is committed into two fresh git repositories (so pages carry git-derived "last
changed" dates), written file by file in opposite orders with different file and folder times,
and built in separate processes under different clocks (Debian's ``faketime``, an LD_PRELOAD
library that shifts every clock call, git's and Pagefind's included), time zones, locales, hash
seeds and working folders. Every output file, the search index included, must hash the same.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import PROJECT, SHIPPED, html, tree_digest

COMMITS = (
    ("2024-03-01T10:00:00+00:00", lambda name: not name.startswith(("threads/", "controversies/data-wall"))),
    ("2025-05-06T23:30:00-07:00", lambda name: True),  # the rest, on a day that is already the 7th in UTC
)
"""Two commits with fixed dates: pages committed second show a later "last changed" date."""


def faketime() -> str:
    found = shutil.which("faketime")
    if found is None:
        pytest.fail("faketime is missing: apt-get install -y faketime (.ci/run does)")
    return found


def git(repo: Path, *args: str, date: str = "2024-01-01T00:00:00+00:00") -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {
        "GIT_AUTHOR_NAME": "Ledger Tests",
        "GIT_AUTHOR_EMAIL": "tests@example.org",
        "GIT_COMMITTER_NAME": "Ledger Tests",
        "GIT_COMMITTER_EMAIL": "tests@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def content_repo(repo: Path, reverse: bool, seed: int) -> Path:
    """The shipped content in a new git repository, files created in sorted or reverse order, times scrambled."""
    rng = random.Random(seed)
    files = sorted(p.relative_to(SHIPPED).as_posix() for p in SHIPPED.rglob("*") if p.is_file())
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for date, chosen in COMMITS:
        batch = [name for name in files if chosen(name)]
        files = [name for name in files if name not in batch]
        for name in reversed(batch) if reverse else batch:
            target = repo / "content" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SHIPPED / name, target)
            stamp = rng.randrange(0, 2_000_000_000)
            os.utime(target, (stamp, stamp))
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"content as of {date}", date=date)
    for folder in (repo / "content", *(p for p in (repo / "content").iterdir() if p.is_dir())):
        stamp = rng.randrange(0, 2_000_000_000)
        os.utime(folder, (stamp, stamp))
    return repo / "content"


BUILDS = (
    {"clock": "2001-02-03 04:05:06", "TZ": "UTC", "LANG": "C.UTF-8", "PYTHONHASHSEED": "1"},
    {"clock": "2039-12-31 23:59:59", "TZ": "Pacific/Kiritimati", "LANG": "de_DE.UTF-8", "PYTHONHASHSEED": "2"},
)


def build_under(setting: dict[str, str], content: Path, out: Path, cwd: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "FAKETIME", "LC_"))}
    env |= {k: v for k, v in setting.items() if k != "clock"} | {"LC_ALL": setting["LANG"]}
    command = [faketime(), setting["clock"], sys.executable, str(PROJECT / "build.py")]
    result = subprocess.run(
        [*command, "build", "--content", str(content), "--out", str(out)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "search index:" in result.stdout, result.stdout + result.stderr


def test_faketime_really_moves_the_clock_of_python_and_its_children() -> None:
    """Without this the test below would prove nothing."""
    result = subprocess.run(
        [faketime(), "2039-06-15 12:00:00", sys.executable, "-c", "import datetime; print(datetime.date.today())"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "2039-06-15"  # a clock far from midnight: a slow start must not cross a day
    result = subprocess.run([faketime(), "2001-02-03 04:05:06", "date", "-u", "+%Y"], capture_output=True, text=True)
    assert result.stdout.strip() == "2001"


def test_same_content_gives_byte_identical_sites_whatever_clock_zone_locale_and_file_order(tmp_path: Path) -> None:
    digests = []
    for i, setting in enumerate(BUILDS):
        content = content_repo(tmp_path / f"repo-{i}", reverse=bool(i), seed=i)
        workdir = tmp_path / f"cwd-{i}"
        workdir.mkdir()
        build_under(setting, content, tmp_path / f"site-{i}", workdir)
        digests.append(tree_digest(tmp_path / f"site-{i}"))

    first, second = digests
    differing = sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))
    assert differing == []
    assert any(name.startswith("pagefind/") for name in first), "the search index is compared too"
    assert len(first) > 90  # every page kind of the shipped site, not a handful of files

    site = tmp_path / "site-0"
    revised = html(site / "controversies" / "scaling-laws-hitting-a-wall" / "index.html").xpath(
        "//p[@class='revision']/time/@datetime"
    )
    later = html(site / "controversies" / "data-wall-synthetic-data" / "index.html").xpath(
        "//p[@class='revision']/time/@datetime"
    )
    assert (revised, later) == (["2024-03-01"], ["2025-05-06"])  # git's committer dates, as committed
