"""Measure the native system (`make bench`) against references measured in the same run, and
print one table (see scripts.bench_table). Asserts nothing.

It boots its own copy of Procfile.dev on the ports in .env (stop `make dev` first), with the
gateway's rate limit lifted so that it measures the proxy, not the limiter, and each web
process serving chassis.benchmark: the service's own application plus ``/bench/reference``,
a DRF endpoint that returns a constant, which every HTTP measure is taken against. Measures
and their references alternate in short rounds, and each ratio is the median of the rounds'
own ratios, with its interquartile range: on a small machine one long run is mostly noise,
and pairing runs cancels the machine's drift. The measures that sign in seed the demo shop
first if it is empty (`make seed`), and leave its stock as they found it. The event bus's half
is scripts.bench_events.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from honcho.environ import parse_procfile

from scripts import bench_events
from scripts.bench_table import Ratio, Row, table
from scripts.native import (
    PROJECT_DIR,
    MissingServer,
    answers,
    not_ready,
    own_temporary_directory,
    project_env,
    services,
)
from scripts.processes import procfile, read_service, service_folders
from scripts.seed import Seeding, Shop, seed

REFERENCE = "/bench/reference"
CATALOG_PAGE = "/api/catalog/products/"
# Cold boot's goal, in seconds: every process started to every service ready.
COLD_BOOT_GOAL = 5.0
# Tracing's cost, with sampling: the share of traces a busy system keeps, and the throughput
# it should keep of an untraced one's.
TRACED_SHARE = 0.1
TRACING_GOAL = 0.95


class Unmeasurable(Exception):
    """A measure could not be taken; the message says why."""


def boot(env: dict[str, str]) -> tuple[dict[str, subprocess.Popen[bytes]], float]:
    """Start every process of Procfile.dev, the web ones on chassis.benchmark; the seconds
    until every service is ready."""
    gateway = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", int(env["GATEWAY_PORT"]))) == 0:
            sys.exit(f"error: something already answers on {gateway}: stop `make dev` first.")
    started = time.monotonic()
    system = {name: start(command, env) for name, command in bench_processes().items()}
    while not_ready(gateway):
        if (
            any(process.poll() is not None for process in system.values())
            or time.monotonic() - started > 180
        ):
            stop(system)
            sys.exit("error: the system did not come up; run `make dev` to see why.")
        time.sleep(0.05)
    return system, time.monotonic() - started


def bench_processes() -> dict[str, str]:
    """Procfile.dev's processes, the web ones serving chassis.benchmark: name -> command."""
    present = [read_service(folder) for folder in service_folders()]
    return parse_procfile(procfile(present, web_app="chassis.benchmark")).processes


def start(command: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """One process of the bench's system. Not through honcho: relaying every log line would
    cost CPU on one side only."""
    return subprocess.Popen(  # noqa: S602 - Procfile lines are shell commands
        command,
        shell=True,
        cwd=PROJECT_DIR,
        env={
            **env,
            **own_temporary_directory(),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "GATEWAY_RATE_LIMIT": "1000000r/s",
            "GATEWAY_BURST": "1000000",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(system: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in system.values():
        os.killpg(process.pid, signal.SIGINT)
    for process in system.values():
        process.wait(timeout=30)


def requests_per_second(
    url: str, seconds: float, connections: int, headers: dict[str, str]
) -> float:
    """What wrk (2 threads) gets from `url`; every answer must be a success."""
    command = [
        "wrk",
        "--threads",
        "2",
        "--connections",
        str(connections),
        "--duration",
        f"{seconds:g}s",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    result = subprocess.run([*command, url], capture_output=True, text=True, check=False)
    report = result.stdout + result.stderr
    rate = re.search(r"^Requests/sec:\s+([\d.]+)$", report, re.MULTILINE)
    if result.returncode != 0 or rate is None:
        raise Unmeasurable(f"could not read what wrk printed for {url}:\n{report.strip()}")
    failures = re.search(
        r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)$", report, re.MULTILINE
    )
    if failures:
        raise Unmeasurable(f"{url} failed under load: {failures.group(0)}")
    if float(rate.group(1)) == 0:
        raise Unmeasurable(f"{url} answered nothing in {seconds} s:\n{report.strip()}")
    return float(rate.group(1))


def paired(
    subject: Callable[[], float], reference: Callable[[], float], rounds: int
) -> list[float]:
    """subject / reference, round by round, which goes first swapped every round (so that a
    machine growing slower or faster favours neither)."""
    ratios = []
    for number in range(rounds):
        if number % 2:
            base, measured = reference(), subject()
        else:
            measured, base = subject(), reference()
        ratios.append(measured / base)
    return ratios


def throughput_row(
    measure: str,
    url: str,
    reference_url: str,
    arguments: argparse.Namespace,
    goal: float,
    headers: dict[str, str] | None = None,
) -> Row:
    figures: dict[str, list[float]] = {url: [], reference_url: []}

    def run(target: str) -> float:
        rate = requests_per_second(target, arguments.seconds, arguments.connections, headers or {})
        figures[target].append(rate)
        return rate

    ratios = paired(lambda: run(url), lambda: run(reference_url), arguments.rounds)
    return Row(
        measure,
        f"{statistics.median(figures[url]):.0f} req/s",
        f"{statistics.median(figures[reference_url]):.0f} req/s",
        Ratio.of(ratios),
        goal,
    )


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of a process, of its living children, and of the children
    it has reaped (Gunicorn recycles its workers)."""

    def times(task: int, fields: slice) -> float:
        stat = Path(f"/proc/{task}/stat").read_text().rpartition(")")[2].split()
        return sum(int(field) for field in stat[fields]) / os.sysconf("SC_CLK_TCK")

    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    # utime, stime, cutime, cstime are the 14th to 17th fields; [11:15] after the name.
    return times(pid, slice(11, 15)) + sum(times(int(child), slice(11, 13)) for child in children)


def cpu_per_request(
    url: str, pids: list[int], seconds: float, arguments: argparse.Namespace
) -> list[float]:
    """CPU seconds each of `pids` spent per request while wrk asked `url` for `seconds`."""
    before = [cpu_seconds(pid) for pid in pids]
    served = requests_per_second(url, seconds, arguments.connections, {}) * seconds
    return [(cpu_seconds(pid) - start) / served for pid, start in zip(pids, before, strict=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tracing_rows(
    env: dict[str, str], catalog: str, catalog_pid: int, arguments: argparse.Namespace
) -> list[Row]:
    """The catalog's cached page from a second catalog web process, traced (exporting to a
    receiver of its own, TRACED_SHARE of new traces kept), against the untraced one: their
    throughputs, and their CPU time per request, which the machine's noise barely moves."""
    sink, port = free_port(), free_port()
    receiver = start(f"exec python -m chassis_testing.otlp --port {sink} --spans {os.devnull}", env)
    traced = start(
        bench_processes()["catalog"],
        {
            **env,
            "CATALOG_PORT": str(port),
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{sink}",
            "OTEL_TRACES_SAMPLER_ARG": str(TRACED_SHARE),
        },
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not answers(f"{url}/health/ready"):
            if traced.poll() is not None or time.monotonic() > deadline:
                raise Unmeasurable("the traced catalog did not come up")
            time.sleep(0.1)
        requests_per_second(f"{url}{CATALOG_PAGE}", arguments.seconds, arguments.connections, {})
        throughput = throughput_row(
            f"tracing on ({TRACED_SHARE:.0%} kept): catalog's cached page, traced / untraced",
            f"{url}{CATALOG_PAGE}",
            f"{catalog}{CATALOG_PAGE}",
            arguments,
            TRACING_GOAL,
        )
        cpu: dict[int, list[float]] = {traced.pid: [], catalog_pid: []}

        def requests_per_cpu_second(base: str, pid: int) -> float:
            (per_request,) = cpu_per_request(
                f"{base}{CATALOG_PAGE}", [pid], arguments.seconds, arguments
            )
            cpu[pid].append(per_request)
            return 1 / per_request

        ratios = paired(
            lambda: requests_per_cpu_second(url, traced.pid),
            lambda: requests_per_cpu_second(catalog, catalog_pid),
            arguments.rounds,
        )
        per_request = Row(
            "tracing on: throughput kept if CPU-bound, from CPU time",
            f"traced {statistics.median(cpu[traced.pid]) * 1e6:.0f} µs/request",
            f"untraced {statistics.median(cpu[catalog_pid]) * 1e6:.0f} µs/request",
            Ratio.of(ratios),
            TRACING_GOAL,
        )
        return [throughput, per_request]
    finally:
        stop({"traced": traced, "receiver": receiver})


def gateway_rows(
    direct: str, gateway: str, arguments: argparse.Namespace, gateway_pid: int, service_pid: int
) -> list[Row]:
    """Throughput through the gateway against straight to the service; and, from /proc, the
    gateway's CPU time per request against the service's, which the machine's noise barely
    moves."""
    row = throughput_row(
        "gateway: cached page, through it / direct", gateway, direct, arguments, 0.97
    )
    gateway_cpu, service_cpu = cpu_per_request(
        gateway, [gateway_pid, service_pid], arguments.seconds * 2, arguments
    )
    cpu = Row(
        "gateway: throughput kept if CPU-bound, from CPU time",
        f"gateway {gateway_cpu * 1e6:.0f} µs/request",
        f"service {service_cpu * 1e6:.0f} µs/request",
        Ratio.of([service_cpu / (service_cpu + gateway_cpu)]),
        0.97,
    )
    return [row, cpu]


def first_read_row(
    base: str, staff: dict[str, str], product: dict, arguments: argparse.Namespace
) -> Row:
    """One client: a stock adjustment (a write, which makes every cached page stale), then the
    page, timed; against the reference, timed the same way."""
    address = base.removeprefix("http://")
    connection = http.client.HTTPConnection(address, timeout=30)
    headers = {**staff, "Content-Type": "application/json"}

    def request(
        method: str, path: str, body: dict | None = None, with_headers: dict | None = None
    ) -> float:
        started = time.perf_counter()
        connection.request(
            method, path, body=json.dumps(body) if body else None, headers=with_headers or {}
        )
        response = connection.getresponse()
        response.read()
        if response.status >= 300:
            raise Unmeasurable(f"{method} {path} answered {response.status}")
        return time.perf_counter() - started

    reads = max(5, int(arguments.seconds * 20))
    adjust = f"{CATALOG_PAGE}{product['id']}/stock-adjustments/"
    timings: dict[str, list[float]] = {"first": [], "reference": []}

    def first_reads() -> float:
        times = []
        for number in range(reads):
            request("POST", adjust, {"change": 1 if number % 2 == 0 else -1}, headers)
            times.append(request("GET", CATALOG_PAGE))
        if reads % 2:
            request("POST", adjust, {"change": -1}, headers)  # the stock as it was
        timings["first"].append(statistics.median(times))
        return 1 / timings["first"][-1]

    def reference() -> float:
        timings["reference"].append(
            statistics.median(request("GET", REFERENCE) for _ in range(reads))
        )
        return 1 / timings["reference"][-1]

    try:
        ratios = paired(first_reads, reference, arguments.rounds)
    finally:
        connection.close()
    return Row(
        "catalog: first page read after a write",
        f"{statistics.median(timings['first']) * 1000:.2f} ms",
        f"{statistics.median(timings['reference']) * 1000:.2f} ms",
        Ratio.of(ratios),
        0.4,
    )


def http_rows(
    env: dict[str, str], system: dict[str, subprocess.Popen[bytes]], arguments: argparse.Namespace
) -> list[Row]:
    present = services()
    port = {name: f"http://127.0.0.1:{env[f'{name.upper()}_PORT']}" for name in present}
    gateway = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    shop = Shop(gateway)
    rows = []

    def attempt(measure: str, take: Callable[[], list[Row]]) -> None:
        try:
            rows.extend(take())
        except (Unmeasurable, Seeding, httpx.HTTPError) as error:
            print(f"{measure}: not measured: {error}", file=sys.stderr)
            rows.append(Row(measure, "not measured", "", None, 0))

    if "catalog" not in present:
        print("The catalog's measures need the catalog service.", file=sys.stderr)
        return rows
    catalog = port["catalog"]

    def warm_up() -> list[Row]:
        """Connections, caches and each worker's imports; nothing to report."""
        for url in (
            f"{catalog}{CATALOG_PAGE}",
            f"{gateway}{CATALOG_PAGE}",
            f"{catalog}{REFERENCE}",
        ):
            requests_per_second(url, arguments.seconds, arguments.connections, {})
        return []

    attempt("warming up", warm_up)
    attempt(
        "catalog: cached page",
        lambda: [
            throughput_row(
                "catalog: cached page",
                f"{catalog}{CATALOG_PAGE}",
                f"{catalog}{REFERENCE}",
                arguments,
                0.8,
            )
        ],
    )
    attempt(
        "tracing on",
        lambda: tracing_rows(env, catalog, system["catalog"].pid, arguments),
    )
    attempt(
        "gateway",
        lambda: gateway_rows(
            f"{catalog}{CATALOG_PAGE}",
            f"{gateway}{CATALOG_PAGE}",
            arguments,
            system["gateway"].pid,  # nginx itself: the gateway's command execs it
            system["catalog"].pid,
        ),
    )
    if "identity" not in present:
        print("The measures that sign in need the identity service.", file=sys.stderr)
        return rows
    try:  # demo data to read, and who reads it
        seed(env, if_empty=True)
        staff = shop.sign_in(env["IDENTITY_STAFF_EMAIL"], env["IDENTITY_STAFF_PASSWORD"])
        customer = shop.customer(env["DEMO_CUSTOMER_EMAIL"], env["DEMO_CUSTOMER_PASSWORD"])
        product = shop.http.get(CATALOG_PAGE).json()["results"][0]
    except (Seeding, httpx.HTTPError) as error:
        print(f"The measures that sign in are not measured: {error}", file=sys.stderr)
        return rows
    attempt(
        "catalog: first page read after a write",
        lambda: [first_read_row(catalog, staff, product, arguments)],
    )
    for service, path in (
        ("orders", "/api/orders/orders/"),
        ("notifications", "/api/notifications/notifications/"),
    ):
        if service in present:
            measure = f"{service}: a customer's list (database, signed in)"
            base = port[service]
            attempt(
                measure,
                lambda base=base, path=path, measure=measure: [
                    throughput_row(
                        measure, f"{base}{path}", f"{base}{REFERENCE}", arguments, 0.4, customer
                    )
                ],
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=2, help="how long each wrk run lasts")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=15, help="measure and reference pairs")
    bench_events.add_arguments(parser, prefix="events-")
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        print(
            "error: wrk is not installed: `apt-get install wrk` or `brew install wrk`.",
            file=sys.stderr,
        )
        return 1
    try:
        env = project_env()
    except MissingServer as missing:
        print(f"error: {missing}", file=sys.stderr)
        return 1
    system, cold_boot = boot(env)
    try:
        rows = [
            Row(
                "cold boot: processes started to every service ready",
                f"{cold_boot:.1f} s ({len(system)} processes)",
                "",
                None,
                COLD_BOOT_GOAL,
                at_least=False,
                value=cold_boot,
            ),
            *http_rows(env, system, arguments),
        ]
    finally:
        stop(system)
    # Once the system has stopped, so that it takes nothing from the bus's processes.
    rows += bench_events.rows(arguments, prefix="events-")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
