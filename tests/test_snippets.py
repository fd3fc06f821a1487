"""The curl, Python and Node snippets: what they contain, and that they really send an order."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kapture import basic_token, encode, snippets, vendor_example
from kapture.client import ADD_UPDATE_PATH, PULL_PATH
from sandbox import DEMO_PASSWORD, DEMO_USERNAME, Sandbox
from tests.conftest import require
from tests.hostile.evil import EvilServer, Peer, answer

SANDBOX_TOKEN = basic_token(DEMO_USERNAME, DEMO_PASSWORD)
PASSWORD = "S3cret-pass!"
CLIENT_TOKEN = basic_token("alice", PASSWORD)
NAMES = {
    "apostrophe": "O'Brien & Sons",
    "devanagari": "आशा ट्रेडर्स",
    "metacharacters": 'Shop ${process.env.KAPTURE_TOKEN} $HOME `id` "q" \\ %s',
}
MAKERS = {"curl": snippets.curl, "python": snippets.python, "node": snippets.node}


def payload(name: str) -> dict[str, Any]:
    """The vendor's example order, for a given customer."""
    body = vendor_example()
    body["customer_info"]["customer_name"] = name
    return body


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    loopback = "127.0.0.1,127.0.0.2"
    env = {**os.environ, "KAPTURE_TOKEN": SANDBOX_TOKEN, "NO_PROXY": loopback, "no_proxy": loopback}
    return subprocess.run(
        command, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False
    )


def run_curl(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    require(shutil.which("curl") is not None, "curl is not installed, so the curl snippet cannot be executed")
    return run(["bash", "-c", code])


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "send_order.py"
    script.write_text(code, encoding="utf-8")
    return run([sys.executable, str(script)])


def run_node(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    require(shutil.which("node") is not None, "node is not installed, so the Node snippet cannot be executed")
    script = tmp_path / "send-order.mjs"
    script.write_text(code, encoding="utf-8")
    return run(["node", str(script)])


RUNNERS: dict[str, Callable[[str, Path], subprocess.CompletedProcess[str]]] = {
    "curl": run_curl,
    "python": run_python,
    "node": run_node,
}


def answer_printed(kind: str, stdout: str) -> dict[str, Any]:
    """The sandbox's answer as the snippet printed it (Python and Node print the status first)."""
    if kind == "curl":
        return json.loads(stdout)
    status, _, text = stdout.partition(" ")
    assert status == "200", stdout
    return json.loads(text)


# --- what the snippets contain -------------------------------------------------------------------


@pytest.mark.parametrize("kind", MAKERS)
def test_snippet_names_the_endpoint_and_the_token_placeholder(kind: str) -> None:
    code = MAKERS[kind]("https://acme.kapturecrm.com/", payload("Asha"))
    assert "https://acme.kapturecrm.com/ms/customer/order/api/v1/add-update" in code
    assert snippets.TOKEN_VARIABLE == "KAPTURE_TOKEN"
    assert "KAPTURE_TOKEN" in code


@pytest.mark.parametrize("kind", MAKERS)
def test_snippet_uses_the_path_it_is_given(kind: str) -> None:
    code = MAKERS[kind]("https://acme.kapturecrm.com", {"cmId": 1, "phone": "9000000001"}, PULL_PATH)
    assert "https://acme.kapturecrm.com" + PULL_PATH in code


@pytest.mark.parametrize("kind", MAKERS)
def test_snippet_never_carries_the_password_or_the_token(kind: str) -> None:
    code = MAKERS[kind](f"https://alice:{PASSWORD}@acme.kapturecrm.com", payload("Asha"))
    assert PASSWORD not in code
    assert CLIENT_TOKEN not in code


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        (f"https://alice:{PASSWORD}@acme.kapturecrm.com", "https://acme.kapturecrm.com"),
        ("http://alice:S3cret%21pass@127.0.0.1:8765/", "http://127.0.0.1:8765"),
        ("https://alice@acme.kapturecrm.com/tenant", "https://acme.kapturecrm.com/tenant"),
    ],
    ids=["password", "encoded-password-and-port", "user-only-with-path"],
)
def test_user_and_password_in_the_base_url_are_stripped(kind: str, base_url: str, expected: str) -> None:
    code = MAKERS[kind](base_url, payload("Asha"))
    assert expected + ADD_UPDATE_PATH in code
    assert "alice" not in code
    assert "S3cret" not in code


def test_endpoint_keeps_the_brackets_of_an_ipv6_host() -> None:
    url = snippets.endpoint("http://user:pw@[::1]:8765")
    assert url == "http://[::1]:8765" + ADD_UPDATE_PATH


# --- the snippets, executed against a sandbox ------------------------------------------------------


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
@pytest.mark.parametrize("kind", RUNNERS)
def test_executed_snippet_creates_exactly_one_order(
    sandbox: Sandbox, tmp_path: Path, kind: str, name: str
) -> None:
    code = MAKERS[kind](sandbox.url, payload(name))
    result = RUNNERS[kind](code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert answer_printed(kind, result.stdout)["status"] == "success", result.stdout
    [order] = sandbox.state.orders()
    assert order.customer_name == name
    assert order.payload == payload(name)


@pytest.mark.parametrize("kind", RUNNERS)
def test_executed_snippet_sends_the_token_from_the_environment(
    sandbox: Sandbox, tmp_path: Path, kind: str
) -> None:
    result = RUNNERS[kind](MAKERS[kind](sandbox.url, payload("Asha")), tmp_path)
    assert result.returncode == 0, result.stderr
    [seen] = sandbox.state.requests
    headers = {name.lower(): value for name, value in seen.headers.items()}
    assert headers["authorization"] == f"Basic {SANDBOX_TOKEN}"
    assert headers["content-type"] == "application/json"


@pytest.mark.parametrize("kind", RUNNERS)
def test_executed_snippet_sends_a_text_body_byte_for_byte(
    sandbox: Sandbox, tmp_path: Path, kind: str
) -> None:
    text = encode(payload(NAMES["apostrophe"] + " " + NAMES["devanagari"]))
    result = RUNNERS[kind](MAKERS[kind](sandbox.url, text), tmp_path)
    assert result.returncode == 0, result.stderr
    [seen] = sandbox.state.requests
    assert seen.body == text.encode("utf-8")


@pytest.mark.parametrize("kind", RUNNERS)
def test_executed_snippet_does_not_follow_a_redirect_to_another_host(tmp_path: Path, kind: str) -> None:
    # 307 keeps the method and the body: a snippet that followed it would send the order elsewhere.
    def catch(peer: Peer) -> None:
        peer.read_request()
        peer.send(answer("200 OK", {"Content-Type": "application/json"}, b'{"status": "success"}'))

    catcher = EvilServer(catch, host="127.0.0.2")

    def redirect(peer: Peer) -> None:
        peer.read_request()
        peer.send(answer("307 Temporary Redirect", {"Location": catcher.url + ADD_UPDATE_PATH}, b""))

    kapture = EvilServer(redirect)
    try:
        result = RUNNERS[kind](MAKERS[kind](kapture.url, payload("Asha")), tmp_path)
    finally:
        kapture.close()
        catcher.close()
    assert result.returncode == 0, result.stderr
    assert len(kapture.requests) == 1
    assert catcher.requests == [], "the snippet followed the redirect to another host"
    if kind != "curl":
        assert result.stdout.startswith("307"), result.stdout


def test_curl_snippet_quotes_a_hostile_address(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = snippets.curl(f"http://127.0.0.1:9/x'$(touch {marker})'", payload("Asha"))
    run_curl(code, tmp_path)  # port 9: refused at once, if curl gets that far
    assert not marker.exists(), "the address ran a shell command"
