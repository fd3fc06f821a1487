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
    if isinstance(exc, SettingsError):  # staff cannot fix it: say who can, then the detail for them
        st.error(
            "Nothing was sent. Order Desk is not set up right: ask whoever looks after it to fix this. "
            f"For them: {md(exc)}",
            icon=":material/error:",
        )
        return
    st.error(f"Nothing was sent. {md(exc)}", icon=":material/error:")


def connection_badge(profile: Profile) -> None:
    """Which Kapture the app talks to: calm for the sandbox, loud for production."""
    if profile.is_sandbox:
        st.info("**Sandbox** — orders are not sent to Kapture.", icon=":material/science:")
    elif profile.is_production:
        st.error(f"**Production Kapture** — {md(profile.name)}. Orders are real.", icon=":material/warning:")
    else:
        st.warning(f"**Test Kapture** — {md(profile.name)}.", icon=":material/cloud:")


def operator() -> str:
    """The name the person gave ("" until they give one)."""
    return str(st.session_state.get("operator") or "").strip()


def operator_named(*, above: bool = False) -> bool:
    """True when the person has said their name; otherwise ask for it, where the click was.

    ``above``: the page has a name box of its own above the button (the order pages).
    """
    if operator():
        return True
    where = "above first" if above else "on the left first (on a phone: ☰ at the top)"
    st.error(f"Enter your name in **Your name** {where}: it goes with every send.", icon=":material/badge:")
    return False


def destination(profile: Profile | None) -> None:
    """Which Kapture this page sends to, as a badge at its top (a phone hides the sidebar's badge)."""
    if profile is None:
        return  # the sidebar says what is wrong
    if profile.is_sandbox:
        st.badge("Sandbox: orders are not sent to Kapture", color="blue")
    elif profile.is_production:
        st.badge(f"⚠ Production Kapture: {md(profile.name)}. Orders are real.", color="red")
    else:
        st.badge(f"Test Kapture: {md(profile.name)}", color="orange")


def sender(ns: str) -> None:
    """Who sends, above the send button: the name given, or a box for it (no sidebar on a phone)."""
    if operator():
        st.caption(f"Sending as **{md(operator())}**")
        return
    st.text_input(
        "Your name",
        key=f"{ns}.operator_here",
        placeholder="Who is entering orders?",
        help="Recorded with every order you send, so the log shows who sent what.",
        on_change=_adopt_name,
        args=(ns,),
    )


def _adopt_name(ns: str) -> None:
    st.session_state["operator"] = str(st.session_state.get(f"{ns}.operator_here") or "").strip()


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
