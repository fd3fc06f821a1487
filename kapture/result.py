"""What one call to Kapture came to, classified once, here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from http import HTTPStatus
from typing import Any

from kapture import exceptions

# The one failure message the vendor documents, for a missing, wrong, expired or disabled
# Authorization header. Its HTTP status is not documented, so a 200 carrying it must still
# read as "wrong credentials" to the person at the form. No other message is ever matched.
INVALID_AUTH_MESSAGE = "invalid auth key"


class Outcome(StrEnum):
    """How a call ended; ``timeout_unknown`` means the request may have taken effect."""

    SUCCESS = "success"
    REJECTED = "rejected"
    AUTH_FAILED = "auth_failed"
    HTTP_ERROR = "http_error"
    INVALID_RESPONSE = "invalid_response"
    NETWORK_ERROR = "network_error"
    TIMEOUT_UNKNOWN = "timeout_unknown"


_EXCEPTION_FOR: dict[Outcome, type[exceptions._ResultError]] = {
    Outcome.REJECTED: exceptions.Rejected,
    Outcome.AUTH_FAILED: exceptions.AuthFailed,
    Outcome.HTTP_ERROR: exceptions.HTTPStatusError,
    Outcome.INVALID_RESPONSE: exceptions.InvalidResponse,
    Outcome.NETWORK_ERROR: exceptions.NetworkError,
    Outcome.TIMEOUT_UNKNOWN: exceptions.OutcomeUnknown,
}

_ID_KEYS = ("order_id", "customer_id", "enquiry_id", "contact_id")
_SERVER_ERRORS_AFTER_RECEIPT = (500, 502, 504)
_TELL_ADMIN = "tell whoever manages the Kapture connection"


@dataclass(frozen=True)
class KaptureResult:
    """Everything the journal stores about one call, whatever happened."""

    outcome: Outcome
    operation: str
    request_body: str
    http_status: int | None = None
    message: str = ""
    ids: dict[str, str] = field(default_factory=dict)
    action_event: str = ""
    response_text: str = ""
    response_headers: dict[str, str] = field(default_factory=dict)
    data: Any = None
    elapsed_ms: float = 0.0
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.SUCCESS

    @property
    def order_id(self) -> str:
        return self.ids.get("order_id", "")

    @property
    def may_have_taken_effect(self) -> bool:
        """True when nobody knows whether Kapture acted on the request."""
        if self.outcome is Outcome.HTTP_ERROR:
            # A server error, or a gateway that gave up waiting, may come after the order was made.
            return self.http_status in _SERVER_ERRORS_AFTER_RECEIPT
        return self.outcome in (Outcome.TIMEOUT_UNKNOWN, Outcome.INVALID_RESPONSE)

    @property
    def explanation(self) -> str:
        """What happened, in plain words."""
        return _explain(self)

    def raise_for_outcome(self) -> KaptureResult:
        """Return self on success, else raise the matching ``KaptureError``."""
        if self.ok:
            return self
        raise _EXCEPTION_FOR[self.outcome](self)


def classify(
    *,
    operation: str,
    request_body: str,
    http_status: int,
    response_text: str,
    response_headers: dict[str, str],
    elapsed_ms: float,
) -> KaptureResult:
    """Classify an answer that arrived: success needs HTTP 2xx and ``status == "success"``."""
    data = _parse_json(response_text)
    body = data if isinstance(data, dict) else {}
    status = body.get("status")
    # Success is exactly the documented word; a failure is read generously, never as success.
    failed = str(status or "").strip().lower() == "failed"
    message = _text(body.get("message"))
    is_2xx = 200 <= http_status < 300

    if http_status in (401, 403) or (failed and message.strip().lower() == INVALID_AUTH_MESSAGE):
        outcome = Outcome.AUTH_FAILED
    elif failed:
        outcome = Outcome.REJECTED
    elif not is_2xx:
        outcome = Outcome.HTTP_ERROR
    elif status == "success":
        outcome = Outcome.SUCCESS
    else:
        outcome = Outcome.INVALID_RESPONSE
    error = ""
    if 300 <= http_status < 400:
        error = f"redirected to {response_headers.get('Location', 'another address')}, not followed"

    details = body.get("Order")
    details = details if isinstance(details, dict) else body
    return KaptureResult(
        outcome=outcome,
        operation=operation,
        request_body=request_body,
        http_status=http_status,
        message=message,
        ids={key: str(details[key]) for key in _ID_KEYS if details.get(key) not in (None, "")},
        action_event=_text(details.get("action_event")),
        response_text=response_text,
        response_headers=response_headers,
        data=data,
        elapsed_ms=elapsed_ms,
        error=error,
    )


def failure(
    outcome: Outcome,
    *,
    operation: str,
    request_body: str,
    error: str,
    elapsed_ms: float,
    http_status: int | None = None,
) -> KaptureResult:
    """A result for a call whose answer never (fully) arrived."""
    return KaptureResult(
        outcome=outcome,
        operation=operation,
        request_body=request_body,
        http_status=http_status,
        error=error,
        elapsed_ms=elapsed_ms,
    )


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _text(value: Any) -> str:
    # Messages are shown, never parsed; a non-string one is shown as JSON.
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _status_words(code: int | None) -> str:
    if code is None:
        return "no status"
    try:
        return f"HTTP {code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


def _explain(result: KaptureResult) -> str:
    said = f": “{result.message}”" if result.message else "."
    match result.outcome:
        case Outcome.SUCCESS:
            return f"Kapture accepted the request{said}"
        case Outcome.REJECTED:
            return f"Kapture refused the request{said}"
        case Outcome.AUTH_FAILED:
            return (
                f"Kapture did not accept the login details ({_status_words(result.http_status)}"
                f"{', ' + result.message if result.message else ''}). "
                "Ask whoever manages the Kapture connection to check the user name and password."
            )
        case Outcome.HTTP_ERROR:
            answered = (
                f"Kapture answered with an error ({_status_words(result.http_status)}) instead of a result."
            )
            if result.error:  # a redirect: the configured address is probably wrong
                return f"{answered} It {result.error}: check the Kapture address in the settings."
            if result.may_have_taken_effect:
                return f"{answered} The request may have taken effect: check before sending it again."
            return f"{answered} Try again later; if it keeps happening, {_TELL_ADMIN}."
        case Outcome.INVALID_RESPONSE:
            why = f" ({result.error})" if result.error else ""
            return (
                f"Kapture's answer ({_status_words(result.http_status)}) could not be read{why}. "
                "The request may have taken effect: check before sending it again."
            )
        case Outcome.NETWORK_ERROR:
            return (
                f"Could not reach Kapture ({result.error}). Nothing was sent. "
                "Check the connection and try again."
            )
        case Outcome.TIMEOUT_UNKNOWN:
            return (
                f"No answer from Kapture in time ({result.error}). The request may have taken "
                "effect: check before sending it again."
            )
    raise AssertionError(result.outcome)  # pragma: no cover - every outcome is matched above
