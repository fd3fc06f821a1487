"""What a person had typed — the order forms and their name — kept across a refresh or a restart.

A browser tab is a "desk": a random key the frame keeps in the page's address (``?desk=…``), so a
refresh, which starts a new Streamlit session, finds its forms again. Keeping is best effort: a log
that cannot be written loses nothing already sent and is said on every page by the frame, so a
failure here is not said twice. A form is forgotten once its order is sent, and any after a week.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from services.drafts import Draft
from services.journal import Journal
from storage import forms

KEPT_FOR = timedelta(days=7)
_NAME = "name"
_DESK = re.compile(r"[0-9a-f]{32}")
_log = logging.getLogger(__name__)


def new_desk() -> str:
    """A fresh desk key: unguessable, as whoever has it can read what was typed."""
    return secrets.token_hex(16)


def is_desk(text: object) -> bool:
    """True for a key ``new_desk`` could have made (anything else in an address is ignored)."""
    return isinstance(text, str) and _DESK.fullmatch(text) is not None


def keep_draft(journal: Journal, desk: str, form: str, draft: Draft) -> None:
    """Keep a form's draft for this desk."""
    _write(journal, desk, form, json.dumps(draft.to_dict(), ensure_ascii=False))


def kept_draft(journal: Journal, desk: str, form: str) -> Draft | None:
    """The draft kept for a form of this desk, if any (one that no longer reads is dropped)."""
    content = _read(journal, desk, form)
    try:
        return Draft.from_dict(json.loads(content)) if content else None
    except (ValueError, TypeError):  # written by another version of the app
        return None


def keep_name(journal: Journal, desk: str, name: str) -> None:
    """Keep the name the person gave."""
    _write(journal, desk, _NAME, json.dumps(name, ensure_ascii=False))


def kept_name(journal: Journal, desk: str) -> str:
    """The name kept for this desk ("" if none); forms older than ``KEPT_FOR`` go at the same time."""
    _expire(journal)
    content = _read(journal, desk, _NAME)
    try:
        name = json.loads(content) if content else ""
    except ValueError:
        return ""
    return name if isinstance(name, str) else ""


def forget(journal: Journal, desk: str, form: str) -> None:
    """Drop what was kept for a form: its order was sent, or the form was cleared."""
    try:
        with journal.sessions.begin() as session:
            forms.forget(session, desk=desk, form=form)
    except SQLAlchemyError as exc:
        _log.warning("could not forget a kept form: %s", type(exc).__name__)


def _write(journal: Journal, desk: str, form: str, content: str) -> None:
    try:
        with journal.sessions.begin() as session:
            forms.save(session, desk=desk, form=form, content=content, now=datetime.now(UTC))
    except SQLAlchemyError as exc:  # its text may hold the database URL: the type alone is logged
        _log.warning("could not keep a form: %s", type(exc).__name__)


def _read(journal: Journal, desk: str, form: str) -> str | None:
    try:
        with journal.sessions() as session:
            return forms.read(session, desk=desk, form=form)
    except SQLAlchemyError as exc:
        _log.warning("could not read a kept form: %s", type(exc).__name__)
        return None


def _expire(journal: Journal) -> None:
    try:
        with journal.sessions.begin() as session:
            forms.forget_older_than(session, datetime.now(UTC) - KEPT_FOR)
    except SQLAlchemyError as exc:
        _log.warning("could not expire kept forms: %s", type(exc).__name__)
