"""Run a command that has children of its own so that a stop signal reaches its main process alone.

    python -m chassis.supervised --stop-within 28 python manage.py qcluster

Docker and Kubernetes stop a container by signalling its main process, which
then stops its children in order. honcho (``make dev``) signals the whole
process group instead: every process of a Django Q cluster gets SIGTERM at
once, its children die mid-cycle, and its main process waits for ever on a
lock one of them held, until honcho kills it; a Celery worker still starting
its pool loses it and fails. Here the command runs in a process group of its
own; SIGTERM and SIGINT are passed to its main process only.

A command that has not stopped within ``--stop-within`` seconds of being asked
(less than the supervisor's own grace), and whatever it leaves behind when it
ends, is killed, group and all: honcho waits until every process holding its
output pipe has gone, and would wait for ever on a child outside the group it
kills. This process exits with the
command's status: 0 when the command, asked to stop, was ended by that
SIGTERM (one still starting has no handler for it yet), 128 + N when a signal
N ended it otherwise (137 when it had to be killed), as a shell reports.
Should this process be killed, the kernel stops the command as if asked
(SIGTERM, on Linux), so that nothing is left running.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1
USAGE = "usage: python -m chassis.supervised --stop-within SECONDS COMMAND [ARGUMENT...]"


def _die_with_parent() -> None:
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _kill_group(group: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # nothing of it is left
        os.killpg(group, signal.SIGKILL)


def main(arguments: list[str]) -> int:
    try:
        option, seconds, *command = arguments
        grace = float(seconds)
    except ValueError:
        option, command = None, []
    if option != "--stop-within" or not command:
        print(USAGE, file=sys.stderr)
        return 2
    child = subprocess.Popen(command, process_group=0, preexec_fn=_die_with_parent)
    asked_at: list[float] = []

    def stop(*_: object) -> None:
        if not asked_at:
            asked_at.append(time.monotonic())
            child.send_signal(signal.SIGTERM)

    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, stop)
    status = None
    while status is None:
        try:
            # A timed wait: the signal handler runs between two of them.
            status = child.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            if asked_at and time.monotonic() - asked_at[0] > grace:
                print(
                    f"chassis.supervised: {' '.join(command)} did not stop within "
                    f"{grace:g} s of SIGTERM: killing it",
                    file=sys.stderr,
                    flush=True,
                )
                _kill_group(child.pid)
    _kill_group(child.pid)
    if status >= 0:
        return status
    return 0 if asked_at and -status == signal.SIGTERM else 128 - status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
