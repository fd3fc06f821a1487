"""Review fixes (issue 11 follow-ups) in headless Chromium: a long payload's line numbers stay beside
their lines, and the log's search box fits a phone.

The server, the sandbox and Chromium are the ones tests/test_browser.py starts.
"""

# The fixtures imported from tests.test_browser are named again as test arguments, on purpose.
# ruff: noqa: F811

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import pytest

from tests.test_browser import (  # noqa: F401 - fixtures are found by name
    WAIT_MS,
    Desk,
    chromium,
    desk,
    fill,
    settle,
    shared_desk,
    shot,
    textbox,
)
from tests.test_browser_editor import open_view

with contextlib.suppress(ImportError):  # the `chromium` fixture reports it: skip locally, fail in CI
    from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

LINES = 2_000


def long_payload() -> str:
    """A payload of exactly LINES lines: the vendor's sections and a long list, one number a line."""
    head = {"customer_info": {"customer_name": "Asha Traders", "phone": "9845012345"}, "order_info": {}}
    numbers = ",\n".join(f"    {n}" for n in range(LINES - 9))
    text = json.dumps(head, indent=2)[:-2] + ',\n  "lines": [\n' + numbers + "\n  ]\n}"
    assert text.count("\n") + 1 == LINES, text.count("\n") + 1
    json.loads(text)
    return text


def context(chromium: Browser, width: int, height: int) -> Iterator[Page]:
    opened = chromium.new_context(viewport={"width": width, "height": height})
    opened.set_default_timeout(WAIT_MS)
    yield opened.new_page()
    opened.close()


@pytest.fixture
def wide(chromium: Browser) -> Iterator[Page]:
    yield from context(chromium, 1400, 1000)


@pytest.fixture
def phone(chromium: Browser) -> Iterator[Page]:
    yield from context(chromium, 390, 844)


def where_line(page: Page, n: int) -> dict[str, float]:
    """Where line ``n`` is on the page: its number in the gutter, and its text in the text box.

    The number is measured where Chromium drew it (a range over its text); the text line from the
    box's top, padding and line height, less what the box has scrolled inside.
    """
    return page.evaluate(
        """(n) => {
            const gutter = document.querySelector('.st-key-editor-frame .editor-gutter');
            const box = document.querySelector('.st-key-editor-frame textarea');
            const node = Array.from(gutter.childNodes).filter(c => c.nodeType === 3)[n - 1];
            const range = document.createRange();
            range.selectNodeContents(node);
            const number = range.getBoundingClientRect();
            const t = getComputedStyle(box);
            const boxTop = box.getBoundingClientRect().top + parseFloat(t.borderTopWidth)
                + parseFloat(t.paddingTop);
            const lineHeight = parseFloat(t.lineHeight);
            return {
                numberText: node.textContent,
                numberMiddle: (number.top + number.bottom) / 2,
                textMiddle: boxTop + (n - 1) * lineHeight - box.scrollTop + lineHeight / 2,
                lineHeight, scrolledInside: box.scrollTop,
                boxHeight: box.clientHeight, boxScrollHeight: box.scrollHeight,
            };
        }""",
        n,
    )


def test_a_long_payloads_line_numbers_stay_beside_their_lines(wide: Page, desk: Desk) -> None:
    open_view(wide, desk, "payload_editor", "Payload editor")
    box = textbox(wide, "Payload (JSON)")
    # Set as a paste would (Playwright's fill types into a box that resizes line by line: too slow).
    box.evaluate(
        """(box, text) => {
            Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(box, text);
            box.dispatchEvent(new Event('input', {bubbles: true}));
        }""",
        long_payload(),
    )
    box.press("Control+Enter")
    settle(wide)
    expect(wide.locator(".st-key-editor-frame .editor-gutter")).to_contain_text(str(LINES))

    for n in (1, 20, 200, 1_000, 1_500, LINES):
        at = where_line(wide, n)
        assert at["numberText"] == str(n)
        # Beside line n of the text, within a third of a line: not drifting into its neighbour.
        assert abs(at["numberMiddle"] - at["textMiddle"]) < at["lineHeight"] / 3, (n, at)
    assert at["boxScrollHeight"] <= at["boxHeight"] + 1, at  # the box grows with its text
    # A wheel over the box scrolls the page, numbers and text together: nothing scrolls inside it.
    box.hover(position={"x": 200, "y": 100})
    wide.mouse.wheel(0, -3_000)
    wide.wait_for_timeout(300)
    at = where_line(wide, 1_500)
    assert at["scrolledInside"] == 0
    assert abs(at["numberMiddle"] - at["textMiddle"]) < at["lineHeight"] / 3, at
    wide.mouse.wheel(0, at["numberMiddle"] - 500)  # line 1,500 on screen, for the picture
    wide.wait_for_timeout(300)
    at = where_line(wide, 1_500)
    assert 0 < at["numberMiddle"] < 1_000 and at["scrolledInside"] == 0, at
    assert abs(at["numberMiddle"] - at["textMiddle"]) < at["lineHeight"] / 3, at
    shot(wide, "editor_long_payload_line_numbers.png")


def test_the_log_search_box_placeholder_fits_a_phone(phone: Page, desk: Desk) -> None:
    """390 px wide: the whole placeholder shows; the full explanation is the box's help."""
    phone.goto(f"{desk.url}/log")
    expect(phone.get_by_role("heading", name="Submission log")).to_be_visible(timeout=WAIT_MS)
    settle(phone)
    search = textbox(phone, "Search")
    expect(search).to_be_visible()
    room, needed = search.evaluate(
        """box => {
            const s = getComputedStyle(box);
            const pen = document.createElement('canvas').getContext('2d');
            pen.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
            return [box.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight),
                    pen.measureText(box.placeholder).width];
        }"""
    )
    assert needed <= room, f"the placeholder needs {needed:.0f} px of {room:.0f}: it is cut off"
    help_icon = phone.locator(".st-key-log-text").get_by_test_id("stTooltipHoverTarget")
    help_icon.hover()
    expect(phone.get_by_text("an email, an order id, or an entry's number such as #123")).to_be_visible()
    shot(phone, "log_search_on_a_phone.png")
