"""`make trace` refuses what is no trace id and says what to do where there is nothing to read;
what it reads, it shows as the processes logged it (the booted system's test, test_boot, reads
a whole saga with it)."""

from __future__ import annotations

import shutil
import sys

import pytest

from tests.conftest import run
from tests.variants import VARIANTS


@pytest.fixture
def project(bakery, tmp_path):
    """The tools of the default bake, in a folder of the test's own: its .run/ is this test's."""
    (default,) = [variant for variant in VARIANTS if variant.id == "default"]
    shutil.copytree(bakery.project(default) / "scripts", tmp_path / "scripts")
    return tmp_path


def trace(project, *arguments):
    return run([sys.executable, "-m", "scripts.trace", *arguments], cwd=project, check=False)


@pytest.mark.parametrize("arguments", [[], ["not-a-trace"], ["0af7651916cd43dd8448eb211c80319"], ["a", "b"]])
def test_what_is_no_trace_id_is_refused_with_the_usage(project, arguments):
    refused = trace(project, *arguments)

    assert refused.returncode == 2
    assert refused.stderr == "usage: make trace ID=<a trace id: 32 hexadecimal digits>\n"


def test_without_a_log_or_a_span_it_says_where_they_come_from(project):
    log = project / ".run/logs/dev.log"
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    log.unlink(missing_ok=True)

    missing = trace(project, trace_id)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text('12:00:00 orders.1 | {"message": "span GET", "span": {"trace_id": "' + "f" * 32 + '"}}\nnot json\n')
    other = trace(project, trace_id.upper())

    assert (missing.returncode, missing.stderr) == (1, ".run/logs/dev.log does not exist: `make dev` writes it.\n")
    assert other.returncode == 1
    assert f"No span of trace {trace_id} in .run/logs/dev.log" in other.stderr
    assert "OTEL_TRACES_EXPORTER=console" in other.stderr
