"""Prometheus for a native run: `make dev` runs it where this machine has it (`make machine`
installs Debian's), scraping every service's /metrics and evaluating the alert rules of
deploy/observability/prometheus/. The processes that answer no HTTP (relays, consumers, Celery
workers) each serve their own on a free port, which they name in a file of TARGETS_DIR
(chassis.metrics.serve): Prometheus reads those files to find them.

It listens on 127.0.0.1:PROMETHEUS_PORT (from .env) and keeps a day of samples in
.run/prometheus/. Where Prometheus is not installed it says so and waits, so that the rest
of the run goes on without it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys

from scripts.native import stop_requested
from scripts.processes import prometheus_config
from scripts.project import PROJECT_DIR, services

RUN_DIR = PROJECT_DIR / ".run" / "prometheus"
RULES = PROJECT_DIR / "deploy" / "observability" / "prometheus" / "rules.yml"
TARGETS_DIR = RUN_DIR / "targets"
SCRAPE_SECONDS = 5


def config(environment: dict[str, str]) -> dict:
    every = f"{SCRAPE_SECONDS}s"
    return prometheus_config(
        rules=str(RULES),
        web={
            "static_configs": [
                {"targets": [f"127.0.0.1:{environment[f'{s.upper()}_PORT']}" for s in services()]}
            ]
        },
        processes={
            "file_sd_configs": [{"files": [str(TARGETS_DIR / "*.json")], "refresh_interval": every}]
        },
        every=SCRAPE_SECONDS,
    )


def main() -> int:
    prometheus = shutil.which("prometheus")
    if prometheus is None:
        print("Prometheus is not installed: `make machine` installs it. Running without it.")
        stop_requested().wait()
        return 0
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    configuration = RUN_DIR / "prometheus.yml"
    # JSON is YAML: no YAML library needed to write it.
    configuration.write_text(json.dumps(config(dict(os.environ)), indent=2) + "\n")
    address = f"127.0.0.1:{os.environ['PROMETHEUS_PORT']}"
    options = [
        f"--config.file={configuration}",
        f"--storage.tsdb.path={RUN_DIR / 'data'}",
        "--storage.tsdb.retention.time=1d",
        f"--web.listen-address={address}",
        "--log.format=json",
    ]
    os.execv(prometheus, [prometheus, *options])  # noqa: S606 - Prometheus, in this process's place
    return 1  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())
