"""How an answer is read at its edges: status boundaries, odd ids, redirects, headers, the sentences.

Found by mutation testing (TESTING.md): each test pins a rule of ``kapture.result`` that the
client-level tests passed through without checking. ``classify`` is called directly, as the
client calls it with an answer that arrived.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from kapture import KaptureClient, KaptureResult, Outcome, encode, vendor_example
from kapture.result import classify, redact_headers

ORDER = {"status": "success", "message": "Order created", "Order": {"order_id": 7}}


def read(
    status: int,
    body: Any = ORDER,
    headers: dict[str, str] | None = None,
    *,
    operation: str = "add",
    order_expected: bool = True,
) -> KaptureResult:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return classify(
        operation=operation,
        request_body="{}",
        http_status=status,
        response_body=raw,
        response_headers=headers or {},
        elapsed_ms=12.0,
        order_expected=order_expected,
    )


@pytest.mark.parametrize("status", [200, 299])
def test_a_success_body_with_a_2xx_status_is_a_success(status: int) -> None:
    assert read(status).outcome is Outcome.SUCCESS


@pytest.mark.parametrize("status", [300, 301])
def test_a_success_body_with_a_3xx_status_is_not_a_success(status: int) -> None:
    result = read(status)
    assert result.outcome is Outcome.HTTP_ERROR
    assert not result.ok


@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_are_refused_logins_whatever_the_body(status: int) -> None:
    result = read(status, b"<h1>Forbidden</h1>", {"Content-Type": "text/html"})
    assert result.outcome is Outcome.AUTH_FAILED


@pytest.mark.parametrize("status", [400, 402, 404])
def test_other_4xx_statuses_are_http_errors_not_refused_logins(status: int) -> None:
    result = read(status, b"<h1>No</h1>", {"Content-Type": "text/html"})
    assert result.outcome is Outcome.HTTP_ERROR
    assert result.error == ""  # not a redirect: the explanation does not blame the address


@pytest.mark.parametrize("status", [300, 301, 399])
def test_every_3xx_is_a_redirect_not_followed(status: int) -> None:
    result = read(status, b"", {"Location": "https://elsewhere.example/login"})
    assert result.error == "redirected to https://elsewhere.example/login, not followed"
    assert "check the Kapture address in the settings" in result.explanation


def test_a_redirect_without_a_location_says_another_address() -> None:
    result = read(302, b"")
    assert result.error == "redirected to another address, not followed"


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("https://bob:S3cret@kapture.example/next", "https://kapture.example/next"),
        ("https://bob@kapture.example/next", "https://kapture.example/next"),
        ("https://:S3cret@kapture.example/next", "https://kapture.example/next"),
        ("https://bob:S3cret@kapture.example/next?sid=abc", "https://kapture.example/next?[redacted]"),
        # Nothing secret: shown exactly as written, fragment and all.
        ("https://kapture.example/next#part", "https://kapture.example/next#part"),
        ("/relative/path#part", "/relative/path#part"),
    ],
)
def test_a_redirect_s_location_keeps_no_login(location: str, shown: str) -> None:
    assert redact_headers({"Location": location}) == {"Location": shown}
    assert read(302, b"", {"Location": location}).error == f"redirected to {shown}, not followed"


def test_a_challenge_with_parameters_shows_its_scheme_only() -> None:
    headers = redact_headers({"WWW-Authenticate": 'Bearer error="invalid_token", token=SECRET-1 SECRET-2'})
    assert headers == {"WWW-Authenticate": "Bearer [redacted]"}


def test_a_success_without_an_order_id_says_so() -> None:
    for order in ({}, {"order_id": None}, {"order_id": ""}):
        result = read(200, {"status": "success", "Order": order})
        assert result.outcome is Outcome.INVALID_RESPONSE
        assert result.error == "it said success but gave no order id"


def test_an_odd_order_id_is_quoted_as_written_and_cut_at_40_characters() -> None:
    fits = "é" * 38  # 40 characters with its quotes: shown whole, not escaped
    result = read(200, {"status": "success", "Order": {"order_id": fits}})
    assert result.error == f'it said success but its order id, "{fits}", is not a whole number above 0'

    result = read(200, {"status": "success", "Order": {"order_id": "é" * 39}})
    assert result.error == f'it said success but its order id, "{"é" * 38}…, is not a whole number above 0'


def test_a_key_given_twice_is_named_by_its_first_40_characters() -> None:
    key = "k" * 60
    result = read(200, f'{{"{key}": 1, "{key}": 2}}'.encode())
    assert result.outcome is Outcome.INVALID_RESPONSE
    assert result.error == f"the answer gives “{'k' * 40}” twice, with different values"


def test_a_missing_message_is_empty_and_a_non_text_one_is_shown_as_json() -> None:
    assert read(200, {"status": "success", "Order": {"order_id": 7}}).message == ""
    refused = read(200, {"status": "failed", "message": {"reason": "numéro"}})
    assert refused.message == '{"reason": "numéro"}'
    assert read(200, {"status": "failed", "message": ["a", 1]}).message == '["a", 1]'


def test_a_pull_answer_needs_no_order_id() -> None:
    result = read(200, {"status": "success", "message": "2 orders"}, operation="pull", order_expected=False)
    assert result.outcome is Outcome.SUCCESS


def test_a_json_answer_is_shown_as_utf8_whatever_charset_it_declares() -> None:
    body = json.dumps({"status": "failed", "message": "Numéro inconnu"}, ensure_ascii=False).encode()
    result = read(200, body, {"Content-Type": "application/json; charset=ISO-8859-1"})
    assert result.message == "Numéro inconnu"
    assert "Numéro inconnu" in result.response_text  # not "NumÃ©ro"


def test_a_send_that_never_reached_kapture_keeps_what_was_sent_and_how_long_it_took() -> None:
    with socket.create_server(("127.0.0.1", 0)) as closed:
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    payload = vendor_example()
    with KaptureClient(url, token="dGVzdDp0ZXN0", timeout=(1, 1)) as client:
        result = client.add_order(payload)
    assert result.outcome is Outcome.NETWORK_ERROR
    assert result.operation == "add"
    assert result.request_body == encode(payload)
    assert result.elapsed_ms > 0


# (outcome, status, message, error, operation) → the sentence staff read.
SENTENCES = [
    (Outcome.SUCCESS, 200, "", "", "add", "Kapture accepted the request."),
    (Outcome.SUCCESS, 200, "Order created", "", "add", "Kapture accepted the request: “Order created”"),
    (Outcome.REJECTED, 200, "Bad phone", "", "add", "Kapture refused the request: “Bad phone”"),
    (Outcome.REJECTED, 200, "", "", "add", "Kapture refused the request."),
    (
        Outcome.AUTH_FAILED, 200, "invalid auth key", "", "add",
        "Kapture did not accept the login details (HTTP 200 OK, invalid auth key). "
        "Ask whoever manages the Kapture connection to check the user name and password.",
    ),
    (
        Outcome.AUTH_FAILED, 401, "", "", "add",
        "Kapture did not accept the login details (HTTP 401 Unauthorized). "
        "Ask whoever manages the Kapture connection to check the user name and password.",
    ),
    (
        Outcome.HTTP_ERROR, 599, "", "", "add",
        "Kapture answered with an error (HTTP 599) instead of a result. "
        "Try again later; if it keeps happening, tell whoever manages the Kapture connection.",
    ),
    (
        Outcome.INVALID_RESPONSE, None, "", "", "add",
        "Kapture's answer could not be read: the order may have been created (no status). "
        "Check in Kapture before sending it again.",
    ),
    (
        Outcome.INVALID_RESPONSE, 200, "", "", "update",
        "Kapture's answer could not be read: the order may have been updated (HTTP 200 OK). "
        "Check in Kapture before sending it again.",
    ),
    (
        Outcome.INVALID_RESPONSE, 200, "", "not JSON", "pull",
        "Kapture's answer (HTTP 200 OK, not JSON) could not be read. "
        "The request may have taken effect. Check in Kapture before sending it again.",
    ),
    (
        Outcome.NETWORK_ERROR, None, "", "the connection was refused", "add",
        "Could not reach Kapture (the connection was refused). Nothing was sent. "
        "Check the connection and try again.",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("outcome", "status", "message", "error", "operation", "sentence"), SENTENCES)
def test_each_outcome_is_explained_in_its_own_plain_sentence(
    outcome: Outcome, status: int | None, message: str, error: str, operation: str, sentence: str
) -> None:
    result = KaptureResult(
        outcome=outcome,
        operation=operation,
        request_body="{}",
        http_status=status,
        message=message,
        error=error,
    )
    assert result.explanation == sentence


def test_the_smallest_order_id_is_an_id() -> None:
    for order_id in (1, "1"):
        result = read(200, {"status": "success", "Order": {"order_id": order_id}})
        assert result.outcome is Outcome.SUCCESS
        assert result.order_id == "1"


def test_a_page_in_its_declared_charset_with_a_bad_byte_is_still_shown_in_that_charset() -> None:
    page = "<h1>Erreur: numéro</h1>".encode("cp1252") + b"\x81"  # 0x81 means nothing in cp1252
    result = read(502, page, {"Content-Type": "text/html; charset=windows-1252"})
    assert result.response_text == "<h1>Erreur: numéro</h1>\ufffd"


def test_a_byte_order_mark_is_not_shown_as_part_of_the_answer() -> None:
    result = read(200, "\ufeff".encode() + json.dumps(ORDER).encode(), {"Content-Type": "application/json"})
    assert result.ok
    assert result.response_text == json.dumps(ORDER)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"<html>Service page</html>", ""),  # not JSON at all: the status and the page say enough
        (json.dumps({"status": "queued"}).encode(), ""),  # JSON, but neither success nor failed
        (b'\xff\xfe{"status": "success"}', "the answer is not valid UTF-8 text"),
    ],
)
def test_an_unreadable_answer_says_why_only_when_there_is_more_to_say(body: bytes, error: str) -> None:
    result = read(200, body)
    assert result.outcome is Outcome.INVALID_RESPONSE
    assert result.error == error


def test_a_result_however_made_holds_no_cookie() -> None:
    result = KaptureResult(
        outcome=Outcome.SUCCESS,
        operation="add",
        request_body="{}",
        response_headers={"Set-Cookie": "JSESSIONID=S3cret", "X-Request-Id": "req-1"},
    )
    assert result.response_headers == {"Set-Cookie": "[redacted]", "X-Request-Id": "req-1"}
