"""What a person had typed — the order forms and their name — kept across a refresh or a restart.

A browser tab is a "desk": a random key the frame keeps in the page's address (``?desk=…``), so a
refresh, which starts a new Streamlit session, finds its forms again. An address is easily copied
and sent, so the key alone opens nothing: a desk belongs to the browser whose first write made it
(``browser``), and only that browser reads it back or writes to it. A key no browser owns yet — a
crafted one, or one that was never written — opens nothing either.

Keeping is best effort: a log that cannot be written loses nothing already sent and is said on
every page by the frame, so a failure here is not said twice. A form is forgotten once its order is
sent, and a whole desk a week after it was last used.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from services.drafts import Draft
from services.journal import Journal
from storage import forms

KEPT_FOR = timedelta(days=7)
_NAME = "name"
_DESK = re.compile(r"[0-9a-f]{32}")
# A fixed, app-specific key: the browser's token is 128 random bits, so its hash cannot be guessed
# back with or without a secret key, and a key kept next to the hashes would add nothing. It keeps
# the stored value from matching any other use of the same token.
_OWNER_KEY = b"kapture-order-desk/desk-owner/v1"
_TOKEN_BYTES = 16  # what the web server's XSRF token holds; a shorter one is not a browser's
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Desk:
    """A desk as one browser holds it: the key from the address and the browser's identity."""

    key: str
    browser: str

    def __repr__(self) -> str:
        return "Desk(…)"  # both are bearers of what was typed: never logged


def new_desk() -> str:
    """A fresh desk key: unguessable, as whoever has it can read what was typed."""
    return secrets.token_hex(16)


def is_desk(text: object) -> bool:
    """True for a key ``new_desk`` could have made (anything else in an address is ignored)."""
    return isinstance(text, str) and _DESK.fullmatch(text) is not None


def browser(xsrf_cookie: str | None) -> str | None:
    """This browser's identity: a keyed hash of the token in the web server's XSRF cookie, or None.

    The cookie reads ``2|<mask>|<masked token>|<time>``; the mask changes on every page load, the
    token (mask XOR masked token) stays for the browser's session. Anything else is no identity.
    """
    parts = (xsrf_cookie or "").strip("\"'").split("|")
    if len(parts) != 4 or parts[0] != "2":
        return None
    try:
        mask, masked = binascii.a2b_hex(parts[1]), binascii.a2b_hex(parts[2])
    except (binascii.Error, ValueError):
        return None
    if len(mask) != 4 or len(masked) < _TOKEN_BYTES:
        return None
    token = bytes(byte ^ mask[i % 4] for i, byte in enumerate(masked))
    return hmac.new(_OWNER_KEY, token, hashlib.sha256).hexdigest()


def owns(journal: Journal, desk: Desk) -> bool:
    """True when this browser made the desk; the desk's week starts again. Week-old desks go first."""
    _expire(journal)
    try:
        with journal.sessions.begin() as session:
            if not _owned(session, desk):
                return False
            forms.touch(session, desk=desk.key, now=datetime.now(UTC))
            return True
    except SQLAlchemyError as exc:  # its text may hold the database URL: the type alone is logged
        _log.warning("could not read a desk's owner: %s", type(exc).__name__)
        return False


def duplicate(journal: Journal, desk: Desk) -> Desk:
    """A new desk for the same browser with a copy of this one's forms and name (a duplicated tab)."""
    copied = Desk(new_desk(), desk.browser)
    try:
        with journal.sessions.begin() as session:
            if _owned(session, desk):
                now = datetime.now(UTC)
                forms.claim(session, desk=copied.key, owner=copied.browser, now=now)
                forms.copy(session, source=desk.key, target=copied.key, now=now)
    except SQLAlchemyError as exc:
        _log.warning("could not copy a desk: %s", type(exc).__name__)
    return copied


def keep_draft(journal: Journal, desk: Desk, form: str, draft: Draft) -> None:
    """Keep a form's draft for this desk."""
    _write(journal, desk, form, json.dumps(draft.to_dict(), ensure_ascii=False))


def kept_draft(journal: Journal, desk: Desk, form: str) -> Draft | None:
    """The draft kept for a form of this desk, if any (one that no longer reads is dropped)."""
    content = _read(journal, desk, form)
    try:
        return Draft.from_dict(json.loads(content)) if content else None
    except (ValueError, TypeError):  # written by another version of the app
        return None


def keep_name(journal: Journal, desk: Desk, name: str) -> None:
    """Keep the name the person gave."""
    _write(journal, desk, _NAME, json.dumps(name, ensure_ascii=False))


def kept_name(journal: Journal, desk: Desk) -> str:
    """The name kept for this desk ("" if none)."""
    content = _read(journal, desk, _NAME)
    try:
        name = json.loads(content) if content else ""
    except ValueError:
        return ""
    return name if isinstance(name, str) else ""


def keep_sending(journal: Journal, desk: Desk, form: str, token: str) -> None:
    """Note the send under way from a form: a refresh before its answer can find the answer again."""
    _write(journal, desk, _sending(form), json.dumps(token))


def kept_sending(journal: Journal, desk: Desk, form: str) -> str | None:
    """The token of the send under way from a form when the page was left, if any."""
    content = _read(journal, desk, _sending(form))
    try:
        token = json.loads(content) if content else None
    except ValueError:
        return None
    return token if isinstance(token, str) and token else None


def forget_sending(journal: Journal, desk: Desk, form: str) -> None:
    """The send's answer is on screen: nothing to find again."""
    forget(journal, desk, _sending(form))


def _sending(form: str) -> str:
    return f"{form}.sending"


def forget(journal: Journal, desk: Desk, form: str) -> None:
    """Drop what was kept for a form: its order was sent, or the form was cleared."""
    try:
        with journal.sessions.begin() as session:
            if _owned(session, desk):
                forms.forget(session, desk=desk.key, form=_form(form))
    except SQLAlchemyError as exc:
        _log.warning("could not forget a kept form: %s", type(exc).__name__)


def _form(form: str) -> str:
    if form == forms.OWNER:  # a form by that name would overwrite who owns the desk
        raise ValueError(f"{form!r} is not a form's name")
    return form


def _owned(session: Session, desk: Desk) -> bool:
    owner = forms.read(session, desk=desk.key, form=forms.OWNER)
    return owner is not None and hmac.compare_digest(owner.encode(), desk.browser.encode())


def _write(journal: Journal, desk: Desk, form: str, content: str) -> None:
    form = _form(form)
    try:
        with journal.sessions.begin() as session:
            now = datetime.now(UTC)
            if forms.read(session, desk=desk.key, form=forms.OWNER) is None:
                # The first write makes the desk this browser's: an insert, so a second browser
                # claiming the same key at the same moment fails instead of taking it over.
                forms.claim(session, desk=desk.key, owner=desk.browser, now=now)
            elif _owned(session, desk):
                forms.touch(session, desk=desk.key, now=now)
            else:
                _log.warning("refused to keep a form in a desk another browser owns")
                return
            forms.save(session, desk=desk.key, form=form, content=content, now=now)
    except SQLAlchemyError as exc:
        _log.warning("could not keep a form: %s", type(exc).__name__)


def _read(journal: Journal, desk: Desk, form: str) -> str | None:
    try:
        with journal.sessions() as session:
            return forms.read(session, desk=desk.key, form=_form(form)) if _owned(session, desk) else None
    except SQLAlchemyError as exc:
        _log.warning("could not read a kept form: %s", type(exc).__name__)
        return None


def _expire(journal: Journal) -> None:
    try:
        with journal.sessions.begin() as session:
            forms.forget_older_than(session, datetime.now(UTC) - KEPT_FOR)
    except SQLAlchemyError as exc:
        _log.warning("could not expire kept forms: %s", type(exc).__name__)
