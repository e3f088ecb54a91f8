"""The GitHub workflows: valid against GitHub's schema, audited by zizmor, and doing what CONTRIBUTING.md says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from .helpers import PROJECT

WORKFLOWS = PROJECT / ".github" / "workflows"
BIN = Path(sys.executable).parent


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def steps(name: str) -> list[dict]:
    return [step for job in workflow(name)["jobs"].values() for step in job["steps"]]


def test_workflows_match_githubs_workflow_schema() -> None:
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(files) == 2
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_of_medium_or_high_severity() -> None:
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--min-severity", "medium", "--no-progress", str(WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout


def test_every_action_is_pinned_to_a_full_commit_sha() -> None:
    for file in WORKFLOWS.glob("*.yml"):
        for line in file.read_text().splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_check_workflow_annotates_tests_and_builds_pull_requests() -> None:
    check = workflow("check.yml")
    assert list(check[True]) == ["pull_request"]  # YAML 1.1 reads the key 'on' as True
    assert check["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in steps("check.yml")]
    assert ".venv/bin/python build.py check --format github" in runs
    assert "make test" in runs
    assert any("build.py build" in run for run in runs)


def test_deploy_workflow_publishes_main_with_least_privilege() -> None:
    deploy = workflow("deploy.yml")
    assert deploy[True]["push"] == {"branches": ["main"]}
    assert deploy["permissions"] == {}
    jobs = deploy["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    uses = [step["uses"].split("@")[0] for step in steps("deploy.yml") if "uses" in step]
    assert uses == [
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]
    (build,) = [step for step in steps("deploy.yml") if step.get("name") == "Build"]
    assert build["env"] == {"BASE_URL": "${{ steps.pages.outputs.base_url }}"}
    assert build["run"] == '.venv/bin/python build.py build --base-url "${BASE_URL%/}/"'


def test_deploy_base_url_expansion_gives_a_project_site_path() -> None:
    """The shell expansion in deploy.yml turns configure-pages' base_url into the --base-url the build needs."""
    for given in ("https://owner.github.io/ledger", "https://owner.github.io/ledger/"):
        result = subprocess.run(
            ["bash", "-c", 'printf %s "${BASE_URL%/}/"'], env={"BASE_URL": given}, capture_output=True, text=True
        )
        assert result.stdout == "https://owner.github.io/ledger/"


def test_pull_request_template_has_the_checklist() -> None:
    template = (PROJECT / ".github" / "pull_request_template.md").read_text()
    boxes = re.findall(r"^- \[ \] (.+)$", template, re.M)
    assert len(boxes) >= 5
    assert any("build.py check" in box for box in boxes)
    assert any("TODO:" in box for box in boxes)
