"""Put the running system (`make dev` or `make run`) under the shop's journeys, through its gateway
with its rate limits on, then say in one screen whether it held and whether anything was lost.

    python -m scripts.load --users 20 --seconds 60   # make load
    python -m scripts.load --users 20 --soak 10      # make soak: ten minutes, and resources

Locust runs the journeys of tests/load/locustfile.py; this prints, per step, requests/s,
failures and p50/p95/p99, then the end state once the system has had GRACE seconds to settle:
orders still pending, whether the stock adds up (what it was, plus what staff restocked, less
what stayed confirmed), events unsent in each outbox, waiting or retrying in each queue, parked
in each dead-letter queue, and the 5xx answers in the gateway's log. A soak adds each process's
resident memory and each database's and broker user's open connections, early and late in the
run, so that a leak shows as growth. It exits 1 unless the system held and lost nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx

from scripts.gateway import PID_FILE, SERVER_ERRORS_LOG
from scripts.gateway_client import gateway_client
from scripts.native import MissingServer, not_ready, postgres, project_env
from scripts.project import PROJECT_DIR, SERVICES_DIR, services
from scripts.provision import PROJECT, broker_admin, database_name

LOCUSTFILE = PROJECT_DIR / "tests" / "load" / "locustfile.py"
# How long the system may take, after the load, to settle its orders and empty its queues.
GRACE_SECONDS = 60
DOCKER = shutil.which("docker")
PENDING = "pending"


class LoadFailed(Exception):
    """The load could not be run or read; the message says why."""


# Where the system runs: its processes on this machine, or Compose's containers.


class Native:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    @staticmethod
    def running() -> bool:
        return Path(f"/proc/{_pid(PID_FILE)}").exists()

    def bus_status(self, service: str) -> dict:
        return json.loads(
            _output([sys.executable, "manage.py", "bus_status"], SERVICES_DIR / service)
        )

    def server_errors_mark(self) -> int:
        return SERVER_ERRORS_LOG.stat().st_size if SERVER_ERRORS_LOG.exists() else 0

    def server_errors_since(self, mark: int) -> list[dict]:
        if not SERVER_ERRORS_LOG.exists():
            return []
        with SERVER_ERRORS_LOG.open("rb") as log:
            log.seek(mark)
            return [json.loads(line) for line in log.read().splitlines() if line.strip()]

    def memory(self) -> dict[str, int]:
        """Resident bytes of each Procfile process of this project, its children included: honcho
        names each in HONCHO_PROCESS_NAME, which children inherit; nginx overwrites its
        environment, so the gateway is its master (nginx.pid) and the master's workers."""
        gateway = _pid(PID_FILE)
        resident: Counter[str] = Counter()
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                if not Path(os.readlink(proc / "cwd")).is_relative_to(PROJECT_DIR):
                    continue
                environ = (proc / "environ").read_bytes().split(b"\0")
                status = dict(
                    line.split(":", 1) for line in (proc / "status").read_text().splitlines()
                )
            except OSError:  # gone, or not ours to read
                continue
            if "VmRSS" not in status:  # a zombie
                continue
            if gateway in (int(proc.name), int(status["PPid"])):
                name = "gateway"
            elif named := [v for v in environ if v.startswith(b"HONCHO_PROCESS_NAME=")]:
                name = named[0].partition(b"=")[2].decode().rpartition(".")[0]
            else:
                continue
            resident[name] += int(status["VmRSS"].split()[0]) * 1024
        return dict(resident)

    def connections(self) -> dict[str, int]:
        """Open connections to each of the project's databases, and of each of its broker users."""
        with postgres(self.env["POSTGRES_ADMIN_URL"]) as admin:
            rows = admin.execute(
                "SELECT datname, count(*) FROM pg_stat_activity WHERE datname = ANY(%s)"
                " GROUP BY datname",
                ([database_name(service) for service in services()],),
            ).fetchall()
        counts = {f"database {name}": count for name, count in rows}
        users = broker_admin(self.env).connections(PROJECT)
        counts.update((f"broker {user}", count) for user, count in Counter(users).items())
        return counts


class Compose:
    @staticmethod
    def running() -> bool:
        if DOCKER is None:
            return False
        found = subprocess.run(
            [DOCKER, "compose", "ps", "--quiet", "gateway"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        return found.returncode == 0 and bool(found.stdout.strip())

    def bus_status(self, service: str) -> dict:
        command = [DOCKER, "compose", "exec", "-T", service, "python", "manage.py", "bus_status"]
        return json.loads(_output(command, PROJECT_DIR))

    def server_errors_mark(self) -> str:
        return datetime.now(UTC).isoformat(timespec="seconds")

    def server_errors_since(self, mark: str) -> list[dict]:
        logs = _output(
            [DOCKER, "compose", "logs", "--no-log-prefix", "--since", mark, "gateway"],
            PROJECT_DIR,
        )
        lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
        return [line for line in lines if line.get("status", 0) >= 500]

    def memory(self) -> dict[str, int]:
        stats = _output(
            [DOCKER, "compose", "stats", "--no-stream", "--format", "json"], PROJECT_DIR
        )
        units = {"B": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3}
        resident = {}
        for line in stats.splitlines():
            container = json.loads(line)
            used = re.match(r"([\d.]+)(\w+)", container["MemUsage"])
            resident[container["Name"]] = int(float(used[1]) * units.get(used[2], 1))
        return resident

    def connections(self) -> dict[str, int]:
        return {}  # counted natively only: Compose's servers are not this machine's


def _pid(path: Path) -> int:
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return 0


def _output(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise LoadFailed(f"{' '.join(command[:6])} failed: {done.stderr.strip()[-500:]}")
    return done.stdout


# The shop, read through its gateway.


class Shop:
    def __init__(self, gateway: str) -> None:
        self.http = gateway_client(gateway)

    def pages(self, path: str, headers: dict[str, str] | None = None) -> list[dict]:
        found, url, params = [], path, {"page_size": 100}
        while url:
            page = self.http.get(url, params=params, headers=headers).raise_for_status().json()
            found += page["results"]
            url, params = page["next"], None  # which names the page size
        return found

    def stock(self) -> dict[str, int]:
        return {p["id"]: p["available"] for p in self.pages("/api/catalog/products/")}

    def order_statuses(self, passwords: dict[str, str], customers: set[str]) -> dict[str, str]:
        statuses = {}
        for email in customers:
            credentials = {"email": email, "password": passwords[email]}
            signing_in = self.http.post("/api/identity/tokens/", json=credentials)
            tokens = signing_in.raise_for_status().json()
            signed_in = {"Authorization": f"Bearer {tokens['access_token']}"}
            orders = self.pages("/api/orders/orders/", headers=signed_in)
            statuses.update((order["id"], order["status"]) for order in orders)
        return statuses


# Running Locust, and reading what it measured.


def run_locust(
    gateway: str, users: int, seconds: int, during: Callable[[subprocess.Popen[bytes]], None]
) -> dict:
    """Locust, headless, in a process of its own (it patches the standard library with gevent):
    its report (see tests/load/locustfile.py), once every user has stopped."""
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        report, log_path = Path(folder) / "report.json", Path(folder) / "locust.log"
        command = [
            sys.executable,
            "-m",
            "locust",
            f"--locustfile={LOCUSTFILE}",
            "--headless",
            "--only-summary",
            f"--host={gateway}",
            f"--users={users}",
            f"--spawn-rate={max(1, users // 10)}",
            f"--run-time={seconds}s",
            # Journeys in flight at the end finish, if they can within this.
            "--stop-timeout=10",
        ]
        # The locustfile imports scripts.project: the project's folder on the path.
        path = os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")]))
        environment = {**os.environ, "LOAD_REPORT": str(report), "PYTHONPATH": path}
        with log_path.open("w") as log:
            locust = subprocess.Popen(
                command, cwd=PROJECT_DIR, env=environment, stdout=log, stderr=log
            )
            try:
                during(locust)
                locust.wait(timeout=seconds + 120)
            finally:
                if locust.poll() is None:
                    locust.kill()
                    locust.wait()
        if not report.exists():
            raise LoadFailed(
                f"Locust stopped before the end of its run:\n{log_path.read_text()[-2000:]}"
            )
        return json.loads(report.read_text())


# Waiting for the system to settle, and what it settled to.


def settled_orders(shop: Shop, ledger: dict, deadline: float) -> dict[str, str]:
    """Each order the journeys placed, by id: its status once none is pending, or at `deadline`."""
    placed = ledger["orders"]
    statuses: dict[str, str] = {}
    customers = {order["email"] for order in placed.values()}
    while customers:
        statuses.update(shop.order_statuses(ledger["passwords"], customers))
        pending = [order_id for order_id in placed if statuses.get(order_id, PENDING) == PENDING]
        if not pending or time.monotonic() > deadline:
            break
        customers = {placed[order_id]["email"] for order_id in pending}
        time.sleep(2)
    return {order_id: statuses.get(order_id, "missing") for order_id in placed}


def bus_status(system: Native | Compose, deadline: float) -> dict[str, dict]:
    """Each service's bus_status, once no event waits anywhere, or at `deadline`."""
    with ThreadPoolExecutor(4) as pool:
        while True:
            present = services()
            statuses = dict(zip(present, pool.map(system.bus_status, present), strict=True))
            at_rest = not any(in_flight(status) for status in statuses.values())
            if at_rest or time.monotonic() > deadline:
                return statuses
            time.sleep(2)


def in_flight(status: dict) -> int:
    """Events committed and not yet handled (dead letters aside: those wait for a person)."""
    queue = status["queue"] or {"waiting": 0, "retrying": 0}
    return status["outbox"]["unsent"] + queue["waiting"] + queue["retrying"]


def stock_discrepancies(
    before: dict[str, int], after: dict[str, int], ledger: dict, statuses: dict[str, str]
) -> list[str]:
    """The products whose stock is not what it was, plus what staff restocked, less what the
    journeys' orders hold confirmed."""
    expected = dict(before)
    for product_id, units in ledger["restocked"].items():
        expected[product_id] = expected.get(product_id, 0) + units
    for order_id, order in ledger["orders"].items():
        if statuses[order_id] == "confirmed":
            expected[order["product_id"]] = expected.get(order["product_id"], 0) - order["quantity"]
    return [
        f"product {product_id}: {after.get(product_id)} available, {units} expected"
        for product_id, units in expected.items()
        if after.get(product_id) != units
    ]


# What a person reads.


def checks_table(checks: list[dict]) -> str:
    """Each check the journeys made: how often it passed and failed, and for those that wait
    (an order settling), how long they waited to pass."""
    by_name: dict[str, list[dict]] = {}
    for check in checks:
        by_name.setdefault(check["name"], []).append(check)
    lines = ["| check | passed | failed | p50 s | p95 s |", "|---|---:|---:|---:|---:|"]
    for name, made in sorted(by_name.items()):
        waited = sorted(c["seconds"] for c in made if c["seconds"] is not None and not c["failure"])
        failed = sum(1 for c in made if c["failure"])
        p50, p95 = (
            (f"{percentile(waited, 0.5):.1f}", f"{percentile(waited, 0.95):.1f}")
            if waited
            else ("", "")
        )
        lines.append(f"| {name} | {len(made) - failed} | {failed} | {p50} | {p95} |")
    return "\n".join(lines)


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def steps_table(steps: list[dict]) -> str:
    lines = [
        "| step | requests/s | requests | failures | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for step in steps:
        lines.append(
            f"| {step['name']} | {step['per_second']:.1f} | {step['requests']} "
            f"| {step['failures']} | {step['p50']:.0f} | {step['p95']:.0f} | {step['p99']:.0f} |"
        )
    return "\n".join(lines)


def resources_table(early: dict[str, int], late: dict[str, int], unit: str) -> str:
    scale = 1024**2 if unit == "MiB" else 1
    lines = [f"| | early ({unit}) | late ({unit}) | growth |", "|---|---:|---:|---:|"]
    for name in sorted(early.keys() | late.keys()):
        first, last = early.get(name, 0) / scale, late.get(name, 0) / scale
        growth = f"{(last - first) / first:+.0%}" if first else "new"
        lines.append(f"| {name} | {first:.0f} | {last:.0f} | {growth} |")
    return "\n".join(lines)


def end_state(
    ledger: dict,
    seconds: int,
    statuses: dict[str, str],
    stock: list[str] | None,
    bus: dict[str, dict],
    server_errors: list[dict],
) -> tuple[list[str], list[str]]:
    """The end state's lines, and what of it is wrong."""
    lines, wrong = [], []
    outcomes = Counter(statuses.values())
    if ledger["orders"]:
        told = ", ".join(f"{count} {status}" for status, count in sorted(outcomes.items()))
        per_minute = len(statuses) / (seconds / 60)
        lines.append(f"  orders placed      {len(statuses)} ({per_minute:.0f}/min): {told}")
        if unsettled := [i for i, status in statuses.items() if status in (PENDING, "missing")]:
            wrong.append(f"{len(unsettled)} orders not settled, e.g. {unsettled[0]}")
    if stock is not None:
        lines.append(f"  stock              {'adds up' if not stock else 'does not add up'}")
        wrong += stock[:5]
    unsent = {name: s["outbox"]["unsent"] for name, s in bus.items() if s["outbox"]["unsent"]}
    lines.append(f"  outbox unsent      {sum(unsent.values())}{_by_service(unsent)}")
    queues = {name: s["queue"] for name, s in bus.items() if s["queue"]}
    waiting = {
        name: q["waiting"] + q["retrying"]
        for name, q in queues.items()
        if q["waiting"] + q["retrying"]
    }
    lines.append(f"  queues in flight   {sum(waiting.values())}{_by_service(waiting)}")
    parked = {name: q["dead_letters"] for name, q in queues.items() if q["dead_letters"]}
    lines.append(f"  dead letters       {sum(parked.values())}{_by_service(parked)}")
    lines.append(f"  gateway 5xx        {len(server_errors)}")
    if unsent or waiting:
        wrong.append(f"events still in flight after {GRACE_SECONDS} s")
    if parked:
        wrong.append("events parked in dead-letter queues")
    if server_errors:
        first = server_errors[0]
        wrong.append(
            f"the gateway answered {len(server_errors)} requests with 5xx, e.g. {first.get('status')} {first.get('uri')}"
        )
    return lines, wrong


def _by_service(counts: dict[str, int]) -> str:
    return f" ({', '.join(f'{name} {count}' for name, count in counts.items())})" if counts else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="people at once (default 20)")
    parser.add_argument("--seconds", type=int, default=60, help="how long (default 60)")
    parser.add_argument(
        "--soak",
        type=float,
        metavar="MINUTES",
        help="run this long, and watch memory and connections",
    )
    arguments = parser.parse_args()
    seconds = round(arguments.soak * 60) if arguments.soak else arguments.seconds
    try:
        env = project_env()
        return load(env, arguments.users, seconds, soak=bool(arguments.soak))
    except (MissingServer, LoadFailed, httpx.HTTPError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def where_it_runs(env: dict[str, str]) -> Native | Compose:
    if Native.running():
        return Native(env)
    if Compose.running():
        return Compose()
    raise LoadFailed(
        f"the gateway on port {env['GATEWAY_PORT']} is neither make dev's nor Compose's."
    )


def load(env: dict[str, str], users: int, seconds: int, *, soak: bool) -> int:
    gateway = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    if not_ready(gateway):
        raise LoadFailed(f"the system is not ready at {gateway}: start it (make dev or make run).")
    system = where_it_runs(env)
    shop = Shop(gateway)
    has_catalog = "catalog" in services()
    stock_before = shop.stock() if has_catalog else {}
    errors_mark = system.server_errors_mark()
    samples: list[tuple[dict[str, int], dict[str, int]]] = []

    def sample_resources(locust: subprocess.Popen[bytes]) -> None:
        if not soak:
            return
        # Early, once every user runs and the processes have warmed up; late, just before the end.
        for moment in (min(60, seconds / 5), seconds - min(30, seconds / 10)):
            while time.monotonic() - started < moment:
                if locust.poll() is not None:
                    return
                time.sleep(1)
            samples.append((system.memory(), system.connections()))

    print(f"Load: {users} people for {seconds} s through {gateway}, rate limits on.", flush=True)
    started = time.monotonic()
    report = run_locust(gateway, users, seconds, sample_resources)
    deadline = time.monotonic() + GRACE_SECONDS
    statuses = settled_orders(shop, report, deadline)
    bus = bus_status(system, deadline)
    stock = (
        stock_discrepancies(stock_before, shop.stock(), report, statuses) if has_catalog else None
    )
    lines, wrong = end_state(
        report, seconds, statuses, stock, bus, system.server_errors_since(errors_mark)
    )

    print(steps_table([*report["steps"], report["total"]]))
    for failure in report["failures"][:10]:
        print(f"  {failure}")
    print("\n" + checks_table(report["checks"]))
    failed_checks = [check for check in report["checks"] if check["failure"]]
    for check in failed_checks[:10]:
        print(f"  {check['name']}: {check['failure']}")
    if len(samples) == 2:
        (early_memory, early_connections), (late_memory, late_connections) = samples
        print(
            "\nResident memory, by process:\n" + resources_table(early_memory, late_memory, "MiB")
        )
        if early_connections or late_connections:
            print(
                "\nOpen connections:\n"
                + resources_table(early_connections, late_connections, "count")
            )
    print(f"\nEnd state, once the system had up to {GRACE_SECONDS} s to settle:")
    print("\n".join(lines))
    if failed_checks:
        wrong.insert(0, f"{len(failed_checks)} checks failed")
    if failed := report["total"]["failures"]:
        wrong.insert(0, f"{failed} requests failed")
    if wrong:
        print("The system did not hold:\n" + "\n".join(f"  - {what}" for what in wrong))
        return 1
    print("The system held: no failures, nothing lost.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
