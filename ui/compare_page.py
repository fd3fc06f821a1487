"""The compare page's parts: fill each side from somewhere, then list the differences."""

from __future__ import annotations

import streamlit as st

from services import log, templates
from services.compare import compare, parse_or_text
from ui import resources
from ui.text import option
from ui.widgets import changes_table

SOURCES = ("Paste", "Payload editor", "Template", "Journal entry")


def side(ns: str, title: str) -> str:
    """One side: where it comes from, and the text (editable)."""
    state = st.session_state
    st.subheader(title, anchor=False)
    source = st.selectbox("From", SOURCES, key=f"compare.{ns}.source", persist_state="session")
    if source == "Template":
        listing = {t.name: t.payload for t in templates.listing(resources.journal())}
        name = st.selectbox(
            "Template",
            list(listing),
            format_func=option,
            key=f"compare.{ns}.template",
            persist_state="session",
        )
        st.button("Fill in", key=f"compare.{ns}.fill", on_click=_fill, args=(ns, listing[name]))
    elif source == "Journal entry":
        entry, part = st.columns([1, 1])
        entry.number_input("Entry #", min_value=1, step=1, key=f"compare.{ns}.entry", persist_state="session")
        part.radio(
            "Part", ["answer", "request"], key=f"compare.{ns}.part", horizontal=True, persist_state="session"
        )
        st.button("Fill in", key=f"compare.{ns}.fill", on_click=_fill_from_journal, args=(ns,))
    elif source == "Payload editor":
        st.button(
            "Fill in", key=f"compare.{ns}.fill", on_click=_fill, args=(ns, state.get("editor.text", ""))
        )
    notice = state.pop(f"compare.{ns}.notice", None)
    if notice:
        st.error(notice)
    return st.text_area("JSON or text", key=f"compare.{ns}.text", height=320, persist_state="session")


def differences(before: str, after: str) -> None:
    """The changes from before to after, by JSON path."""
    if not before.strip() or not after.strip():
        st.info("Fill in both sides to see what differs.", icon=":material/info:")
        return
    ignore = st.checkbox(
        "Ignore ids and timestamps", value=True, key="compare.ignore", persist_state="session"
    )
    changes = compare(parse_or_text(before), parse_or_text(after), ignore_volatile=ignore)
    if not changes:
        st.success(
            "No differences" + (" (ids and timestamps ignored)." if ignore else "."), icon=":material/check:"
        )
        return
    st.subheader(f"{len(changes)} difference(s)", anchor=False)
    changes_table(changes)


def _fill(ns: str, text: str) -> None:
    st.session_state[f"compare.{ns}.text"] = text


def _fill_from_journal(ns: str) -> None:
    state = st.session_state
    entry = int(state.get(f"compare.{ns}.entry") or 0)
    row = log.entry(resources.journal(), entry)
    if row is None:
        state[f"compare.{ns}.notice"] = f"There is no journal entry #{entry}."
        return
    part = state.get(f"compare.{ns}.part", "answer")
    _fill(ns, row.request_body if part == "request" else (row.response_body or row.error))
