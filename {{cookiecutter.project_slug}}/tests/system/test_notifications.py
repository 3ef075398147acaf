"""Notifications through the gateway: only ever the caller's own, so every request needs a token."""

from tests.system.conftest import assert_problem{{ ", bearer, eventually" if cookiecutter.auth_provider == "identity" }}


def test_notifications_need_a_token(gateway):
    assert_problem(gateway.get("/api/notifications/notifications/"), 401, "not_authenticated")

{%- if cookiecutter.auth_provider == "identity" %}


def test_a_new_customer_is_welcomed(gateway, customer):
    signed_in = bearer(customer["access_token"])

    listed = eventually(
        lambda: gateway.get("/api/notifications/notifications/", headers=signed_in).json(),
        lambda page: page["count"] == 1 and page["results"][0]["status"] == "sent",
        what="the welcome, sent",
    )

    welcome = listed["results"][0]
    assert (welcome["template"], welcome["address"]) == ("welcome", customer["email"])
    assert welcome["attempts"] == 1
{%- endif %}
