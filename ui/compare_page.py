"""The compare page's parts: fill each side from somewhere, then list the differences."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import log, templates
from services.compare import compare, parse_or_text
from services.payloads import DiffRow, parse, pretty, side_by_side
from ui import resources
from ui.text import option
from ui.widgets import changes_table

# Row colours of the side-by-side diff: light enough to read the text on, the same in every theme.
_SHADES = {"changed": "#fff4d6", "removed": "#ffe1e1", "added": "#ddf5e3", "same": ""}
_MARKS = {"changed": "~", "removed": "−", "added": "+", "same": ""}

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
    by_path, by_line = st.tabs(["By JSON path", "Side by side (text)"])
    with by_path:
        changes_table(changes)
    with by_line:
        text_diff(before, after)


def text_diff(before: str, after: str) -> None:
    """The two texts line by line, side by side; JSON is laid out the same way on both sides first."""
    left, right = _laid_out(before), _laid_out(after)
    rows = side_by_side(left, right)
    only = st.toggle("Only lines that differ (and two around them)", value=True, key="compare.only_changes")
    shown = _around_changes(rows) if only else rows
    if not shown:
        st.caption("The two texts are the same line for line (the differences above are in ids or order).")
        return
    st.caption("Both sides are laid out as indented JSON first, so spacing alone is not a difference.")
    table = pd.DataFrame(
        [
            {
                "#": row.left_line,
                "before": row.left,
                " ": _MARKS[row.kind],
                "# ": row.right_line,
                "after": row.right,
            }
            for row in shown
        ]
    )
    kinds = [row.kind for row in shown]
    styled = table.style.apply(lambda column: [_shade(kind) for kind in kinds], axis=0)
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        column_config={
            "#": st.column_config.NumberColumn(width="small", format="%d"),
            "# ": st.column_config.NumberColumn(width="small", format="%d"),
            " ": st.column_config.TextColumn(width="small"),
        },
    )


def _shade(kind: str) -> str:
    return f"background-color: {_SHADES[kind]}" if _SHADES[kind] else ""


def _laid_out(text: str) -> str:
    value, problem = parse(text)
    return pretty(value) if problem is None else text


def _around_changes(rows: list[DiffRow], context: int = 2) -> list[DiffRow]:
    keep = {
        near
        for index, row in enumerate(rows)
        if row.kind != "same"
        for near in range(index - context, index + context + 1)
    }
    return [row for index, row in enumerate(rows) if index in keep]


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
