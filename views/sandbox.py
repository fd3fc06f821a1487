"""Sandbox: how the stand-in Kapture answers (faults, latency, strictness), and the orders it keeps."""

from __future__ import annotations

import streamlit as st

from ui import sandbox_page

st.title("Sandbox")
st.caption(
    "The sandbox speaks Kapture's order API on this computer. Make it misbehave on purpose to see how "
    "Order Desk copes, and see every order it keeps, whoever sent it."
)
target = sandbox_page.target()
if target is not None and (status := sandbox_page.status_of(target)) is not None:
    sandbox_page.where(target, status)
    sandbox_page.settings_form(target, status)
    sandbox_page.orders(target)
    sandbox_page.from_a_terminal(target)
    sandbox_page.forget(target)
    sandbox_page.how_to_connect()
