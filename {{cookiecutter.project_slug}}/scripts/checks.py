"""Every check a change must pass, the way `make test` and CI run them.

For the chassis, its tests. For each service: Django's checks at WARNING, and its deploy
checks with the settings production runs with (no debug, HTTPS on, the real host, a key of
its own); no model change without its migration; its tests. Each runs in the service's own
folder, on the settings `make provision` wrote (or those the environment gives); its tests
keep what they store in Redis under a prefix of the run's own, deleted afterwards.

    python -m scripts.checks                 # the chassis and every service
    python -m scripts.checks orders chassis  # only these
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

import redis

from scripts.native import MissingServer, project_env
from scripts.project import PROJECT_DIR, SERVICES_DIR, example_settings, services
from scripts.provision import delete_keys


def production() -> dict[str, str]:
    """The environment a service's deploy checks run in: production's, but for the database."""
    return {
        **os.environ,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "true",
        "DJANGO_SECURE_HSTS_SECONDS": "31536000",
        # The domain the system is served from, as .env.example names it first.
        "DJANGO_ALLOWED_HOSTS": example_settings()["DJANGO_ALLOWED_HOSTS"].split(",")[0],
    }


def run(what: str, command: list[str], folder: Path, env: dict[str, str] | None = None) -> bool:
    print(f"== {what}", flush=True)
    return subprocess.run(command, cwd=folder, env=env, check=False).returncode == 0


def check_service(service: str) -> bool:
    folder = SERVICES_DIR / service
    manage = [sys.executable, "manage.py"]
    return all(
        (
            run(f"{service}: checks", [*manage, "check", "--fail-level", "WARNING"], folder),
            run(
                f"{service}: deploy checks",
                [*manage, "check", "--deploy", "--fail-level", "WARNING"],
                folder,
                production(),
            ),
            run(
                f"{service}: migrations",
                [*manage, "makemigrations", "--check", "--dry-run"],
                folder,
            ),
            run_tests(service, folder),
        )
    )


def run_tests(target: str, folder: Path) -> bool:
    """The tests of the chassis or of a service; what they stored in Redis, under a key prefix
    of the run's own (chassis_testing), is deleted afterwards, as the administrator: the
    service's own Redis user may not list keys."""
    run_id = secrets.token_hex(6)
    env = {**os.environ, "TEST_RUN_ID": run_id}
    try:
        return run(f"{target}: tests", [sys.executable, "-m", "pytest", "-q"], folder, env)
    finally:
        try:
            delete_keys(project_env()["LOCAL_REDIS_URL"], f"*:test-{run_id}")
        except (MissingServer, KeyError, redis.RedisError) as error:
            print(f"warning: the Redis keys of test run {run_id} are left: {error!r}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    targets = ["chassis", *services()]
    parser.add_argument("targets", nargs="*", metavar="SERVICE", help="chassis, or a service")
    chosen = parser.parse_args(argv).targets or targets
    if unknown := sorted(set(chosen) - set(targets)):
        parser.error(f"no such service: {', '.join(unknown)}")
    passed = [
        run_tests("chassis", PROJECT_DIR / "libs" / "chassis")
        if target == "chassis"
        else check_service(target)
        for target in chosen
    ]
    if not all(passed):
        print("Some checks failed: see above.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
