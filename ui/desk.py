"""This browser tab's desk: its key in the address, and the forms and name kept under it.

Streamlit starts a new session on a refresh, and a restart ends them all: what staff had typed
would be gone. The frame keeps ``?desk=<key>`` in the address of every page, so the new session
finds the name and the order forms again (``services.desk``) — in the browser that typed them only.

The browser is known by the token in Streamlit's XSRF cookie, which the server sets on the first
page load (``server.enableXsrfProtection``, on by default). Without it nothing is kept across
sessions and the address carries no key: a desk nobody can be told apart by is not kept at all.
A second live tab on the same desk (a duplicated tab) gets a desk of its own with a copy of the
forms and name, as the browser's own Duplicate copies a page's fields, so the two never overwrite
each other.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from services import desk as kept
from services.drafts import Draft
from ui import resources
from ui.widgets import SEND_BLOCKERS, operator

_COOKIE = "_streamlit_xsrf"  # set by Streamlit's web server, one token per browser session
_KEY = "desk.key"
_BROWSER = "desk.browser"  # this browser's identity (a hash), None when it cannot be told
_RESTORE = "desk.restore"  # the key is this browser's and may hold forms: read them back once
_NAME_KEPT = "desk.name"


class _Holders:
    """Which live session holds each desk, so a second tab on the same desk gets its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # each session runs in its own thread
        self._by_desk: dict[str, str] = {}

    def hold(self, desk: str, session: str, alive: Callable[[str], bool]) -> bool:
        """Hold ``desk`` for ``session``; False when another live session holds it."""
        with self._lock:
            holder = self._by_desk.get(desk)
            if holder == session:
                return True
            if holder is not None and alive(holder):
                return False
            if holder is None:  # a new entry: drop those of sessions that ended, so this stays small
                self._by_desk = {key: held for key, held in self._by_desk.items() if alive(held)}
            self._by_desk[desk] = session
            return True


@st.cache_resource(show_spinner=False)
def _holders() -> _Holders:
    return _Holders()


def _hold(desk: str) -> bool:
    """True unless another live session of this server holds the desk."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return True
    runtime = st.runtime.get_instance() if st.runtime.exists() else None
    alive = runtime.is_active_session if runtime is not None else (lambda _session: False)
    return _holders().hold(desk, ctx.session_id, alive)


def _open() -> None:
    """The session's first run: take the address's desk if it is this browser's, else a fresh one."""
    state = st.session_state
    me = kept.browser(st.context.cookies.get(_COOKIE))
    state[_BROWSER] = me
    state[_KEY] = kept.new_desk()
    state[_RESTORE] = False
    given = st.query_params.get("desk")
    if me is None or not kept.is_desk(given):
        return
    try:
        journal = resources.journal()
    except SEND_BLOCKERS:  # the frame says what is wrong; this tab starts afresh
        return
    if not kept.owns(journal, kept.Desk(given, me)):
        return  # another browser's (a copied link), or never written (a crafted one): ignored
    state[_KEY] = given if _hold(given) else kept.duplicate(journal, kept.Desk(given, me)).key
    state[_RESTORE] = True


def key() -> str:
    """The tab's desk key; kept in the address when this browser can be told apart, else not shown."""
    state = st.session_state
    if _KEY not in state:
        _open()
    if state[_BROWSER] is None:
        if "desk" in st.query_params:  # nothing is kept under it: a key there would only mislead
            del st.query_params["desk"]
        return state[_KEY]
    _hold(state[_KEY])
    if st.query_params.get("desk") != state[_KEY]:  # a page change clears the address's parameters
        st.query_params["desk"] = state[_KEY]
    return state[_KEY]


def _desk() -> kept.Desk | None:
    """This tab's desk, or None when nothing may be kept (the browser cannot be told apart)."""
    desk = key()
    browser = st.session_state[_BROWSER]
    return kept.Desk(desk, browser) if browser is not None else None


def restore_name() -> None:
    """Give back the name kept for this tab (call before the name box is drawn)."""
    state = st.session_state
    desk = _desk()
    if _NAME_KEPT in state:
        return
    name = ""
    if desk is not None and state[_RESTORE]:
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
    desk = _desk()
    if desk is not None and operator() != state.get(_NAME_KEPT, ""):
        try:
            kept.keep_name(resources.journal(), desk, operator())
        except SEND_BLOCKERS:
            return
        state[_NAME_KEPT] = operator()


def restore(ns: str) -> Draft | None:
    """The draft kept for form ``ns``, once per session, when the address brought this browser's desk."""
    state = st.session_state
    desk = _desk()
    if f"{ns}.kept" in state:
        return None
    draft = None
    if desk is not None and state[_RESTORE]:
        try:
            draft = kept.kept_draft(resources.journal(), desk, ns)
        except SEND_BLOCKERS:
            return None
    state[f"{ns}.kept"] = draft.to_dict() if draft is not None else None
    return draft


def keep(ns: str, draft: Draft) -> None:
    """Keep form ``ns``'s draft once it changed (an untouched blank form is not written)."""
    state = st.session_state
    desk = _desk()
    now = draft.to_dict()
    if desk is None or now == state.get(f"{ns}.kept"):
        return
    if state.get(f"{ns}.kept") is None and draft == Draft():
        return
    try:
        kept.keep_draft(resources.journal(), desk, ns, draft)
    except SEND_BLOCKERS:
        return
    state[f"{ns}.kept"] = now


def sent(ns: str, draft: Draft) -> None:
    """Its order went (or may have): a refresh now starts a fresh form, not this one again."""
    desk = _desk()
    if desk is not None:
        try:
            kept.forget(resources.journal(), desk, ns)
        except SEND_BLOCKERS:
            return
    st.session_state[f"{ns}.kept"] = draft.to_dict()


def sending(ns: str, token: str) -> None:
    """Note form ``ns``'s send under way under the desk (call before sending), for a refresh."""
    desk = _desk()
    if desk is not None:
        with contextlib.suppress(*SEND_BLOCKERS):
            kept.keep_sending(resources.journal(), desk, ns, token)


def answered(ns: str) -> None:
    """Form ``ns``'s send has its answer on screen (or never left): nothing to find after a refresh."""
    desk = _desk()
    if desk is not None:
        with contextlib.suppress(*SEND_BLOCKERS):
            kept.forget_sending(resources.journal(), desk, ns)


def sent_before_refresh(ns: str) -> str | None:
    """The token of a send from form ``ns`` still under way when this tab was refreshed, once a session."""
    state = st.session_state
    desk = _desk()
    if desk is None or not state[_RESTORE] or state.get(f"{ns}.sending_checked"):
        return None
    state[f"{ns}.sending_checked"] = True
    try:
        return kept.kept_sending(resources.journal(), desk, ns)
    except SEND_BLOCKERS:
        return None
