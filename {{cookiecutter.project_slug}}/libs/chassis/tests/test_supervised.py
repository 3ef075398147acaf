"""chassis.supervised: a supervisor that signals the whole process group (honcho) reaches the
command's main process only, which then stops its own children in order."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from chassis import supervised

# A main process with a child of its own, as a Django Q cluster or a Celery worker has: the child
# counts the SIGTERMs it gets; the main process stops it when asked to stop, then exits 0.
COMMAND = """
import signal, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", '''
import signal, sys, time
signals = []
def count(*_):
    signals.append(1)
    if len(signals) == 1:
        time.sleep(2)  # stopping takes a while: a second signal comes meanwhile
        print(f"child stopped after {len(signals)} SIGTERM", flush=True)
        sys.exit(0)
signal.signal(signal.SIGTERM, count)
print("ready", flush=True)
time.sleep(60)
'''])
def stop(*_):
    time.sleep(1)  # the main process tidies up first (signals sent at once would merge)
    child.terminate()
    child.wait()
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
time.sleep(60)
"""


# A command still starting: it has no handler for SIGTERM yet.
STARTING = """
import time
print("ready", flush=True)
time.sleep(60)
"""


def start(tmp_path, supervised: bool, command: str = COMMAND) -> tuple[subprocess.Popen, object]:
    output = (tmp_path / "output").open("w")
    prefix = (
        [sys.executable, "-m", "chassis.supervised", "--stop-within", "20"] if supervised else []
    )
    process = subprocess.Popen(
        [*prefix, sys.executable, "-c", command],
        stdout=output,
        start_new_session=True,  # as honcho starts every process
    )
    deadline = time.monotonic() + 30
    while "ready" not in (tmp_path / "output").read_text():
        assert time.monotonic() < deadline, "the command never started"
        time.sleep(0.05)
    return process, output


def test_a_group_signal_reaches_the_main_process_alone(tmp_path):
    process, output = start(tmp_path, supervised=True)

    os.killpg(process.pid, signal.SIGTERM)

    assert process.wait(timeout=30) == 0
    output.close()
    assert "child stopped after 1 SIGTERM" in (tmp_path / "output").read_text()


def test_without_it_the_children_get_the_signal_too(tmp_path):
    process, output = start(tmp_path, supervised=False)

    os.killpg(process.pid, signal.SIGTERM)

    process.wait(timeout=30)
    output.close()
    assert "child stopped after 2 SIGTERM" in (tmp_path / "output").read_text()


def test_when_it_is_killed_the_command_is_stopped_too(tmp_path):
    process, output = start(tmp_path, supervised=True)

    os.killpg(process.pid, signal.SIGKILL)  # honcho's last resort
    process.wait()

    # The command heard of it (SIGTERM from the kernel) and stopped its child in order.
    deadline = time.monotonic() + 30
    while "child stopped after 1 SIGTERM" not in (tmp_path / "output").read_text():
        assert time.monotonic() < deadline, "the command outlived its supervisor"
        time.sleep(0.05)
    output.close()


def test_a_command_stopped_before_it_could_handle_the_signal_stopped_as_asked(tmp_path):
    process, output = start(tmp_path, supervised=True, command=STARTING)

    os.killpg(process.pid, signal.SIGTERM)

    assert process.wait(timeout=30) == 0
    output.close()


def test_a_command_ended_by_a_signal_nobody_asked_for_fails_as_a_shell_says(tmp_path):
    process, output = start(tmp_path, supervised=True, command=STARTING)
    (command,) = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()

    os.kill(int(command), signal.SIGKILL)  # the kernel's out-of-memory killer, say

    assert process.wait(timeout=30) == 128 + signal.SIGKILL
    output.close()


# A main process that leaves a child behind when it stops, and a child that ignores SIGTERM:
# the child keeps the output pipe open, and honcho waits for that pipe to close.
ABANDONS_A_CHILD = """
import signal, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", '''
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
time.sleep(60)
'''])
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
time.sleep(60)
"""

# A command that does not stop when asked: it waits for a server that never answers.
STUCK = """
import signal, socket, sys
signal.signal(signal.SIGTERM, signal.SIG_IGN)
server = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
server.recv(1)
"""


STOP_WITHIN = 2


def start_piped(command: str, *arguments: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chassis.supervised",
            "--stop-within",
            str(STOP_WITHIN),
            sys.executable,
            "-c",
            command,
            *arguments,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stdout.readline() == b"ready\n"
    return process


def output_closes(process: subprocess.Popen, timeout: float) -> bool:
    """Whether every process holding the output pipe is gone within `timeout` seconds."""
    finished = threading.Event()
    threading.Thread(target=lambda: (process.stdout.read(), finished.set()), daemon=True).start()
    return finished.wait(timeout)


def test_what_the_command_leaves_behind_goes_with_it():
    process = start_piped(ABANDONS_A_CHILD)

    os.killpg(process.pid, signal.SIGTERM)

    assert process.wait(timeout=30) == 0
    assert output_closes(process, timeout=10), "the abandoned child still holds the output"


def test_a_command_that_will_not_stop_is_killed_within_the_grace_saying_what_it_waited_on():
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        process = start_piped(STUCK, str(port))
        (command,) = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()

        asked = time.monotonic()
        os.killpg(process.pid, signal.SIGTERM)

        assert process.wait(timeout=30) == 128 + signal.SIGKILL
        assert time.monotonic() - asked < STOP_WITHIN + 3
        assert output_closes(process, timeout=10)
    said = process.stderr.read().decode()
    assert re.search(
        rf"^  pid {command} thread {command} in \w+ on socket:\[\d+\] \(to 127\.0\.0\.1:{port}\)",
        said,
        re.MULTILINE,
    ), said


def test_without_its_grace_it_says_how_it_is_used():
    result = subprocess.run(
        [sys.executable, "-m", "chassis.supervised", "python", "-c", "pass"],
        capture_output=True,
        text=True,
    )

    assert (result.returncode, result.stderr.strip()) == (2, supervised.USAGE)
