"""The storage layer on its own, on SQLite and PostgreSQL: schema, timestamps, journal, templates."""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from services.journal import Journal
from storage import submissions, templates
from storage.db import MIGRATIONS, SQLITE_BUSY_TIMEOUT_MS, make_engine, upgrade
from storage.models import Submission
from storage.submissions import Finish, SubmissionFilter
from storage.templates import TemplateNameTaken
from tests.test_migrations import OLD_SUBMISSIONS

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SANDBOX = "http://127.0.0.1:8765"
HASH = "a" * 64

HEAD = "0008"  # the newest migration in storage/migrations/versions


def row(**overrides: Any) -> dict[str, Any]:
    """The columns of one submission as `submissions.begin` takes them; every required one is set."""
    values: dict[str, Any] = {
        "created_at": T0,
        "profile_name": "Sandbox",
        "base_url": SANDBOX,
        "operation": "add",
        "source": "form",
        "request_body": "{}",
        "payload_hash": HASH,
    }
    values.update(overrides)
    return values


def add(session: Session, **overrides: Any) -> int:
    return submissions.begin(session, **row(**overrides))


def finished(session: Session, *, duration_ms: float | None, **overrides: Any) -> int:
    submission_id = add(session, **overrides)
    submissions.finish(
        session, submission_id, Finish(outcome="success", finished_at=T0, duration_ms=duration_ms)
    )
    return submission_id


def fetch(session: Session, submission_id: int) -> Submission:
    """The row as the database has it (search keys too), not as the session remembers it."""
    session.expire_all()
    found = session.get(Submission, submission_id)
    assert found is not None
    return found


def ids(rows: Iterable[Submission]) -> list[int]:
    return [r.id for r in rows]


def found(session: Session, **where: Any) -> list[int]:
    return ids(submissions.search(session, SubmissionFilter(**where)).rows)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = make_engine(database_url)
    yield made
    made.dispose()


@pytest.fixture
def session(journal: Journal) -> Iterator[Session]:
    with journal.sessions() as opened:
        yield opened


# --- schema ---------------------------------------------------------------------------------------


def test_upgrade_on_an_empty_database_creates_the_tables_at_head(engine: Engine) -> None:
    assert inspect(engine).get_table_names() == []
    upgrade(engine)
    assert {"submissions", "templates", "suites", "alembic_version"} <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [HEAD]


def test_upgrading_again_is_harmless_and_keeps_the_rows(journal: Journal) -> None:
    with journal.sessions.begin() as session:
        kept = add(session, customer_name="Asha Traders")
        templates.create(session, name="Smoke", payload="{}")
    upgrade(journal.engine)
    with journal.sessions() as session:
        assert fetch(session, kept).customer_name == "Asha Traders"
        assert templates.find(session, "Smoke") is not None
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [HEAD]


def migrate(engine: Engine, revision: str, **attributes: Any) -> None:
    """Run the migrations up (or down) to a revision, as storage.db.upgrade runs them to head."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes.update(attributes, connection=connection)
        if revision < current_revision(connection):
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)


def current_revision(connection: Connection) -> str:
    if not inspect(connection).has_table("alembic_version"):
        return ""
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def test_upgrading_from_0004_turns_old_phone_keys_into_e164(engine: Engine) -> None:
    migrate(engine, "0004")
    phones = [INDIA, UAE, "098450 12345", "050 123 4567", "ext. 22", ""]
    old_keys = ["9845012345", "9845012345", "9845012345", "0501234567", "22", ""]
    with engine.begin() as connection:  # rows as revision 0004 wrote them: the last ten digits
        connection.execute(
            OLD_SUBMISSIONS.insert(),  # 0004's columns: no words columns yet
            [
                {**OLD_DEFAULTS, **row(), "outcome": "success", "phone": p, "phone_key": k}
                for p, k in zip(phones, old_keys, strict=True)
            ],
        )
    migrate(engine, "0005", phone_region="AE")  # the region the app is configured with
    assert phone_keys(engine) == {
        INDIA: "+919845012345",
        UAE: "+9719845012345",
        "098450 12345": "+9719845012345",  # no country code: read as a number in the region
        "050 123 4567": "+971501234567",
        "ext. 22": "22",  # no possible phone: its digits
        "": "",
    }
    migrate(engine, "0004")  # and back: the last ten digits again
    assert phone_keys(engine) == dict(zip(phones, old_keys, strict=True))


# What the model fills in by itself, for rows written straight into 0004's table.
OLD_DEFAULTS = {
    c.name: c.default.arg
    for c in Submission.__table__.columns
    if c.name in OLD_SUBMISSIONS.c and c.default is not None and not callable(c.default.arg)
}


def phone_keys(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        return {
            phone: key for phone, key in connection.execute(text("SELECT phone, phone_key FROM submissions"))
        }


def test_sqlite_is_tuned_for_many_writers_and_its_folder_is_created(tmp_path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "journal.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("busy_timeout") == SQLITE_BUSY_TIMEOUT_MS == 30_000
            assert pragma("foreign_keys") == 1
        assert path.is_file()
    finally:
        engine.dispose()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_plain_postgresql_url_uses_psycopg_3(scheme: str) -> None:
    engine = make_engine(f"{scheme}://orderdesk@db.example/orderdesk")
    try:
        assert engine.url.drivername == "postgresql+psycopg"
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


# --- timestamps -----------------------------------------------------------------------------------


def test_an_aware_timestamp_reads_back_as_the_same_instant_in_utc(session: Session) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    written = datetime(2026, 3, 1, 9, 30, tzinfo=india)
    read = fetch(session, add(session, created_at=written)).created_at
    assert read == written
    assert read.utcoffset() == timedelta(0)
    assert read.replace(tzinfo=None) == datetime(2026, 3, 1, 4, 0)


def test_a_naive_timestamp_is_refused(session: Session) -> None:
    with pytest.raises(StatementError) as caught:
        add(session, created_at=datetime(2026, 3, 1, 9, 0))
    assert isinstance(caught.value.orig, ValueError)
    assert "timezone-aware" in str(caught.value.orig)


# --- begin / finish -------------------------------------------------------------------------------


def test_begin_writes_a_pending_row_with_search_keys(session: Session) -> None:
    submission_id = add(
        session, phone="+91 98450-12345", email="  Orders@Asha.EXAMPLE ", customer_name="  Asha   TRADERS "
    )
    written = fetch(session, submission_id)
    assert written.outcome == "pending"
    assert written.finished_at is None
    assert written.phone == "+91 98450-12345" and written.phone_key == "+919845012345"
    assert written.email == "orders@asha.example"
    assert written.customer_name == "  Asha   TRADERS " and written.customer_name_key == "asha traders"


def test_finish_records_what_kapture_answered(session: Session) -> None:
    submission_id = add(session)
    submissions.finish(
        session,
        submission_id,
        Finish(
            outcome="success",
            finished_at=T0 + timedelta(seconds=2),
            http_status=200,
            message="Order Added successfully !",
            response_body='{"status": "success"}',
            ids={"order_id": "23518266", "customer_id": "191696571", "enquiry_id": "24", "contact_id": "21"},
            action_event="ADD_ORDER",
            duration_ms=812.5,
        ),
    )
    done = fetch(session, submission_id)
    assert (done.outcome, done.http_status, done.message) == ("success", 200, "Order Added successfully !")
    assert done.response_body == '{"status": "success"}'
    assert (done.order_id, done.customer_id, done.enquiry_id, done.contact_id) == (
        "23518266",
        "191696571",
        "24",
        "21",
    )
    assert done.action_event == "ADD_ORDER"
    assert done.duration_ms == 812.5
    assert done.finished_at == T0 + timedelta(seconds=2)


def test_finish_without_an_order_id_keeps_the_one_already_on_the_row(session: Session) -> None:
    submission_id = add(session, operation="update", order_id="1001")
    submissions.finish(
        session,
        submission_id,
        Finish(outcome="failed", finished_at=T0, ids={"order_id": "", "customer_id": "77"}),
    )
    done = fetch(session, submission_id)
    assert done.outcome == "failed"
    assert done.order_id == "1001"
    assert done.customer_id == "77"


# --- search ---------------------------------------------------------------------------------------


def test_search_by_phone_in_any_format(session: Session) -> None:
    asha = add(session, phone="+91 98450-12345")
    add(session, phone="080 2222 3333")
    assert found(session, phone="98450 12345") == [asha]
    assert found(session, phone="0091-9845012345") == [asha]


# The same ten digits after another country code: a different customer (in Dubai, not Bengaluru).
INDIA, UAE = "+91 98450 12345", "+971 98450 12345"


@pytest.mark.parametrize(
    "typed", ["+91 98450 12345", "098450 12345", "(0)98450-12345", "98450 12345", "0091 98450 12345"]
)
def test_an_indian_phone_in_any_format_finds_only_the_indian_customer(session: Session, typed: str) -> None:
    india = add(session, phone=INDIA)
    add(session, phone=UAE, created_at=T0 + timedelta(minutes=1))
    assert found(session, text=typed) == [india]
    assert found(session, phone=typed) == [india]


@pytest.mark.parametrize("typed", ["+971 98450 12345", "00971 98450 12345", "+971-98450-12345"])
def test_a_phone_with_another_country_code_finds_only_that_customer(session: Session, typed: str) -> None:
    add(session, phone=INDIA)
    uae = add(session, phone=UAE, created_at=T0 + timedelta(minutes=1))
    assert found(session, text=typed) == [uae]
    assert found(session, phone=typed) == [uae]


def test_phone_keys_are_e164_numbers(session: Session) -> None:
    keys = {
        typed: fetch(session, add(session, phone=typed)).phone_key
        for typed in (
            "+91 98450-12345",
            "098450 12345",
            "(0)98450-12345",
            "+971 50 123 4567",
            "080 2222 3333",
        )
    }
    assert keys == {
        "+91 98450-12345": "+919845012345",
        "098450 12345": "+919845012345",
        "(0)98450-12345": "+919845012345",
        "+971 50 123 4567": "+971501234567",
        "080 2222 3333": "+918022223333",  # a Bengaluru landline
    }


def test_a_phone_without_a_country_code_is_read_in_the_region_given(session: Session) -> None:
    dubai = add(session, phone="050 123 4567", phone_region="AE")
    assert fetch(session, dubai).phone_key == "+971501234567"
    assert found(session, text="050 123 4567", phone_region="AE") == [dubai]
    assert found(session, phone="+971 50 123 4567") == [dubai]
    assert found(session, text="050 123 4567") == []  # read as an Indian number: someone else


@pytest.mark.parametrize(
    ("phone", "key"),
    [
        ("12345", "12345"),  # too short for any country: its digits
        ("ext. 22", "22"),
        ("", ""),
        ("no phone", ""),
        ("9" * 25, ""),  # more digits than any phone: no key at all
        ("９８４５０ １２３４５", "+919845012345"),  # full-width digits are digits
    ],
)
def test_what_is_no_possible_phone_keeps_its_digits(session: Session, phone: str, key: str) -> None:
    assert fetch(session, add(session, phone=phone)).phone_key == key


def test_phone_keys_of_existing_rows_are_recomputed_in_batches(journal: Journal) -> None:
    with journal.sessions.begin() as session:
        made = {phone: add(session, phone=phone) for phone in (INDIA, UAE, "12345", "")}
        session.execute(text("UPDATE submissions SET phone_key = 'stale'"))
    with journal.engine.begin() as connection:
        changed = submissions.rekey_phones(connection, submissions.phone_key, batch=3)
    assert changed == 4
    with journal.sessions() as session:
        keys = {phone: fetch(session, made[phone]).phone_key for phone in made}
    assert keys == {INDIA: "+919845012345", UAE: "+9719845012345", "12345": "12345", "": ""}


def test_search_by_order_id(session: Session) -> None:
    wanted = add(session, order_id="1001")
    add(session, order_id="1002")
    assert found(session, order_id=" 1001 ") == [wanted]


def test_search_by_email_in_any_case(session: Session) -> None:
    wanted = add(session, email="orders@asha.example")
    add(session, email="orders@ravi.example")
    assert found(session, email="ORDERS@Asha.Example") == [wanted]


def test_an_email_is_found_whole_not_by_a_part(session: Session) -> None:
    wanted = add(session, email="Orders@Asha.example")
    add(session, email="big.orders@asha.example")
    add(session, email="orders@asha.example.in")
    for typed in ("orders@asha.example", " ORDERS@ASHA.EXAMPLE "):
        assert found(session, text=typed) == [wanted]
        assert found(session, email=typed) == [wanted]
    assert found(session, text="orders@asha") == []


def test_an_email_that_grows_when_lowered_still_fits_and_is_found(session: Session) -> None:
    # "İ" lowers to two characters: 300 of them were 600 characters, too long for PostgreSQL.
    address = "İ" * 290 + "@x.example"
    wanted = add(session, email=address)
    assert len(fetch(session, wanted).email) == 300
    assert found(session, email=address) == [wanted]
    assert found(session, text=address.lower()) == [wanted]


def test_search_by_customer_name_prefix_in_any_case(session: Session) -> None:
    traders = add(session, customer_name="Asha Traders", created_at=T0 + timedelta(minutes=2))
    foods = add(session, customer_name="Ashanti Foods", created_at=T0 + timedelta(minutes=1))
    add(session, customer_name="Big Asha Stores")  # contains the text, does not start with it
    add(session, customer_name="Ravi")
    assert found(session, customer_name="  ASHA") == [traders, foods]
    assert found(session, customer_name="asha   tr") == [traders]


def test_search_by_customer_name_prefix_finds_names_going_on_with_an_emoji(session: Session) -> None:
    wanted = add(session, customer_name="Asha😀 Stores")
    assert found(session, customer_name="asha") == [wanted]


def test_search_by_several_outcomes(session: Session) -> None:
    add(session, outcome="success")
    failed = add(session, outcome="failed", created_at=T0 + timedelta(minutes=1))
    unknown = add(session, outcome="unknown", created_at=T0 + timedelta(minutes=2))
    add(session)  # pending
    assert found(session, outcomes=("failed", "unknown")) == [unknown, failed]


def test_search_by_source_operator_and_run(session: Session) -> None:
    bulk = add(session, source="bulk", operator="Meera", run_id="run-1")
    editor = add(session, source="editor", operator="Arjun", run_id="run-2")
    add(session, source="form", operator="Arjun")
    assert found(session, sources=("bulk",)) == [bulk]
    assert found(session, operator="Meera") == [bulk]
    assert found(session, run_id="run-2") == [editor]


def test_search_by_created_range_includes_the_start_and_excludes_the_end(session: Session) -> None:
    hour = timedelta(hours=1)
    at = {i: add(session, created_at=T0 + i * hour) for i in range(4)}
    assert found(session, created_from=T0 + hour, created_to=T0 + 3 * hour) == [at[2], at[1]]


def test_search_is_newest_first_and_ties_go_to_the_later_row(session: Session) -> None:
    first = add(session, created_at=T0)
    newest = add(session, created_at=T0 + timedelta(seconds=1))
    second = add(session, created_at=T0)
    assert found(session) == [newest, second, first]


def test_search_pages_through_seven_rows_three_at_a_time(session: Session) -> None:
    newest_first = [add(session, created_at=T0 + timedelta(minutes=i)) for i in range(7)][::-1]
    pages = [submissions.search(session, SubmissionFilter(), page=n, per_page=3) for n in (1, 2, 3)]
    assert [ids(p.rows) for p in pages] == [newest_first[0:3], newest_first[3:6], newest_first[6:]]
    assert [(p.page, p.total, p.pages) for p in pages] == [(1, 7, 3), (2, 7, 3), (3, 7, 3)]


def test_a_page_number_below_one_shows_the_first_page(session: Session) -> None:
    newest_first = [add(session, created_at=T0 + timedelta(minutes=i)) for i in range(4)][::-1]
    for number in (0, -2):
        shown = submissions.search(session, SubmissionFilter(), page=number, per_page=3)
        assert shown.page == 1
        assert ids(shown.rows) == newest_first[:3]


def test_a_page_number_past_the_end_shows_the_last_page(session: Session) -> None:
    newest_first = [add(session, created_at=T0 + timedelta(minutes=i)) for i in range(7)][::-1]
    shown = submissions.search(session, SubmissionFilter(), page=9, per_page=3)
    assert (shown.page, ids(shown.rows)) == (3, newest_first[6:])


def test_a_search_matching_nothing_has_one_empty_page(session: Session) -> None:
    add(session, phone="9845012345")
    shown = submissions.search(session, SubmissionFilter(phone="1111111111"))
    assert (shown.rows, shown.total, shown.pages) == ([], 0, 1)


# --- summary --------------------------------------------------------------------------------------


def quantile(values: list[float], q: float) -> float:
    """The reference: linear between the two ranks around q × (n − 1), as the log has always shown."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@pytest.mark.parametrize("count", [1, 2, 3, 20, 101])
def test_the_median_and_p95_are_linear_between_ranks(session: Session, count: int) -> None:
    rng = random.Random(count)
    durations = [float(rng.choice((150, 200, 200, 950))) + rng.random() for _ in range(count)]
    for n, ms in enumerate(durations):
        finished(session, duration_ms=ms, created_at=T0 + timedelta(seconds=n))
    finished(session, duration_ms=None)  # no time taken (never sent): counted, not timed
    finished(session, duration_ms=99_999.0, source="bulk")  # filtered out
    summary, _ = submissions.overview(session, SubmissionFilter(sources=("form",)))
    assert summary.total == count + 1
    assert summary.median_ms == pytest.approx(quantile(durations, 0.5))
    assert summary.p95_ms == pytest.approx(quantile(durations, 0.95))


def test_the_summary_of_many_durations_holds_none_of_them_in_python(session: Session) -> None:
    table = Submission.__table__
    timed = [{**row(), "outcome": "success", "duration_ms": n % 997} for n in range(TIMED)]
    session.execute(table.insert(), timed)
    where = SubmissionFilter(outcomes=("success",))
    submissions.overview(session, where)  # statements compiled and cached before measuring
    tracemalloc.start()
    try:
        summary, _ = submissions.overview(session, where)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.median_ms == pytest.approx(quantile([n % 997 for n in range(TIMED)], 0.5))
    # 50,000 durations as Python floats in a list take over 1.6 MB; four numbers take nothing.
    assert peak < 400_000


TIMED = 50_000


# --- stream ---------------------------------------------------------------------------------------


def test_stream_yields_every_match_newest_first_across_batches(session: Session) -> None:
    names = ["Asha", "Bina", "Chitra", "Deepa", "Esha"]
    made = [add(session, customer_name=n, created_at=T0 + timedelta(minutes=i)) for i, n in enumerate(names)]
    add(session, source="bulk", created_at=T0 + timedelta(hours=1))  # filtered out
    streamed = list(submissions.stream(session, SubmissionFilter(sources=("form",)), batch=2))
    session.close()  # an export may read the rows after the session is gone
    assert ids(streamed) == made[::-1]
    assert [r.customer_name for r in streamed] == names[::-1]
    assert [r.created_at for r in streamed] == [T0 + timedelta(minutes=i) for i in range(4, -1, -1)]


# --- expire_pending -------------------------------------------------------------------------------


def test_expire_pending_marks_only_old_pending_rows_unknown(session: Session) -> None:
    old = add(session, created_at=T0)
    young = add(session, created_at=T0 + timedelta(minutes=10))
    finished = add(session, created_at=T0 - timedelta(hours=1), outcome="success")
    count = submissions.expire_pending(
        session, older_than=T0 + timedelta(minutes=5), message="Order Desk stopped while waiting."
    )
    assert count == 1
    expired = fetch(session, old)
    assert (expired.outcome, expired.error) == ("unknown", "Order Desk stopped while waiting.")
    assert (fetch(session, young).outcome, fetch(session, young).error) == ("pending", "")
    assert (fetch(session, finished).outcome, fetch(session, finished).error) == ("success", "")


OK = ("success",)


# --- latest_same / by_token --------------------------------------------------------------------


def test_latest_same_finds_the_newest_same_payload_sent_to_the_same_kapture(session: Session) -> None:
    hour = timedelta(hours=1)
    add(session, outcome="success", created_at=T0 + hour)
    newest = add(session, outcome="success", created_at=T0 + 2 * hour)
    add(session, outcome="failed", created_at=T0 + 3 * hour)
    add(session, outcome="success", created_at=T0 + 4 * hour, base_url="https://acme.kapturecrm.com")
    add(session, outcome="success", created_at=T0 + 5 * hour, payload_hash="b" * 64)
    add(session, outcome="success", created_at=T0 - hour)  # before `since`
    match = submissions.latest_same(session, base_url=SANDBOX, payload_hash=HASH, since=T0, outcomes=OK)
    assert match is not None and match.id == newest


def test_latest_same_ignores_other_outcomes_other_kaptures_and_old_rows(session: Session) -> None:
    add(session, outcome="failed", created_at=T0 + timedelta(hours=1))
    add(
        session, outcome="success", created_at=T0 + timedelta(hours=1), base_url="https://acme.kapturecrm.com"
    )
    add(session, outcome="success", created_at=T0 - timedelta(seconds=1))
    assert (
        submissions.latest_same(session, base_url=SANDBOX, payload_hash=HASH, since=T0, outcomes=OK) is None
    )


def test_by_token_finds_the_row_and_a_token_is_used_once(session: Session) -> None:
    made = add(session, client_token="tok-1")
    add(session, client_token="tok-2")
    match = submissions.by_token(session, "tok-1")
    assert match is not None and match.id == made
    assert submissions.by_token(session, "tok-3") is None
    with pytest.raises(IntegrityError):
        add(session, client_token="tok-1")


# --- templates ------------------------------------------------------------------------------------


def test_templates_are_saved_found_and_listed_by_name(session: Session) -> None:
    for name in ("Smoke", "Alpha", "Bulk"):
        templates.create(session, name=name, payload=f'{{"name": "{name}"}}', description=f"{name} run")
    session.commit()
    session.expire_all()
    assert [t.name for t in templates.all_templates(session)] == ["Alpha", "Bulk", "Smoke"]
    alpha = templates.find(session, "Alpha")
    assert alpha is not None
    assert (alpha.payload, alpha.description) == ('{"name": "Alpha"}', "Alpha run")
    assert alpha.created_at.tzinfo is not None
    assert templates.find(session, "Gamma") is None


def test_updating_a_template_replaces_its_payload_and_moves_updated_at(session: Session) -> None:
    saved = templates.create(session, name="Smoke", payload="{}", description="old")
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    saved.updated_at = long_ago
    session.flush()
    templates.update(session, saved.id, payload='{"v": 2}', description="new")
    session.commit()
    session.expire_all()
    reread = templates.find(session, "Smoke")
    assert reread is not None
    assert (reread.payload, reread.description) == ('{"v": 2}', "new")
    assert reread.updated_at > long_ago
    templates.update(session, saved.id, payload='{"v": 3}')  # no description: keeps it
    assert templates.find(session, "Smoke").description == "new"  # type: ignore[union-attr]


def test_renaming_a_template(session: Session) -> None:
    saved = templates.create(session, name="Smoke", payload="{}")
    templates.rename(session, saved.id, "  Smoke   test ")
    session.commit()
    session.expire_all()
    assert templates.find(session, "Smoke") is None
    renamed = templates.find(session, "Smoke test")
    assert renamed is not None and renamed.id == saved.id


def test_renaming_a_template_to_its_own_name_is_allowed(session: Session) -> None:
    saved = templates.create(session, name="Smoke", payload="{}")
    assert templates.rename(session, saved.id, " Smoke ").name == "Smoke"


def test_deleting_a_template(session: Session) -> None:
    saved = templates.create(session, name="Smoke", payload="{}")
    templates.create(session, name="Bulk", payload="{}")
    templates.delete(session, saved.id)
    session.commit()
    session.expire_all()
    assert templates.find(session, "Smoke") is None
    assert [t.name for t in templates.all_templates(session)] == ["Bulk"]


@pytest.mark.parametrize("taken_as", ["Smoke", "  Smoke  "])
def test_a_duplicate_template_name_is_refused_in_plain_words(session: Session, taken_as: str) -> None:
    templates.create(session, name="Smoke", payload="{}")
    with pytest.raises(TemplateNameTaken) as caught:
        templates.create(session, name=taken_as, payload="{}")
    assert str(caught.value) == "A template named “Smoke” already exists."


def test_renaming_onto_another_templates_name_is_refused(session: Session) -> None:
    templates.create(session, name="Smoke", payload="{}")
    bulk = templates.create(session, name="Bulk", payload="{}")
    with pytest.raises(TemplateNameTaken) as caught:
        templates.rename(session, bulk.id, "Smoke")
    assert str(caught.value) == "A template named “Smoke” already exists."
    assert bulk.name == "Bulk"


def test_a_template_needs_a_name(session: Session) -> None:
    with pytest.raises(ValueError, match="needs a name"):
        templates.create(session, name="   ", payload="{}")
    saved = templates.create(session, name="Smoke", payload="{}")
    with pytest.raises(ValueError, match="needs a name"):
        templates.rename(session, saved.id, "")


def test_template_names_are_trimmed_and_single_spaced(session: Session) -> None:
    assert templates.create(session, name="  Bulk \t  import  ", payload="{}").name == "Bulk import"


def test_changing_a_missing_template_says_so(session: Session) -> None:
    with pytest.raises(LookupError):
        templates.delete(session, 404)
    with pytest.raises(LookupError):
        templates.update(session, 404, payload="{}")
    with pytest.raises(LookupError):
        templates.rename(session, 404, "Smoke")
