"""The journaled submit against the sandbox: a row before sending, the outcome after, no duplicates."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
import requests

from kapture import KaptureClient, OrderPayload
from sandbox import DEMO_PASSWORD, DEMO_USERNAME, Sandbox
from services.journal import Journal
from services.settings import Profile
from services.submit import Context, Status, Submitter
from storage import submissions


def test_a_sent_order_is_journaled_with_what_kapture_answered(
    submitter: Submitter, sandbox: Sandbox, order: OrderPayload
) -> None:
    done = submitter.submit(order, context=Context(source="form", operator="Meera"))
    assert done.status is Status.SENT
    row = done.submission
    assert row.outcome == "success"
    assert row.order_id == "23518266" and row.customer_id == "191696571"
    assert row.enquiry_id == "24284202" and row.contact_id == "210010452"
    assert row.action_event == "ADD_ORDER"
    assert row.http_status == 200
    assert row.message == "Order Added successfully !"
    assert json.loads(row.response_body)["status"] == "success"
    assert row.request_body.encode() == sandbox.state.requests[0].body  # exactly what was sent
    assert (row.operation, row.source, row.operator) == ("add", "form", "Meera")
    assert (row.profile_name, row.base_url) == ("Sandbox", sandbox.url)
    assert (row.customer_name, row.phone_key, row.email) == (
        "Asha Traders",
        "+919845012345",  # E.164, the phone key since issue 9 (storage.submissions.phone_key)
        "orders@asha.example",
    )
    assert row.finished_at >= row.created_at
    assert row.duration_ms > 0


def test_an_invalid_order_is_journaled_and_not_sent(
    submitter: Submitter, journal: Journal, sandbox: Sandbox, order: OrderPayload
) -> None:
    order.customer_info.customer_name = " "
    order.customer_info.email_id = "asha@"
    done = submitter.submit(order)
    assert done.status is Status.INVALID
    assert [p.field for p in done.problems] == ["customer_info.customer_name", "customer_info.email_id"]
    assert done.submission.outcome == "invalid"
    assert "Customer name is required." in done.submission.message
    assert len(sandbox.state.requests) == 0


def test_an_update_carries_the_flag_and_the_order_id(
    submitter: Submitter, order: OrderPayload, sent_bodies
) -> None:
    added = submitter.submit(order).submission
    order.order_info.order_id = added.order_id
    done = submitter.submit(order, operation="update")
    assert done.submission.outcome == "success"
    assert done.submission.operation == "update"
    assert done.result.action_event == "UPDATE_ORDER"
    assert sent_bodies()[1]["order_info"]["update"] is True
    assert sent_bodies()[1]["order_info"]["order_id"] == added.order_id


def test_an_update_without_an_order_id_is_refused_before_sending(
    submitter: Submitter, sandbox: Sandbox, order: OrderPayload
) -> None:
    done = submitter.submit(order, operation="update")
    assert done.status is Status.INVALID
    assert [p.field for p in done.problems] == ["order_info.order_id"]
    assert len(sandbox.state.requests) == 0


@pytest.mark.parametrize(
    ("faults", "outcome"),
    [
        ({"mode": "failed_200"}, "rejected"),
        ({"mode": "http_500_html"}, "http_error"),
        ({"mode": "malformed_json"}, "invalid_response"),
        ({"mode": "drop_connection"}, "timeout_unknown"),
        ({"mode": "slow", "slow_seconds": 2}, "timeout_unknown"),
    ],
)
def test_every_failure_leaves_a_finished_row(
    journal: Journal, sandbox: Sandbox, profile: Profile, order: OrderPayload, faults: dict, outcome: str
) -> None:
    sandbox.set_faults(**faults)
    with KaptureClient(sandbox.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, timeout=(2, 0.5)) as kc:
        done = Submitter(journal, kc, profile).submit(order)
    assert done.status is Status.SENT
    assert done.submission.outcome == outcome
    assert done.submission.finished_at is not None


def test_wrong_credentials_are_journaled_as_auth_failed(
    journal: Journal, sandbox: Sandbox, profile: Profile, order: OrderPayload
) -> None:
    with KaptureClient(sandbox.url, username=DEMO_USERNAME, password="wrong") as kc:
        done = Submitter(journal, kc, profile).submit(order)
    assert done.submission.outcome == "auth_failed"
    assert done.submission.http_status == 401


def test_an_unreachable_kapture_is_journaled_as_a_network_error(
    journal: Journal, order: OrderPayload
) -> None:
    profile = Profile(name="Gone", base_url="http://127.0.0.1:9", username="u", password="p")
    with KaptureClient(**profile.client_options()) as kc:
        done = Submitter(journal, kc, profile).submit(order)
    assert done.submission.outcome == "network_error"
    assert done.submission.error == "the connection was refused"


class _BrokenAdapter(requests.adapters.BaseAdapter):
    def send(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("adapter exploded")

    def close(self) -> None:
        pass


def test_an_unexpected_error_while_sending_is_journaled_as_unknown(
    journal: Journal, profile: Profile, order: OrderPayload
) -> None:
    session = requests.Session()
    session.mount("http://", _BrokenAdapter())
    with KaptureClient(profile.base_url, token="t", session=session) as kc:
        done = Submitter(journal, kc, profile).submit(order)
    assert done.status is Status.SENT
    assert done.submission.outcome == "unknown"
    assert "RuntimeError: adapter exploded" in done.submission.error
    assert "may have been created" in done.submission.error


def test_an_identical_order_within_the_window_is_held_back(
    submitter: Submitter, sandbox: Sandbox, order: OrderPayload
) -> None:
    first = submitter.submit(order).submission
    again = submitter.submit(OrderPayload.model_validate(order.to_payload()))
    assert again.status is Status.DUPLICATE
    assert again.earlier.id == first.id and again.earlier.order_id == first.order_id
    assert len(sandbox.state.requests) == 1
    confirmed = submitter.submit(order, confirm_duplicate=True)
    assert confirmed.status is Status.SENT
    assert confirmed.submission.order_id != first.order_id
    assert len(sandbox.state.requests) == 2


def test_a_changed_order_is_not_a_duplicate(submitter: Submitter, order: OrderPayload) -> None:
    submitter.submit(order)
    order.order_info.remarks = "second box"
    assert submitter.submit(order).status is Status.SENT


def test_a_refused_send_does_not_hold_back_a_retry(
    submitter: Submitter, sandbox: Sandbox, order: OrderPayload
) -> None:
    sandbox.set_faults(mode="failed_200", times=1)
    assert submitter.submit(order).submission.outcome == "rejected"
    assert submitter.submit(order).submission.outcome == "success"


@pytest.mark.parametrize(
    ("faults", "outcome"),
    [({"mode": "http_500_html"}, "http_error"), ({"mode": "drop_connection"}, "timeout_unknown")],
)
def test_a_send_that_may_have_created_the_order_holds_back_an_identical_one(
    submitter: Submitter, sandbox: Sandbox, order: OrderPayload, faults: dict, outcome: str
) -> None:
    sandbox.set_faults(times=1, **faults)
    first = submitter.submit(order).submission
    assert first.outcome == outcome
    again = submitter.submit(order)
    assert again.status is Status.DUPLICATE
    assert again.earlier.id == first.id
    assert submitter.submit(order, confirm_duplicate=True).submission.outcome == "success"


def test_the_duplicate_window_is_configurable(
    journal: Journal, client: KaptureClient, profile: Profile, order: OrderPayload
) -> None:
    submitter = Submitter(journal, client, profile, duplicate_window=timedelta(0))
    submitter.submit(order)
    assert submitter.submit(order).status is Status.SENT


def test_an_identical_order_still_in_flight_is_a_duplicate_whatever_the_window(
    journal: Journal, client: KaptureClient, profile: Profile, sandbox: Sandbox, order: OrderPayload
) -> None:
    """A window shorter than Kapture's answer time must not let a second session send it again."""
    submitter = Submitter(journal, client, profile, duplicate_window=timedelta(0))
    sandbox.set_faults(latency_ms=1500)
    first = threading.Thread(target=submitter.submit, args=(order,), kwargs={"token": "session-1"})
    first.start()
    deadline = time.monotonic() + 10
    while not sandbox.state.requests and time.monotonic() < deadline:  # the first is on its way
        time.sleep(0.02)
    second = submitter.submit(order, token="session-2")
    first.join(timeout=10)
    assert second.status is Status.DUPLICATE
    assert second.earlier is not None and second.earlier.outcome == "pending"  # the first, in flight
    assert len(sandbox.state.requests) == 1


def test_the_same_order_to_another_kapture_is_not_a_duplicate(
    journal: Journal, client: KaptureClient, profile: Profile, order: OrderPayload
) -> None:
    Submitter(journal, client, profile).submit(order)
    elsewhere = Profile(name="Other", base_url="https://other.kapturecrm.com", username="demo", password="s")
    assert Submitter(journal, client, elsewhere).submit(order).status is Status.SENT


def test_raw_text_spaced_differently_is_still_a_duplicate(submitter: Submitter, order: OrderPayload) -> None:
    compact = json.dumps(order.to_payload())
    assert submitter.submit_text(compact).submission.outcome == "success"
    spaced = json.dumps(order.to_payload(), indent=4)
    assert submitter.submit_text(spaced).status is Status.DUPLICATE


def test_raw_text_is_sent_and_journaled_byte_for_byte(submitter: Submitter, sandbox: Sandbox) -> None:
    text = '{"customer_info": {"customer_name": "Asha",} }'
    done = submitter.submit_text(text, context=Context(source="editor", template="broken comma"))
    assert sandbox.state.requests[0].body == text.encode()
    assert done.submission.request_body == text
    assert done.submission.operation == "raw"
    assert done.submission.outcome == "rejected"
    assert done.submission.template == "broken comma"


def test_a_token_used_twice_sends_once(submitter: Submitter, sandbox: Sandbox, order: OrderPayload) -> None:
    first = submitter.submit(order, token="click-1")
    second = submitter.submit(order, token="click-1", confirm_duplicate=True)
    assert second.status is Status.REPEAT
    assert second.submission.id == first.submission.id
    assert second.submission.order_id == first.submission.order_id
    assert len(sandbox.state.requests) == 1


@pytest.mark.parametrize("confirmed", [True, False])
def test_a_token_raced_from_many_threads_sends_once(
    submitter: Submitter, sandbox: Sandbox, order: OrderPayload, confirmed: bool
) -> None:
    # Unconfirmed, the clicks also meet the duplicate guard: a repeat must still say "repeat",
    # not "duplicate of your own first click".
    sandbox.set_faults(latency_ms=100)  # keep the first request in flight while the others arrive
    start = threading.Barrier(6)
    answers = []

    def click() -> None:
        start.wait()
        answers.append(submitter.submit(order, token="double-click", confirm_duplicate=confirmed))

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sandbox.state.requests) == 1
    assert len({answer.submission.id for answer in answers}) == 1
    assert sorted(answer.status for answer in answers) == [Status.REPEAT] * 5 + [Status.SENT]


def test_an_invalid_attempt_does_not_use_up_the_token(submitter: Submitter, order: OrderPayload) -> None:
    order.customer_info.customer_name = ""
    assert submitter.submit(order, token="t-1").status is Status.INVALID
    order.customer_info.customer_name = "Asha Traders"
    assert submitter.submit(order, token="t-1").status is Status.SENT


def test_every_attempt_is_searchable_in_the_journal(
    submitter: Submitter, journal: Journal, order: OrderPayload
) -> None:
    sent = submitter.submit(order).submission
    with journal.sessions() as session:
        page = submissions.search(session, submissions.SubmissionFilter(phone="98450 12345"))
        assert [row.id for row in page.rows] == [sent.id]
        assert submissions.search(session, submissions.SubmissionFilter(order_id=sent.order_id)).total == 1


def test_a_token_repeated_while_the_first_is_in_flight_waits_for_its_answer(
    submitter: Submitter, sandbox: Sandbox, order: OrderPayload
) -> None:
    sandbox.set_faults(latency_ms=500)
    first: list = []
    sender = threading.Thread(target=lambda: first.append(submitter.submit(order, token="click")))
    sender.start()
    while not sandbox.state.requests:  # the first request is on its way
        threading.Event().wait(0.01)
    second = submitter.submit(order, token="click")
    sender.join()
    assert second.status is Status.REPEAT
    assert second.submission.outcome == "success"
    assert second.submission.order_id == first[0].submission.order_id
    assert len(sandbox.state.requests) == 1


def test_a_raw_send_with_a_header_the_client_sets_is_refused_not_unknown(
    submitter: Submitter, journal: Journal, sandbox: Sandbox
) -> None:
    done = submitter.submit_text('{"x": 1}', headers={"Authorization": "Basic c2VjcmV0"})
    assert done.status is Status.INVALID and done.submission is not None
    assert done.submission.outcome == "invalid"  # nothing was sent: not "unknown"
    assert "c2VjcmV0" not in done.submission.message
    assert len(sandbox.state.requests) == 0


def test_the_answer_of_a_send_can_be_read_back_by_its_token(
    submitter: Submitter, order: OrderPayload, sandbox: Sandbox
) -> None:
    """A page whose run was cut short while sending finds the answer again (ui/order_page._recover)."""
    sent = submitter.submit(order, token="click-1")
    again = submitter.answer_of("click-1")
    assert again is not None and again.status is Status.SENT
    assert again.submission == sent.submission and again.submission.outcome == "success"
    assert submitter.answer_of("never-used") is None
    refused = submitter.submit({"customer_info": {}}, token="click-2")
    assert refused.status is Status.INVALID
    assert submitter.answer_of("click-2") is None  # refused before sending: nothing to read back
    assert len(sandbox.state.requests) == 1
