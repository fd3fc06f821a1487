"""What the journaled submit records at its edges (found by mutation testing of services/submit.py).

Each test pins something a reviewer or the duplicate guard relies on: the request's digest stays
the same across versions (old rows must still catch a duplicate after an upgrade), the editor's
refusals are journaled like the form's, an update carries its order id into the log, and a phone
is keyed in the journal's own region.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from kapture import KaptureClient, vendor_example
from sandbox import Sandbox
from services.journal import Journal, open_journal
from services.settings import Profile
from services.submit import Context, Status, Submitter, payload_hash
from storage import submissions


def test_the_digest_of_a_json_request_is_its_canonical_text_s_sha256() -> None:
    # The digest is stored with every row: changing how it is made would let a duplicate of an
    # order sent before an upgrade through. Keys sorted, no spaces, letters as themselves.
    data = {"b": "Ünal", "a": [1, {"d": 2, "c": 3}]}
    canonical = '{"a":[1,{"c":3,"d":2}],"b":"Ünal"}'
    assert payload_hash("whatever was typed", data) == hashlib.sha256(canonical.encode()).hexdigest()


def test_the_same_request_spaced_or_ordered_otherwise_has_the_same_digest() -> None:
    typed = '{ "order_info": {"b": 1, "a": 2} }'
    other = '{"order_info":{"a":2,"b":1}}'
    assert payload_hash(typed, json.loads(typed)) == payload_hash(other, json.loads(other))


def test_text_that_is_not_json_is_digested_as_itself() -> None:
    first, second = '{"customer_info": {,}', "not json at all"
    assert payload_hash(first, None) == hashlib.sha256(first.encode()).hexdigest()
    assert payload_hash(first, None) != payload_hash(second, None)
    assert payload_hash('{"x": "\ud83d"', None)  # half an emoji still digests, as itself


def test_a_click_s_token_is_stored_as_given(submitter: Submitter, journal: Journal) -> None:
    sent = submitter.submit(vendor_example(), token="click-1")
    with journal.sessions() as session:
        assert submissions.by_token(session, "click-1") is not None
    assert submitter.answer_of("click-1") is not None
    assert sent.submission is not None and submitter.answer_of("click-1").submission.id == sent.submission.id


@pytest.mark.parametrize("token", ["k" * 500, "\ud83d" * 300], ids=["too-long", "not-storable"])
def test_a_token_that_does_not_fit_is_stored_as_its_digest_and_still_finds_its_answer(
    submitter: Submitter, journal: Journal, token: str
) -> None:
    sent = submitter.submit(vendor_example(), token=token)
    digest = hashlib.sha256(token.encode("utf-8", "backslashreplace")).hexdigest()
    with journal.sessions() as session:
        assert submissions.by_token(session, digest) is not None
    again = submitter.submit(vendor_example(), token=token)
    assert again.status is Status.REPEAT
    assert sent.submission is not None and again.submission is not None
    assert again.submission.id == sent.submission.id


def test_the_editor_s_unreadable_text_is_journaled_as_a_refusal_of_that_text(
    submitter: Submitter, sandbox: Sandbox
) -> None:
    text = '{"customer_info": {"customer_name": "Asha", "phone": "\ud83d"}}'
    refused = submitter.submit_text(text, context=Context(source="editor", operator="Ravi", template="t1"))
    assert refused.status is Status.INVALID
    row = refused.submission
    assert row is not None
    assert (row.outcome, row.operation, row.source, row.operator, row.template) == (
        "invalid", "raw", "editor", "Ravi", "t1",
    )  # fmt: skip
    assert row.request_body == text.replace("\ud83d", "\\ud83d")  # what cannot be stored, escaped
    assert row.customer_name == "Asha"  # read from the JSON, though it could not be sent
    assert row.payload_hash == payload_hash(text, json.loads(text))
    assert row.message == " ".join(problem.message for problem in refused.problems)
    assert row.duration_ms == 0.0
    assert row.finished_at == row.created_at  # refused at once
    assert len(sandbox.state.requests) == 0


def test_a_refused_request_header_is_journaled_under_headers_and_nothing_is_sent(
    submitter: Submitter, sandbox: Sandbox
) -> None:
    text = json.dumps(vendor_example())
    refused = submitter.submit_text(text, headers={"Authorization": "Basic c2VjcmV0"})
    assert refused.status is Status.INVALID
    assert [problem.field for problem in refused.problems] == ["headers"]
    assert "Authorization" in refused.problems[0].message
    row = refused.submission
    assert row is not None and row.operation == "raw" and row.request_body == text
    assert row.payload_hash == payload_hash(text, json.loads(text))
    assert "c2VjcmV0" not in row.message
    assert len(sandbox.state.requests) == 0


def test_the_editor_s_send_takes_its_token_its_headers_and_a_confirmed_duplicate(
    submitter: Submitter, sandbox: Sandbox
) -> None:
    text = json.dumps(vendor_example())
    first = submitter.submit_text(text, token="qa-1", headers={"X-Request-Id": "qa-42"})
    assert first.status is Status.SENT and first.result is not None
    assert first.result.operation == "raw"
    assert sandbox.state.requests[-1].headers.get("X-Request-Id") == "qa-42"
    assert submitter.submit_text(text, token="qa-1").status is Status.REPEAT
    assert submitter.submit_text(text, token="qa-2").status is Status.DUPLICATE
    confirmed = submitter.submit_text(text, token="qa-3", confirm_duplicate=True)
    assert confirmed.status is Status.SENT
    assert len(sandbox.state.requests) == 2


def test_an_update_s_result_and_row_carry_its_operation_and_order_id(submitter: Submitter) -> None:
    added = submitter.submit(vendor_example())
    assert added.result is not None and added.result.operation == "add"
    order_id = added.result.ids["order_id"]
    payload = vendor_example()
    payload["order_info"]["order_id"] = order_id
    updated = submitter.submit(payload, operation="update")
    assert updated.status is Status.SENT and updated.result is not None
    assert updated.result.operation == "update"
    assert updated.submission is not None and updated.submission.order_id == str(order_id)


def test_a_refused_form_order_is_journaled_as_the_json_it_was(submitter: Submitter) -> None:
    # Not sent, so never encoded for the wire: the journal keeps it as JSON text, letters as typed.
    payload = vendor_example()
    payload["customer_info"]["customer_name"] = "Ünal"
    payload["customer_info"]["email_id"] = "not an email"
    payload["customer_info"]["phone"] = "12"
    refused = submitter.submit(payload)
    assert refused.status is Status.INVALID
    row = refused.submission
    assert row is not None and row.outcome == "invalid"
    assert len(refused.problems) >= 2
    assert row.message == " ".join(problem.message for problem in refused.problems)
    assert json.loads(row.request_body) == payload
    assert "Ünal" in row.request_body


def test_submit_names_an_operation_it_does_not_know(submitter: Submitter) -> None:
    with pytest.raises(ValueError, match="'delete'"):
        submitter.submit(vendor_example(), operation="delete")


@pytest.fixture
def gulf_journal(tmp_path) -> Iterator[Journal]:
    opened = open_journal(
        f"sqlite:///{tmp_path / 'gulf.db'}", pending_grace=timedelta(minutes=5), phone_region="AE"
    )
    yield opened
    opened.close()


def test_phones_are_keyed_in_the_journal_s_own_region(
    gulf_journal: Journal, client: KaptureClient, profile: Profile
) -> None:
    submitter = Submitter(gulf_journal, client, profile)
    payload = vendor_example()
    payload["customer_info"]["phone"] = "050 123 4567"
    sent = submitter.submit(payload)
    assert sent.submission is not None and sent.submission.phone_key == "+971501234567"
    again = submitter.submit(payload, confirm_duplicate=True)  # past the duplicate guard on purpose
    assert again.submission is not None and again.submission.phone_key == "+971501234567"
    payload["customer_info"]["email_id"] = "not an email"
    refused = submitter.submit(payload)
    assert refused.status is Status.INVALID
    assert refused.submission is not None and refused.submission.phone_key == "+971501234567"


def test_a_refused_update_is_logged_under_the_order_it_was_for(submitter: Submitter) -> None:
    # No answer names the order: the log can only say which one from the request itself.
    payload = vendor_example()
    payload["order_info"]["order_id"] = " 23518266 "
    payload["customer_info"]["email_id"] = "not an email"
    payload["customer_info"]["customer_name"] = 42  # not text: logged as no name, not as "42"
    refused = submitter.submit(payload, operation="update")
    assert refused.status is Status.INVALID and refused.submission is not None
    assert refused.submission.order_id == "23518266"
    assert refused.submission.customer_name == ""
