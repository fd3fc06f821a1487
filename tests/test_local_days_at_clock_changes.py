"""A reader's day changes its UTC offset at the zone's clock change, to the second, not at UTC midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.journal import Journal
from storage.submissions import SubmissionFilter
from tests.test_log import add, per_day


def test_a_london_day_takes_its_summer_hour_from_the_clock_change_not_from_the_next_utc_midnight(
    journal: Journal,
) -> None:
    # London went to UTC+1 at 01:00 UTC on 31 March 2024 and back to UTC+0 at 01:00 UTC on 27 October.
    # Each row is half an hour from a London midnight, so an offset applied from the wrong
    # instant (or an offset a minute off) moves it to another day.
    add(journal, created_at=datetime(2024, 3, 30, 23, 30, tzinfo=UTC))  # 30 March, 23:30 GMT
    add(journal, created_at=datetime(2024, 3, 31, 23, 30, tzinfo=UTC))  # 1 April, 00:30 BST
    add(journal, created_at=datetime(2024, 4, 10, 23, 0, 30, tzinfo=UTC))  # 11 April, 00:00:30 BST
    add(journal, created_at=datetime(2024, 10, 26, 23, 30, tzinfo=UTC))  # 27 October, 00:30 BST
    add(journal, created_at=datetime(2024, 10, 27, 23, 30, tzinfo=UTC))  # 27 October, 23:30 GMT

    where = SubmissionFilter(
        created_from=datetime(2024, 3, 1, tzinfo=UTC), created_to=datetime(2024, 12, 1, tzinfo=UTC)
    )
    assert per_day(journal, where, "Europe/London") == [
        (date(2024, 3, 30), "success", 1),
        (date(2024, 4, 1), "success", 1),
        (date(2024, 4, 11), "success", 1),
        (date(2024, 10, 27), "success", 2),
    ]
