"""One send per deliberate act: submission tokens that a double click or a rerun repeats."""

from __future__ import annotations

import hashlib
import uuid

import streamlit as st

from services.submit import Submitted
from ui import resources
from ui.widgets import SEND_BLOCKERS


def token(ns: str, content: str) -> str:
    """The token for sending ``content`` from page ``ns`` now.

    It stays the same until the content changes or the page moves on (``again``/``fresh``), so a
    double click, a click during a rerun or a click after the answer all name one submission.
    """
    session = st.session_state.setdefault("session.id", uuid.uuid4().hex)
    generation = st.session_state.setdefault(f"{ns}.generation", "start")
    return hashlib.sha256(f"{session}|{ns}|{generation}|{content}".encode()).hexdigest()


def sending(ns: str, token: str) -> None:
    """Note the send under way (call before sending): the answer can be found again by its token.

    Streamlit ends a run to start the next as soon as the person types or clicks, which can be
    before the answer it was handed is stored.
    """
    st.session_state[f"{ns}.in_flight"] = token


def sent(ns: str) -> None:
    """The answer of the send under way is stored: nothing to find again."""
    st.session_state.pop(f"{ns}.in_flight", None)


def cut_short(ns: str) -> str | None:
    """The token of a send whose run ended before its answer was stored, if any."""
    return st.session_state.get(f"{ns}.in_flight") or None


def recovered(ns: str) -> Submitted | None:
    """The answer of ``ns``'s send whose run was cut short, read back from the journal (None: none).

    Waits while the answer is still on its way; the send is then done (``sent``).
    """
    token = cut_short(ns)
    if not token:
        return None
    try:
        done = resources.submitter().answer_of(token)
    except SEND_BLOCKERS:
        return None
    sent(ns)
    return done


def again(ns: str, answered: int | None) -> None:
    """Send the same once more, on purpose, after the answer of journal entry ``answered``.

    Named after that answer, not counted: two clicks on one "Send again" are still one send.
    """
    st.session_state[f"{ns}.generation"] = f"after-{answered}"


def fresh(ns: str) -> None:
    """A new piece of work (a cleared form, another order opened): nothing repeats from before."""
    st.session_state[f"{ns}.generation"] = uuid.uuid4().hex
