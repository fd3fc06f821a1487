"""Shared fixtures: a real sandbox on loopback and clients that talk to it over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kapture import KaptureClient, OrderPayload, default_payload
from sandbox import DEMO_PASSWORD, DEMO_USERNAME, Sandbox, start_sandbox
from services.journal import Journal, open_journal
from services.settings import Profile, load_settings
from services.submit import Submitter

IN_CI = os.environ.get("CI", "").lower() == "true"
# A server the tests may create databases on; scripts/start-postgres prints one.
POSTGRES_URL = os.environ.get("KAPTURE_TEST_POSTGRES_URL", "")


def require(condition: bool, reason: str) -> None:
    """Skip locally when a tool is missing; under CI=true a missing tool fails the run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


def stop(process: subprocess.Popen) -> None:
    """End a child process: politely, then firmly."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(autouse=True)
def _built_in_sandbox_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's built-in sandbox, when a test starts one, takes any free port and keeps nothing.

    Its defaults (port 8765, orders kept in data/sandbox.db) are for people; tests that check
    them set these variables themselves.
    """
    monkeypatch.setenv("KAPTURE_SANDBOX_PORT", "0")
    monkeypatch.setenv("KAPTURE_SANDBOX_STATE", "memory")


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with start_sandbox() as running:
        yield running


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[KaptureClient]:
    with KaptureClient(sandbox.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, timeout=(2, 5)) as kc:
        yield kc


@pytest.fixture
def order() -> OrderPayload:
    """A valid order as staff would enter it."""
    payload = default_payload()
    payload.customer_info.customer_name = "Asha Traders"
    payload.customer_info.phone = "+91 98450-12345"
    payload.customer_info.email_id = "orders@asha.example"
    payload.customer_info.country = "India"
    payload.contact_info[0].contact_person_phone = "9845012345"
    payload.order_info.payment_mode = "UPI"
    return payload


@pytest.fixture
def sent_bodies(sandbox: Sandbox) -> Callable[[], list[dict]]:
    """The JSON bodies the sandbox received, in order."""
    return lambda: [json.loads(request.body) for request in sandbox.state.requests]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new database on the test PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'journal.db'}"
        return
    require(bool(POSTGRES_URL), "no PostgreSQL: set KAPTURE_TEST_POSTGRES_URL (see scripts/start-postgres)")
    name = f"orderdesk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def journal(database_url: str) -> Iterator[Journal]:
    opened = open_journal(database_url, pending_grace=timedelta(minutes=5))
    yield opened
    opened.close()


@pytest.fixture
def profile(sandbox: Sandbox) -> Profile:
    """The default profile (nothing configured): the sandbox, at this test's sandbox URL and login."""
    return sandbox_profile(sandbox)


def sandbox_profile(sandbox: Sandbox | str) -> Profile:
    """What the app makes of nothing configured: the sandbox profile at a sandbox's URL and demo login."""
    url = sandbox if isinstance(sandbox, str) else sandbox.url
    return load_settings({}).profile.at(url, username=DEMO_USERNAME, password=DEMO_PASSWORD)


@pytest.fixture
def submitter(journal: Journal, client: KaptureClient, profile: Profile) -> Submitter:
    return Submitter(journal, client, profile)
