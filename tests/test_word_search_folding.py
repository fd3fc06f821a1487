"""Words are found however they are spelt (ß, ẞ, İ, accents), a common word's count stops at a cap,
the newest come first, and a phone typed with its extension finds its entries; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services import log
from services.journal import Journal
from storage import submissions
from storage.submissions import SubmissionFilter, fold, search_words, words_of
from tests.test_log import add, ids_of

T0 = datetime(2024, 5, 1, 9, tzinfo=UTC)


@pytest.fixture
def spelt(journal: Journal) -> dict[str, int]:
    """Names and messages whose words each database's own folding got wrong."""
    return {
        "strasse": add(journal, customer_name="Straße Möbel GmbH"),
        "capital sharp s": add(journal, customer_name="GROẞHANDEL KÖLN"),
        "istanbul": add(journal, customer_name="İstanbul Halı Evi"),
        "jose": add(journal, customer_name="Asha Traders", outcome="rejected", message="José está ausente"),
        "cafe": add(journal, customer_name="Crème Brûlée Café"),
        "plain": add(journal, customer_name="Jose Cloth House"),
    }


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [
        ("Straße", {"strasse"}),
        ("strasse", {"strasse"}),
        ("STRASSE ", {"strasse"}),
        ("STRAẞE", {"strasse"}),
        ("großhandel", {"capital sharp s"}),
        ("Grosshandel köln", {"capital sharp s"}),
        ("İstanbul", {"istanbul"}),
        ("istanbul ", {"istanbul"}),
        ("ISTANBUL", {"istanbul"}),
        ("hali", {"istanbul"}),  # the Turkish dotless ı, typed as an i
        ("José ", {"jose", "plain"}),
        ("jose ", {"jose", "plain"}),
        ("esta ausente", {"jose"}),
        ("creme brulee", {"cafe"}),
        ("CRÈME BRÛLÉE CAFÉ", {"cafe"}),
        ("möbel", {"strasse"}),
        ("mobel", {"strasse"}),
    ],
)
def test_sharp_s_dotted_i_and_accents_are_found_however_typed(
    journal: Journal, spelt: dict[str, int], typed: str, wanted: set[str]
) -> None:
    assert ids_of(journal, text=typed) == {spelt[name] for name in wanted}


def test_one_folding_rule_for_what_is_indexed_and_what_is_searched() -> None:
    assert fold("Straße") == fold("STRAẞE") == fold("strasse") == "strasse"
    assert fold("İstanbul") == "istanbul"
    assert fold("José") == "jose"
    assert words_of("Crème-Brûlée, Café!") == "creme brulee cafe"
    assert search_words("Crème-Brûlée, Café! crème") == ["creme", "brulee", "cafe"]
    # Letters of other scripts keep their marks: Cyrillic й is not и, a Devanagari vowel sign stays.
    assert fold("Йошкар") == "йошкар"
    assert words_of("राम किताब") == "राम किताब"


def test_a_word_longer_than_the_index_keeps_is_left_out_of_it() -> None:
    assert words_of("short " + "a" * 201 + " end") == "short end"


def test_a_common_words_count_stops_at_the_cap_and_says_so(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(submissions, "COUNT_CAP", 5)
    steel = [add(journal, created_at=T0 + timedelta(minutes=n), customer_name=f"Steel {n}") for n in range(7)]
    add(journal, created_at=T0, customer_name="Asha Traders")

    found = log.page(journal, SubmissionFilter(text="steel "), 1, per_page=3)

    assert (found.total, found.total_capped, found.total_text) == (5, True, "more than 5")
    assert [row.id for row in found.rows] == steel[::-1][:3]  # the newest three
    typed = log.page(journal, SubmissionFilter(text="Stee"), 1, per_page=3)  # a word still being typed
    assert (typed.total_text, [row.id for row in typed.rows]) == ("more than 5", steel[::-1][:3])
    few = log.page(journal, SubmissionFilter(text="steel 3"), 1, per_page=3)
    assert (few.total, few.total_capped, few.total_text) == (1, False, "1")
    # Filters other than the words are counted too, up to the cap.
    assert log.page(journal, SubmissionFilter(text="asha"), 1).total_text == "1"


def test_a_word_search_lists_the_newest_first_whatever_order_rows_were_written_in(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written out of time order (a row imported late): the page follows the time, not the entry number.
    late = add(journal, created_at=T0 - timedelta(days=400), customer_name="Steel Imports Old")
    newest = add(journal, created_at=T0 + timedelta(days=1), customer_name="Steel Works New")
    middle = add(journal, created_at=T0, customer_name="Steel Traders Middle")
    oldest = add(journal, created_at=T0 - timedelta(days=800), customer_name="Steel Oldest")
    expected = [newest, middle, late, oldest]
    for by_time in (False, True):
        plan = submissions._Plan(page_by_time=by_time, count_by_time=by_time, all_by_time=by_time)
        monkeypatch.setattr(submissions, "_plan", lambda *_args, plan=plan: plan)
        found = log.page(journal, SubmissionFilter(text="steel "), 1, per_page=10)
        assert [row.id for row in found.rows] == expected, by_time
        assert found.total == 4
        summary, _ = log.overview(journal, SubmissionFilter(text="steel "))
        assert summary.total == 4
    assert [row.id for row in log.page(journal, SubmissionFilter(text="steel "), 2, per_page=3).rows] == [
        oldest
    ]


def test_either_way_of_reading_a_word_search_within_dates_finds_the_same_rows(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside = add(journal, created_at=T0, customer_name="Bharat Steel")
    add(journal, created_at=T0 - timedelta(days=3), customer_name="Bharat Steel")
    add(journal, created_at=T0, customer_name="Asha Traders")
    dates = {"created_from": T0 - timedelta(hours=1), "created_to": T0 + timedelta(hours=1)}
    for by_time in (False, True):
        plan = submissions._Plan(page_by_time=by_time, count_by_time=by_time, all_by_time=by_time)
        monkeypatch.setattr(submissions, "_plan", lambda *_args, plan=plan: plan)
        assert ids_of(journal, text="steel", **dates) == {inside}, by_time
        summary, _ = log.overview(journal, SubmissionFilter(text="steel", **dates))
        assert summary.total == 1, by_time


@pytest.mark.parametrize(
    "typed",
    [
        "+91 98450 12345 ext 12",
        "+91 98450 12345 ext. 12",
        "+91-98450-12345 x12",
        "98450 12345 extn 4",
        "+919845012345;ext=12",
        "+91 98450 12345 #12",
        "+91 98450 12345 EXT 12",
    ],
)
def test_a_phone_typed_with_its_extension_finds_the_number(journal: Journal, typed: str) -> None:
    asha = add(journal, customer_name="Asha Traders", phone="+91 98450 12345 ext 12")
    add(journal, customer_name="Bharat Steel", phone="+91 90000 11111")
    assert ids_of(journal, text=typed) == {asha}


def test_an_extension_without_a_possible_phone_is_words(journal: Journal) -> None:
    unit = add(journal, customer_name="Unit 45 x 12 Traders")
    assert ids_of(journal, text="45 x 12") == {unit}
