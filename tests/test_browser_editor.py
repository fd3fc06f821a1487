"""What QA see in a real browser: the payload editor, a suite's results and a comparison.

The server, the sandbox and Chromium are the ones tests/test_browser.py starts (its fixtures are
imported here); screenshots go to test-artifacts/.
"""

# The fixtures imported from tests.test_browser are named again as test arguments, on purpose.
# ruff: noqa: F811

from __future__ import annotations

import contextlib
import json
import urllib.request
from collections.abc import Iterator

import pytest

from kapture import basic_token
from kapture.client import ADD_UPDATE_PATH
from kapture.models import vendor_example
from kapture.variants import generate_negatives
from sandbox import DEMO_PASSWORD, DEMO_USERNAME
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
    from playwright.sync_api import Browser, Page, expect

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
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2)  # by path, and side by side (a tab)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    shot(page, "compare.png")
    assert textbox(page, "JSON or text").count() == 2


# --- issue 11: line numbers, naming a variant, the sandbox page (screenshots at 1400×1000) ----------


@pytest.fixture
def wide(chromium: Browser) -> Iterator[Page]:
    """A desktop window as QA have it: 1400×1000."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


def line_tops(page: Page) -> tuple[list[float], float, float]:
    """The gutter's line tops, and where the text box's first line starts and how tall a line is."""
    return page.evaluate(
        """() => {
            const gutter = document.querySelector('.st-key-editor-frame .editor-gutter');
            const box = document.querySelector('.st-key-editor-frame textarea');
            const g = getComputedStyle(gutter), t = getComputedStyle(box);
            const top = (e, s) => e.getBoundingClientRect().top + parseFloat(s.paddingTop)
                + parseFloat(s.borderTopWidth);
            const gTop = top(gutter, g), tTop = top(box, t);
            const lines = gutter.querySelectorAll('br').length + 1;
            return [Array.from({length: lines}, (_, i) => gTop + i * parseFloat(g.lineHeight)),
                    tTop, parseFloat(t.lineHeight)];
        }"""
    )


def test_the_editor_numbers_its_lines_beside_the_text(wide: Page, desk: Desk) -> None:
    open_view(wide, desk, "payload_editor", "Payload editor")
    type_into(wide, "Payload (JSON)", MISSING_COMMA)

    gutter = wide.locator(".st-key-editor-frame .editor-gutter")
    expect(gutter).to_have_text("".join(str(n) for n in range(1, MISSING_COMMA.count("\n") + 2)))
    assert gutter.inner_text().split("\n") == [str(n) for n in range(1, MISSING_COMMA.count("\n") + 2)]
    tops, text_top, line_height = line_tops(wide)
    # Line n of the gutter sits level with line n of the text, to the pixel, down to the last line.
    assert line_height == 21
    for n, top in enumerate(tops):
        assert abs(top - (text_top + n * line_height)) < 1.5, (n + 1, top, text_top)
    box = textbox(wide, "Payload (JSON)")
    assert box.evaluate("b => getComputedStyle(b).whiteSpace") == "pre"  # a long line never wraps
    assert box.evaluate("b => b.scrollHeight <= b.clientHeight + 1")  # it grows: no scroll inside
    see(wide, "Line 3, column 36: a comma is missing")
    gutter.scroll_into_view_if_needed()
    wide.mouse.wheel(0, -200)
    shot(wide, "editor_line_numbers.png")


def test_naming_a_new_variant_keeps_its_patch_box_open(wide: Page, desk: Desk) -> None:
    open_view(wide, desk, "suites", "Variant suites")
    button(wide, "Add a variant").click()
    settle(wide)
    patch = wide.get_by_role("textbox", name="Patch (JSON)")
    expect(patch).to_be_visible()

    fill(wide, "Variant", "phone as a number")
    settle(wide)

    expect(wide.get_by_text("phone as a number — expect any outcome")).to_be_visible()
    expect(patch).to_be_visible()  # the panel stayed open
    patch.fill('{"customer_info": {"phone": 9845012345}}')
    patch.press("Control+Enter")
    settle(wide)
    expect(patch).to_be_visible()
    expect(patch).to_have_value('{"customer_info": {"phone": 9845012345}}')
    button(wide, "Generate negatives").click()
    settle(wide)
    see(wide, "customer_info.customer_name removed — expect failure (strong)")
    see(wide, "customer_info.individual as text — expect success (weak)")
    wide.get_by_role("heading", name="Variants").scroll_into_view_if_needed()
    shot(wide, "suite_variants.png")


def test_the_sandbox_page_sets_faults_and_lists_orders_sent_with_curl(wide: Page, desk: Desk) -> None:
    body = json.dumps({"customer_info": {"customer_name": "Curl Traders", "phone": "9845012345"}}).encode()
    request = urllib.request.Request(
        desk.sandbox.url + ADD_UPDATE_PATH,
        data=body,
        headers={"Content-Type": "application/json", "User-Agent": "curl/8.5.0",
                 "Authorization": "Basic " + basic_token(DEMO_USERNAME, DEMO_PASSWORD)},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=5) as answer:
        order_id = json.loads(answer.read())["Order"]["order_id"]
    open_view(wide, desk, "sandbox", "Sandbox")
    see(wide, "Orders it keeps (1)")
    grid = wide.get_by_test_id("stDataFrame")
    expect(grid).to_contain_text("Curl Traders")  # canvas grids keep an accessible copy of the cells
    expect(grid).to_contain_text(str(order_id))

    wide.get_by_role("radio", name="Strict: also refuses booleans sent as text and over-long text").check(
        force=True
    )
    button(wide, "Apply").click()
    settle(wide)
    see(wide, "Applied: the next request is answered this way.")
    assert desk.sandbox.state.strictness == "strict"
    desk.sandbox.set_strictness("lenient")
    wide.get_by_role("heading", name="Sandbox").scroll_into_view_if_needed()
    shot(wide, "sandbox_page.png")


def test_two_payloads_side_by_side_line_by_line(wide: Page, desk: Desk) -> None:
    before = {"customer_info": {"customer_name": "Asha", "phone": "98450"}}
    after = {"customer_info": {"customer_name": "Asha Traders", "phone": "98450"}}
    open_view(wide, desk, "compare", "Compare")
    type_into(wide, "JSON or text", json.dumps(before), nth=0)
    type_into(wide, "JSON or text", json.dumps(after), nth=1)
    wide.get_by_role("tab", name="Side by side (text)").click()
    settle(wide)
    grid = wide.get_by_test_id("stDataFrame").last
    expect(grid).to_contain_text('"customer_name": "Asha Traders"')
    wide.get_by_role("heading", name="1 difference(s)").evaluate("e => e.scrollIntoView({block: 'start'})")
    shot(wide, "compare_side_by_side.png")
