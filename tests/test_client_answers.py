"""Answers no sandbox gives: redirects, odd charsets, broken compression, drips, huge bodies.

A tiny socket server plays the misbehaving Kapture, byte for byte.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from kapture import KaptureClient, Outcome, PayloadInvalid, vendor_example
from kapture.client import MAX_ANSWER_BYTES

SUCCESS = json.dumps({"status": "success", "message": "Numéro créé", "Order": {"order_id": 7}}).encode()


class CannedServer:
    """Answers every connection with ``reply(request_bytes)``, then closes it."""

    def __init__(self, reply: Callable[[socket.socket, bytes], None]) -> None:
        self._reply = reply
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.requests: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with connection:
                request = _read_request(connection)
                self.requests.append(request)
                with contextlib.suppress(OSError):
                    self._reply(connection, request)

    def close(self) -> None:
        self._listener.close()


def _read_request(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        ),
        0,
    )
    while len(body) < length:
        body += connection.recv(65536)
    return data


def answer(status: str, headers: dict[str, str], body: bytes) -> Callable[[socket.socket, bytes], None]:
    def reply(connection: socket.socket, _request: bytes) -> None:
        lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    return reply


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[socket.socket, bytes], None]], CannedServer]]:
    servers: list[CannedServer] = []

    def start(reply: Callable[[socket.socket, bytes], None]) -> CannedServer:
        servers.append(CannedServer(reply))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def send(server: CannedServer, timeout: tuple[float, float] = (2, 2)):  # type: ignore[no-untyped-def]
    with KaptureClient(server.url, token="dGVzdDp0ZXN0", timeout=timeout) as kc:
        return kc.add_order(vendor_example())


def test_a_redirect_is_not_followed(serve) -> None:
    server = serve(answer("302 Found", {"Location": "https://elsewhere.example/login"}, b""))
    result = send(server)
    assert result.outcome is Outcome.HTTP_ERROR
    assert len(server.requests) == 1
    assert "redirected to https://elsewhere.example/login" in result.explanation
    assert "check the Kapture address" in result.explanation


@pytest.mark.parametrize("charset", ["foo", "base64", "rot13", "idna", "undefined"])
def test_a_nonsense_charset_still_reads_the_success(serve, charset: str) -> None:
    result = send(serve(answer("200 OK", {"Content-Type": f"application/json; charset={charset}"}, SUCCESS)))
    assert result.outcome is Outcome.SUCCESS
    assert result.message == "Numéro créé"


def test_json_with_a_byte_order_mark_is_read(serve) -> None:
    result = send(serve(answer("200 OK", {"Content-Type": "application/json"}, b"\xef\xbb\xbf" + SUCCESS)))
    assert result.outcome is Outcome.SUCCESS


def test_text_without_a_charset_is_read_as_utf8(serve) -> None:
    result = send(serve(answer("200 OK", {"Content-Type": "text/plain"}, SUCCESS)))
    assert result.message == "Numéro créé"


def test_a_declared_charset_is_honoured_for_an_html_page(serve) -> None:
    page = "<h1>Erreur: numéro</h1>".encode("latin-1")
    result = send(serve(answer("502 Bad Gateway", {"Content-Type": "text/html; charset=ISO-8859-1"}, page)))
    assert "numéro" in result.response_text


def test_a_gzip_answer_is_decompressed(serve) -> None:
    result = send(serve(answer("200 OK", {"Content-Encoding": "gzip"}, gzip.compress(SUCCESS))))
    assert result.outcome is Outcome.SUCCESS


def test_broken_compression_is_an_unreadable_answer_with_its_status(serve) -> None:
    result = send(serve(answer("200 OK", {"Content-Encoding": "gzip"}, b"not gzip at all")))
    assert result.outcome is Outcome.INVALID_RESPONSE
    assert result.http_status == 200
    assert result.error == "the answer could not be decompressed"
    assert result.may_have_taken_effect


def test_a_dripping_answer_is_cut_off_at_the_deadline(serve) -> None:
    def drip(connection: socket.socket, _request: bytes) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n")
        for _ in range(200):
            connection.sendall(b" ")
            time.sleep(0.05)

    result = send(serve(drip), timeout=(0.5, 0.5))
    assert result.outcome is Outcome.TIMEOUT_UNKNOWN
    assert result.http_status == 200
    assert result.error == "the answer took over 1 s"


def test_an_answer_over_the_size_cap_is_refused(serve) -> None:
    result = send(serve(answer("200 OK", {}, b" " * (MAX_ANSWER_BYTES + 1))))
    assert result.outcome is Outcome.INVALID_RESPONSE
    assert result.error == "the answer was larger than 5 MB"


def test_a_connection_cut_mid_answer_is_unknown(serve) -> None:
    def cut(connection: socket.socket, _request: bytes) -> None:
        connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{"status": "succ')

    result = send(serve(cut))
    assert result.outcome is Outcome.TIMEOUT_UNKNOWN
    assert result.http_status == 200


@pytest.mark.parametrize("status", ["500 Internal Server Error", "502 Bad Gateway", "504 Gateway Timeout"])
def test_a_server_error_may_have_created_the_order(serve, status: str) -> None:
    result = send(serve(answer(status, {"Content-Type": "text/html"}, b"<h1>error</h1>")))
    assert result.outcome is Outcome.HTTP_ERROR
    assert result.may_have_taken_effect
    assert "Check in Kapture before sending it again" in result.explanation


def test_a_busy_server_asks_to_try_later(serve) -> None:
    result = send(serve(answer("503 Service Unavailable", {}, b"")))
    assert not result.may_have_taken_effect
    assert "Try again later" in result.explanation


def test_success_is_exactly_the_documented_word(serve) -> None:
    body = json.dumps({"status": "SUCCESS"}).encode()
    assert send(serve(answer("200 OK", {}, body))).outcome is Outcome.INVALID_RESPONSE


def test_half_an_emoji_is_refused_before_sending(serve) -> None:
    server = serve(answer("200 OK", {}, SUCCESS))
    payload = vendor_example()
    payload["customer_info"]["customer_name"] = "Asha \ud83d"
    with (
        KaptureClient(server.url, token="dGVzdDp0ZXN0") as kc,
        pytest.raises(PayloadInvalid, match="broken character"),
    ):
        kc.add_order(payload)
    with (
        KaptureClient(server.url, token="dGVzdDp0ZXN0") as kc,
        pytest.raises(PayloadInvalid, match="Line 2, column 4"),
    ):
        kc.send_raw('{\n  "\ud83d": 1}')
    assert server.requests == []


@pytest.mark.parametrize("token", ["abc\ndef", "“abc”", "abc def"])
def test_a_malformed_token_is_refused_without_repeating_it(token: str) -> None:
    with pytest.raises(ValueError, match="not a Basic token") as raised:
        KaptureClient("http://127.0.0.1:9", token=token)
    assert "abc" not in str(raised.value)


def test_paging_alone_is_not_a_pull_filter() -> None:
    with (
        KaptureClient("http://127.0.0.1:9", token="abc") as kc,
        pytest.raises(PayloadInvalid, match="at least one"),
    ):
        kc.pull_orders(7, limit=10, offset=0)


@pytest.mark.parametrize("order_id", [None, "", "  ", True])
def test_an_update_needs_a_real_order_id(order_id: object) -> None:
    payload = vendor_example()
    payload["order_info"]["order_id"] = order_id
    with (
        KaptureClient("http://127.0.0.1:9", token="abc") as kc,
        pytest.raises(PayloadInvalid, match="order id"),
    ):
        kc.update_order(payload)
