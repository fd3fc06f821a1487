"""Compare: any two payloads or answers, field by field."""

from __future__ import annotations

import streamlit as st

from ui import compare_page

st.title("Compare")
st.caption("Put two payloads or answers side by side: the differences by JSON path, and line by line.")
left, right = st.columns(2)
with left:
    before = compare_page.side("before", "Before")
with right:
    after = compare_page.side("after", "After")
compare_page.differences(before, after)
