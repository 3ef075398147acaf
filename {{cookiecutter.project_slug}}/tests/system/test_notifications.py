"""Notifications through the gateway: only ever the caller's own, so every request needs a token."""

from tests.system.conftest import assert_problem


def test_notifications_need_a_token(gateway):
    assert_problem(gateway.get("/api/notifications/notifications/"), 401, "not_authenticated")
