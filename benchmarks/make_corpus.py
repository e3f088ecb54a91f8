#!/usr/bin/env python3
"""Write a deterministic synthetic Ledger corpus (and, optionally, the same texts as plain posts for Hugo).

    python benchmarks/make_corpus.py --n 1000 --out /tmp/corpus-1000 [--hugo /tmp/hugo-1000]

N controversies across max(1, N/20) threads; each body has ~800 words with headings, a list, a link, and
a citation in every paragraph and list item (`check --strict`: 0 warnings); 4 positions with a cited
confidence_reason, 2–4 proponents and 1–3 sources each; registries of N/5 proponents and 2N sources;
every controversy lists 2 See-also neighbours; updated in 2026. Same N → same bytes.
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
from pathlib import Path

WORDS = (
    "scaling compute data model loss benchmark evidence training inference efficiency parameter token curve "
    "return capability reasoning evaluation cost cluster research claim result trend limit frontier dataset "
    "quality signal progress paper report measure power law regime budget frontier lab analysis argument "
    "the a of and to in that is for on with as by it this from are be at an or which"
).split()
CONFIDENCE = ("low", "medium", "high")
STATUS = ("contested", "leaning", "settled", "dormant")
SOURCE_KINDS = ("paper", "report", "press", "blog", "opinion", "primary", "dataset", "talk")


HUGO_LAYOUTS = {
    # The least a theme does: every post rendered to HTML in a page, lists of posts per section and tag.
    "baseof.html": '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
    '<body>{{ block "main" . }}{{ end }}</body></html>\n',
    "single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2 January 2006" }}</time>'
    '{{ .Content }}<p>{{ range .Params.tags }}<a href="/tags/{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>'
    "</article>{{ end }}\n",
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">'
    "{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
}


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, words: int) -> str:
    out, count = [], 0
    while count < words:
        n = rng.randint(8, 18)
        out.append(sentence(rng, n))
        count += n
    return " ".join(out)


def body(rng: random.Random, cites: list[str]) -> str:
    """~800 words: Context, Key Tensions (with a list and a link), Status; every paragraph and list item cites.

    The citations are taken in turn from ``cites`` (no draw from ``rng``), so the words are those of earlier
    corpora of the same N: only the citations were added (the citation rule, issue 14).
    """
    turn = itertools.count()

    def cite() -> str:
        return f" [@{cites[next(turn) % len(cites)]}]"

    parts = [
        "## Context",
        "",
        paragraph(rng, 150) + cite(),
        "",
        paragraph(rng, 140) + cite(),
        "",
        "## Key Tensions",
        "",
    ]
    for i in range(3):
        parts += [f"**Tension {i + 1}:** " + paragraph(rng, 90) + cite(), ""]
    parts += ["- " + sentence(rng, 10) + cite() for _ in range(4)]
    link = f"https://example.org/analysis/{rng.randint(1, 10**6)}"
    parts += ["", f"See [an external analysis]({link}) for details.{cite()}", ""]
    parts += ["## Status", "", paragraph(rng, 140) + "".join(f" [@{c}]" for c in cites[4:]) + cite(), ""]
    return "\n".join(parts)


def write_corpus(n: int, out: Path, hugo: Path | None = None) -> None:
    rng = random.Random(n)
    threads = max(1, n // 20)
    sources = [f"source-{i:05d}" for i in range(2 * n)]
    proponents = [f"proponent-{i:05d}" for i in range(max(4, n // 5))]
    for folder in (out, hugo):
        if folder is not None and folder.exists():
            shutil.rmtree(folder)
    (out / "threads").mkdir(parents=True)
    (out / "controversies").mkdir()
    (out / "site.yaml").write_text(
        "title: Synthetic Ledger\ntagline: A benchmark corpus\nbase_url: https://example.org/\n"
        "repo_url: https://github.com/example/ledger\nlanguage: en\n"
    )
    (out / "sources.yaml").write_text(
        "".join(
            f"{sid}:\n  title: {sentence(rng, 6)[:-1]}\n  authors: [Author {i % 97}, Author {i % 89}]\n"
            f"  venue: Venue {i % 13}\n  date: {2015 + i % 11}-{1 + i % 12:02d}-{1 + i % 28:02d}\n"
            f"  url: https://example.org/sources/{i}\n  kind: {SOURCE_KINDS[i % len(SOURCE_KINDS)]}\n\n"
            for i, sid in enumerate(sources)
        )
    )
    (out / "proponents.yaml").write_text(
        "".join(
            f"{slug}:\n  name: Proponent {i}\n  kind: {('person', 'organization', 'group')[i % 3]}\n"
            f"  description: {sentence(rng, 8)}\n\n"
            for i, slug in enumerate(proponents)
        )
    )
    for t in range(threads):
        (out / "threads" / f"thread-{t:04d}.md").write_text(
            f"---\ntitle: Thread {t}\nsummary: {sentence(rng, 12)}\nopened: 2020-01-{1 + t % 28:02d}\n---\n"
            f"{paragraph(rng, 80)} [@{sources[t]}]\n"
        )
    if hugo is not None:
        (hugo / "content" / "posts").mkdir(parents=True)
        (hugo / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Synthetic"\n')
        layouts = hugo / "layouts" / "_default"
        layouts.mkdir(parents=True)
        for name, text in HUGO_LAYOUTS.items():
            (layouts / name).write_text(text)
    for c in range(n):
        slug = f"controversy-{c:05d}"
        cites = rng.sample(sources, rng.randint(3, 6))
        positions = []
        for letter in "ABCD":
            who = ", ".join(rng.sample(proponents, rng.randint(2, 4)))
            what = ", ".join(rng.sample(sources, rng.randint(1, 3)))
            claim, level = sentence(rng, 14), rng.choice(CONFIDENCE)
            why = f"{level.capitalize()} because of what its first source shows [@{what.split(', ')[0]}]."  # no draw
            positions.append(
                f"  - id: {letter}\n    claim: {claim}\n    confidence: {level}\n    confidence_reason: {why}\n"
                f"    proponents: [{who}]\n    sources: [{what}]\n"
            )
        see_also = sorted({f"controversy-{(c + d) % n:05d}" for d in (1, 7)} - {slug})
        year, month, day = 2021 + c % 5, 1 + c % 12, 1 + c % 28
        updated = f"2026-{1 + c % 11:02d}-{day:02d}"  # 2026: no page stale (`check` warns a year on)
        title = f"Question {c}: " + sentence(rng, 6)[:-1] + "?"
        text = body(rng, cites)
        (out / "controversies" / f"{slug}.md").write_text(
            f'---\ntitle: "{title}"\nthread: thread-{c % threads:04d}\nkind: empirical\n'
            f"status: {STATUS[c % 4]}\nopened: {year}-{month:02d}-{day:02d}\n"
            f"updated: {updated}\n"
            f"summary: {sentence(rng, 16)}\npositions:\n{''.join(positions)}"
            f"see_also: [{', '.join(see_also)}]\n---\n{text}"
        )
        if hugo is not None:
            (hugo / "content" / "posts" / f"{slug}.md").write_text(
                f'---\ntitle: "{title}"\ndate: {updated}\n'
                f'tags: ["thread-{c % threads:04d}"]\n---\n'
                f"{text}"  # same words; Hugo shows [@id] citations as plain text
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--hugo", type=Path, help="also write the same texts as plain Hugo posts here")
    args = parser.parse_args()
    write_corpus(args.n, args.out, args.hugo)


if __name__ == "__main__":
    main()
