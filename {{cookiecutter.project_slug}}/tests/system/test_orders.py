"""Orders through the gateway: every order belongs to someone, so every request needs a token."""

from uuid import uuid4

import pytest

from tests.system.conftest import assert_problem


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/orders/orders/"),
        ("post", "/api/orders/orders/"),
        ("get", f"/api/orders/orders/{uuid4()}/"),
    ],
)
def test_orders_need_a_token(gateway, method, path):
    assert_problem(gateway.request(method.upper(), path), 401, "not_authenticated")


def test_a_forged_token_is_refused(gateway):
    response = gateway.get("/api/orders/orders/", headers={"Authorization": "Bearer not.a.token"})

    assert_problem(response, 401, "invalid_token")
