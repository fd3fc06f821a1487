"""The submission log's verbs (services/log.py and the journal under it), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import text, update

from bench.seed import seed
from kapture import KaptureClient, OrderPayload
from sandbox import Sandbox
from services import log
from services.journal import Journal
from services.submit import Context, Submitter
from storage import submissions
from storage.models import Submission
from storage.submissions import Finish, SubmissionFilter, Summary

IST = timezone(timedelta(hours=5, minutes=30))


def summary(journal: Journal, where: SubmissionFilter) -> Summary:
    return log.overview(journal, where)[0]


def per_day(journal: Journal, where: SubmissionFilter) -> list:
    return log.overview(journal, where)[1]


def add(
    journal: Journal,
    *,
    created_at: datetime | None = None,
    outcome: str = "success",
    customer_name: str = "Asha Traders",
    phone: str = "+91 98450-12345",
    email: str = "orders@asha.example",
    order_id: str = "",
    message: str = "Order Added successfully !",
    duration_ms: float | None = 200.0,
    source: str = "form",
    operator: str = "Meera",
    request_body: str | None = None,
    **columns: Any,
) -> int:
    """One finished journal row, written the way the submitter writes it; its id."""
    created = created_at or datetime.now(UTC)
    body = request_body or json.dumps(
        {"customer_info": {"customer_name": customer_name, "phone": phone, "email_id": email}}
    )
    with journal.sessions.begin() as session:
        submission_id = submissions.begin(
            session,
            created_at=created,
            **{"profile_name": "Sandbox", "base_url": "http://127.0.0.1:9", "operation": "add", **columns},
            source=source,
            operator=operator,
            request_body=body,
            payload_hash=uuid.uuid4().hex,
            customer_name=customer_name,
            phone=phone,
            email=email,
        )
        submissions.finish(
            session,
            submission_id,
            Finish(
                outcome=outcome,
                finished_at=created + timedelta(milliseconds=duration_ms or 0),
                http_status=200,
                message=message,
                response_body=json.dumps({"status": "success", "message": message}),
                ids={"order_id": order_id} if order_id else {},
                duration_ms=duration_ms,
            ),
        )
    return submission_id


def found_ids(journal: Journal, where: SubmissionFilter) -> list[int]:
    page = log.page(journal, where, 1, per_page=1000)
    return [row.id for row in page.rows]


def ids_of(journal: Journal, **where: Any) -> set[int]:
    return set(found_ids(journal, SubmissionFilter(**where)))


def row_of(journal: Journal, submission_id: int) -> Submission:
    row = log.entry(journal, submission_id)
    assert row is not None
    return row


# --- the one search box -------------------------------------------------------------------------


@pytest.fixture
def people(journal: Journal) -> dict[str, int]:
    """A small journal of distinct people, each findable one way."""
    return {
        "asha": add(
            journal,
            customer_name="Asha Traders",
            phone="+91 98450-12345",
            order_id="23518266",
            email="Orders@Asha.example",
        ),
        "bharat": add(
            journal,
            customer_name="Bharat Steel",
            phone="9000011111",
            email="buy@bharat.example",
            order_id="23518267",
        ),
        "chennai": add(
            journal,
            customer_name="Chennai Silks",
            phone="+91 90000 22222",
            email="c@silk.example",
            outcome="rejected",
            message="customer_info.phone is mandatory",
        ),
        "percent": add(
            journal,
            customer_name="Delhi Darbar",
            phone="9000033333",
            email="d@darbar.example",
            outcome="rejected",
            message="Discount 100% not allowed",
        ),
        "underscore": add(
            journal,
            customer_name="Everest Foods",
            phone="9000044444",
            email="e@ev.example",
            outcome="rejected",
            message="unknown key order_info",
        ),
        "plain": add(
            journal,
            customer_name="Fortune Agro",
            phone="9000055555",
            email="f@agro.example",
            outcome="rejected",
            message="Discount 1000 not allowed; unknown key orderXinfo",
        ),
    }


@pytest.mark.parametrize(
    "typed",
    [
        "9845012345",
        "+91 98450-12345",
        "+91 98450 12345",
        "+919845012345",
        "098450 12345",
        "98450-12345",
        " 9845012345 ",
        "+91 (98450) 12345",
        "(+91) 98450 12345",
        "98450.12345",
        "+91-98450-12345",
    ],
)
def test_a_phone_in_any_format_finds_its_submissions(
    journal: Journal, people: dict[str, int], typed: str
) -> None:
    assert ids_of(journal, text=typed) == {people["asha"]}


def test_a_number_finds_the_order_id(journal: Journal, people: dict[str, int]) -> None:
    assert ids_of(journal, text="23518267") == {people["bharat"]}
    assert ids_of(journal, text=" 23518266 ") == {people["asha"]}
    assert ids_of(journal, text="23518299") == set()


@pytest.mark.parametrize("typed", ["orders@asha.example", "ORDERS@ASHA.EXAMPLE", "Orders@Asha.Example "])
def test_an_email_in_any_case_finds_its_submissions(
    journal: Journal, people: dict[str, int], typed: str
) -> None:
    assert ids_of(journal, text=typed) == {people["asha"]}


@pytest.mark.parametrize("typed", ["asha", "ASHA", "Asha Tr", "asha  traders", "Bh"])
def test_the_start_of_a_name_in_any_case_finds_it(
    journal: Journal, people: dict[str, int], typed: str
) -> None:
    expected = people["bharat"] if typed == "Bh" else people["asha"]
    assert ids_of(journal, text=typed) == {expected}


def test_the_middle_of_a_name_is_not_its_start(journal: Journal, people: dict[str, int]) -> None:
    assert ids_of(journal, text="Traders") == set()


@pytest.mark.parametrize("typed", ["mandatory", "MANDATORY", "is Mandatory", "phone is mandatory"])
def test_words_of_kaptures_message_find_it_in_any_case(
    journal: Journal, people: dict[str, int], typed: str
) -> None:
    assert ids_of(journal, text=typed) == {people["chennai"]}


def test_percent_and_underscore_typed_in_the_box_are_literal(
    journal: Journal, people: dict[str, int]
) -> None:
    # As wildcards, "100%" would also match "1000" and "order_info" would match "orderXinfo".
    assert ids_of(journal, text="100%") == {people["percent"]}
    assert ids_of(journal, text="%") == {people["percent"]}
    assert ids_of(journal, text="order_info") == {people["underscore"]}
    assert ids_of(journal, text="_") == {people["underscore"], people["chennai"]}  # customer_info
    assert ids_of(journal, text="%%%") == set()


def test_the_search_box_combines_with_the_other_filters(journal: Journal, people: dict[str, int]) -> None:
    assert ids_of(journal, text="discount") == {people["percent"], people["plain"]}
    assert ids_of(journal, text="discount", outcomes=("success",)) == set()
    assert ids_of(journal, text="", outcomes=("success",)) == {people["asha"], people["bharat"]}


# --- summary and per day ------------------------------------------------------------------------


def test_the_summary_of_a_known_set(journal: Journal) -> None:
    for ms in (300.0, 100.0, 200.0):
        add(journal, outcome="success", duration_ms=ms)
    add(journal, outcome="rejected", duration_ms=400.0)
    add(journal, outcome="http_error", duration_ms=1000.0)
    add(journal, outcome="unknown", duration_ms=None)  # no duration: counted, but not in the times

    got = summary(journal, SubmissionFilter())

    assert got.total == 6
    assert got.by_outcome == {"success": 3, "rejected": 1, "http_error": 1, "unknown": 1}
    assert got.success_rate == pytest.approx(0.5)
    assert got.median_ms == pytest.approx(300.0)  # of 100, 200, 300, 400, 1000
    assert got.p95_ms == pytest.approx(880.0)  # 400 + 0.8 × (1000 − 400), linear between ranks


def test_the_summary_follows_the_filter_and_an_even_count_takes_the_middle(journal: Journal) -> None:
    for ms in (100.0, 200.0, 300.0, 400.0):
        add(journal, outcome="success", duration_ms=ms)
    add(journal, outcome="rejected", duration_ms=5000.0)

    got = summary(journal, SubmissionFilter(outcomes=("success",)))

    assert (got.total, got.by_outcome, got.success_rate) == (4, {"success": 4}, 1.0)
    assert got.median_ms == pytest.approx(250.0)
    assert got.p95_ms == pytest.approx(385.0)


def test_the_summary_of_nothing_is_empty_not_zero(journal: Journal) -> None:
    add(journal, outcome="success")
    for got in (
        summary(journal, SubmissionFilter(outcomes=("rejected",))),
        summary(journal, SubmissionFilter(text="nobody at all")),
    ):
        assert got.total == 0
        assert got.by_outcome == {}
        assert got.success_rate is None
        assert got.median_ms is None
        assert got.p95_ms is None


def _use_indian_time_on_postgres(journal: Journal) -> None:
    """Make the database's own clock zone Asia/Kolkata, so only a UTC-aware day is right."""
    if journal.engine.dialect.name != "postgresql":
        return
    with journal.engine.connect() as connection:
        name = connection.execute(text("select current_database()")).scalar_one()
        connection.execute(text(f"ALTER DATABASE \"{name}\" SET TimeZone TO 'Asia/Kolkata'"))
        connection.commit()
    journal.engine.dispose()


def test_per_day_counts_by_utc_day_and_outcome(journal: Journal) -> None:
    _use_indian_time_on_postgres(journal)
    late = datetime(2024, 3, 9, 23, 30, tzinfo=UTC)
    early = datetime(2024, 3, 10, 0, 30, tzinfo=UTC)
    add(journal, created_at=late, outcome="success")
    add(journal, created_at=late.astimezone(IST), outcome="success")  # the same instant, written in IST
    add(journal, created_at=early, outcome="success")
    add(journal, created_at=early + timedelta(hours=1), outcome="rejected")
    add(journal, created_at=datetime(2024, 3, 12, 12, 0, tzinfo=UTC), outcome="rejected")

    got = per_day(journal, SubmissionFilter())

    assert sorted(got) == [
        (date(2024, 3, 9), "success", 2),
        (date(2024, 3, 10), "rejected", 1),
        (date(2024, 3, 10), "success", 1),
        (date(2024, 3, 12), "rejected", 1),
    ]
    assert [day for day, _, _ in got] == sorted(day for day, _, _ in got)  # oldest day first
    assert all(type(day) is date for day, _, _ in got)


def test_per_day_follows_the_filter(journal: Journal) -> None:
    day = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
    add(journal, created_at=day, outcome="success", source="form")
    add(journal, created_at=day, outcome="success", source="editor")
    add(journal, created_at=day - timedelta(days=1), outcome="success", source="editor")

    got = per_day(journal, SubmissionFilter(sources=("editor",), created_from=day - timedelta(hours=1)))

    assert got == [(date(2024, 3, 10), "success", 1)]
    assert per_day(journal, SubmissionFilter(outcomes=("rejected",))) == []


# --- retention ----------------------------------------------------------------------------------


def test_only_entries_older_than_the_days_are_counted_and_deleted(journal: Journal) -> None:
    now = datetime.now(UTC)
    old = [add(journal, created_at=now - timedelta(days=days)) for days in (40, 31)]
    kept = [add(journal, created_at=now - timedelta(days=days)) for days in (29, 1, 0)]

    assert log.count_older_than(journal, 30) == 2
    assert log.count_older_than(journal, 60) == 0
    assert log.count_older_than(journal, 1) == 4
    assert log.delete_older_than(journal, 60) == 0
    assert log.delete_older_than(journal, 30) == 2

    left = ids_of(journal)
    assert left == set(kept)
    assert not left & set(old)
    assert log.count_older_than(journal, 30) == 0
    assert summary(journal, SubmissionFilter()).total == 3


@pytest.mark.parametrize("days", [0, -1, -365])
def test_keeping_fewer_than_one_day_is_refused(journal: Journal, days: int) -> None:
    add(journal, created_at=datetime.now(UTC) - timedelta(hours=2))
    with pytest.raises(ValueError, match="at least one day"):
        log.count_older_than(journal, days)
    with pytest.raises(ValueError, match="at least one day"):
        log.delete_older_than(journal, days)
    assert summary(journal, SubmissionFilter()).total == 1


# --- export -------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","y")', "+91 98450", "-2", "@SUM(A1)"]


@pytest.fixture
def exportable(journal: Journal) -> dict[str, Any]:
    """Rows whose names or messages Excel would take for formulas, ordinary rows, and rows filtered out."""
    start = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    made: list[int] = []
    for n, formula in enumerate(FORMULAS):
        made.append(
            add(
                journal,
                created_at=start + timedelta(minutes=n),
                customer_name=formula,
                phone=f"900000000{n}",
                message="Order Added successfully !",
            )
        )
        made.append(
            add(
                journal,
                created_at=start + timedelta(minutes=n, seconds=30),
                customer_name=f"Plain {n}",
                phone=f"900000001{n}",
                message=formula,
            )
        )
    ordinary = add(
        journal,
        created_at=start + timedelta(minutes=10),
        customer_name="Asha Traders",
        phone="9845012345",
        message="Order Added successfully !",
        order_id="23518266",
    )
    made.append(ordinary)
    # Outside the filter: another day, and another source on the same day.
    add(journal, created_at=start - timedelta(days=1), customer_name="Yesterday Ltd")
    add(journal, created_at=start + timedelta(minutes=5), customer_name="Editor Ltd", source="editor")
    where = SubmissionFilter(sources=("form",), created_from=start, created_to=start + timedelta(days=1))
    return {"ids": made, "ordinary": ordinary, "where": where}


def read_csv(journal: Journal, where: SubmissionFilter) -> tuple[int, list[list[str]]]:
    out = io.StringIO(newline="")
    count = log.write_csv(journal, where, out)
    return count, list(csv.reader(io.StringIO(out.getvalue(), newline="")))


def read_jsonl(journal: Journal, where: SubmissionFilter) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    count = log.write_jsonl(journal, where, out)
    lines = out.getvalue().splitlines()
    return count, [json.loads(line) for line in lines]


def test_csv_has_a_header_and_every_matching_row_newest_first(
    journal: Journal, exportable: dict[str, Any]
) -> None:
    count, (header, *lines) = read_csv(journal, exportable["where"])

    assert header == list(log.EXPORT_COLUMNS)
    assert count == len(lines) == len(exportable["ids"])
    column = {name: i for i, name in enumerate(header)}
    assert [int(line[column["id"]]) for line in lines] == sorted(exportable["ids"], reverse=True)
    assert all(len(line) == len(header) for line in lines)


def test_csv_cells_excel_would_run_start_with_an_apostrophe(
    journal: Journal, exportable: dict[str, Any]
) -> None:
    _, (header, *lines) = read_csv(journal, exportable["where"])
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    names = {row["customer_name"] for row in rows}
    messages = {row["message"] for row in rows}

    for formula in FORMULAS:
        assert "'" + formula in names
        assert "'" + formula in messages
        assert formula not in names | messages
    ordinary = next(row for row in rows if int(row["id"]) == exportable["ordinary"])
    assert ordinary["customer_name"] == "Asha Traders"
    assert ordinary["message"] == "Order Added successfully !"
    assert ordinary["order_id"] == "23518266"
    assert ordinary["phone"] == "9845012345"
    assert ordinary["outcome"] == "success"
    assert ordinary["created_at"] == "2024-05-01T09:10:00+00:00"
    assert json.loads(ordinary["request_body"])["customer_info"]["customer_name"] == "Asha Traders"
    assert {f"Plain {n}" for n in range(len(FORMULAS))} <= names


def test_json_lines_hold_the_same_rows_as_they_are(journal: Journal, exportable: dict[str, Any]) -> None:
    count, objects = read_jsonl(journal, exportable["where"])
    _, (_, *lines) = read_csv(journal, exportable["where"])

    assert count == len(objects) == len(exportable["ids"])
    assert [obj["id"] for obj in objects] == [int(line[0]) for line in lines]
    assert all(list(obj) == list(log.EXPORT_COLUMNS) for obj in objects)
    names = {obj["customer_name"] for obj in objects}
    messages = {obj["message"] for obj in objects}
    assert set(FORMULAS) <= names
    assert set(FORMULAS) <= messages
    assert not any(str(value).startswith("'") for value in names | messages)
    ordinary = next(obj for obj in objects if obj["id"] == exportable["ordinary"])
    assert ordinary["created_at"] == "2024-05-01T09:10:00+00:00"
    assert ordinary["duration_ms"] == pytest.approx(200.0)
    assert ordinary["http_status"] == 200


def test_an_export_of_nothing_is_a_header_alone(journal: Journal, exportable: dict[str, Any]) -> None:
    where = SubmissionFilter(text="nobody at all")
    count, lines = read_csv(journal, where)
    assert (count, lines) == (0, [list(log.EXPORT_COLUMNS)])
    assert read_jsonl(journal, where) == (0, [])


def _counted(lines: Iterable[str]) -> int:
    return sum(1 for _ in lines)


def test_twenty_thousand_rows_stream_out(journal: Journal, tmp_path) -> None:
    seed(journal.engine, 20_000, now=datetime.now(UTC))
    where = SubmissionFilter()

    with (tmp_path / "all.csv").open("w", encoding="utf-8", newline="") as out:
        assert log.write_csv(journal, where, out) == 20_000
    with (tmp_path / "all.csv").open(encoding="utf-8", newline="") as back:
        rows = csv.reader(back)
        assert next(rows) == list(log.EXPORT_COLUMNS)
        ids = [int(row[0]) for row in rows]
    assert len(ids) == len(set(ids)) == 20_000
    assert ids[0] > ids[-1]  # newest first

    with (tmp_path / "all.jsonl").open("w", encoding="utf-8") as out:
        assert log.write_jsonl(journal, where, out) == 20_000
    with (tmp_path / "all.jsonl").open(encoding="utf-8") as back:
        assert _counted(back) == 20_000


# --- check in Kapture ---------------------------------------------------------------------------


def mark_unknown(journal: Journal, submission_id: int) -> None:
    """As if the answer never came: outcome unknown, no order id known (the phone stays)."""
    with journal.sessions.begin() as session:
        session.execute(
            update(Submission)
            .where(Submission.id == submission_id)
            .values(
                outcome="unknown",
                order_id="",
                customer_id="",
                enquiry_id="",
                contact_id="",
                response_body="",
                message="",
                http_status=None,
            )
        )


def test_an_order_kapture_has_with_the_entrys_erp_id_is_found_and_the_check_recorded(
    journal: Journal, submitter: Submitter, client: KaptureClient, sandbox: Sandbox, order: OrderPayload
) -> None:
    order.order_info.erp_order_id = "ERP-1001"
    sent = submitter.submit(order, context=Context(operator="Meera")).submission
    assert sent is not None and sent.outcome == "success"
    (stored,) = sandbox.state.orders()
    mark_unknown(journal, sent.id)
    before = datetime.now(UTC)

    checked = log.check_in_kapture(journal, client, 1, sent.id)

    assert checked.found is True
    assert checked.order_id == str(stored.order_id)
    assert str(stored.order_id) in checked.summary
    row = row_of(journal, sent.id)
    assert row.phone == "+91 98450-12345"
    assert row.checked_at is not None and row.checked_at >= before - timedelta(seconds=1)
    assert row.check_result == checked.summary
    assert row.checked_order_id == str(stored.order_id)
    assert row.outcome == "unknown"  # the check is recorded beside the outcome, not over it


def test_orders_found_only_by_phone_are_listed_but_not_claimed_as_this_entrys(
    journal: Journal, submitter: Submitter, client: KaptureClient, sandbox: Sandbox, order: OrderPayload
) -> None:
    sent = submitter.submit(order, context=Context(operator="Meera")).submission
    assert sent is not None
    order.order_info.remarks = "a second order of the same customer"
    submitter.submit(order, context=Context(operator="Meera"))
    first, second = sandbox.state.orders()
    mark_unknown(journal, sent.id)

    checked = log.check_in_kapture(journal, client, 1, sent.id)

    assert checked.found is True
    assert checked.order_id == ""  # the phone's orders may be other orders of the customer
    assert "Kapture has 2 orders for phone +91 98450-12345" in checked.summary
    assert str(first.order_id) in checked.summary and str(second.order_id) in checked.summary
    assert "compare them with this entry before sending it again" in checked.summary
    row = row_of(journal, sent.id)
    assert row.check_result == checked.summary
    assert row.checked_order_id == ""


def test_an_unknown_update_of_an_order_made_on_an_earlier_day_is_found(
    journal: Journal, submitter: Submitter, client: KaptureClient, sandbox: Sandbox, order: OrderPayload
) -> None:
    submitter.submit(order, context=Context(operator="Meera"))
    (stored,) = sandbox.state.orders()
    made = sandbox.state._orders[stored.order_id]  # the sandbox only makes orders "now"
    made.create_date = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()  # an order of days ago
    order.order_info.order_id = str(stored.order_id)
    sent = submitter.submit(order, operation="update", context=Context(operator="Meera")).submission
    assert sent is not None and sent.order_id == str(stored.order_id)
    with journal.sessions.begin() as session:  # the update's answer never came
        session.execute(update(Submission).where(Submission.id == sent.id).values(outcome="unknown"))

    checked = log.check_in_kapture(journal, client, 1, sent.id)

    assert "most likely not created" not in checked.summary
    assert checked.found is True
    assert str(stored.order_id) in checked.summary


def test_a_phone_kapture_never_saw_is_most_likely_not_created(
    journal: Journal, client: KaptureClient, sandbox: Sandbox, submitter: Submitter, order: OrderPayload
) -> None:
    submitter.submit(order, context=Context(operator="Meera"))  # Kapture knows another phone
    lost = add(
        journal,
        created_at=datetime.now(UTC) - timedelta(minutes=10),  # Kapture has had time to make it
        outcome="unknown",
        phone="+91 90000 00001",
        customer_name="Nobody Ltd",
        message="",
        base_url=sandbox.url,
    )

    checked = log.check_in_kapture(journal, client, 1, lost)

    assert checked.found is False
    assert "most likely not created" in checked.summary
    assert checked.order_id == ""
    row = row_of(journal, lost)
    assert row.checked_at is not None
    assert row.check_result == checked.summary
    assert row.checked_order_id == ""


def test_a_check_that_cannot_reach_kapture_says_so(
    journal: Journal, client: KaptureClient, sandbox: Sandbox
) -> None:
    lost = add(journal, outcome="unknown", phone="+91 90000 00001", message="", base_url=sandbox.url)
    sandbox.set_faults(mode="drop_connection")

    checked = log.check_in_kapture(journal, client, 1, lost)

    assert checked.found is None
    assert "Could not check" in checked.summary
    assert sandbox.state.requests, "the look-up was tried"
    assert row_of(journal, lost).checked_order_id == ""


def test_checking_an_entry_that_does_not_exist(journal: Journal, client: KaptureClient) -> None:
    checked = log.check_in_kapture(journal, client, 1, 999_999)
    assert checked.found is None
    assert "#999999" in checked.summary


ORDER = {"order_id": 23518266, "customer_name": "Asha Traders"}


@pytest.mark.parametrize(
    "answer",
    [
        {"status": "success", "message": "Orders fetched successfully", "orderList": [ORDER]},
        {"status": "success", "data": [ORDER]},
        {"status": "success", "data": {"orderList": [ORDER]}},
        {"status": "success", "message": [ORDER]},
    ],
    ids=["orderList", "data", "data-orderList", "message"],
)
def test_found_orders_finds_the_list_wherever_it_sits(answer: Any) -> None:
    assert log.found_orders(answer) == [ORDER]


def test_a_well_formed_empty_list_is_no_orders() -> None:
    assert log.found_orders({"status": "success", "message": "No orders", "orderList": []}) == []


@pytest.mark.parametrize(
    "answer",
    [
        None,
        "Orders fetched successfully",
        42,
        {},
        [ORDER],  # no status: nobody said it worked
        {"status": "failed", "orderList": []},
        {"status": "Success", "orderList": []},
        {"status": "success", "message": "No orders found"},
        {"status": "success", "orderDetails": [ORDER]},
        {"status": "success", "orderList": "none"},
        {"status": "success", "orderList": None},
        {"status": "success", "orderList": [], "data": [ORDER]},
        {"status": "success", "orderList": [{"customer_name": "Asha Traders"}]},
        {"status": "success", "orderList": [{"order_id": None}]},
        {"status": "success", "orderList": [{"order_id": True}]},
        {"status": "success", "orderList": [{"order_id": "12a"}]},
        {"status": "success", "orderList": [{"order_id": 1.5}]},
        {"status": "success", "orderList": [ORDER, "two"]},
        {"Order": {"order_id": 1}},
    ],
)
def test_found_orders_of_an_odd_answer_is_none(answer: Any) -> None:
    assert log.found_orders(answer) is None


def test_a_hash_and_a_number_find_the_journal_entry_itself(journal: Journal, people: dict[str, int]) -> None:
    assert ids_of(journal, text=f"#{people['bharat']}") == {people["bharat"]}


def test_the_journals_phone_region_keys_and_finds_local_phones(
    database_url: str, client: KaptureClient, profile, order: OrderPayload
) -> None:
    """KAPTURE_PHONE_REGION reaches the journal: a UAE desk's local 050 number is +971, not +91."""
    from services.journal import open_journal

    journal = open_journal(database_url, pending_grace=timedelta(minutes=5), phone_region="AE")
    try:
        order.customer_info.phone = "050 123 4567"
        sent = Submitter(journal, client, profile).submit(order, context=Context(operator="Meera"))
        assert sent.submission is not None and sent.submission.phone_key == "+971501234567"
        found = log.page(journal, SubmissionFilter(text="050 123 4567"), 1)
        assert [row.id for row in found.rows] == [sent.submission.id]
        assert log.page(journal, SubmissionFilter(text="+91 50 123 4567"), 1).total == 0
    finally:
        journal.close()
