"""What the gateway believes of a client. Behind a proxy it trusts (a Kubernetes Ingress
controller) the client is the address that proxy saw, from its X-Forwarded-For, and the scheme
is the one that proxy saw; from anywhere else those headers are the client's own word: sending
another does not buy a fresh bucket, nor https. A request id is kept only when it is one; the
admin is not on the public port but on the operators'; the registry is rate-limited.

The real nginx of a baked project runs. With no service behind it, a request the limiter lets
through fails upstream (502) and one it stops is a 429; where a test must see what a service
receives, a recorder of its own stands in for the first service."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEMPLATE_DIR, bake, run, services_of, subprocess_env, unique_name
from tests.native import assign_free_ports

REQUESTS = 12
# A bucket holds the first request and BURST more; the rest of REQUESTS are limited.
BURST = 3
LIMITED = {"GATEWAY_RATE_LIMIT": "1r/m", "GATEWAY_BURST": str(BURST)}
UNLIMITED = {"GATEWAY_RATE_LIMIT": "1000r/s", "GATEWAY_BURST": "1000"}

Gateway = Callable[..., str]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Path:
    return bake(tmp_path_factory.mktemp("gateway"), cookiecutter_config, project_slug=unique_name())


@pytest.fixture
def gateway(project: Path) -> Iterator[Gateway]:
    """Start the project's gateway with the given settings; the URL of its first service."""
    started: list[subprocess.Popen] = []

    def start(**settings: str) -> str:
        url = assign_free_ports(project)
        process = subprocess.Popen(
            ["honcho", "run", "python", "-m", "scripts.gateway"],
            cwd=project,
            env=subprocess_env({**LIMITED, **settings}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        started.append(process)
        deadline = time.monotonic() + 30
        while not answers(f"{url}/health"):
            if process.poll() is not None:
                pytest.fail(f"the gateway stopped: {process.stderr.read().decode()}")
            assert time.monotonic() < deadline, "the gateway never answered"
            time.sleep(0.1)
        return f"{url}/api/{services_of(project)[0]}/"

    yield start
    for process in started:
        with contextlib.suppress(ProcessLookupError):  # one that failed to start is gone
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


class Recorder(ThreadingHTTPServer):
    """A stand-in for a service: answers anything with `status` (200 unless said) and `headers`,
    and keeps each request's path and headers."""

    def __init__(self, port: int, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.seen: list[tuple[str, dict[str, str]]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                recorder.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(b'{"status":"ready"}')

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", port), Handler)


def env_setting(project: Path, name: str) -> str:
    return re.search(rf"^{name}=(.*)$", (project / ".env").read_text(), re.M).group(1)


@contextlib.contextmanager
def serving(recorder: Recorder) -> Iterator[Recorder]:
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    try:
        yield recorder
    finally:
        recorder.shutdown()
        recorder.server_close()


def recording(project: Path) -> contextlib.AbstractContextManager[Recorder]:
    """A recorder in the first service's place, at the port the project's .env gives it."""
    return serving(Recorder(int(env_setting(project, f"{services_of(project)[0].upper()}_PORT"))))


@pytest.fixture
def recorded(project: Path, gateway: Gateway) -> Iterator[tuple[str, Recorder]]:
    """The gateway (its first service's URL) with a recorder in that service's place."""
    url = gateway(**UNLIMITED)
    with recording(project) as recorder:
        yield url, recorder


def answers(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.TransportError:
        return False


def limited_count(url: str, forwarded_for: Callable[[int], str | None]) -> int:
    """How many of REQUESTS, each forwarded for `forwarded_for(n)` (if anyone), got a 429."""
    statuses = []
    with httpx.Client() as client:
        for number in range(REQUESTS):
            address = forwarded_for(number)
            headers = {"X-Forwarded-For": address} if address else {}
            statuses.append(client.get(url, headers=headers).status_code)
    assert set(statuses) <= {429, 502}, statuses
    return statuses.count(429)


def test_from_an_untrusted_address_x_forwarded_for_changes_nothing(gateway):
    url = gateway()

    assert limited_count(url, lambda n: f"203.0.113.{n}") == REQUESTS - 1 - BURST


def test_behind_a_trusted_proxy_each_client_has_a_bucket_of_its_own(gateway):
    url = gateway(GATEWAY_TRUSTED_PROXIES="127.0.0.1")

    assert limited_count(url, lambda n: f"203.0.113.{n}") == 0
    # A client cannot escape its bucket by naming someone else first: the proxy's own entry,
    # the last one, is what counts.
    assert limited_count(url, lambda n: f"198.51.100.{n}, 192.0.2.7") == REQUESTS - 1 - BURST


def test_a_limited_request_gets_the_headers_of_every_response(gateway):
    url = gateway()
    with httpx.Client() as client:
        limited = [r for r in (client.get(url) for _ in range(REQUESTS)) if r.status_code == 429]

    assert limited
    for response in limited:
        assert response.headers["Retry-After"] == "1"
        assert json.loads(response.text)["request_id"] == response.headers["X-Request-ID"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_url_too_long_is_refused_in_problem_json(gateway):
    url = gateway(**UNLIMITED)
    refused = httpx.get(url, params={"search": "a" * 9000})

    assert refused.status_code == 414
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert json.loads(refused.text)["request_id"] == refused.headers["X-Request-ID"]


def test_an_unreachable_service_is_a_502_in_problem_json_and_in_the_server_errors_log(project, gateway):
    url = gateway(**UNLIMITED)
    errors_log = project / ".run/gateway/server-errors.log"
    logged_before = errors_log.read_text().count("\n")
    with httpx.Client() as client:
        failed, missing = client.get(url), client.get(f"{url.split('/api/')[0]}/nowhere")

    assert failed.status_code == 502
    assert failed.headers["Content-Type"] == "application/problem+json"
    assert json.loads(failed.text)["status"] == 502
    assert missing.status_code == 404  # a client's error: not the server-errors log's business
    logged = [json.loads(line) for line in errors_log.read_text().splitlines()[logged_before:]]
    assert [(line["status"], line["request_id"]) for line in logged] == [(502, failed.headers["X-Request-ID"])]


def test_each_error_the_gateway_answers_names_its_own_status():
    """nginx answers an error_page with the status that raised it, whatever the page returns: each
    status needs its own page, whose body says that status."""
    problems = (
        TEMPLATE_DIR / "{{cookiecutter.project_slug}}/gateway/templates/problems.locations.template"
    ).read_text()
    pages = re.findall(r"^error_page ([\d ]+) /_problems/(\d+);", problems, re.MULTILINE)
    bodies = {
        int(status): json.loads(body.replace("$request_id_out", "id"))
        for status, body in re.findall(r"return (\d+) '(\{.*\})';", problems)
    }

    assert {502, 504} <= {int(status) for statuses, _ in pages for status in statuses.split()}
    for statuses, page in pages:
        assert statuses.split() == [page], f"error_page {statuses} shares /_problems/{page}"
        assert bodies[int(page)]["status"] == int(page)


def test_behind_a_trusted_proxy_a_request_without_the_header_is_the_proxy_itself(gateway):
    url = gateway(GATEWAY_TRUSTED_PROXIES="127.0.0.1")

    assert limited_count(url, lambda _: None) == REQUESTS - 1 - BURST


# The client the project's tools (seed, load) share, posting six times in a row.
POST_SIX_TIMES = """
import sys
from scripts.gateway_client import gateway_client
with gateway_client(sys.argv[1]) as client:
    print(*(client.post("", json={"n": n}).status_code for n in range(6)))
"""


def test_the_projects_tools_wait_out_the_rate_limit_and_send_each_request_once(project, gateway):
    """make dev seeds while a person may run the system tests: both share one client's limit."""
    url = gateway(GATEWAY_RATE_LIMIT="4r/s", GATEWAY_BURST="1")
    with recording(project) as recorder:
        posted = run([sys.executable, "-c", POST_SIX_TIMES, url], cwd=project)

    assert posted.stdout.split() == ["200"] * 6
    # Each limited attempt stopped at the gateway: the service saw each request once.
    assert [path for path, _ in recorder.seen] == [httpx.URL(url).path] * 6


LOCKED_OUT = """
import sys, time
from scripts.gateway_client import gateway_client
started = time.monotonic()
with gateway_client(sys.argv[1]) as client:
    answer = client.post("/api/identity/tokens/")
print(answer.status_code, answer.headers["Retry-After"], round(time.monotonic() - started))
"""


def test_the_projects_tools_take_a_services_long_retry_after_as_its_answer(project):
    """A service's 429 that says to come back in minutes (a locked account) is not waited out."""
    with serving(Recorder(0, status=429, headers={"Retry-After": "900"})) as service:
        url = f"http://127.0.0.1:{service.server_address[1]}"
        answered = run([sys.executable, "-c", LOCKED_OUT, url], cwd=project, timeout=60)

    assert answered.stdout.split() == ["429", "900", "0"]


def test_a_request_id_is_kept_when_it_is_one_and_replaced_when_it_is_not(recorded):
    url, recorder = recorded
    mine = str(uuid.uuid4())
    kept = httpx.get(url, headers={"X-Request-ID": mine})
    assert kept.headers["X-Request-ID"] == recorder.seen[-1][1]["x-request-id"] == mine

    for forged in ('x", "admin": true, "y": "', "<script>", "a" * 300, "1234"):
        answered = httpx.get(url + "no/such/page/../../../../../nothing", headers={"X-Request-ID": forged})
        replaced = answered.headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", replaced), replaced
        # The gateway's own error body is JSON still, naming the id it made.
        assert json.loads(answered.text)["request_id"] == replaced
        assert httpx.get(url, headers={"X-Request-ID": forged}).headers["X-Request-ID"] != forged
        assert recorder.seen[-1][1]["x-request-id"] != forged


def test_a_service_is_told_the_host_and_port_the_client_asked_for(recorded):
    """The services write links back to themselves (a page's next, the OpenAPI document's host):
    through a gateway on a port of its own, they must name that port."""
    url, recorder = recorded
    gateway_host = httpx.URL(url).netloc.decode()

    httpx.get(url)
    assert recorder.seen[-1][1]["host"] == gateway_host
    with httpx.Client(headers={"Host": "localhost:4443"}) as client:
        client.get(url)
    assert recorder.seen[-1][1]["host"] == "localhost:4443"


def test_x_forwarded_proto_is_believed_from_a_trusted_proxy_alone(project, gateway):
    for trusted, expected in (("unix:", "http"), ("127.0.0.1", "https")):
        url = gateway(GATEWAY_TRUSTED_PROXIES=trusted, **UNLIMITED)
        with recording(project) as recorder:
            answered = httpx.get(url, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
        assert recorder.seen[-1][1]["x-forwarded-proto"] == expected
        assert ("Strict-Transport-Security" in answered.headers) == (expected == "https")


def test_the_admin_is_served_on_the_operators_port_alone(project, recorded):
    url, recorder = recorded
    service = services_of(project)[0]
    admin = f"/api/{service}/admin/"

    public = httpx.get(url.removesuffix(f"/api/{service}/") + admin)
    assert public.status_code == 404
    assert public.headers["Content-Type"] == "application/problem+json"
    assert not any(path.startswith(admin) for path, _ in recorder.seen)

    operators = f"http://127.0.0.1:{env_setting(project, 'GATEWAY_OPERATOR_PORT')}"
    assert httpx.get(operators + admin).status_code == 200
    assert recorder.seen[-1][0] == admin
    # Nothing but the admin (and the files it shows) is there.
    assert httpx.get(f"{operators}/api/{service}/products/").status_code == 404


def test_the_registry_asks_the_services_only_as_often_as_it_answers_and_is_limited(project, recorded):
    url, recorder = recorded
    registry = url.removesuffix(f"/api/{services_of(project)[0]}/") + "/registry"
    with httpx.Client() as client:
        answers = [client.get(registry) for _ in range(60)]
    statuses = [answer.status_code for answer in answers]

    assert set(statuses) == {200, 429}
    service = services_of(project)[0]
    entry = next(e for e in answers[0].json()["services"] if e["name"] == service)
    assert entry["health"] == {"status": "ready"}
    assert entry["upstream"] == f"127.0.0.1:{env_setting(project, f'{service.upper()}_PORT')}"
    assert entry["metrics"] == f"http://{entry['upstream']}/metrics"
    asked = [path for path, _ in recorder.seen if path == "/health/ready"]
    assert len(asked) == statuses.count(200)


TRACEPARENT = re.compile(r"00-(?P<trace_id>[0-9a-f]{32})-(?P<parent_id>[0-9a-f]{16})-(?P<flags>0[01])")


def test_a_trace_is_continued_when_the_client_sends_one_and_started_when_not(recorded):
    url, recorder = recorded
    mine = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    httpx.get(url, headers={"traceparent": mine})
    assert recorder.seen[-1][1]["traceparent"] == mine

    # None, a version this gateway cannot read, ids of zeros, a header that is not one at all.
    for sent in (
        None,
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        'x", "admin": true',
    ):
        answered = httpx.get(url, headers={"traceparent": sent} if sent else {})
        started = TRACEPARENT.fullmatch(recorder.seen[-1][1]["traceparent"])
        assert started, (sent, recorder.seen[-1][1]["traceparent"])
        # The gateway's request id is the trace's id: its log line and the trace share it.
        assert started["trace_id"] == answered.headers["X-Request-ID"]
        assert started["parent_id"] != "0" * 16
        assert started["flags"] == "01"  # every trace kept, by default


def test_the_gateway_keeps_the_share_of_new_traces_it_is_told_to(project, gateway):
    url = gateway(GATEWAY_TRACE_SAMPLE_PERCENT="25", **UNLIMITED)
    with recording(project) as recorder, httpx.Client() as client:
        for _ in range(400):
            client.get(url)
    flags = [TRACEPARENT.fullmatch(headers["traceparent"])["flags"] for _, headers in recorder.seen]
    # 400 requests at 25%: 100 expected, fewer than 60 or more than 140 about one time in 10^9.
    assert 60 < flags.count("01") < 140, flags.count("01")
    # A client's own decision stands.
    with recording(project) as recorder:
        httpx.get(url, headers={"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"})
    assert recorder.seen[-1][1]["traceparent"].endswith("-00")
