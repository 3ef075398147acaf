"""`make bench` never crashes on what wrk prints: what it cannot read, or a run with failures,
becomes a measure it says it could not take, with wrk's own words."""

from __future__ import annotations

import os
import stat

import pytest

from tests.conftest import project_libraries, run
from tests.variants import VARIANTS

# What the suite's bake runs, with a `wrk` of the test's own first on the PATH.
MEASURE = """
from scripts.bench import Unmeasurable, requests_per_second
try:
    print(requests_per_second("http://127.0.0.1:9/", 1, 8, {"Authorization": "Bearer x"}))
except Unmeasurable as error:
    print(f"unmeasurable: {error}")
"""

REPORTS = {
    "latency in a unit of its own": (
        "Running 1s test\n  Latency   1.20m   0.50m\n  12000 requests in 1.00s\nRequests/sec:   12000.00\n",
        "12000.0",
    ),
    "no rate line": ("Running 1s test\n  Latency 1.2ms\nsomething else entirely\n", "unmeasurable: could not read"),
    "failed answers": (
        "Running 1s test\n  Non-2xx or 3xx responses: 37\nRequests/sec:   900.00\n",
        "unmeasurable: http://127.0.0.1:9/ failed under load: Non-2xx or 3xx responses: 37",
    ),
    "socket errors": (
        "Running 1s test\n  Socket errors: connect 8, read 0, write 0, timeout 0\nRequests/sec:   0.00\n",
        "unmeasurable: http://127.0.0.1:9/ failed under load: Socket errors: connect 8",
    ),
    "nothing answered": (
        "Running 1s test\n  0 requests in 1.01s\nRequests/sec:      0.00\n",
        "answered nothing in 1 s",
    ),
    "wrk itself failed": ("", "unmeasurable: could not read"),
}


@pytest.mark.parametrize(("printed", "understood"), REPORTS.values(), ids=REPORTS.keys())
def test_what_wrk_prints_is_read_or_named(bakery, tmp_path, printed, understood):
    project = bakery.project(VARIANTS[0])
    wrk = tmp_path / "wrk"
    wrk.write_text(f"#!/bin/sh\ncat <<'REPORT'\n{printed}REPORT\n{'exit 1' if not printed else ''}\n")
    wrk.chmod(wrk.stat().st_mode | stat.S_IEXEC)

    result = run(
        ["python", "-c", MEASURE],
        cwd=project,
        env={"PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}", **project_libraries(project)},
    )

    assert understood in result.stdout
