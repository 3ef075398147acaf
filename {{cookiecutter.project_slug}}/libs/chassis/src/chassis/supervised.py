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
kills. Before the kill it says what each thread of the command was waiting on
(the kernel's wait channel, and the file the pending system call reads or
writes: a socket to the broker, a pipe to a pool process). This process exits
with the command's status: 0 when the command, asked to stop, was ended by that
SIGTERM (one still starting has no handler for it yet), 128 + N when a signal
N ended it otherwise (137 when it had to be killed), as a shell reports.
Should this process be killed, the kernel stops the command as if asked
(SIGTERM, on Linux), so that nothing is left running.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1
# The system calls whose first argument is the file they wait on (read, write, epoll_wait,
# connect, accept, sendto, recvfrom, sendmsg, recvmsg, epoll_pwait, accept4), by number.
CALLS_ON_A_FILE = {
    "x86_64": {0, 1, 232, 42, 43, 44, 45, 46, 47, 281, 288},
    "aarch64": {63, 64, 22, 203, 202, 206, 207, 211, 212, 242},
}.get(platform.machine(), set())
USAGE = "usage: python -m chassis.supervised --stop-within SECONDS COMMAND [ARGUMENT...]"


def _die_with_parent() -> None:
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _tcp_peers() -> dict[str, str]:
    """The remote address of each IPv4 TCP socket of the machine, by ``socket:[inode]``."""
    peers = {}
    with contextlib.suppress(OSError):
        for row in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = row.split()
            address, port = fields[2].split(":")
            host = ".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0))
            peers[f"socket:[{fields[9]}]"] = f"{host}:{int(port, 16)}"
    return peers


def _waits(group: int) -> list[str]:
    """One line per thread of the process group `group`: what it is blocked in."""
    lines, peers = [], _tcp_peers()
    for task in sorted(Path("/proc").glob("[0-9]*/task/[0-9]*")):
        with contextlib.suppress(OSError, ValueError):
            pid = int(task.parent.parent.name)
            if os.getpgid(pid) != group:
                continue
            command = (task.parent.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            channel = (task / "wchan").read_text()
            line = f"  pid {pid} thread {task.name} in {channel if channel not in ('', '0') else 'running'}"
            # "running", or the call's number and its arguments in hexadecimal.
            call = (task / "syscall").read_text().split()
            if len(call) > 1 and call[0].isdigit() and int(call[0]) in CALLS_ON_A_FILE:
                with contextlib.suppress(OSError):
                    target = os.readlink(task.parent.parent / "fd" / str(int(call[1], 16)))
                    line += f" on {target}" + (f" (to {peers[target]})" if target in peers else "")
            lines.append(f"{line}: {' '.join(command.split())[:120]}")
    return lines


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
                    f"{grace:g} s of SIGTERM: killing it. It was waiting on:",
                    *_waits(child.pid),
                    sep="\n",
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
