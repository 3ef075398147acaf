"""Run a command that has children of its own so that a stop signal reaches its main process alone.

    python -m chassis.supervised python manage.py qcluster

Docker and Kubernetes stop a container by signalling its main process, which
then stops its children in order. honcho (``make dev``) signals the whole
process group instead: every process of a Django Q cluster gets SIGTERM at
once, its children die mid-cycle, and its main process waits for ever on a
lock one of them held, until honcho kills it; a Celery worker still starting
its pool loses it and fails. Here the command runs in a
process group of its own; SIGTERM and SIGINT are passed to its main process
only, and this process exits with the command's status: 0 when the command,
asked to stop, was ended by that SIGTERM (one still starting has no handler for
it yet), 128 + N when a signal N ended it unasked, as a shell reports. Should this process
be killed, the kernel stops the command as if asked (SIGTERM, on Linux), so
that nothing is left running.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def main(command: list[str]) -> int:
    if not command:
        print("usage: python -m chassis.supervised COMMAND [ARGUMENT...]", file=sys.stderr)
        return 2
    child = subprocess.Popen(command, process_group=0, preexec_fn=_die_with_parent)
    asked = []

    def stop(*_: object) -> None:
        asked.append(True)
        child.send_signal(signal.SIGTERM)

    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, stop)
    status = child.wait()
    if status >= 0:
        return status
    return 0 if asked and -status == signal.SIGTERM else 128 - status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
