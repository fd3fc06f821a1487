"""The Kapture order API over HTTP: add, update, pull, and raw sends for QA.

One private function, ``_post``, talks to the network: it joins the URL, always passes the
timeout, translates ``requests`` errors and classifies the answer. Add and update are never
retried (a retry can create a second order); pull retries only failures that happened
before the request left.

Every send ends by its deadline (connect timeout + read timeout), whatever the server does: a
read timeout restarts with each byte, so a server that drips its status line, its headers or its
body a byte a second would otherwise hold the send for hours. A watchdog thread shuts the send's
socket down at the deadline (``_Deadline``); the connection tells it which socket the send
uses, and the pool never hands a connection cut this way to another send.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import functools
import heapq
import http.client
import itertools
import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3 import PoolManager

from kapture.exceptions import PayloadInvalid, PayloadTooDeep, Problem
from kapture.models import OrderPayload
from kapture.result import KaptureResult, Outcome, classify, failure
from kapture.validation import update_problem

ADD_UPDATE_PATH = "/ms/customer/order/api/v1/add-update"
PULL_PATH = "/ms/customer-search/order-search/api/v1/pull-internal"
DEFAULT_TIMEOUT = (5.0, 30.0)
# One client serves every browser session (Streamlit runs each in its own thread) and bulk jobs.
# requests keeps 10 connections per host; an 11th send at the same moment opened a connection
# and threw it away afterwards ("Connection pool is full"), a new TCP and TLS handshake each
# time under load. 64 is above the sends a desk makes at one instant; an idle kept-alive
# connection costs one socket, and past 64 sends still go out (the pool never blocks).
POOL_SIZE = 64
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
    try:
        data = payload.to_payload() if isinstance(payload, OrderPayload) else payload
        # allow_nan=False: Python would write NaN and Infinity, which are not JSON.
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except RecursionError as exc:
        raise PayloadTooDeep from exc
    except ValueError as exc:
        raise PayloadInvalid(
            [Problem("", "The payload holds a value JSON cannot carry (such as NaN or Infinity).")]
        ) from exc
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
        # A session given here keeps its own adapters (tests pass one that fails on purpose): the
        # deadline's cut and the pool size come with the client's own session only.
        self._session = session or _new_session()
        self._watchdog = _Watchdog()
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
        self._watchdog.close()
        if self._owns_session:
            self._session.close()

    def add_order(self, payload: Payload) -> KaptureResult:
        """Add an order (or, with ``order_info.update`` set, update one). Never retried."""
        return self.send_raw(encode(payload), operation="add")

    def update_order(self, payload: Payload) -> KaptureResult:
        """Update the order named by ``order_info.order_id``; sets ``order_info.update``."""
        try:
            data = payload.to_payload() if isinstance(payload, OrderPayload) else copy.deepcopy(dict(payload))
        except RecursionError as exc:
            raise PayloadTooDeep from exc
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
        self,
        body: str,
        *,
        path: str = ADD_UPDATE_PATH,
        operation: str = "raw",
        headers: Mapping[str, str] | None = None,
    ) -> KaptureResult:
        """Send the text as it is, UTF-8 encoded, with any extra headers; classify the answer.

        Extra headers may replace Content-Type; the login, the host and the framing are the
        client's own (``ValueError`` names the header, never its value).
        """
        extra = extra_headers(headers or {})
        return self._post(path, utf8(body), operation=operation, request_text=body, headers=extra)

    def _post(
        self,
        path: str,
        data: bytes,
        *,
        operation: str,
        request_text: str,
        headers: Mapping[str, str] | None = None,
    ) -> KaptureResult:
        started = time.perf_counter()
        deadline = _Deadline(sum(self.timeout), self._watchdog)
        context = _SENDING.set(deadline)
        deadline.start()
        try:
            return self._exchange(
                path, data, deadline, started, operation=operation, request_text=request_text, headers=headers
            )
        finally:
            deadline.end()
            _SENDING.reset(context)

    def _exchange(
        self,
        path: str,
        data: bytes,
        deadline: _Deadline,
        started: float,
        *,
        operation: str,
        request_text: str,
        headers: Mapping[str, str] | None = None,
    ) -> KaptureResult:
        def failed(outcome: Outcome, error: str, status: int | None = None) -> KaptureResult:
            # Whatever broke after the deadline broke because it cut the connection; only a failure
            # before anything left (refused, no connection) stays what it is: nothing was sent.
            if deadline.passed and outcome is not Outcome.NETWORK_ERROR:
                outcome, error = Outcome.TIMEOUT_UNKNOWN, f"the answer took over {deadline.seconds:g} s"
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
                headers={"Content-Type": "application/json", **(headers or {})},
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
                body = _read_body(response.raw)
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
        if deadline.passed:  # a body read to its end may have been ended by the cut
            return failed(Outcome.TIMEOUT_UNKNOWN, "", response.status_code)
        return classify(
            operation=operation,
            request_body=request_text,
            http_status=response.status_code,
            response_body=body,
            response_headers=dict(response.headers),
            elapsed_ms=(time.perf_counter() - started) * 1000,
            # Pull answers list orders; only the add-update path answers with the order it made.
            order_expected=path == ADD_UPDATE_PATH,
        )


# Set by the client itself: the login (Basic auth), where the request goes, and how it is framed.
_OWN_HEADERS = frozenset({"authorization", "host", "content-length", "transfer-encoding", "connection"})
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def extra_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Extra request headers, checked; a Content-Type given replaces the JSON one whatever its case."""
    extra: dict[str, str] = {}
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name):
            raise ValueError("a request header's name must be letters, digits and dashes")
        if name.lower() in _OWN_HEADERS:
            raise ValueError(f"the {name} header is set by Order Desk itself")
        if not (value.isascii() and value.isprintable()):
            raise ValueError(f"the {name} header's value must be plain text on one line")
        extra["Content-Type" if name.lower() == "content-type" else name] = value
    return extra


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
_TOKEN = re.compile(r"[A-Za-z0-9+/=_-]+")


class _AnswerTooLarge(Exception):
    pass


def _read_body(raw: urllib3.HTTPResponse) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := raw.read1(65536, decode_content=True):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise _AnswerTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


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
    adapter = _DeadlineAdapter(pool_maxsize=POOL_SIZE)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
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
        # Not the exception's text: it repeats the URL, and a proxy URL can carry a password.
        return "the Kapture address or the proxy setting is not a valid web address"
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


class _Deadline:
    """Ends one send at its deadline by shutting its socket down, wherever the send is waiting.

    Shutting a socket down from another thread wakes a blocked read at once (plain and TLS
    alike); closing it would not be safe while the sending thread still uses its descriptor.
    """

    _POLL_SECONDS = 0.05  # while the connection is still being opened and has no socket yet

    def __init__(self, seconds: float, watchdog: _Watchdog) -> None:
        self.seconds = seconds
        self.passed = False
        self.over = False
        self._watchdog = watchdog
        self._lock = threading.Lock()
        self._connection: Any = None
        self._socket: socket.socket | None = None
        self._cut: Any = None

    def start(self) -> None:
        self._watchdog.watch(self, time.monotonic() + self.seconds)

    def follow(self, connection: Any) -> None:
        """The connection the send uses (told by the connection itself, in the sending thread)."""
        with self._lock:
            self._connection = connection

    def pin(self, sock: socket.socket | None) -> None:
        """The socket the answer comes through."""
        # Kept here because http.client lets go of it (connection.sock = None) as soon as the
        # answer says the connection will close; from then on only the answer holds it.
        with self._lock:
            self._socket = sock

    def cut(self, connection: Any) -> bool:
        """True for the connection this deadline shut down."""
        with self._lock:
            return connection is not None and connection is self._cut

    def end(self) -> None:
        with self._lock:
            self.over = True
            # The watchdog keeps an ended deadline until its time comes: not its connection.
            self._connection = self._socket = self._cut = None

    def expire(self) -> None:
        """Called by the watchdog at the deadline: shut the send's socket down."""
        with self._lock:
            if self.over:
                return
            self.passed = True
            sock = self._socket or getattr(self._connection, "sock", None)
            if sock is None:
                self._watchdog.watch(self, time.monotonic() + self._POLL_SECONDS)
                return
            self._cut = self._connection
            with contextlib.suppress(OSError):
                # socket.socket's own shutdown: an SSLSocket's would also drop the TLS state the
                # sending thread is reading through.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Watchdog:
    """One thread per client that expires its sends' deadlines, in deadline order.

    A timer thread per send cost 0.15-0.5 ms a send here (up to a third of the client's own
    time); a heap push costs 5 µs. The thread ends after a minute with nothing to watch, or at close().
    """

    _IDLE_SECONDS = 60.0
    _PRUNE_AT = 1024

    def __init__(self) -> None:
        # Never held while a deadline's own lock is taken (expire runs outside it): no deadlock.
        self._wake = threading.Condition(threading.Lock())
        self._queue: list[tuple[float, int, _Deadline]] = []
        self._order = itertools.count()  # ties in time never compare two deadlines
        self._thread: threading.Thread | None = None
        self._closing = False
        self._prune_at = self._PRUNE_AT

    def watch(self, deadline: _Deadline, at: float) -> None:
        with self._wake:
            if len(self._queue) >= self._prune_at:
                # Sends that ended stay queued until their deadline; under a steady stream of
                # sends they would pile up, so they are swept out once the queue doubles.
                self._prune()
                self._prune_at = max(self._PRUNE_AT, 2 * len(self._queue))
            heapq.heappush(self._queue, (at, next(self._order), deadline))
            self._closing = False
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="kapture-deadlines", daemon=True)
                self._thread.start()
            elif self._queue[0][2] is deadline:
                self._wake.notify()  # earlier than the one the thread waits for

    def close(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                due = self._next_due()
                if due is None:
                    self._thread = None
                    return
            for deadline in due:
                deadline.expire()

    def _next_due(self) -> list[_Deadline] | None:
        """Wait for the next deadlines due; None when nothing is left to watch."""
        while True:
            if self._closing:
                self._prune()
            if not self._queue:
                if self._closing or not self._wake.wait(self._IDLE_SECONDS):
                    return None
                continue
            wait = self._queue[0][0] - time.monotonic()
            if wait > 0:
                self._wake.wait(wait)
                continue
            due = []
            while self._queue and self._queue[0][0] <= time.monotonic():
                due.append(heapq.heappop(self._queue)[2])
            return due

    def _prune(self) -> None:
        self._queue = [entry for entry in self._queue if not entry[2].over]
        heapq.heapify(self._queue)


# The send in progress in this thread, for its connection to report to. A ContextVar rather than
# an attribute of the shared client: Streamlit sends from many threads through one client, and
# each thread must see its own send only.
_SENDING: ContextVar[_Deadline | None] = ContextVar("kapture_sending", default=None)


class _DeadlineConnection:
    """Mixed into urllib3's connections: tells the send's deadline what to shut down."""

    def connect(self) -> None:
        if deadline := _SENDING.get():
            deadline.follow(self)  # its socket appears while it connects, before TLS
        super().connect()  # type: ignore[misc]

    def request(self, *args: Any, **kwargs: Any) -> None:
        if deadline := _SENDING.get():
            deadline.follow(self)  # a kept-alive connection does not connect again
        super().request(*args, **kwargs)  # type: ignore[misc]

    def getresponse(self) -> Any:
        if deadline := _SENDING.get():
            deadline.pin(self.sock)  # type: ignore[attr-defined]
        return super().getresponse()  # type: ignore[misc]


class _DeadlinePool:
    """Mixed into urllib3's connection pools: never hands a connection cut at a deadline on."""

    def _put_conn(self, conn: Any) -> None:
        deadline = _SENDING.get()
        if deadline is not None and deadline.cut(conn):
            conn.close()
            conn = None
        super()._put_conn(conn)  # type: ignore[misc]


@functools.cache
def _with_deadline(pool_class: type) -> type:
    if issubclass(pool_class, _DeadlinePool):
        return pool_class
    connection_class = pool_class.ConnectionCls  # type: ignore[attr-defined]
    watched = type(f"Deadline{connection_class.__name__}", (_DeadlineConnection, connection_class), {})
    return type(f"Deadline{pool_class.__name__}", (_DeadlinePool, pool_class), {"ConnectionCls": watched})


def _enforce_deadlines(manager: PoolManager) -> PoolManager:
    # Every scheme the manager knows (SOCKS proxies have pools of their own) gets the mixins.
    manager.pool_classes_by_scheme = {
        scheme: _with_deadline(pool_class) for scheme, pool_class in manager.pool_classes_by_scheme.items()
    }
    return manager


class _DeadlineAdapter(HTTPAdapter):
    """requests' adapter, with connections that let a send's deadline cut them."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _enforce_deadlines(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        return _enforce_deadlines(super().proxy_manager_for(proxy, **proxy_kwargs))
