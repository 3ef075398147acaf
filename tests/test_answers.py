"""Bad answers stop generation with one clear line and leave nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TEMPLATE_DIR, bake, run
from tests.variants import INVALID_ANSWERS, INVALID_CHOICES


def cookiecutter_cli(tmp_path: Path, config: Path, answers: dict[str, str]):
    output = tmp_path / "out"
    output.mkdir()
    command = ["cookiecutter", "--no-input", "--config-file", config, "--output-dir", output, TEMPLATE_DIR]
    command += [f"{key}={value}" for key, value in answers.items()]
    return run(command, cwd=tmp_path, check=False), output


@pytest.mark.parametrize(("answers", "message"), INVALID_ANSWERS, ids=lambda value: str(value)[:40])
def test_invalid_answer_stops_generation_with_its_message(tmp_path, cookiecutter_config, answers, message):
    result, output = cookiecutter_cli(tmp_path, cookiecutter_config, answers)

    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR: ") and "hook" not in line]
    assert len(errors) == 1, result.stderr
    assert message in errors[0]
    assert list(output.iterdir()) == [], "a refused answer left files behind"


@pytest.mark.parametrize(("answers", "message"), INVALID_CHOICES, ids=lambda value: str(value)[:40])
def test_answer_outside_the_choices_is_refused_naming_them(tmp_path, cookiecutter_config, answers, message):
    result, output = cookiecutter_cli(tmp_path, cookiecutter_config, answers)

    assert result.returncode != 0
    assert message in result.stderr
    assert "but the choices are" in result.stderr
    assert list(output.iterdir()) == []


def test_project_slug_is_derived_from_the_name(tmp_path, cookiecutter_config):
    project = bake(tmp_path, cookiecutter_config, project_name="Northwind Traders 2.0")

    assert project.name == "northwind_traders_2_0"
