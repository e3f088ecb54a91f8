"""``build.py serve``: serves the site, shows content errors in the browser, recovers on fix."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable
from pathlib import Path

from ledger.serve import collection_deferred

from .helpers import PROJECT, fetch, make_content, wait_for


def test_serve_shows_errors_and_recovers(server) -> None:
    base, content = server
    page = base + "controversies/first/"
    status, body = fetch(page)
    assert status == 200 and "Is the First Question Settled?" in body
    assert "livereload.js" in body

    first = content / "controversies" / "first.md"
    good = first.read_text()
    first.write_text(good.replace("confidence: high", "confidence: hgih"))
    wait_for(lambda: fetch(page)[0] == 500)
    status, body = fetch(page)
    assert "content/controversies/first.md:12: &#x27;confidence&#x27; must be one of low, medium, high" in body
    assert fetch(base + "static/style.css")[0] == 200  # assets of the last good site still load

    first.write_text(good.replace("Yes, it is.", "Yes, it is now."))
    wait_for(lambda: fetch(page)[0] == 200)
    assert "Yes, it is now." in fetch(page)[1]


def test_serve_writes_the_data_files_in_the_turn_after_the_reload(server, tmp_path: Path) -> None:
    """The pages are written before the browser is told to reload, the feeds and data right after it."""
    base, content = server
    first = content / "controversies" / "first.md"
    first.write_text(first.read_text().replace("Yes, it is.", "Yes, it is, with data."))
    wait_for(lambda: "Yes, it is, with data." in fetch(base + "controversies/first/")[1])
    for data in ("data/ledger.json", "data/controversies/first.json"):
        wait_for(lambda data=data: "Yes, it is, with data." in fetch(base + data)[1])
    log = (tmp_path / "serve.log").read_text()
    assert "Rebuilt" in log and "Traceback" not in log and "error" not in log


def wait_for_page(url: str, status: int, *texts: str) -> str:
    """Wait until ``url`` answers ``status`` with every one of ``texts`` in its body; return the body."""
    wait_for(lambda: (lambda r: r[0] == status and all(t in r[1] for t in texts))(fetch(url)))
    return fetch(url)[1]


def test_serve_survives_broken_deleted_renamed_half_written_and_new_files(server, tmp_path: Path) -> None:
    """Every way an editor or a git checkout leaves a content folder; each recovers on the next good save."""
    base, content = server
    first, second = content / "controversies" / "first.md", content / "controversies" / "second.md"
    page, other = base + "controversies/first/", base + "controversies/second/"
    good_first, good_second = first.read_text(), second.read_text()

    # A syntax error, then the fix.
    first.write_text(good_first.replace("status: contested", "status: [contested"))
    wait_for_page(page, 500, "content/controversies/first.md:", "YAML syntax error")
    first.write_text(good_first)
    wait_for_page(page, 200, "Is the First Question Settled?")

    # A file saved half-written (truncated mid-YAML), then completed.
    first.write_bytes(good_first.encode()[: len(good_first) // 3])
    wait_for_page(page, 500, "content/controversies/first.md:1: front matter is not closed")
    first.write_text(good_first.replace("Yes, it is.", "Yes, it is, saved in full."))
    wait_for_page(page, 200, "Yes, it is, saved in full.")

    # A deleted file (another page still names it), then restored.
    second.unlink()
    wait_for_page(page, 500, "unknown controversy &#x27;second&#x27; in &#x27;see_also&#x27;")
    second.write_text(good_second)
    wait_for_page(other, 200, "A Second Question?")

    # A deleted registry, then restored.
    sources = content / "sources.yaml"
    good_sources = sources.read_text()
    sources.unlink()
    wait_for_page(page, 500, "content/sources.yaml:1: file is missing")
    sources.write_text(good_sources)
    wait_for_page(page, 200, "Is the First Question Settled?")

    # A file renamed to a name that is no slug, then to a good one (and the page naming it updated).
    second.rename(content / "controversies" / "Second Draft.md")
    wait_for_page(page, 500, "content/controversies/Second Draft.md:1: file name must be a slug")
    (content / "controversies" / "Second Draft.md").rename(content / "controversies" / "renamed.md")
    first.write_text(good_first.replace("see_also: [second]", "see_also: [renamed]"))
    wait_for_page(base + "controversies/renamed/", 200, "A Second Question?")
    assert fetch(other)[0] == 404

    # A new file appearing half-written, then complete.
    third = content / "controversies" / "third.md"
    complete = good_second.replace("A Second Question?", "A Third Question?")
    third.write_text(complete[: complete.index("positions:")])
    wait_for_page(page, 500, "content/controversies/third.md:1: front matter is not closed")
    third.write_text(complete)
    wait_for_page(base + "controversies/third/", 200, "A Third Question?")
    wait_for_page(base, 200, "A Third Question?")

    log = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in log, log[-3000:]


def test_a_template_broken_while_serving_is_shown_and_recovers(tmp_path: Path) -> None:
    """Editing templates under ``serve``: a syntax error is a problem on the page, not a lost rebuild."""
    from ledger.pipeline import Options
    from ledger.serve import DevState

    templates = tmp_path / "templates"
    shutil.copytree(PROJECT / "templates", templates)
    options = Options(content=make_content(tmp_path / "content"), out=tmp_path / "site", templates=templates)
    state = DevState()
    assert state.rebuild(options) and state.error_page() is None
    page = templates / "controversy.html"
    good = page.read_text()
    page.write_text(good.replace("{% endblock %}", "{% endblok %}", 1))
    assert not state.rebuild(options)
    error_page = state.error_page()
    assert error_page is not None and "controversy.html:" in error_page and "template error" in error_page
    page.write_text(good.replace("{% block main %}\n", "{% block main %}\n{{ controversy.titel }}\n", 1))
    assert not state.rebuild(options)
    line = good.split("\n").index("{% block main %}") + 2
    assert f"templates/controversy.html:{line}: template error: " in (state.error_page() or "")
    assert "has no attribute &#x27;titel&#x27;" in (state.error_page() or "")
    page.write_text(good)
    assert state.rebuild(options) and state.error_page() is None


def test_serve_never_answers_with_a_file_outside_the_site(server, tmp_path: Path) -> None:
    """The page handler (which rewrites the CSP) resolves paths itself: '..' must not climb out of site/."""
    import http.client

    base, _ = server
    (tmp_path / "outside.html").write_text("SECRET-OUTSIDE-SITE")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "index.html").write_text("SECRET-OUTSIDE-SITE")
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    for path in ("/../outside.html", "/../outside/", "/%2e%2e/outside.html", "/controversies/../../outside/"):
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
        connection.close()
        assert "SECRET-OUTSIDE-SITE" not in body, path
        assert response.status in (400, 403, 404), (path, response.status)


def test_the_collector_is_paused_for_a_rebuild_until_resumed_after_the_reload() -> None:
    """``serve`` pauses cyclic garbage collection during a rebuild, resumed by its event loop after the reload."""
    assert gc.isenabled()
    with collection_deferred():
        assert not gc.isenabled()
    assert gc.isenabled()  # nothing to wait for (the first build, tests): at once

    scheduled: list[Callable[[], None]] = []  # the server's event loop, in the turn after the reload is sent
    with collection_deferred(scheduled.append):
        assert not gc.isenabled()
    assert not gc.isenabled() and len(scheduled) == 1
    scheduled.pop()()
    assert gc.isenabled()
