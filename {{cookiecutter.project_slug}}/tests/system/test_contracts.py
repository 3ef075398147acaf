"""Every service answers as its OpenAPI document says, whatever it is sent.

schemathesis makes requests from each document, through the gateway: valid ones, and invalid
ones, which must be refused with a 4xx. Every answer is checked against the document (its
status, media type and body), what the document says needs a token is sent without one too,
and no answer may be a 5xx (a 429 from the gateway is an answer the documents give too). The
frontend's client is typed from these documents: a document that is wrong is a wrong type in
the app.

CONTRACT_EXAMPLES sets how many requests each operation gets beyond schemathesis's own
coverage of each parameter's edges (more finds rarer faults, slower).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.system.conftest import SERVICES, new_customer, setting

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance_unless_no_content",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
)
HOOKS = Path(__file__).with_name("contract_checks.py")


@pytest.fixture(scope="module")
def signed_in(gateway: httpx.Client) -> list[str]:
    """The options that send a customer's token, where identity gives them; else none: what
    anyone may do is tested, and that the rest asks for a token."""
    if "identity" not in SERVICES:
        return []
    return ["--header", f"Authorization: Bearer {new_customer(gateway)['access_token']}"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_answer_is_one_the_document_promises(
    gateway: httpx.Client, signed_in: list[str], service: str, tmp_path: Path
):
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "run"),
        str(gateway.base_url.join(f"/api/{service}/swagger.json")),
        *("--checks", ",".join(CHECKS)),
        *("--max-examples", setting("CONTRACT_EXAMPLES", "10")),
        *("--seed", "1"),
        # The gateway's rate limit stays on: past it, wait as its Retry-After says and ask again.
        *("--rate-limit", "auto"),
        *signed_in,
        *("--generation-database", "none"),
        "--no-color",
    ]
    run = subprocess.run(
        command,
        cwd=tmp_path,  # where it would write anything of its own
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)},
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert run.returncode == 0, run.stdout[-10_000:] + run.stderr[-2_000:]
