"""Forms kept across a refresh or a restart (services/desk.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from services import desk
from services.drafts import Contact, Draft
from services.journal import Journal, open_journal
from storage.models import SavedForm

BROWSER = "b" * 64  # one browser's identity (desk.browser's hash); tests/test_desk_owner.py has two


def a_desk() -> desk.Desk:
    return desk.Desk(desk.new_desk(), BROWSER)


def test_a_kept_draft_and_name_come_back_for_their_desk_only(journal: Journal) -> None:
    mine, other = a_desk(), a_desk()
    draft = Draft(customer_name="Asha “Traders” 🙂", phone="98450 12345")
    draft.contacts = [Contact(first_name="Ravi")]
    desk.keep_draft(journal, mine, "order", draft)
    desk.keep_name(journal, mine, "Meera")
    assert desk.kept_draft(journal, mine, "order") == draft
    assert desk.kept_name(journal, mine) == "Meera"
    assert desk.kept_draft(journal, mine, "update") is None
    assert desk.kept_draft(journal, other, "order") is None and desk.kept_name(journal, other) == ""


def test_keeping_again_replaces_and_forgetting_drops(journal: Journal) -> None:
    key = a_desk()
    desk.keep_draft(journal, key, "order", Draft(customer_name="first"))
    desk.keep_draft(journal, key, "order", Draft(customer_name="second"))
    assert desk.kept_draft(journal, key, "order") == Draft(customer_name="second")
    desk.forget(journal, key, "order")
    assert desk.kept_draft(journal, key, "order") is None


def test_a_kept_form_survives_a_restart(database_url: str) -> None:
    key = a_desk()
    first = open_journal(database_url, pending_grace=timedelta(minutes=5))
    desk.keep_draft(first, key, "order", Draft(customer_name="Asha"))
    first.close()
    second = open_journal(database_url, pending_grace=timedelta(minutes=5))
    try:
        assert desk.kept_draft(second, key, "order") == Draft(customer_name="Asha")
    finally:
        second.close()


def test_forms_older_than_a_week_are_dropped(journal: Journal) -> None:
    old, fresh = a_desk(), a_desk()
    desk.keep_draft(journal, old, "order", Draft(customer_name="old"))
    desk.keep_draft(journal, fresh, "order", Draft(customer_name="fresh"))
    with journal.sessions.begin() as session:
        long_ago = datetime.now(UTC) - desk.KEPT_FOR - timedelta(minutes=1)
        session.execute(update(SavedForm).where(SavedForm.desk == old.key).values(updated_at=long_ago))
    assert desk.owns(journal, fresh)  # a session's first run expires the old ones
    assert desk.kept_draft(journal, old, "order") is None
    assert not desk.owns(journal, old)
    assert desk.kept_draft(journal, fresh, "order") == Draft(customer_name="fresh")


def test_a_kept_form_another_version_wrote_is_ignored(journal: Journal) -> None:
    key = a_desk()
    with journal.sessions.begin() as session:
        written = (("order", "{not json"), ("update", '{"contacts": [{"shoe_size": 9}]}'), ("name", "7"))
        for form, content in (*written, ("owner", BROWSER)):
            session.add(SavedForm(desk=key.key, form=form, content=content, updated_at=datetime.now(UTC)))
    assert desk.kept_draft(journal, key, "order") is None
    assert desk.kept_draft(journal, key, "update") is None
    assert desk.kept_name(journal, key) == ""


def test_only_a_key_new_desk_could_make_is_a_desk() -> None:
    assert desk.is_desk(desk.new_desk())
    for forged in ("", "../../etc/passwd", "A" * 32, "0" * 31, "0" * 33, None, ["0" * 32]):
        assert not desk.is_desk(forged)
