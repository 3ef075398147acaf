"""The frontend in a real browser (the `page` of tests/system/conftest.py), through the
gateway: what anyone sees, with a screenshot of every page."""

from __future__ import annotations

import re
from uuid import uuid4

from playwright.sync_api import Browser, Page, expect

from tests.system.conftest import SERVICES, fits_the_screen, gateway_url, screenshot

PHONE = {"width": 390, "height": 844}


def test_signing_in_is_offered(page: Page):
    page.goto("/log-in")
    screenshot(page, "log-in")

    if "identity" in SERVICES:
        expect(page.get_by_label("E-mail")).to_be_visible()
    else:
        sign_in = page.get_by_role("button", name=re.compile("with the sign-in service"))
        expect(sign_in).to_be_visible()


def test_anyone_browses_the_catalog(page: Page):
    page.goto("/")

    expect(page.get_by_role("heading", name="Products")).to_be_visible()
    expect(page.get_by_role("navigation", name="Pages")).to_be_visible()


def test_pages_fit_a_phone(browser: Browser):
    context = browser.new_context(base_url=gateway_url(), viewport=PHONE)
    page = context.new_page()
    try:
        for path in ("/", "/cart", "/log-in", "/sign-up"):
            page.goto(path)
            expect(page.get_by_role("main")).to_be_visible()
            assert fits_the_screen(page), path
        screenshot(page, "phone-sign-up")
    finally:
        context.close()


def test_unknown_pages_say_so(page: Page):
    page.goto(f"/no-such-page-{uuid4().hex[:6]}")

    expect(page.get_by_role("alert")).to_have_text("There is no page here.")
