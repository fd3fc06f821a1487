"""Things made once per server process and shared by every browser session."""

from __future__ import annotations

import os

import streamlit as st

from kapture.sandbox import Sandbox, start_sandbox
from services.settings import Profile, Settings, load_settings


@st.cache_resource(show_spinner=False)
def _sandbox() -> Sandbox:
    # One built-in sandbox per server process, on a free loopback port.
    return start_sandbox()


def settings() -> Settings:
    """The settings, read afresh each run so an edited secrets file takes effect."""
    return load_settings(os.environ, _secrets())


def active_profile() -> Profile:
    """The Kapture this app talks to; the built-in sandbox when none is configured."""
    profile = settings().profile
    return profile.at(_sandbox().url) if profile.is_sandbox else profile


def _secrets() -> dict[str, object]:
    try:
        return dict(st.secrets)
    except FileNotFoundError:  # no secrets.toml: environment and defaults only
        return {}
