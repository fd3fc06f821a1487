"""One send per deliberate act: submission tokens that a double click or a rerun repeats."""

from __future__ import annotations

import hashlib
import uuid

import streamlit as st


def token(ns: str, content: str) -> str:
    """The token for sending ``content`` from page ``ns`` now.

    It stays the same until the content changes or ``again(ns)`` is called, so a double click,
    a click during a rerun or a click after the answer all name the same submission.
    """
    session = st.session_state.setdefault("session.id", uuid.uuid4().hex)
    generation = st.session_state.setdefault(f"{ns}.generation", 0)
    return hashlib.sha256(f"{session}|{ns}|{generation}|{content}".encode()).hexdigest()


def again(ns: str) -> None:
    """A deliberate new send of the same content: the next token differs."""
    st.session_state[f"{ns}.generation"] = st.session_state.get(f"{ns}.generation", 0) + 1
