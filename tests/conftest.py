"""Shared fixtures: a real sandbox on loopback and clients that talk to it over HTTP."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator

import pytest

from kapture import KaptureClient, OrderPayload, default_payload
from kapture.sandbox import DEMO_PASSWORD, DEMO_USERNAME, Sandbox, start_sandbox

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip locally when a tool is missing; under CI=true a missing tool fails the run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


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
