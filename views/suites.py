"""Variant suites: run payload variants with expected outcomes, and see what changed since last time."""

from __future__ import annotations

import streamlit as st

from ui import suite_page

st.title("Variant suites")
st.caption(
    "A suite is a base payload and variants of it, each with the outcome you expect. Every send is "
    "journaled with the run's id, so each run can be compared with the one before."
)
suite_page.picker()
suite = suite_page.editor()
suite_page.save_bar(suite)
suite_page.runner(suite)
suite_page.results()
