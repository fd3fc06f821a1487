"""The submission log in headless Chromium, in a reader's own time zone, at desktop and phone sizes.

Screenshots land in test-artifacts/ (log-desktop.png, log-phone.png, log-search.png) to be looked at.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from sandbox import DEMO_PASSWORD, start_sandbox
from services.journal import open_journal
from tests.test_browser import ARTIFACTS, WAIT_MS, chromium, serve, settle, shot  # noqa: F401 - fixture
from tests.test_log import add

with contextlib.suppress(ImportError):  # the chromium fixture reports it
    from playwright.sync_api import Browser, Page, expect

NAMES = ("Bharat Steel Distributors", "Asha Traders", "Chennai Silks", "Delhi Darbar", "Everest Foods")
OUTCOMES = ("success",) * 6 + ("rejected", "http_error", "timeout_unknown", "network_error", "invalid")
SOURCES = ("form", "form", "form", "editor", "suite", "replay")


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest) -> Browser:
    """Headless Chromium, as the other browser tests start it (or their reason to skip)."""
    return request.getfixturevalue("chromium")


@pytest.fixture(scope="module")
def log_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An app whose journal holds ten days of entries of every kind."""
    workdir = tmp_path_factory.mktemp("log-desk")
    journal = open_journal(f"sqlite:///{workdir / 'journal.db'}", pending_grace=timedelta(minutes=5))
    now = datetime.now(UTC).replace(microsecond=0)
    for n in range(160):
        outcome = OUTCOMES[n % len(OUTCOMES)]
        add(
            journal,
            created_at=now - timedelta(hours=1.5 * n),
            outcome=outcome,
            source=SOURCES[n % len(SOURCES)],
            customer_name=NAMES[n % len(NAMES)],
            phone=f"+91 90000 {n:05d}",
            order_id=str(23_518_000 + n) if outcome == "success" else "",
            message="Order Added successfully !" if outcome == "success" else "Invalid request: GST missing",
        )
    journal.close()
    with start_sandbox() as sandbox, serve(workdir, sandbox.url, DEMO_PASSWORD) as url:
        yield url


def open_log(browser: Browser, url: str, width: int, height: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, timezone_id="Asia/Kolkata")
    page = context.new_page()
    page.goto(f"{url}/log")
    expect(page.get_by_role("heading", name="Submission log")).to_be_visible(timeout=WAIT_MS)
    settle(page)
    page.wait_for_timeout(1500)  # the chart draws after the run
    return page


def test_the_log_reads_in_the_readers_time_zone_on_a_desktop(browser: Browser, log_desk: str) -> None:
    page = open_log(browser, log_desk, 1400, 1000)
    expect(page.get_by_text("Dates (IST)").first).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("Went through").first).to_be_visible()
    expect(page.get_by_text("Not counted here: QA traffic").first).to_be_visible()
    shot(page, "log-desktop.png")
    page.get_by_role("textbox", name="Search").fill("Steel")
    page.get_by_role("textbox", name="Search").press("Enter")
    settle(page)
    expect(page.get_by_text("The search looks at every date.")).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    shot(page, "log-search.png")
    page.context.close()


def test_the_log_on_a_phone(browser: Browser, log_desk: str) -> None:
    page = open_log(browser, log_desk, 390, 844)
    expect(page.get_by_role("heading", name="Submission log")).to_be_visible()
    shot(page, "log-phone.png")
    page.screenshot(path=str(ARTIFACTS / "log-phone-full.png"), full_page=True)
    page.context.close()
