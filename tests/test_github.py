"""GitHub: annotations on a pull request's diff, and links from the site back to the content files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.errors import ContentError
from ledger.github import annotation

from .helpers import FIXTURES, html, make_content, page_file, text

REPO = "https://github.com/the-ledger/ledger"


def test_annotation_names_file_and_line() -> None:
    problem = ContentError("content/sources.yaml", 4, "'url' must be an http:// or https:// URL, got 'ftp://x'")
    assert annotation(problem) == (
        "::error file=content/sources.yaml,line=4::'url' must be an http:// or https:// URL, got 'ftp://x'"
    )


def test_warnings_are_warning_annotations() -> None:
    problem = ContentError("content/x.md", 7, "position A has no sources", "warning")
    assert annotation(problem) == "::warning file=content/x.md,line=7::position A has no sources"


@pytest.mark.parametrize(
    ("path", "message", "expected"),
    [
        ("a.md", "100% sure\r\nnext", "::error file=a.md,line=1::100%25 sure%0D%0Anext"),
        ("dir,odd:name.md", "a: b, c", "::error file=dir%2Codd%3Aname.md,line=1::a: b, c"),
        ("50%.md", "::error::injected", "::error file=50%25.md,line=1::::error::injected"),
    ],
)
def test_annotations_escape_workflow_command_syntax(path: str, message: str, expected: str) -> None:
    assert annotation(ContentError(path, 1, message)) == expected


def test_check_format_github_prints_annotations_on_stdout(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content", overlay=FIXTURES / "invalid" / "bad-confidence")
    expected = (FIXTURES / "invalid" / "bad-confidence" / "expected.txt").read_text().splitlines()

    code, out, err = run(tmp_path, "check", "--format", "github")

    assert code == 1
    lines = out.splitlines()
    assert len(lines) == len(expected) - 1  # every problem, then the count on stderr
    for line, plain in zip(lines, expected, strict=False):
        path, number, message = plain.split(":", 2)
        assert line == f"::error file={path},line={number}::{message.strip()}"
    assert err == expected[-1] + "\n"


def test_check_format_github_reports_warnings_and_passes(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content")
    code, out, _ = run(tmp_path, "check", "--format", "github", "--today", "2030-01-01")
    assert code == 0
    assert out.splitlines()[:2] == [
        "::warning file=content/controversies/first.md,line=7::not updated since 2024-06-01, more than a year "
        "before 2030-01-01: review the page and set 'updated', or set 'status: dormant'",
        "::warning file=content/controversies/second.md,line=7::not updated since 2024-07-01, more than a year "
        "before 2030-01-01: review the page and set 'updated', or set 'status: dormant'",
    ]
    assert out.splitlines()[2].startswith("content: OK")


def test_default_format_is_unchanged(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content", overlay=FIXTURES / "invalid" / "bad-confidence")
    _, out, err = run(tmp_path, "check")
    assert out == ""
    assert err == (FIXTURES / "invalid" / "bad-confidence" / "expected.txt").read_text()


def test_controversy_page_links_to_its_file_on_github(shipped_site: Path) -> None:
    page = html(page_file(shipped_site, "/controversies/scaling-laws-hitting-a-wall/"))
    (aside,) = page.xpath("//aside[@class='contribute']")
    links = {text(a): a.get("href") for a in aside.xpath(".//a")}
    file = "content/controversies/scaling-laws-hitting-a-wall.md"
    assert links["Edit this page"] == f"{REPO}/edit/main/{file}"
    # The positions block of the file: from 'positions:' to the last line of the last position
    # (found in the file itself, so a reworded or added position does not break the test).
    lines = (Path(__file__).parent.parent / file).read_text().splitlines()
    first = lines.index("positions:") + 1
    end = next(n for n, line in enumerate(lines[first:], first) if not line.startswith("  "))
    last = max(n + 1 for n in range(first, end) if lines[n].strip())
    assert links["Propose a position"] == f"{REPO}/blob/main/{file}?plain=1#L{first}-L{last}"
    assert links["how"] == f"{REPO}/blob/main/CONTRIBUTING.md#add-a-position"


def test_every_source_shows_where_it_is_defined(shipped_site: Path) -> None:
    page = html(page_file(shipped_site, "/sources/"))
    entries = page.xpath("//ol[@class='bibliography']/li")
    sources_yaml = (Path(__file__).parent.parent / "content" / "sources.yaml").read_text().splitlines()
    assert len(entries) == sum(1 for line in sources_yaml if line and line[0].isalnum() and line.endswith(":"))
    for entry in entries:
        source_id = entry.get("id").removeprefix("source-")
        (link,) = entry.xpath(".//a[@class='defined-in']")
        line = int(link.get("href").rsplit("#L", 1)[1])
        assert link.get("href") == f"{REPO}/blob/main/content/sources.yaml#L{line}"
        assert text(link) == f"Defined in sources.yaml, line {line}"
        assert sources_yaml[line - 1] == f"{source_id}:"


def test_links_follow_repo_url_and_branch(tmp_path: Path) -> None:
    from ledger.pipeline import Options, build

    content = make_content(tmp_path / "content")
    site_yaml = content / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text().replace("https://github.com/example/ledger", "https://github.com/fork/ledger.git/")
        + "repo_branch: draft/v2\n"
    )
    build(Options(content=content, out=tmp_path / "site"))
    page = html(tmp_path / "site" / "controversies" / "first" / "index.html")
    (edit,) = page.xpath("//a[text()='Edit this page']/@href")
    assert edit == "https://github.com/fork/ledger/edit/draft/v2/content/controversies/first.md"


def test_annotations_carry_no_terminal_escapes() -> None:
    """A file name or message with ESC would recolour or rewrite the CI log around it."""
    line = annotation(ContentError("content/\x1b[2Jx.md", 3, "bad \x1b[31mred\x07 value\nnext"))
    assert line == "::error file=content/\\x1b[2Jx.md,line=3::bad \\x1b[31mred\\x07 value%0Anext"
