"""Hostile text through every page that shows outside text, as Streamlit runs it (AppTest).

Operator names, template, suite and variant names, Kapture's messages, order ids, error texts and
check results come from people and servers the app does not control. Every Streamlit text
surface renders markdown, so each of them could draw a phishing link or make a reviewer's browser
load an outside image. Here a corpus of markup goes through each page, and every markdown surface
the page draws (bodies, labels, titles, metric values, radio options, progress texts) must show it
as written: no markup left live, the text itself still there. tests/hostile/test_browser_hostile.py
renders the same in Chromium and checks that no outside request is made.
"""

# Fixtures imported from the page tests are named again as test arguments, on purpose.
# ruff: noqa: F811

from __future__ import annotations

import json
import re
import string
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from sandbox import Sandbox
from services.journal import Journal
from storage.models import Submission
from tests.test_log import add
from tests.test_log_page import app_journal, open_entry, open_log  # noqa: F401 - fixtures by name
from tests.test_order_pages import NEW, UPDATE, app_env, fill, filled_order, open_page, read, submit  # noqa: F401
from tests.test_qa_pages import COMPARE, EDITOR, SUITES, click, journal_of_test, open_qa, type_text  # noqa: F401
from ui.text import QUOTE_LIMIT, code, md, option, quoted

# Where the hostile links and images point. AppTest never fetches them; the browser test points
# them at a catcher server on loopback and checks that it heard nothing.
NOWHERE = "http://127.0.0.2:9"


def corpus(site: str = NOWHERE) -> dict[str, str]:
    """Markup that must never come alive, by what it would do."""
    return {
        "link": f"[click here]({site}/phish)",
        "image": f"![x]({site}/x.png)",
        "img tag": f"<img src={site}/y.png>",
        "a tag": f'<a href="{site}/a">a</a>',
        "bare address": f"{site}/z https://evil.example/z",
        "www address": "www.evil.example",
        "email address": "boss@evil.example",
        "unpaired backtick, then a link": f"`[tick]({site}/t)",
        "three backticks, then a link": f"```[tick]({site}/t3)`",
        "colour": ":red[alarm]",
        "icon": ":material/warning:",
        "emoji shortcode": ":smile: at 10:30:45",
        "LaTeX": "$x^2$ and $$y$$",
        "heading": "# heading",
        "list": "- list",
        "table": "| a | b |\n|---|---|",
        "bold italic": "***bold***",
        "backslashes": "\\\\ and \\",
        "format fields": "{0} {name}",
        "right-to-left override": "invoice\u202egpj.exe",
        "emoji": "🚀 ✅",
        "entities": "&lt;b&gt; &#60;i&#62;",
        "reference link": f"[r]\n\n[r]: {site}/ref",
        "angle autolink": f"<{site}/angle>",
        "long": "long " * 600,
    }


def hostile_text(site: str = NOWHERE) -> str:
    """The whole corpus in one text (a message, an error, a check result)."""
    return "\n".join(corpus(site).values())


def hostile_name(site: str = NOWHERE) -> str:
    """One line of the worst of it, short enough for a name column (200 characters)."""
    return (
        f"`[n]({site}/n) ![i]({site}/i.png) <img src={site}/t.png> www.evil.example "
        ":red[x] :smile: $x^2$ {0} {name} ***b*** \u202eexe"
    )


# Markup that, found in a markdown surface, means outside text reached it unescaped.
LIVE_MARKUP = {
    "link or image": re.compile(r"\]\(|!\["),
    "HTML tag": re.compile(r"(?<!\\)<(img|a)\b", re.IGNORECASE),
    "address": re.compile(r"://|www\.|\w@\w", re.IGNORECASE),
    "colour or icon": re.compile(r":red\[(x|alarm)\]|:material/"),
    "emoji shortcode": re.compile(r":smile:"),
    "LaTeX": re.compile(r"(?<!\\)\$x"),
    "heading or list": re.compile(r"(?<!\\)# heading|(?<!\\)- list"),
    "table": re.compile(r"(?<!\\)\|---"),
    "bold": re.compile(r"(?<!\\)\*\*\*"),
    "entity": re.compile(r"(?<!\\)&(lt|#60);"),
    "line break": re.compile(r"\n"),
    "reordering mark": re.compile("\u202e"),
}


# --- what a page draws ---------------------------------------------------------------------------

# Element kinds whose text Streamlit shows as is: not markdown surfaces.
_PLAIN_KINDS = {"Code", "Json", "Text", "Arrow", "ArrowNamedDataSet", "DataFrame", "VegaLiteChart"}
# Select boxes and multiselects show their options as plain text.
_PLAIN_OPTIONS = {"Selectbox", "MultiSelect"}


def _protos(at: AppTest) -> Iterator[Any]:
    def walk(node: Any) -> Iterator[Any]:
        proto = getattr(node, "proto", None)
        if proto is not None:
            yield proto
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    yield from walk(at.main)
    yield from walk(at.sidebar)


def markdown_surfaces(at: AppTest) -> list[str]:
    """Every string the page hands Streamlit to render as markdown."""
    found: list[str] = []
    for proto in _protos(at):
        kind = type(proto).__name__
        if kind in _PLAIN_KINDS:
            continue
        for name in ("body", "label", "text", "help", "placeholder"):
            value = getattr(proto, name, None)
            if isinstance(value, str) and value and not (kind == "TextInput" and name == "placeholder"):
                found.append(value)
        if kind == "Radio":
            found.extend(proto.options)
    return found


def plain_options(at: AppTest) -> list[str]:
    """Options of select boxes: shown as plain text."""
    return [str(o) for proto in _protos(at) if type(proto).__name__ in _PLAIN_OPTIONS for o in proto.options]


def without_code_spans(markdown: str) -> str:
    """The markdown with its code spans taken out: nothing inside a code span is markup.

    As CommonMark pairs them: a run of backticks (not escaped) opens a span that the next run of
    the same length closes.
    """
    runs = [m for m in re.finditer(r"(?<!\\)`+", markdown)]
    kept, start, index = [], 0, 0
    while index < len(runs):
        opener = runs[index]
        closer = next((r for r in runs[index + 1 :] if len(r.group()) == len(opener.group())), None)
        if closer is None:
            index += 1
            continue
        kept.append(markdown[start : opener.start()])
        start = closer.end()
        index = runs.index(closer) + 1
    return "".join([*kept, markdown[start:]])


def live_markup(at: AppTest) -> list[tuple[str, str]]:
    """(what, surface) for every markdown surface with markup that came from outside text."""
    return [
        (what, surface[:300])
        for surface in markdown_surfaces(at)
        for what, pattern in LIVE_MARKUP.items()
        if pattern.search(without_code_spans(surface))
    ]


def shown(at: AppTest) -> str:
    return "\n".join(markdown_surfaces(at))


def assert_shown_as_written(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert live_markup(at) == []
    assert not [o for o in plain_options(at) if "\u202e" in o or "\n" in o]


# --- a Kapture that answers with hostile text -----------------------------------------------------


class HostileKapture:
    """A tiny Kapture on loopback: every add-update gets ``answer`` (status, headers, JSON body)."""

    def __init__(self) -> None:
        self.status = 200
        self.headers: dict[str, str] = {}
        self.answer: Any = {"status": "failed", "message": hostile_text()}
        self.requests: list[bytes] = []
        kapture = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True  # one write per answer, no 40 ms stalls

            def do_POST(self) -> None:
                kapture.requests.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                body = json.dumps(kapture.answer).encode()
                self.send_response(kapture.status)
                for name, value in kapture.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hostile_kapture(monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox) -> Iterator[HostileKapture]:
    """The app pointed at a HostileKapture instead of the sandbox (app_env, which sets that, comes first)."""
    kapture = HostileKapture()
    monkeypatch.setenv("KAPTURE_BASE_URL", kapture.url)
    yield kapture
    kapture.close()


# --- the rule itself ------------------------------------------------------------------------------


def one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines() if part.strip()).replace("\u202e", "\ufffd")


@pytest.mark.parametrize("text", list(corpus().values()), ids=list(corpus()))
def test_md_escapes_every_punctuation_mark_and_keeps_the_text(text: str) -> None:
    escaped = md(text)
    assert read(escaped) == one_line(text)
    assert "\n" not in escaped
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped)  # drop every escaped mark: none may be left
    assert not set(bare) & set(string.punctuation), bare


@pytest.mark.parametrize("text", list(corpus().values()), ids=list(corpus()))
def test_md_leaves_no_pattern_for_markup_found_after_parsing(text: str) -> None:
    # GitHub autolinks and emoji shortcodes are found in the text after the escapes resolve.
    read = md(text).replace("\\", "")
    assert not re.search(r"https?://|www\.|[\w.+-]@[\w-]|:[\w+-]+:", read, re.IGNORECASE), read


@pytest.mark.parametrize("text", [*corpus().values(), "a``b```c", "`", "```"])
def test_a_code_span_cannot_be_closed_by_the_text_in_it(text: str) -> None:
    span = code(text)
    fence = re.match(r"`+", span)
    assert fence is not None
    inside = span[len(fence.group()) : -len(fence.group())]
    assert span.endswith(fence.group())
    assert not [run for run in re.findall(r"`+", inside) if len(run) == len(fence.group())]
    assert inside.strip(" ").replace("\u2060", "") == one_line(text)


def test_options_and_limits() -> None:
    assert option("a\nb\r\nc\u202ed") == "a b c\ufffdd"
    assert option("x" * 50, limit=10) == "x" * 9 + "…"
    assert read(md("[x](y)" * 20, limit=8)) == "[x](y)[…"
    assert code("") == ""
    assert md("said: no") == "said\\: no"  # a colon nothing joins on to stays findable as typed


# --- the order pages ------------------------------------------------------------------------------


def test_kapture_s_refusal_shows_as_written_on_the_order_card(hostile_kapture: HostileKapture) -> None:
    at = submit(filled_order(open_page(NEW)))

    assert len(hostile_kapture.requests) == 1
    assert "Kapture did not take the order." in shown(at)
    assert f"Kapture said: “{md(hostile_text(), limit=QUOTE_LIMIT)}”" in shown(at)
    assert "…”." not in shown(at)  # cut short with an ellipsis: no full stop after it
    assert_shown_as_written(at)


def test_a_redirect_s_location_shows_as_written(hostile_kapture: HostileKapture) -> None:
    hostile_kapture.status, hostile_kapture.answer = 302, {}
    hostile_kapture.headers = {"Location": hostile_name().replace("\u202e", "")}
    at = submit(filled_order(open_page(NEW)))
    assert_shown_as_written(at)
    at = click(open_qa(EDITOR), "editor.send")
    assert_shown_as_written(at)


def test_what_was_typed_is_repeated_as_written_next_to_its_field() -> None:
    at = submit(fill(open_page(NEW), email=hostile_name(), phone=hostile_name()))
    assert "is not an email address" in shown(at)
    assert_shown_as_written(at)


def test_an_order_id_typed_on_the_update_page_shows_as_written() -> None:
    at = open_page(UPDATE)
    at.text_input(key="update.lookup").input(hostile_name()).run()
    at.button(key="update.open").click().run()
    assert md(hostile_name()) in shown(at)
    assert_shown_as_written(at)


# --- the QA pages ---------------------------------------------------------------------------------


def test_the_editor_s_answer_and_template_names_show_as_written(hostile_kapture: HostileKapture) -> None:
    name = hostile_name()
    at = open_qa(EDITOR)
    # A payload whose keys and values are hostile: its field warnings repeat them.
    type_text(at, json.dumps({"customer_info": {name: name, "phone": 9845012345}, "order_info": {}}))
    at.text_input(key="editor.save_name").input(name)
    at.text_input(key="editor.save_description").input(hostile_text()).run()
    click(at, "editor.save")
    assert f"Saved as “{md(name)}”." in shown(at)

    click(at, "editor.send")

    assert len(hostile_kapture.requests) == 1
    assert f"Kapture said: “{md(hostile_text(), limit=QUOTE_LIMIT)}”" in shown(at)
    assert option(name) in plain_options(at)
    assert_shown_as_written(at)

    at.text_input(key="editor.save_name").input(name + " {1}").run()
    click(at, "editor.rename")
    assert_shown_as_written(at)
    click(at, "editor.delete")  # a name with { in it: no format error after the delete
    assert f"Deleted “{md(name + ' {1}')}”." in shown(at)
    assert_shown_as_written(at)


def test_suite_and_variant_names_show_as_written(
    hostile_kapture: HostileKapture, journal_of_test: Journal
) -> None:
    name = hostile_name()
    at = open_qa(SUITES)
    at.text_input(key="suite.name").input(name).run()
    click(at, "suite.add")
    (row,) = at.session_state["suite.rows"]
    at.text_input(key=f"suite.{row}.name").input(name).run()
    assert_shown_as_written(at)
    at.text_area(key=f"suite.{row}.patch").input("{ not json").run()
    assert_shown_as_written(at)  # the error names the variant
    at.text_area(key=f"suite.{row}.patch").input("{}").run()
    click(at, "suite.save")
    assert f"Saved “{md(name)}”." in shown(at)

    click(at, "suite.run")

    assert len(hostile_kapture.requests) == 1
    assert at.dataframe[0].value["variant"][0] == name  # a table cell: plain text, as written
    assert_shown_as_written(at)
    click(at, "suite.run")  # a second run: compared with the first
    assert_shown_as_written(at)


def test_a_base_payload_with_hostile_keys_proposes_variants_shown_as_written() -> None:
    name = hostile_name()
    at = open_qa(SUITES)
    # A flag under a hostile key: "<section>.<key> as text" is proposed, named after the key.
    at.text_area(key="suite.base").input(json.dumps({"customer_info": {name: True}})).run()
    click(at, "suite.generate")
    assert md(f"customer_info.{name} as text") + " — expect success (weak)" in shown(at)
    assert_shown_as_written(at)
    click(at, "suite.keep")
    assert_shown_as_written(at)


def test_the_compare_page_shows_template_names_as_written(journal_of_test: Journal) -> None:
    name = hostile_name()
    at = type_text(open_qa(EDITOR), json.dumps({"customer_info": {"customer_name": name}}))
    at.text_input(key="editor.save_name").input(name).run()
    click(at, "editor.save")
    at.switch_page(COMPARE)
    at.run()
    at.selectbox(key="compare.before.source").select("Template").run()
    at.selectbox(key="compare.before.template").select(name).run()
    click(at, "compare.before.fill")
    at.text_area(key="compare.after.text").input(json.dumps({"customer_info": {name: name}})).run()
    assert_shown_as_written(at)


# --- the submission log ---------------------------------------------------------------------------


def hostile_entry(journal: Journal, outcome: str = "rejected", site: str = NOWHERE) -> int:
    """A journal entry whose every text came from outside (a network error has no message, only its error)."""
    name, text = hostile_name(site), hostile_text(site)
    entry = add(
        journal,
        outcome=outcome,
        customer_name=name,
        operator=name,
        message="" if outcome == "network_error" else text,
        template=name,
        variant=name,
        run_id=name[:64],
        profile_name=name,
        base_url="http://127.0.0.1:9/elsewhere",
        order_id=name[:40],
        created_at=datetime.now(UTC),
    )
    with journal.sessions.begin() as session:
        session.execute(
            update(Submission)
            .where(Submission.id == entry)
            .values(error=text, check_result=text, checked_at=datetime.now(UTC), checked_order_id=name[:40])
        )
    return entry


def test_a_log_entry_shows_every_outside_text_as_written(app_journal: Journal) -> None:
    entry = hostile_entry(app_journal)
    at = open_log()
    assert_shown_as_written(at)  # the table and the entry picker
    open_entry(at, entry)

    assert f"Kapture said: “{md(hostile_text(), limit=QUOTE_LIMIT)}”" in shown(at)
    assert md(hostile_name()) in shown(at)
    assert_shown_as_written(at)

    at.number_input(key="log.diff_with").set_value(entry).run()
    assert_shown_as_written(at)


def test_a_log_entry_s_error_shows_as_written(app_journal: Journal) -> None:
    entry = hostile_entry(app_journal, outcome="network_error")
    at = open_entry(open_log(), entry)
    assert f"Detail: {md(hostile_text(), limit=QUOTE_LIMIT)}" in shown(at)
    assert_shown_as_written(at)


def test_an_unknown_entry_s_check_result_shows_as_written(app_journal: Journal) -> None:
    entry = hostile_entry(app_journal, outcome="unknown")
    at = open_entry(open_log(), entry)
    assert f"UTC: {md(hostile_text(), limit=QUOTE_LIMIT)}" in shown(
        at
    )  # the check's result, quoted up to the limit
    assert_shown_as_written(at)


def test_sending_a_hostile_entry_again_shows_the_answer_as_written(
    app_journal: Journal, hostile_kapture: HostileKapture
) -> None:
    entry = hostile_entry(app_journal)
    at = open_entry(open_log(), entry)
    at.button(key="log.resend").click().run()
    assert len(hostile_kapture.requests) == 1
    assert_shown_as_written(at)


# --- home, settings and the sidebar ---------------------------------------------------------------


def test_configured_text_shows_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPTURE_BASE_URL", "http://127.0.0.1:9/`[x](http://127.0.0.2:9/u)")
    monkeypatch.setenv("KAPTURE_USERNAME", hostile_name())
    for page in ("views/home.py", "views/settings.py"):
        at = open_page(page)
        assert_shown_as_written(at)
        assert code(hostile_name()) in shown(at) or md(hostile_name()) in shown(at)


@pytest.mark.parametrize(
    ("message", "sentence"),
    [
        ("Order Added successfully !", "“Order Added successfully \\!”"),
        ("Invalid phone", "“Invalid phone”."),
        ("Is the id right?", "“Is the id right\\?”"),
        ("  ", ""),
    ],
)
def test_kapture_s_words_are_quoted_as_one_sentence(message: str, sentence: str) -> None:
    """Quoted once, escaped, with a full stop only where the words do not end a sentence already."""
    assert quoted(message) == sentence
