"""Streamlit-only shared code: cached resources, session-state keys, shared widgets."""
