"""Linking: references numbered in reading order, and a rebuild that relinks only what changed gets exactly
the links of linking everything."""

from __future__ import annotations

import dataclasses
import random
import sys
from collections.abc import Callable

import pytest

from ledger.link import Numbering, Occurrence, link
from ledger.load import load
from ledger.model import Controversy, Site
from ledger.validate import validate

from .helpers import PROJECT

sys.path.insert(0, str(PROJECT / "benchmarks"))
from make_corpus import write_corpus


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    content = tmp_path_factory.mktemp("corpus") / "content"
    write_corpus(60, content)  # 60 controversies in 3 threads, shared proponents and sources, See also links
    return validate(load(content))[0]


def retitle(c: Controversy, site: Site) -> Controversy:
    return dataclasses.replace(c, title="A " + c.title)  # moves it in every list sorted by title


def move_thread(c: Controversy, site: Site) -> Controversy:
    other = next(t for t in site.threads if t != c.thread)
    return dataclasses.replace(c, thread=other)


def hand_over(c: Controversy, site: Site) -> Controversy:
    """The first position changes hands and sources; one position is dropped."""
    first = c.positions[0]
    proponent, source = sorted(site.proponents)[-1], sorted(site.sources)[-1]
    moved = dataclasses.replace(first, proponents=(proponent,), sources=(source,))
    return dataclasses.replace(c, positions=(moved, *c.positions[2:]))


def relate(c: Controversy, site: Site) -> Controversy:
    others = [s for s in site.controversies if s != c.slug and s not in c.see_also]
    return dataclasses.replace(c, see_also=(others[0],))


def same_title(c: Controversy, site: Site) -> Controversy:
    """Titled like another page where a proponent of its first position holds one too: a tie to break."""
    holder = c.positions[0].proponents[0]
    holding = [o for o in site.controversies.values() if any(holder in p.proponents for p in o.positions)]
    other = holding[-1] if holding[-1] is not c else holding[0]  # later in slug order than c, where it can
    return dataclasses.replace(c, title=other.title)


def date(c: Controversy, site: Site) -> Controversy:
    return dataclasses.replace(c, updated=c.opened)  # moves it in its thread's newest-first list


EDITS: list[Callable[[Controversy, Site], Controversy]] = [retitle, move_thread, hand_over, relate, date, same_title]


@pytest.mark.parametrize("seed", range(12))
def test_relinking_a_few_changed_controversies_gives_the_links_of_linking_all(site: Site, seed: int) -> None:
    rng = random.Random(seed)
    before = link(site)
    slugs = rng.sample(sorted(site.controversies), 1 + seed % 3)
    edited = dict(site.controversies)
    for i, slug in enumerate(slugs):
        edited[slug] = EDITS[(seed + i) % len(EDITS)](edited[slug], site)
    changed = dataclasses.replace(site, controversies=edited)
    relinked = link(changed, previous=(site, before))
    assert relinked == link(changed)
    untouched = next(
        s for s, citing in before.cited_by.items() if citing and all(x.controversy.slug not in slugs for x in citing)
    )
    assert relinked.cited_by[untouched] is before.cited_by[untouched]  # it relinked, not linked everything


def test_other_registries_or_many_changes_link_everything(site: Site) -> None:
    before = link(site)
    copied = dataclasses.replace(site, sources=dict(site.sources))
    linked = link(copied, previous=(site, before))
    assert linked == before
    assert all(linked.holdings[p] is not before.holdings[p] for p in before.holdings if before.holdings[p])


def test_corpus_is_big_enough(site: Site) -> None:
    assert len(site.controversies) == 60 and len(site.threads) > 1
    assert sum(1 for c in site.controversies.values() if c.see_also) > 10


def test_marks_number_in_reading_order_and_equal_marks_are_one_value() -> None:
    interned: dict[object, object] = {}  # one build's
    first, second = Numbering(interned), Numbering(interned)
    marks = [first.mark("a", "Text"), first.mark("b", "Position A"), first.mark("a", "Position A")]
    assert marks == [(1, "cite-1-1"), (2, "cite-2-1"), (1, "cite-1-2")]
    assert first.places["a"] == [Occurrence("cite-1-1", "Text"), Occurrence("cite-1-2", "Position A")]
    again = second.mark("z", "Text")  # another page: the same mark, shared rather than made again
    assert again == marks[0] and again is marks[0]
    assert second.places["z"][0] is first.places["a"][0]
