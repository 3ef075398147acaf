"""Measure the native system (`make bench`): cold boot, then a list endpoint with wrk,
directly on Gunicorn and through the gateway. Prints figures; asserts nothing.

It boots its own copy of Procfile.dev on the ports in .env (stop `make dev`
first), with the gateway's rate limit lifted so that it measures the proxy,
not the limiter. Direct and gateway runs alternate, and the ratio is the
median of each round's own ratio: on a small machine one run alone is mostly
noise, and pairing runs cancels the machine's drift.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from honcho.environ import parse_procfile

from scripts.native import PROJECT_DIR, MissingServer, not_ready, project_env, services

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def list_endpoint() -> tuple[str, str]:
    """A service, and a list endpoint of it every client may read."""
    chosen = services()
    if "catalog" in chosen:
        return "catalog", "/api/catalog/products/"
    plain = [
        s for s in chosen if (PROJECT_DIR / "services" / s / s / "domain" / "items.py").exists()
    ]
    if plain:
        return plain[0], f"/api/{plain[0]}/items/"
    sys.exit("error: no service has a public list endpoint to measure.")


def boot(env: dict[str, str]) -> tuple[list[subprocess.Popen[bytes]], float]:
    """Start every process of Procfile.dev; the seconds until every service is ready."""
    gateway = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", int(env["GATEWAY_PORT"]))) == 0:
            sys.exit(f"error: something already answers on {gateway}: stop `make dev` first.")
    environment = {
        **env,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GATEWAY_RATE_LIMIT": "1000000r/s",
        "GATEWAY_BURST": "1000000",
    }
    commands = parse_procfile((PROJECT_DIR / "Procfile.dev").read_text()).processes.values()
    started = time.monotonic()
    # Not through honcho: relaying every access log line would cost CPU on the gateway's side only.
    system = [
        subprocess.Popen(  # noqa: S602 - Procfile lines are shell commands
            command,
            shell=True,
            cwd=PROJECT_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for command in commands
    ]
    while not_ready(gateway):
        if (
            any(process.poll() is not None for process in system)
            or time.monotonic() - started > 180
        ):
            stop(system)
            sys.exit("error: the system did not come up; run `make dev` to see why.")
        time.sleep(0.05)
    return system, time.monotonic() - started


def stop(system: list[subprocess.Popen[bytes]]) -> None:
    for process in system:
        os.killpg(process.pid, signal.SIGINT)
    for process in system:
        process.wait(timeout=30)


def wrk(path: str, url: str, seconds: int, connections: int) -> dict[str, float]:
    threads, duration = "2", f"{seconds}s"
    result = subprocess.run(
        [
            path,
            "--threads",
            threads,
            "--connections",
            str(connections),
            "--duration",
            duration,
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    report = result.stdout

    def latency(percentile: str) -> float:
        value, unit = re.search(
            rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)$", report, re.MULTILINE
        ).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": float(errors.group(1)) if errors else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=6, help="how long each wrk run lasts")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5, help="alternating direct and gateway runs")
    arguments = parser.parse_args()
    wrk_path = shutil.which("wrk")
    if wrk_path is None:
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
    service, path = list_endpoint()
    system, cold_boot = boot(env)
    try:
        direct = f"http://127.0.0.1:{env[f'{service.upper()}_PORT']}{path}"
        gateway = f"http://127.0.0.1:{env['GATEWAY_PORT']}{path}"
        wrk(wrk_path, gateway, 2, arguments.connections)  # warm connections, caches and bytecode
        runs: dict[str, list[dict[str, float]]] = {"direct": [], "gateway": []}
        for _ in range(arguments.rounds):
            for name, url in (("direct", direct), ("gateway", gateway)):
                runs[name].append(wrk(wrk_path, url, arguments.seconds, arguments.connections))
    finally:
        stop(system)
    figures = {
        name: {key: statistics.median(run[key] for run in results) for key in results[0]}
        for name, results in runs.items()
    }

    print(f"Cold boot, processes started to every service ready: {cold_boot:.1f} s")
    print(
        f"GET {path}, wrk: 2 threads, {arguments.connections} connections, "
        f"median of {arguments.rounds} runs of {arguments.seconds} s"
    )
    print(f"  {'':8} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, figure in figures.items():
        print(
            f"  {name:8} {figure['rps']:11.0f} {figure['p50']:8.2f} {figure['p99']:8.2f} {figure['errors']:7.0f}"
        )
    ratios = [g["rps"] / d["rps"] for d, g in zip(runs["direct"], runs["gateway"], strict=True)]
    print(
        f"  The gateway keeps {statistics.median(ratios):.1%} of direct throughput "
        f"(rounds: {', '.join(f'{ratio:.0%}' for ratio in ratios)})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
