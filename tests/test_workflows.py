"""The GitHub workflows: valid against GitHub's schema, audited by zizmor, and doing what CONTRIBUTING.md says."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
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
    assert len(files) == 4
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_config_matches_its_schema_and_watches_actions_pip_and_npm() -> None:
    config = PROJECT / ".github" / "dependabot.yml"
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.dependabot", str(config)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    ecosystems = {u["package-ecosystem"] for u in yaml.safe_load(config.read_text())["updates"]}
    assert ecosystems == {"github-actions", "pip", "npm"}


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


def test_check_workflow_checks_content_fast_with_no_browser() -> None:
    check = workflow("check.yml")
    assert list(check[True]) == ["pull_request"]  # YAML 1.1 reads the key 'on' as True; every PR
    assert check["permissions"] == {"contents": "read"}
    (job,) = check["jobs"].values()
    assert job["timeout-minutes"] <= 10
    assert job["steps"][0]["with"] == {"persist-credentials": False, "fetch-depth": 2}  # HEAD^1 is the base
    runs = " ".join(step.get("run", "") for step in job["steps"])
    assert "make test" not in runs and "chromium" not in runs and "tests/browser" not in runs
    assert (
        "git diff --name-only -z HEAD^1 HEAD | xargs -0 .venv/bin/python build.py check --strict --format github "
        "--since HEAD^1 --only-files" in runs
    )
    assert '.venv/bin/python build.py diff HEAD^1 --format markdown >> "$GITHUB_STEP_SUMMARY"' in runs
    assert ".venv/bin/python build.py build" in runs
    assert "tests/test_output_valid.py" in runs  # the link, Nu HTML checker and feed checks
    (upload,) = [step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["path"] == "site"


def test_tests_workflow_runs_the_whole_suite_when_anything_but_content_changed() -> None:
    tests = workflow("tests.yml")
    assert tests[True] == {"pull_request": {"paths-ignore": ["content/**"]}}
    assert tests["permissions"] == {"contents": "read"}
    assert [step["run"] for step in steps("tests.yml") if "run" in step] == ["make test"]


def test_every_install_in_ci_and_make_uses_the_hashed_lock() -> None:
    makefile = (PROJECT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes -r $(LOCK)" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
    (install,) = [step["run"] for step in steps("deploy.yml") if step.get("name") == "Install"]
    assert "pip install --require-hashes -r requirements/lock.txt" in install
    assert "pip install --no-deps ." in install
    for name in ("check.yml", "tests.yml", "deploy.yml"):
        for run in (step.get("run", "") for step in steps(name)):
            assert "pip install" not in run or "--require-hashes" in run or "--no-deps" in run, run


def test_the_lock_pins_every_dependency_with_hashes() -> None:
    """A dependency added to pyproject.toml without ``make lock`` would fail the hashed install in CI."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    lock = (PROJECT / "requirements" / "lock.txt").read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9._-]+)==([^\s;]+)(?: ;[^\\]*)? \\$", lock, re.M))
    normal = {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in pins.items()}
    for requirement in wanted:
        name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()
        assert name in normal, f"{requirement} is not in requirements/lock.txt: run make lock"
    entries = [e for e in re.split(r"\n(?=[A-Za-z0-9])", lock) if not e.startswith("#")]
    assert len(entries) == len(pins)
    assert all("--hash=sha256:" in entry for entry in entries)


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
        "actions/cache",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]
    (build,) = [step for step in steps("deploy.yml") if step.get("name") == "Build"]
    assert build["env"] == {"BASE_URL": "${{ steps.pages.outputs.base_url }}"}
    assert build["run"] == '.venv/bin/python build.py build --base-url "${BASE_URL%/}/"'


def test_the_build_cache_is_restored_and_saved_by_engine_templates_static_files_and_lock() -> None:
    """A pull request restores main's latest cache (deploy.yml keeps both sites in it) or its own previous run's;
    a change to the engine, templates, static files or locked dependencies makes another key: a clean start."""
    inputs = "${{ hashFiles('ledger/**', 'templates/**', 'static/**', 'requirements/lock.txt') }}"
    prefix = "ledger-build-${{ runner.os }}-" + inputs + "-"
    for name in ("check.yml", "deploy.yml"):
        names = [step.get("name") for step in steps(name)]
        (cache,) = [step for step in steps(name) if step.get("uses", "").startswith("actions/cache@")]
        assert cache["with"] == {"path": ".ledger-cache", "key": prefix + "${{ github.sha }}", "restore-keys": prefix}
        assert names.index(cache["name"]) < names.index("Build")  # saved when the job ends, built
    names = [step.get("name") or step["uses"].split("@")[0] for step in steps("deploy.yml")]
    (pr_site,) = [step["run"] for step in steps("deploy.yml") if step.get("name", "").startswith("Keep the site")]
    assert pr_site == "rm -rf site && .venv/bin/python build.py build --no-search"  # check.yml's site, folder, cache
    assert names.index("actions/upload-pages-artifact") < names.index(
        "Keep the site as pull requests build it in the cache"
    )  # once the published site is uploaded


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


def test_the_check_steps_work_on_a_pull_requests_merge_commit(tmp_path: Path) -> None:
    """The content job's own commands, run as GitHub runs them: on the merge commit, HEAD^1 being the base."""
    import datetime as dt

    from .helpers import make_content
    from .test_diff import commit, edit, git

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    make_content(repo / "content")
    commit(repo, "base")
    git(repo, "switch", "-q", "-c", "pr")
    edit(repo, "controversies/first.md", "confidence: low", "confidence: medium")
    edit(repo, "controversies/first.md", "updated: 2024-06-01", f"updated: {dt.date.today()}")
    commit(repo, "B moves, with no history entry")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "pr")  # what actions/checkout checks out for a PR
    (job,) = workflow("check.yml")["jobs"].values()
    python = f"{sys.executable} {PROJECT / 'build.py'}"
    check, summary = (
        next(step["run"] for step in job["steps"] if step.get("name") == name).replace(
            ".venv/bin/python build.py", python
        )
        for name in ("Check content", "Summarise the changes to the record")
    )
    result = subprocess.run(["bash", "-c", check], cwd=repo, capture_output=True, text=True)
    assert result.returncode == 123  # xargs' code when the command failed: the step fails
    # second.md is stale too, but the PR did not touch it: no annotation, and --strict does not fail on it
    assert result.stdout.splitlines() == [
        "::error file=content/controversies/first.md,line=18::position B's confidence changed low → medium with no "
        "history entry: add one under 'history:' (date, position: B, confidence: {from: low, to: medium}, "
        "reason, sources)",
        "::error file=content/controversies/first.md,line=19::position B's confidence changed low → medium but its "
        "confidence_reason is unchanged: say, with its sources, why the evidence now makes it medium",
    ]
    env = {"PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    result = subprocess.run(["bash", "-c", summary], cwd=repo, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "- \\~ position B confidence: low → medium" in (tmp_path / "summary.md").read_text()


def test_links_workflow_checks_weekly_and_reports_in_the_job_summary() -> None:
    links = workflow("links.yml")
    assert set(links[True]) == {"schedule", "workflow_dispatch"}  # never on a pull request or a push
    assert links[True]["schedule"] == [{"cron": "17 6 * * 1"}]
    assert links["permissions"] == {"contents": "read"}
    (run,) = [step["run"] for step in steps("links.yml") if step.get("name") == "Check links"]
    assert ".venv/bin/python build.py links > links.txt 2>&1" in run
    assert '>> "$GITHUB_STEP_SUMMARY"' in run and 'exit "$status"' in run
