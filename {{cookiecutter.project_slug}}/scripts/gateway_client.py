"""The HTTP client the project's own tools (seed, load) talk to the gateway with.

The gateway limits each client's rate and answers 429 with a Retry-After of a second beyond
it: another tool running meanwhile (the system tests, a load run) shares the limit. This
client waits as long as the gateway asks and tries again, so that a tool slows down instead
of failing. A longer Retry-After is a service's own answer (an account locked after too many
wrong passwords, for minutes): that goes to the caller at once.
"""

from __future__ import annotations

import time

import httpx

# Waits before a 429 is given to the caller, and the longest Retry-After waited out.
RATE_LIMITED_TRIES = 30
LONGEST_WAIT_SECONDS = 5


class PatientTransport(httpx.HTTPTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(RATE_LIMITED_TRIES):
            response = super().handle_request(request)
            wait = _retry_after(response)
            if wait is None or wait > LONGEST_WAIT_SECONDS:
                break
            response.close()
            time.sleep(wait)
        return response


def _retry_after(response: httpx.Response) -> float | None:
    """The seconds a 429 asks to wait (a second if it does not say), else None."""
    if response.status_code != 429:
        return None
    try:
        return float(response.headers.get("Retry-After", "1"))
    except ValueError:  # an HTTP date: far off, for a client of this kind
        return float("inf")


def gateway_client(gateway: str) -> httpx.Client:
    return httpx.Client(base_url=gateway, timeout=15, transport=PatientTransport())
