"""The versions a generated project pins are the versions this suite tests it with."""

from __future__ import annotations

import tomllib
from importlib.metadata import version

from packaging.requirements import Requirement

from tests.conftest import bake


def pinned(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for line in requirements:
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{line} is not pinned"
        pins[requirement.name] = specifier.version
    return pins


def test_generated_pins_match_the_suite(tmp_path, cookiecutter_config):
    # With the frontend, whose end-to-end tests add Playwright.
    project = bake(tmp_path, cookiecutter_config, frontend="react")
    chassis, testing = (
        tomllib.loads((project / "libs" / lib / "pyproject.toml").read_text())["project"]
        for lib in ("chassis", "testing")
    )
    dev_tools = [
        line
        for line in (project / "requirements-dev.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]

    our_own = {"chassis"}
    testing_pins = [line for line in testing["dependencies"] if line not in our_own]
    pins = pinned(chassis["dependencies"] + testing_pins + dev_tools)

    assert {name: version(name) for name in pins} == pins
