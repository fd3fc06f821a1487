"""A kept desk opens for the browser that made it only (services/desk.py), on SQLite and PostgreSQL.

Review finding (issue 11): the key in the address was enough, so a copied link or a duplicated tab
gave another person the first one's draft and name, and a link with a key an attacker knew had the
victim's typing written where the attacker could read it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from services import desk
from services.drafts import Draft
from services.journal import Journal
from storage.models import SavedForm

# Streamlit's XSRF cookies as two browsers send them: the mask changes on every page load.
TOKEN_A = bytes.fromhex("391b883355f97b76efb704341a26aa53")
TOKEN_B = bytes.fromhex("7e9b9dcdd02709aea36c0afc6ab0b46b")


def cookie(token: bytes, mask: bytes, stamp: int = 1795840135) -> str:
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(token))
    return f"2|{mask.hex()}|{masked.hex()}|{stamp}"


def identity(token: bytes) -> str:
    found = desk.browser(cookie(token, b"\x01\x02\x03\x04"))
    assert found is not None
    return found


def rows(journal: Journal, key: str) -> dict[str, str]:
    with journal.sessions() as session:
        found = session.execute(select(SavedForm.form, SavedForm.content).where(SavedForm.desk == key))
        return {form: content for form, content in found}


# --- who the browser is ------------------------------------------------------------------------


def test_a_browser_is_the_same_whatever_mask_its_cookie_came_with() -> None:
    masks = (b"\x72\xba\xb2\xc5", b"\x6d\x66\x56\xcc", b"\x00\x00\x00\x00")
    seen = {desk.browser(cookie(TOKEN_A, mask, stamp)) for mask, stamp in zip(masks, (1, 2, 3), strict=True)}
    assert len(seen) == 1 and None not in seen
    assert desk.browser(cookie(TOKEN_B, masks[0])) not in seen
    assert desk.browser(f'"{cookie(TOKEN_A, masks[1])}"') in seen  # a quoted cookie is the same one


def test_what_is_kept_of_a_browser_is_a_hash_not_its_token() -> None:
    kept = identity(TOKEN_A)
    assert TOKEN_A.hex() not in kept
    assert kept != hashlib.sha256(TOKEN_A).hexdigest()  # keyed: not the token's plain hash
    assert len(kept) == 64 and int(kept, 16) >= 0


@pytest.mark.parametrize(
    "value",
    [None, "", "2|", "1|0102|0304|5", "391b883355f97b76efb704341a26aa53", "2|zz|00|1", "2|01020304|00|1",
     "2|0102|" + "00" * 16 + "|1", "2|01020304|" + "00" * 16],
)  # fmt: skip
def test_a_missing_or_unreadable_cookie_is_no_browser(value: str | None) -> None:
    assert desk.browser(value) is None


# --- ownership ---------------------------------------------------------------------------------


def test_the_browser_that_made_a_desk_gets_its_draft_and_name_back(journal: Journal) -> None:
    mine = desk.Desk(desk.new_desk(), identity(TOKEN_A))
    desk.keep_draft(journal, mine, "order", Draft(customer_name="Asha Traders"))
    desk.keep_name(journal, mine, "Meera")
    again = desk.Desk(mine.key, desk.browser(cookie(TOKEN_A, b"\x6d\x66\x56\xcc")) or "")  # after a refresh
    assert desk.owns(journal, again)
    assert desk.kept_draft(journal, again, "order") == Draft(customer_name="Asha Traders")
    assert desk.kept_name(journal, again) == "Meera"


def test_another_browser_with_the_same_key_reads_nothing_and_writes_nothing(journal: Journal) -> None:
    mine = desk.Desk(desk.new_desk(), identity(TOKEN_A))
    desk.keep_draft(journal, mine, "order", Draft(customer_name="Asha Traders"))
    desk.keep_name(journal, mine, "Meera")
    before = rows(journal, mine.key)

    theirs = desk.Desk(mine.key, identity(TOKEN_B))  # the link was copied and sent to a colleague
    assert not desk.owns(journal, theirs)
    assert desk.kept_draft(journal, theirs, "order") is None
    assert desk.kept_name(journal, theirs) == ""
    desk.keep_draft(journal, theirs, "order", Draft(customer_name="Ravi Stores"))
    desk.keep_name(journal, theirs, "Imran")
    desk.forget(journal, theirs, "order")
    assert rows(journal, mine.key) == before
    assert desk.kept_draft(journal, mine, "order") == Draft(customer_name="Asha Traders")
    assert desk.kept_name(journal, mine) == "Meera"


def test_a_key_no_browser_ever_wrote_opens_nothing(journal: Journal) -> None:
    crafted = desk.Desk(desk.new_desk(), identity(TOKEN_B))  # sent by an attacker, who knows the key
    assert not desk.owns(journal, crafted)
    assert rows(journal, crafted.key) == {}  # looking did not claim it


def test_rows_without_an_owner_are_not_read(journal: Journal) -> None:
    """What an older version kept had no owner: nobody can prove it is theirs, so it stays unread."""
    key = desk.new_desk()
    with journal.sessions.begin() as session:
        for form, content in (("order", '{"customer_name": "Asha"}'), ("name", '"Meera"')):
            session.add(SavedForm(desk=key, form=form, content=content, updated_at=datetime.now(UTC)))
    anyone = desk.Desk(key, identity(TOKEN_A))
    assert not desk.owns(journal, anyone)
    assert desk.kept_draft(journal, anyone, "order") is None and desk.kept_name(journal, anyone) == ""


def test_the_first_write_makes_the_desk_its_browser_s(journal: Journal) -> None:
    mine = desk.Desk(desk.new_desk(), identity(TOKEN_A))
    desk.keep_name(journal, mine, "Meera")
    assert rows(journal, mine.key) == {"owner": mine.browser, "name": '"Meera"'}
    assert desk.owns(journal, mine)
    assert not desk.owns(journal, desk.Desk(mine.key, identity(TOKEN_B)))


def test_a_form_cannot_be_named_owner(journal: Journal) -> None:
    mine = desk.Desk(desk.new_desk(), identity(TOKEN_A))
    desk.keep_name(journal, mine, "Meera")
    with pytest.raises(ValueError, match="owner"):
        desk.keep_draft(journal, mine, "owner", Draft(customer_name="x"))
    assert desk.owns(journal, mine)


def test_a_duplicated_tab_gets_a_copy_under_a_desk_of_its_own(journal: Journal) -> None:
    first = desk.Desk(desk.new_desk(), identity(TOKEN_A))
    desk.keep_draft(journal, first, "order", Draft(customer_name="Asha Traders"))
    desk.keep_name(journal, first, "Meera")
    second = desk.duplicate(journal, first)
    assert second.key != first.key and desk.is_desk(second.key) and second.browser == first.browser
    assert desk.owns(journal, second)
    assert desk.kept_draft(journal, second, "order") == Draft(customer_name="Asha Traders")
    assert desk.kept_name(journal, second) == "Meera"
    desk.keep_draft(journal, second, "order", Draft(customer_name="Ravi Stores"))
    assert desk.kept_draft(journal, first, "order") == Draft(customer_name="Asha Traders")


def test_another_browser_cannot_copy_a_desk(journal: Journal) -> None:
    mine = desk.Desk(desk.new_desk(), identity(TOKEN_A))
    desk.keep_draft(journal, mine, "order", Draft(customer_name="Asha Traders"))
    copied = desk.duplicate(journal, desk.Desk(mine.key, identity(TOKEN_B)))
    assert rows(journal, copied.key) == {}
    assert desk.kept_draft(journal, copied, "order") is None


# --- a week -------------------------------------------------------------------------------------


def age(journal: Journal, key: str, by: timedelta, form: str | None = None) -> None:
    which = SavedForm.desk == key
    if form is not None:
        which &= SavedForm.form == form
    with journal.sessions.begin() as session:
        session.execute(update(SavedForm).where(which).values(updated_at=datetime.now(UTC) - by))


def test_a_desk_unused_for_a_week_is_gone_and_its_key_opens_nothing(journal: Journal) -> None:
    old, fresh = desk.Desk(desk.new_desk(), identity(TOKEN_A)), desk.Desk(desk.new_desk(), identity(TOKEN_A))
    for each in (old, fresh):
        desk.keep_draft(journal, each, "order", Draft(customer_name="Asha"))
    age(journal, old.key, desk.KEPT_FOR + timedelta(minutes=1))
    assert desk.owns(journal, fresh)
    assert rows(journal, old.key) == {}
    assert not desk.owns(journal, old)
    assert desk.kept_draft(journal, fresh, "order") == Draft(customer_name="Asha")


def test_a_desk_in_use_keeps_its_name_past_a_week(journal: Journal) -> None:
    """The name is typed once: opening the desk again counts as using it, so the name stays."""
    mine = desk.Desk(desk.new_desk(), identity(TOKEN_A))
    desk.keep_name(journal, mine, "Meera")
    age(journal, mine.key, desk.KEPT_FOR + timedelta(days=3), form="name")  # typed ten days ago
    age(journal, mine.key, timedelta(days=1), form="owner")  # the tab was opened yesterday
    assert desk.owns(journal, mine)
    assert desk.kept_name(journal, mine) == "Meera"


def test_rows_without_an_owner_go_after_a_week(journal: Journal) -> None:
    key = desk.new_desk()
    with journal.sessions.begin() as session:
        long_ago = datetime.now(UTC) - desk.KEPT_FOR - timedelta(minutes=1)
        session.add(SavedForm(desk=key, form="order", content="{}", updated_at=long_ago))
    desk.owns(journal, desk.Desk(desk.new_desk(), identity(TOKEN_A)))
    assert rows(journal, key) == {}


def test_a_send_under_way_is_found_by_its_browser_only_and_forgotten_once_answered(journal: Journal) -> None:
    mine = desk.Desk(desk.new_desk(), identity(TOKEN_A))
    desk.keep_sending(journal, mine, "order", "token-1")
    assert desk.kept_sending(journal, mine, "order") == "token-1"
    assert desk.kept_sending(journal, mine, "update") is None
    theirs = desk.Desk(mine.key, identity(TOKEN_B))
    assert desk.kept_sending(journal, theirs, "order") is None  # a copied link learns no token
    desk.forget_sending(journal, theirs, "order")  # and cannot clear it
    assert desk.kept_sending(journal, mine, "order") == "token-1"
    desk.forget_sending(journal, mine, "order")
    assert desk.kept_sending(journal, mine, "order") is None
