"""Persistence of the journal and templates: SQLAlchemy 2.0, no Streamlit, no HTTP."""
