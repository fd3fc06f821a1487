"""Issue 11's QA items as Streamlit runs them (AppTest): line numbers, warnings by line, request
headers, "Send again" that asks, side-by-side text diff, variant panels and expectations by strength."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from kapture.jsontext import pretty
from kapture.models import vendor_example
from sandbox import Sandbox
from tests.test_order_pages import app_env, read, texts  # noqa: F401 - autouse
from tests.test_qa_pages import COMPARE, EDITOR, SUITES, WITH_WARNINGS, click, open_qa, suite_rows, type_text


def gutter(at: AppTest) -> str:
    (html,) = [h.proto.body for h in at.get("html") if h.proto.body.startswith('<div class="editor-gutter"')]
    return html


def listed(at: AppTest) -> list[str]:
    return [read(str(m.value)) for m in at.markdown if str(m.value).startswith("- ")]


# --- the editor ----------------------------------------------------------------------------------


def test_the_text_has_a_line_number_for_each_line() -> None:
    at = type_text(open_qa(EDITOR), '{\n  "customer_info": {}\n}')
    assert gutter(at) == '<div class="editor-gutter" aria-hidden="true">1<br>2<br>3</div>'
    type_text(at, pretty(vendor_example()))
    assert gutter(at).count("<br>") == pretty(vendor_example()).count("\n")


def test_each_warning_names_the_line_its_field_is_on() -> None:
    at = type_text(open_qa(EDITOR), WITH_WARNINGS)
    warnings = listed(at)
    assert any(w.startswith("- **Line 2** · `emial_id`") for w in warnings), warnings
    assert any(w.startswith("- **Line 2** · `phone` should be text") for w in warnings), warnings
    text = pretty({"customer_info": {"customer_name": "A"}, "order_info": {"update": True, "remarks": ""}})
    at = type_text(at, text)
    # The missing order id is pointed at the section that lacks it; missing sections have no line.
    assert "- **Line 5** · an update needs order_info.order_id" in listed(at)
    assert "- contact_info is missing: the vendor's example always sends it" in listed(at)


def test_a_header_named_authorization_is_refused_in_plain_words_and_nothing_is_sent(sandbox: Sandbox) -> None:
    at = open_qa(EDITOR)
    at.text_area(key="editor.headers").input(
        "X-Request-Id: qa-42\nauthorization: Basic ZGVtbzpzYW5kYm94"
    ).run()
    (error,) = [read(e.value) for e in at.error]
    assert "Line 2: Authorization is set by Order Desk from the connection's login" in error
    assert "ZGVtbzpzYW5kYm94" not in error  # what was typed is not repeated
    assert at.button(key="editor.send").disabled
    assert len(sandbox.state.requests) == 0


def test_extra_headers_reach_kapture_beside_the_login(sandbox: Sandbox) -> None:
    at = open_qa(EDITOR)
    at.text_area(key="editor.headers").input("X-Request-Id: qa-42\ncontent-type: text/plain").run()
    click(at, "editor.send")
    (request,) = sandbox.state.requests
    assert request.headers.get("X-Request-Id") == "qa-42"
    assert request.headers.get("Content-Type") == "text/plain"  # one Content-Type: the one typed
    assert request.headers.get("Authorization", "").startswith("Basic ")  # the login still goes


def test_send_again_after_a_refusal_does_not_ask(sandbox: Sandbox) -> None:
    at = type_text(open_qa(EDITOR), json.dumps({"customer_info": {"customer_name": ""}}))
    click(at, "editor.send")
    assert len(sandbox.state.requests) == 1
    click(at, "editor.resend")  # Kapture refused it: sending it again cannot make a second order
    assert len(sandbox.state.requests) == 2
    assert not [w for w in at.warning if "second order" in w.value]


def test_send_again_after_an_unclear_answer_asks_first(sandbox: Sandbox) -> None:
    sandbox.set_faults(mode="http_500_html", times=1)
    at = click(open_qa(EDITOR), "editor.send")
    click(at, "editor.resend")
    (asked,) = [read(w.value) for w in at.warning if "second order" in w.value]
    assert "Kapture may have made an order from this payload (entry #1)" in asked
    assert len(sandbox.state.requests) == 1


# --- compare -------------------------------------------------------------------------------------


def test_two_payloads_are_shown_side_by_side_line_by_line() -> None:
    at = open_qa(COMPARE)
    at.text_area(key="compare.before.text").input('{"a": 1, "b": {"c": "x"}, "d": [1, 2, 3, 4, 5, 6, 7]}')
    at.text_area(key="compare.after.text").input(
        '{"a": 1, "b": {"c": "y"}, "d": [1, 2, 3, 4, 5, 6, 7]}'
    ).run()
    assert not at.exception
    table = at.dataframe[1].value
    changed = table[table[" "] == "~"]
    assert changed["before"].tolist() == ['    "c": "x"'] and changed["after"].tolist() == ['    "c": "y"']
    assert changed["#"].tolist() == [4] and changed["# "].tolist() == [4]
    assert len(table) == 5  # the change and two lines either side: the rest of the list is left out
    at.toggle(key="compare.only_changes").set_value(False).run()
    assert len(at.dataframe[1].value) == len(
        pretty(json.loads(at.text_area(key="compare.before.text").value)).splitlines()
    )


# --- variant suites ------------------------------------------------------------------------------


def panel(at: AppTest, row: str):  # AppTest's Expander
    (found,) = [e for e in at.expander if e.key == f"suite.{row}.panel"]
    return found


def test_naming_a_new_variant_keeps_its_panel_open_and_its_patch_box_in_it() -> None:
    at = click(open_qa(SUITES), "suite.add")
    (row,) = at.session_state["suite.rows"]
    assert panel(at, row).proto.expanded

    at.text_input(key=f"suite.{row}.name").input("phone as a number").run()

    after = panel(at, row)
    assert after.label == "phone as a number — expect any outcome"
    assert after.proto.expanded, "naming the variant collapsed its panel"
    assert [t.key for t in after.text_area] == [f"suite.{row}.patch"]


def test_generated_negatives_expect_what_the_tenant_answers_and_say_how_sure(sandbox: Sandbox) -> None:
    at = click(open_qa(SUITES), "suite.base_vendor")
    click(at, "suite.generate")
    labels = {c.label for c in at.checkbox if str(c.key).startswith("suite.proposal.")}
    assert "customer\\_info\\.customer\\_name removed — expect failure (strong)" in labels
    assert "customer\\_info\\.individual as text — expect success (weak)" in labels
    assert "Each expects what a lenient tenant answers" in texts(at)

    click(at, "suite.discard")
    sandbox.set_strictness("strict")  # as set on the Sandbox page: proposals follow the sandbox
    click(at, "suite.generate")
    labels = {c.label for c in at.checkbox if str(c.key).startswith("suite.proposal.")}
    assert "customer\\_info\\.individual as text — expect failure (weak)" in labels
    sandbox.set_strictness("lenient")


def test_results_say_which_expectations_are_strong_and_which_weak(sandbox: Sandbox) -> None:
    at = click(open_qa(SUITES), "suite.base_vendor")
    click(at, "suite.generate")
    click(at, "suite.keep")
    rows = suite_rows(at)
    mine = rows["customer_info.customer_name in non-Latin scripts"]
    at.selectbox(key=f"suite.{mine}.expected").select("failure").run()  # changed by QA: now theirs
    at.text_input(key="suite.name").input("Strengths").run()
    click(at, "suite.run")

    results = at.dataframe[0].value.set_index("variant")
    assert results.loc["customer_info.customer_name removed", "expectation"] == "strong"
    assert results.loc["contact_info removed", "expectation"] == "weak"
    assert results.loc["customer_info.customer_name in non-Latin scripts", "expectation"] == "yours"
    assert results.loc["customer_info.customer_name in non-Latin scripts", "result"] == "FAIL"
    assert (
        "only customer_name"
        in results.loc["customer_info.phone and email_id removed", "expectation rests on"]
    )
    summary = texts(at)
    assert "strong: 6 of 6 passed; weak: 13 of 13 passed; yours: 0 of 1 passed" in summary
