"""What QA see in a real browser: the payload editor, a suite's results and a comparison.

The server, the sandbox and Chromium are the ones tests/test_browser.py starts (its fixtures are
imported here); screenshots go to test-artifacts/.
"""

# The fixtures imported from tests.test_browser are named again as test arguments, on purpose.
# ruff: noqa: F811

from __future__ import annotations

import contextlib
import json

import pytest

from kapture.models import vendor_example
from kapture.variants import generate_negatives
from tests.test_browser import (  # noqa: F401 - fixtures are found by name
    WAIT_MS,
    Desk,
    button,
    chromium,
    desk,
    fill,
    page,
    see,
    settle,
    shared_desk,
    shot,
    textbox,
)

with contextlib.suppress(ImportError):  # the `chromium` fixture reports it: skip locally, fail in CI
    from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

MISSING_COMMA = (
    '{\n  "customer_info": {\n    "customer_name": "Asha Traders"\n    "phone": "9845012345"\n  }\n}'
)
MISSING_COMMA_LINE = '    "customer_name": "Asha Traders"'


def open_view(page: Page, desk: Desk, path: str, heading: str) -> None:
    page.goto(f"{desk.url}/{path}")
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=WAIT_MS)
    fill(page, "Your name", "Meera")
    settle(page)


def type_into(page: Page, label: str, text: str, nth: int = 0) -> None:
    """Replace a text area's content and commit it (Ctrl+Enter, as Streamlit's hint says)."""
    box = page.get_by_role("textbox", name=label, exact=True).nth(nth)
    box.fill(text)
    box.press("Control+Enter")
    settle(page)


def test_a_syntax_error_is_pointed_at_and_nothing_can_be_sent(page: Page, desk: Desk) -> None:
    open_view(page, desk, "payload_editor", "Payload editor")
    expect(button(page, "Send to Kapture")).to_be_enabled()  # the built-in template is valid JSON

    type_into(page, "Payload (JSON)", MISSING_COMMA)

    column = len(MISSING_COMMA_LINE) + 1
    see(page, "This is not valid JSON.")
    see(page, f"Line 3, column {column}: a comma is missing")
    pointer = page.get_by_test_id("stCode").filter(has_text="Asha Traders").first
    expect(pointer).to_be_visible()
    assert pointer.inner_text().rstrip("\n").split("\n") == [MISSING_COMMA_LINE, " " * (column - 1) + "^"]
    expect(button(page, "Send to Kapture")).to_be_disabled()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    page.get_by_role("heading", name="Payload editor").scroll_into_view_if_needed()
    shot(page, "editor_syntax_error.png")
    assert len(desk.sandbox.state.requests) == 0


def test_a_suite_of_negatives_runs_and_shows_its_results(page: Page, desk: Desk) -> None:
    proposed = generate_negatives(vendor_example())
    open_view(page, desk, "suites", "Variant suites")
    button(page, "Generate negatives").click()
    settle(page)
    button(page, "Add the ticked ones").click()
    settle(page)
    fill(page, "Suite name", "Vendor negatives")
    settle(page)

    button(page, "Run suite").click()

    heading = page.get_by_role("heading", name=f"Results: {len(proposed)} of {len(proposed)} passed")
    expect(heading).to_be_visible(timeout=WAIT_MS)
    settle(page)
    assert len(desk.sandbox.state.requests) == len(proposed)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    heading.evaluate("element => element.scrollIntoView({block: 'start'})")  # the table in view
    shot(page, "suite_results.png")


def test_two_payloads_compared_side_by_side(page: Page, desk: Desk) -> None:
    before = {"customer_info": {"customer_name": "Asha", "phone": "98450"}, "order_info": {"remarks": "x"}}
    after = {
        "customer_info": {"customer_name": "Asha Traders", "email_id": "a@asha.example"},
        "order_info": {"remarks": "x"},
    }
    open_view(page, desk, "compare", "Compare")

    type_into(page, "JSON or text", json.dumps(before, indent=2), nth=0)
    type_into(page, "JSON or text", json.dumps(after, indent=2), nth=1)

    expect(page.get_by_role("heading", name="3 difference(s)")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    shot(page, "compare.png")
    assert textbox(page, "JSON or text").count() == 2
