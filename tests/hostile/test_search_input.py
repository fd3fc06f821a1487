"""Whatever a person types into the log's search boxes gets an answer, never an exception.

On SQLite and PostgreSQL, through the log's own verbs (the page's table, its summary and chart,
and the export): the one search box, and every other box a reviewer can type into.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest

from services import log
from services.journal import Journal
from storage import submissions
from storage.submissions import Finish, SubmissionFilter

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LONG = "a" * 50_000  # SQLite refused it in a LIKE pattern: "LIKE or GLOB pattern too complex"

CORPUS = {
    "50,000 characters": LONG,
    "50,000 characters in words": "ab " * 16_667,
    "50,000 digits": "9" * 50_000,
    "# and 30 digits": "#" + "1" * 30,
    "# and 50,000 digits": "#" + "7" * 50_000,
    "# past the largest id": f"#{2**63}",
    "NUL": "\x00",
    "NUL inside a name": "Asha\x00 Traders",
    "half an emoji": "\ud800",
    "LIKE wildcards and escape": "%_\\",
    "LIKE escape of SQLAlchemy": "/%/_//",
    "emoji": "😀",
    "right to left": "مرحبا بالعالم",
    "SQL": "'; DROP TABLE submissions; --",
    "whitespace only": " \t\n\u00a0 ",
    "a phone 50,000 long": "+91 " + "9" * 50_000,
    "an email 50,000 long": "a" * 50_000 + "@x.example",
    "an email with NUL": "orders\x00@asha.example",
    "full-width digits": "９８４５０１２３４５",
    "superscript digits": "²³",
}
# Every box on the log page a person can type into, and the journal's other text filters.
TYPED_FIELDS = ("text", "operator", "profile_name", "phone", "email", "customer_name", "order_id", "run_id")


def add(journal: Journal, *, message: str = "Order Added successfully !", **columns: Any) -> int:
    with journal.sessions.begin() as session:
        values: dict[str, Any] = {
            "created_at": T0,
            "profile_name": "Sandbox",
            "base_url": "http://127.0.0.1:9",
            "operation": "add",
            "source": "form",
            "request_body": "{}",
            "payload_hash": "a" * 64,
            "customer_name": "Asha Traders",
            "phone": "+91 98450 12345",
            "email": "orders@asha.example",
            **columns,
        }
        submission_id = submissions.begin(session, **values)
        submissions.finish(
            session,
            submission_id,
            Finish(outcome="rejected", finished_at=T0, message=message, duration_ms=120.0),
        )
    return submission_id


@pytest.fixture
def rows(journal: Journal) -> dict[str, int]:
    """A journal holding what the hostile searches should (and should not) find."""
    return {
        "asha": add(journal),
        "long": add(journal, customer_name="Long Message Ltd", message=f"[{LONG}]"),
        "wildcards": add(journal, customer_name="Percent Ltd", message="Discount 100%_\\ not allowed"),
        "plain": add(journal, customer_name="Plain Ltd", message="Discount 1000 not allowed"),
        "emoji": add(journal, customer_name="😀 Sweets"),
        "rtl": add(journal, customer_name="مرحبا بالعالم Foods"),
        # How half an emoji is kept: as its escape, the six characters \ud83d.
        "half emoji": add(journal, customer_name="Bad \\ud83d Name"),
    }


def answer(journal: Journal, where: SubmissionFilter) -> set[int]:
    """What the log page runs for a filter: the first page, the summary and chart, and the export."""
    shown = log.page(journal, where, 1, per_page=100)
    summary, days = log.overview(journal, where)
    assert summary.total == shown.total == sum(day.count for day in days)
    exported = log.write_csv(journal, where, io.StringIO())
    assert exported == shown.total
    return {row.id for row in shown.rows}


@pytest.mark.parametrize("typed", CORPUS.values(), ids=CORPUS.keys())
def test_any_typed_text_in_any_box_gets_an_answer(journal: Journal, rows: dict[str, int], typed: str) -> None:
    for field in TYPED_FIELDS:
        found = answer(journal, SubmissionFilter(**{field: typed}))
        assert found <= set(rows.values()), field


def test_a_50000_character_search_finds_the_message_holding_it(
    journal: Journal, rows: dict[str, int]
) -> None:
    assert answer(journal, SubmissionFilter(text=LONG)) == {rows["long"]}
    assert answer(journal, SubmissionFilter(text=LONG + "b")) == set()


@pytest.mark.parametrize("label", ["50,000 digits", "# and 30 digits", "# past the largest id", "SQL"])
def test_what_no_entry_can_match_finds_nothing(journal: Journal, rows: dict[str, int], label: str) -> None:
    assert answer(journal, SubmissionFilter(text=CORPUS[label])) == set()
    assert answer(journal, SubmissionFilter()) == set(rows.values())  # and the journal is whole


def test_like_wildcards_are_literal(journal: Journal, rows: dict[str, int]) -> None:
    assert answer(journal, SubmissionFilter(text="%_\\")) == {rows["wildcards"]}
    assert answer(journal, SubmissionFilter(text="100%_")) == {rows["wildcards"]}


def test_emoji_and_right_to_left_names_are_found_by_their_start(
    journal: Journal, rows: dict[str, int]
) -> None:
    assert answer(journal, SubmissionFilter(text="😀")) == {rows["emoji"]}
    assert answer(journal, SubmissionFilter(text="مرحبا")) == {rows["rtl"]}


def test_half_an_emoji_searches_for_the_escape_it_is_kept_as(journal: Journal, rows: dict[str, int]) -> None:
    assert answer(journal, SubmissionFilter(text="bad \ud83d")) == {rows["half emoji"]}
    assert answer(journal, SubmissionFilter(customer_name="Bad \ud83d Name")) == {rows["half emoji"]}


def test_whitespace_only_is_an_empty_box(journal: Journal, rows: dict[str, int]) -> None:
    everything = answer(journal, SubmissionFilter())
    assert answer(journal, SubmissionFilter(text=" \t\n\u00a0 ")) == everything == set(rows.values())


def test_a_nul_in_the_box_is_no_crash_and_finds_what_holds_its_escape(
    journal: Journal, rows: dict[str, int]
) -> None:
    kept = add(journal, customer_name="Nul\\x00 Ltd")  # a NUL is kept as its escape: \x00
    assert answer(journal, SubmissionFilter(text="nul\x00")) == {kept}
    assert answer(journal, SubmissionFilter(operator="\x00")) == set()
