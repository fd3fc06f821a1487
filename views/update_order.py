"""Update order: open an order by its Kapture id, change it, send the update."""

from __future__ import annotations

import streamlit as st

from ui import order_page

st.title("Update order")

state = st.session_state
opening = state.pop("update.open_order_id", None)
with st.form("update.open", border=False):
    typed, button = st.columns([3, 1], vertical_alignment="bottom")
    order_id = typed.text_input("Kapture order id", value=opening or "", placeholder="e.g. 23518266")
    opened = button.form_submit_button("Open", icon=":material/folder_open:")
if opening or (opened and order_id.strip()):
    order_page.open_order(order_id)
    state["update.opened"] = order_id.strip()
if opened and not order_id.strip():
    st.error("Type the order id Kapture gave, for example 23518266.")

if state.get("update.opened"):
    if state.get("update.known"):
        st.caption(
            f"Order **{state['update.opened']}** as Order Desk last sent it. "
            "Change what should change, then press **Update order**."
        )
    else:
        st.warning(
            f"Order Desk has not sent order **{state['update.opened']}** itself, so its details are not "
            "known here. Fill in the details the order should have — they replace what Kapture holds.",
            icon=":material/info:",
        )
    order_page.run("update", updating=True)
else:
    st.info(
        "Type the order id from Kapture (or from a success message) and press **Open**.",
        icon=":material/info:",
    )
