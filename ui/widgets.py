"""Small pieces of screen that several pages show."""

from __future__ import annotations

import streamlit as st

from services.compare import Change
from services.settings import Profile


def connection_badge(profile: Profile) -> None:
    """Which Kapture the app talks to: calm for the sandbox, loud for production."""
    if profile.is_sandbox:
        st.info("**Sandbox** — orders are not sent to Kapture.", icon=":material/science:")
    elif profile.is_production:
        st.error(f"**Production Kapture** — {profile.name}. Orders are real.", icon=":material/warning:")
    else:
        st.warning(f"**Test Kapture** — {profile.name}.", icon=":material/cloud:")


def plain(text: str) -> str:
    """Text for st.markdown shown as written: markdown characters escaped, `code spans` kept."""
    parts = text.split("`")
    for index in range(0, len(parts), 2):  # outside code spans only
        parts[index] = "".join("\\" + ch if ch in "\\*_[]<>#~$" else ch for ch in parts[index])
    return "`".join(parts)


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
