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


@pytest.mark.parametrize("variant", using("github"), ids=lambda variant: variant.id)
def test_github_workflow_is_valid_pinned_and_least_privileged(bakery: Bakery, variant):
    path = bakery.project(variant) / ".github/workflows/ci.yml"
    check_schema("vendor.github-workflows", path)
    github_workflow = yaml.safe_load(path.read_text())
    jobs = github_workflow["jobs"]

    with_frontend = variant.answers.get("frontend") == "react"
    assert list(jobs) == ["lint", "test", *(["frontend"] if with_frontend else []), "system", "deploy"]
    assert jobs["system"]["needs"] == (["test", "frontend"] if with_frontend else "test")
    assert github_workflow["permissions"] == {"contents": "read"}
    assert "cancel-in-progress" in github_workflow["concurrency"]
    for name, job in jobs.items():
        assert job["timeout-minutes"] <= 30, name
        for step in job["steps"]:
            assert "uses" not in step or PINNED_ACTION.match(step["uses"]), step["uses"]
    tested = [entry["name"] for entry in jobs["test"]["strategy"]["matrix"]["include"]]
    assert tested == ["chassis", *variant.services]
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
    (targets,) = pipeline["test"]["parallel"]["matrix"]
    assert targets["TARGET"] == ["chassis", *variant.services]
    assert "$CI_DEFAULT_BRANCH" in pipeline["deploy"]["rules"][0]["if"]
    assert ("frontend" in pipeline) == (variant.answers.get("frontend") == "react")


def test_the_templates_own_workflow_runs_the_readme_test_command():
    path = TEMPLATE_DIR / ".github/workflows/ci.yml"
    check_schema("vendor.github-workflows", path)
    workflow = yaml.safe_load(path.read_text())

    (job,) = workflow["jobs"].values()
    (test_step,) = [step for step in job["steps"] if step.get("run") == "make test"]
    assert test_step["env"]["CHROMIUM"]
    assert workflow["permissions"] == {"contents": "read"}
