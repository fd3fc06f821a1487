"""Settings: where orders go, where the log lives, and how to change either."""

from __future__ import annotations

import streamlit as st

from services.journal import JournalUnavailable
from services.settings import SettingsError
from ui import resources
from ui.text import code, md

st.title("Settings")
try:
    settings = resources.settings()
    profile = resources.active_profile()
except SettingsError as exc:
    st.error(f"The configuration is not complete: {md(exc)}", icon=":material/error:")
    st.stop()

st.subheader("Kapture", anchor=False)
if profile.is_sandbox:
    st.markdown(
        f"The built-in **sandbox** at {code(profile.base_url)} (demo login {code(profile.username)})."
    )
else:
    kind = "production" if profile.is_production else "test"
    login = f"user {code(profile.username)}" if profile.username and not profile.token else "an API token"
    st.markdown(f"A **{kind}** Kapture at {code(profile.base_url)}, signed in with {login}.")
st.caption(f"Waits up to {profile.timeout[0]:g} s to connect and {profile.timeout[1]:g} s for an answer.")
st.caption(
    f"Account id for “Check in Kapture”: {profile.cm_id}."
    if profile.cm_id
    else "No account id (KAPTURE_CM_ID): the log cannot look orders up in Kapture."
)

st.subheader("Submission log", anchor=False)
try:
    journal = resources.journal()
    st.markdown(f"Kept in {code(journal.address)}.")
except JournalUnavailable as exc:
    st.error(md(exc), icon=":material/error:")
minutes = settings.duplicate_window.total_seconds() / 60
st.caption(
    f"An identical order sent in the last {minutes:g} minutes asks before it is sent again."
    if minutes
    else "Identical orders are sent again without asking."
)

st.subheader("Changing these", anchor=False)
st.markdown(
    "Settings come from environment variables, or from `.streamlit/secrets.toml` on the computer that "
    "runs Order Desk: `KAPTURE_BASE_URL` (or `KAPTURE_SUBDOMAIN`), `KAPTURE_USERNAME` and "
    "`KAPTURE_PASSWORD` (or `KAPTURE_TOKEN`), `KAPTURE_CM_ID`, `KAPTURE_TIMEOUT_SECONDS`, "
    "`KAPTURE_DATABASE_URL`, `KAPTURE_DUPLICATE_WINDOW_MINUTES`. "
    "Restart Order Desk after changing the environment. Passwords are never shown here."
)
