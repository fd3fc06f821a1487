"""The Sandbox page as Streamlit runs it (AppTest): it controls a sandbox over its HTTP control endpoints."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from streamlit.testing.v1 import AppTest

from sandbox import ADD_UPDATE_PATH, DEMO_PASSWORD, DEMO_USERNAME, Sandbox, SandboxControl, basic_token
from tests.test_order_pages import app_env, open_page, read, texts  # noqa: F401 - autouse

SANDBOX = "views/sandbox.py"
CURL = {"Authorization": "Basic " + basic_token(DEMO_USERNAME, DEMO_PASSWORD), "User-Agent": "curl/8.5.0"}


def open_sandbox_page() -> AppTest:
    at = open_page(SANDBOX)
    assert not at.exception, at.exception
    return at


def send_with_curl(url: str, name: str) -> int:
    body = {"customer_info": {"customer_name": name, "phone": "9845012345"}}
    answer = requests.post(url + ADD_UPDATE_PATH, json=body, headers=CURL, timeout=5)
    return answer.json()["Order"]["order_id"]


def test_a_sandbox_started_apart_is_named_with_its_orders_from_curl(sandbox: Sandbox) -> None:
    order_id = send_with_curl(sandbox.url, "Curl Traders")

    at = open_sandbox_page()

    shown = texts(at)
    assert "**sandbox started apart**" in shown and sandbox.url in shown
    assert "memory only" in shown  # the test's sandbox keeps no state file
    table = at.dataframe[0].value
    assert table["order id"].tolist() == [str(order_id)]
    assert table["customer"].tolist() == ["Curl Traders"]
    assert table["sent by"].tolist() == ["curl/8.5.0"]
    assert [m.value for m in at.metric][:3] == ["1", "1", str(order_id + 1)]


def test_an_order_sent_while_the_page_is_open_shows_after_refresh(sandbox: Sandbox) -> None:
    at = open_sandbox_page()
    assert "None yet" in texts(at)
    send_with_curl(sandbox.url, "Later Traders")
    at.button(key="sandbox.refresh").click().run()
    assert at.dataframe[0].value["customer"].tolist() == ["Later Traders"]


def test_faults_latency_the_login_answer_and_strictness_are_applied_to_the_sandbox(sandbox: Sandbox) -> None:
    at = open_sandbox_page()
    at.selectbox(key="sandbox.mode").set_value("http_500_html")
    at.number_input(key="sandbox.times").set_value(2)
    at.number_input(key="sandbox.latency_ms").set_value(150)
    at.radio(key="sandbox.auth_failure_status").set_value(200)
    at.radio(key="sandbox.strictness").set_value("strict")
    at.button[0].click().run()  # the form's Apply
    assert not at.exception

    faults = sandbox.state.current_faults()
    assert (faults.mode, faults.times, faults.latency_ms, faults.auth_failure_status) == (
        "http_500_html", 2, 150, 200
    )  # fmt: skip
    assert sandbox.state.strictness == "strict"
    assert "Applied" in texts(at)
    assert at.selectbox(key="sandbox.mode").value == "http_500_html"  # the form shows the sandbox as it is
    assert at.metric[3].value == "Strict"
    sandbox.set_strictness("lenient")


def test_a_change_made_with_curl_is_shown_in_the_form(sandbox: Sandbox) -> None:
    at = open_sandbox_page()
    assert at.selectbox(key="sandbox.mode").value == "none"
    SandboxControl(sandbox.url).set_faults(mode="slow", slow_seconds=40, auth_failure_status=200)
    at.run()
    assert at.selectbox(key="sandbox.mode").value == "slow"
    assert at.number_input(key="sandbox.slow_seconds").value == 40
    assert at.radio(key="sandbox.auth_failure_status").value == 200


def test_forgetting_orders_needs_a_tick_and_keeps_ids_growing(sandbox: Sandbox) -> None:
    first = send_with_curl(sandbox.url, "Old Traders")
    at = open_sandbox_page()
    assert at.button(key="sandbox.forget").disabled
    at.checkbox(key="sandbox.forget_sure").check().run()
    at.button(key="sandbox.forget").click().run()
    assert not at.exception
    assert sandbox.state.orders() == []
    assert "None yet" in texts(at)
    assert send_with_curl(sandbox.url, "New Traders") == first + 1


def test_a_real_tenant_has_nothing_to_set_and_the_page_says_how_to_use_a_sandbox(
    monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox
) -> None:
    monkeypatch.setenv("KAPTURE_BASE_URL", "https://acme-uat.kapturecrm.com")
    at = open_sandbox_page()
    shown = texts(at)
    assert "not a sandbox" in shown
    assert any("KAPTURE_BASE_URL=http://127.0.0.1:8765" in c.value for c in at.code)
    assert not at.dataframe


def test_a_loopback_address_where_no_sandbox_answers_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("KAPTURE_BASE_URL", f"http://127.0.0.1:{port}")
    at = open_sandbox_page()
    assert "no sandbox answers there" in texts(at)


@pytest.fixture
def built_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Nothing configured: the app's own sandbox, its port taken, its state file in tmp_path."""
    for name in ("KAPTURE_BASE_URL", "KAPTURE_USERNAME", "KAPTURE_PASSWORD", "KAPTURE_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    state_file = tmp_path / "sandbox.db"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setenv("KAPTURE_SANDBOX_PORT", str(taken.getsockname()[1]))
        monkeypatch.setenv("KAPTURE_SANDBOX_STATE", str(state_file))
        yield state_file
        from ui import resources  # the built-in sandbox this test started, stopped with it

        resources._sandbox(taken.getsockname()[1], str(state_file))[0].stop()


def test_the_built_in_sandbox_says_its_port_was_taken_and_where_it_keeps_orders(built_in: Path) -> None:
    at = open_sandbox_page()
    shown = texts(at)
    assert "**built-in sandbox**" in shown
    assert "was taken, so the built-in sandbox is at http://127.0.0.1:" in shown
    assert f"kept in `{built_in}` across restarts" in shown
    assert built_in.exists()
