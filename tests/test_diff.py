"""``build.py diff``: what a pull request changed in the record, on real git repositories made for each test."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .helpers import make_content

NEW_SOURCE = """
paper-four:
  title: A Fourth Paper (With Parentheses)
  kind: paper
  authors: [Dana Example]
  date: 2024-05-02
  url: https://example.org/paper-four_(v2)
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def edit(repo: Path, name: str, old: str, new: str) -> None:
    file = repo / "content" / name
    text = file.read_text()
    assert old in text, old
    file.write_text(text.replace(old, new, 1))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository on ``main`` whose first commit holds the minimal content."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    make_content(repo / "content")
    commit(repo, "content")
    return repo


def realistic_pr(repo: Path, history: bool = True) -> None:
    """A branch adding position C, moving B's confidence low → medium (with its history entry) and a source."""
    git(repo, "switch", "-q", "-c", "pr")
    (repo / "content/sources.yaml").write_text((repo / "content/sources.yaml").read_text() + NEW_SOURCE)
    edit(
        repo,
        "controversies/first.md",
        "    confidence: low\n    confidence_reason: Low because of what the source shows [@paper-one].\n"
        "    proponents: [big-lab, alice]\n    sources: [paper-one]\n",
        "    confidence: medium\n    confidence_reason: Medium because a fourth paper found it [@paper-four].\n"
        "    proponents: [big-lab, alice]\n    sources: [paper-one, paper-four]\n"
        "  - id: C\n    claim: It depends on the benchmark.\n    confidence: low\n"
        "    confidence_reason: Low because one paper argues it [@paper-four].\n    proponents: [big-lab]\n"
        "    sources: [paper-four]\n",
    )
    if history:
        edit(
            repo,
            "controversies/first.md",
            "see_also: [second]\n",
            "see_also: [second]\nhistory:\n  - date: 2024-05-02\n    position: B\n"
            "    confidence: {from: low, to: medium}\n    reason: A fourth paper found the effect.\n"
            "    sources: [paper-four]\n"
            "  - date: 2024-05-02\n    position: C\n    change: Position C added.\n    sources: [paper-four]\n",
        )
    commit(repo, "a realistic pull request")


def test_diff_names_each_change_to_the_record(repo: Path, run) -> None:
    realistic_pr(repo)
    code, out, err = run(repo, "diff", "main")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Record changes from main to content/: 1 controversy changed, 1 source added."
    assert lines[2:] == [
        "Is the First Question Settled? (content/controversies/first.md)",
        "  ~ position B confidence: low → medium",
        "  ~ position B confidence reason reworded: “Low because of what the source shows [@paper-one].” → "
        "“Medium because a fourth paper found it [@paper-four].”",
        "  + position B source added: paper-four",
        "  + position C added: “It depends on the benchmark.” — confidence low; proponents big-lab; sources paper-four",
        "  + history entry added 2024-05-02: position B: confidence low → medium — A fourth paper found the effect."
        " [sources: paper-four]",
        "  + history entry added 2024-05-02: Position C added. [sources: paper-four]",
        "",
        "Sources (content/sources.yaml)",
        "  + added paper-four: “A Fourth Paper (With Parentheses)” (2024-05-02) https://example.org/paper-four_(v2)",
    ]


def test_diff_compares_with_the_merge_base_by_default(repo: Path, run) -> None:
    realistic_pr(repo)
    git(repo, "switch", "-q", "main")
    git(repo, "switch", "-q", "-c", "other")
    edit(repo, "controversies/first.md", "status: contested", "status: leaning")
    commit(repo, "main moved on after the branch left it")
    git(repo, "branch", "-q", "-f", "main", "other")
    git(repo, "switch", "-q", "pr")
    edit(repo, "controversies/second.md", "title: ", "title: Retitled, ")  # uncommitted: the working tree counts
    code, out, _ = run(repo, "diff")
    assert code == 0
    assert out.startswith("Record changes from " + git(repo, "rev-parse", "--short", "main~1").strip())
    assert "status" not in out  # main's later change is not the branch's
    assert "position C added" in out
    assert "retitled: “A Second Question?” → “Retitled, A Second Question?”" in out
    git(repo, "remote", "add", "origin", str(repo))
    git(repo, "fetch", "-q", "origin", "other:refs/remotes/origin/main")
    code, out, _ = run(repo, "diff")
    assert out.startswith("Record changes from origin/main to content/")
    assert "status: leaning → contested" in out  # origin/main, when there is one, is the base


def test_diff_against_a_folder_and_in_markdown(repo: Path, run, tmp_path: Path) -> None:
    make_content(tmp_path / "before")
    edit(repo, "controversies/first.md", "title: Is the First Question Settled?", "title: Is It *Settled* <b>?")
    code, out, _ = run(repo, "diff", "--against", str(tmp_path / "before"), "--format", "markdown")
    assert code == 0
    assert out.splitlines()[:3] == [
        "## Changes to the record",
        "",
        f"From `{tmp_path / 'before'}` to `content/`: 1 controversy changed.",
    ]
    # nothing a contributor writes becomes markup in the job summary
    assert "### Is It \\*Settled\\* \\<b\\>\\?" in out
    assert "- \\~ retitled: “Is the First Question Settled\\?” → “Is It \\*Settled\\* \\<b\\>\\?”" in out


def test_markdown_links_each_new_source_to_its_url(repo: Path, run) -> None:
    realistic_pr(repo)
    code, out, _ = run(repo, "diff", "main", "--format", "markdown")
    assert code == 0
    assert (
        "- \\+ added `paper-four`: [“A Fourth Paper \\(With Parentheses\\)” (2024-05-02)]"
        "(https://example.org/paper-four_%28v2%29)"
    ) in out


def test_diff_lists_removals_registry_edits_see_also_and_timeline(repo: Path, run) -> None:
    events = "- id: launch\n  date: 2024-03\n  title: A launch\n  description: It launched.\n  sources: [paper-one]\n"
    (repo / "content/events.yaml").write_text(events)
    commit(repo, "an event")
    edit(repo, "controversies/first.md", "see_also: [second]\n", "")
    edit(repo, "controversies/first.md", "Still open [@post-two].", "Closing [@post-two].")
    edit(repo, "sources.yaml", "https://", "https://mirror.")
    edit(repo, "events.yaml", "title: A launch", "title: A delayed launch")
    (repo / "content/proponents.yaml").write_text(
        (repo / "content/proponents.yaml").read_text() + "carol:\n  name: Carol\n  kind: person\n"
    )
    edit(repo, "controversies/first.md", "proponents: [alice]", "proponents: [alice, carol]")
    edit(repo, "threads/main-thread.md", "title: ", "title: Renamed, ")
    code, out, err = run(repo, "diff", "HEAD")
    assert (code, err) == (0, ""), err
    assert "  - see also removed: second" in out
    assert "Threads (content/threads)" in out and "  ~ main-thread title: “" in out
    assert "  ~ body edited: Status" in out  # the section, not the whole body
    assert "  + position A proponent added: carol" in out
    assert "  + added carol: “Carol”" in out
    assert "  ~ launch title: “A launch” → “A delayed launch”" in out
    assert "  ~ paper-one url: “https://arxiv.org/abs/2001.00001” → “https://mirror.arxiv.org/abs/2001.00001”" in out


def test_diff_reports_a_reworded_confidence_reason(repo: Path, run) -> None:
    edit(repo, "controversies/first.md", "High because of what the source shows", "Two trials agree")
    commit(repo, "a reason")
    edit(
        repo, "controversies/first.md", "Two trials agree [@paper-one].", "Three trials agree [@paper-one; @post-two]."
    )
    code, out, err = run(repo, "diff", "HEAD")
    assert (code, err) == (0, "")
    assert out.splitlines()[2:] == [
        "Is the First Question Settled? (content/controversies/first.md)",
        "  ~ position A confidence reason reworded: “Two trials agree [@paper-one].” → "
        "“Three trials agree [@paper-one; @post-two].”",
    ]


def test_diff_reports_content_errors_as_path_line(repo: Path, run) -> None:
    edit(repo, "controversies/first.md", "proponents: [alice]", "proponents: [alicia]")
    code, out, err = run(repo, "diff", "HEAD")
    assert code == 1
    assert out == ""
    assert "content/controversies/first.md:14: unknown proponent 'alicia' (did you mean 'alice'?)" in err
    git(repo, "commit", "-qam", "a broken base")
    edit(repo, "controversies/first.md", "proponents: [alicia]", "proponents: [alice]")
    code, _, err = run(repo, "diff", "HEAD")
    assert code == 1
    assert "HEAD:content/controversies/first.md:14: unknown proponent 'alicia'" in err  # the base's, named as such


def test_diff_refuses_an_unknown_revision_or_no_git(repo: Path, run, tmp_path: Path) -> None:
    code, _, err = run(repo, "diff", "no-such-branch")
    assert code == 2
    assert "unknown revision 'no-such-branch'" in err
    make_content(tmp_path / "plain" / "content")
    code, _, err = run(tmp_path / "plain", "diff", "main")
    assert code == 2
    assert "not inside a git checkout" in err


def test_check_since_requires_a_history_entry_for_a_confidence_change(repo: Path, run) -> None:
    realistic_pr(repo, history=False)
    code, _, err = run(repo, "check", "--since", "main", "--today", "2024-08-01")
    assert code == 1
    assert (
        "content/controversies/first.md:18: position B's confidence changed low → medium with no history entry: "
        "add one under 'history:' (date, position: B, confidence: {from: low, to: medium}, reason, sources)"
    ) in err.splitlines()
    edit(
        repo,
        "controversies/first.md",
        "see_also: [second]\n",
        "see_also: [second]\nhistory:\n  - date: 2024-05-02\n    position: B\n"
        "    confidence: {from: low, to: medium}\n    reason: A fourth paper.\n    sources: [paper-four]\n"
        "  - date: 2024-05-02\n    position: C\n    change: Position C added.\n    sources: [paper-four]\n",
    )
    code, out, err = run(repo, "check", "--since", "main", "--today", "2024-08-01")
    assert (code, err) == (0, "")
    assert "OK" in out


def test_check_since_requires_a_dated_sourced_history_entry_for_a_new_position(repo: Path, run) -> None:
    realistic_pr(repo, history=False)
    code, _, err = run(repo, "check", "--since", "main", "--today", "2024-08-01")
    assert code == 1
    assert (
        "content/controversies/first.md:22: position C was added with no history entry: add one under 'history:' "
        "(date: the day it entered the record, position: C, change: Position C added., sources)"
    ) in err.splitlines()
    history = (
        "history:\n  - date: 2024-05-02\n    position: B\n    confidence: {from: low, to: medium}\n"
        "    sources: [paper-four]\n  - date: 2024-05-02\n    position: C\n    change: Position C added.\n"
    )
    edit(repo, "controversies/first.md", "see_also: [second]\n", "see_also: [second]\n" + history)
    code, _, err = run(repo, "check", "--since", "main", "--today", "2024-08-01")
    assert code == 1
    assert (
        "content/controversies/first.md:34: the history entry recording that position C was added needs 'sources': "
        "the ids behind it"
    ) in err.splitlines()
    edit(
        repo,
        "controversies/first.md",
        "    change: Position C added.\n",
        "    change: Position C added.\n    sources: [paper-four]\n",
    )
    code, _, err = run(repo, "check", "--since", "main", "--today", "2024-08-01")
    assert (code, err) == (0, "")
    git(repo, "commit", "-qam", "position C, recorded")
    (repo / "content/controversies/third.md").write_text(
        (repo / "content/controversies/second.md").read_text().replace("A Second Question?", "A Third Question?")
    )
    code, _, err = run(repo, "check", "--since", "HEAD", "--today", "2024-08-01")
    assert (code, err) == (0, "")  # a new controversy's positions arrive with it: its 'opened' dates them


def test_check_since_requires_a_status_entry_from_the_base_level_with_sources(repo: Path, run) -> None:
    edit(repo, "controversies/first.md", "status: contested", "status: settled")
    code, _, err = run(repo, "check", "--since", "HEAD", "--today", "2024-08-01")
    assert code == 1
    assert (
        "content/controversies/first.md:5: status changed contested → settled with no history entry: add one under "
        "'history:' (date, status: {from: contested, to: settled}, reason, sources)"
    ) in err
    history = "history:\n  - date: 2024-05-02\n    status: {from: leaning, to: settled}\n    reason: Agreed.\n"
    edit(repo, "controversies/first.md", "see_also: [second]\n", "see_also: [second]\n" + history)
    code, _, err = run(repo, "check", "--since", "HEAD", "--today", "2024-08-01")
    assert code == 1
    assert "content/controversies/first.md:25: status was 'contested' at HEAD, but its new history entry" in err
    assert "first.md:24: the history entry recording the change of status needs 'sources'" in err


def test_check_since_requires_a_reworded_reason_when_a_confidence_moves(repo: Path, run) -> None:
    """The page shows "Why medium: …" above the reason: a level that moves under an unchanged reason would be
    explained by the old level's argument."""
    reason = "    confidence_reason: Low because of what the source shows [@paper-one].\n"
    edit(repo, "controversies/first.md", "    confidence: low\n" + reason, "    confidence: medium\n" + reason)
    history = (
        "history:\n  - date: 2024-05-02\n    position: B\n    confidence: {from: low, to: medium}\n"
        "    reason: The paper was replicated.\n    sources: [paper-one]\n"
    )
    edit(repo, "controversies/first.md", "see_also: [second]\n", "see_also: [second]\n" + history)
    code, _, err = run(repo, "check", "--since", "HEAD", "--today", "2024-08-01")
    assert code == 1
    line = (repo / "content/controversies/first.md").read_text().splitlines().index(reason.rstrip("\n")) + 1
    assert (
        f"content/controversies/first.md:{line}: position B's confidence changed low → medium but its "
        "confidence_reason is unchanged: say, with its sources, why the evidence now makes it medium"
    ) in err.splitlines()
    edit(repo, "controversies/first.md", reason, "    confidence_reason: Medium since a replication [@paper-one].\n")
    code, _, err = run(repo, "check", "--since", "HEAD", "--today", "2024-08-01")
    assert (code, err) == (0, "")
