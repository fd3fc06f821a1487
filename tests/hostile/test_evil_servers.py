"""The client against servers that misbehave on purpose, byte by byte (issue 9, items 2, 3, 5 and 7).

Each server is a script in ``tests/hostile/evil.py``'s terms; a send must always come back with
an outcome in plain words — never hang past its deadline, never read "success" into an answer
that does not say which order it made, never raise.
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kapture import (
    KaptureClient,
    KaptureResult,
    Outcome,
    PayloadInvalid,
    default_payload,
    encode,
    vendor_example,
)
from kapture.client import PULL_PATH
from services.journal import Journal
from services.settings import load_settings
from services.submit import Status, Submitter
from storage import submissions
from tests.conftest import require
from tests.hostile.evil import DRIP_SECONDS, EvilServer, Peer, answer, bytewise, forever

TOKEN = base64.b64encode(b"desk:S3cret-pass").decode()
TIMEOUT = (1.0, 2.0)  # connect, read: every send below must end by 3 s
# Generous: three times the deadline, and far below the 30 s a drip lasts.
ENDED_WITHIN = 8.0
UNCLEAR = "Kapture's answer could not be read: the order may have been created"

Serve = Callable[..., EvilServer]


@pytest.fixture
def serve() -> Iterator[Serve]:
    servers: list[EvilServer] = []

    def start(script: Callable[[Peer], None], **kwargs: Any) -> EvilServer:
        servers.append(EvilServer(script, **kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def add(server: EvilServer, payload: Any = None) -> KaptureResult:
    with KaptureClient(server.url, token=TOKEN, timeout=TIMEOUT) as kc:
        return kc.add_order(vendor_example() if payload is None else payload)


def json_answer(body: bytes, status: str = "200 OK") -> Callable[[Peer], None]:
    def script(peer: Peer) -> None:
        peer.read_request()
        peer.send(answer(status, {"Content-Type": "application/json"}, body))

    return script


# --- item 2: every send ends by its deadline, whatever the server does -----------------------------


def drip_status_line(peer: Peer) -> None:
    peer.read_request()
    peer.drip(itertools.chain(bytewise(b"HTTP/1.1 200 OK\r\n"), forever(b"X")))  # one byte at a time


def drip_headers(peer: Peer) -> None:
    peer.read_request()
    peer.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    peer.drip(itertools.chain(bytewise(b"X-Slow: "), forever(b"a")))


def endless_headers(peer: Peer) -> None:
    peer.read_request()
    peer.send(b"HTTP/1.1 200 OK\r\n")
    peer.drip(f"X-Header-{n}: {n}\r\n".encode() for n in itertools.count())


def endless_continue(peer: Peer) -> None:
    # http.client skips any number of "100 Continue" answers while it waits for the real one.
    peer.read_request()
    peer.drip(forever(b"HTTP/1.1 100 Continue\r\n\r\n"))


def endless_chunked_body(peer: Peer) -> None:
    peer.read_request()
    peer.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    peer.drip(forever(b"1\r\n \r\n"))


def drip_chunk_size_line(peer: Peer) -> None:
    peer.read_request()
    peer.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    peer.drip(forever(b"0"))  # a chunk size that never ends: "0000…"


def drip_a_body_without_length(peer: Peer) -> None:
    peer.read_request()
    peer.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    peer.drip(itertools.chain(bytewise(b'{"status": "success", "Order": {"order_id": 7}}'), forever(b" ")))


def drip_after_keep_alive(peer: Peer) -> None:
    # The first answer is fine and keeps the connection; the second send reuses it and gets a drip.
    peer.read_request()
    body = json.dumps({"status": "success", "Order": {"order_id": 7}}).encode()
    peer.send(answer("200 OK", {"Content-Type": "application/json"}, body, keep_alive=True))
    drip_status_line(peer)


def drip_tls_handshake(peer: Peer) -> None:
    # A TLS record header announcing 16 kB of handshake, whose bytes then come one at a time.
    peer.sock.recv(65536)  # the client's hello
    peer.send(b"\x16\x03\x03\x40\x00")
    peer.drip(forever(b"\x00"))


def never_answer(peer: Peer) -> None:
    peer.read_request()
    peer.hold()


SLOW_SERVERS = {
    "drip-status-line": drip_status_line,
    "drip-headers": drip_headers,
    "endless-headers": endless_headers,
    "endless-100-continue": endless_continue,
    "endless-chunked-body": endless_chunked_body,
    "drip-chunk-size-line": drip_chunk_size_line,
    "drip-body-without-length": drip_a_body_without_length,
    "drip-on-a-kept-alive-connection": drip_after_keep_alive,
    "drip-tls-handshake": drip_tls_handshake,
    "never-answer": never_answer,
}


@pytest.mark.parametrize("script", SLOW_SERVERS.values(), ids=SLOW_SERVERS.keys())
def test_a_send_ends_by_its_deadline_whatever_the_server_does(serve: Serve, script) -> None:
    scheme = "https" if script is drip_tls_handshake else "http"
    server = serve(script, scheme=scheme)
    with KaptureClient(server.url, token=TOKEN, timeout=TIMEOUT) as kc:
        if script is drip_after_keep_alive:
            assert kc.add_order(vendor_example()).ok
        started = time.monotonic()
        result = kc.add_order(vendor_example())
        took = time.monotonic() - started
    assert took < ENDED_WITHIN, f"the send took {took:.1f} s; the server dripped for {DRIP_SECONDS:g} s"
    assert result.outcome is Outcome.TIMEOUT_UNKNOWN
    assert result.error in ("the answer took over 3 s", "no answer within 2 s")
    assert result.explanation == (
        f"Kapture's answer did not arrive ({result.error}). "
        "The request may have taken effect. Check in Kapture before sending it again."
    )
    assert result.may_have_taken_effect


def idle_connections(kc: KaptureClient, url: str) -> list[Any]:
    """The connections the client's pools hold for the next send."""
    pools = kc._session.get_adapter(url).poolmanager.pools
    # urllib3's pool container cannot be iterated, only asked for its keys.
    return [c for key in pools.keys() for c in pools[key].pool.queue if c is not None]  # noqa: SIM118


def drip_a_kept_alive_body(peer: Peer) -> None:
    peer.read_request()
    peer.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    peer.drip(forever(b" "))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, and its key."""
    require(shutil.which("openssl") is not None, "openssl is not installed, so no test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """A server's TLS context with the self-signed certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def test_a_send_over_tls_ends_by_its_deadline(
    serve: Serve, certificate: tuple[Path, Path], tls: ssl.SSLContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cut goes through the TLS layer: the answer drips after a real handshake.
    cert, _ = certificate
    server = serve(drip_status_line, scheme="https", tls=tls)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # the client reads it once, when made
    with KaptureClient(server.url, token=TOKEN, timeout=TIMEOUT) as kc:
        started = time.monotonic()
        result = kc.add_order(vendor_example())
        took = time.monotonic() - started
    assert len(server.requests) == 1, "the request went out over TLS"
    assert took < ENDED_WITHIN, f"the send took {took:.1f} s; the server dripped for {DRIP_SECONDS:g} s"
    assert result.outcome is Outcome.TIMEOUT_UNKNOWN
    assert result.error == "the answer took over 3 s"


@pytest.mark.parametrize("second", [drip_status_line, drip_a_kept_alive_body], ids=["in-headers", "in-body"])
def test_a_connection_cut_at_its_deadline_is_not_handed_to_the_next_send(serve: Serve, second) -> None:
    body = json.dumps({"status": "success", "Order": {"order_id": 7}}).encode()

    def script(peer: Peer) -> None:
        peer.read_request()
        peer.send(answer("200 OK", {"Content-Type": "application/json"}, body, keep_alive=True))
        if peer.number == 1:
            second(peer)  # the second send reuses the kept-alive connection, and is dripped

    server = serve(script)
    with KaptureClient(server.url, token=TOKEN, timeout=TIMEOUT) as kc:
        assert kc.add_order(vendor_example()).ok
        started = time.monotonic()
        assert kc.add_order(vendor_example()).outcome is Outcome.TIMEOUT_UNKNOWN
        assert time.monotonic() - started < ENDED_WITHIN
        assert idle_connections(kc, server.url) == [], "the cut connection went back to the pool"
        assert kc.add_order(vendor_example()).order_id == "7"
    assert server.connections == 2


def test_a_dripped_answer_is_journaled_as_timeout_unknown_not_left_pending(
    serve: Serve, journal: Journal
) -> None:
    server = serve(drip_headers)
    profile = load_settings({}).profile.at(server.url)
    with KaptureClient(server.url, token=TOKEN, timeout=TIMEOUT) as kc:
        started = time.monotonic()
        done = Submitter(journal, kc, profile).submit(vendor_example())
        assert time.monotonic() - started < ENDED_WITHIN
    assert done.status is Status.SENT
    with journal.sessions() as session:
        row = submissions.get(session, done.submission.id)
    assert row.outcome == "timeout_unknown"
    assert row.error == "the answer took over 3 s"
    assert row.finished_at is not None


# --- item 3: "success" needs a usable order id ------------------------------------------------------


def success_with(order: bytes) -> bytes:
    """A documented success answer whose ``Order`` object is given as raw bytes."""
    return b'{"status": "success", "message": "Order Added successfully !", "Order": ' + order + b"}"


UNUSABLE_ORDER_IDS = {
    "no-Order": b'{"status": "success", "message": "Order Added successfully !"}',
    "Order-without-id": success_with(b'{"customer_id": 191696570}'),
    "null": success_with(b'{"order_id": null}'),
    "empty-text": success_with(b'{"order_id": ""}'),
    "1e400-read-as-infinity": success_with(b'{"order_id": 1e400}'),
    "NaN": success_with(b'{"order_id": NaN}'),
    "Infinity": success_with(b'{"order_id": Infinity}'),
    "negative": success_with(b'{"order_id": -1}'),
    "zero": success_with(b'{"order_id": 0}'),
    "fraction": success_with(b'{"order_id": 1.5}'),
    "whole-float": success_with(b'{"order_id": 23518265.0}'),
    "true": success_with(b'{"order_id": true}'),
    "letters": success_with(b'{"order_id": "abc"}'),
    "spaces": success_with(b'{"order_id": " 123 "}'),
    "arabic-indic-digits": success_with('{"order_id": "١٢٣"}'.encode()),
    "thousand-digits": success_with(b'{"order_id": ' + b"9" * 1000 + b"}"),
    "a-list": success_with(b'{"order_id": [23518265]}'),
    "invalid-utf8-in-the-id": success_with(b'{"order_id": "23518\xff265"}'),
    "order-id-given-twice": success_with(b'{"order_id": 23518265, "order_id": 23518266}'),
}


@pytest.mark.parametrize("body", UNUSABLE_ORDER_IDS.values(), ids=UNUSABLE_ORDER_IDS.keys())
def test_success_without_a_usable_order_id_is_not_a_success(serve: Serve, body: bytes) -> None:
    result = add(serve(json_answer(body)))
    assert result.outcome is Outcome.INVALID_RESPONSE
    assert result.order_id == ""
    assert result.explanation.startswith(UNCLEAR)
    assert result.explanation.endswith("Check in Kapture before sending it again.")
    assert result.may_have_taken_effect


def test_success_without_an_order_id_is_journaled_as_unclear_and_guards_a_resend(
    serve: Serve, journal: Journal
) -> None:
    """The journal row says "unclear", never "success", and the same order is held back next time."""
    server = serve(json_answer(UNUSABLE_ORDER_IDS["no-Order"]))
    profile = load_settings({}).profile.at(server.url)
    with KaptureClient(server.url, token=TOKEN, timeout=TIMEOUT) as kc:
        submitter = Submitter(journal, kc, profile)
        done = submitter.submit(vendor_example())
        again = submitter.submit(vendor_example())
    with journal.sessions() as session:
        row = submissions.get(session, done.submission.id)
    assert row.outcome == "invalid_response"
    assert row.order_id == ""
    assert again.status is Status.DUPLICATE and again.earlier.id == row.id


def test_an_update_without_a_usable_order_id_may_have_updated_the_order(serve: Serve) -> None:
    server = serve(json_answer(success_with(b'{"order_id": null, "action_event": "UPDATE_ORDER"}')))
    payload = vendor_example()
    payload["order_info"]["order_id"] = "23518265"
    with KaptureClient(server.url, token=TOKEN, timeout=TIMEOUT) as kc:
        result = kc.update_order(payload)
    assert result.outcome is Outcome.INVALID_RESPONSE
    assert result.explanation == (
        "Kapture's answer could not be read: the order may have been updated "
        "(HTTP 200 OK, it said success but gave no order id). Check in Kapture before sending it again."
    )


def test_a_raw_send_to_the_add_update_path_needs_an_order_id_too(serve: Serve) -> None:
    server = serve(json_answer(success_with(b'{"order_id": "abc"}')))
    with KaptureClient(server.url, token=TOKEN, timeout=TIMEOUT) as kc:
        result = kc.send_raw(encode(vendor_example()))
    assert result.outcome is Outcome.INVALID_RESPONSE
    assert result.error == 'it said success but its order id, "abc", is not a whole number above 0'


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"status": "success", "status": "failed", "Order": {"order_id": 7}}', "“status” twice"),
        (b'{"status": "failed", "status": "success", "Order": {"order_id": 7}}', "“status” twice"),
        (b'{"status": "success", "Order": {"order_id": 7}, "total": NaN}', "contains NaN"),
        (b'{"status": "success", "Order": {"order_id": 7}, "total": -Infinity}', "contains -Infinity"),
        (b'{"status": "success", "message": "caf\xe9", "Order": {"order_id": 7}}', "not valid UTF-8"),
    ],
    ids=["success-then-failed", "failed-then-success", "NaN-elsewhere", "Infinity-elsewhere", "latin-1"],
)
def test_an_answer_that_is_not_strict_json_is_not_a_success(serve: Serve, body: bytes, error: str) -> None:
    result = add(serve(json_answer(body)))
    assert result.outcome is Outcome.INVALID_RESPONSE
    assert error in result.error
    assert result.explanation.startswith(UNCLEAR)


def test_the_same_key_twice_with_the_same_value_is_not_ambiguous(serve: Serve) -> None:
    result = add(serve(json_answer(b'{"status": "success", "status": "success", "Order": {"order_id": 7}}')))
    assert result.outcome is Outcome.SUCCESS
    assert result.order_id == "7"


def test_a_pull_answer_keeps_its_own_rule_and_needs_no_order_id(serve: Serve) -> None:
    server = serve(json_answer(b'{"status": "success", "orderList": []}'))
    with KaptureClient(server.url, token=TOKEN, timeout=TIMEOUT) as kc:
        pulled = kc.pull_orders(7, phone="9845012345")
        raw = kc.send_raw('{"cmId": 7, "phone": "9845012345"}', path=PULL_PATH)
    assert pulled.outcome is Outcome.SUCCESS
    assert raw.outcome is Outcome.SUCCESS


# --- item 7: JSON nested 100,000 deep ----------------------------------------------------------------

DEEP = 100_000


def test_an_answer_nested_100000_deep_is_an_unclear_answer_not_a_crash(serve: Serve) -> None:
    body = b'{"status": "success", "Order": {"order_id": 7}, "x": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    result = add(serve(json_answer(body)))
    assert result.outcome is Outcome.INVALID_RESPONSE
    assert result.error == "the answer is nested too deeply to read"


def deep_payload() -> dict[str, Any]:
    payload = vendor_example()
    nested: Any = []
    for _ in range(DEEP):
        nested = [nested]
    payload["customer_info"]["additional_fields"] = {"deep": nested}
    payload["order_info"]["order_id"] = "23518265"
    return payload


@pytest.mark.parametrize("send", ["add_order", "update_order"])
def test_a_payload_nested_100000_deep_is_refused_in_plain_words(serve: Serve, send: str) -> None:
    server = serve(json_answer(success_with(b'{"order_id": 7}')))
    with (
        KaptureClient(server.url, token=TOKEN, timeout=TIMEOUT) as kc,
        pytest.raises(PayloadInvalid) as raised,
    ):
        getattr(kc, send)(deep_payload())
    assert (
        str(raised.value)
        == "The payload is nested too deeply to send (thousands of [ or { inside each other)."
    )
    assert server.requests == []


def test_nan_in_a_payload_is_refused_before_sending(serve: Serve) -> None:
    server = serve(json_answer(success_with(b'{"order_id": 7}')))
    payload = vendor_example()
    payload["order_info"]["amount"] = float("nan")
    with pytest.raises(PayloadInvalid, match="NaN or Infinity"):
        add(server, payload)
    assert server.requests == []


# --- item 5: cookies and credentials in Kapture's answer headers ---------------------------------


def test_cookies_and_credentials_never_reach_the_result(serve: Serve) -> None:
    def script(peer: Peer) -> None:
        request = peer.read_request().decode("latin-1")
        echoed = next(line for line in request.split("\r\n") if line.lower().startswith("authorization:"))
        headers = {
            "Content-Type": "application/json",
            "Set-Cookie": "JSESSIONID=SESSION-SECRET-1; Path=/; HttpOnly",
            "X-Echo-Authorization": echoed.partition(":")[2].strip(),
            "X-Api-Key": "KEY-SECRET-2",
            "X-Amz-Security-Token": "TOKEN-SECRET-3",
            "WWW-Authenticate": "Negotiate NEGOTIATE-SECRET-4",
            "Proxy-Authenticate": 'Basic realm="gateway"',
            "Location": "https://kapture.example/next?sid=QUERY-SECRET-5",
            "X-Request-Id": "req-42",
        }
        peer.send(
            answer("200 OK", headers, json.dumps({"status": "success", "Order": {"order_id": 7}}).encode())
        )

    result = add(serve(script))
    assert result.ok
    shown = json.dumps(result.response_headers) + repr(result)
    for secret in ("SECRET", TOKEN, "S3cret"):
        assert secret not in shown
    headers = result.response_headers
    assert headers["Set-Cookie"] == "[redacted]"
    assert headers["X-Echo-Authorization"] == "[redacted]"
    assert headers["X-Api-Key"] == headers["X-Amz-Security-Token"] == "[redacted]"
    assert headers["WWW-Authenticate"] == "Negotiate [redacted]"
    assert headers["Proxy-Authenticate"] == 'Basic realm="gateway"'  # scheme and realm tell nothing secret
    assert headers["Location"] == "https://kapture.example/next?[redacted]"
    assert headers["X-Request-Id"] == "req-42"
    assert headers["Content-Type"] == "application/json"


def test_a_mistyped_proxy_setting_never_shows_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """requests repeats a proxy URL it cannot parse; that URL can carry the proxy's password."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://proxyuser:S3cretProxyPass@proxy.corp:99999")
    with KaptureClient("http://kapture.example", username="u", password="p", timeout=(1, 1)) as client:
        result = client.add_order(default_payload())
    assert result.outcome is Outcome.NETWORK_ERROR
    assert "S3cretProxyPass" not in result.error + result.explanation
    assert "proxy" in result.error


def test_a_certificate_nobody_vouches_for_is_named_and_nothing_was_sent(
    serve: Serve, tls: ssl.SSLContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same self-signed certificate, but this time the client was not told to trust it.
    server = serve(drip_status_line, scheme="https", tls=tls)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    with KaptureClient(server.url, token=TOKEN, timeout=TIMEOUT) as kc:
        result = kc.add_order(vendor_example())
    assert server.requests == [], "the order went to a server whose certificate was not checked"
    assert result.outcome is Outcome.NETWORK_ERROR
    assert result.error == "the server's certificate was not trusted"
    assert TOKEN not in result.explanation
