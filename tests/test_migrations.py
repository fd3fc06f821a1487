"""The migrations and the models describe the same schema, on both databases; 0006 and 0008 index old rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, column, insert, table, text

from storage import submissions
from storage.db import MIGRATIONS, WRITES, make_engine, session_factory, upgrade
from storage.models import Base, Submission
from storage.submissions import Finish, SubmissionFilter, outside_models

T0 = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


def _described_by_models(name: str | None, kind: str, _parents: Any) -> bool:
    return not (kind in ("table", "index") and outside_models(name))


def test_the_migrations_build_exactly_what_the_models_say(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": _described_by_models})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def _migrate_to(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.execution_options(**{WRITES: True}).begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


# The journal's columns as revisions 0001-0007 have them: no words columns yet.
OLD_SUBMISSIONS = table(
    "submissions",
    *(
        column(c.name, c.type)
        for c in Submission.__table__.columns
        if c.name not in ("id", "name_words", "message_words")
    ),
)


def _old_row(engine: Engine, name: str, message: str) -> None:
    # As revisions before 0008 wrote rows: straight into the table, no words of their own.
    with engine.begin() as connection:
        connection.execute(
            insert(OLD_SUBMISSIONS),
            {
                "created_at": T0, "profile_name": "Sandbox", "base_url": "http://127.0.0.1:9",
                "operation": "add", "source": "form", "request_body": "{}", "payload_hash": "a" * 64,
                "outcome": "rejected", "message": message, "customer_name": name,
                "customer_name_key": name.casefold(), "operator": "", "template": "", "variant": "",
                "run_id": "", "response_body": "", "error": "", "order_id": "", "customer_id": "",
                "enquiry_id": "", "contact_id": "", "action_event": "", "phone": "", "phone_key": "",
                "email": "", "check_result": "", "checked_order_id": "", "finished_at": None,
                "client_token": None, "http_status": None, "duration_ms": None, "checked_at": None,
            },
        )  # fmt: skip


def _names(engine: Engine, text: str) -> list[str]:
    with session_factory(engine)() as session:
        return sorted(
            row.customer_name for row in submissions.search(session, SubmissionFilter(text=text)).rows
        )


def _found_by_0006(engine: Engine, word: str) -> int:
    if engine.dialect.name == "postgresql":
        query = (
            "SELECT count(*) FROM submissions WHERE to_tsvector('simple'::regconfig, regexp_replace("
            "customer_name || ' ' || message, '[[:punct:]]', ' ', 'g')) @@ to_tsquery('simple', :word)"
        )
    else:
        query = "SELECT count(*) FROM submissions_words WHERE submissions_words MATCH :word"
    with engine.connect() as connection:
        return connection.execute(text(query), {"word": word}).scalar_one()


def test_0006_finds_words_in_rows_written_before_it_and_keeps_up_with_new_ones(database_url: str) -> None:
    engine = make_engine(database_url)
    _migrate_to(engine, "0005")
    _old_row(engine, "Bharat Steel Distributors", "Order Added successfully !")
    _old_row(engine, "Chennai Silks", "customer_info.phone is mandatory")

    upgrade(engine)

    assert _names(engine, "Steel") == ["Bharat Steel Distributors"]
    assert _names(engine, "mandatory") == ["Chennai Silks"]
    # Written after the upgrade, through the journal's verbs: found by a word, and by its new message.
    sessions = session_factory(engine)
    with sessions.begin() as session:
        later = submissions.begin(
            session, created_at=T0, profile_name="Sandbox", base_url="http://127.0.0.1:9", operation="add",
            source="form", request_body="{}", payload_hash="b" * 64, customer_name="Asha Steel Works",
        )  # fmt: skip
    assert _names(engine, "steel") == ["Asha Steel Works", "Bharat Steel Distributors"]
    with sessions.begin() as session:
        submissions.finish(session, later, Finish(outcome="rejected", finished_at=T0, message="GST missing"))
    assert _names(engine, "GST") == ["Asha Steel Works"]
    with sessions.begin() as session:
        submissions.delete_older_than(session, datetime(2100, 1, 1, tzinfo=UTC))
    assert _names(engine, "steel") == []
    engine.dispose()


def test_0008_folds_the_words_of_rows_written_before_it(database_url: str) -> None:
    engine = make_engine(database_url)
    _migrate_to(engine, "0007")
    _old_row(engine, "Straße Möbel GmbH", "Order Added successfully !")
    _old_row(engine, "İstanbul Halı", "José's order is missing its GST")

    upgrade(engine)

    assert _names(engine, "strasse") == ["Straße Möbel GmbH"]
    assert _names(engine, "MOBEL") == ["Straße Möbel GmbH"]
    assert _names(engine, "istanbul") == ["İstanbul Halı"]
    assert _names(engine, "jose") == ["İstanbul Halı"]  # in Kapture's message
    engine.dispose()


def test_0008_goes_down_to_0006s_index_and_up_again(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    _migrate_to(engine, "0007", down=True)
    _old_row(engine, "Bharat Steel Distributors", "Order Added successfully !")
    # 0006's index, back in place, finds the row written under it.
    assert _found_by_0006(engine, "steel") == 1

    upgrade(engine)

    assert _names(engine, "steel distributors") == ["Bharat Steel Distributors"]
    engine.dispose()
