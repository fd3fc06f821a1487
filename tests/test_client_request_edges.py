"""What the client sends and says at edges the main tests pass by (found by mutation testing, TESTING.md)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator

import pytest

from kapture import KaptureClient, OrderPayload, Outcome, PayloadInvalid, vendor_example
from kapture import client as client_module
from kapture.client import MAX_ANSWER_BYTES, pull_body
from sandbox import Sandbox


def closed_port_url() -> str:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        return f"http://127.0.0.1:{listener.getsockname()[1]}"


def read_request(peer: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        data += peer.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line[15:]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:")), 0
    )
    while len(body) < length:
        body += peer.recv(65536)


@contextlib.contextmanager
def one_answer(raw: bytes, *, wait_for_request: bool = True) -> Iterator[str]:
    """A server on loopback that reads one request and sends ``raw`` back, byte for byte."""
    with socket.create_server(("127.0.0.1", 0)) as listener:

        def reply() -> None:
            with contextlib.suppress(OSError):
                peer, _ = listener.accept()
                with peer:
                    if wait_for_request:  # all of it: a close with unread bytes resets the connection
                        read_request(peer)
                    peer.sendall(raw)

        threading.Thread(target=reply, daemon=True).start()
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_an_answer_of_exactly_the_size_cap_is_read_whole() -> None:
    success = json.dumps({"status": "success", "Order": {"order_id": 7}}).encode()
    body = success + b" " * (MAX_ANSWER_BYTES - len(success))  # many reads long, 5 MB to the byte
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
    with one_answer(head + body) as url, KaptureClient(url, token="dGVzdDp0ZXN0", timeout=(2, 5)) as kc:
        result = kc.add_order(vendor_example())
    assert result.outcome is Outcome.SUCCESS
    assert result.operation == "add"
    assert result.order_id == "7"


def test_a_pull_is_a_pull_whether_it_reached_kapture_or_not(client: KaptureClient) -> None:
    assert client.pull_orders(7, phone="9845012345").operation == "pull"
    with KaptureClient(closed_port_url(), token="dGVzdDp0ZXN0", pull_retries=1, pull_backoff=0) as offline:
        result = offline.pull_orders(7, phone="9845012345")
    assert result.outcome is Outcome.NETWORK_ERROR
    assert result.operation == "pull"  # the retried answer too: a pull never "may have created" an order


def test_pull_retries_wait_twice_as_long_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(client_module.time, "sleep", waits.append)
    with KaptureClient(closed_port_url(), token="dGVzdDp0ZXN0", pull_retries=3, pull_backoff=0.25) as offline:
        offline.pull_orders(7, phone="9845012345")
    assert waits == [0.25, 0.5, 1.0]


@pytest.mark.parametrize("cm_id", [True, "7", 7.0, -1])
def test_the_account_id_must_be_a_whole_number_above_0(cm_id: object) -> None:
    with pytest.raises(PayloadInvalid) as raised:
        pull_body(cm_id, phone="9845012345")  # type: ignore[arg-type]
    assert [(p.field, p.message) for p in raised.value.problems] == [
        ("cmId", "The account id (cmId) must be a whole number above 0.")
    ]


@pytest.mark.parametrize(
    ("filters", "field", "message"),
    [
        ({"fone": "1", "mail": "a@b.c"}, "fone", "Unknown pull filter(s): fone, mail."),
        ({"limit": 5, "offset": 10}, "filters", "Give at least one filter (phone, order id, dates…)."),
    ],
)
def test_pull_problems_are_said_in_plain_words(filters: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(PayloadInvalid) as raised:
        pull_body(7, **filters)
    assert [(p.field, p.message) for p in raised.value.problems] == [(field, message)]


def test_the_pull_body_is_compact_utf8_as_the_log_shows_it() -> None:
    assert pull_body(7, name="Asha Rāo", limit=5) == '{"cmId":7,"name":"Asha Rāo","limit":"5"}'


def test_an_update_leaves_the_caller_s_payload_as_it_was(client: KaptureClient) -> None:
    payload = vendor_example()
    payload["order_info"]["order_id"] = "23518266"
    payload["order_info"]["update"] = False
    client.update_order(payload)
    assert payload["order_info"]["update"] is False


def test_a_server_name_that_does_not_exist_is_said_plainly() -> None:
    with KaptureClient("http://kapture-desk.invalid", token="dGVzdDp0ZXN0", timeout=(1, 1)) as kc:
        result = kc.add_order(vendor_example())
    assert result.outcome is Outcome.NETWORK_ERROR  # nothing was sent
    assert result.error == "the server name could not be found"


def test_a_refused_proxy_is_named_and_nothing_was_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", closed_port_url())  # read once, when the client is made
    with KaptureClient("http://kapture.example", token="dGVzdDp0ZXN0", timeout=(1, 1)) as kc:
        result = kc.add_order(vendor_example())
    assert result.outcome is Outcome.NETWORK_ERROR
    assert result.error == "the proxy refused the connection"


def test_a_server_that_does_not_speak_tls_on_an_https_address_is_said_plainly() -> None:
    # It answers the TLS greeting in plain HTTP at once.
    with one_answer(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", wait_for_request=False) as url:
        https = url.replace("http://", "https://")
        with KaptureClient(https, token="dGVzdDp0ZXN0", timeout=(1, 1)) as kc:
            result = kc.add_order(vendor_example())
    assert result.error == "the secure connection (TLS) broke"
    assert "Kapture's answer did not arrive (the secure connection (TLS) broke)" in result.explanation


def test_an_answer_s_time_is_in_milliseconds(
    client: KaptureClient, sandbox: Sandbox, order: OrderPayload
) -> None:
    sandbox.set_faults(latency_ms=200)
    result = client.add_order(order)
    assert result.ok
    assert 200 <= result.elapsed_ms < 5_000  # what the log shows as the send's duration, in ms


def test_a_raw_send_is_recorded_as_raw(client: KaptureClient) -> None:
    assert client.send_raw('{"customer_info": {}}').operation == "raw"
