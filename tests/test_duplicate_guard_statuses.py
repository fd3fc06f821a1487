"""The duplicate guard counts an outcome that depends on its HTTP status only with those statuses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from services.journal import Journal
from storage import submissions
from tests.test_storage import HASH, SANDBOX, T0, add

SERVER_ERRORS = {"http_error": (500, 502, 504)}


@pytest.fixture
def db(journal: Journal) -> Iterator[Session]:
    with journal.sessions() as opened:
        yield opened


def newest_same(db: Session) -> int | None:
    found = submissions.latest_same(
        db,
        base_url=SANDBOX,
        payload_hash=HASH,
        since=T0,
        outcomes=("success",),
        outcomes_with_status=SERVER_ERRORS,
    )
    return found.id if found is not None else None


def test_an_http_error_counts_only_with_a_server_error_status_and_that_status_only_for_it(
    db: Session,
) -> None:
    minutes = timedelta(minutes=1)
    add(db, outcome="http_error", http_status=400, created_at=T0 + 60 * minutes)  # refused: nothing made
    add(db, outcome="rejected", http_status=502, created_at=T0 + 120 * minutes)  # the status, not the outcome
    assert newest_same(db) is None
    server_error = add(db, outcome="http_error", http_status=502, created_at=T0 + 30 * minutes)
    assert newest_same(db) == server_error
