"""The contributor documentation: generated parts current, examples valid, every rule explained."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from ledger import schema
from ledger.docs import EXAMPLES, content_format
from ledger.generate import DOCS_FILE, stale

from .helpers import PROJECT, SHIPPED

CONTRIBUTING = (PROJECT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_content_format_is_current() -> None:
    assert stale("docs") == [], "run: python build.py docs"


def test_stale_docs_are_detected_and_regenerated(tmp_path: Path, run) -> None:
    shutil.copytree(PROJECT / EXAMPLES, tmp_path / EXAMPLES)
    assert stale("docs", tmp_path) == [DOCS_FILE]
    (tmp_path / DOCS_FILE).parent.mkdir(exist_ok=True)
    (tmp_path / DOCS_FILE).write_text(content_format(tmp_path))
    assert stale("docs", tmp_path) == []


def test_content_format_documents_every_field_with_an_example() -> None:
    page = (PROJECT / DOCS_FILE).read_text(encoding="utf-8")
    for file in schema.CONTENT_FILES:
        assert f"## `{file.path}`" in page
        section = page.split(f"## `{file.path}`")[1].split("\n## ")[0]
        assert "Example (`docs/examples/" in section, f"add an example of {file.path} to docs/examples/"
        for spec in file.record.fields:
            assert f"| `{spec.name}` |" in section
    for choice in (*schema.CONFIDENCE, *schema.STATUS, *schema.SOURCE_KINDS, *schema.PROPONENT_KINDS):
        assert f"`{choice}`" in page


def test_examples_are_valid_content_without_warnings(run) -> None:
    code, out, err = run(PROJECT, "check", "--content", str(EXAMPLES), "--strict", "--today", "2026-03-01")
    assert (code, err) == (0, "")
    assert "OK — 1 controversies, 2 sources, 2 proponents, 0 warnings" in out


def test_example_controversy_uses_every_position_field() -> None:
    text = next((PROJECT / EXAMPLES / "controversies").glob("*.md")).read_text()
    for spec in schema.POSITION.fields:
        assert re.search(rf"^\s+(- )?{spec.name}:", text, re.M), spec.name


@pytest.mark.parametrize(
    ("section", "names", "meanings", "anchor"),
    [
        ("Confidence levels", schema.CONFIDENCE, schema.CONFIDENCE_MEANINGS, "confidence"),
        ("Status", schema.STATUS, schema.STATUS_MEANINGS, "status"),
    ],
)
def test_contributing_names_each_level_and_points_to_its_one_definition(
    section: str, names: tuple[str, ...], meanings: dict[str, str], anchor: str
) -> None:
    """The meanings are written once (ledger/schema.py, shown on /methodology/): CONTRIBUTING names the values
    and links there instead of keeping a second copy that could drift."""
    text = " ".join(CONTRIBUTING.split(f"## {section}\n")[1].split("\n## ")[0].split())
    for name in names:
        assert f"`{name}`" in text
    assert f"({'CONFIDENCE' if anchor == 'confidence' else 'STATUS'}_MEANINGS)" in text.replace("`", "")
    base_url = yaml.safe_load((SHIPPED / "site.yaml").read_text(encoding="utf-8"))["base_url"]
    assert f"({base_url}methodology/#{anchor})" in text
    assert f'id="{anchor}"' in (PROJECT / "templates" / "methodology.html").read_text(encoding="utf-8")
    for meaning in meanings.values():
        assert meaning.split(";")[0].split(",")[0].lower() not in text.lower(), meaning


def test_contributing_anchors_exist() -> None:
    """Links within CONTRIBUTING.md, and the site's 'how' link, point at real headings."""
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")
        for heading in re.findall(r"^#+ (.+)$", CONTRIBUTING, re.M)
    }
    linked = set(re.findall(r"\]\(#([a-z0-9-]+)\)", CONTRIBUTING)) | {"add-a-position"}
    assert linked <= anchors, linked - anchors


def test_contributing_shows_each_new_command() -> None:
    for kind in ("controversy", "position", "source", "proponent"):
        assert f"build.py new {kind}" in CONTRIBUTING


def test_readme_and_contributing_tell_one_set_up_from_the_lock() -> None:
    """Both start with ``make``; CONTRIBUTING's no-make fallback is the Makefile's own install, and the tools
    its editor section names (pre-commit) are in the lock that installs."""
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    set_up = CONTRIBUTING.split("## Set up once")[1].split("\n## ")[0]
    assert "make check" in readme and "make check" in set_up
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    for command in ("-m pip install --require-hashes -r requirements/lock.txt", "-m pip install --no-deps -e ."):
        assert command in set_up
        assert command.replace("requirements/lock.txt", "$(LOCK)").replace("install ", "install --quiet ") in makefile
    assert "pip install -e ." not in set_up.replace("--no-deps -e .", "")  # never the unpinned install
    editor = CONTRIBUTING.split("## Editor support")[1].split("\n## ")[0]
    assert "pre-commit install" in editor
    assert re.search(r"^pre-commit==", (PROJECT / "requirements" / "lock.txt").read_text(), re.M)


def test_adding_a_position_includes_its_history_entry() -> None:
    """Without it the new position never reaches /updates/ or the feeds, and the PR's check asks for it anyway."""
    steps = CONTRIBUTING.split("## Add a position")[1].split("\n## ")[0]
    assert "**Record it in `history:`**" in steps
    assert "change: Position E added." in steps and "sources:" in steps
    template = (PROJECT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert re.search(r"^- \[ \] .*`history:` entry with `sources`", template, re.M)
