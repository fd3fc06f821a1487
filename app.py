"""Kapture Order Desk: the frame — page config, navigation and the sidebar, nothing else."""

from __future__ import annotations

import streamlit as st

from services.journal import JournalUnavailable
from services.settings import SettingsError
from ui import resources, widgets

st.set_page_config(page_title="Kapture Order Desk", page_icon=":material/inventory_2:", layout="wide")

navigation = st.navigation(
    {
        "": [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)],
    }
)

with st.sidebar:
    st.markdown("### Kapture Order Desk")
    try:
        widgets.connection_badge(resources.active_profile())
        resources.journal()
    except (SettingsError, JournalUnavailable) as exc:
        st.error(f"Order Desk is not set up right: {exc}", icon=":material/error:")

navigation.run()
