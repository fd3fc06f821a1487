"""What one call to Kapture came to, classified once, here; what each outcome means is in
``kapture.outcomes``.

An answer is read strictly: JSON must be UTF-8 (RFC 8259), without NaN or Infinity, without a key
given twice with different values, and shallow enough to read. An answer that breaks any of these
is not Kapture's JSON. A success to the add-update path also needs a usable order id: a "success"
without one may still have created an order, so it is an unclear answer, never a success.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kapture import exceptions
from kapture.outcomes import Meaning, Outcome, meaning

# The one failure message the vendor documents, for a missing, wrong, expired or disabled
# Authorization header. Its HTTP status is not documented, so a 200 carrying it must still
# read as "wrong credentials" to the person at the form. No other message is ever matched.
INVALID_AUTH_MESSAGE = "invalid auth key"


_EXCEPTION_FOR: dict[Outcome, type[exceptions._ResultError]] = {
    Outcome.REJECTED: exceptions.Rejected,
    Outcome.AUTH_FAILED: exceptions.AuthFailed,
    Outcome.HTTP_ERROR: exceptions.HTTPStatusError,
    Outcome.INVALID_RESPONSE: exceptions.InvalidResponse,
    Outcome.NETWORK_ERROR: exceptions.NetworkError,
    Outcome.TIMEOUT_UNKNOWN: exceptions.OutcomeUnknown,
}

_ID_KEYS = ("order_id", "customer_id", "enquiry_id", "contact_id")
# Kapture's ids are 8-9 digit numbers; 20 digits holds any 64-bit id and keeps a hostile answer's
# "id" of a thousand digits out of the journal's id columns.
_ID = re.compile(r"[0-9]{1,20}")
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
REDACTED = "[redacted]"
# Headers that carry credentials or session state whatever they are called...
_SECRET_HEADERS = frozenset(["set-cookie", "set-cookie2", "cookie", "authorization", "proxy-authorization"])
# ...any header named like one...
_SECRET_NAME = re.compile(r"token|secret|key|passw|credential|session|cookie|auth|signature|csrf|xsrf")
# ...and challenges, whose scheme and realm are worth seeing but whose other parameters may be tokens.
_CHALLENGE_HEADERS = frozenset(["www-authenticate", "proxy-authenticate"])
_BARE_CHALLENGE = re.compile(r'[A-Za-z][\w.-]*(?:\s+realm="[^"\\]*")?')


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

    def __post_init__(self) -> None:
        # Here, not in the client alone, so no result, however made, holds a cookie or a credential.
        object.__setattr__(self, "response_headers", redact_headers(self.response_headers))

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.SUCCESS

    @property
    def order_id(self) -> str:
        return self.ids.get("order_id", "")

    @property
    def may_have_taken_effect(self) -> bool:
        """True when nobody knows whether Kapture acted on the request (``kapture.outcomes``)."""
        return meaning(self.outcome, self.http_status).unclear

    @property
    def meaning(self) -> Meaning:
        """What this outcome means: sent, may have created, definite refusal, sentence, next step."""
        return meaning(self.outcome, self.http_status)

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
    response_body: bytes,
    response_headers: Mapping[str, str],
    elapsed_ms: float,
    order_expected: bool,
) -> KaptureResult:
    """Classify an answer that arrived: success needs HTTP 2xx and ``status == "success"``.

    With ``order_expected`` (a send to the add-update path) success also needs a usable order id.
    """
    headers = redact_headers(response_headers)
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    data, unreadable = read_json(response_body)
    body = data if isinstance(data, dict) else {}
    status = body.get("status")
    # Success is exactly the documented word; a failure is read generously, never as success.
    failed = str(status or "").strip().lower() == "failed"
    message = _text(body.get("message"))
    is_2xx = 200 <= http_status < 300
    details = body.get("Order")
    details = details if isinstance(details, dict) else body
    ids = {key: text for key in _ID_KEYS if (text := _id_text(details.get(key))) is not None}

    error = ""
    if http_status in (401, 403) or (failed and message.strip().lower() == INVALID_AUTH_MESSAGE):
        outcome = Outcome.AUTH_FAILED
    elif failed:
        outcome = Outcome.REJECTED
    elif not is_2xx:
        outcome = Outcome.HTTP_ERROR
        if 300 <= http_status < 400:
            location = next((v for k, v in headers.items() if k.lower() == "location"), "another address")
            error = f"redirected to {location}, not followed"
    elif status == "success" and order_expected and "order_id" not in ids:
        outcome = Outcome.INVALID_RESPONSE
        error = _no_order_id(details.get("order_id"))
    elif status == "success":
        outcome = Outcome.SUCCESS
    else:
        outcome = Outcome.INVALID_RESPONSE
        error = unreadable
    return KaptureResult(
        outcome=outcome,
        operation=operation,
        request_body=request_body,
        http_status=http_status,
        message=message,
        ids=ids,
        action_event=_text(details.get("action_event")),
        response_text=decode(response_body, content_type),
        response_headers=headers,
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


def decode(body: bytes, content_type: str) -> str:
    """An answer's text to show: JSON is UTF-8 (RFC 8259, a BOM tolerated); others use their charset."""
    declared = _CHARSET.search(content_type)
    if declared and "json" not in content_type.lower():
        try:
            return body.decode(declared.group(1), errors="replace")
        except (LookupError, UnicodeError):
            pass  # an unknown or non-text "charset": fall back to UTF-8
    return body.decode("utf-8-sig", errors="replace")


def read_json(body: bytes) -> tuple[Any, str]:
    """The answer's JSON value and "", or None and why it is not Kapture's JSON ("" when not JSON at all).

    Kapture's JSON is UTF-8 whatever charset a header declares (RFC 8259): a page in another
    charset is shown in it, but never read as Kapture's answer.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Read with replacement characters, an order id or a status could say anything.
        return None, "the answer is not valid UTF-8 text"
    try:
        return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_unambiguous), ""
    except _NotKapturesJson as exc:
        return None, str(exc)
    except RecursionError:
        return None, "the answer is nested too deeply to read"
    except ValueError:  # not JSON, or an integer of more than 4,300 digits
        return None, ""


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers with cookies, credentials and anything named like a secret replaced by ``[redacted]``."""
    shown: dict[str, str] = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower in _CHALLENGE_HEADERS:
            shown[name] = value if _BARE_CHALLENGE.fullmatch(value.strip()) else _challenge_scheme(value)
        elif lower in _SECRET_HEADERS or _SECRET_NAME.search(lower):
            shown[name] = REDACTED
        elif lower == "location":
            shown[name] = _url_without_secrets(value)
        else:
            shown[name] = value
    return shown


class _NotKapturesJson(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity; no JSON parser Kapture would use writes them.
    raise _NotKapturesJson(f"the answer contains {name}, which is not JSON")


def _unambiguous(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # {"status": "success", "status": "failed"} reads as "failed" in one parser and "success" in
    # another: an answer that says two things at once is not an answer.
    value: dict[str, Any] = {}
    for key, item in pairs:
        if key in value and value[key] != item:
            raise _NotKapturesJson(f"the answer gives “{key[:40]}” twice, with different values")
        value[key] = item
    return value


def _id_text(value: Any) -> str | None:
    """An id as text when it is a plain whole number above 0 (a JSON integer or ASCII digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str) and _ID.fullmatch(value) and int(value) > 0:
        return value
    return None


def _no_order_id(value: Any) -> str:
    if value in (None, ""):
        return "it said success but gave no order id"
    shown = json.dumps(value, ensure_ascii=False)
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return f"it said success but its order id, {shown}, is not a whole number above 0"


def _challenge_scheme(value: str) -> str:
    scheme = value.strip().split(maxsplit=1)[:1]
    return " ".join([*scheme, REDACTED])


def _url_without_secrets(url: str) -> str:
    try:
        parts = urlsplit(url)
        has_user = parts.username is not None or parts.password is not None
        host = parts.netloc.rpartition("@")[2]
    except ValueError:  # not a URL Python can take apart: nothing of it is shown
        return REDACTED
    if not has_user and not parts.query:
        return url
    return urlunsplit((parts.scheme, host, parts.path, REDACTED if parts.query else "", ""))


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


_MAY_HAVE = "The request may have taken effect."


def _explain(result: KaptureResult) -> str:
    """What happened to this call, in its own details, then the outcome's next step (``kapture.outcomes``)."""
    said = f": “{result.message}”" if result.message else "."
    step = meaning(result.outcome, result.http_status).next_step
    match result.outcome:
        case Outcome.SUCCESS:
            return f"Kapture accepted the request{said}"
        case Outcome.REJECTED:
            return f"Kapture refused the request{said}"
        case Outcome.AUTH_FAILED:
            return (
                f"Kapture did not accept the login details ({_status_words(result.http_status)}"
                f"{', ' + result.message if result.message else ''}). {step}"
            )
        case Outcome.HTTP_ERROR:
            answered = (
                f"Kapture answered with an error ({_status_words(result.http_status)}) instead of a result."
            )
            if result.error:  # a redirect: the configured address is probably wrong
                return f"{answered} It {result.error}: check the Kapture address in the settings."
            if result.may_have_taken_effect:
                return f"{answered} {_MAY_HAVE} {step}"
            return f"{answered} {step}"
        case Outcome.INVALID_RESPONSE:
            why = _status_words(result.http_status) + (f", {result.error}" if result.error else "")
            if result.operation == "pull":
                return (
                    f"Kapture's answer ({why}) could not be read. The request may have taken effect. {step}"
                )
            done = "updated" if result.operation == "update" else "created"
            return f"Kapture's answer could not be read: the order may have been {done} ({why}). {step}"
        case Outcome.NETWORK_ERROR:
            return f"Could not reach Kapture ({result.error}). Nothing was sent. {step}"
        case Outcome.TIMEOUT_UNKNOWN:
            return (
                f"Kapture's answer did not arrive ({result.error}). The request may have taken effect. {step}"
            )
    raise AssertionError(result.outcome)  # pragma: no cover - every outcome is matched above
