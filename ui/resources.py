"""Things made once per server process and shared by every browser session."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta

import streamlit as st

from sandbox import Sandbox, StateFileBusy, options_from, start_sandbox
from services.connections import KaptureClient, connect
from services.journal import Journal, open_journal
from services.settings import Profile, Settings, SettingsError, load_settings
from services.submit import Submitter


@st.cache_resource(show_spinner=False)
def _sandbox(port: int, state_file: str | None) -> tuple[Sandbox, tuple[str, ...]]:
    # One built-in sandbox per server process: on the fixed port when it is free (QA can write the
    # address down), keeping its orders and ids in the state file across restarts. It never fails
    # to start for either: a taken port or a state file in use is said on the Sandbox page.
    notes: list[str] = []
    try:
        sandbox = start_sandbox(port=port, state_file=state_file, any_port_if_taken=True)
    except StateFileBusy as exc:
        notes.append(f"{exc} Until then this one keeps its orders in memory only.")
        sandbox = start_sandbox(port=port, any_port_if_taken=True)
    if sandbox.wanted_port:
        taken = f"Port {sandbox.wanted_port} was taken, so the built-in sandbox is at {sandbox.url} for now."
        notes.insert(0, taken)
    return sandbox, tuple(notes)


@st.cache_resource(show_spinner="Opening the submission log…")
def _journal(database_url: str, pending_grace_seconds: float, phone_region: str) -> Journal:
    return open_journal(
        database_url, pending_grace=timedelta(seconds=pending_grace_seconds), phone_region=phone_region
    )


@st.cache_resource(show_spinner=False)
def _client(_profile: Profile, fingerprint: str) -> KaptureClient:
    # Keyed by a fingerprint that changes with the credential, without keeping it in the key.
    return connect(_profile)


def settings() -> Settings:
    """The settings, read afresh each run so an edited secrets file takes effect."""
    return load_settings(os.environ, _secrets())


def active_profile() -> Profile:
    """The Kapture this app talks to; the built-in sandbox when none is configured."""
    profile = settings().profile
    if not profile.is_sandbox:
        return profile
    sandbox, _ = builtin_sandbox()  # it says where it is and which login it takes (its demo pair)
    return profile.at(sandbox.url, username=sandbox.username, password=sandbox.password)


def builtin_sandbox() -> tuple[Sandbox, tuple[str, ...]]:
    """The app's own sandbox (started on first use), and what to tell QA about where it ended up.

    Its port and state file: KAPTURE_SANDBOX_PORT and KAPTURE_SANDBOX_STATE (read by the sandbox
    package, as ``python -m sandbox`` reads them), else 8765 and data/sandbox.db.
    """
    try:
        port, state_file = options_from(os.environ)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    return _sandbox(port, state_file)


def journal() -> Journal:
    """The submission log (opened, upgraded and recovered once per database URL and phone region)."""
    current = settings()
    return _journal(current.database_url, sum(current.profile.timeout), current.phone_region)


def client(profile: Profile) -> KaptureClient:
    """A kept-alive client for the profile."""
    identity = repr((profile.base_url, profile.timeout, profile.username, *profile.secrets))
    fingerprint = hashlib.sha256(identity.encode()).hexdigest()
    return _client(profile, fingerprint)


def submitter() -> Submitter:
    """The journaled submit for the active profile."""
    profile = active_profile()
    return Submitter(journal(), client(profile), profile, duplicate_window=settings().duplicate_window)


def _secrets() -> dict[str, object]:
    try:
        return dict(st.secrets)
    except FileNotFoundError:  # no secrets.toml: environment and defaults only
        return {}
