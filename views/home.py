"""Home: what the app does, and which Kapture it talks to."""

from __future__ import annotations

import streamlit as st

from services.settings import SettingsError
from ui import resources
from ui.text import code, md

st.title("Kapture Order Desk")
st.write(
    "Send orders to Kapture CRM and keep a record of every one: "
    "staff enter orders in a form, QA try raw payloads, reviewers search the history."
)

st.page_link("views/new_order.py", label="Enter a new order", icon=":material/add_shopping_cart:")
st.page_link("views/update_order.py", label="Update an order", icon=":material/edit_note:")
st.page_link("views/payload_editor.py", label="Try a raw payload (QA)", icon=":material/data_object:")
st.page_link("views/log.py", label="Search the submission log", icon=":material/history:")

st.subheader("Connected to")
try:
    profile = resources.active_profile()
except SettingsError as exc:
    st.error(f"The Kapture connection is not set up right: {md(exc)}", icon=":material/error:")
    st.stop()

if profile.is_sandbox:
    st.info(
        "**Sandbox** — the built-in practice Kapture on this computer. Orders sent here are not sent "
        f"to Kapture, so try anything. It uses the demo login **{md(profile.username)}**.",
        icon=":material/science:",
    )
    st.caption(
        "To send real orders, Order Desk has to be connected to your company's Kapture: "
        "ask whoever looks after Order Desk."
    )
    # The how-to is for the person who runs the app, not for staff: kept folded away.
    with st.expander("For whoever sets up Order Desk", icon=":material/build:"):
        st.markdown(
            "Set `KAPTURE_BASE_URL` (or `KAPTURE_SUBDOMAIN`) with `KAPTURE_USERNAME` and "
            "`KAPTURE_PASSWORD` (or `KAPTURE_TOKEN`), in the environment or in `.streamlit/secrets.toml`, "
            "then restart Order Desk. The README says more, and the Settings page shows what is in use."
        )
else:
    kind = "Production Kapture — orders are real" if profile.is_production else "Test Kapture"
    st.markdown(f"**{kind}** at {code(profile.base_url)}")
    login = f"user **{md(profile.username)}**" if profile.username and not profile.token else "an API token"
    st.caption(f"Signed in with {login}. The password is never shown or stored.")
