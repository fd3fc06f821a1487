"""The client against the sandbox over real HTTP: what goes out, and how every answer is read."""

from __future__ import annotations

import base64
import json
import logging
import socket
import threading
import time
from collections.abc import Callable

import pytest
import urllib3
import urllib3.connection
import urllib3.util.connection

from kapture import (
    AuthFailed,
    HTTPStatusError,
    InvalidResponse,
    KaptureClient,
    KaptureResult,
    NetworkError,
    OrderPayload,
    Outcome,
    OutcomeUnknown,
    PayloadInvalid,
    Rejected,
    base_url_for,
    basic_token,
)
from kapture.client import ADD_UPDATE_PATH
from sandbox import DEMO_PASSWORD, DEMO_USERNAME, Sandbox, start_sandbox
from tests.hostile import evil
from tests.hostile.evil import EvilServer, Peer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_add_order_succeeds_with_the_ids_kapture_returned(client: KaptureClient, order: OrderPayload) -> None:
    result = client.add_order(order)
    assert result.outcome is Outcome.SUCCESS
    assert result.http_status == 200
    assert result.message == "Order Added successfully !"
    assert result.action_event == "ADD_ORDER"
    assert result.ids == {
        "order_id": "23518266",
        "customer_id": "191696571",
        "enquiry_id": "24284202",
        "contact_id": "210010452",
    }
    assert json.loads(result.response_text)["Order"]["order_id"] == 23518266
    assert result.elapsed_ms > 0


def test_the_request_on_the_wire_is_exactly_the_documented_one(
    client: KaptureClient, sandbox: Sandbox, order: OrderPayload
) -> None:
    order.customer_info.additional_fields = {"gst": "29ABCDE"}
    order.order_info.__pydantic_extra__["tenant_flag"] = "x"  # an unknown key inside a section
    client.add_order(order)
    (request,) = sandbox.state.requests
    assert request.method == "POST"
    assert request.path == ADD_UPDATE_PATH
    assert request.headers["Content-Type"] == "application/json"
    expected = base64.b64encode(f"{DEMO_USERNAME}:{DEMO_PASSWORD}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    body = json.loads(request.body)
    assert list(body) == ["customer_info", "contact_info", "enquiry_info", "order_info"]
    assert isinstance(body["contact_info"], list)
    assert body["customer_info"]["additional_fields"] == {"gst": "29ABCDE"}
    assert body["order_info"]["tenant_flag"] == "x"
    assert body["customer_info"]["phone"] == "+91 98450-12345"  # phones stay strings


def test_a_ready_token_is_sent_as_given(sandbox: Sandbox, order: OrderPayload) -> None:
    token = base64.b64encode(f"{DEMO_USERNAME}:{DEMO_PASSWORD}".encode()).decode()
    with KaptureClient(sandbox.url, token=f"Basic {token}") as kc:
        assert kc.add_order(order).ok
    assert sandbox.state.requests[0].headers["Authorization"] == f"Basic {token}"


def test_send_raw_sends_the_text_byte_for_byte(client: KaptureClient, sandbox: Sandbox) -> None:
    text = '{ "customer_info" : {"customer_name": "आशा ट्रेडर्स",\n  "phone":"98450 12345"} ,\t"x":1 }  '
    result = client.send_raw(text)
    assert result.ok
    assert sandbox.state.requests[0].body == text.encode("utf-8")
    assert result.request_body == text


def test_send_raw_sends_invalid_json_too_and_reads_the_refusal(
    client: KaptureClient, sandbox: Sandbox
) -> None:
    result = client.send_raw('{"customer_info": {"customer_name": "Asha",}')
    assert sandbox.state.requests[0].body == b'{"customer_info": {"customer_name": "Asha",}'
    assert result.outcome is Outcome.REJECTED
    assert result.http_status == 400
    assert result.message == "Malformed JSON request body"


def test_update_sets_the_flag_and_keeps_the_ids(
    client: KaptureClient, order: OrderPayload, sent_bodies: Callable[[], list[dict]]
) -> None:
    added = client.add_order(order)
    order.order_info.order_id = added.order_id
    order.order_info.remarks = "delivered late"
    updated = client.update_order(order)
    assert updated.outcome is Outcome.SUCCESS
    assert updated.ids == added.ids
    assert updated.action_event == "UPDATE_ORDER"
    sent = sent_bodies()[1]["order_info"]
    assert sent["update"] is True
    assert sent["order_id"] == added.order_id
    assert order.order_info.update is False  # the caller's payload is not changed


def test_update_of_an_unknown_order_is_rejected(client: KaptureClient, order: OrderPayload) -> None:
    order.order_info.order_id = "999"
    result = client.update_order(order.to_payload())
    assert result.outcome is Outcome.REJECTED
    assert result.message == "No order found with order_id 999"
    with pytest.raises(Rejected, match="No order found"):
        result.raise_for_outcome()


def test_update_without_an_order_id_sends_nothing(
    client: KaptureClient, sandbox: Sandbox, order: OrderPayload
) -> None:
    with pytest.raises(PayloadInvalid, match="needs the Kapture order id"):
        client.update_order(order)
    assert len(sandbox.state.requests) == 0


@pytest.mark.parametrize("status", [401, 200])
def test_wrong_credentials_read_as_auth_failed(sandbox: Sandbox, order: OrderPayload, status: int) -> None:
    sandbox.set_faults(auth_failure_status=status)
    with KaptureClient(sandbox.url, username=DEMO_USERNAME, password="wrong") as kc:
        result = kc.add_order(order)
    assert result.outcome is Outcome.AUTH_FAILED
    assert result.http_status == status
    assert result.message == "Invalid Auth Key"
    assert "check the user name and password" in result.explanation
    assert sandbox.state.orders() == []
    with pytest.raises(AuthFailed):
        result.raise_for_outcome()


@pytest.mark.parametrize(
    ("mode", "outcome", "status", "error"),
    [
        ("http_500_html", Outcome.HTTP_ERROR, 500, HTTPStatusError),
        ("failed_200", Outcome.REJECTED, 200, Rejected),
        ("malformed_json", Outcome.INVALID_RESPONSE, 200, InvalidResponse),
        ("drop_connection", Outcome.TIMEOUT_UNKNOWN, None, OutcomeUnknown),
    ],
)
def test_every_fault_gets_its_outcome(
    client: KaptureClient, sandbox: Sandbox, order: OrderPayload, mode: str, outcome: Outcome, status, error
) -> None:
    sandbox.set_faults(mode=mode)
    result = client.add_order(order)
    assert result.outcome is outcome
    assert result.http_status == status
    assert len(sandbox.state.requests) == 1, "an add is never retried"
    with pytest.raises(error):
        result.raise_for_outcome()


def test_an_html_error_page_is_kept_as_the_raw_answer(
    client: KaptureClient, sandbox: Sandbox, order: OrderPayload
) -> None:
    sandbox.set_faults(mode="http_500_html")
    result = client.add_order(order)
    assert "<h1>500 Internal Server Error</h1>" in result.response_text
    assert "HTTP 500 Internal Server Error" in result.explanation


def test_a_read_timeout_is_unknown_and_the_order_may_exist(sandbox: Sandbox, order: OrderPayload) -> None:
    sandbox.set_faults(mode="slow", slow_seconds=3)
    with KaptureClient(sandbox.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, timeout=(2, 0.3)) as kc:
        result = kc.add_order(order)
    assert result.outcome is Outcome.TIMEOUT_UNKNOWN
    assert result.error == "no answer within 0.3 s"
    assert result.may_have_taken_effect
    assert "may have taken effect" in result.explanation
    assert len(sandbox.state.orders()) == 1  # it did: exactly why the outcome is "unknown"


def test_added_latency_delays_the_answer(
    client: KaptureClient, sandbox: Sandbox, order: OrderPayload
) -> None:
    sandbox.set_faults(latency_ms=200)
    started = time.perf_counter()
    assert client.add_order(order).ok
    assert time.perf_counter() - started >= 0.2


def test_connection_refused_is_a_network_error_before_sending(order: OrderPayload) -> None:
    with KaptureClient(f"http://127.0.0.1:{free_port()}", token="abc") as kc:
        result = kc.add_order(order)
    assert result.outcome is Outcome.NETWORK_ERROR
    assert result.error == "the connection was refused"
    assert "Nothing was sent" in result.explanation
    with pytest.raises(NetworkError):
        result.raise_for_outcome()


def test_pull_finds_orders_by_phone_and_by_id(client: KaptureClient, order: OrderPayload) -> None:
    first = client.add_order(order).order_id
    order.customer_info.phone = "9000000001"
    second = client.add_order(order).order_id
    by_phone = client.pull_orders(7, phone="9845012345")
    assert by_phone.outcome is Outcome.SUCCESS
    assert [str(o["order_id"]) for o in by_phone.data["orderList"]] == [first]
    by_id = client.pull_orders(7, orderIds=f"{first},{second}")
    assert [str(o["order_id"]) for o in by_id.data["orderList"]] == [first, second]


def test_pull_sends_every_filter_as_a_string(client: KaptureClient, sent_bodies) -> None:
    client.pull_orders(7, orderIds=23518266, limit=10)
    assert sent_bodies() == [{"cmId": 7, "orderIds": "23518266", "limit": "10"}]


@pytest.mark.parametrize(
    ("cm_id", "filters", "field"),
    [
        (0, {"phone": "9845012345"}, "cmId"),
        (7, {}, "filters"),
        (7, {"phone": ""}, "filters"),
        (7, {"fone": "1"}, "fone"),
    ],
)
def test_pull_refuses_a_body_kapture_would_refuse(
    client: KaptureClient, sandbox: Sandbox, cm_id, filters, field
) -> None:
    with pytest.raises(PayloadInvalid) as raised:
        client.pull_orders(cm_id, **filters)
    assert raised.value.problems[0].field == field
    assert len(sandbox.state.requests) == 0


def test_pull_retries_a_connection_that_failed_before_sending(order: OrderPayload) -> None:
    port = free_port()
    started: list[Sandbox] = []
    # The sandbox comes up while the client waits to retry.
    timer = threading.Timer(0.2, lambda: started.append(start_sandbox(port=port)))
    timer.start()
    try:
        with KaptureClient(
            f"http://127.0.0.1:{port}",
            username=DEMO_USERNAME,
            password=DEMO_PASSWORD,
            pull_retries=3,
            pull_backoff=0.25,
        ) as kc:
            result = kc.pull_orders(7, phone="9845012345")
        assert result.outcome is Outcome.SUCCESS
        assert len(started[0].state.requests) == 1
    finally:
        timer.join()
        for running in started:
            running.stop()


def test_an_add_is_not_retried_after_a_network_error(
    order: OrderPayload, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted at the socket: a refused connection is tried once for an add (pull would retry)."""
    attempts: list[tuple[str, int]] = []
    connect = urllib3.util.connection.create_connection

    def counted(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.append(address)
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counted)
    monkeypatch.setattr(urllib3.connection.connection, "create_connection", counted)
    port = free_port()
    with KaptureClient(f"http://127.0.0.1:{port}", token="abc", pull_retries=3, pull_backoff=0) as kc:
        assert kc.add_order(order).outcome is Outcome.NETWORK_ERROR
        assert attempts == [("127.0.0.1", port)]
        assert kc.pull_orders(1, phone="9845012345").outcome is Outcome.NETWORK_ERROR
        assert len(attempts) == 1 + 4  # the pull, by contrast: once and three retries


def test_base_url_from_a_subdomain() -> None:
    assert base_url_for("Acme") == "https://acme.kapturecrm.com"
    with pytest.raises(ValueError, match="not a Kapture subdomain"):
        base_url_for("acme.evil.com/x")


def test_the_client_repr_hides_the_credential() -> None:
    """Neither the password nor the Basic token the client keeps (base64 of user:password)."""
    token = basic_token("alice", "S3cret!")
    kc = KaptureClient("https://acme.kapturecrm.com", username="alice", password="S3cret!")
    for shown in (repr(kc), str(kc), repr(vars(kc))):
        assert "S3cret" not in shown and token not in shown
    kc.close()


def test_24_sessions_sending_at_once_each_get_their_answer_and_keep_their_connections(
    order: OrderPayload, caplog: pytest.LogCaptureFixture
) -> None:
    # The app shares one client across every browser session, each sending from its own thread.
    # A server of our own with a deep listen queue: the sandbox's (socketserver's default of 5)
    # drops some of 24 connections opened in the same instant.
    def kapture(peer: Peer) -> None:
        while peer.read_request():
            time.sleep(0.3)  # so all 24 sends are in flight at the same moment
            body = json.dumps({"status": "success", "Order": {"order_id": 1000 + peer.number}}).encode()
            peer.send(evil.answer("200 OK", {"Content-Type": "application/json"}, body, keep_alive=True))

    caplog.set_level(logging.WARNING, logger="urllib3")
    server = EvilServer(kapture)
    senders = 24
    barrier = threading.Barrier(senders)
    results: list[KaptureResult | None] = [None] * senders
    try:
        with KaptureClient(server.url, token="dGVzdDp0ZXN0", timeout=(5, 10)) as kc:

            def send(n: int) -> None:
                barrier.wait()
                results[n] = kc.add_order(order)

            threads = [threading.Thread(target=send, args=(n,)) for n in range(senders)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
    finally:
        server.close()
    assert [result.outcome if result else None for result in results] == [Outcome.SUCCESS] * senders
    assert len({result.order_id for result in results if result}) == senders  # one connection each
    discarded = [r.getMessage() for r in caplog.records if "Connection pool is full" in r.getMessage()]
    assert discarded == []


def test_extra_headers_go_with_a_raw_send_and_the_client_s_own_cannot_be_replaced(
    client: KaptureClient, sandbox: Sandbox
) -> None:
    result = client.send_raw('{"x": 1}', headers={"X-Request-Id": "qa-42", "CONTENT-TYPE": "text/plain"})
    (request,) = sandbox.state.requests
    assert result.http_status is not None
    assert request.headers.get("X-Request-Id") == "qa-42"
    assert request.headers.get("Content-Type") == "text/plain"
    assert request.headers.get("Authorization", "").startswith("Basic ")
    for name in ("Authorization", "host", "Content-Length", "Transfer-Encoding", "connection"):
        with pytest.raises(ValueError, match=f"the {name} header is set by Order Desk itself"):
            client.send_raw("{}", headers={name: "Basic c2VjcmV0"})
    for bad in ({"X Id": "1"}, {"X-Id": "a\r\nInjected: yes"}, {"X-Id": "café"}):
        with pytest.raises(ValueError) as refused:
            client.send_raw("{}", headers=bad)
        assert "Injected" not in str(refused.value) and "café" not in str(refused.value)
    assert len(sandbox.state.requests) == 1
