"""Kapture Order Desk: the frame — page config, navigation and the sidebar, nothing else."""

from __future__ import annotations

import streamlit as st

from services.journal import JournalUnavailable
from services.settings import SettingsError
from ui import desk, resources, widgets
from ui.text import md

# An emoji favicon is drawn in the browser (a data: URL); a :material/ one would be fetched from
# fonts.gstatic.com by every browser that opens the app: no page may ask an outside address.
st.set_page_config(page_title="Kapture Order Desk", page_icon="📦", layout="wide")

navigation = st.navigation(
    {
        "": [st.Page("views/home.py", title="Home", icon=":material/home:", default=True)],
        "Orders": [
            st.Page("views/new_order.py", title="New order", icon=":material/add_shopping_cart:"),
            st.Page("views/update_order.py", title="Update order", icon=":material/edit_note:"),
        ],
        "QA": [
            st.Page("views/payload_editor.py", title="Payload editor", icon=":material/data_object:"),
            st.Page("views/suites.py", title="Variant suites", icon=":material/checklist:"),
            st.Page("views/compare.py", title="Compare", icon=":material/difference:"),
            st.Page("views/sandbox.py", title="Sandbox", icon=":material/science:"),
        ],
        "History": [st.Page("views/log.py", title="Submission log", icon=":material/history:")],
        "Settings": [st.Page("views/settings.py", title="Settings", icon=":material/settings:")],
    }
)

with st.sidebar:
    st.markdown("### Kapture Order Desk")
    try:
        widgets.connection_badge(resources.active_profile())
        resources.journal()
    except (SettingsError, JournalUnavailable) as exc:
        st.error(f"Order Desk is not set up right: {md(exc)}", icon=":material/error:")
    desk.restore_name()  # after a refresh or a restart, from the address's ?desk=…
    st.text_input(
        "Your name",
        key="operator",
        persist_state="session",
        placeholder="Who is entering orders?",
        help="Recorded with every order you send, so the log shows who sent what.",
    )
    desk.keep_name()

navigation.run()
