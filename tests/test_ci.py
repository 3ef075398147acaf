"""Every generated CI pipeline is valid for its service, and runs what the project needs:
lint, the chassis's and each service's tests, the booted system, a gated deploy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import TEMPLATE_DIR, Bakery, run
from tests.variants import VARIANTS, Variant

PINNED_ACTION = re.compile(r"^[\w.-]+/[\w.-]+@v\d+\.\d+\.\d+$")


def using(tool: str) -> list[Variant]:
    return [variant for variant in VARIANTS if variant.answers.get("ci_tool", "github") == tool]


def check_schema(schema: str, path: Path) -> None:
    run(["check-jsonschema", "--builtin-schema", schema, path], cwd=path.parent)


def test_the_chosen_pipeline_and_no_other(baked, variant):
    tool = variant.answers.get("ci_tool", "github")

    assert (baked / ".github").exists() == (tool == "github")
    assert (baked / ".gitlab-ci.yml").exists() == (tool == "gitlab")
    # It names no service: what it runs finds them in services/, so a service added later
    # is tested, built and deployed with the others.
    pipelines = [*baked.glob(".github/workflows/*.yml"), *baked.glob(".gitlab-ci.yml")]
    for service in (path.parent.name for path in baked.glob("services/*/manage.py")):
        assert not [path.name for path in pipelines if re.search(rf"\b{service}\b", path.read_text())], service


@pytest.mark.parametrize("variant", using("github"), ids=lambda variant: variant.id)
def test_github_workflow_is_valid_pinned_and_least_privileged(bakery: Bakery, variant):
    path = bakery.project(variant) / ".github/workflows/ci.yml"
    check_schema("vendor.github-workflows", path)
    github_workflow = yaml.safe_load(path.read_text())
    jobs = github_workflow["jobs"]

    assert list(jobs) == ["lint", "test", "system", "deploy"]
    assert jobs["system"]["needs"] == "test"
    # What passes is what the developer's make lint and make test say.
    assert [step["run"] for step in jobs["lint"]["steps"] if "run" in step] == ["make lint"]
    assert next(step["run"] for step in jobs["test"]["steps"] if "run" in step) == "make test"
    assert github_workflow["permissions"] == {"contents": "read"}
    assert "cancel-in-progress" in github_workflow["concurrency"]
    for name, job in jobs.items():
        assert job["timeout-minutes"] <= 30, name
        for step in job["steps"]:
            assert "uses" not in step or PINNED_ACTION.match(step["uses"]), step["uses"]
    assert {"postgres", "rabbitmq", "redis"} <= jobs["test"]["services"].keys()
    assert "refs/heads/main" in jobs["deploy"]["if"]
    applies = any("apply --kustomize" in step.get("run", "") for step in jobs["deploy"]["steps"])
    assert applies == (variant.answers.get("use_kubernetes", "yes") == "yes")


@pytest.mark.parametrize("variant", using("gitlab"), ids=lambda variant: variant.id)
def test_gitlab_pipeline_is_valid_and_complete(bakery: Bakery, variant):
    path = bakery.project(variant) / ".gitlab-ci.yml"
    check_schema("vendor.gitlab-ci", path)
    pipeline = yaml.safe_load(path.read_text())

    assert pipeline["stages"] == ["lint", "test", "system", "deploy"]
    # What passes is what the developer's make targets say: make lint and make test, in parts.
    assert pipeline["lint"]["script"] == ["make lint-python lint-rules"]
    assert pipeline["test"]["script"] == ["make test-services"]
    assert "$CI_DEFAULT_BRANCH" in pipeline["deploy"]["rules"][0]["if"]
    with_frontend = variant.answers.get("frontend") == "react"
    assert ("frontend" in pipeline) == with_frontend
    if with_frontend:
        assert pipeline["frontend"]["script"] == ["make lint-frontend test-frontend frontend"]


def test_the_templates_own_workflow_runs_the_readme_test_command():
    path = TEMPLATE_DIR / ".github/workflows/ci.yml"
    check_schema("vendor.github-workflows", path)
    workflow = yaml.safe_load(path.read_text())

    (job,) = workflow["jobs"].values()
    (test_step,) = [step for step in job["steps"] if step.get("run") == "make test"]
    assert test_step["env"]["CHROMIUM"]
    assert workflow["permissions"] == {"contents": "read"}
