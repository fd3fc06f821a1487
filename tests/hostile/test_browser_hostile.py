"""Hostile text in a real browser: the app run by `streamlit run`, read in headless Chromium.

The same corpus as tests/hostile/test_hostile_text.py, its links and images pointing at a catcher
server on another loopback address (127.0.0.2). Kapture is a tiny server that refuses every order
with the corpus as its message; the journal is seeded with entries, a template and a suite whose
every text is hostile. Each page that shows outside text is opened; the page must show the text
literally, hold no link or image to anywhere but the app, and make no request outside the app: the
catcher must hear nothing. Screenshots go to test-artifacts/hostile_*.png.
"""

# The fixtures imported from tests.test_browser are named again as test arguments, on purpose.
# ruff: noqa: F811

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from kapture.variants import Variant
from services import suites, templates
from services.journal import open_journal
from services.suites import Suite
from tests.hostile.test_hostile_text import HostileKapture, corpus, hostile_entry, hostile_name, hostile_text
from tests.test_browser import (  # noqa: F401 - fixtures are found by name
    WAIT_MS,
    button,
    chromium,
    fill,
    give_name,
    page,
    see,
    serve,
    settle,
    shot,
    textbox,
)
from ui.text import option

with contextlib.suppress(ImportError):  # the `chromium` fixture reports it: skip locally, fail in CI
    from playwright.sync_api import Page, Request, expect

pytestmark = pytest.mark.browser


# --- the catcher ----------------------------------------------------------------------------------


class Catcher:
    """An HTTP server on 127.0.0.2 that records every request made to it, and answers 204."""

    def __init__(self) -> None:
        self.heard: list[str] = []
        catcher = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                catcher.heard.append(f"{self.command} {self.path}")
                self.send_response(204)
                self.end_headers()

            do_GET = do_POST = do_HEAD = do_OPTIONS = _record  # noqa: N815 - the stdlib's names

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
                pass

        self.server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
        self.url = f"http://127.0.0.2:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class HostileDesk:
    """A running Order Desk whose Kapture, journal and settings are full of hostile text."""

    url: str
    site: str  # where the hostile links and images point: the catcher
    catcher: Catcher
    kapture: HostileKapture
    entries: dict[str, int] = field(default_factory=dict)


def seed(database_url: str, site: str) -> dict[str, int]:
    """Journal entries, a template and a suite whose every text is hostile; the entries' ids."""
    journal = open_journal(database_url, pending_grace=timedelta(minutes=5))
    try:
        name = hostile_name(site)
        templates.save(journal, name, '{"customer_info": {"customer_name": "Asha"}}', hostile_text(site))
        suites.save(journal, Suite(name, {"customer_info": {"customer_name": "Asha"}}, [Variant(name, {})]))
        return {
            "rejected": hostile_entry(journal, "rejected", site),
            "unknown": hostile_entry(journal, "unknown", site),
            "network_error": hostile_entry(journal, "network_error", site),
        }
    finally:
        journal.close()


@pytest.fixture(scope="module")
def hostile_desk(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileDesk]:
    workdir = tmp_path_factory.mktemp("hostile")
    try:
        catcher = Catcher()
    except OSError as exc:  # 127.0.0.2 is loopback on Linux; elsewhere it may need an alias
        pytest.skip(f"cannot listen on 127.0.0.2: {exc}")
    kapture = HostileKapture()
    kapture.answer = {"status": "failed", "message": hostile_text(catcher.url)}
    entries = seed(f"sqlite:///{workdir / 'journal.db'}", catcher.url)
    settings = {"KAPTURE_USERNAME": hostile_name(catcher.url)}
    try:
        with serve(workdir, kapture.url, "sandbox", settings) as url:
            yield HostileDesk(url, catcher.url, catcher, kapture, entries)
    finally:
        kapture.close()
        catcher.close()


@pytest.fixture
def watched(page: Page, hostile_desk: HostileDesk) -> Iterator[Page]:
    """The browser page, every request it makes checked: only the app's own address may be asked."""
    outside: list[str] = []

    def check(request: Request) -> None:
        if not request.url.startswith((hostile_desk.url + "/", "data:", "blob:")):
            outside.append(request.url)

    page.on("request", check)
    hostile_desk.catcher.heard.clear()
    yield page
    settle(page)
    page.wait_for_timeout(500)  # an image would be fetched by now
    assert outside == [], "the page asked an outside address"
    assert hostile_desk.catcher.heard == [], "the catcher server was asked"


# --- what the page must (not) hold ----------------------------------------------------------------


def outside_links_and_images(page: Page, app: str) -> list[str]:
    """Every link, image or embedded frame in the DOM pointing anywhere but the app itself."""
    return page.evaluate(
        """(app) => [...document.querySelectorAll('a[href], img, iframe, source, video, audio, object')]
            .map(el => el.tagName + ' ' + (el.href || el.src || el.data || el.currentSrc || '(no src)'))
            .filter(text => !text.split(' ')[1].startsWith(app + '/') && !text.endsWith(' ' + app))""",
        app,
    )


def markup_in_dom(page: Page) -> list[str]:
    """What only live markup from the corpus could have made: LaTeX, a heading, a list item, a
    table, italics, a colour, an inline icon or an emoji from a shortcode."""
    return page.evaluate(
        """() => {
            const md = '[data-testid="stMarkdownContainer"]';
            const made = [...document.querySelectorAll(
                `.katex, ${md} h1, ${md} li, ${md} table, ${md} em, ${md} span[style*="color"], `
                + `${md} [data-testid="stIconMaterial"]`)]
              .filter(el => el.classList.contains('katex') || el.tagName === 'TABLE'
                || ['heading', 'list', 'bold', 'alarm', 'x', 'warning'].includes(el.textContent.trim()));
            const emoji = document.body.innerText.includes('\\u{1F604}') ? ['emoji from :smile:'] : [];
            return [...made.map(el => el.tagName + ' ' + el.textContent.slice(0, 60)), ...emoji];
        }"""
    )


def visible_text(page: Page) -> str:
    return " ".join(page.locator("body").inner_text().replace("\u2060", "").split())


def check_page(page: Page, desk: HostileDesk, *literals: str) -> None:
    """No exception box, nothing pointing outside, no markup made live, and the text shown as written."""
    settle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert outside_links_and_images(page, desk.url) == []
    assert markup_in_dom(page) == []
    shown = visible_text(page)
    missing = [literal for literal in literals if " ".join(literal.split()) not in shown]
    assert missing == [], "not shown as written"


def corpus_pieces(site: str) -> list[str]:
    """Pieces of the corpus a reader must see literally (the one-line form, as md() gives it)."""
    pieces = corpus(site)
    return [
        pieces["link"],
        pieces["image"],
        pieces["img tag"],
        pieces["a tag"],
        pieces["unpaired backtick, then a link"],
        pieces["colour"],
        pieces["icon"],
        pieces["emoji shortcode"],
        pieces["LaTeX"],
        pieces["heading"],
        pieces["bold italic"],
        pieces["format fields"],
        pieces["entities"],
        pieces["angle autolink"],
    ]


def open_view(page: Page, desk: HostileDesk, path: str, heading: str) -> None:
    page.goto(f"{desk.url}/{path}")
    expect(page.get_by_role("heading", name=heading).first).to_be_visible(timeout=WAIT_MS)
    give_name(page)
    settle(page)


def choose(page: Page, label: str, containing: str, nth: int = 0) -> None:
    """Pick the option of a select box whose text contains ``containing``."""
    page.get_by_role("combobox", name=label).nth(nth).click()
    page.get_by_role("option").filter(has_text=containing).first.click()
    settle(page)


# --- tests ----------------------------------------------------------------------------------------


def test_the_order_card_shows_kapture_s_refusal_as_written(watched: Page, hostile_desk: HostileDesk) -> None:
    page, desk = watched, hostile_desk
    open_view(page, desk, "new_order", "New order")
    fill(page, "Customer name *", "Asha Traders")
    fill(page, "Email", hostile_name(desk.site))
    settle(page)
    button(page, "Submit order").click()
    see(page, "Nothing was sent")
    check_page(page, desk, f"“{option(hostile_name(desk.site))}” is not an email address")

    fill(page, "Email", "orders@asha.example")
    settle(page)
    button(page, "Submit order").click()

    see(page, "Kapture did not take the order.")
    check_page(page, desk, *corpus_pieces(desk.site))
    page.get_by_text("Kapture did not take the order.").scroll_into_view_if_needed()
    shot(page, "hostile_order_card.png")


def test_the_editor_shows_the_answer_and_template_names_as_written(
    watched: Page, hostile_desk: HostileDesk
) -> None:
    page, desk = watched, hostile_desk
    name = hostile_name(desk.site)
    open_view(page, desk, "payload_editor", "Payload editor")
    choose(page, "Template", "[n](")
    expect(page.get_by_role("combobox", name="Template")).to_have_value(option(name))
    check_page(page, desk, *corpus_pieces(desk.site))  # the template's description
    button(page, "Load").click()
    settle(page)
    payload = {"customer_info": {"customer_name": "Asha", name: True}, "order_info": {}}
    box = page.get_by_role("textbox", name="Payload (JSON)", exact=True)
    box.fill(json.dumps(payload))
    box.press("Control+Enter")
    settle(page)
    check_page(page, desk, f"{option(name)}` is not a documented field")  # a field warning

    button(page, "Send to Kapture").click()

    see(page, "journal entry #")
    check_page(page, desk, *corpus_pieces(desk.site))
    page.get_by_role("heading", name="Answer").scroll_into_view_if_needed()
    shot(page, "hostile_editor_answer.png")


def test_the_suites_page_shows_suite_and_variant_names_as_written(
    watched: Page, hostile_desk: HostileDesk
) -> None:
    page, desk = watched, hostile_desk
    name = hostile_name(desk.site)
    open_view(page, desk, "suites", "Variant suites")
    choose(page, "Suite", "[n](")
    page.get_by_test_id("stBaseButton-secondary").filter(has_text="Open").click()
    settle(page)
    expect(textbox(page, "Suite name")).to_have_value(name)
    check_page(page, desk, f"{option(name, limit=100)} — expect any outcome")  # the variant's title

    button(page, "Run suite").click()

    expect(page.get_by_role("heading", name="Results: 1 of 1 passed")).to_be_visible(timeout=WAIT_MS)
    check_page(page, desk)
    page.wait_for_timeout(1000)  # the results table draws itself on a canvas, after the page
    shot(page, "hostile_suite.png")


def test_the_compare_page_shows_template_names_as_written(watched: Page, hostile_desk: HostileDesk) -> None:
    page, desk = watched, hostile_desk
    open_view(page, desk, "compare", "Compare")
    choose(page, "From", "Template")
    choose(page, "Template", "[n](")
    expect(page.get_by_role("combobox", name="Template")).to_have_value(option(hostile_name(desk.site)))
    check_page(page, desk)


def test_a_log_entry_shows_every_outside_text_as_written(watched: Page, hostile_desk: HostileDesk) -> None:
    page, desk = watched, hostile_desk
    open_view(page, desk, "log", "Submission log")
    check_page(page, desk)
    for kind in ("rejected", "unknown", "network_error"):
        choose(page, "Open an entry", f"#{desk.entries[kind]} ·")
        heading = page.get_by_role("heading", name=f"Entry #{desk.entries[kind]}: ")
        expect(heading).to_be_visible(timeout=WAIT_MS)
        check_page(page, desk, option(hostile_name(desk.site)), *corpus_pieces(desk.site))
        heading.scroll_into_view_if_needed()
        shot(page, f"hostile_log_entry_{kind}.png")


@pytest.mark.parametrize(("path", "heading"), [("", "Kapture Order Desk"), ("settings", "Settings")])
def test_home_and_settings_show_configured_text_as_written(
    watched: Page, hostile_desk: HostileDesk, path: str, heading: str
) -> None:
    open_view(watched, hostile_desk, path, heading)
    check_page(watched, hostile_desk, option(hostile_name(hostile_desk.site)))
