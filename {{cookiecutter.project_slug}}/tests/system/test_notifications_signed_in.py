"""Notifications through the gateway, signed in: a new customer is welcomed."""

from tests.system.conftest import bearer, eventually


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
