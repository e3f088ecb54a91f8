"""``fragment()``: serve reuses a piece of a page while it is made of the very same objects, and only then."""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from ledger import fragments
from ledger.fragments import Fragments
from ledger.link import link
from ledger.pages import jobs
from ledger.pipeline import Options, build
from ledger.plan import check
from ledger.render import Build, Job, file_bytes, page_made
from ledger.reuse.session import BuildSession

from .helpers import PROJECT, SHIPPED, tree_digest

sys.path.insert(0, str(PROJECT / "benchmarks"))
from make_corpus import write_corpus


class Record:
    def __init__(self, name: str) -> None:
        self.name = name


def env_with(macro: str) -> Environment:
    env = Environment(loader=DictLoader({fragments.TEMPLATE: macro}), autoescape=True)
    env.auto_reload = False
    return env


ITEM = "{% macro item(record, target) %}<a href='{{ target }}'>{{ record.name }}</a>{% endmacro %}"


def test_a_piece_is_reused_for_the_same_objects_and_equal_strings() -> None:
    made = Fragments(env_with(ITEM), remember=True)
    record = Record("Ada & co")
    first = made("item", record, "../" + "x/")
    assert first == "<a href='../x/'>Ada &amp; co</a>"
    assert made("item", record, "../x/") is first  # not rendered again
    assert made("item", record, "../y/") is not first
    twin = Record("Ada & co")  # equal, but another object: rendered (it may have changed in place of the other)
    assert made("item", twin, "../x/") == first and made("item", twin, "../x/") is not first


def test_the_environments_own_fragment_renders_every_time() -> None:
    """``remember=False``: the reference the reused pieces are compared with."""
    record = Record("Ada")
    once = Fragments(env_with(ITEM), remember=False)
    assert once("item", record, "x") is not once("item", record, "x")
    assert once.kept == 0


def made_anew(job: Job) -> bytes:
    """The file of ``job`` made with every piece made where it is shown (a macro called, an entry made)."""
    assert isinstance(job.make, partial)
    args = (replace(a, fragments=None) if isinstance(a, Build) else a for a in job.make.args)
    return file_bytes(job.make.func(*(None if isinstance(a, Fragments) else a for a in args)))


@pytest.mark.parametrize("corpus", ["shipped", "synthetic"])
def test_every_file_is_the_same_with_pieces_reused_as_with_each_made_anew(tmp_path: Path, corpus: str) -> None:
    """A build makes a recurring piece once and joins it into every file showing it (a source's entry in each
    References list, the back-links of references cited in the same places, a controversy's entry in each feed
    listing it, a source's BibTeX, RIS and CSL-JSON entry in each bibliography listing it): each file's bytes are
    those of the file made with every piece made anew (the environment's own ``fragment``, which calls the macro
    every time)."""
    content = SHIPPED
    if corpus == "synthetic":
        content = tmp_path / "content"
        write_corpus(300, content)
    site, _ = check(Options(content=content))
    listed = jobs(site, link(site), PROJECT / "templates")
    pages = feeds = shown = 0
    for file, job in listed.items():
        args = job.make.args if isinstance(job.make, partial) else ()
        if not any(isinstance(a, Build | Fragments) for a in args):
            continue  # data files: no pieces
        reused = file_bytes(job.make())
        assert reused == made_anew(job), file
        pages += job.make.func is page_made
        feeds += file.endswith(".xml") and b"<item>" in reused
        # each References entry is two pieces (the source, its back-links); each position on a proponent's page one
        shown += 2 * reused.count(b'<span class="ref-anchor"') + reused.count(b'<li class="holding">')
        shown += reused.count(b"<item>")
    kept = listed["index.html"].make.args[1].fragments.kept
    print(f"{corpus}: {pages} pages and {feeds} feeds the same; {shown} pieces shown, {kept} made")
    assert pages >= 30 and feeds >= 30 and 0 < kept < shown  # pieces were reused


def test_pieces_are_dropped_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fragments, "MOST_KEPT", 2)
    made = Fragments(env_with(ITEM), remember=True)
    records = [Record(str(i)) for i in range(3)]
    first = made("item", records[0], "x")
    made("item", records[1], "x")
    made("item", records[2], "x")  # the third: the first two are dropped
    assert made("item", records[0], "x") is not first


def test_serve_re_renders_the_holding_a_reworded_claim_changed_and_reuses_the_others(tmp_path: Path) -> None:
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(SHIPPED, content)
    shutil.copytree(PROJECT / "templates", templates)
    out = tmp_path / "site"
    options = Options(content=content, out=out, templates=templates, search=False, cache=tmp_path / "c")
    session = BuildSession()  # as serve holds one
    build(options, session)
    page = content / "controversies" / "ai-infrastructure-spending-returns.md"
    proponent = out / "proponents" / "david-cahn" / "index.html"
    for run in range(3):  # the first rewording renders every holding; the next ones reuse the unchanged
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"claim: (Reworded \d - )?", f"claim: Reworded {run} - ", text, count=1))
        assert build(options, session).patched
        assert f"Reworded {run} - " in proponent.read_text(encoding="utf-8")
        expected = tmp_path / "expected"
        shutil.rmtree(expected, ignore_errors=True)
        build(Options(content=content, out=expected, templates=templates, search=False, jobs=1))
        assert tree_digest(out) == tree_digest(expected)
