"""One outcome vocabulary: every recorded outcome has a meaning; every outcome list is read from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kapture import Outcome, outcomes
from kapture.outcomes import RECORDED, meaning
from kapture.variants import REFUSED_OUTCOMES, SUCCESS_OUTCOMES, UNKNOWN_OUTCOMES, verdict
from services import log
from services.journal import Journal
from services.submit import MAY_HAVE_CREATED, MAY_HAVE_CREATED_WITH_STATUS
from storage import submissions
from storage.models import INVALID, PENDING, UNKNOWN
from ui import log_page

RECORDED_OUTCOMES = {outcome.value for outcome in Outcome} | {INVALID, PENDING, UNKNOWN}
STATUSES = (None, 200, 301, 400, 404, 429, 500, 502, 503, 504)


def test_every_recorded_outcome_has_exactly_one_meaning() -> None:
    assert set(RECORDED) == RECORDED_OUTCOMES
    assert set(outcomes.ALL) == RECORDED_OUTCOMES and len(outcomes.ALL) == len(RECORDED_OUTCOMES)
    # The journal's own names, spelled in both packages (neither imports the other), agree.
    assert (outcomes.INVALID, outcomes.PENDING, outcomes.UNKNOWN) == (INVALID, PENDING, UNKNOWN)
    for name, meant in RECORDED.items():
        assert meant.outcome == name and type(meant.outcome) is str
        assert meant.label and meant.sentence and meant.next_step
        assert not (meant.definite_refusal and meant.may_have_created), name
        assert meant.was_sent or not meant.may_have_created, name  # nothing sent, nothing made


@pytest.mark.parametrize(
    ("outcome", "sent", "created", "refusal"),
    [
        ("success", True, True, False),
        ("rejected", True, False, True),
        ("auth_failed", True, False, True),
        ("http_error", True, False, False),
        ("invalid_response", True, True, False),
        ("network_error", False, False, False),
        ("timeout_unknown", True, True, False),
        ("invalid", False, False, True),
        ("pending", True, True, False),
        ("unknown", True, True, False),
    ],
)
def test_what_each_outcome_means(outcome: str, sent: bool, created: bool, refusal: bool) -> None:
    meant = meaning(outcome)
    assert (meant.was_sent, meant.may_have_created, meant.definite_refusal) == (sent, created, refusal)


@pytest.mark.parametrize("status", STATUSES)
def test_an_http_errors_meaning_depends_on_its_status(status: int | None) -> None:
    after_receipt = status in (500, 502, 504)
    assert meaning("http_error", status).may_have_created is after_receipt
    assert meaning("http_error", status).unclear is after_receipt
    assert "may have taken effect" in meaning("http_error", 502).sentence
    for other in RECORDED_OUTCOMES - {"http_error"}:
        assert meaning(other, status) is RECORDED[other]  # the status matters to HTTP errors only


def test_an_outcome_nobody_records_is_unclear_never_a_success_or_a_refusal() -> None:
    meant = meaning("from_a_newer_app")
    assert meant.unclear and not meant.succeeded and not meant.definite_refusal


def _guard_blocks(outcome: str, status: int | None) -> bool:
    return outcome in MAY_HAVE_CREATED or status in MAY_HAVE_CREATED_WITH_STATUS.get(outcome, ())


@pytest.mark.parametrize("status", STATUSES)
def test_the_duplicate_guard_holds_back_exactly_what_may_have_created_the_order(status: int | None) -> None:
    for outcome in RECORDED_OUTCOMES:
        assert _guard_blocks(outcome, status) is meaning(outcome, status).may_have_created, (outcome, status)


def test_the_verdict_classes_are_read_from_the_meanings() -> None:
    assert {name for name, m in RECORDED.items() if m.succeeded} == SUCCESS_OUTCOMES
    assert {name for name, m in RECORDED.items() if m.definite_refusal} == REFUSED_OUTCOMES
    assert UNKNOWN_OUTCOMES == RECORDED_OUTCOMES - SUCCESS_OUTCOMES - REFUSED_OUTCOMES
    for outcome in RECORDED_OUTCOMES:
        assert verdict("success", outcome) is meaning(outcome).succeeded
        assert verdict("failure", outcome) is meaning(outcome).definite_refusal


def test_the_logs_unclear_set_and_outcome_list_are_read_from_the_meanings() -> None:
    assert set(log.UNKNOWN_OUTCOMES) == {name for name, m in RECORDED.items() if m.unclear}
    assert set(log.UNKNOWN_OUTCOMES) == {"invalid_response", "timeout_unknown", "pending", "unknown"}
    assert log_page.OUTCOMES == outcomes.ALL


@pytest.mark.parametrize(("status", "held_back"), [(500, True), (504, True), (503, False), (404, False)])
def test_the_journals_guard_query_reads_an_http_errors_status(
    journal: Journal, status: int, held_back: bool
) -> None:
    now = datetime.now(UTC)
    row = {
        "profile_name": "Sandbox",
        "base_url": "http://127.0.0.1:9",
        "operation": "add",
        "source": "form",
        "request_body": "{}",
    }
    with journal.sessions.begin() as session:
        entry = submissions.begin(
            session, **row, created_at=now, payload_hash="same", outcome="http_error", http_status=status
        )
    with journal.sessions.begin() as session:
        found = submissions.latest_same(
            session,
            base_url=row["base_url"],
            payload_hash="same",
            since=now - timedelta(minutes=10),
            outcomes=MAY_HAVE_CREATED,
            outcomes_with_status=MAY_HAVE_CREATED_WITH_STATUS,
        )
        assert (found is not None and found.id == entry) is held_back
