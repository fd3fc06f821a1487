"""Small pieces of screen that several pages show."""

from __future__ import annotations

import streamlit as st

from services.compare import Change
from services.journal import JournalUnavailable
from services.settings import Profile, SettingsError
from ui.text import md

# What stops a send before anything leaves: settings that are wrong, a log that cannot be written.
SEND_BLOCKERS = (SettingsError, JournalUnavailable)


def nothing_sent(exc: Exception) -> None:
    """Say that a send was stopped before anything left, and why, in the error's own plain words."""
    why = "Order Desk is not set up right: " if isinstance(exc, SettingsError) else ""
    st.error(f"Nothing was sent. {why}{md(exc)}", icon=":material/error:")


def connection_badge(profile: Profile) -> None:
    """Which Kapture the app talks to: calm for the sandbox, loud for production."""
    if profile.is_sandbox:
        st.info("**Sandbox** — orders are not sent to Kapture.", icon=":material/science:")
    elif profile.is_production:
        st.error(f"**Production Kapture** — {md(profile.name)}. Orders are real.", icon=":material/warning:")
    else:
        st.warning(f"**Test Kapture** — {md(profile.name)}.", icon=":material/cloud:")


def operator_named() -> bool:
    """True when the person has said their name; otherwise ask for it, where the click was."""
    if str(st.session_state.get("operator") or "").strip():
        return True
    st.error(
        "Enter your name in **Your name** on the left first: it is recorded with every send.",
        icon=":material/badge:",
    )
    return False


def changes_table(changes: list[Change]) -> None:
    """Differences by JSON path, one a row."""
    st.dataframe(
        [
            {
                "path": change.path or "(the whole value)",
                "change": change.kind,
                "before": "—" if change.before is None else str(change.before),
                "after": "—" if change.after is None else str(change.after),
            }
            for change in changes
        ],
        hide_index=True,
        width="stretch",
    )
