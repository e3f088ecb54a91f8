#!/usr/bin/env python3
"""Time The Ledger's builds on synthetic corpora, and Hugo's on the same texts when ``hugo`` is installed.

    python benchmarks/bench.py --n 1000 10000 --runs 3 [--work /tmp/ledger-bench]

For each N: a cold build (empty output, empty cache), a no-change rebuild (warm cache), an
incremental rebuild after editing one controversy (a new process, warm cache), a pull request's
build (the cache copied as CI restores it, one controversy edited, an empty output folder), and
the same edit rebuilt in-process as ``serve`` does; cold and incremental builds are timed with and
without the Pagefind search index. Each figure is the median of ``--runs`` runs of ``build.py`` in a fresh
process: wall time, files per second and peak RSS (the largest of the build's processes).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "benchmarks"))
from make_corpus import write_corpus  # noqa: E402

sys.path.insert(0, str(PROJECT))
from ledger.reuse.search import pagefind_executable  # noqa: E402

MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime
report = {"wall": wall, "cpu": cpu, "rss_kb": usage.ru_maxrss, "code": result.returncode}
print(json.dumps(report | {"err": result.stderr[-2000:], "out": result.stdout[-2000:]}))
"""
"""Runs one command in a fresh process, so RUSAGE_CHILDREN holds that build's processes only."""


AS_USERS_RUN = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
"""The measured processes' environment: Python's compiled modules kept, as on a contributor's machine or in CI (a
shell that sets PYTHONDONTWRITEBYTECODE makes every process compile the engine again: ~0.25 s each)."""


def measure(command: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True, env=AS_USERS_RUN
    )
    result = json.loads(out.stdout)
    if result["code"] != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result['err']}")
    return result


def build_command(content: Path, out: Path, cache: Path, search: bool) -> list[str]:
    command = [sys.executable, str(PROJECT / "build.py"), "build", "--content", str(content), "--out", str(out)]
    return command + ["--cache", str(cache)] + ([] if search else ["--no-search"])


def edit(content: Path, run: int) -> None:
    """Append a sentence to one controversy's body: a different one each run, so every run has work."""
    page = content / "controversies" / "controversy-00001.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\nEdited for benchmark run {run}.\n", encoding="utf-8")


SERVE_EDIT = """
import re, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from ledger.pipeline import Options, build, tune_garbage_collector
from ledger.serve import collection_deferred
tune_garbage_collector()  # as build.py does
from ledger.reuse.session import BuildSession
session = BuildSession()
options = Options(content=Path(sys.argv[1]), out=Path(sys.argv[2]), cache=Path(sys.argv[3]), search=False)
build(options, session)
page = options.content / "controversies" / "controversy-00001.md"

def paragraph(text, run):
    return text + f"\\nEdited in serve, run {run}.\\n"

def claim(text, run):
    return re.sub(r"claim: (Reworded \\d+ - )?", f"claim: Reworded {run} - ", text, count=1)

for edit in (paragraph, claim):
    times, totals = [], []
    for run in range(int(sys.argv[5])):
        page.write_text(edit(page.read_text(), run))
        after_reload = []  # as serve does: the collector runs, and the data files are written, after the reload
        start = time.perf_counter()
        with collection_deferred(after_reload.append):
            report = build(options, session, after_reload.append)
            times.append(time.perf_counter() - start)
        for work in after_reload:
            work()
        totals.append(time.perf_counter() - start)
    print(sorted(times)[len(times) // 2], report.rendered, sorted(totals)[len(totals) // 2], times[0])
"""
"""The rebuilds ``serve`` does after a save, in a process that already built once (imports warm): a
paragraph added to a body (its page and data change) and a position's claim reworded (every page
listing the controversy changes too: thread, proponents, sources, feeds, index). Timed until the
browser would be told to reload; the work after it (data files, garbage collection) is timed too.
The first save of each kind is reported apart: pieces of pages kept from earlier saves (``fragments.py``)
are not there yet for it."""


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def bench(n: int, runs: int, work: Path, search: bool) -> dict[str, object]:
    content, hugo, out, cache = work / f"content-{n}", work / f"hugo-{n}", work / f"site-{n}", work / f"cache-{n}"
    write_corpus(n, content, hugo)
    result: dict[str, object] = {"n": n}

    def cold(with_search: bool) -> list[dict[str, float]]:
        measured = []
        for _ in range(runs):
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            measured.append(measure(build_command(content, out, cache, with_search)))
        return measured

    cold_runs = cold(False)
    files = sum(1 for p in out.rglob("*") if p.is_file() and "static" not in p.parts)
    result |= {
        "files": files,
        "cold": median(cold_runs, "wall"),
        "cold_rss_mb": max(r["rss_kb"] for r in cold_runs) / 1024,
        "cold_cpu": median(cold_runs, "cpu"),
    }
    unchanged = [measure(build_command(content, out, cache, False)) for _ in range(runs)]
    result["no_change"] = median(unchanged, "wall")
    incremental = []
    for run in range(runs):
        edit(content, run)
        incremental.append(measure(build_command(content, out, cache, False)))
    result["incremental"] = median(incremental, "wall")
    pull_requests = [pull_request(content, cache, out, work / f"pr-{n}", run) for run in range(runs)]
    result |= {"pr": median(pull_requests, "wall"), "pr_cpu": median(pull_requests, "cpu")}
    result["pr_rendered"] = max(int(r["rendered"]) for r in pull_requests)
    serve = subprocess.run(
        [sys.executable, "-c", SERVE_EDIT, str(content), str(out), str(cache), str(PROJECT), str(runs)],
        capture_output=True,
        text=True,
        check=True,
    )
    (body, body_rendered, body_total, _), (claim, claim_rendered, claim_total, claim_first) = (
        line.split() for line in serve.stdout.splitlines()
    )
    result |= {"serve": float(body), "serve_rendered": int(body_rendered), "serve_total": float(body_total)}
    result |= {"serve_claim": float(claim), "serve_claim_rendered": int(claim_rendered)}
    result |= {"serve_claim_total": float(claim_total), "serve_claim_first": float(claim_first)}
    if search:
        result["cold_search"] = median(cold(True), "wall")
        edit(content, runs)
        result["incremental_search"] = measure(build_command(content, out, cache, True))["wall"]
    if shutil.which("hugo"):
        hugo_runs = []
        for _ in range(runs):
            shutil.rmtree(work / f"hugo-out-{n}", ignore_errors=True)
            hugo_runs.append(measure(["hugo", "--quiet", "-s", str(hugo), "-d", str(work / f"hugo-out-{n}")]))
        result |= {"hugo": median(hugo_runs, "wall"), "hugo_cpu": median(hugo_runs, "cpu")}
        result["hugo_rss_mb"] = max(r["rss_kb"] for r in hugo_runs) / 1024
        if search and (pagefind := pagefind_executable()) is not None:  # Hugo's usual search: Pagefind on its output
            site = work / f"hugo-out-{n}"
            indexed = [measure([str(pagefind), "--site", str(site), "--silent"]) for _ in range(runs)]
            result["hugo_pagefind"] = result["hugo"] + median(indexed, "wall")  # type: ignore[operator]
        result["ratio"] = result["cold"] / result["hugo"]  # type: ignore[operator]
        result["pr_ratio"] = result["pr"] / result["hugo"]  # type: ignore[operator]
    return result


def pull_request(content: Path, cache: Path, out: Path, work: Path, run: int) -> dict[str, float]:
    """A pull request's build in CI: the cache restored (copied, as ``actions/cache`` extracts it: new files), one
    controversy edited, no output folder (a fresh checkout; the same path as the builds that made the cache, as in
    CI), in a new process. Only the build is timed; the site published before is put back afterwards."""
    restored, published = work / "cache", work / "published"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(cache, restored, symlinks=True, ignore=shutil.ignore_patterns("spare"))  # CI keeps none
    out.rename(published)
    edit(content, 1000 + run)
    try:
        measured = measure(build_command(content, out, restored, False))
    finally:
        shutil.rmtree(out, ignore_errors=True)
        published.rename(out)
    rendered = re.search(r"\((\d+) rendered\)", measured["out"])
    assert rendered, measured["out"]
    shutil.rmtree(work, ignore_errors=True)
    return measured | {"rendered": float(rendered[1])}


def table(results: list[dict[str, object]]) -> str:
    rows = [
        "| N | files | cold (CPU) | files/s | peak RSS | no change | edit one (new process) "
        "| PR build: cache restored, one controversy edited, fresh output folder (CPU) "
        "| serve: paragraph, until the reload | serve: claim, until the reload | cold + search | edit + search "
        "| Hugo (CPU) | Hugo + Pagefind | ratio to Hugo | PR build's ratio to Hugo's cold build "
        "| cold + search's ratio to Hugo + Pagefind |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def s(value: object) -> str:
        return f"{value:.2f} s" if isinstance(value, float) else "—"

    def ms(value: object) -> str:
        return f"{value * 1000:.0f} ms"  # type: ignore[operator]

    for r in results:
        rows.append(
            f"| {r['n']:,} | {r['files']:,} | {s(r['cold'])} ({s(r['cold_cpu'])}) | "
            f"{r['files'] / r['cold']:,.0f} | "  # type: ignore[operator]
            f"{r['cold_rss_mb']:.0f} MB | {s(r['no_change'])} | {s(r['incremental'])} | "
            f"{s(r['pr'])} ({s(r['pr_cpu'])}; {r['pr_rendered']} rendered) | "
            f"{ms(r['serve'])} ({r['serve_rendered']} files; {ms(r['serve_total'])} in all) | "
            f"{ms(r['serve_claim'])} ({r['serve_claim_rendered']} files; {ms(r['serve_claim_total'])} in all; "
            f"first save {ms(r['serve_claim_first'])}) | "
            f"{s(r.get('cold_search'))} | "
            f"{s(r.get('incremental_search'))} | {s(r.get('hugo'))} ({s(r.get('hugo_cpu'))}) | "
            f"{s(r.get('hugo_pagefind'))} | "
            + (f"{r['ratio']:.2f} | {r['pr_ratio']:.2f}" if "ratio" in r else "no hugo | no hugo")
            + (f" | {r['cold_search'] / r['hugo_pagefind']:.2f}" if "hugo_pagefind" in r else " | —")
            + " |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000], help="corpus sizes (default: 1000 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is reported (default: 3)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/ledger-bench"), help="scratch folder")
    parser.add_argument("--no-search", action="store_true", help="skip the timings with the search index")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    # the engine's modules compiled once, before any timing (a first run would otherwise pay for it)
    compile_all = [sys.executable, "-m", "compileall", "-q", str(PROJECT / "ledger"), str(PROJECT / "build.py")]
    subprocess.run(compile_all, check=True, env=AS_USERS_RUN)
    results = []
    for n in args.n:
        print(f"N = {n:,} …", file=sys.stderr, flush=True)
        results.append(bench(n, args.runs, args.work, not args.no_search))
    check = startup(args.runs)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; medians of {args.runs} runs.\n")
    print(table(results))
    print(f"\n`build.py check` on the shipped content (startup): {check * 1000:.0f} ms")
    if args.json:
        args.json.write_text(json.dumps({"sizes": results, "check_shipped": check}, indent=2) + "\n")


def startup(runs: int) -> float:
    """Median wall time of ``build.py check`` on the shipped content: what a contributor waits for first."""
    command = [sys.executable, str(PROJECT / "build.py"), "check", "--content", str(PROJECT / "content")]
    return statistics.median(measure(command)["wall"] for _ in range(max(runs, 5)))


if __name__ == "__main__":
    main()
