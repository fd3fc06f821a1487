"""Words searched within a date range find the rows of those dates that hold them, no others."""

from __future__ import annotations

from datetime import UTC, datetime

from services.journal import Journal
from tests.test_log import add, ids_of

MAY_DAY = {"created_from": datetime(2024, 5, 1, tzinfo=UTC), "created_to": datetime(2024, 5, 2, tzinfo=UTC)}


def test_words_within_dates_find_only_that_days_rows_with_the_word(journal: Journal) -> None:
    add(journal, created_at=datetime(2019, 1, 5, tzinfo=UTC), customer_name="Bharat Steel Distributors")
    in_message = add(
        journal,
        created_at=datetime(2024, 5, 1, 9, tzinfo=UTC),
        customer_name="Asha Traders",
        outcome="rejected",
        message="Steel grade missing",
    )
    add(journal, created_at=datetime(2024, 5, 1, 10, tzinfo=UTC), customer_name="Chandra Cloth")
    starts_so = add(journal, created_at=datetime(2024, 5, 1, 11, tzinfo=UTC), customer_name="Steelman Ltd")
    add(journal, created_at=datetime(2024, 5, 2, 0, tzinfo=UTC), customer_name="Steel Works")  # the day after

    assert ids_of(journal, text="Steel ", **MAY_DAY) == {in_message}  # a finished word
    assert ids_of(journal, text="Steel", **MAY_DAY) == {in_message, starts_so}  # still being typed
    assert ids_of(journal, text="cloth grade", **MAY_DAY) == set()  # every word, in one row
