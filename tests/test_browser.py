"""What staff see in a real browser: the app run by `streamlit run`, driven in headless Chromium.

Each server gets its own sandbox, started in this process, so the tests can check what reached
Kapture as well as what the page shows. Screenshots of each page state go to test-artifacts/.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox import DEMO_PASSWORD, DEMO_USERNAME, Sandbox, start_sandbox
from tests.conftest import require, stop

try:
    from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
except ImportError:  # reported by the `chromium` fixture: a skip locally, a failure under CI
    sync_playwright = None

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 30_000  # generous: a first page load opens and migrates the journal
RUNNING = '[data-testid="stStatusWidget"]'  # Streamlit's "Running..." widget, present only during a run


@dataclass(frozen=True)
class Desk:
    """A running Order Desk and the sandbox it sends to."""

    url: str
    sandbox: Sandbox


# --- servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(
    workdir: Path, sandbox_url: str, password: str, settings: Mapping[str, str] | None = None
) -> Iterator[str]:
    """`streamlit run app.py` against the sandbox with a fresh journal; yields the app's URL.

    ``settings`` adds or replaces KAPTURE_* variables.
    """
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("KAPTURE_")}
    env |= {
        "KAPTURE_BASE_URL": sandbox_url,
        "KAPTURE_USERNAME": DEMO_USERNAME,
        "KAPTURE_PASSWORD": password,
        "KAPTURE_DATABASE_URL": f"sqlite:///{workdir / 'journal.db'}",
        **(settings or {}),
    }
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    stderr = workdir / "streamlit.stderr"
    with (workdir / "streamlit.stdout").open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [*command, "--server.headless", "true"], cwd=ROOT, env=env, stdout=out, stderr=err
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process, stderr)
        yield url
    finally:
        stop(process)


def wait_healthy(url: str, process: subprocess.Popen[bytes], stderr: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{stderr.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"streamlit did not answer {url}/_stcore/health within 30 s:\n{stderr.read_text()}")


@contextmanager
def desk_at(workdir: Path, password: str = DEMO_PASSWORD) -> Iterator[Desk]:
    with start_sandbox() as sandbox, serve(workdir, sandbox.url, password) as url:
        yield Desk(url, sandbox)


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    require(sync_playwright is not None, "playwright is not installed (pip install -r requirements-dev.txt)")
    require(CHROMIUM.exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh browser session (a new Streamlit session) with a viewport tall enough for the form."""
    context = chromium.new_context(viewport={"width": 1280, "height": 2300})
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def shared_desk(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    with desk_at(tmp_path_factory.mktemp("desk")) as desk:
        yield desk


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """The shared server, its sandbox emptied (no orders, requests or faults) for this test."""
    shared_desk.sandbox.state.reset()
    return shared_desk


@pytest.fixture(scope="module")
def locked_out_desk(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """A server whose Kapture password is wrong."""
    with desk_at(tmp_path_factory.mktemp("locked"), password="wrong") as desk:
        yield desk


# --- helpers -----------------------------------------------------------------------------------


def settle(page: Page) -> None:
    """Let Streamlit pick up the last change and finish the run it started."""
    page.wait_for_timeout(300)
    page.wait_for_selector(RUNNING, state="detached", timeout=WAIT_MS)


def textbox(page: Page, label: str) -> Locator:
    return page.get_by_role("textbox", name=label, exact=True)


def fill(page: Page, label: str, text: str) -> None:
    """Type into a text box and commit it (Streamlit sends a text input's value on blur)."""
    box = textbox(page, label)
    box.fill(text)
    box.press("Tab")


def button(page: Page, label: str) -> Locator:
    return page.get_by_role("button", name=label, exact=True)


def see(page: Page, text: str) -> None:
    expect(page.get_by_text(text).first).to_be_visible(timeout=WAIT_MS)


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / name))


def open_new_order(page: Page, desk: Desk) -> None:
    page.goto(f"{desk.url}/new_order")
    expect(page.get_by_role("heading", name="New order")).to_be_visible(timeout=WAIT_MS)
    expect(button(page, "Submit order")).to_be_visible(timeout=WAIT_MS)
    give_name(page)
    expect(page.get_by_text("Sending as Meera")).to_be_visible(timeout=WAIT_MS)


def give_name(page: Page, name: str = "Meera") -> None:
    """Type the name in the sidebar (an order page asks above Submit too: a phone hides the sidebar)."""
    box = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Your name", exact=True)
    box.fill(name)
    box.press("Tab")


def fill_order(page: Page, customer: str) -> None:
    fill(page, "Customer name *", customer)
    fill(page, "Phone", "+91 98450 12345")
    settle(page)


def customer() -> str:
    # Unique per test: the duplicate guard holds back an identical order sent to the same server.
    return f"Asha Traders {uuid.uuid4().hex[:6]}"


def bodies(sandbox: Sandbox) -> list[dict]:
    return [json.loads(request.body) for request in sandbox.state.requests]


# --- tests -------------------------------------------------------------------------------------


def test_an_entered_order_shows_the_id_kapture_gave(page: Page, desk: Desk) -> None:
    name = customer()
    open_new_order(page, desk)
    fill_order(page, name)
    shot(page, "new_order_filled.png")

    button(page, "Submit order").click()

    see(page, "Kapture took the order.")
    stored = desk.sandbox.state.orders()
    assert [order.customer_name for order in stored] == [name]
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(str(stored[0].order_id))
    assert len(desk.sandbox.state.requests) == 1
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    shot(page, "new_order_success.png")


@pytest.mark.parametrize("clicks", ["double", "triple"])
def test_clicking_submit_again_while_it_sends_makes_one_order(page: Page, desk: Desk, clicks: str) -> None:
    desk.sandbox.set_faults(latency_ms=600)  # the later clicks land while the first is in flight
    name = customer()
    open_new_order(page, desk)
    fill_order(page, name)

    submit = button(page, "Submit order")
    if clicks == "double":
        submit.dblclick()
    else:
        submit.click()
        submit.click()
        submit.click()

    settle(page)
    page.wait_for_timeout(2000)  # the first request's answer (600 ms) and any second send are in by now
    settle(page)
    assert [order.customer_name for order in desk.sandbox.state.orders()] == [name]
    assert len(desk.sandbox.state.requests) == 1
    took = page.get_by_text("Kapture took the order.").first
    expect(took, "Kapture took the order, but the page does not say so").to_be_visible(timeout=WAIT_MS)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_while_an_order_is_on_its_way_the_page_says_so(page: Page, desk: Desk) -> None:
    """At once: Submit inactive and saying "Sending to Kapture…"; then the answer, and Submit again."""
    desk.sandbox.set_faults(latency_ms=2500)
    open_new_order(page, desk)
    fill_order(page, customer())
    button(page, "Submit order").click()
    sending = button(page, "Sending to Kapture…")
    expect(sending).to_be_visible(timeout=2000)
    expect(sending).to_be_disabled()
    see(page, "Sending to Kapture… the answer usually comes within a second.")
    shot(page, "new_order_sending.png")
    see(page, "Kapture took the order.")
    expect(button(page, "Submit order")).to_be_enabled()
    assert len(desk.sandbox.state.requests) == 1


def test_a_contact_row_s_remove_button_shows_whole(page: Page, desk: Desk) -> None:
    """At 1400 px the contact row's "Remove" was cut off; adding a contact also unticks "same"."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_new_order(page, desk)
    same = page.get_by_role("checkbox", name="The customer's phone and email are the contact's")
    expect(same).to_be_checked()
    button(page, "Add a contact person").click()
    remove = button(page, "Remove")
    expect(remove).to_be_visible(timeout=WAIT_MS)
    expect(same).not_to_be_checked()
    remove.scroll_into_view_if_needed()
    shot(page, "new_order_contact_row.png")
    whole = "b => b.scrollWidth <= b.clientWidth && b.getBoundingClientRect().right <= innerWidth"
    fits = remove.evaluate(whole)
    assert fits, "the Remove button's label is cut off"
    label = remove.get_by_text("Remove")
    assert label.evaluate("e => e.scrollWidth <= e.clientWidth"), "the word Remove does not fit its button"


def test_typing_while_an_order_is_on_its_way_does_not_lose_its_answer(page: Page, desk: Desk) -> None:
    """Streamlit ends a run to start the next when the person types: the answer is read back."""
    desk.sandbox.set_faults(latency_ms=3000)
    open_new_order(page, desk)
    fill_order(page, customer())
    button(page, "Submit order").click()
    expect(button(page, "Sending to Kapture…")).to_be_visible(timeout=2000)
    fill(page, "Order remarks", "urgent")  # a rerun asked for while the order is on its way
    see(page, "Kapture took the order.")
    assert len(desk.sandbox.state.requests) == 1
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(
        str(desk.sandbox.state.orders()[0].order_id)
    )


def test_on_a_phone_the_name_and_the_kapture_are_on_the_page(page: Page, desk: Desk) -> None:
    """390 px wide, the sidebar folded away: the page asks for the name and shows which Kapture."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{desk.url}/new_order")
    main = page.get_by_test_id("stMain")
    expect(button(page, "Submit order")).to_be_visible(timeout=WAIT_MS)
    expect(main.get_by_text("Test Kapture: 127.0.0.1")).to_be_in_viewport()  # at the top, seen at once
    shot(page, "new_order_phone_top.png")
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")  # folded away
    name = main.get_by_role("textbox", name="Your name", exact=True)
    name.scroll_into_view_if_needed()
    shot(page, "new_order_phone_name.png")
    name.fill("Meera")
    name.press("Tab")
    expect(main.get_by_text("Sending as Meera")).to_be_visible(timeout=WAIT_MS)
    fill_order(page, customer())
    button(page, "Submit order").click()
    see(page, "Kapture took the order.")
    shot(page, "new_order_phone_success.png")


def test_wrong_credentials_say_so_and_keep_what_was_typed(page: Page, locked_out_desk: Desk) -> None:
    name = customer()
    open_new_order(page, locked_out_desk)
    fill_order(page, name)

    button(page, "Submit order").click()

    see(page, "did not accept Order Desk's login details")
    settle(page)
    expect(page.get_by_text("Kapture took the order.")).to_have_count(0)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(textbox(page, "Customer name *")).to_have_value(name)
    assert locked_out_desk.sandbox.state.orders() == []
    assert len(locked_out_desk.sandbox.state.requests) == 1  # it was tried once, not retried
    shot(page, "new_order_auth_failed.png")


def test_an_order_just_entered_can_be_updated(page: Page, desk: Desk) -> None:
    name, renamed = customer(), customer()
    open_new_order(page, desk)
    fill_order(page, name)
    button(page, "Submit order").click()
    see(page, "Kapture took the order.")
    order_id = str(desk.sandbox.state.orders()[-1].order_id)

    button(page, "Update this order").click()

    expect(page.get_by_role("heading", name="Update order")).to_be_visible(timeout=WAIT_MS)
    expect(textbox(page, "Kapture order id *")).to_have_value(order_id, timeout=WAIT_MS)
    expect(textbox(page, "Customer name *")).to_have_value(name)
    shot(page, "update_order.png")
    fill(page, "Customer name *", renamed)
    settle(page)
    button(page, "Update order").click()

    see(page, f"Kapture updated order {order_id}")
    assert len(desk.sandbox.state.requests) == 2
    sent = bodies(desk.sandbox)[-1]
    assert sent["order_info"]["update"] is True
    assert str(sent["order_info"]["order_id"]) == order_id
    assert [(str(o.order_id), o.customer_name) for o in desk.sandbox.state.orders()] == [(order_id, renamed)]
    shot(page, "update_order_success.png")


def test_an_order_without_a_customer_name_is_not_sent(page: Page, desk: Desk) -> None:
    open_new_order(page, desk)
    fill(page, "Phone", "+91 98450 12345")
    settle(page)

    button(page, "Submit order").click()

    see(page, "Customer name is required.")
    see(page, "Nothing was sent")
    settle(page)
    assert len(desk.sandbox.state.requests) == 0
    expect(page.get_by_text("Kapture took the order.")).to_have_count(0)
    shot(page, "new_order_errors.png")


def test_a_deep_link_to_a_fresh_server_shows_the_whole_app(page: Page, tmp_path: Path) -> None:
    with desk_at(tmp_path) as fresh:
        page.goto(f"{fresh.url}/new_order")  # the first page this server ever serves
        expect(page.get_by_role("heading", name="New order")).to_be_visible(timeout=WAIT_MS)
        sidebar = page.get_by_test_id("stSidebar")  # the frame's: the page's own name box is not the proof
        expect(sidebar.get_by_role("textbox", name="Your name")).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_role("link", name="Update order")).to_be_visible()


def test_a_refresh_keeps_what_was_typed_and_the_name(page: Page, desk: Desk) -> None:
    name = customer()
    open_new_order(page, desk)
    fill_order(page, name)
    assert "desk=" in page.url  # the tab's key, which the new session after a refresh finds again
    page.reload()
    expect(textbox(page, "Customer name *")).to_have_value(name, timeout=WAIT_MS)
    expect(textbox(page, "Phone")).to_have_value("+91 98450 12345")
    sidebar_name = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Your name", exact=True)
    expect(sidebar_name).to_have_value("Meera")
    shot(page, "new_order_after_reload.png")
    assert not desk.sandbox.state.requests


def test_a_refresh_while_sending_does_not_send_the_order_twice(page: Page, desk: Desk) -> None:
    desk.sandbox.set_faults(latency_ms=1500)  # the answer is still on its way when the page reloads
    name = customer()
    open_new_order(page, desk)
    fill_order(page, name)
    button(page, "Submit order").click()
    deadline = time.monotonic() + 10
    while not desk.sandbox.state.requests and time.monotonic() < deadline:
        page.wait_for_timeout(20)

    page.reload()  # a new session: the form is empty, the first send goes on on the server
    open_new_order(page, desk)
    fill_order(page, name)
    button(page, "Submit order").click()

    see(page, "Not sent yet.")
    settle(page)
    assert len(desk.sandbox.state.requests) == 1
    assert [order.customer_name for order in desk.sandbox.state.orders()] == [name]
    shot(page, "new_order_after_refresh.png")


def test_a_refresh_while_an_order_is_on_its_way_shows_its_answer_and_sends_nothing_again(
    page: Page, desk: Desk
) -> None:
    """The refreshed page finds the answer of the send the old one started (review finding)."""
    desk.sandbox.set_faults(latency_ms=2500)
    open_new_order(page, desk)
    name = customer()
    fill_order(page, name)
    button(page, "Submit order").click()
    expect(button(page, "Sending to Kapture…")).to_be_visible(timeout=2000)
    page.reload()
    see(page, "Kapture took the order.")
    stored = desk.sandbox.state.orders()
    assert [order.customer_name for order in stored] == [name]
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(str(stored[0].order_id))
    page.reload()  # the answer was shown: a second refresh does not look for it again
    expect(button(page, "Submit order")).to_be_visible(timeout=WAIT_MS)
    settle(page)
    expect(page.get_by_text("Kapture took the order.")).to_have_count(0)
    assert len(desk.sandbox.state.requests) == 1
