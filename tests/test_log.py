"""The submission log's verbs (services/log.py and the journal under it), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from xml.etree import ElementTree

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


def per_day(journal: Journal, where: SubmissionFilter, zone: str = "UTC") -> list:
    """(day, outcome, count), oldest day first: the overview's days with their HTTP statuses summed."""
    summed: dict[tuple[date, str], int] = {}
    for day, outcome, _, count in log.overview(journal, where, zone=zone)[1]:
        summed[(day, outcome)] = summed.get((day, outcome), 0) + count
    return [(day, outcome, count) for (day, outcome), count in summed.items()]


def xlsx_rows(data: bytes) -> list[list[tuple[str, str]]]:
    """An exported workbook's first sheet: each cell as (its type, its text); a formula's type is "f"."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
        shared = []
        if "xl/sharedStrings.xml" in book.namelist():
            strings = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{_XL}t")) for si in strings.iter(f"{_XL}si")]
    rows = []
    for row in sheet.iter(f"{_XL}row"):
        cells = []
        for cell in row.iter(f"{_XL}c"):
            kind = "f" if cell.find(f"{_XL}f") is not None else cell.get("t", "n")
            if kind == "s":
                value = shared[int(cell.findtext(f"{_XL}v") or 0)]
            else:
                value = "".join(t.text or "" for t in cell.iter(f"{_XL}t")) or (
                    cell.findtext(f"{_XL}v") or ""
                )
            cells.append((kind, value))
        rows.append(cells)
    return rows


_XL = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


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


def test_a_word_in_the_middle_of_a_name_finds_it(journal: Journal, people: dict[str, int]) -> None:
    assert ids_of(journal, text="Traders") == {people["asha"]}
    assert ids_of(journal, text="silks") == {people["chennai"]}
    assert ids_of(journal, text="Trader") == {people["asha"]}  # still being typed: its start
    assert ids_of(journal, text="Trader ") == set()  # a finished word: the word itself


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


# --- issue 11: plain groups, QA traffic apart, the reader's days, exports people can use ---------


@pytest.fixture
def mixed(journal: Journal) -> dict[str, int]:
    """One entry of each kind a reviewer tells apart, today."""
    made = {
        "went through": add(journal, outcome="success", order_id="23518266"),
        "refused": add(journal, outcome="rejected", message="GST missing"),
        "bad login": add(journal, outcome="auth_failed"),
        "unreachable": add(journal, outcome="network_error"),
        "form refused": add(journal, outcome="invalid"),
        "no answer": add(journal, outcome="timeout_unknown"),
        "editor": add(journal, outcome="success", source="editor"),
        "suite": add(journal, outcome="rejected", source="suite"),
    }
    for name, status in (("server error", 502), ("not found", 404)):
        made[name] = add(journal, outcome="http_error")
        with journal.sessions.begin() as session:
            session.execute(update(Submission).where(Submission.id == made[name]).values(http_status=status))
    return made


def in_view(
    journal: Journal, *, groups: tuple[str, ...] = (), include_qa: bool = False, **where: Any
) -> set[int]:
    return set(
        found_ids(journal, log.narrowed(SubmissionFilter(**where), groups=groups, include_qa=include_qa))
    )


def test_the_default_view_leaves_out_qa_traffic_and_what_the_form_refused(
    journal: Journal, mixed: dict[str, int]
) -> None:
    hidden = {mixed["editor"], mixed["suite"], mixed["form refused"]}
    assert in_view(journal) == set(mixed.values()) - hidden
    assert in_view(journal, include_qa=True) == set(mixed.values()) - {mixed["form refused"]}
    assert in_view(journal, sources=("suite",)) == {mixed["suite"]}  # chosen by name: shown
    got = summary(journal, log.narrowed(SubmissionFilter()))
    assert got.success_rate == pytest.approx(1 / 7)  # the editor's success does not lift it


def test_plain_groups_filter_and_count_with_an_http_error_by_its_status(
    journal: Journal, mixed: dict[str, int]
) -> None:
    assert log.GROUPS == ("Went through", "Refused", "Not sent", "Unknown — check")
    assert in_view(journal, groups=("Went through",)) == {mixed["went through"]}
    assert in_view(journal, groups=("Refused",)) == {mixed["refused"], mixed["bad login"], mixed["not found"]}
    # The form's refusals are there under "Not sent", with what never reached Kapture.
    assert in_view(journal, groups=("Not sent",)) == {mixed["unreachable"], mixed["form refused"]}
    assert in_view(journal, groups=("Unknown — check",)) == {mixed["no answer"], mixed["server error"]}
    assert in_view(journal, groups=("Refused", "Unknown — check"), include_qa=True) == {
        mixed["refused"], mixed["bad login"], mixed["not found"], mixed["no answer"],
        mixed["server error"], mixed["suite"],
    }  # fmt: skip
    counts = log.by_group(summary(journal, log.narrowed(SubmissionFilter())))
    assert counts == {"Went through": 1, "Refused": 3, "Not sent": 1, "Unknown — check": 2}
    assert list(counts) == list(log.GROUPS)


def test_the_ten_technical_outcomes_are_one_click_away(journal: Journal, mixed: dict[str, int]) -> None:
    assert in_view(journal, outcomes=("invalid",)) == {mixed["form refused"]}
    assert in_view(journal, outcomes=("http_error",)) == {mixed["server error"], mixed["not found"]}


def test_a_day_is_the_readers_day(journal: Journal) -> None:
    _use_indian_time_on_postgres(journal)  # the database's own zone must not matter
    add(journal, created_at=datetime(2024, 3, 9, 20, 0, tzinfo=UTC), outcome="success")  # 10 Mar 01:30 IST
    add(journal, created_at=datetime(2024, 3, 10, 17, 0, tzinfo=UTC), outcome="rejected")  # 10 Mar 22:30
    add(journal, created_at=datetime(2024, 3, 10, 19, 0, tzinfo=UTC), outcome="rejected")  # 11 Mar 00:30

    assert per_day(journal, SubmissionFilter(), "UTC") == [
        (date(2024, 3, 9), "success", 1),
        (date(2024, 3, 10), "rejected", 2),
    ]
    in_india = per_day(journal, SubmissionFilter(), "Asia/Kolkata")
    assert sorted(in_india) == [
        (date(2024, 3, 10), "rejected", 1),
        (date(2024, 3, 10), "success", 1),
        (date(2024, 3, 11), "rejected", 1),
    ]
    assert [day for day, _, _ in in_india] == sorted(day for day, _, _ in in_india)  # calendar order
    assert per_day(journal, SubmissionFilter(), "Not/A_Zone") == per_day(journal, SubmissionFilter(), "UTC")


def test_a_day_follows_daylight_saving_time(journal: Journal) -> None:
    # New York moved from UTC−5 to UTC−4 at 07:00 UTC on 10 March 2024.
    before = datetime(2024, 3, 10, 4, 30, tzinfo=UTC)  # 9 March, 23:30 EST
    after = datetime(2024, 3, 11, 3, 30, tzinfo=UTC)  # 10 March, 23:30 EDT (4 h behind, not 5)
    add(journal, created_at=before)
    add(journal, created_at=after)
    add(journal, created_at=datetime(2024, 3, 11, 4, 30, tzinfo=UTC))  # 11 March, 00:30 EDT

    where = SubmissionFilter(
        created_from=datetime(2024, 3, 1, tzinfo=UTC), created_to=datetime(2024, 4, 1, tzinfo=UTC)
    )
    assert per_day(journal, where, "America/New_York") == [
        (date(2024, 3, 9), "success", 1),
        (date(2024, 3, 10), "success", 1),
        (date(2024, 3, 11), "success", 1),
    ]
    assert per_day(journal, SubmissionFilter(), "America/New_York") == per_day(
        journal, where, "America/New_York"
    )


def test_words_anywhere_in_a_name_or_message_are_found_across_all_time(journal: Journal) -> None:
    old = add(journal, created_at=datetime(2019, 1, 5, tzinfo=UTC), customer_name="Bharat Steel Distributors")
    new = add(journal, customer_name="Asha Traders", outcome="rejected", message="Steel grade missing")
    steelman = add(journal, customer_name="Steelman Ltd")  # starts with the word, is not the word
    assert ids_of(journal, text="Steel ") == {old, new}  # a finished word: that word
    assert ids_of(journal, text="Steel") == {old, new, steelman}  # still being typed: its start
    assert ids_of(journal, text="steel distributors") == {old}
    assert ids_of(journal, text="grade missing") == {new}
    assert ids_of(journal, text="José") == set()


def test_a_name_with_accents_is_found_in_any_case_with_or_without_them(journal: Journal) -> None:
    wanted = add(journal, customer_name="Café Mysore")
    cafeteria = add(journal, customer_name="Cafeteria Ltd")
    assert ids_of(journal, text="CAFÉ mys") == {wanted}
    assert ids_of(journal, text="café ") == ids_of(journal, text="CAFE ") == {wanted}  # finished words
    assert ids_of(journal, text="café") == {wanted, cafeteria}  # still being typed: "cafe…"


@pytest.fixture
def invoiced(journal: Journal) -> int:
    body = {
        "customer_info": {"customer_name": "Asha Traders", "phone": "+91 98450 12345"},
        "order_info": {"invoice_no": "INV-2024-0042", "payment_mode": "UPI"},
    }
    return add(
        journal,
        created_at=datetime(2024, 5, 1, 9, 10, 0, 123456, tzinfo=UTC),
        customer_name='=HYPERLINK("http://x","y")',
        phone="+91 98450 12345",
        request_body=json.dumps(body),
        order_id="23518266",
    )


def test_exports_carry_invoice_and_payment_and_times_in_the_readers_zone(
    journal: Journal, invoiced: int
) -> None:
    out = io.StringIO(newline="")
    log.write_csv(journal, SubmissionFilter(), out, zone="Asia/Kolkata", for_excel=False)
    header, line = csv.reader(io.StringIO(out.getvalue(), newline=""))
    row = dict(zip(header, line, strict=True))
    assert (row["invoice_no"], row["payment_mode"]) == ("INV-2024-0042", "UPI")
    assert row["created_at"] == "2024-05-01T14:40:00+05:30"  # to the second, with its offset
    assert row["finished_at"] == "2024-05-01T14:40:00+05:30"
    assert row["result"] == "Went through"
    # For scripts: exactly as stored, no apostrophe before a + or an =.
    assert row["phone"] == "+91 98450 12345"
    assert row["customer_name"] == '=HYPERLINK("http://x","y")'
    excel = io.StringIO(newline="")
    log.write_csv(journal, SubmissionFilter(), excel, zone="Asia/Kolkata")
    header, line = csv.reader(io.StringIO(excel.getvalue(), newline=""))
    assert dict(zip(header, line, strict=True))["phone"] == "'+91 98450 12345"


def test_the_workbook_holds_every_cell_as_text(journal: Journal, invoiced: int) -> None:
    out = io.BytesIO()
    assert log.write_xlsx(journal, SubmissionFilter(), out, zone="Europe/Berlin") == 1
    header, row = xlsx_rows(out.getvalue())
    assert [value for _, value in header] == list(log.EXPORT_COLUMNS)
    assert {kind for kind, _ in header + row} <= {"inlineStr", "s", "str"}, "a number or a formula"
    cells = dict(zip(log.EXPORT_COLUMNS, (value for _, value in row), strict=True))
    assert cells["phone"] == "+91 98450 12345"  # its + kept, no apostrophe needed
    assert cells["customer_name"] == '=HYPERLINK("http://x","y")'  # text, not a formula
    assert cells["order_id"] == "23518266"
    assert cells["created_at"] == "2024-05-01T11:10:00+02:00"
    assert (cells["invoice_no"], cells["payment_mode"]) == ("INV-2024-0042", "UPI")


def test_a_cell_too_long_for_excel_is_cut_and_says_so(journal: Journal) -> None:
    add(journal, message="x" * 40_000)
    out = io.BytesIO()
    log.write_xlsx(journal, SubmissionFilter(), out)
    _, row = xlsx_rows(out.getvalue())
    message = dict(zip(log.EXPORT_COLUMNS, (value for _, value in row), strict=True))["message"]
    assert len(message) == 32_767
    assert message.endswith("[cut: 40,000 characters; the CSV export has it whole]")
