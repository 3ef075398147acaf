"""The HTTP client the project's own tools (seed, load) talk to the gateway with.

The gateway limits each client's rate and answers 429 with Retry-After beyond it: another
tool running meanwhile (the system tests, a load run) shares the limit. This client waits as
long as the gateway asks and tries again, so that a tool slows down instead of failing.
"""

from __future__ import annotations

import time

import httpx

# Waits of Retry-After (a second each) before a 429 is given to the caller.
RATE_LIMITED_TRIES = 30


class PatientTransport(httpx.HTTPTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(RATE_LIMITED_TRIES):
            response = super().handle_request(request)
            if response.status_code != 429:
                break
            response.close()
            time.sleep(float(response.headers.get("Retry-After", "1")))
        return response


def gateway_client(gateway: str) -> httpx.Client:
    return httpx.Client(base_url=gateway, timeout=15, transport=PatientTransport())
