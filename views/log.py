"""Submission log: who sent what, where, when, and what Kapture answered."""

from __future__ import annotations

import streamlit as st

from ui import log_page

st.title("Submission log")
where = log_page.filters()
found = log_page.search(where)
log_page.overview(where, found)
chosen = log_page.table(found)
if chosen is not None:
    log_page.detail(chosen)
log_page.export_and_retention(where)
