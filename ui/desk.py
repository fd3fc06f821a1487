"""This browser tab's desk: its key in the address, and the forms and name kept under it.

Streamlit starts a new session on a refresh, and a restart ends them all: what staff had typed
would be gone. The frame keeps ``?desk=<key>`` in the address of every page, so the new session
finds the name and the order forms again (``services.desk``).
"""

from __future__ import annotations

import streamlit as st

from services import desk as kept
from services.drafts import Draft
from ui import resources
from ui.widgets import SEND_BLOCKERS, operator

_KEY = "desk.key"
_FROM_ADDRESS = "desk.from_address"  # the key came with the address: there may be something kept
_NAME_KEPT = "desk.name"


def key() -> str:
    """The tab's desk key, made on its first run unless the address brings one; kept in the address."""
    state = st.session_state
    if _KEY not in state:
        given = st.query_params.get("desk")
        state[_FROM_ADDRESS] = kept.is_desk(given)
        state[_KEY] = given if kept.is_desk(given) else kept.new_desk()
    if st.query_params.get("desk") != state[_KEY]:  # a page change clears the address's parameters
        st.query_params["desk"] = state[_KEY]
    return state[_KEY]


def restore_name() -> None:
    """Give back the name kept for this tab (call before the name box is drawn)."""
    state = st.session_state
    desk = key()
    if _NAME_KEPT in state:
        return
    name = ""
    if state[_FROM_ADDRESS]:
        try:
            name = kept.kept_name(resources.journal(), desk)
        except SEND_BLOCKERS:  # the frame says what is wrong
            return
    if name and not operator():
        state["operator"] = name
    state[_NAME_KEPT] = name


def keep_name() -> None:
    """Keep the name once it changed (call after the name box is drawn)."""
    state = st.session_state
    if operator() != state.get(_NAME_KEPT, ""):
        try:
            kept.keep_name(resources.journal(), key(), operator())
        except SEND_BLOCKERS:
            return
        state[_NAME_KEPT] = operator()


def restore(ns: str) -> Draft | None:
    """The draft kept for form ``ns``, once per session, when the address brought one."""
    state = st.session_state
    if f"{ns}.kept" in state:
        return None
    draft = None
    if state.get(_FROM_ADDRESS):
        try:
            draft = kept.kept_draft(resources.journal(), key(), ns)
        except SEND_BLOCKERS:
            return None
    state[f"{ns}.kept"] = draft.to_dict() if draft is not None else None
    return draft


def keep(ns: str, draft: Draft) -> None:
    """Keep form ``ns``'s draft once it changed (an untouched blank form is not written)."""
    state = st.session_state
    now = draft.to_dict()
    if now == state.get(f"{ns}.kept") or (state.get(f"{ns}.kept") is None and draft == Draft()):
        return
    try:
        kept.keep_draft(resources.journal(), key(), ns, draft)
    except SEND_BLOCKERS:
        return
    state[f"{ns}.kept"] = now


def sent(ns: str, draft: Draft) -> None:
    """Its order went (or may have): a refresh now starts a fresh form, not this one again."""
    try:
        kept.forget(resources.journal(), key(), ns)
    except SEND_BLOCKERS:
        return
    st.session_state[f"{ns}.kept"] = draft.to_dict()
