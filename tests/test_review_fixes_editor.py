"""Review fixes (issue 11 follow-ups) in the payload editor, as Streamlit runs it: warnings show field
names as code, every text about request headers is true, and the code snippets carry them."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from sandbox import Sandbox
from services.journal import Journal
from tests.test_order_pages import app_env, read  # noqa: F401 - autouse
from tests.test_qa_pages import EDITOR, WITH_WARNINGS, click, journal_of_test, open_qa, rows_of, type_text  # noqa: F401

# --- the payload editor's warnings ---------------------------------------------------------------


def _warnings(at: AppTest) -> list[str]:
    """The warnings' markdown exactly as Streamlit gets it (not unescaped: that hid the bug)."""
    return [str(m.value) for m in at.markdown if str(m.value).startswith("- ")]


def test_field_names_in_warnings_show_as_code_not_as_backticks() -> None:
    at = type_text(open_qa(EDITOR), WITH_WARNINGS)
    warnings = _warnings(at)
    assert (
        "- **Line 2** · `emial_id` is not a documented field of customer\\_info\\: did you mean `email_id`\\?"
        in warnings
    ), warnings
    assert not [w for w in warnings if "\\`" in w], warnings  # an escaped backtick shows as a backtick


def test_a_field_name_in_a_warning_cannot_become_markup() -> None:
    """A payload's keys are outside text: in a code span a link or an image is just characters."""
    hostile = '{"customer_info": {"customer_name": "A", "[x](https://evil.example)": 1, "a`b": 2}}'
    warnings = _warnings(type_text(open_qa(EDITOR), hostile))
    linked = [w for w in warnings if "evil" in w]
    assert linked == [
        "- **Line 1** · `[x](https://evil.example)` is not a documented field of customer\\_info "
        "\\(Kapture may ignore it\\)"
    ], warnings
    (ticked,) = [w for w in warnings if "a\\`b" in w or "a`b" in w]
    assert ticked.startswith("- **Line 1** · \\`a\\`b\\` is not a documented field"), ticked


# --- the editor's request headers: every text about them true, and in the snippets -----------------


def test_the_authorization_refusal_does_not_claim_headers_are_logged() -> None:
    at = open_qa(EDITOR)
    at.text_area(key="editor.headers").input("Authorization: Basic ZGVtbzpzYW5kYm94").run()
    (error,) = [read(e.value) for e in at.error]
    assert "Authorization is set by Order Desk from the connection's login" in error
    assert not re.search(r"\b(log|journal)\b", error.lower()), error  # headers are never journaled


def test_typed_headers_go_to_kapture_not_into_the_log_as_the_editor_says(
    sandbox: Sandbox,
    journal_of_test: Journal,  # noqa: F811
) -> None:
    at = open_qa(EDITOR)
    at.text_area(key="editor.headers").input("X-Qa-Key: qa-secret-4242").run()
    (said,) = [read(c.value) for c in at.caption if "Name: value" in read(c.value)]
    assert "the submission log does not keep them" in said
    click(at, "editor.send")
    (request,) = sandbox.state.requests
    assert request.headers.get("X-Qa-Key") == "qa-secret-4242"
    (row,) = rows_of(journal_of_test)
    stored = repr(row)  # every column the log keeps
    assert "qa-secret-4242" not in stored and "X-Qa-Key" not in stored


def test_the_snippets_carry_the_typed_headers_and_never_the_login() -> None:
    at = open_qa(EDITOR)
    at.text_area(key="editor.headers").input("X-Request-Id: qa-42\nauthorization: Basic c2VjcmV0").run()
    curl, python, node = (c.value for c in at.code[-3:])
    assert "--header 'X-Request-Id: qa-42'" in curl
    assert "'X-Request-Id': 'qa-42'," in python
    assert '"X-Request-Id": "qa-42",' in node
    for code in (curl, python, node):
        assert "c2VjcmV0" not in code  # the refused line is left out, its value never shown
        assert "KAPTURE_TOKEN" in code
    assert any("Header lines with a problem are left out." in read(c.value) for c in at.caption)
