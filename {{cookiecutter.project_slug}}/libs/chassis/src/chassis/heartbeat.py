"""Liveness of the processes that serve no HTTP: the event relay and consumer, Celery beat.

While its loop turns, such a process calls :func:`beat`, which touches a file;
``python -m chassis.heartbeat NAME [SECONDS]`` exits 0 if that file was touched
within SECONDS (60 unless given). It is their container HEALTHCHECK and their
Kubernetes liveness probe: a process stuck in its loop is restarted.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HEARTBEAT_DIR = Path(os.environ.get("HEARTBEAT_DIR", tempfile.gettempdir()))


def beat(name: str) -> None:
    (HEARTBEAT_DIR / f"{name}.alive").touch()


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print("usage: python -m chassis.heartbeat NAME [SECONDS]", file=sys.stderr)
        return 2
    path = HEARTBEAT_DIR / f"{argv[0]}.alive"
    max_age = float(argv[1]) if len(argv) == 2 else 60
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        print(f"{path} does not exist: {argv[0]} has not started", file=sys.stderr)
        return 1
    if age > max_age:
        print(f"{argv[0]} last beat {age:.0f} s ago", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
