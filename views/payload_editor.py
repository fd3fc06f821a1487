"""Payload editor: QA edit the JSON Kapture receives, check it, send it as written, read the answer."""

from __future__ import annotations

import streamlit as st

from ui import payload_editor as editor

st.title("Payload editor")
st.caption(
    "Start from a template, edit the JSON, and send it exactly as written. Problems with the JSON stop "
    "sending; warnings about fields do not — sending wrong payloads on purpose is allowed."
)
editor.handed_over()
editor.templates_bar()
editor.toolbar()
text = editor.text_box()
parsed, problem = editor.checks(text)
headers, headers_ok = editor.headers_box()
editor.send_bar(text, problem, headers if headers_ok else None)
editor.answer()
editor.code_snippets(text)
