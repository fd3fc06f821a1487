"""The submission log page as Streamlit runs it (AppTest), over a seeded journal and a real sandbox."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from kapture import KaptureClient, OrderPayload, basic_token
from kapture.client import ADD_UPDATE_PATH
from sandbox import Sandbox
from services import log
from services.journal import Journal, open_journal
from services.settings import load_settings
from services.submit import Context, Submitter
from storage.models import Submission
from storage.submissions import SubmissionFilter
from tests.test_log import add, mark_unknown, xlsx_rows
from tests.test_order_pages import APP, NEW, app_env, open_page, read, texts  # noqa: F401 - autouse
from tests.test_qa_pages import EDITOR, all_element_text

LOG = "views/log.py"
OUTCOMES = ("success",) * 7 + ("rejected", "http_error", "timeout_unknown")
SOURCES = ("form", "form", "editor", "suite", "form", "replay")
OPERATORS = ("Meera", "Arjun", "Asha")
SHARED_PHONE = "+91 98450-12345"
SHARED_PHONE_ROWS = (5, 40, 77)


@dataclass(frozen=True)
class Seeded:
    """One seeded row, as the test knows it."""

    id: int
    created_at: datetime
    outcome: str
    source: str
    operator: str
    phone: str
    order_id: str


@pytest.fixture
def app_journal() -> Iterator[Journal]:
    """The journal the app opens in this test (the database app_env points it at)."""
    opened = open_journal(os.environ["KAPTURE_DATABASE_URL"], pending_grace=timedelta(minutes=5))
    yield opened
    opened.close()


@pytest.fixture
def seeded(app_journal: Journal) -> dict[str, list[Seeded]]:
    """120 rows over the last three days, newest first; and four older ones outside the default week."""
    now = datetime.now(UTC).replace(microsecond=0)
    recent: list[Seeded] = []
    for n in reversed(range(120)):  # oldest first, so ids grow with time
        created = now - timedelta(minutes=36 * n)
        outcome, source, operator = OUTCOMES[n % 10], SOURCES[n % 6], OPERATORS[n % 3]
        phone = SHARED_PHONE if n in SHARED_PHONE_ROWS else f"+91 90000 {n:05d}"
        order_id = str(23_000_000 + n) if outcome == "success" else ""
        submission_id = add(
            app_journal,
            created_at=created,
            outcome=outcome,
            source=source,
            operator=operator,
            customer_name=f"Customer {n:03d}",
            phone=phone,
            email=f"buyer{n}@example.com",
            order_id=order_id,
            message="Order Added successfully !" if outcome == "success" else f"Problem {n}",
            duration_ms=100.0 + n,
        )
        recent.append(Seeded(submission_id, created, outcome, source, operator, phone, order_id))
    older = []
    for days in (500, 400, 20, 10):
        created = now - timedelta(days=days)
        submission_id = add(app_journal, created_at=created, customer_name=f"Old {days}", phone="9111111111")
        older.append(Seeded(submission_id, created, "success", "form", "Meera", "9111111111", ""))
    newest_first = sorted(recent, key=lambda row: (row.created_at, row.id), reverse=True)
    return {"recent": newest_first, "older": older}


# --- helpers -------------------------------------------------------------------------------------


def open_log(operator: str = "Meera") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)  # some actions talk to the sandbox
    at.run()
    at.switch_page(LOG)
    at.run()
    if operator:
        at.text_input(key="operator").input(operator).run()
    assert not at.exception, failures(at)
    return at


def failures(at: AppTest) -> str:
    return "\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)


def metric(at: AppTest, label: str) -> str:
    (found,) = [m for m in at.metric if m.label == label]
    return str(found.value)


def table_ids(at: AppTest) -> list[int]:
    return [int(i) for i in at.dataframe[0].value["#"]]


def page_caption(at: AppTest) -> str:
    (found,) = [c.value for c in at.caption if str(c.value).startswith("Page ")]
    return str(found)


def shows(at: AppTest, expected: list[Seeded]) -> None:
    """The metric counts exactly these rows and the table's first page lists them, newest first."""
    assert not at.exception
    assert metric(at, "Submissions") == f"{len(expected):,}"
    assert table_ids(at) == [row.id for row in expected][:50]


def orders(rows: list[Seeded]) -> list[Seeded]:
    """The rows the default view counts: QA traffic (editor sends, suite runs) left out."""
    return [row for row in rows if row.source not in ("editor", "suite")]


def xlsx_ids(data: bytes) -> list[int]:
    """The entry numbers of an exported workbook's rows, below its header."""
    return [int(cells[0][1]) for cells in xlsx_rows(data)[1:]]


def technical(at: AppTest) -> AppTest:
    """Switch the result filter to the ten technical outcomes."""
    at.toggle(key="log.technical").set_value(True).run()
    assert not at.exception, failures(at)
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, failures(at)
    return at


def open_entry(at: AppTest, submission_id: int) -> AppTest:
    at.selectbox(key="log.open").select(submission_id).run()
    assert not at.exception
    return at


def rows_in(journal: Journal) -> list[Submission]:
    return log.page(journal, SubmissionFilter(), 1, per_page=10_000).rows


def app_submitter(journal: Journal) -> Iterator[Submitter]:
    profile = load_settings(os.environ).profile
    with KaptureClient(**profile.client_options()) as client:
        yield Submitter(journal, client, profile)


@pytest.fixture
def sender(app_journal: Journal) -> Iterator[Submitter]:
    """A submitter to this test's sandbox, writing to the app's journal, as the app would."""
    yield from app_submitter(app_journal)


# --- the default view, paging --------------------------------------------------------------------


def test_the_default_view_is_the_last_seven_days_fifty_a_page(seeded: dict[str, list[Seeded]]) -> None:
    recent = orders(seeded["recent"])
    assert len(recent) == 80
    at = open_log()

    shows(at, recent)
    assert page_caption(at) == "Page 1 of 2 · 80 entries"
    assert at.button(key="log.newer").disabled
    old_ids = {row.id for row in seeded["older"]}
    assert not old_ids & set(table_ids(at))

    click(at, "log.older")
    assert table_ids(at) == [row.id for row in recent[50:]]
    assert page_caption(at) == "Page 2 of 2 · 80 entries"
    assert at.button(key="log.older").disabled
    click(at, "log.newer")
    assert table_ids(at) == [row.id for row in recent[:50]]
    assert metric(at, "Submissions") == "80"


def test_the_summary_metrics_match_the_rows(seeded: dict[str, list[Seeded]]) -> None:
    at = open_log()
    counted = orders(seeded["recent"])
    successes = sum(row.outcome == "success" for row in counted)
    assert metric(at, "Success rate") == f"{successes / len(counted):.0%}"
    # Durations are 100 + n ms; ranked linearly between neighbours, as the page's SQL does.
    durations = sorted(100.0 + n for n in range(120) if SOURCES[n % 6] not in ("editor", "suite"))
    median, p95 = (_quantile(durations, q) for q in (0.5, 0.95))
    assert metric(at, "Median time") == f"{median:.0f} ms"
    assert metric(at, "95th percentile") == f"{p95:.0f} ms"


def _quantile(values: list[float], q: float) -> float:
    position = q * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def test_the_chart_is_drawn_when_there_are_rows_and_not_otherwise(seeded: dict[str, list[Seeded]]) -> None:
    at = open_log()
    assert len(at.get("vega_lite_chart")) == 1
    at.text_input(key="log.text").input("no such customer anywhere").run()
    assert not at.exception
    assert metric(at, "Submissions") == "0"
    assert "Nothing matches these filters." in texts(at)
    assert len(at.get("vega_lite_chart")) == 0
    assert len(at.dataframe) == 0


# --- filters --------------------------------------------------------------------------------------


def test_the_outcome_filter(seeded: dict[str, list[Seeded]]) -> None:
    at = technical(open_log())
    at.multiselect(key="log.outcomes").select("rejected").run()
    shows(at, [row for row in orders(seeded["recent"]) if row.outcome == "rejected"])
    at.multiselect(key="log.outcomes").select("http_error").run()
    shows(at, [row for row in orders(seeded["recent"]) if row.outcome in ("rejected", "http_error")])
    assert metric(at, "Success rate") == "0%"


def test_the_source_filter(seeded: dict[str, list[Seeded]]) -> None:
    at = open_log()
    at.multiselect(key="log.sources").select("editor").run()
    shows(at, [row for row in seeded["recent"] if row.source == "editor"])
    at.multiselect(key="log.sources").select("replay").run()
    shows(at, [row for row in seeded["recent"] if row.source in ("editor", "replay")])


def test_the_operator_filter(seeded: dict[str, list[Seeded]]) -> None:
    at = open_log()
    at.text_input(key="log.operator").input("Arjun").run()
    shows(at, [row for row in orders(seeded["recent"]) if row.operator == "Arjun"])


def test_the_search_box_finds_a_phone_in_another_format(seeded: dict[str, list[Seeded]]) -> None:
    at = open_log()
    at.text_input(key="log.text").input("+919845012345").run()
    expected = [row for row in seeded["recent"] if row.phone == SHARED_PHONE]
    assert len(expected) == len(SHARED_PHONE_ROWS)
    shows(at, expected)


@pytest.mark.parametrize("typed", ["x" * 50_000, "9" * 50_000, "#" + "9" * 30, "\x00", "%_\\", "\u202e"])
def test_any_text_in_the_search_box_is_an_answer_not_a_crash(seeded: dict, typed: str) -> None:
    """SQLite refuses a LIKE pattern over 50,000 bytes: the page used to show an exception box."""
    at = open_log()
    at.text_input(key="log.text").input(typed).run()
    assert not at.exception
    assert not at.dataframe or table_ids(at) == []  # nothing matches: no table, or an empty one


def test_the_search_box_finds_an_order_id(seeded: dict[str, list[Seeded]]) -> None:
    wanted = next(row for row in seeded["recent"] if row.order_id == "23000010")
    at = open_log()
    at.text_input(key="log.text").input("23000010").run()
    shows(at, [wanted])
    assert page_caption(at) == "Page 1 of 1 · 1 entry"


def test_filters_combine(seeded: dict[str, list[Seeded]]) -> None:
    at = technical(open_log())
    at.multiselect(key="log.outcomes").select("success").run()
    at.text_input(key="log.operator").input("Meera").run()
    at.multiselect(key="log.sources").select("form").run()
    expected = [
        r for r in seeded["recent"] if (r.outcome, r.operator, r.source) == ("success", "Meera", "form")
    ]
    assert expected
    shows(at, expected)


def test_changing_a_filter_goes_back_to_page_one(seeded: dict[str, list[Seeded]]) -> None:
    at = technical(open_log())
    click(at, "log.older")
    assert page_caption(at).startswith("Page 2 of 2")
    at.multiselect(key="log.outcomes").select("success").run()
    expected = [row for row in orders(seeded["recent"]) if row.outcome == "success"]
    assert page_caption(at) == f"Page 1 of 2 · {len(expected)} entries"
    shows(at, expected)


def test_the_dates_widen_the_window_to_older_entries(seeded: dict[str, list[Seeded]]) -> None:
    at = open_log()
    today = datetime.now(UTC).date()
    at.date_input(key="log.dates").set_value((today - timedelta(days=30), today)).run()
    assert not at.exception
    in_month = [row for row in seeded["older"] if row.created_at.date() >= today - timedelta(days=30)]
    assert metric(at, "Submissions") == f"{80 + len(in_month)}"


# --- one entry ------------------------------------------------------------------------------------


def test_an_opened_entry_shows_request_answer_and_ids(seeded: dict[str, list[Seeded]]) -> None:
    wanted = next(row for row in seeded["recent"] if row.order_id == "23000010")
    at = open_entry(open_log(), wanted.id)

    assert at.subheader[0].value == f"Entry #{wanted.id}: Went through (success)"
    shown = texts(at)
    assert "**order id** `23000010`" in shown
    assert "Kapture said: “Order Added successfully !”" in shown
    request, answer = (json.loads(element.value) for element in at.json)
    assert request["customer_info"]["customer_name"] == "Customer 010"
    assert request["customer_info"]["phone"] == wanted.phone
    assert answer == {"status": "success", "message": "Order Added successfully !"}


def test_open_in_payload_editor_hands_over_the_request(app_journal: Journal, seeded: dict) -> None:
    body = {"customer_info": {"customer_name": "D'Souza Traders", "phone": "9845000001"}, "order_info": {}}
    entry = add(app_journal, request_body=json.dumps(body, separators=(",", ":")), customer_name="D'Souza")
    at = open_entry(open_log(), entry)

    click(at, "log.to_editor")
    assert json.loads(at.session_state["editor.text"]) == body
    at.switch_page(EDITOR)  # AppTest reruns the page it was told, not the one the app switched to
    at.run()
    assert not at.exception
    assert at.title[0].value == "Payload editor"
    assert json.loads(at.text_area(key="editor.text").value) == body


def test_update_this_order_hands_the_order_id_to_the_update_page(seeded: dict[str, list[Seeded]]) -> None:
    wanted = next(row for row in seeded["recent"] if row.order_id == "23000010")
    at = open_entry(open_log(), wanted.id)

    click(at, "log.to_update")
    assert at.title[0].value == "Update order"
    assert at.text_input(key="update.lookup").value == "23000010"


def test_update_is_offered_only_for_an_entry_with_an_order_id(seeded: dict[str, list[Seeded]]) -> None:
    rejected = next(row for row in seeded["recent"] if row.outcome == "rejected")
    at = open_entry(open_log(), rejected.id)
    assert at.button(key="log.to_update").disabled


def test_copy_as_curl_shows_url_and_body_and_no_credential(app_journal: Journal, seeded: dict) -> None:
    body = '{"customer_info":{"customer_name":"D\'Souza Traders","phone":"9845000001"}}'
    entry = add(app_journal, request_body=body, base_url="https://acme.kapturecrm.com")
    at = open_entry(open_log(), entry)
    assert not [c for c in at.code if "curl" in str(c.value)]

    at.toggle(key="log.curl").set_value(True).run()
    assert not at.exception
    (command,) = [str(c.value) for c in at.code if "curl" in str(c.value)]
    words = shlex.split(command.replace("\\\n", " "), comments=True)
    assert f"https://acme.kapturecrm.com{ADD_UPDATE_PATH}" in words
    assert words[words.index("--data-raw") + 1] == body
    secret = basic_token("demo", "sandbox")
    assert secret not in command
    assert "$KAPTURE_TOKEN" in command
    assert secret not in all_element_text(at)


def test_compare_with_another_entry_lists_the_differences(app_journal: Journal, seeded: dict) -> None:
    first = add(app_journal, request_body='{"customer_info":{"customer_name":"Asha","phone":"9845000001"}}')
    second = add(app_journal, request_body='{"customer_info":{"customer_name":"Ravi","phone":"9845000001"}}')
    at = open_entry(open_log(), first)

    at.number_input(key="log.diff_with").set_value(second).run()
    assert not at.exception
    shown = texts(at)
    assert f"**Request: #{first} → #{second}** — 1 difference(s) (ids ignored)" in shown
    assert f"**Answer: #{first} → #{second}** — no difference(s) (ids ignored)" in shown
    differences = at.dataframe[1].value
    assert list(differences["path"]) == ["customer_info.customer_name"]
    assert (differences["before"][0], differences["after"][0]) == ("Asha", "Ravi")

    at.number_input(key="log.diff_with").set_value(999_999).run()
    assert not at.exception, failures(at)
    assert "There is no journal entry #999999." in texts(at)


# --- send again -----------------------------------------------------------------------------------


def test_send_again_of_an_entry_that_went_through_asks_first_naming_its_order(
    app_journal: Journal, sandbox: Sandbox
) -> None:
    body = {"customer_info": {"customer_name": "Asha Traders", "phone": "9845000001"}, "order_info": {}}
    text = json.dumps(body)
    old = datetime.now(UTC) - timedelta(days=2)  # far outside the duplicate window
    entry = add(app_journal, request_body=text, created_at=old, order_id="23510001")
    at = open_entry(open_log(), entry)

    click(at, "log.resend")

    assert sandbox.state.requests == deque(), "sent again at once: a second order, without asking"
    assert f"**Not sent yet.** Entry #{entry} went through: Kapture took it as **order 23510001**" in texts(
        at
    )
    assert "Sending it again makes a second order." in texts(at)

    click(at, "log.resend_sure")

    assert [request.body.decode() for request in sandbox.state.requests] == [text]
    (stored,) = sandbox.state.orders()
    assert f"order {stored.order_id}" in texts(at)
    assert " as entry #" in texts(at)
    again = next(row for row in rows_in(app_journal) if row.id != entry)
    assert (again.source, again.operator, again.order_id) == ("replay", "Meera", str(stored.order_id))


def test_send_again_of_a_refused_entry_sends_at_once(app_journal: Journal, sandbox: Sandbox) -> None:
    body = {"customer_info": {"customer_name": "Asha Traders", "phone": "9845000001"}, "order_info": {}}
    entry = add(app_journal, request_body=json.dumps(body), outcome="rejected", message="GST missing")
    at = open_entry(open_log(), entry)

    click(at, "log.resend")

    assert len(sandbox.state.requests) == 1
    assert "Not sent yet" not in texts(at)


def test_a_repeated_click_on_send_again_says_nothing_new_was_sent(
    app_journal: Journal, sandbox: Sandbox
) -> None:
    body = {"customer_info": {"customer_name": "Asha Traders", "phone": "9845000001"}, "order_info": {}}
    entry = add(app_journal, request_body=json.dumps(body), created_at=datetime.now(UTC) - timedelta(days=2))
    at = open_entry(open_log(), entry)
    click(click(at, "log.resend"), "log.resend_sure")
    assert len(sandbox.state.requests) == 1
    again = next(row for row in rows_in(app_journal) if row.id != entry)
    assert f" as entry #{again.id}: success" in texts(at)

    click(click(at, "log.resend"), "log.resend_sure")  # the same act once more: nothing new is sent

    assert len(sandbox.state.requests) == 1
    shown = texts(at)
    assert "Sent again" not in shown
    assert (
        f"Nothing new was sent: that click repeated the “Send again” already made, which is entry #{again.id}"
        in shown
    )
    assert len(rows_in(app_journal)) == 2


def test_send_again_asks_first_after_a_recent_success_from_the_editor(
    app_journal: Journal, sender: Submitter, sandbox: Sandbox, order: OrderPayload
) -> None:
    text = json.dumps(order.to_payload(), indent=2)
    first = sender.submit_text(text, context=Context(source="editor", operator="Meera")).submission
    assert first is not None and first.outcome == "success"
    at = open_log()
    at.toggle(key="log.include_qa").set_value(True).run()  # an editor send is QA traffic
    at = open_entry(at, first.id)

    click(at, "log.resend")
    assert f"Kapture took it as **order {first.order_id}**" in texts(at)
    assert len(sandbox.state.requests) == 1

    click(at, "log.resend_sure")
    assert len(sandbox.state.requests) == 2
    assert sandbox.state.requests[1].body.decode() == text
    assert len(sandbox.state.orders()) == 2
    assert " as entry #" in texts(at)


def test_send_again_asks_first_after_a_recent_success_from_the_order_form(
    app_journal: Journal, sender: Submitter, sandbox: Sandbox, order: OrderPayload
) -> None:
    first = sender.submit(order, context=Context(source="form", operator="Meera")).submission
    assert first is not None and first.outcome == "success"
    at = open_entry(open_log(), first.id)

    click(at, "log.resend")

    assert len(sandbox.state.orders()) == 1, "sent again at once: a second order, without asking"
    assert f"**Not sent yet.** Entry #{first.id} went through" in texts(at)


def test_send_again_needs_a_name(app_journal: Journal, sandbox: Sandbox) -> None:
    entry = add(app_journal, request_body='{"customer_info":{"customer_name":"Asha"}}')
    at = open_entry(open_log(operator=""), entry)
    click(at, "log.resend")
    assert "Enter your name in **Your name**" in texts(at)
    assert len(sandbox.state.requests) == 0


# --- unknown outcomes: check in Kapture -----------------------------------------------------------


def test_an_unknown_entry_can_be_checked_in_kapture(
    app_journal: Journal,
    sender: Submitter,
    sandbox: Sandbox,
    order: OrderPayload,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAPTURE_CM_ID", "1")
    order.order_info.erp_order_id = "ERP-7781"  # what tells this entry's order from the phone's others
    first = sender.submit(order, context=Context(operator="Meera")).submission
    assert first is not None
    (stored,) = sandbox.state.orders()
    mark_unknown(app_journal, first.id)
    at = open_entry(open_log(), first.id)
    assert "Nobody knows whether Kapture created this order" in texts(at)

    click(at, f"log.check.{first.id}")

    (found,) = at.success
    assert str(stored.order_id) in found.value
    checked = log.entry(app_journal, first.id)
    assert checked is not None and checked.checked_at is not None
    assert checked.checked_order_id == str(stored.order_id)
    at.run()
    assert not at.exception, failures(at)
    when = checked.checked_at
    assert f"Checked in Kapture at {when.day} {when:%b %Y, %H:%M:%S} UTC: {checked.check_result}" in texts(at)
    assert str(stored.order_id) in at.dataframe[0].value["order id"].tolist()
    assert len(sandbox.state.orders()) == 1  # a look-up, never a send


def test_the_built_in_sandbox_can_check_an_unknown_entry(
    app_journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("KAPTURE_BASE_URL", "KAPTURE_USERNAME", "KAPTURE_PASSWORD", "KAPTURE_CM_ID"):
        monkeypatch.delenv(name, raising=False)
    at = open_page(NEW)  # nothing configured: the order goes to the built-in sandbox
    at.text_input(key="order.customer_name").input("Asha Traders")
    at.text_input(key="order.phone").input("+91 97777 12321")
    # The built-in sandbox lives as long as the test process: a unique ERP id tells this order apart.
    at.text_input(key="order.erp_order_id").input(f"ERP-{uuid.uuid4().hex[:8]}").run()
    at.button(key="order.submit").click().run()
    (entry,) = [row.id for row in rows_in(app_journal)]
    mark_unknown(app_journal, entry)
    at = open_entry(open_log(), entry)
    assert "Nobody knows whether Kapture created this order" in texts(at)

    click(at, f"log.check.{entry}")

    (found,) = at.success
    assert "Kapture has order" in read(found.value)
    checked = log.entry(app_journal, entry)
    assert checked is not None and checked.checked_at is not None
    assert checked.checked_order_id


def test_without_an_account_id_an_unknown_entry_says_how_to_enable_the_check(
    app_journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KAPTURE_CM_ID", raising=False)
    entry = add(app_journal, outcome="timeout_unknown", message="", created_at=datetime.now(UTC))
    at = open_entry(open_log(), entry)
    assert "Nobody knows whether Kapture created this order" in texts(at)
    assert "KAPTURE_CM_ID" in texts(at)
    assert not [b for b in at.button if str(b.key).startswith("log.check.")]


def test_a_check_that_cannot_reach_kapture_says_so(
    app_journal: Journal, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAPTURE_CM_ID", "1")
    entry = add(
        app_journal, outcome="unknown", message="", created_at=datetime.now(UTC), base_url=sandbox.url
    )
    at = open_entry(open_log(), entry)
    sandbox.set_faults(mode="drop_connection")
    click(at, f"log.check.{entry}")
    assert any("Could not check" in read(e.value) for e in at.error)


# --- export -------------------------------------------------------------------------------------


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """What each download button of the last run gives when clicked, by file name.

    Streamlit runs a download's callable only when the button is clicked; this calls it the way
    Streamlit's server does (``execute_deferred``) and reads back the file the browser would get.
    """
    found: dict[str, Callable[[], bytes]] = {}
    original = MediaFileManager.add_deferred

    def recording(manager: MediaFileManager, *args: Any, **kwargs: Any) -> str:
        file_id = original(manager, *args, **kwargs)
        file_name = kwargs.get("file_name", args[3] if len(args) > 3 else None)

        def click() -> bytes:
            url = manager.execute_deferred(file_id)
            stored = manager.read_file(url.rsplit("/", 1)[1].split(".")[0])
            assert stored is not None
            return stored.content

        found[str(file_name)] = click
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return found


def test_the_downloads_hold_every_filtered_entry_not_just_the_page(
    seeded: dict[str, list[Seeded]], downloads: dict[str, Callable[[], bytes]]
) -> None:
    at = open_log()
    at.multiselect(key="log.sources").select("form").run()
    assert not at.exception, failures(at)
    expected = [row.id for row in seeded["recent"] if row.source == "form"]
    assert len(expected) > 50

    for name, mark in (("submissions-excel.csv", b"\xef\xbb\xbf"), ("submissions.csv", b"i")):
        csv_bytes = downloads[name]()
        assert csv_bytes.startswith(mark)  # Excel reads UTF-8 only with the BOM; scripts need none
        header, *lines = csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"), newline=""))
        assert header == list(log.EXPORT_COLUMNS)
        assert [int(line[0]) for line in lines] == expected
    assert xlsx_ids(downloads["submissions.xlsx"]()) == expected

    objects = [json.loads(line) for line in downloads["submissions.jsonl"]().decode().splitlines()]
    assert [obj["id"] for obj in objects] == expected


# --- retention ------------------------------------------------------------------------------------


def retention_label(at: AppTest) -> str:
    (sure,) = [c for c in at.checkbox if c.key == "log.sure"]
    return str(sure.label)


def test_old_entries_are_deleted_only_after_the_tick(
    app_journal: Journal, seeded: dict[str, list[Seeded]]
) -> None:
    before = {row.id for row in rows_in(app_journal)}
    at = open_log()
    assert retention_label(at) == "Yes, delete the 2 entries older than 365 days"

    at.number_input(key="log.keep_days").set_value(15).run()
    assert not at.exception, failures(at)
    assert retention_label(at) == "Yes, delete the 3 entries older than 15 days"
    assert at.button(key="log.delete").disabled
    at.run()
    assert not at.exception, failures(at)
    assert {row.id for row in rows_in(app_journal)} == before

    at.checkbox(key="log.sure").check().run()
    assert not at.exception, failures(at)
    assert not at.button(key="log.delete").disabled
    assert {row.id for row in rows_in(app_journal)} == before
    click(at, "log.delete")

    assert "Deleted 3 entries." in texts(at)
    gone = {row.id for row in seeded["older"] if row.created_at < datetime.now(UTC) - timedelta(days=15)}
    assert len(gone) == 3
    assert {row.id for row in rows_in(app_journal)} == before - gone


def test_after_a_deletion_the_next_one_needs_a_fresh_tick(
    app_journal: Journal, seeded: dict[str, list[Seeded]]
) -> None:
    at = open_log()
    at.number_input(key="log.keep_days").set_value(15).run()
    assert not at.exception, failures(at)
    at.checkbox(key="log.sure").check().run()
    assert not at.exception, failures(at)
    click(at, "log.delete")
    left = {row.id for row in rows_in(app_journal)}

    at.number_input(key="log.keep_days").set_value(5).run()  # the 10-day-old entry is now "old"

    assert not at.exception, failures(at)
    assert retention_label(at).startswith("Yes, delete the 1 ")
    assert at.checkbox(key="log.sure").value is False
    assert at.button(key="log.delete").disabled
    assert {row.id for row in rows_in(app_journal)} == left


def test_nothing_old_nothing_to_delete(app_journal: Journal) -> None:
    add(app_journal, created_at=datetime.now(UTC) - timedelta(days=3))
    at = open_log()
    assert "No entry is older than 365 days." in texts(at)
    assert not [c for c in at.checkbox if c.key == "log.sure"]
    assert len(rows_in(app_journal)) == 1


@pytest.mark.parametrize(("typed", "most"), [("#99999999999999999999", 0), ("#²", 3), ("#", 0)])
def test_odd_entry_numbers_in_the_search_box_find_nothing_quietly(
    seeded: dict, typed: str, most: int
) -> None:
    at = open_log()
    at.text_input(key="log.text").input(typed).run()
    assert not at.exception, failures(at)
    # Nothing, or only what holds the word "2" ("²" folds to it, as "ﬁ" to "fi"): never the whole log.
    found = table_ids(at) if at.dataframe else []
    assert len(found) <= most, found


def test_a_page_past_the_end_shows_the_last_page(seeded: dict[str, list[Seeded]]) -> None:
    at = technical(open_log())
    click(at, "log.older")
    assert page_caption(at).startswith("Page 2 of 2")
    at.multiselect(key="log.outcomes").select("success").run()  # fewer rows: back to page 1
    assert page_caption(at).startswith("Page 1 of")


def test_one_chosen_day_means_from_that_day_on(seeded: dict[str, list[Seeded]]) -> None:
    at = open_log()
    start = (datetime.now(UTC) - timedelta(days=6)).date()
    at.date_input(key="log.dates").set_value((start,)).run()
    assert not at.exception, failures(at)
    assert f"From {start:%d %b %Y} onwards." in texts(at)
    assert metric(at, "Submissions") == f"{len(orders(seeded['recent'])):,}"


@pytest.mark.parametrize(("status", "unclear"), [(502, True), (503, False)])
def test_an_http_error_is_marked_unclear_only_when_it_may_have_created_the_order(
    app_journal: Journal, status: int, unclear: bool
) -> None:
    entry = add(app_journal, outcome="http_error")
    with app_journal.sessions.begin() as session:
        session.get(Submission, entry).http_status = status
    at = open_entry(open_log(), entry)
    assert at.dataframe[0].value["outcome"].tolist() == ["HTTP error"]
    assert at.dataframe[0].value["result"].tolist() == ["⚠ Unknown — check" if unclear else "Refused"]
    assert ("Nobody knows whether Kapture created this order" in texts(at)) is unclear


# --- issue 11: the reader's time, the chart, plain groups, word search --------------------------


def chart_spec(at: AppTest) -> dict[str, Any]:
    (chart,) = at.get("vega_lite_chart")
    return json.loads(chart.proto.spec)


def test_the_chart_has_every_day_in_calendar_order_and_fixed_colours(seeded: dict[str, list[Seeded]]) -> None:
    at = technical(open_log())
    at.multiselect(key="log.outcomes").select("rejected").run()  # a failures view: few days have bars
    spec = chart_spec(at)
    x, colour = spec["encoding"]["x"], spec["encoding"]["color"]
    today = datetime.now(UTC).date()
    week = [today - timedelta(days=6 - n) for n in range(7)]
    assert x["sort"] == [f"{day:%a} {day.day} {day:%b}" for day in week]
    assert x["title"] == "day (UTC)"  # once: the abbreviation is the name
    assert colour["scale"]["domain"][:3] == ["success", "rejected", "auth failed"]
    at.toggle(key="log.technical").set_value(False).run()
    colour = chart_spec(at)["encoding"]["color"]
    assert colour["scale"]["domain"] == ["Went through", "Refused", "Not sent", "Unknown — check"]
    assert colour["scale"]["range"] == ["#2e7d32", "#c62828", "#78909c", "#f9a825"]


def test_times_and_days_are_the_readers(
    seeded: dict[str, list[Seeded]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.clock._browser_zone", lambda: "Asia/Kolkata")
    newest = seeded["recent"][0]
    at = open_entry(open_log(), newest.id)
    local = newest.created_at.astimezone(ZoneInfo("Asia/Kolkata"))
    shown = f"{local.day} {local:%b %Y, %H:%M:%S} IST"
    assert at.dataframe[0].value["when"].tolist()[0] == shown
    assert f"**When** {shown}" in texts(at)
    assert chart_spec(at)["encoding"]["x"]["title"] == "day (IST, Asia/Kolkata)"
    assert "Dates (IST)" in [element.label for element in at.date_input]


def test_plain_groups_filter_the_log(seeded: dict[str, list[Seeded]]) -> None:
    at = open_log()
    at.multiselect(key="log.groups").select("Refused").run()
    expected = [row for row in orders(seeded["recent"]) if row.outcome == "rejected"]
    expected += [row for row in orders(seeded["recent"]) if row.outcome == "http_error"]  # a 200: refused
    shows(at, sorted(expected, key=lambda row: (row.created_at, row.id), reverse=True))
    assert "**Refused**" in texts(at)


def test_qa_traffic_is_one_toggle_away(seeded: dict[str, list[Seeded]]) -> None:
    at = open_log()
    assert metric(at, "Submissions") == "80"
    at.toggle(key="log.include_qa").set_value(True).run()
    shows(at, seeded["recent"])


def test_attempts_the_form_refused_are_under_not_sent(app_journal: Journal) -> None:
    refused = add(app_journal, outcome="invalid", message="")
    sent = add(app_journal, outcome="success")
    at = open_log()
    assert table_ids(at) == [sent]
    at.multiselect(key="log.groups").select("Not sent").run()
    assert table_ids(at) == [refused]


def test_a_word_finds_names_anywhere_and_across_all_time(app_journal: Journal) -> None:
    old = add(
        app_journal,
        customer_name="Bharat Steel Distributors",
        created_at=datetime.now(UTC) - timedelta(days=400),
    )
    add(app_journal, customer_name="Asha Traders")
    at = open_log()
    at.text_input(key="log.text").input("Steel").run()
    assert table_ids(at) == [old]
    assert "The search looks at every date." in texts(at)
    at.toggle(key="log.text_in_dates").set_value(True).run()
    assert not at.dataframe


def test_the_opened_entry_shows_the_request_expanded(app_journal: Journal) -> None:
    body = {"customer_info": {"customer_name": "Asha", "address": {"city": "Pune"}}, "order_info": {}}
    entry = add(app_journal, request_body=json.dumps(body))
    at = open_entry(open_log(), entry)
    request = at.json[0]
    assert json.loads(request.value) == body
    assert request.proto.expanded is True


def test_a_word_in_more_than_a_thousand_entries_says_more_than_and_asks_for_dates(
    app_journal: Journal,
) -> None:
    # An exact summary of 125,000 matches reads them all (seconds at a million rows): the page
    # says "more than 1,000" and asks for a month of dates or another word instead of waiting.
    now = datetime.now(UTC).replace(microsecond=0)
    ids = [
        add(app_journal, created_at=now - timedelta(minutes=n), customer_name=f"Bharat Steel {n}")
        for n in reversed(range(1_005))
    ]
    at = open_log()
    at.text_input(key="log.text").input("Steel").run()
    assert not at.exception, failures(at)
    assert metric(at, "Submissions") == "more than 1,000"
    assert any("add a word, or turn on “Only within these dates”" in str(c.value) for c in at.caption)
    assert not at.get("vega_lite_chart"), "the chart waited for every match"
    assert page_caption(at) == "Page 1 of 20+ · more than 1,000 entries"
    assert table_ids(at) == ids[::-1][:50]
    at.toggle(key="log.text_in_dates").set_value(True).run()  # the last seven days: a summary again
    assert metric(at, "Submissions") == "1,005"
    assert at.get("vega_lite_chart")
