"""Cached, parallel and incremental builds publish exactly the bytes of a serial build from scratch."""

from __future__ import annotations

import dataclasses
import gc
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ledger import export
from ledger.pipeline import ContentErrors, Options, build
from ledger.reuse import incremental, read, unchanged, write
from ledger.reuse.session import BuildSession
from ledger.serve import DevState

from .helpers import PROJECT, SHIPPED, tree_digest


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork workers even for a small site (the thresholds only save time)."""
    monkeypatch.setattr(read, "PARALLEL_FROM", 1)
    monkeypatch.setattr(write, "PARALLEL_FROM", 1)


def scratch_build(content: Path, out: Path, templates: Path = PROJECT / "templates") -> dict[str, str]:
    """The reference: one process, no cache, an empty output folder."""
    shutil.rmtree(out, ignore_errors=True)
    build(Options(content=content, out=out, templates=templates, search=False, jobs=1))
    return tree_digest(out)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_title(content: Path, templates: Path) -> None:
    page = next((content / "controversies").glob("*.md"))
    replace(page, "title: ", "title: Retitled — ")


def edit_body(content: Path, templates: Path) -> None:
    """A paragraph added to a body: only the outputs showing the body change (see the test below)."""
    page = content / "controversies" / "ai-infrastructure-spending-returns.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA paragraph added while editing.\n", encoding="utf-8")


def cite_in_body(content: Path, templates: Path) -> None:
    """A citation added to a body: the sources page's "cited by" and the numbering change too."""
    page = content / "controversies" / "ai-infrastructure-spending-returns.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nAs reported [@deepseek-r1].\n", encoding="utf-8")


def reword_claim(content: Path, templates: Path) -> None:
    replace(content / "controversies" / "ai-infrastructure-spending-returns.md", "claim: ", "claim: Reworded, ")


def edit_history(content: Path, templates: Path) -> None:
    """A history entry's text reworded: every feed carrying that change, and the pages listing it."""
    replace(
        content / "controversies" / "ai-infrastructure-spending-returns.md",
        "reason: A Goldman Sachs research report",
        "reason: As edited, a Goldman Sachs research report",
    )


def move_proponent(content: Path, templates: Path) -> None:
    """A position changes hands: both proponents' pages, the thread matrix and the list change."""
    page = content / "controversies" / "ai-infrastructure-spending-returns.md"
    text = page.read_text(encoding="utf-8")
    start = text.index("proponents: [") + len("proponents: [")
    first = text[start : text.index("]", start)].split(",")[0].strip()
    replace(page, f"proponents: [{first}", "proponents: [epoch-ai")


def link_see_also(content: Path, templates: Path) -> None:
    """A see-also link added on one page: the other page lists it back (its page and data change)."""
    replace(
        content / "controversies" / "ai-infrastructure-spending-returns.md",
        "see_also: [scaling-laws-hitting-a-wall,",
        "see_also: [data-wall-synthetic-data, scaling-laws-hitting-a-wall,",
    )


def unlink_see_also(content: Path, templates: Path) -> None:
    replace(
        content / "controversies" / "ai-infrastructure-spending-returns.md",
        "see_also: [data-wall-synthetic-data, scaling-laws-hitting-a-wall,",
        "see_also: [scaling-laws-hitting-a-wall,",
    )


def add_controversy(content: Path, templates: Path) -> None:
    source = content / "controversies" / "ai-infrastructure-spending-returns.md"
    copy = content / "controversies" / "a-new-question.md"
    copy.write_text(source.read_text(encoding="utf-8").replace("title: ", "title: A copy of ", 1), encoding="utf-8")


def delete_controversy(content: Path, templates: Path) -> None:
    (content / "controversies" / "a-new-question.md").unlink()


def edit_source(content: Path, templates: Path) -> None:
    replace(content / "sources.yaml", "title: ", "title: Renamed ")


def add_source_line(content: Path, templates: Path) -> None:
    """A comment at the top moves every source's line: each 'defined in … line N' changes."""
    path = content / "sources.yaml"
    path.write_text("# sources\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def edit_event(content: Path, templates: Path) -> None:
    replace(content / "events.yaml", "title: ", "title: Renamed event — ")


def edit_thread(content: Path, templates: Path) -> None:
    page = next((content / "threads").glob("*.md"))
    replace(page, 'title: "The ', 'title: "The retitled ')


def edit_template(content: Path, templates: Path) -> None:
    replace(templates / "controversy.html", '<h2 id="see-also">See also</h2>', '<h2 id="see-also">Related</h2>')


def edit_config(content: Path, templates: Path) -> None:
    replace(content / "site.yaml", "tagline: ", "tagline: Now ")


EDITS: list[Callable[[Path, Path], None]] = [
    edit_title,
    edit_body,
    cite_in_body,
    reword_claim,
    edit_history,
    move_proponent,
    link_see_also,
    unlink_see_also,
    add_controversy,
    delete_controversy,
    edit_source,
    add_source_line,
    edit_event,
    edit_thread,
    edit_template,
    edit_config,
]


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(SHIPPED, content)
    shutil.copytree(PROJECT / "templates", templates)
    return content, templates


def test_cached_parallel_build_matches_a_serial_build_from_scratch(tmp_path: Path, workspace, parallel) -> None:
    content, templates = workspace
    options = Options(content=content, out=tmp_path / "site", templates=templates, search=False, cache=tmp_path / "c")
    report = build(dataclasses.replace(options, jobs=2))
    assert report.rendered == len(report.files)
    expected = scratch_build(content, tmp_path / "expected", templates)
    assert tree_digest(tmp_path / "site") == expected

    again = build(options)  # nothing changed: nothing to do
    assert again.rendered == 0 and "unchanged" in again.timings
    assert tree_digest(tmp_path / "site") == expected

    shutil.rmtree(tmp_path / "site")  # a warm parse cache, an empty output folder
    build(dataclasses.replace(options, jobs=2))
    assert tree_digest(tmp_path / "site") == expected


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_kind_of_edit_rebuilds_to_the_bytes_of_a_full_build(tmp_path: Path, workspace, parallel, jobs) -> None:
    content, templates = workspace
    options = Options(
        content=content, out=tmp_path / "site", templates=templates, search=False, cache=tmp_path / "c", jobs=jobs
    )
    build(options)
    for edit in EDITS:
        edit(content, templates)
        report = build(options)
        assert tree_digest(tmp_path / "site") == scratch_build(content, tmp_path / "expected", templates), edit
        if edit not in (edit_template, edit_config, add_source_line):
            assert 0 < report.rendered < len(report.files), f"{edit.__name__} re-rendered everything"


def test_a_one_off_build_leaves_the_collector_running_with_nothing_frozen(tmp_path: Path, workspace) -> None:
    """A build pauses the collector while it plans and freezes what planning made (``pipeline.build``); a process
    running many builds must get both back, whether the build succeeded or stopped at a content error."""
    content, templates = workspace
    options = Options(content=content, out=tmp_path / "site", templates=templates, search=False, cache=tmp_path / "c")
    build(options)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    page = content / "controversies" / "ai-infrastructure-spending-returns.md"
    page.write_text(page.read_text(encoding="utf-8").replace("status: ", "status: nonsense-", 1), encoding="utf-8")
    with pytest.raises(ContentErrors):
        build(options)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_editing_a_paragraph_remakes_only_the_outputs_showing_the_body(tmp_path: Path, workspace) -> None:
    content, templates = workspace
    options = Options(content=content, out=tmp_path / "site", templates=templates, search=False, cache=tmp_path / "c")
    build(options)
    before = tree_digest(tmp_path / "site")
    edit_body(content, templates)
    report = build(options)
    after = tree_digest(tmp_path / "site")
    slug = "ai-infrastructure-spending-returns"
    shown = {f"controversies/{slug}/index.html", f"data/controversies/{slug}.json", "data/ledger.json"}
    assert {file for file in after if after[file] != before.get(file)} == shown
    assert report.rendered == len(shown)  # not the sources page: it quotes the paragraphs that cite, not this one
    assert after == scratch_build(content, tmp_path / "expected", templates)


def test_rewording_a_claim_leaves_the_pages_that_only_list_the_controversy(tmp_path: Path, workspace) -> None:
    content, templates = workspace
    options = Options(content=content, out=tmp_path / "site", templates=templates, search=False, cache=tmp_path / "c")
    build(options)
    site = tmp_path / "site"
    listing = ["index.html", "sitemap.xml", "proponents/index.html"]
    listing += [  # its See also neighbours show only its title
        "controversies/scaling-laws-hitting-a-wall/index.html",
        "data/controversies/scaling-laws-hitting-a-wall.json",
    ]
    # the sources page quotes a position's claim beside each of its sources
    shown = ["controversies/ai-infrastructure-spending-returns/index.html", "feed.xml", "sources/index.html"]
    before = {file: (site / file).stat().st_ino for file in listing + shown}
    reword_claim(content, templates)
    build(options)
    # a file carried over is the previous build's, hard-linked: same inode; a remade one is new
    assert all((site / file).stat().st_ino == before[file] for file in listing)
    assert all((site / file).stat().st_ino != before[file] for file in shown)
    assert tree_digest(site) == scratch_build(content, tmp_path / "expected", templates)


def test_editing_a_history_entry_remakes_the_feeds_carrying_it_as_a_scratch_build_makes_them(
    tmp_path: Path, workspace
) -> None:
    content, templates = workspace
    options = Options(content=content, out=tmp_path / "site", templates=templates, search=False, cache=tmp_path / "c")
    session = BuildSession()
    build(options, session)
    before = tree_digest(tmp_path / "site")
    edit_history(content, templates)
    build(options, session)
    after = tree_digest(tmp_path / "site")
    feeds = {"controversies/ai-infrastructure-spending-returns/feed.xml", "proponents/jim-covello/feed.xml"}
    feeds |= {"feed.xml", "atom.xml", "threads/scaling-laws-debate/feed.xml"}
    changed = {file for file in after if after[file] != before.get(file)}
    assert feeds <= changed
    assert "proponents/epoch-ai/feed.xml" not in changed  # holds no position there
    assert after == scratch_build(content, tmp_path / "expected", templates)


def test_a_rebuild_stages_in_the_site_before_last_and_keeps_its_folders(tmp_path: Path, workspace) -> None:
    """The site swapped out is kept in the cache and brought up to date by the next build: no folder
    is deleted and made again (slow on disks mounted with ``discard``)."""
    content, templates = workspace
    options = Options(content=content, out=tmp_path / "site", templates=templates, search=False, cache=tmp_path / "c")
    folder = tmp_path / "site" / "controversies" / "ai-infrastructure-spending-returns"
    build(options)
    first = folder.stat().st_ino
    for edit in (edit_body, reword_claim):
        edit(content, templates)
        build(options)
    assert folder.stat().st_ino == first  # the first build's folders, back in service
    assert tree_digest(tmp_path / "site") == scratch_build(content, tmp_path / "expected", templates)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_file_changed_by_hand_in_the_output_is_made_again(tmp_path: Path, workspace) -> None:
    content, templates = workspace
    options = Options(content=content, out=tmp_path / "site", templates=templates, search=False, cache=tmp_path / "c")
    build(options)
    page = tmp_path / "site" / "sources" / "index.html"
    expected = page.read_bytes()
    page.write_text("tampered")
    assert build(options).rendered > 0
    assert page.read_bytes() == expected
    edit_title(content, templates)
    build(options)
    assert tree_digest(tmp_path / "site") == scratch_build(content, tmp_path / "expected", templates)


def test_serve_rebuilds_only_what_an_edit_touched_and_matches_a_full_build(tmp_path: Path, workspace) -> None:
    content, templates = workspace
    options = Options(content=content, out=tmp_path / "site", templates=templates, search=False, cache=tmp_path / "c")
    state = DevState()
    assert state.rebuild(options)
    replace(content / "controversies" / "ai-infrastructure-spending-returns.md", "title: ", "title: Edited — ")
    assert state.rebuild(options)
    assert tree_digest(tmp_path / "site") == scratch_build(content, tmp_path / "expected", templates)
    (content / "sources.yaml").write_text("broken: [", encoding="utf-8")
    assert not state.rebuild(options)  # the error page is shown, the site stays
    shutil.copy(SHIPPED / "sources.yaml", content / "sources.yaml")
    assert state.rebuild(options)
    assert tree_digest(tmp_path / "site") == scratch_build(content, tmp_path / "expected", templates)


@pytest.mark.parametrize("trusted", [False, True], ids=["files just written", "files long unchanged"])
def test_serve_patches_its_site_in_place_after_every_kind_of_edit(
    tmp_path: Path, workspace, trusted: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve`` writes only the touched files into the folder it published, and gets the full build's bytes.

    ``trusted``: as if every file had been read long after it was written, so that files whose ``stat``
    did not change are not read again (``unchanged.py``; fresh files are always read).
    """
    if trusted:
        monkeypatch.setattr(unchanged, "now", lambda: time.time_ns() + 3600 * 10**9)
    content, templates = workspace
    out = tmp_path / "site"
    options = Options(content=content, out=out, templates=templates, search=False, cache=tmp_path / "c")
    session = BuildSession()  # as serve holds one
    build(options, session)
    folder = out.stat().st_ino
    for edit in EDITS:
        edit(content, templates)
        report = build(options, session)
        assert tree_digest(out) == scratch_build(content, tmp_path / "expected", templates), edit
        if edit not in (edit_template, edit_config, add_source_line):  # these remake every page: a staged build
            assert out.stat().st_ino == folder and 0 < report.rendered < len(report.files), edit.__name__
    leftovers = [p for p in out.rglob("*") if p.name.startswith(".tmp-") or (p.is_dir() and not any(p.iterdir()))]
    assert not leftovers


def test_serve_does_not_patch_a_site_another_build_replaced(tmp_path: Path, workspace) -> None:
    content, templates = workspace
    options = Options(content=content, out=tmp_path / "site", templates=templates, search=False, cache=tmp_path / "c")
    session = BuildSession()  # as serve holds one
    build(options, session)
    edit_body(content, templates)
    build(options)  # e.g. `build.py build` in another terminal
    (tmp_path / "site" / "search" / "index.html").write_text("tampered")  # made by no edit
    edit_title(content, templates)
    build(options, session)  # the folder is not the one serve published: a full, checked build
    assert tree_digest(tmp_path / "site") == scratch_build(content, tmp_path / "expected", templates)


def test_serve_brings_the_search_index_up_to_date_after_patching(tmp_path: Path, workspace) -> None:
    content, templates = workspace
    out = tmp_path / "site"
    options = Options(content=content, out=out, templates=templates, cache=tmp_path / "c")
    state = DevState()
    assert state.rebuild(options)
    edit_title(content, templates)
    assert state.rebuild(options)
    state.search.wait()
    expected = tmp_path / "expected"
    build(Options(content=content, out=expected, templates=templates, jobs=1))
    assert any(name.startswith("pagefind/") for name in tree_digest(out))
    assert tree_digest(out) == tree_digest(expected)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


def test_benchmark_runs_at_a_small_size(tmp_path: Path) -> None:
    """The benchmark keeps working (no time is asserted: figures come from real runs on a quiet machine)."""
    result = subprocess.run(
        [sys.executable, str(PROJECT / "benchmarks" / "bench.py"), "--n", "40", "--runs", "1", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    table = [line for line in result.stdout.splitlines() if line.startswith("| 40 |")]
    assert table, result.stdout
    cells = [cell.strip() for cell in table[0].strip("|").split("|")]
    # 156 files (the methodology page among them), the three bibliographies, each controversy's references (123)
    assert cells[1] == "279" and cells[2].endswith(" s)") and cells[4].endswith(" MB"), cells
    # the pull request's build: the edited page, its data, ledger.json
    assert cells[7].endswith(" s; 3 rendered)"), cells
    assert "`build.py check` on the shipped content (startup): " in result.stdout
    if shutil.which("hugo"):  # Hugo, Hugo + Pagefind on its output, and our ratios to each
        assert cells[12].endswith(" s)") and cells[13].endswith(" s") and float(cells[-1]) > 0, cells


WARM_START = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from ledger import link
from ledger.pipeline import Options, build
numbered = []
number = link.number_references
link.number_references = lambda site, body, *rest, **named: numbered.append(body) or number(site, body, *rest, **named)
content, out, cache = (Path(arg) for arg in sys.argv[2:5])
from ledger.reuse.session import BuildSession
session = BuildSession()
options = Options(content=content, out=out, cache=cache, search=False)
assert build(options, session).rendered == 0  # the site is up to date: nothing to write
page = content / "controversies" / "ai-infrastructure-spending-returns.md"
page.write_text(page.read_text(encoding="utf-8") + "\\nA paragraph.\\n", encoding="utf-8")
del numbered[:]
report = build(options, session)
print(report.patched, len(numbered))
"""


def test_serve_started_on_an_up_to_date_site_has_the_record_in_memory_for_the_first_save(
    tmp_path: Path, workspace
) -> None:
    """The first rebuild after starting ``serve`` numbers only the edited page's references, not every page's."""
    content, _ = workspace
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(Options(content=content, out=out, cache=cache, search=False))  # e.g. `make build`, earlier
    result = subprocess.run(
        [sys.executable, "-c", WARM_START, str(PROJECT), str(content), str(out), str(cache)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True", "1"], result.stdout


def test_the_index_of_files_showing_each_record_follows_every_kind_of_change() -> None:
    """``ShownIndex`` answers what a scan of every file's ``deps`` answers, after files gain, lose,
    keep (the very tuple, as ``render`` reuses them) or replace their dependencies, appear and go."""
    rng = random.Random(6)
    keys = [f"{kind}:{n}" for kind in "cps" for n in range(12)] + ["c:*", "s:*"]
    deps = {f"f{n}.html": tuple(rng.sample(keys, 4)) for n in range(40)}
    index = incremental.ShownIndex()
    for _ in range(30):
        deps = dict(deps)
        for file in rng.sample(sorted(deps), 3):
            del deps[file]
        for file in rng.sample(sorted(deps), 8):
            deps[file] = tuple(rng.sample(keys, rng.randint(0, 5)))  # a new tuple, maybe equal to the old
        for n in range(4):
            deps[f"new{rng.randint(0, 60)}-{n}.html"] = tuple(rng.sample(keys, 3))
        index.follow(deps)
        for key in keys:
            assert index.showing([key]) == {file for file, shown in deps.items() if key in shown}, key
        some = rng.sample(keys, 3)
        assert index.showing(some) == {file for file, shown in deps.items() if not set(some).isdisjoint(shown)}


def test_serve_writes_the_pages_before_the_reload_and_the_other_files_after_it(tmp_path: Path, workspace) -> None:
    content, templates = workspace
    out = tmp_path / "site"
    options = Options(content=content, out=out, templates=templates, search=False, cache=tmp_path / "c")
    session = BuildSession()  # as serve holds one
    build(options, session)
    edit_body(content, templates)
    after_reload: list[Callable[[], None]] = []
    assert build(options, session, after_reload.append).patched
    page = out / "controversies" / "ai-infrastructure-spending-returns" / "index.html"
    assert "A paragraph added while editing." in page.read_text(encoding="utf-8")  # what the browser reloads
    assert "A paragraph added while editing." not in (out / "data" / "ledger.json").read_text(encoding="utf-8")
    assert len(after_reload) == 1
    after_reload.pop()()
    assert tree_digest(out) == scratch_build(content, tmp_path / "expected", templates)
    reword_claim(content, templates)
    build(options, session, lambda write: None)  # its files are never written by the caller …
    edit_title(content, templates)
    build(options, session, after_reload.append)  # … so this build makes them again
    build(options, session, after_reload.append)  # before its own were written: it makes them again too
    for finish in after_reload:  # the first writes the latest build's files, the second nothing
        finish()
    assert tree_digest(out) == scratch_build(content, tmp_path / "expected", templates)
    edit_body(content, templates)
    build(options, session, after_reload.append)
    edit_config(content, templates)  # the tagline is in ledger.json too
    build(options, session)  # a staged build of every file, before the patch's data files were written …
    for finish in after_reload:  # … which are then never written over it
        finish()
    assert tree_digest(out) == scratch_build(content, tmp_path / "expected", templates)


STOPPED_BEFORE_THE_REST = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from ledger.pipeline import Options, build
content, out, cache = (Path(arg) for arg in sys.argv[2:5])
from ledger.reuse.session import BuildSession
session = BuildSession()
options = Options(content=content, out=out, cache=cache, search=False)
build(options, session)
page = content / "controversies" / "ai-infrastructure-spending-returns.md"
page.write_text(page.read_text(encoding="utf-8") + "\\nA paragraph.\\n", encoding="utf-8")
print(build(options, session, lambda write: None).patched)  # serve stopped before the reload's turn came
"""


def test_a_serve_stopped_before_writing_the_other_files_leaves_them_to_the_next_build(
    tmp_path: Path, workspace
) -> None:
    """The snapshot saved as ``serve`` exits does not list the files it did not write: the next build makes them."""
    content, _ = workspace
    out, cache = tmp_path / "site", tmp_path / "cache"
    script = [sys.executable, "-c", STOPPED_BEFORE_THE_REST, str(PROJECT), str(content), str(out), str(cache)]
    assert subprocess.run(script, capture_output=True, text=True, check=True).stdout.split() == ["True"]
    assert "A paragraph." not in (out / "data" / "ledger.json").read_text(encoding="utf-8")
    build(Options(content=content, out=out, cache=cache, search=False))
    assert tree_digest(out) == scratch_build(content, tmp_path / "expected")


def test_a_data_file_that_fails_to_be_made_after_the_reload_is_left_whole_and_made_again(
    tmp_path: Path, workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, templates = workspace
    out = tmp_path / "site"
    options = Options(content=content, out=out, templates=templates, search=False, cache=tmp_path / "c")
    session = BuildSession()  # as serve holds one
    build(options, session)
    before = (out / "data" / "ledger.json").read_bytes()
    edit_body(content, templates)

    def failing(*args: object, **kwargs: object) -> Iterator[bytes]:
        yield b"{"
        raise RuntimeError("a bug")

    monkeypatch.setattr(export, "ledger_file", failing)
    after_reload: list[Callable[[], None]] = []
    assert build(options, session, after_reload.append).patched  # the pages: written
    with pytest.raises(RuntimeError):
        after_reload.pop()()
    assert (out / "data" / "ledger.json").read_bytes() == before
    assert not [p for p in out.rglob(".tmp-*")]
    monkeypatch.undo()
    build(options, session)
    assert tree_digest(out) == scratch_build(content, tmp_path / "expected", templates)


def test_serve_leaves_alone_a_touched_page_that_comes_out_the_same(tmp_path: Path, workspace) -> None:
    """A proponent's description edited remakes the controversy page naming them, which shows only their name:
    it comes out the same and is not rewritten."""
    content, templates = workspace
    out = tmp_path / "site"
    options = Options(content=content, out=out, templates=templates, search=False, cache=tmp_path / "c")
    session = BuildSession()  # as serve holds one
    build(options, session)
    naming = out / "controversies" / "ai-infrastructure-spending-returns" / "index.html"
    own = out / "proponents" / "david-cahn" / "index.html"
    changed_by_hand = out / "threads" / "scaling-laws-debate" / "index.html"  # its matrix names them too
    before = {page: page.stat().st_ino for page in (naming, own)}
    changed_by_hand.chmod(0o600)  # the same bytes, but not as a build leaves them: written again
    replace(content / "proponents.yaml", "description: Partner at Sequoia", "description: A partner at Sequoia")
    report = build(options, session)
    assert report.patched and report.rendered > 2
    assert naming.stat().st_ino == before[naming] and own.stat().st_ino != before[own]
    assert changed_by_hand.stat().st_mode & 0o777 == (out / "index.html").stat().st_mode & 0o777
    assert tree_digest(out) == scratch_build(content, tmp_path / "expected", templates)
