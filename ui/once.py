"""One send per deliberate act: submission tokens that a double click or a rerun repeats."""

from __future__ import annotations

import hashlib
import uuid

import streamlit as st


def token(ns: str, content: str) -> str:
    """The token for sending ``content`` from page ``ns`` now.

    It stays the same until the content changes or the page moves on (``again``/``fresh``), so a
    double click, a click during a rerun or a click after the answer all name one submission.
    """
    session = st.session_state.setdefault("session.id", uuid.uuid4().hex)
    generation = st.session_state.setdefault(f"{ns}.generation", "start")
    return hashlib.sha256(f"{session}|{ns}|{generation}|{content}".encode()).hexdigest()


def again(ns: str, answered: int | None) -> None:
    """Send the same once more, on purpose, after the answer of journal entry ``answered``.

    Named after that answer, not counted: two clicks on one "Send again" are still one send.
    """
    st.session_state[f"{ns}.generation"] = f"after-{answered}"


def fresh(ns: str) -> None:
    """A new piece of work (a cleared form, another order opened): nothing repeats from before."""
    st.session_state[f"{ns}.generation"] = uuid.uuid4().hex
