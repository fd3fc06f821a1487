"""The QA pages (payload editor, variant suites, compare) as Streamlit runs them, against a real sandbox."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from kapture import basic_token
from kapture.jsontext import minify, pretty
from kapture.models import vendor_example
from kapture.variants import generate_negatives
from sandbox import DEMO_PASSWORD, DEMO_USERNAME, Sandbox
from services import suites
from services.journal import Journal, open_journal
from services.templates import BUILT_IN
from storage import submissions
from storage import templates as stored_templates
from storage.models import Submission
from storage.submissions import SubmissionFilter
from tests.test_order_pages import NEW, UPDATE, app_env, fill, open_page, read, texts  # noqa: F401 - autouse

EDITOR, SUITES, COMPARE = "views/payload_editor.py", "views/suites.py", "views/compare.py"

# A missing comma at the end of line 3: the problem is reported where the comma belongs.
MISSING_COMMA = (
    '{\n  "customer_info": {\n    "customer_name": "Asha Traders"\n    "phone": "9845012345"\n  }\n}\n'
)
MISSING_COMMA_LINE = '    "customer_name": "Asha Traders"'
# Valid JSON, odd spacing on purpose, a misspelt key and a phone typed as a number.
WITH_WARNINGS = (
    '{ "customer_info" :{"customer_name":   "Asha Traders",\n'
    '\t"emial_id": "orders@asha.example", "phone": 9845012345 } ,\n'
    '  "contact_info": [ ], "enquiry_info": {}, "order_info": {"remarks":"odd  spacing"}}'
)


@pytest.fixture
def journal_of_test() -> Iterator[Journal]:
    """The journal the app writes to in this test (the database app_env points it at)."""
    opened = open_journal(os.environ["KAPTURE_DATABASE_URL"], pending_grace=timedelta(minutes=5))
    yield opened
    opened.close()


# --- helpers -----------------------------------------------------------------------------------


def open_qa(page: str) -> AppTest:
    at = open_page(page)
    at.default_timeout = 30  # these pages send to the sandbox
    return at


def type_text(at: AppTest, text: str) -> AppTest:
    at.text_area(key="editor.text").input(text).run()
    assert not at.exception
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception
    return at


def editor_text(at: AppTest) -> str:
    return at.text_area(key="editor.text").value


def warnings_listed(at: AppTest) -> list[str]:
    return [read(str(m.value)) for m in at.markdown if str(m.value).startswith("- ")]


def all_element_text(at: AppTest) -> str:
    """Every element's protobuf, main area and sidebar: whatever the page would put in the HTML."""
    found: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return "\n".join(found)


def rows_of(journal: Journal, **where: Any) -> list[Submission]:
    with journal.sessions() as session:
        return list(submissions.stream(session, SubmissionFilter(**where)))


def template_names(journal: Journal) -> list[str]:
    with journal.sessions() as session:
        return [t.name for t in stored_templates.all_templates(session)]


# --- payload editor ------------------------------------------------------------------------------


def test_a_syntax_error_points_at_line_and_column_and_blocks_sending(sandbox: Sandbox) -> None:
    at = type_text(open_qa(EDITOR), MISSING_COMMA)

    (error,) = [read(e.value) for e in at.error]
    assert "This is not valid JSON." in error
    assert f"Line 3, column {len(MISSING_COMMA_LINE) + 1}:" in error
    assert "a comma is missing" in error
    assert at.code[0].value == MISSING_COMMA_LINE + "\n" + " " * len(MISSING_COMMA_LINE) + "^"
    assert at.button(key="editor.send").disabled
    assert at.button(key="editor.format").disabled
    at.run()  # a rerun (any widget change) does not send either
    assert len(sandbox.state.requests) == 0


def test_the_editor_asks_for_a_name_before_sending(sandbox: Sandbox) -> None:
    at = open_page(EDITOR, operator="")
    at.default_timeout = 30
    click(at, "editor.send")
    assert "Enter your name in **Your name**" in texts(at)
    assert len(sandbox.state.requests) == 0
    at.text_input(key="operator").input("Meera").run()
    click(at, "editor.send")
    assert len(sandbox.state.requests) == 1


def test_field_warnings_are_listed_but_the_text_is_sent_byte_for_byte(sandbox: Sandbox) -> None:
    at = type_text(open_qa(EDITOR), WITH_WARNINGS)

    listed = "\n".join(warnings_listed(at))
    assert "`emial_id`" in listed
    assert "did you mean `email_id`?" in listed
    assert "`phone` should be text" in listed
    assert "not a number" in listed
    assert not at.error
    assert not at.button(key="editor.send").disabled

    click(at, "editor.send")

    assert [request.body for request in sandbox.state.requests] == [WITH_WARNINGS.encode()]
    shown = texts(at)
    assert ":green-badge[success] · HTTP 200" in shown
    assert "journal entry #1" in shown
    assert f"order id `{sandbox.state.orders()[0].order_id}`" in shown


def test_invalid_json_goes_out_only_with_the_raw_opt_in_and_is_sent_as_typed(sandbox: Sandbox) -> None:
    at = type_text(open_qa(EDITOR), MISSING_COMMA)
    at.checkbox(key="editor.raw").check().run()
    assert not at.button(key="editor.send").disabled

    click(at, "editor.send")

    assert [request.body for request in sandbox.state.requests] == [MISSING_COMMA.encode()]
    shown = texts(at)
    assert ":red-badge[rejected] · HTTP 400" in shown
    assert "journal entry #1" in shown
    assert "Kapture said: “Malformed JSON request body”" in shown


def test_the_answer_shows_outcome_status_and_journal_entry_of_a_failure(
    sandbox: Sandbox, journal_of_test: Journal
) -> None:
    sandbox.set_faults(mode="http_500_html")
    at = click(open_qa(EDITOR), "editor.send")  # the built-in template as it is

    shown = texts(at)
    assert ":orange-badge[HTTP error] · HTTP 500" in shown
    (row,) = rows_of(journal_of_test)
    assert f"journal entry #{row.id}" in shown
    assert row.source == "editor"
    assert row.template == BUILT_IN
    assert row.operator == "Meera"
    assert "500 Internal Server Error" in at.code[0].value  # the answer's body, not JSON, shown raw


def test_format_and_minify_rewrite_the_text() -> None:
    at = type_text(open_qa(EDITOR), '{"customer_info":{"customer_name":"आशा","tags":[1, 2]}}')
    value = json.loads(editor_text(at))

    click(at, "editor.format")
    assert editor_text(at) == pretty(value)
    assert editor_text(at).splitlines()[1] == '  "customer_info": {'
    assert "आशा" in editor_text(at)  # kept as typed, not \u-escaped

    click(at, "editor.minify")
    assert editor_text(at) == '{"customer_info":{"customer_name":"आशा","tags":[1,2]}}'
    assert editor_text(at) == minify(value)


def test_remove_comments_strips_vendor_style_comments(sandbox: Sandbox) -> None:
    commented = (
        "{\n"
        "  // customer details as the vendor's sample has them\n"
        '  "customer_info": {"customer_name": "Asha // Traders"}, // trailing note\n'
        '  "order_info": {}\n'
        "}"
    )
    at = type_text(open_qa(EDITOR), commented)
    assert "comments (// …) are not allowed in JSON" in read(at.error[0].value)
    assert at.button(key="editor.send").disabled

    click(at, "editor.strip")

    stripped = editor_text(at)
    assert "// customer" not in stripped
    assert "trailing note" not in stripped
    assert json.loads(stripped) == {
        "customer_info": {"customer_name": "Asha // Traders"},  # inside a string: not a comment
        "order_info": {},
    }
    assert not at.error
    assert not at.button(key="editor.send").disabled


def test_templates_are_saved_loaded_renamed_and_deleted(journal_of_test: Journal) -> None:
    smoke = '{"customer_info": {"customer_name": "Smoke Test"}}'
    at = type_text(open_qa(EDITOR), smoke)
    at.text_input(key="editor.save_name").input("Smoke order")
    at.text_input(key="editor.save_description").input("One field only").run()

    click(at, "editor.save")

    assert "Saved as “Smoke order”." in texts(at)
    assert at.selectbox(key="editor.template").options == [BUILT_IN, "Smoke order"]
    assert at.selectbox(key="editor.template").value == "Smoke order"
    assert template_names(journal_of_test) == ["Smoke order"]

    type_text(at, '{"something": "else"}')
    click(at, "editor.load")
    assert editor_text(at) == smoke

    at.text_input(key="editor.save_name").input("Smoke order v2").run()
    click(at, "editor.rename")
    assert "Renamed to “Smoke order v2”." in texts(at)
    assert at.selectbox(key="editor.template").options == [BUILT_IN, "Smoke order v2"]
    assert template_names(journal_of_test) == ["Smoke order v2"]

    click(at, "editor.delete")
    assert "Deleted “Smoke order v2”." in texts(at)
    assert at.selectbox(key="editor.template").options == [BUILT_IN]
    assert at.selectbox(key="editor.template").value == BUILT_IN
    assert template_names(journal_of_test) == []


def test_a_template_named_with_braces_is_deleted_with_a_plain_message(journal_of_test: Journal) -> None:
    at = type_text(open_qa(EDITOR), '{"customer_info": {"customer_name": "Asha"}}')
    at.text_input(key="editor.save_name").input("Asha {order} {0}").run()
    click(at, "editor.save")
    assert "Saved as “Asha {order} {0}”." in texts(at)

    click(at, "editor.delete")  # the name is in the message: it is not a format string

    assert "Deleted “Asha {order} {0}”." in texts(at)
    assert template_names(journal_of_test) == []
    assert at.selectbox(key="editor.template").value == BUILT_IN


def test_the_built_in_template_cannot_be_overwritten_or_deleted(journal_of_test: Journal) -> None:
    at = type_text(open_qa(EDITOR), '{"customer_info": {}}')
    at.text_input(key="editor.save_name").input(BUILT_IN).run()

    click(at, "editor.save")
    assert "The built-in template cannot be changed: save under another name." in [
        read(e.value) for e in at.error
    ]
    assert template_names(journal_of_test) == []

    click(at, "editor.delete")
    assert "The built-in template cannot be deleted." in [read(e.value) for e in at.error]
    click(at, "editor.load")
    assert json.loads(editor_text(at)) == vendor_example()


def test_the_same_text_is_not_sent_twice_until_send_again(sandbox: Sandbox) -> None:
    at = click(open_qa(EDITOR), "editor.send")
    first = sandbox.state.orders()[0].order_id
    assert len(sandbox.state.requests) == 1

    click(at, "editor.send")

    assert len(sandbox.state.requests) == 1
    assert "Already sent: this is its answer." in texts(at)
    assert f"order id `{first}`" in texts(at)

    click(at, "editor.resend")  # it went through: asked first, naming the order it would repeat

    assert len(sandbox.state.requests) == 1
    (asked,) = [read(w.value) for w in at.warning if "second order" in w.value]
    assert f"Kapture made order `{first}`" in asked
    assert "Kapture may make a second order" in asked
    click(at, "editor.again_no")
    assert not [w for w in at.warning if "second order" in w.value]
    assert len(sandbox.state.requests) == 1
    click(at, "editor.resend")
    click(at, "editor.again_yes")

    assert len(sandbox.state.requests) == 2
    assert sandbox.state.requests[1].body == sandbox.state.requests[0].body
    second = sandbox.state.orders()[1].order_id
    assert f"order id `{second}`" in texts(at)
    assert "Already sent" not in texts(at)


def test_the_same_payload_respaced_asks_before_sending_again(sandbox: Sandbox) -> None:
    at = type_text(open_qa(EDITOR), '{"customer_info": {"customer_name": "Asha"}}')
    click(at, "editor.send")
    type_text(at, '{"customer_info":{"customer_name":"Asha"}}')  # same payload, new text

    click(at, "editor.send")

    assert len(sandbox.state.requests) == 1
    assert "**Not sent yet.** An identical order was sent to this Kapture at" in texts(at)
    assert "(entry #1) and Kapture took it as **order" in texts(at)
    click(at, "editor.send_again")
    assert [r.body for r in sandbox.state.requests][-1] == b'{"customer_info":{"customer_name":"Asha"}}'
    assert len(sandbox.state.requests) == 2


def test_code_snippets_name_the_sandbox_and_never_hold_the_credential(sandbox: Sandbox) -> None:
    at = click(open_qa(EDITOR), "editor.send")  # an answer on the page too: headers, body
    snippets = [code.value for code in at.code if "KAPTURE_TOKEN" in code.value]

    assert len(snippets) == 3  # curl, Python, Node
    for snippet in snippets:
        assert f"{sandbox.url}/ms/customer/order/api/v1/add-update" in snippet
    secret = basic_token(DEMO_USERNAME, DEMO_PASSWORD)
    assert sandbox.state.requests[0].headers["Authorization"] == f"Basic {secret}"  # the real one
    page = all_element_text(at)
    assert sandbox.url in page and "Your name" in page  # the walk sees the main area and the sidebar
    assert secret not in page
    assert f"{DEMO_USERNAME}:{DEMO_PASSWORD}" not in page


# --- order form <-> payload editor --------------------------------------------------------------


def test_an_order_from_the_form_opens_in_the_editor() -> None:
    at = fill(open_qa(NEW), customer_name="Asha Traders", phone="+91 98450 12345", city="Pune")

    at.button(key="order.to_editor").click().run()
    at.switch_page(EDITOR)  # AppTest reruns the page it was told, not the one the app switched to
    at.run()

    assert at.title[0].value == "Payload editor"
    sent = json.loads(editor_text(at))
    assert sent["customer_info"]["customer_name"] == "Asha Traders"
    assert sent["customer_info"]["city"] == "Pune"
    assert sent["contact_info"][0]["contact_person_phone"].replace(" ", "").endswith("9845012345")


def test_a_payload_the_form_can_show_opens_in_the_order_form() -> None:
    at = fill(open_qa(NEW), customer_name="Asha Traders", phone="+91 98450 12345")
    at.button(key="order.to_editor").click().run()
    at.switch_page(EDITOR)
    at.run()
    edited = json.loads(editor_text(at))
    edited["customer_info"]["customer_name"] = "Ravi Stores"
    edited["order_info"]["payment_mode"] = "UPI"
    type_text(at, pretty(edited))

    at.button(key="editor.to_form").click().run()
    at.switch_page(NEW)
    at.run()

    assert not at.exception
    assert at.title[0].value == "New order"
    assert at.text_input(key="order.customer_name").value == "Ravi Stores"
    assert at.text_input(key="order.payment_mode").value == "UPI"
    assert at.text_input(key="order.phone").value.replace(" ", "").endswith("9845012345")


def test_the_vendor_example_stays_in_the_editor_with_a_warning() -> None:
    at = click(open_qa(EDITOR), "editor.load")
    assert json.loads(editor_text(at)) == vendor_example()

    click(at, "editor.to_form")

    assert at.title[0].value == "Payload editor"
    # the fields it has no place for, with their lines
    (warning,) = [read(w.value) for w in at.warning if "has no place for" in w.value]
    lines = editor_text(at).splitlines()
    for path, key in (("customer_info.remarks", '"remarks"'), ("contact_info[0].gender", '"gender"')):
        line = next(n for n, text in enumerate(lines, 1) if key in text)
        assert f"`{path}` (line {line})" in warning
    assert "`customer_info.customer_name`" not in warning  # the form has a box for it
    assert json.loads(editor_text(at)) == vendor_example()


# --- variant suites ------------------------------------------------------------------------------


def suite_rows(at: AppTest) -> dict[str, str]:
    """Variant name -> row id, as the page holds them."""
    return {at.session_state[f"suite.{row}.name"]: row for row in at.session_state["suite.rows"]}


def results_header(at: AppTest) -> str:
    return next(h.value for h in at.subheader if str(h.value).startswith("Results:"))


def run_suite(at: AppTest) -> str:
    click(at, "suite.run")
    return at.session_state["suite.run_id"]


def test_a_suite_of_negatives_is_built_saved_run_compared_and_journaled(
    sandbox: Sandbox, journal_of_test: Journal
) -> None:
    proposed = generate_negatives(vendor_example())
    at = open_qa(SUITES)
    click(at, "suite.base_vendor")
    assert json.loads(at.text_area(key="suite.base").value) == vendor_example()
    click(at, "suite.generate")
    assert len([c for c in at.checkbox if str(c.key).startswith("suite.proposal.")]) == len(proposed)
    click(at, "suite.keep")
    assert list(suite_rows(at)) == [v.name for v in proposed]
    at.text_input(key="suite.name").input("Vendor negatives").run()
    click(at, "suite.save")
    assert "Saved “Vendor negatives”." in texts(at)

    # Run 1: the sandbox answers as every expectation says.
    first_run = run_suite(at)
    results = at.dataframe[0].value
    assert list(results["variant"]) == [v.name for v in proposed]
    assert list(results["result"]) == ["pass"] * len(proposed)
    assert results_header(at) == f"Results: {len(proposed)} of {len(proposed)} passed"
    assert "This is the suite's first run: nothing to compare with yet." in texts(at)
    assert len(sandbox.state.requests) == len(proposed)

    # Run 2: one expectation made wrong on purpose.
    wrong = "customer_info.customer_name removed"
    at.selectbox(key=f"suite.{suite_rows(at)[wrong]}.expected").select("success").run()
    second_run = run_suite(at)
    results = at.dataframe[0].value
    failed = results[results["result"] == "FAIL"]
    assert list(failed["variant"]) == [wrong]
    assert list(failed["actual"]) == ["rejected"]
    assert results_header(at) == f"Results: {len(proposed) - 1} of {len(proposed)} passed"
    assert "Compared with the previous run" in [e.label for e in at.expander]
    against = at.dataframe[1].value
    assert list(against["variant"]) == [v.name for v in proposed]
    assert set(against["changes"]) == {"none"}  # only ids differ, and they are ignored

    # Run 3: Kapture refuses everything (200 with "failed"): what expects success fails.
    sandbox.set_faults(mode="failed_200")
    third_run = run_suite(at)
    expect_success = {v.name for v in proposed if v.expected == "success"} | {wrong}
    results = at.dataframe[0].value
    assert set(results[results["result"] == "FAIL"]["variant"]) == expect_success
    passed = len(proposed) - len(expect_success)
    assert results_header(at) == f"Results: {passed} of {len(proposed)} passed"
    against = at.dataframe[1].value.set_index("variant")
    assert against.loc["customer_info.customer_name in non-Latin scripts", "before"] == "success"
    assert against.loc["customer_info.customer_name in non-Latin scripts", "now"] == "rejected"
    assert against.loc["customer_info removed", "changes"] == "changed message"

    # Every send is in the journal, one run id per run.
    assert len({first_run, second_run, third_run}) == 3
    for run_id in (first_run, second_run, third_run):
        rows = rows_of(journal_of_test, run_id=run_id)
        assert sorted(row.variant for row in rows) == sorted(v.name for v in proposed)
        assert {(row.source, row.template) for row in rows} == {("suite", "Vendor negatives")}
    assert len(rows_of(journal_of_test)) == 3 * len(proposed)


def test_a_saved_suite_reopens_with_its_variants() -> None:
    proposed = generate_negatives(vendor_example())
    at = open_qa(SUITES)
    click(at, "suite.generate")
    at.checkbox(key="suite.proposal.0").uncheck().run()  # not every proposal is kept
    click(at, "suite.keep")
    at.text_input(key="suite.name").input("Kept ones").run()
    at.text_input(key="suite.description").input("all but the first").run()
    click(at, "suite.save")

    again = open_qa(SUITES)  # another browser session
    assert again.selectbox(key="suite.pick").options == ["(a new suite)", "Kept ones"]
    again.selectbox(key="suite.pick").select("Kept ones").run()
    click(again, "suite.open")

    assert again.text_input(key="suite.name").value == "Kept ones"
    assert again.text_input(key="suite.description").value == "all but the first"
    assert json.loads(again.text_area(key="suite.base").value) == vendor_example()
    reopened = [
        (
            again.session_state[f"suite.{row}.name"],
            again.session_state[f"suite.{row}.expected"],
            json.loads(again.session_state[f"suite.{row}.patch"]),
        )
        for row in again.session_state["suite.rows"]
    ]
    assert reopened == [(v.name, v.expected, v.patch) for v in proposed[1:]]
    assert not again.button(key="suite.run").disabled


# --- compare -------------------------------------------------------------------------------------


def paste(at: AppTest, before: str, after: str) -> AppTest:
    at.text_area(key="compare.before.text").input(before)
    at.text_area(key="compare.after.text").input(after).run()
    assert not at.exception
    return at


def differences(at: AppTest) -> list[tuple[str, str]]:
    table = at.dataframe[0].value
    return list(zip(table["path"], table["change"], strict=True))


def test_two_payloads_differ_by_path_and_kind() -> None:
    before = {"customer_info": {"customer_name": "Asha", "phone": "98450"}, "order_info": {"remarks": "x"}}
    after = {
        "customer_info": {"customer_name": "Asha Traders", "email_id": "a@asha.example"},
        "order_info": {"remarks": "x"},
    }
    at = paste(open_qa(COMPARE), json.dumps(before), pretty(after))

    assert at.subheader[-1].value == "3 difference(s)"
    assert differences(at) == [
        ("customer_info.customer_name", "changed"),
        ("customer_info.email_id", "added"),
        ("customer_info.phone", "removed"),
    ]
    table = at.dataframe[0].value.set_index("path")
    assert (
        table.loc["customer_info.customer_name", "before"],
        table.loc["customer_info.customer_name", "after"],
    ) == (
        "Asha",
        "Asha Traders",
    )


def test_answers_differing_only_in_the_order_id_are_the_same_unless_ids_count() -> None:
    answer = {"status": "success", "message": "Order Added successfully !", "Order": {"order_id": 23518266}}
    other = json.loads(json.dumps(answer))
    other["Order"]["order_id"] = 23518267
    at = paste(open_qa(COMPARE), json.dumps(answer), json.dumps(other))

    assert "No differences (ids and timestamps ignored)." in texts(at)
    assert not at.dataframe

    at.checkbox(key="compare.ignore").uncheck().run()

    assert at.subheader[-1].value == "1 difference(s)"
    assert differences(at) == [("Order.order_id", "changed")]


def test_a_side_is_filled_from_a_journal_entry(sandbox: Sandbox) -> None:
    at = type_text(open_qa(EDITOR), '{"customer_info": {"customer_name": "From The Journal"}}')
    click(at, "editor.send")
    answer = sandbox.state.orders()[0]
    at.switch_page(COMPARE)
    at.run()

    at.selectbox(key="compare.before.source").select("Journal entry").run()
    at.number_input(key="compare.before.entry").set_value(1).run()
    click(at, "compare.before.fill")
    filled = json.loads(at.text_area(key="compare.before.text").value)
    assert filled["Order"]["order_id"] == answer.order_id
    assert filled["status"] == "success"

    at.selectbox(key="compare.after.source").select("Journal entry").run()
    at.number_input(key="compare.after.entry").set_value(1).run()
    at.radio(key="compare.after.part").set_value("request").run()
    click(at, "compare.after.fill")
    assert at.text_area(key="compare.after.text").value == (
        '{"customer_info": {"customer_name": "From The Journal"}}'
    )
    assert at.dataframe  # an answer against a request: plenty differs

    at.number_input(key="compare.after.entry").set_value(99).run()
    click(at, "compare.after.fill")
    assert "There is no journal entry #99." in [e.value for e in at.error]


def test_an_update_payload_opened_in_the_form_is_not_sent_as_a_new_order(sandbox: Sandbox) -> None:
    at = fill(open_qa(NEW), customer_name="Asha Traders", phone="+91 98450 12345")
    click(at, "order.submit")
    order_id = str(sandbox.state.orders()[0].order_id)
    update = {
        "customer_info": {"customer_name": "Asha Traders", "phone": "+91 98450 12345"},
        "order_info": {"order_id": order_id, "update": True, "payment_mode": "UPI"},
    }
    at.switch_page(EDITOR)
    at.run()
    type_text(at, pretty(update))

    at.button(key="editor.to_form").click().run()
    if at.title[0].value == "Payload editor":  # kept in the editor, with a word why: fine
        assert at.warning
        return
    page = UPDATE if at.title[0].value == "Update order" else NEW
    at.switch_page(page)
    at.run()
    ns = "update" if page == UPDATE else "order"
    click(at, f"{ns}.submit")
    assert len(sandbox.state.orders()) == 1, "the update payload created a second order"
    sent = json.loads(sandbox.state.requests[-1].body)["order_info"]
    assert (str(sent["order_id"]), sent["update"]) == (order_id, True)


def test_a_date_the_form_cannot_show_keeps_the_payload_in_the_editor() -> None:
    payload = {  # a date as people write it here; the form's date box takes YYYY-MM-DD only
        "customer_info": {"customer_name": "Asha Traders", "phone": "9845012345"},
        "order_info": {"invoice_no": "INV-7", "invoice_date": "27/11/2026"},
    }
    at = type_text(open_qa(EDITOR), pretty(payload))

    at.button(key="editor.to_form").click().run()

    if at.title[0].value == "Payload editor":  # kept in the editor, with a word why: fine
        assert any("`order_info.invoice_date` (line" in read(w.value) for w in at.warning)
        return
    at.switch_page(NEW)
    at.run()
    assert at.text_input(key="order.invoice_no").value == "INV-7"
    assert at.date_input(key="order.invoice_date").value is not None, "the invoice date was dropped"


def test_a_variant_whose_patch_is_not_json_is_not_dropped_silently(journal_of_test: Journal) -> None:
    at = open_qa(SUITES)
    for _ in range(2):
        click(at, "suite.add")
    first, second = at.session_state["suite.rows"]
    at.text_input(key=f"suite.{first}.name").input("good")
    at.text_input(key=f"suite.{second}.name").input("broken")
    at.text_area(key=f"suite.{second}.patch").input('{"customer_info": {"phone": }}')
    at.text_input(key="suite.name").input("Two variants").run()
    assert any("“broken”: the patch is not valid JSON." in read(e.value) for e in at.error)

    if not at.button(key="suite.save").disabled:
        click(at, "suite.save")
    if "Two variants" in suites.names(journal_of_test):
        saved = [v.name for v in suites.load(journal_of_test, "Two variants").variants]
        assert saved == ["good", "broken"], f"saved without the broken variant: {saved}"


@pytest.mark.parametrize("text", ["[" * 50_000, '{"phone": ' + "9" * 5_000 + "}"])
def test_json_too_deep_or_too_long_is_a_problem_not_a_crash(text: str, sandbox: Sandbox) -> None:
    at = type_text(open_qa(EDITOR), text)
    assert "This is not valid JSON." in texts(at)
    assert at.text_area(key="editor.text")  # the text box is still there to fix the text
    assert at.button(key="editor.send").disabled
    assert len(sandbox.state.requests) == 0


def test_a_suite_run_records_who_ran_it(journal_of_test: Journal, sandbox: Sandbox) -> None:
    at = open_qa(SUITES)
    click(at, "suite.generate")
    click(at, "suite.keep")
    at.text_input(key="suite.name").input("Who ran it").run()
    run_suite(at)
    run_ids = {row.run_id for row in rows_of(journal_of_test) if row.source == "suite"}
    (run_id,) = run_ids
    assert {row.operator for row in rows_of(journal_of_test, run_id=run_id)} == {"Meera"}


def test_opening_a_suite_deleted_meanwhile_says_so(journal_of_test: Journal) -> None:
    at = open_qa(SUITES)
    click(at, "suite.add")
    at.text_input(key="suite.name").input("Short lived").run()
    click(at, "suite.save")
    other = open_qa(SUITES)  # another session still lists it
    other.selectbox(key="suite.pick").select("Short lived").run()
    at.checkbox(key="suite.delete_sure").check().run()
    click(at, "suite.delete")
    assert "Deleted “Short lived”." in texts(at)

    click(other, "suite.open")
    assert "There is no suite named “Short lived”." in texts(other)


def test_saving_a_new_suite_under_a_saved_name_asks_first(journal_of_test: Journal) -> None:
    first = open_qa(SUITES)
    click(first, "suite.generate")
    click(first, "suite.keep")
    first.text_input(key="suite.name").input("Shared name").run()
    click(first, "suite.save")

    second = open_qa(SUITES)  # a new suite, not opened from the saved one
    click(second, "suite.add")
    second.text_input(key="suite.name").input("Shared name").run()
    click(second, "suite.save")
    assert "A suite named “Shared name” is already saved. Replace it with this one?" in texts(second)
    again = open_qa(SUITES)
    again.selectbox(key="suite.pick").select("Shared name").run()
    click(again, "suite.open")
    assert len(again.session_state["suite.rows"]) > 1  # not replaced yet

    click(second, "suite.replace")
    assert "Saved “Shared name”." in texts(second)


def test_variants_with_the_same_name_block_save_and_run(journal_of_test: Journal) -> None:
    at = open_qa(SUITES)
    click(at, "suite.add")
    click(at, "suite.add")
    at.text_input(key="suite.name").input("Twins").run()
    assert "Every variant needs its own name" in texts(at)
    assert at.button(key="suite.save").disabled
    assert at.button(key="suite.run").disabled
