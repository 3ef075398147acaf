"""Notifications through the gateway, signed in: a new customer is welcomed, and the owner of
an address someone tries to register again is told."""

from uuid import uuid4

from tests.system.conftest import bearer, eventually, politely


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


def test_the_owner_hears_of_someone_registering_their_address(gateway, customer):
    again = {"email": customer["email"], "password": f"pass-{uuid4().hex}"}
    registered = politely(lambda: gateway.post("/api/identity/accounts/", json=again))
    assert registered.status_code == 202, registered.text
    signed_in = bearer(customer["access_token"])

    listed = eventually(
        lambda: gateway.get("/api/notifications/notifications/", headers=signed_in).json(),
        lambda page: any(
            (n["template"], n["status"]) == ("registration_repeated", "sent")
            for n in page["results"]
        ),
        what="the notice of someone registering the address, sent",
    )

    (notice,) = [n for n in listed["results"] if n["template"] == "registration_repeated"]
    assert notice["address"] == customer["email"]
