"""New order: staff fill in the form and send it to Kapture."""

from __future__ import annotations

import streamlit as st

from ui import order_page

st.title("New order")
st.caption("Fill in what you know — fields marked * are needed — then press **Submit order**.")
order_page.run("order", updating=False)
