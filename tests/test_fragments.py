"""``fragment()``: serve reuses a piece of a page while it is made of the very same objects, and only then."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from ledger import fragments
from ledger.fragments import Fragments
from ledger.pipeline import Options, build
from ledger.reuse.session import BuildSession

from .helpers import PROJECT, SHIPPED, tree_digest


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


def test_a_one_off_build_and_a_forked_worker_render_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    record = Record("Ada")
    once = Fragments(env_with(ITEM), remember=False)
    assert once("item", record, "x") is not once("item", record, "x")
    serving = Fragments(env_with(ITEM), remember=True)
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as in a worker forked by serve's process
    assert serving("item", record, "x") is not serving("item", record, "x")


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
