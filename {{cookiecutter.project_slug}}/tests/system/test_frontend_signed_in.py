"""The frontend in a real browser, signed in: a customer signs up, orders and sees it confirmed;
staff edit a product (see test_frontend for how the browser runs)."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from playwright.sync_api import Page, expect

from tests.system.conftest import bearer, screenshot, setting


@pytest.fixture(scope="module")
def product(gateway, staff_token) -> dict:
    """A product in stock, made by staff through the API."""
    staff = bearer(staff_token)
    name = f"Reading lamp {uuid4().hex[:6]}"
    body = {
        "sku": f"E2E-{uuid4().hex[:8].upper()}",
        "name": name,
        "price": "12.50",
        "currency": "EUR",
    }
    created = gateway.post("/api/catalog/products/", json=body, headers=staff)
    assert created.status_code == 201, created.text
    adjusted = gateway.post(
        f"/api/catalog/products/{created.json()['id']}/stock-adjustments/",
        json={"change": 10},
        headers=staff,
    )
    assert adjusted.status_code == 200, adjusted.text
    return created.json()


def log_in_with_the_keyboard(page: Page, email: str, password: str) -> None:
    page.goto("/log-in")
    page.get_by_label("E-mail").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()


def test_a_customer_signs_up_orders_and_sees_it_confirmed(page: Page, product):
    email, password = f"shopper-{uuid4().hex[:10]}@example.com", f"pass-{uuid4().hex}"

    # Sign up: the service's field errors show next to their fields first.
    page.goto("/sign-up")
    page.get_by_label("Full name").fill("Ada Shopper")
    page.get_by_label("E-mail").fill("not an address")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign up").click()
    email_field = page.get_by_label("E-mail")
    expect(email_field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_be_visible()
    screenshot(page, "sign-up")
    email_field.fill(email)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Products")).to_be_visible()

    # Sign out; signing up again with the address and another password asks to log in instead.
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.goto("/sign-up")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(f"other-{uuid4().hex}")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("alert")).to_contain_text("log in with your password")

    # Back in with the keyboard alone.
    page.goto("/log-in")
    screenshot(page, "log-in")
    log_in_with_the_keyboard(page, email, password)

    # Browse: search finds the product; its page adds it to the cart.
    page.goto("/")
    page.get_by_role("searchbox", name="Search products").fill(product["name"])
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 product matching")).to_be_visible()
    screenshot(page, "products")
    page.get_by_role("link", name=product["name"]).click()
    expect(page.get_by_role("heading", name=product["name"])).to_be_visible()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text("Added to your cart")
    screenshot(page, "product")

    # Order: the cart totals it, and the order goes from pending to confirmed over events.
    page.get_by_role("link", name="Go to the cart").click()
    expect(page.get_by_role("row", name=re.compile("Total"))).to_contain_text("€25.00")
    screenshot(page, "cart")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("status")).to_contain_text("your order is placed")
    expect(page.locator(".status").first).to_have_text("confirmed", timeout=30_000)
    screenshot(page, "orders")

    # The confirmation reaches the notifications page.
    page.get_by_role("link", name="Notifications").click()
    confirmation = page.get_by_role("heading", name="Your order is confirmed")
    expect(confirmation).to_be_visible(timeout=30_000)
    screenshot(page, "notifications")


def test_staff_edit_a_product_and_see_field_errors(page: Page, product):
    staff = (setting("IDENTITY_STAFF_EMAIL"), setting("IDENTITY_STAFF_PASSWORD"))
    log_in_with_the_keyboard(page, *staff)
    page.goto(f"/products/{product['id']}")
    page.get_by_role("link", name="Edit this product").click()

    page.get_by_label("Price").fill("cheap")
    page.get_by_role("button", name="Save").click()
    price = page.get_by_label("Price")
    expect(price).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{price.get_attribute('aria-describedby')}")).not_to_be_empty()
    screenshot(page, "staff-product-edit")

    price.fill("14.00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=product["name"])).to_be_visible()
    expect(page.get_by_text("€14.00")).to_be_visible()


def test_customers_are_not_offered_staff_pages(page: Page):
    page.goto("/products/new")

    expect(page).to_have_url(re.compile("/log-in$"))


def test_the_demo_customer_finds_a_stocked_shop_and_their_orders(page: Page):
    # What make seed leaves (make demo seeds, make dev seeds an empty shop): goods to browse,
    # and an account with an order history.
    page.goto("/")
    expect(page.get_by_role("link", name="Arc floor lamp")).to_be_visible()
    screenshot(page, "seeded-products")

    log_in_with_the_keyboard(
        page, setting("DEMO_CUSTOMER_EMAIL"), setting("DEMO_CUSTOMER_PASSWORD")
    )
    page.goto("/orders")

    expect(page.locator(".status-confirmed").first).to_be_visible()
    expect(page.locator(".status-cancelled").first).to_be_visible()
    screenshot(page, "seeded-orders")
