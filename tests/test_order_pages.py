"""The order pages run as Streamlit runs them (AppTest), sending to a real sandbox over HTTP."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import streamlit.runtime.context
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from sandbox import Sandbox
from storage.models import SavedForm

APP = str(Path(__file__).resolve().parent.parent / "app.py")
NEW, UPDATE = "views/new_order.py", "views/update_order.py"


@pytest.fixture(autouse=True)
def app_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sandbox: Sandbox) -> None:
    """The app pointed at this test's sandbox and a fresh journal, with a short answer timeout."""
    for name in ("KAPTURE_SUBDOMAIN", "KAPTURE_TOKEN", "KAPTURE_DUPLICATE_WINDOW_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KAPTURE_BASE_URL", sandbox.url)
    monkeypatch.setenv("KAPTURE_USERNAME", "demo")
    monkeypatch.setenv("KAPTURE_PASSWORD", "sandbox")
    monkeypatch.setenv("KAPTURE_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("KAPTURE_DATABASE_URL", f"sqlite:///{tmp_path / 'journal.db'}")


# Streamlit's XSRF cookie as a browser sends it (the token's mask changes on every page load).
BROWSER = "2|72bab2c5|4ba13af62743c9b39d0db6f1689c1896|1795840135"
SAME_BROWSER = "2|6d6656cc|547ddeff389f2dba82d152f87740fc9f|1795840135"  # the same token, another mask
OTHER_BROWSER = "2|8b7f511c|f5e4ccd15b5858b228135be0e1cfe577|1795840149"


class Client:
    """The browser AppTest's sessions come from: AppTest has none, so its cookies are given here."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {"_streamlit_xsrf": BROWSER}
        self.headers: dict[str, str] = {}
        self.remote_ip: str | None = "127.0.0.1"


@pytest.fixture(autouse=True)
def client(monkeypatch: pytest.MonkeyPatch) -> Client:
    """What ``st.context.cookies`` reads, as a real browser session would send it (ui/desk.py)."""
    client = Client()
    monkeypatch.setattr(streamlit.runtime.context, "_get_client_context", lambda: client)
    return client


def open_page(page: str, operator: str = "Meera") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=20)
    at.run()
    at.switch_page(page)
    at.run()
    if operator:
        at.text_input(key="operator").input(operator).run()
    assert not at.exception
    return at


def fill(at: AppTest, ns: str = "order", **fields: str) -> AppTest:
    for name, value in fields.items():
        at.text_input(key=f"{ns}.{name}").input(value)
    at.run()
    return at


def submit(at: AppTest, ns: str = "order") -> AppTest:
    at.button(key=f"{ns}.submit").click().run()
    assert not at.exception
    return at


def read(markdown: str) -> str:
    """Markdown as a reader sees it: escapes resolved, the invisible joiners gone (ui/text.py)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def texts(at: AppTest) -> str:
    """The page's texts as a reader sees them (outside text in them is escaped markdown)."""
    shown = [*at.markdown, *at.success, *at.error, *at.warning, *at.info, *at.caption]
    return read("\n".join(str(element.value) for element in shown))


def filled_order(at: AppTest) -> AppTest:
    return fill(at, customer_name="Asha Traders", phone="+91 98450 12345", email="orders@asha.example")


def test_an_order_is_sent_and_its_ids_shown(sandbox: Sandbox) -> None:
    at = submit(filled_order(open_page(NEW)))
    (stored,) = sandbox.state.orders()
    assert "Kapture took the order." in texts(at)
    assert at.metric[0].value == str(stored.order_id)
    shown_codes = [code.value for code in at.code]
    assert shown_codes == [
        str(stored.order_id),
        str(stored.customer_id),
        str(stored.enquiry_id),
        str(stored.contact_id),
    ]
    body = json.loads(sandbox.state.requests[0].body)
    assert body["customer_info"]["customer_name"] == "Asha Traders"
    # Typed "+91 98450 12345": a number of the desk's region goes as its ten digits, everywhere.
    assert body["customer_info"]["phone"] == body["contact_info"][0]["contact_person_phone"] == "9845012345"
    assert body["customer_info"]["country"] == "India"


def test_every_problem_is_shown_next_to_its_field_and_nothing_is_sent(sandbox: Sandbox) -> None:
    at = submit(fill(open_page(NEW), email="asha@", pincode="560001"))
    shown = texts(at)
    assert ":red[Customer name is required.]" in shown
    assert ":red[Email “asha@” is not an email address: it needs a name, an @ and a domain.]" in shown
    assert "Nothing was sent: please fix what is marked in red above." in shown
    assert len(sandbox.state.requests) == 0
    assert at.text_input(key="order.pincode").value == "560001"  # nothing typed is lost


def test_a_fixed_problem_disappears_as_it_is_fixed() -> None:
    at = submit(fill(open_page(NEW), phone="12"))
    assert "“12” is not a phone number" in texts(at)
    fill(at, phone="9845012345", customer_name="Asha")
    assert ":red[" not in texts(at)


def test_a_name_is_asked_before_anything_is_sent(sandbox: Sandbox) -> None:
    at = submit(filled_order(open_page(NEW, operator="")))
    assert "Enter your name in **Your name** above first" in texts(at)
    assert len(sandbox.state.requests) == 0
    at.text_input(key="operator").input("Meera").run()
    submit(at)
    assert "Kapture took the order." in texts(at)


@pytest.mark.parametrize(
    ("faults", "words"),
    [
        ({"mode": "failed_200"}, "Kapture did not take the order."),
        ({"auth_failure_status": 401, "mode": "none"}, None),  # replaced below by wrong credentials
        ({"mode": "http_500_html"}, "Kapture had a problem on its side."),
        ({"mode": "malformed_json"}, "Kapture answered, but the answer could not be read."),
        # "In time" only when time ran out; a broken line says so.
        ({"mode": "drop_connection"}, "Kapture's answer did not arrive (the connection was dropped"),
        ({"mode": "slow", "slow_seconds": 3}, "Kapture's answer did not arrive (no answer within"),
    ],
)
def test_each_failure_says_what_happened_and_keeps_the_form(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, faults: dict, words: str | None
) -> None:
    if words is None:
        monkeypatch.setenv("KAPTURE_PASSWORD", "wrong")
        words = "Kapture did not accept Order Desk's login details"
    sandbox.set_faults(**faults)
    at = submit(filled_order(open_page(NEW)))
    shown = texts(at)
    assert words in shown
    assert "Kapture took the order." not in shown
    assert at.text_input(key="order.customer_name").value == "Asha Traders"


@pytest.mark.parametrize("cm_id", ["", "1"])
def test_an_unknown_answer_points_to_the_log_entry(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, cm_id: str
) -> None:
    """The card promises a look-up in Kapture only where one can be made (an account id is set)."""
    monkeypatch.setenv("KAPTURE_CM_ID", cm_id)
    sandbox.set_faults(mode="drop_connection", times=1)
    at = submit(filled_order(open_page(NEW)))
    assert "The order may have been created." in texts(at)
    check = "find entry **#1** and press **Check in Kapture**"
    ask = "ask someone who can see orders in Kapture to look for it"
    assert (check in texts(at), ask in texts(at)) == ((True, False) if cm_id else (False, True))


def test_kapture_unreachable_says_nothing_was_sent_and_offers_a_retry(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAPTURE_BASE_URL", "http://127.0.0.1:9")
    at = submit(filled_order(open_page(NEW)))
    assert "Order Desk could not reach Kapture" in texts(at)
    assert "The order was not sent." in texts(at)
    monkeypatch.setenv("KAPTURE_BASE_URL", sandbox.url)
    at.button(key="result.retry").click().run()
    assert "Kapture took the order." in texts(at)
    assert len(sandbox.state.orders()) == 1


def test_clicking_again_does_not_send_again(sandbox: Sandbox) -> None:
    at = submit(filled_order(open_page(NEW)))
    submit(at)
    submit(at)
    assert len(sandbox.state.requests) == 1
    # Clicks after the answer are asked about (clicks while it goes are one send: test_browser.py).
    assert "Kapture already took this form's order" in texts(at)
    assert "Kapture took the order." in texts(at)


def test_the_same_order_again_asks_first_naming_the_earlier_order(sandbox: Sandbox) -> None:
    at = submit(filled_order(open_page(NEW)))
    first = sandbox.state.orders()[0].order_id
    at.button(key="order.another").click().run()
    assert at.text_input(key="order.customer_name").value == ""
    submit(filled_order(at))
    assert f"Kapture took it as **order {first}**" in texts(at)
    assert len(sandbox.state.requests) == 1
    at.button(key="result.duplicate_confirm").click().run()
    assert len(sandbox.state.orders()) == 2
    assert at.metric[0].value == str(sandbox.state.orders()[1].order_id)


def test_what_was_typed_survives_a_visit_to_another_page() -> None:
    at = fill(open_page(NEW), customer_name="Half Done Ltd", city="Pune")
    at.switch_page("views/settings.py")
    at.run()
    at.switch_page(NEW)
    at.run()
    assert at.text_input(key="order.customer_name").value == "Half Done Ltd"
    assert at.text_input(key="order.city").value == "Pune"


def test_more_contacts_and_extra_fields_reach_kapture(sandbox: Sandbox) -> None:
    at = filled_order(open_page(NEW))
    assert at.checkbox(key="order.contact_same_as_customer").value
    at.button(key="order.contact.add").click().run()
    # A contact of their own: the customer's phone and email are no longer sent as a contact too.
    assert not at.checkbox(key="order.contact_same_as_customer").value
    row = at.session_state["order.contact_rows"][0]
    fill(at, **{f"contact.{row}.first_name": "Ravi", f"contact.{row}.phone": "90000 00002"})
    at.button(key="order.extra.add").click().run()
    extra = at.session_state["order.extra_rows"][0]
    fill(at, **{f"extra.{extra}.key": "gst_number", f"extra.{extra}.value": "29ABCDE"})
    submit(at)
    body = json.loads(sandbox.state.requests[0].body)
    assert [c["contact_person_phone"] for c in body["contact_info"]] == ["9000000002"]
    assert body["contact_info"][0]["first_name"] == "Ravi"
    assert body["customer_info"]["phone"] == "9845012345"
    assert body["order_info"]["associate_fields"] == {"gst_number": "29ABCDE"}


def test_a_bad_phone_of_a_second_contact_is_shown_on_that_contact(sandbox: Sandbox) -> None:
    at = filled_order(open_page(NEW))
    at.button(key="order.contact.add").click().run()
    row = at.session_state["order.contact_rows"][0]
    submit(fill(at, **{f"contact.{row}.phone": "12ab"}))
    (shown,) = [m.value for m in at.markdown if "is not a phone number" in m.value]  # the contact's alone
    assert shown.startswith(":red[“12ab” is not a phone number")
    assert len(sandbox.state.requests) == 0


def test_update_this_order_opens_it_filled_and_sends_an_update(sandbox: Sandbox) -> None:
    at = submit(filled_order(open_page(NEW)))
    order_id = str(sandbox.state.orders()[0].order_id)
    at.button(key="order.go_update").click().run()
    assert at.title[0].value == "Update order"
    at.switch_page(UPDATE)  # AppTest reruns the page it was told, not the one the app switched to
    assert at.text_input(key="update.order_id").value == order_id
    assert at.text_input(key="update.customer_name").value == "Asha Traders"
    fill(at, "update", payment_mode="UPI")
    submit(at, "update")
    assert f"Kapture updated order {order_id}." in texts(at)
    sent = json.loads(sandbox.state.requests[-1].body)["order_info"]
    assert (sent["order_id"], sent["update"], sent["payment_mode"]) == (order_id, True, "UPI")


def test_an_order_not_sent_from_here_opens_blank_with_a_warning(sandbox: Sandbox) -> None:
    at = open_page(UPDATE)
    at.text_input(key="update.lookup").input("987654").run()
    at.button(key="update.open").click().run()
    assert "Order Desk has not sent order **987654** itself" in texts(at)
    submit(fill(at, "update", customer_name="Someone", phone="9845012345"), "update")
    assert "Kapture did not take the update." in texts(at)
    assert "No order found with order_id 987654" in texts(at)


def test_open_without_an_id_asks_for_one() -> None:
    at = open_page(UPDATE)
    at.button(key="update.open").click().run()
    assert "Type the order id Kapture gave" in texts(at)


@pytest.mark.parametrize(
    ("odd", "why"),
    [
        ({"phone": 9845012345}, "a phone written as a number"),
        ({"organization": "true"}, "true written as text (a suite's generated negative)"),
    ],
)
def test_an_order_last_sent_as_a_payload_the_form_cannot_hold_opens_in_the_editor(
    sandbox: Sandbox, odd: dict, why: str
) -> None:
    sent = {"customer_info": {"customer_name": "Asha Traders", **odd}, "order_info": {"remarks": "raw"}}
    at = open_page("views/payload_editor.py")
    at.default_timeout = 30
    at.text_area(key="editor.text").input(json.dumps(sent)).run()
    at.button(key="editor.send").click().run()
    (stored,) = sandbox.state.orders()
    order_id = str(stored.order_id)

    at.switch_page(UPDATE)
    at.run()
    at.text_input(key="update.lookup").input(order_id).run()
    at.button(key="update.open").click().run()

    assert not at.exception, why
    assert at.title[0].value == "Payload editor"
    assert f"Order {order_id} was last sent with values the order form cannot show" in texts(at)
    opened = json.loads(at.session_state["editor.text"])
    # As it was sent, made an update of that order: sending it cannot create a second order.
    assert opened["customer_info"] == sent["customer_info"]
    assert opened["order_info"] == {"remarks": "raw", "update": True, "order_id": order_id}

    at.switch_page("views/payload_editor.py")  # AppTest reruns the page it was told
    at.run()
    assert f"Order {order_id} was last sent" in texts(at)
    at.button(key="editor.send").click().run()
    assert not at.exception
    assert json.loads(sandbox.state.requests[-1].body)["order_info"]["update"] is True
    assert [str(order.order_id) for order in sandbox.state.orders()] == [order_id]


def test_a_submission_log_that_cannot_be_written_sends_nothing_and_says_so(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """The disk fills or the file breaks between opening the page and pressing Submit."""
    from tests.hostile.test_odd_submit import break_database
    from ui import resources

    at = filled_order(open_page(NEW))
    break_database(f"sqlite:///{tmp_path / 'journal.db'}", resources.journal())
    submit(at)
    assert len(sandbox.state.requests) == 0
    shown = texts(at)
    assert "Nothing was sent. The submission log cannot be written just now" in shown
    assert "not set up right" not in shown


def test_the_configured_phone_region_keys_the_orders_phone(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """KAPTURE_PHONE_REGION=AE: a Dubai desk's 050 number is +971, and the log finds it so."""
    from services import log
    from services.log import SubmissionFilter
    from ui import resources

    monkeypatch.setenv("KAPTURE_PHONE_REGION", "AE")
    at = submit(fill(open_page(NEW), customer_name="Asha Traders", phone="050 123 4567"))
    assert "Kapture took the order." in texts(at)
    (row,) = log.page(resources.journal(), SubmissionFilter(text="050 123 4567"), 1).rows
    assert row.phone_key == "+971501234567"


@pytest.mark.parametrize(
    ("typed", "sent", "said"),
    [
        ("(080) 2661 4433", "8026614433", "Sent to Kapture as 8026614433"),
        ("+91-98450-12345 ext 12", "9845012345", "(the extension 12 is not sent"),
        ("+971 50 123 4567", "+971501234567", "Sent to Kapture as +971501234567"),
        ("98450 12345", "9845012345", "Sent to Kapture as 9845012345"),
    ],
)
def test_phones_are_taken_as_people_write_them(sandbox: Sandbox, typed: str, sent: str, said: str) -> None:
    """Brackets, dashes, a +country and an extension are fine; the form shows what goes to Kapture."""
    at = fill(open_page(NEW), customer_name="Asha Traders", phone=typed)
    assert said in texts(at)
    submit(at)
    assert "Kapture took the order." in texts(at)
    body = json.loads(sandbox.state.requests[0].body)
    assert body["customer_info"]["phone"] == body["contact_info"][0]["contact_person_phone"] == sent


@pytest.mark.parametrize("typed", ["12", "abc", "9.38049E+09", "12345678901234567890"])
def test_what_cannot_be_a_phone_is_refused_and_nothing_is_sent(sandbox: Sandbox, typed: str) -> None:
    at = submit(fill(open_page(NEW), customer_name="Asha Traders", phone=typed))
    assert f"“{typed}” is not a phone number" in texts(at)
    assert "Sent to Kapture as" not in texts(at)
    assert list(sandbox.state.requests) == []


def test_a_future_invoice_date_and_a_past_follow_up_warn_but_do_not_block(sandbox: Sandbox) -> None:
    from datetime import date, timedelta

    at = filled_order(open_page(NEW))
    at.date_input(key="order.invoice_date").set_value(date.today() + timedelta(days=3))
    at.date_input(key="order.next_follow_up_date").set_value(date.today() - timedelta(days=2)).run()
    assert "is in the future: is that right?" in texts(at)
    assert "is in the past: is that right?" in texts(at)
    submit(at)
    assert "Kapture took the order." in texts(at)
    at.date_input(key="order.invoice_date").set_value(date.today())
    at.date_input(key="order.next_follow_up_date").set_value(date.today()).run()
    assert "is that right?" not in texts(at)


def test_the_name_and_the_kapture_are_asked_and_shown_above_submit(sandbox: Sandbox) -> None:
    """On a phone the sidebar is hidden: the page itself asks for the name and names the Kapture."""
    at = open_page(NEW, operator="")
    assert "Test Kapture: 127\\.0\\.0\\.1" in "\n".join(m.value for m in at.markdown)
    at.text_input(key="order.operator_here").input("Meera").run()
    assert at.session_state["operator"] == "Meera"
    assert "Sending as **Meera**" in texts(at)
    submit(filled_order(at))
    assert "Kapture took the order." in texts(at)


def test_the_payload_editor_is_a_qa_action_below_the_form(sandbox: Sandbox) -> None:
    """Staff see Submit alone; "Open in payload editor" waits in an expander for QA, below it all."""
    at = filled_order(open_page(NEW))
    (qa,) = [e for e in at.expander if e.label == "For QA: this order as JSON"]
    assert [b.label for b in qa.button] == ["Open in payload editor"]
    labels = [b.label for b in at.button]
    assert labels.index("Submit order") < labels.index("Open in payload editor")


def test_rare_order_fields_have_plain_labels_with_help() -> None:
    at = open_page(NEW)
    labels = {w.label: w.help for w in at.text_input}
    for technical in ("ERP order id", "Encrypted order", "Ticket id", "Block", "Unit"):
        assert technical not in labels
    assert labels["Your order number"] and labels["Support ticket number"] and labels["Store or branch"]


def test_the_submit_button_is_ready_again_once_the_answer_is_in(sandbox: Sandbox) -> None:
    """The run that sends draws Submit inactive (tests/test_browser.py sees it); the answer's run not."""
    at = filled_order(open_page(NEW))
    at.session_state["order.asked"] = True  # what the button's click sets, before the run that sends
    sandbox.set_faults(latency_ms=300)
    at.run()
    assert "Kapture took the order." in texts(at)
    assert len(sandbox.state.requests) == 1
    (button,) = [b for b in at.button if b.key == "order.submit"]
    assert button.label == "Submit order" and not button.disabled  # ready again once the answer is in


def reopened(at: AppTest, page: str = NEW, desk: str | None = None) -> AppTest:
    """The same browser tab after a refresh (or the server after a restart): a new session, same address."""
    desk = desk or at.session_state["desk.key"]
    again = AppTest.from_file(APP, default_timeout=20)
    again.query_params["desk"] = desk
    again.run()
    written = again.query_params.get("desk")  # the key the frame put in the address: this one, or a fresh one
    again.switch_page(page)
    if written:
        again.query_params["desk"] = written  # the frame writes it back on every page
    again.run()
    assert not again.exception
    return again


def kept_rows(tmp_path: Path) -> list[str]:
    """The forms kept in this test's journal, whoever's."""
    engine = create_engine(f"sqlite:///{tmp_path / 'journal.db'}")
    try:
        with Session(engine) as session:
            return list(session.scalars(select(SavedForm.form)))
    finally:
        engine.dispose()


def test_a_refresh_keeps_the_draft_and_the_name(sandbox: Sandbox) -> None:
    at = fill(open_page(NEW), customer_name="Asha Traders", phone="98450 12345", city="Pune")
    at.button(key="order.contact.add").click().run()
    row = at.session_state["order.contact_rows"][0]
    fill(at, **{f"contact.{row}.first_name": "Ravi"})

    again = reopened(at)
    assert again.text_input(key="operator").value == "Meera"
    assert again.text_input(key="order.customer_name").value == "Asha Traders"
    assert again.text_input(key="order.city").value == "Pune"
    (contact,) = again.session_state["order.contact_rows"]
    assert again.text_input(key=f"order.contact.{contact}.first_name").value == "Ravi"
    assert not again.checkbox(key="order.contact_same_as_customer").value
    assert list(sandbox.state.requests) == []


@pytest.mark.parametrize("given", ["../../etc/passwd", "0123456789abcdef" * 2])  # not a key; never issued
def test_an_address_without_a_desk_or_with_a_forged_one_starts_blank(sandbox: Sandbox, given: str) -> None:
    at = fill(open_page(NEW), customer_name="Asha Traders")
    other = AppTest.from_file(APP, default_timeout=20)
    other.query_params["desk"] = given
    other.run()
    other.switch_page(NEW).run()
    assert other.text_input(key="order.customer_name").value == ""
    assert other.session_state["desk.key"] not in (at.session_state["desk.key"], given)
    assert other.text_input(key="operator").value == ""


def test_a_link_opened_in_another_browser_starts_blank_and_leaves_the_draft_alone(
    sandbox: Sandbox, client: Client
) -> None:
    """A copied address, or one an attacker made, carries a key: only the browser that typed gets it back."""
    at = fill(open_page(NEW), customer_name="Asha Traders", city="Pune")
    mine = at.session_state["desk.key"]

    client.cookies["_streamlit_xsrf"] = OTHER_BROWSER  # a colleague opens the link
    theirs = reopened(at)
    assert theirs.text_input(key="operator").value == ""
    assert theirs.text_input(key="order.customer_name").value == ""
    assert theirs.session_state["desk.key"] != mine
    assert theirs.query_params["desk"] == theirs.session_state["desk.key"]  # a fresh key in the address
    fill(theirs, customer_name="Ravi Stores").text_input(key="operator").input("Imran").run()

    client.cookies["_streamlit_xsrf"] = SAME_BROWSER  # the first browser, after a refresh
    again = reopened(at, desk=mine)
    assert again.session_state["desk.key"] == mine
    assert again.text_input(key="operator").value == "Meera"
    assert again.text_input(key="order.customer_name").value == "Asha Traders"
    assert again.text_input(key="order.city").value == "Pune"


def test_without_a_browser_cookie_nothing_is_kept_across_sessions(
    sandbox: Sandbox, client: Client, tmp_path: Path
) -> None:
    """XSRF protection off: no browser can be told apart, so none is given what another typed."""
    client.cookies.clear()
    at = fill(open_page(NEW), customer_name="Asha Traders")
    assert "desk" not in at.query_params
    again = reopened(at)
    assert again.text_input(key="order.customer_name").value == ""
    assert again.text_input(key="operator").value == ""
    assert kept_rows(tmp_path) == []


def test_after_an_order_went_through_a_refresh_starts_a_fresh_form(sandbox: Sandbox) -> None:
    at = submit(filled_order(open_page(NEW)))
    assert "Kapture took the order." in texts(at)
    again = reopened(at)
    assert again.text_input(key="order.customer_name").value == ""
    assert again.text_input(key="operator").value == "Meera"  # the name stays


def test_a_refused_order_is_still_there_after_a_refresh(sandbox: Sandbox) -> None:
    sandbox.set_faults(mode="failed_200", times=1)
    at = submit(filled_order(open_page(NEW)))
    assert "Kapture did not take the order." in texts(at)
    assert reopened(at).text_input(key="order.customer_name").value == "Asha Traders"


def test_a_refresh_keeps_the_changes_to_an_order_being_updated(sandbox: Sandbox) -> None:
    at = submit(filled_order(open_page(NEW)))
    order_id = str(sandbox.state.orders()[0].order_id)
    at.button(key="order.go_update").click().run()
    at.switch_page(UPDATE).run()
    fill(at, ns="update", city="Mysuru")
    again = reopened(at, UPDATE)
    assert again.text_input(key="update.order_id").value == order_id
    assert again.text_input(key="update.city").value == "Mysuru"
    assert "as they were before the page was reloaded" in texts(again)


def test_submitting_again_after_an_order_went_through_asks_first(sandbox: Sandbox) -> None:
    """A typo fixed after the success card and Submit again would make a second order: asked first."""
    at = submit(filled_order(open_page(NEW)))
    first = str(sandbox.state.orders()[0].order_id)
    at.text_area(key="order.order_remarks").input("fixed typo").run()
    submit(at)
    assert f"Kapture already took this form's order as order {first}." in texts(at)
    assert len(sandbox.state.requests) == 1
    at.button(key="order.second").click().run()
    assert len(sandbox.state.requests) == 2
    assert "Kapture took the order." in texts(at) and "already took" not in texts(at)


def test_after_an_order_went_through_the_question_offers_to_update_it(sandbox: Sandbox) -> None:
    at = submit(submit(filled_order(open_page(NEW))))
    order_id = str(sandbox.state.orders()[0].order_id)
    assert "already took this form's order" in texts(at)
    at.button(key="order.second_update").click().run()
    at.switch_page(UPDATE).run()  # AppTest reruns the page it was told, not the one the app switched to
    assert at.text_input(key="update.order_id").value == order_id
    assert len(sandbox.state.requests) == 1


def test_a_setup_mistake_tells_staff_who_can_fix_it_and_sends_nothing(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAPTURE_BASE_URL", sandbox.url.replace("http://", "http://who:s3cret@"))
    at = submit(filled_order(open_page(NEW)))
    shown = texts(at)
    assert "Nothing was sent. Order Desk is not set up right: ask whoever looks after it" in shown
    assert "s3cret" not in shown
    assert len(sandbox.state.requests) == 0
