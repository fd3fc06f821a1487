"""Rows left pending by a process that stopped become unknown while the app runs, not at its next start.

A quick restart opens the journal while the stopped process's rows are still younger than their
grace, so the start-up recovery leaves them; the open journal must look again later.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from services.journal import LEFT_PENDING, PENDING_MARGIN, Journal, open_journal
from storage import submissions
from storage.models import Submission

WATCH = "journal-pending-watch"


@pytest.fixture
def watched(database_url: str) -> Iterator[Journal]:
    """A journal that looks for rows left pending five times a second."""
    opened = open_journal(
        database_url, pending_grace=timedelta(seconds=5), recheck_every=timedelta(seconds=0.2)
    )
    yield opened
    opened.close()


def pending_row(journal: Journal, *, age: timedelta) -> int:
    """A row a process wrote before sending and never finished (it stopped)."""
    with journal.sessions.begin() as session:
        return submissions.begin(
            session,
            created_at=datetime.now(UTC) - age,
            profile_name="Sandbox",
            base_url="http://127.0.0.1:8765",
            operation="add",
            source="form",
            request_body="{}",
            payload_hash="b" * 64,
            customer_name="Left Behind Ltd",
        )


def outcome_of(journal: Journal, submission_id: int) -> Submission:
    with journal.sessions() as session:
        row = session.get(Submission, submission_id)
        assert row is not None
        return row


def test_a_row_left_pending_past_its_grace_becomes_unknown_without_reopening(watched: Journal) -> None:
    grace = timedelta(seconds=5) + PENDING_MARGIN
    # Written after the journal opened, as by the process that stopped: the start-up look is over.
    stale = pending_row(watched, age=grace + timedelta(minutes=1))
    fresh = pending_row(watched, age=timedelta(0))  # may still be someone's request in flight
    deadline = time.monotonic() + 30
    while outcome_of(watched, stale).outcome == "pending":
        assert time.monotonic() < deadline, "the row left pending was never looked at again"
        time.sleep(0.05)
    row = outcome_of(watched, stale)
    assert (row.outcome, row.error) == ("unknown", LEFT_PENDING)
    assert outcome_of(watched, fresh).outcome == "pending"  # younger than the grace: left alone


def test_closing_the_journal_stops_its_watch(database_url: str) -> None:
    def watches() -> int:
        return sum(thread.name == WATCH for thread in threading.enumerate())

    before = watches()
    journal = open_journal(database_url, pending_grace=timedelta(seconds=5))
    assert watches() == before + 1
    journal.close()
    assert watches() == before
