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
from dotenv import dotenv_values

from chassis.redis_acl import key_prefix

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


def run_tests(service: str, folder: Path) -> bool:
    """The service's tests, their Redis keys (Celery's results, the read caches' generations)
    kept apart under the service's prefix, which its Redis user may touch, in a part of this
    run's own, deleted afterwards: a running system's keys beside them are neither read nor
    removed, and nothing is left behind."""
    # As the service's settings read it: the environment first, then its .env.
    configured = os.environ.get("CACHE_KEY_PREFIX") or dotenv_values(folder / ".env").get(
        "CACHE_KEY_PREFIX"
    )
    prefix = f"{key_prefix(service, configured or '')}:test-{secrets.token_hex(4)}"
    env = {**os.environ, "CACHE_KEY_PREFIX": prefix}
    try:
        return run(f"{service}: tests", [sys.executable, "-m", "pytest", "-q"], folder, env)
    finally:
        try:
            delete_keys(project_env()["LOCAL_REDIS_URL"], prefix)
        except (MissingServer, KeyError, redis.RedisError) as error:
            print(f"warning: the tests' Redis keys under {prefix}: are left: {error!r}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    targets = ["chassis", *services()]
    parser.add_argument("targets", nargs="*", metavar="SERVICE", help="chassis, or a service")
    chosen = parser.parse_args(argv).targets or targets
    if unknown := sorted(set(chosen) - set(targets)):
        parser.error(f"no such service: {', '.join(unknown)}")
    passed = [
        run(
            "chassis: tests",
            [sys.executable, "-m", "pytest", "-q"],
            PROJECT_DIR / "libs" / "chassis",
        )
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
