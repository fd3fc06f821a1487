"""The application's verbs, with no Streamlit: settings, journaled submits, runs and imports."""
