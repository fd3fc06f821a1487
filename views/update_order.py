"""Update order: open an order by its Kapture id, change it, send the update."""

from __future__ import annotations

import streamlit as st

from ui import desk, order_page
from ui.text import md

st.title("Update order")

state = st.session_state
if (restored := desk.restore("update")) is not None and restored.order_id:  # after a refresh or a restart
    order_page.open_draft_for_update(restored)
    state["update.restored"] = True
handed_over = state.pop("update.open_order_id", None)  # from a success card ("Update this order")
if handed_over:
    state["update.lookup"] = handed_over
typed, button = st.columns([3, 1], vertical_alignment="bottom")
typed.text_input("Kapture order id", key="update.lookup", placeholder="e.g. 23518266")
opened = button.button("Open", key="update.open", icon=":material/folder_open:")
lookup = str(state.get("update.lookup") or "").strip()
if handed_over or (opened and lookup):
    order_page.open_order(lookup)
elif opened:
    st.error("Type the order id Kapture gave, for example 23518266.", icon=":material/error:")

if state.get("update.opened"):
    if state.get("update.restored"):
        st.caption(
            f"Your changes to order **{md(state['update.opened'])}**, as they were before the page was "
            "reloaded. Press **Update order** to send them."
        )
    elif state.get("update.known"):
        st.caption(
            f"Order **{md(state['update.opened'])}** as Order Desk last sent it. "
            "Change what should change, then press **Update order**."
        )
    else:
        st.warning(
            f"Order Desk has not sent order **{md(state['update.opened'])}** itself, so its details are not "
            "known here. Fill in the details the order should have — they replace what Kapture holds.",
            icon=":material/info:",
        )
    order_page.run("update", updating=True)
else:
    st.info(
        "Type the order id from Kapture (or from a success message) and press **Open**.",
        icon=":material/info:",
    )
