"""“Check in Kapture” must never invite a second order: it says "not found" only when it knows.

An entry whose outcome is unknown is looked up with the Pull Order API. "Most likely not created"
makes staff send the order again, so it may be said only after a well-formed empty answer from the
Kapture the entry went to, over every local day a tenant in any time zone could have filed the
order under. Anything else is "could not tell" (found None). Real HTTP throughout: the sandbox,
and for answers the sandbox never gives, a tiny server on loopback.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import update

from kapture import KaptureClient, OrderPayload
from kapture.client import ADD_UPDATE_PATH
from sandbox import DEMO_PASSWORD, DEMO_USERNAME, Sandbox, start_sandbox
from services import log
from services.journal import Journal
from services.settings import load_settings
from services.submit import Context, Submitter
from storage.models import Submission

PHONE = "+91 98450-12345"


class OddKapture:
    """A loopback server that takes orders like Kapture but answers pulls as told, one by one."""

    def __init__(self) -> None:
        self.pull_answers: list[Any] = []  # one per pull, the last one repeated
        self.pulls: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _answer(self, path: str, body: dict[str, Any]) -> Any:
        if path == ADD_UPDATE_PATH:
            return {"status": "success", "message": "Order Added successfully !", "Order": {"order_id": 7}}
        self.pulls.append(body)
        return self.pull_answers[min(len(self.pulls), len(self.pull_answers)) - 1]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        odd = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # see the house plan: a 40 ms stall per request otherwise

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                data = json.dumps(odd._answer(self.path, body)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def odd_kapture() -> Iterator[OddKapture]:
    server = OddKapture()
    yield server
    server.stop()


TEN_MINUTES = timedelta(minutes=10)


def unknown_entry(journal: Journal, url: str, order: OrderPayload, *, age: timedelta = TEN_MINUTES) -> int:
    """Send the order to the Kapture at ``url`` through the journaled submit, then lose its answer.

    The entry is made ``age`` old (ten minutes): "not found" is only said once Kapture has had time
    to finish an order whose answer Order Desk stopped waiting for.
    """
    with KaptureClient(url, username=DEMO_USERNAME, password=DEMO_PASSWORD, timeout=(2, 5)) as client:
        profile = load_settings({}).profile.at(url)
        sent = Submitter(journal, client, profile).submit(order, context=Context(operator="Meera"))
    assert sent.submission is not None and sent.submission.outcome == "success"
    with journal.sessions.begin() as session:  # as if the answer never came
        session.execute(
            update(Submission)
            .where(Submission.id == sent.submission.id)
            .values(
                outcome="unknown",
                order_id="",
                response_body="",
                message="",
                http_status=None,
                created_at=sent.submission.created_at - age,
                finished_at=sent.submission.finished_at - age,
            )
        )
    return sent.submission.id


def row_of(journal: Journal, submission_id: int) -> Submission:
    row = log.entry(journal, submission_id)
    assert row is not None
    return row


def pulled_days(bodies: list[dict[str, Any]]) -> list[str]:
    """The days asked about, checking each pull asks about one day exactly."""
    for body in bodies:
        assert body["createStartDate"] == body["createEndDate"], "one day a call (the 24-hour limit)"
    return sorted(body["createStartDate"] for body in bodies)


def around(day: date) -> list[str]:
    return [(day + timedelta(days=n)).isoformat() for n in (-1, 0, 1)]


# --- (a) an answer Order Desk does not understand is "could not tell" ----------------------------

ODD_ANSWERS = {
    "unknown key": {"status": "success", "message": "Orders fetched", "orderDetails": [{"order_id": 5}]},
    "no list": {"status": "success", "message": "No orders found"},
    "list is text": {"status": "success", "orderList": "none"},
    "list is null": {"status": "success", "orderList": None},
    "two lists": {"status": "success", "orderList": [], "data": [{"order_id": 5}]},
    "orders without ids": {"status": "success", "orderList": [{"customer_name": "Asha Traders"}]},
    "null id": {"status": "success", "orderList": [{"order_id": None, "phone": PHONE}]},
    "id not digits": {"status": "success", "orderList": [{"order_id": "N/A"}]},
    "not objects": {"status": "success", "orderList": [23518266]},
    "status other": {"status": "partial", "orderList": []},
}


@pytest.mark.parametrize("answer", ODD_ANSWERS.values(), ids=ODD_ANSWERS.keys())
def test_an_answer_of_an_unknown_shape_is_could_not_tell(
    journal: Journal, odd_kapture: OddKapture, order: OrderPayload, answer: Any
) -> None:
    lost = unknown_entry(journal, odd_kapture.url, order)
    odd_kapture.pull_answers = [answer]

    with KaptureClient(odd_kapture.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        checked = log.check_in_kapture(journal, client, 1, lost)

    assert odd_kapture.pulls, "Kapture was asked"
    assert checked.found is None, checked.summary
    assert "not created" not in checked.summary
    assert checked.order_id == ""
    assert row_of(journal, lost).checked_at is None  # nothing to record: the check told nothing


def test_one_unclear_day_in_the_window_makes_the_check_could_not_tell(
    journal: Journal, odd_kapture: OddKapture, order: OrderPayload
) -> None:
    lost = unknown_entry(journal, odd_kapture.url, order)
    empty = {"status": "success", "orderList": []}
    odd_kapture.pull_answers = [empty, ODD_ANSWERS["unknown key"], empty, empty]

    with KaptureClient(odd_kapture.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        checked = log.check_in_kapture(journal, client, 1, lost)

    assert checked.found is None, checked.summary
    assert "not created" not in checked.summary


def test_an_order_id_look_up_answered_with_other_orders_is_could_not_tell(
    journal: Journal, odd_kapture: OddKapture, order: OrderPayload
) -> None:
    lost = unknown_entry(journal, odd_kapture.url, order)
    with journal.sessions.begin() as session:
        session.execute(update(Submission).where(Submission.id == lost).values(order_id="23518266"))
    odd_kapture.pull_answers = [{"status": "success", "orderList": [{"order_id": 99}]}]

    with KaptureClient(odd_kapture.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        checked = log.check_in_kapture(journal, client, 1, lost)

    assert odd_kapture.pulls == [{"cmId": 1, "orderIds": "23518266"}]
    assert checked.found is None and checked.order_id == ""
    assert "99" in checked.summary


# --- (b) an entry sent to another Kapture is not looked up in this one ---------------------------


def test_an_entry_sent_to_another_kapture_is_not_checked_here(
    journal: Journal, sandbox: Sandbox, order: OrderPayload
) -> None:
    lost = unknown_entry(journal, sandbox.url, order)  # the order exists, in this sandbox
    with (
        start_sandbox() as now_configured,
        KaptureClient(now_configured.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client,
    ):
        checked = log.check_in_kapture(journal, client, 1, lost)
        asked_elsewhere = len(now_configured.state.requests)

    assert asked_elsewhere == 0, "another Kapture's empty answer says nothing about this entry"
    assert checked.found is None
    assert "not created" not in checked.summary
    assert sandbox.url in checked.summary and now_configured.url in checked.summary
    assert "cannot check" in checked.summary
    assert row_of(journal, lost).checked_at is None


def test_the_kapture_an_entry_went_to_is_named_without_its_credentials(
    journal: Journal, sandbox: Sandbox, client: KaptureClient, order: OrderPayload
) -> None:
    lost = unknown_entry(journal, sandbox.url, order)
    leaky = "https://meera:Hunter2-pw@acme.kapturecrm.com:8443/api?token=T0kenValue#Fragment9"
    with journal.sessions.begin() as session:  # a row from a build that kept a URL as typed
        session.execute(update(Submission).where(Submission.id == lost).values(base_url=leaky))

    checked = log.check_in_kapture(journal, client, 1, lost)

    assert checked.found is None
    assert not list(sandbox.state.requests)[1:], "the sandbox was not asked about another Kapture's order"
    assert "https://acme.kapturecrm.com:8443" in checked.summary
    for secret in ("meera", "Hunter2", "T0kenValue", "Fragment9", "token=", "/api"):
        assert secret not in checked.summary


def test_the_same_kapture_written_another_way_is_still_checked(
    journal: Journal, sandbox: Sandbox, client: KaptureClient, order: OrderPayload
) -> None:
    order.order_info.erp_order_id = "ERP-7"
    lost = unknown_entry(journal, sandbox.url, order)
    (stored,) = sandbox.state.orders()
    with journal.sessions.begin() as session:
        session.execute(
            update(Submission).where(Submission.id == lost).values(base_url=sandbox.url.upper() + "/")
        )

    checked = log.check_in_kapture(journal, client, 1, lost)

    assert checked.found is True and checked.order_id == str(stored.order_id)


# --- (c) tenants file orders under their local day ------------------------------------------------


def a_zone_whose_day_is_not_the_utc_day(now: datetime) -> timedelta:
    # Before 11:00 UTC it is still yesterday at UTC−12:00; from 10:00 UTC it is tomorrow at
    # UTC+14:00. An hour's overlap keeps the choice right while the test runs.
    return timedelta(hours=-12) if now.hour < 11 else timedelta(hours=14)


def test_an_order_filed_under_a_local_day_that_is_not_the_utc_day_is_found(
    journal: Journal, sandbox: Sandbox, client: KaptureClient, order: OrderPayload
) -> None:
    sandbox.set_time_zone(a_zone_whose_day_is_not_the_utc_day(datetime.now(UTC)))
    order.order_info.erp_order_id = "ERP-42"
    # Not aged: the entry's UTC day must be the day the order was made, which the zone differs from.
    lost = unknown_entry(journal, sandbox.url, order, age=timedelta(0))
    (stored,) = sandbox.state.orders()
    entry_day = row_of(journal, lost).created_at.astimezone(UTC).date()
    assert stored.create_date != entry_day.isoformat(), "the test needs a local day that is not the UTC day"

    checked = log.check_in_kapture(journal, client, 1, lost)

    assert checked.found is True, checked.summary
    assert checked.order_id == str(stored.order_id)
    assert row_of(journal, lost).checked_order_id == str(stored.order_id)


@pytest.mark.parametrize("hours", [-12, -5, 5.5, 14], ids=["UTC-12", "UTC-5", "IST", "UTC+14"])
def test_an_order_is_found_whatever_the_tenants_time_zone(
    journal: Journal, sandbox: Sandbox, client: KaptureClient, order: OrderPayload, hours: float
) -> None:
    sandbox.set_time_zone(timedelta(hours=hours))
    lost = unknown_entry(journal, sandbox.url, order)
    (stored,) = sandbox.state.orders()

    checked = log.check_in_kapture(journal, client, 1, lost)

    assert checked.found is True, checked.summary
    assert str(stored.order_id) in checked.summary
    assert checked.order_id == ""  # found by phone only: it may be another order of the customer
    assert "compare them with this entry" in checked.summary


def test_not_found_is_said_only_after_asking_about_every_local_day(
    journal: Journal, sandbox: Sandbox, client: KaptureClient, order: OrderPayload
) -> None:
    lost = unknown_entry(journal, sandbox.url, order)
    sandbox.state.reset()  # Kapture lost it: the order was never made
    entry_day = row_of(journal, lost).created_at.astimezone(UTC).date()

    checked = log.check_in_kapture(journal, client, 1, lost)

    bodies = [json.loads(request.body) for request in sandbox.state.requests]
    assert pulled_days(bodies) == around(entry_day)  # YYYY-MM-DD, the day before to the day after
    assert {body["phone"] for body in bodies} == {PHONE}
    assert checked.found is False
    assert "most likely not created" in checked.summary
    assert row_of(journal, lost).check_result == checked.summary


@pytest.mark.parametrize("hours", [-12.5, 14.5])
def test_the_sandbox_takes_only_the_worlds_time_zones(sandbox: Sandbox, hours: float) -> None:
    with pytest.raises(ValueError, match="between -12:00 and \\+14:00"):
        sandbox.set_time_zone(timedelta(hours=hours))


def test_the_window_reaches_the_local_day_of_an_order_made_long_after_the_entry() -> None:
    written = datetime(2024, 5, 1, 23, 30, tzinfo=UTC)
    assert log.local_days(written) == [date(2024, 4, 30), date(2024, 5, 1), date(2024, 5, 2)]
    assert log.local_days(datetime(2024, 5, 1, 0, 0, tzinfo=UTC)) == log.local_days(written)
    # An answer that came at 10:00 UTC next day: at UTC+14:00 the order may be of the 3rd.
    late = datetime(2024, 5, 2, 10, 0, tzinfo=UTC)
    assert log.local_days(written, late)[-1] == date(2024, 5, 3)


# --- found, not found by order id, failure ---------------------------------------------------------


def test_the_orders_of_the_phone_are_listed_but_only_a_matching_one_is_claimed(
    journal: Journal, sandbox: Sandbox, client: KaptureClient, order: OrderPayload
) -> None:
    order.order_info.erp_order_id = "ERP-1"
    unknown_entry(journal, sandbox.url, order)  # an earlier order of the same customer
    order.order_info.erp_order_id = "ERP-2"
    lost = unknown_entry(journal, sandbox.url, order)
    earlier, ours = sandbox.state.orders()

    checked = log.check_in_kapture(journal, client, 1, lost)

    assert checked.found is True
    assert checked.order_id == str(ours.order_id)
    assert str(earlier.order_id) not in checked.summary


def test_an_order_id_kapture_does_not_have_is_not_found(
    journal: Journal, sandbox: Sandbox, client: KaptureClient, order: OrderPayload
) -> None:
    lost = unknown_entry(journal, sandbox.url, order)
    with journal.sessions.begin() as session:
        session.execute(update(Submission).where(Submission.id == lost).values(order_id="1"))

    checked = log.check_in_kapture(journal, client, 1, lost)

    assert [json.loads(r.body) for r in list(sandbox.state.requests)[1:]] == [{"cmId": 1, "orderIds": "1"}]
    assert checked.found is False and checked.order_id == ""


def test_orders_found_before_a_day_that_failed_are_listed_and_the_gap_is_said(
    journal: Journal, odd_kapture: OddKapture, order: OrderPayload
) -> None:
    lost = unknown_entry(journal, odd_kapture.url, order)
    odd_kapture.pull_answers = [
        {"status": "success", "orderList": [{"order_id": 5, "customer_name": "Asha Traders"}]},
        {"status": "failed", "message": "Service busy"},
    ]

    with KaptureClient(odd_kapture.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        checked = log.check_in_kapture(journal, client, 1, lost)

    assert checked.found is True and checked.order_id == ""
    assert "5 (Asha Traders)" in checked.summary
    assert "Not every day could be checked" in checked.summary


@pytest.mark.parametrize("fault", ["http_500_html", "failed_200", "malformed_json", "drop_connection"])
def test_a_look_up_that_fails_is_could_not_tell(
    journal: Journal, sandbox: Sandbox, client: KaptureClient, order: OrderPayload, fault: str
) -> None:
    lost = unknown_entry(journal, sandbox.url, order)
    sandbox.state.reset()  # an empty Kapture: only the failure stands between us and "not found"
    # The first day's pull fails (with the client's own retries of a dropped connection), the
    # other days answer "none".
    sandbox.set_faults(mode=fault, times=3 if fault == "drop_connection" else 1)

    checked = log.check_in_kapture(journal, client, 1, lost)

    assert checked.found is None, checked.summary
    assert "not created" not in checked.summary
    assert row_of(journal, lost).checked_at is None


def test_an_add_that_named_an_order_id_is_looked_up_by_phone_not_by_that_id(
    journal: Journal, sandbox: Sandbox, client: KaptureClient, order: OrderPayload
) -> None:
    """An add with ``order_info.order_id`` but no ``update`` makes a new order under a new id: the
    id it asked for proves nothing, and "no order 555" would invite a second order."""
    order.order_info.order_id = "555"
    lost = unknown_entry(journal, sandbox.url, order)
    with journal.sessions.begin() as session:  # the answer never came: the id is the one asked for
        session.execute(update(Submission).where(Submission.id == lost).values(order_id="555"))
    (made,) = sandbox.state.orders()
    assert str(made.order_id) != "555"

    checked = log.check_in_kapture(journal, client, 1, lost)

    assert "most likely not created" not in checked.summary
    assert checked.found is True and str(made.order_id) in checked.summary


def test_an_entry_still_waiting_for_its_answer_is_too_early_to_check(
    journal: Journal, sandbox: Sandbox, client: KaptureClient, order: OrderPayload
) -> None:
    lost = unknown_entry(journal, sandbox.url, order)
    sandbox.state.reset()
    with journal.sessions.begin() as session:  # a colleague's send, on its way right now
        session.execute(update(Submission).where(Submission.id == lost).values(outcome="pending"))

    checked = log.check_in_kapture(journal, client, 1, lost)

    assert checked.found is None and "still waiting" in checked.summary
    assert row_of(journal, lost).checked_at is None


def test_an_answer_given_up_on_a_moment_ago_is_not_called_not_created(
    journal: Journal, sandbox: Sandbox, client: KaptureClient, order: OrderPayload
) -> None:
    """Kapture may still be making an order whose answer Order Desk stopped waiting for."""
    lost = unknown_entry(journal, sandbox.url, order)
    sandbox.state.reset()  # not made (yet)
    now = datetime.now(UTC)
    with journal.sessions.begin() as session:
        session.execute(
            update(Submission).where(Submission.id == lost).values(created_at=now, finished_at=now)
        )

    checked = log.check_in_kapture(journal, client, 1, lost)

    assert checked.found is None and "may still be working on it" in checked.summary
    assert "most likely not created" not in checked.summary
    assert row_of(journal, lost).checked_at is None
