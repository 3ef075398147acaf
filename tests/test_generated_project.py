"""A generated project keeps its README's promises on this machine: from its own
Makefile and a fresh virtualenv, `make test`, then `make dev` with `make system-test`
against it, then `make unprovision`, which leaves nothing behind."""

from __future__ import annotations

import json
import re
import shutil
import socket
import urllib.request

import pytest
from dotenv import dotenv_values

from tests.conftest import bake, project_libraries, run, unique_name
from tests.native import SHOP_STEPS, NativeRun, assert_the_load_held, assign_free_ports, leftovers, redis_keys

SERVICES = ("catalog", "identity", "notifications", "orders")


@pytest.mark.slow(seconds=250)
def test_the_readme_commands_work_from_a_fresh_checkout(tmp_path, cookiecutter_config):
    slug = unique_name()
    project = bake(tmp_path, cookiecutter_config, project_slug=slug)
    gateway = assign_free_ports(project)
    try:
        tests = run(["make", "test"], cwd=project, timeout=900)
        kept_by_the_tests = redis_keys(slug)
        vhosts = run(["rabbitmqctl", "--quiet", "list_vhosts", "--no-table-headers"], cwd=project).stdout
        with NativeRun(["make", "dev"], project, gateway) as system:
            system.wait_until_ready(announced=True)
            with urllib.request.urlopen(f"{gateway}/registry", timeout=5) as response:
                registry = json.load(response)
            system_tests = run(["make", "system-test"], cwd=project)
            # `make load`, briefly, on the system the suite has just been through.
            load = run(["make", "load", "LOAD_USERS=8", "LOAD_SECONDS=15"], cwd=project)
        # `make bench`, small (it boots the system itself, once make dev has stopped): it runs,
        # measures everything, cleans up after itself, and reports every event. Its figures are
        # not checked: a test on two noisy cores cannot judge them.
        options = "--rounds 1 --seconds 1 --events-rate 50 --events-seconds 1"
        options += " --events-burst 300 --events-concurrent 200 --events-rounds 2"
        scratch = project / ".run/tmp"
        shutil.rmtree(scratch)  # make dev's: what is there next is the bench's
        bench = run(["make", "bench", f"BENCH_OPTIONS={options}"], cwd=project)
        # The bench's processes kept their temporary files in the project, as make dev's do.
        bench_beats = sorted(path.name for path in scratch.glob("*-celerybeat-schedule*"))
    finally:
        run(["make", "unprovision"], cwd=project)

    for service in SERVICES:
        assert f"{service}: database {slug}_{service} ready" in tests.stdout
        # make test is what CI runs: production's deploy checks and the migrations too.
        assert f"== {service}: deploy checks" in tests.stdout
        assert f"== {service}: migrations" in tests.stdout
    # The chassis and four services, each all passed, no warning, nothing skipped.
    summaries = re.findall(r"^=* ?\d+ (?:passed|failed|error).*$", tests.stdout, re.MULTILINE)
    assert tests.stdout.count(" passed in ") == 5, summaries
    assert " failed" not in tests.stdout
    assert " skipped" not in tests.stdout
    # What the services' tests stored in Redis went with them (make dev has not started yet).
    assert kept_by_the_tests == []
    # The event catalog names the virtual host the services really use.
    asyncapi = json.loads((project / "docs/asyncapi.json").read_text())
    assert {server["pathname"] for server in asyncapi["servers"].values()} == {f"/{slug}"}
    assert slug in vhosts.splitlines()
    # make dev filled the empty shop and said whom to sign in as.
    env = dotenv_values(project / ".env")
    banner = system.output()
    assert "Catalog: 25 products (EUR)." in banner
    assert "Orders: one confirmed, one cancelled, for the demo customer." in banner
    assert f"Staff     {env['IDENTITY_STAFF_EMAIL']}  password {env['IDENTITY_STAFF_PASSWORD']}" in banner
    assert f"Customer  {env['DEMO_CUSTOMER_EMAIL']}  password {env['DEMO_CUSTOMER_PASSWORD']}" in banner
    assert "Traces    off: set OTEL_EXPORTER_OTLP_ENDPOINT" in banner
    # The registry says where traces and metrics are, as the banner does.
    assert f"Traces    {registry['traces']}\n" in banner
    assert f"Metrics   {registry['metrics']}\n" in banner
    assert registry["metrics"].startswith("Prometheus, http://127.0.0.1:")  # make test installs it
    assert " passed" in system_tests.stdout
    assert "tests/system/test_contracts.py ...." in system_tests.stdout  # each of the four services
    assert " skipped" not in system_tests.stdout
    assert_the_load_held(load.stdout, [*SHOP_STEPS, "GET notifications: mine"])
    assert "  stock              adds up\n" in load.stdout
    assert re.search(r"^  orders placed +[1-9]", load.stdout, re.MULTILINE)
    measures = [line.split("|")[1].strip() for line in bench.stdout.splitlines() if line.startswith("| ")]
    assert measures == [
        "measure",
        "cold boot: processes started to every service ready",
        "catalog: cached page",
        "tracing on (10% kept): catalog's cached page, traced / untraced",
        "tracing on: throughput kept if CPU-bound, from CPU time",
        "gateway: cached page, through it / direct",
        "gateway: throughput kept if CPU-bound, from CPU time",
        "catalog: first page read after a write",
        "orders: a customer's list (database, signed in)",
        "notifications: a customer's list (database, signed in)",
        "events: consumer handling rate",
        "events: relay publish rate",
        "events: latency p50, outbox → handled",
        "events: lost or applied twice, 8 writers",
    ]
    assert "not measured" not in bench.stdout + bench.stderr
    assert "latency at 50 events/s for 1 s" in bench.stdout
    assert "(100 of 100 handled)" in bench.stdout  # two rounds of 50
    assert "300 events committed at once, 1 consumer(s)" in bench.stdout
    assert "(600 of 600)" in bench.stdout
    assert "400 events from 8 writers committing out of order" in bench.stdout
    assert "0 lost, 0 applied twice" in bench.stdout
    assert {name.split("-")[0] for name in bench_beats} == {"catalog", "notifications"}, bench_beats
    assert leftovers(slug) == []
    assert list(project.glob("services/*/.env")) == []


def test_provisioning_without_postgres_says_what_is_missing(tmp_path, cookiecutter_config):
    project = bake(tmp_path, cookiecutter_config, services="inventory", auth_provider="keycloak")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    result = run(
        ["python", "-m", "scripts.provision"],
        cwd=project,
        env={**project_libraries(project), "POSTGRES_ADMIN_URL": f"postgres://postgres@127.0.0.1:{port}/postgres"},
        check=False,
    )

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: PostgreSQL is not answering at 127.0.0.1:{port} (POSTGRES_ADMIN_URL in .env): start it, "
        "e.g. `pg_ctlcluster <version> main start` or `brew services start postgresql`."
    ]
