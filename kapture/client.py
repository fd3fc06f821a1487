"""The Kapture order API over HTTP: add, update, pull, and raw sends for QA.

One private function, ``_post``, talks to the network: it joins the URL, always passes the
timeout, translates ``requests`` errors and classifies the answer. Add and update are never
retried (a retry can create a second order); pull retries only failures that happened
before the request left.
"""

from __future__ import annotations

import base64
import copy
import http.client
import json
import re
import ssl
import time
from collections.abc import Iterator, Mapping
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests
import urllib3.exceptions

from kapture.exceptions import PayloadInvalid, Problem
from kapture.models import OrderPayload
from kapture.result import KaptureResult, Outcome, classify, failure
from kapture.validation import update_problem

ADD_UPDATE_PATH = "/ms/customer/order/api/v1/add-update"
PULL_PATH = "/ms/customer-search/order-search/api/v1/pull-internal"
DEFAULT_TIMEOUT = (5.0, 30.0)
PULL_FILTERS = frozenset(
    [
        "name", "phone", "email", "customerIds", "orderIds", "erpOrderId", "enquiryIds",
        "clientReferenceIds", "createStartDate", "createEndDate", "bookingStatus",
        "bookingSubStatus", "bookingStartDate", "bookingEndDate", "creatorIdStr",
        "assignIdStr", "zoneIdStr", "blockId", "unitId", "viewId", "sortParam", "limit",
        "offset",
    ]
    + [f"attr{n}" for n in range(1, 16)]
)  # fmt: skip
NOT_FILTERS = frozenset(["limit", "offset", "sortParam"])  # shape the answer, do not select
_NOT_SENT = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.ProxyError,
    requests.ConnectTimeout,
)
# A refused certificate stops the handshake before anything is sent; other TLS failures may
# come after the order went out, so they count as "unknown".
_NOT_CONNECTED = (
    urllib3.exceptions.NewConnectionError,
    urllib3.exceptions.ConnectTimeoutError,
    ssl.SSLCertVerificationError,
)
_SUBDOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")

Payload = OrderPayload | Mapping[str, Any]


def base_url_for(subdomain: str) -> str:
    """The base URL of a Kapture tenant, from its subdomain (``acme`` → ``https://acme.kapturecrm.com``)."""
    name = subdomain.strip().lower()
    if not _SUBDOMAIN.fullmatch(name):
        raise ValueError(f"“{subdomain}” is not a Kapture subdomain (letters, digits and dashes).")
    return f"https://{name}.kapturecrm.com"


def basic_token(username: str, password: str) -> str:
    """The Basic auth token Kapture expects: base64 of ``username:password``."""
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def encode(payload: Payload) -> str:
    """The JSON text sent for a payload: compact, UTF-8, unknown keys kept."""
    data = payload.to_payload() if isinstance(payload, OrderPayload) else payload
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    utf8(text)  # a lone surrogate would only fail later, at sending
    return text


class _BasicAuth(requests.auth.AuthBase):
    """Sets ``Authorization: Basic <token>``; its repr never shows the token."""

    def __init__(self, token: str) -> None:
        self._header = f"Basic {token}"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._header
        return request

    def __repr__(self) -> str:
        return "<Basic auth, token hidden>"


class KaptureClient:
    """A keep-alive client for one Kapture tenant (or the sandbox)."""

    def __init__(
        self,
        base_url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        pull_retries: int = 2,
        pull_backoff: float = 0.25,
    ) -> None:
        if token:
            token = token.strip().removeprefix("Basic ").strip()
            if not is_token(token):
                # The value itself is never repeated: it may be a secret pasted in the wrong place.
                raise ValueError("The Kapture token is not a Basic token (letters, digits, + / = only).")
        elif username is not None and password is not None:
            token = basic_token(username, password)
        else:
            raise ValueError("Give either a username and password or a token.")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._auth = _BasicAuth(token)
        self._owns_session = session is None
        self._session = session or _new_session()
        # Proxies and CA bundle come from the environment, read once here: requests would
        # otherwise re-read the whole environment on every call (a third of its overhead).
        self._environment = requests.Session().merge_environment_settings(self.base_url, {}, None, None, None)
        self._pull_retries = pull_retries
        self._pull_backoff = pull_backoff

    def __repr__(self) -> str:
        return f"KaptureClient({self.base_url!r})"

    def __enter__(self) -> KaptureClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool, if this client opened it."""
        if self._owns_session:
            self._session.close()

    def add_order(self, payload: Payload) -> KaptureResult:
        """Add an order (or, with ``order_info.update`` set, update one). Never retried."""
        return self.send_raw(encode(payload), operation="add")

    def update_order(self, payload: Payload) -> KaptureResult:
        """Update the order named by ``order_info.order_id``; sets ``order_info.update``."""
        data = payload.to_payload() if isinstance(payload, OrderPayload) else copy.deepcopy(dict(payload))
        order = data.get("order_info")
        problem = update_problem(order)
        if problem:
            raise PayloadInvalid([problem])
        order["update"] = True
        return self.send_raw(encode(data), operation="update")

    def pull_orders(self, cm_id: int, **filters: object) -> KaptureResult:
        """Look orders up with the Pull Order API; connection failures are retried a little."""
        body = pull_body(cm_id, **filters)
        result = self.send_raw(body, path=PULL_PATH, operation="pull")
        for attempt in range(self._pull_retries):
            if result.outcome is not Outcome.NETWORK_ERROR:
                break
            time.sleep(self._pull_backoff * 2**attempt)
            result = self.send_raw(body, path=PULL_PATH, operation="pull")
        return result

    def send_raw(
        self, body: str | bytes, *, path: str = ADD_UPDATE_PATH, operation: str = "raw"
    ) -> KaptureResult:
        """Send the body byte for byte, as QA typed it, and classify the answer."""
        data = utf8(body) if isinstance(body, str) else body
        text = body if isinstance(body, str) else body.decode("utf-8", errors="replace")
        return self._post(path, data, operation=operation, request_text=text)

    def _post(self, path: str, data: bytes, *, operation: str, request_text: str) -> KaptureResult:
        started = time.perf_counter()
        # The read timeout bounds each wait; the deadline bounds the whole answer, so a server
        # that drips a byte at a time cannot hold a page for ever.
        deadline = time.monotonic() + sum(self.timeout)

        def failed(outcome: Outcome, error: str, status: int | None = None) -> KaptureResult:
            return failure(
                outcome,
                operation=operation,
                request_body=request_text,
                error=error,
                elapsed_ms=(time.perf_counter() - started) * 1000,
                http_status=status,
            )

        try:
            response = self._session.post(
                self.base_url + path,
                data=data,
                headers={"Content-Type": "application/json"},
                auth=self._auth,
                timeout=self.timeout,
                allow_redirects=False,  # a redirected POST turns into a GET, or repeats the order
                stream=True,
                proxies=self._environment["proxies"],
                verify=self._environment["verify"],
                cert=self._environment["cert"],
            )
        except requests.RequestException as exc:
            outcome = Outcome.NETWORK_ERROR if _failed_before_sending(exc) else Outcome.TIMEOUT_UNKNOWN
            return failed(outcome, _describe(exc, self.timeout))
        with response:
            try:
                body = _read_body(response.raw, deadline)
            except _AnswerTooSlow:
                return failed(
                    Outcome.TIMEOUT_UNKNOWN,
                    f"the answer took over {sum(self.timeout):g} s",
                    response.status_code,
                )
            except _AnswerTooLarge:
                return failed(
                    Outcome.INVALID_RESPONSE, "the answer was larger than 5 MB", response.status_code
                )
            except urllib3.exceptions.DecodeError:
                return failed(
                    Outcome.INVALID_RESPONSE, "the answer could not be decompressed", response.status_code
                )
            except (urllib3.exceptions.HTTPError, OSError):
                return failed(
                    Outcome.TIMEOUT_UNKNOWN,
                    "the connection broke while the answer came in",
                    response.status_code,
                )
        return classify(
            operation=operation,
            request_body=request_text,
            http_status=response.status_code,
            response_text=decode(body, response.headers.get("Content-Type", "")),
            response_headers=dict(response.headers),
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )


def pull_body(cm_id: int, **filters: object) -> str:
    """The Pull Order body: ``cmId`` (> 0) and at least one filter, every filter a string."""
    problems = []
    if isinstance(cm_id, bool) or not isinstance(cm_id, int) or cm_id <= 0:
        problems.append(Problem("cmId", "The account id (cmId) must be a whole number above 0."))
    unknown = sorted(set(filters) - PULL_FILTERS)
    if unknown:
        problems.append(Problem(unknown[0], f"Unknown pull filter(s): {', '.join(unknown)}."))
    given = {key: str(value) for key, value in filters.items() if value not in (None, "")}
    if not set(given) - NOT_FILTERS:
        problems.append(Problem("filters", "Give at least one filter (phone, order id, dates…)."))
    if problems:
        raise PayloadInvalid(problems)
    return json.dumps({"cmId": cm_id, **given}, ensure_ascii=False, separators=(",", ":"))


MAX_ANSWER_BYTES = 5 * 1024 * 1024
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9+/=_-]+")


class _AnswerTooSlow(Exception):
    pass


class _AnswerTooLarge(Exception):
    pass


def _read_body(raw: urllib3.HTTPResponse, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := raw.read1(65536, decode_content=True):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise _AnswerTooLarge
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise _AnswerTooSlow
    return b"".join(chunks)


def decode(body: bytes, content_type: str) -> str:
    """An answer's text: JSON is UTF-8 (RFC 8259, a BOM tolerated); others use their charset."""
    declared = _CHARSET.search(content_type)
    if declared and "json" not in content_type.lower():
        try:
            return body.decode(declared.group(1), errors="replace")
        except (LookupError, UnicodeError):
            pass  # an unknown or non-text "charset": fall back to UTF-8
    return body.decode("utf-8-sig", errors="replace")


def utf8(text: str) -> bytes:
    """The text as UTF-8, or ``PayloadInvalid`` naming the broken character's place."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        raise PayloadInvalid(
            [
                Problem(
                    "", f"Line {line}, column {column} has a broken character (half of an emoji or symbol)."
                )
            ]
        ) from exc


def is_token(token: str) -> bool:
    """True for text that can be a Basic token (base64 letters)."""
    return bool(_TOKEN.fullmatch(token))


def _new_session() -> requests.Session:
    session = requests.Session()
    # Kapture sets session cookies; one client serves many people, so none are kept.
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    session.headers["User-Agent"] = "KaptureOrderDesk/1.0"
    session.trust_env = False  # the environment is read once per client instead
    return session


def _failed_before_sending(exc: requests.RequestException) -> bool:
    """True when the request certainly never reached the server."""
    if isinstance(exc, _NOT_SENT):
        return True
    return any(isinstance(cause, _NOT_CONNECTED) for cause in _causes(exc))


def _describe(exc: requests.RequestException, timeout: tuple[float, float]) -> str:
    causes = list(_causes(exc))

    def caused_by(*types: type[BaseException]) -> bool:
        return any(isinstance(cause, types) for cause in causes)

    if isinstance(exc, requests.ConnectTimeout):
        return f"no connection within {timeout[0]:g} s"
    if isinstance(exc, requests.ReadTimeout):
        return f"no answer within {timeout[1]:g} s"
    if caused_by(ssl.SSLCertVerificationError):
        return "the server's certificate was not trusted"
    if isinstance(exc, requests.exceptions.SSLError):
        return "the secure connection (TLS) broke"
    if isinstance(exc, requests.exceptions.ProxyError):
        return "the proxy refused the connection"
    if isinstance(exc, _NOT_SENT):
        return f"the address is not valid: {exc}"
    if caused_by(urllib3.exceptions.NameResolutionError):
        return "the server name could not be found"
    if caused_by(ConnectionRefusedError):
        return "the connection was refused"
    if caused_by(http.client.RemoteDisconnected, ConnectionResetError, urllib3.exceptions.ProtocolError):
        return "the connection was dropped before an answer came"
    return type(exc).__name__


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps: urllib3 hides causes in ``reason`` and ``args``."""
    seen: list[BaseException] = []
    pending: list[object] = [exc]
    while pending:
        item = pending.pop()
        if not isinstance(item, BaseException) or any(item is old for old in seen):
            continue
        seen.append(item)
        yield item
        pending.extend([getattr(item, "reason", None), item.__cause__, item.__context__, *item.args])
