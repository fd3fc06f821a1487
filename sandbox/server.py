"""The sandbox's HTTP server: the order API behind Basic auth, the control endpoints, the CLI.

What it answers and why is described in ``sandbox/__init__.py``; the vendor's paths and rules
are in ``sandbox/contract.py``. Nothing here comes from ``kapture/``.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import socket
import sys
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sandbox.contract import (
    API_PATHS,
    APPLIED_FILTERS,
    INVALID_AUTH,
    PULL_FILTERS,
    PULL_PAGE_SIZE,
    PULL_PATH,
    basic_token,
    strict_problem,
)
from sandbox.faults import Fault, Faults, Strictness, strictness, tenant_zone
from sandbox.store import StateFileBusy, Store

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "sandbox"
FIRST_IDS = {"order_id": 23518266, "customer_id": 191696571, "enquiry_id": 24284202, "contact_id": 210010452}
# Where `python -m sandbox` and the app's own sandbox listen, and keep their orders, unless told
# otherwise (--port / --state-file, or these variables): one address QA can write down.
DEFAULT_PORT = 8765
DEFAULT_STATE_FILE = "data/sandbox.db"
PORT_VARIABLE = "KAPTURE_SANDBOX_PORT"
STATE_VARIABLE = "KAPTURE_SANDBOX_STATE"
IN_MEMORY = "memory"  # KAPTURE_SANDBOX_STATE=memory: keep nothing across restarts
_MAX_BODY = 10 * 1024 * 1024
_HTML_500 = (
    "<html><head><title>500 Internal Server Error</title></head><body>"
    "<center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body></html>"
)


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as it reached the sandbox, headers and body exactly."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: datetime


@dataclass
class StoredOrder:
    """An order the sandbox keeps, in the shape the pull answer returns."""

    order_id: int
    customer_id: int
    enquiry_id: int
    contact_id: int
    customer_name: str
    phone: str
    email: str
    erp_order_id: str
    create_date: str
    created_at: str
    updated_at: str
    payload: dict[str, Any] = field(repr=False)
    sent_by: str = ""  # the sender's User-Agent (curl/8.5.0, python-requests/…): control pages only


class SandboxState:
    """Everything the sandbox remembers; safe to share between request threads."""

    def __init__(self, username: str, password: str, store: Store | None = None) -> None:
        self.username = username
        self.password = password
        self.expected_auth = "Basic " + basic_token(username, password)
        self.faults = Faults()
        self.strictness = Strictness.LENIENT  # a tenant's trait: kept by reset(), like its zone
        self.requests: deque[ReceivedRequest] = deque(maxlen=10_000)
        self.stopping = threading.Event()
        # Kapture's tenants file orders under their local day (IST for most); UTC by default.
        self.zone: timezone = UTC
        self._lock = threading.Lock()
        self._orders: dict[int, StoredOrder] = {}
        self._customers: dict[str, int] = {}
        self._next = dict(FIRST_IDS)
        self.store = store
        if store is not None:
            orders, self._customers, counters = store.load()
            known = {f.name for f in fields(StoredOrder)}
            for record in orders:
                order = StoredOrder(**{k: v for k, v in record.items() if k in known})
                self._orders[order.order_id] = order
            self._next.update({kind: value for kind, value in counters.items() if kind in FIRST_IDS})

    @property
    def next_order_id(self) -> int:
        """The order id the next new order gets."""
        with self._lock:
            return self._next["order_id"]

    def orders(self) -> list[StoredOrder]:
        """The stored orders, oldest first."""
        with self._lock:  # copies: request threads update orders while others read them
            return [replace(order) for order in self._orders.values()]

    def current_faults(self) -> Faults:
        """A copy of the fault knobs as they are now."""
        with self._lock:
            return replace(self.faults)

    def set_faults(self, faults: Faults) -> None:
        """Replace the fault knobs."""
        with self._lock:
            self.faults = faults

    def reset(self) -> None:
        """Forget orders, requests and faults (ids keep growing, like Kapture's)."""
        with self._lock:
            self._orders.clear()
            self._customers.clear()
            self.requests.clear()
            self.faults = Faults()
            if self.store is not None:
                self.store.forget_orders()

    def take_fault(self) -> tuple[Fault, Faults]:
        """The fault for this request and a snapshot of the knobs, counting a limited fault down."""
        with self._lock:
            faults = self.faults
            mode = faults.mode
            if mode is not Fault.NONE and faults.times is not None:
                if faults.times <= 0:
                    mode = Fault.NONE
                else:
                    faults.times -= 1
            return mode, replace(faults)

    def add_order(self, payload: dict[str, Any], sent_by: str = "") -> StoredOrder:
        """Store a new order, matching the customer by phone or email."""
        customer = payload["customer_info"]
        contacts = payload.get("contact_info") or [{}]  # checked by _add_update: a list of objects
        now = datetime.now(self.zone)
        with self._lock:
            keys = [f"{kind}:{value}" for kind, value in (("phone", _phone_key(customer.get("phone"))),
                    ("email", str(customer.get("email_id") or "").strip().lower())) if value]  # fmt: skip
            customer_id = next((self._customers[k] for k in keys if k in self._customers), None)
            if customer_id is None:
                customer_id = self._take("customer_id")
            for key in keys:
                self._customers[key] = customer_id
            order = StoredOrder(
                order_id=self._take("order_id"),
                customer_id=customer_id,
                enquiry_id=self._take("enquiry_id"),
                contact_id=_int_or(contacts[0].get("contact_id")) or self._take("contact_id"),
                customer_name=str(customer.get("customer_name", "")),
                phone=str(customer.get("phone", "")),
                email=str(customer.get("email_id", "")),
                erp_order_id=str(payload.get("order_info", {}).get("erp_order_id", "")),
                create_date=now.date().isoformat(),
                created_at=now.isoformat(timespec="seconds"),
                updated_at=now.isoformat(timespec="seconds"),
                payload=payload,
                sent_by=sent_by,
            )
            if self.store is not None:  # written before it is answered: an id given is an id kept
                self.store.save(asdict(order), dict.fromkeys(keys, customer_id), self._next)
            self._orders[order.order_id] = order
            return order

    def update_order(self, order_id: int, payload: dict[str, Any]) -> StoredOrder | None:
        """Update a stored order; None when Kapture would not know it."""
        with self._lock:
            order = self._orders.get(order_id)
            if order is None:
                return None
            customer = payload.get("customer_info", {})
            order.customer_name = str(customer.get("customer_name", order.customer_name))
            order.phone = str(customer.get("phone", order.phone))
            order.email = str(customer.get("email_id", order.email))
            order.erp_order_id = str(payload.get("order_info", {}).get("erp_order_id", order.erp_order_id))
            order.updated_at = datetime.now(self.zone).isoformat(timespec="seconds")
            order.payload = payload
            if self.store is not None:
                self.store.save(asdict(order))
            return order

    def _take(self, kind: str) -> int:
        value = self._next[kind]
        self._next[kind] = value + 1
        return value


class Sandbox:
    """A running sandbox: its URL, its state, and a way to stop it."""

    def __init__(
        self, server: ThreadingHTTPServer, thread: threading.Thread | None, *, wanted_port: int = 0
    ) -> None:
        self._server = server
        self._thread = thread
        self.url = _url(server)
        self.port: int = server.server_address[1]
        # The port asked for, when it was taken and another was used instead (0: none asked for).
        self.wanted_port = wanted_port if wanted_port != self.port else 0
        self.state: SandboxState = server.state  # type: ignore[attr-defined]

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def set_faults(self, **knobs: Any) -> None:
        """Set fault knobs by name (``mode``, ``latency_ms``, ``slow_seconds``, ``times``…)."""
        self.state.set_faults(Faults.from_dict(knobs))

    def set_time_zone(self, utc_offset: timedelta) -> None:
        """File new orders under the local day of a tenant this far from UTC (−12:00 to +14:00)."""
        self.state.zone = tenant_zone(utc_offset)

    def set_strictness(self, level: str) -> None:
        """Answer like a ``lenient`` tenant (the default) or a ``strict`` one (see CHOICES)."""
        self.state.strictness = strictness(level)

    @property
    def state_file(self) -> Path | None:
        """Where its orders and ids are kept across restarts; None when they are not."""
        return self.state.store.path if self.state.store is not None else None

    @property
    def username(self) -> str:
        """The user name this sandbox accepts (the demo login unless started with another)."""
        return self.state.username

    @property
    def password(self) -> str:
        """The password this sandbox accepts."""
        return self.state.password

    def stop(self) -> None:
        """Stop serving; slow answers in flight are cut short."""
        self.state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.state.store is not None:
            self.state.store.close()


def start_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    username: str = DEMO_USERNAME,
    password: str = DEMO_PASSWORD,
    state_file: str | Path | None = None,
    any_port_if_taken: bool = False,
) -> Sandbox:
    """Start a sandbox in a background thread (port 0: a free one) and return it.

    ``state_file`` keeps its orders and ids across restarts (StateFileBusy when another sandbox
    uses it); ``any_port_if_taken`` uses a free port when ``port`` is taken (``Sandbox.wanted_port``
    then says which one was asked for).
    """
    store = Store(state_file) if state_file else None
    try:
        try:
            server = _make_server(host, port, username, password, store=store)
        except OSError as exc:
            if not (any_port_if_taken and port and exc.errno == errno.EADDRINUSE):
                raise
            server = _make_server(host, 0, username, password, store=store)
    except BaseException:
        if store is not None:
            store.close()
        raise
    # A short poll keeps stop() quick: shutdown() waits for the loop to notice.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="kapture-sandbox", daemon=True
    )
    thread.start()
    return Sandbox(server, thread, wanted_port=port)


def options_from(environ: Mapping[str, str]) -> tuple[int, str | None]:
    """The port and state file a sandbox uses by default: KAPTURE_SANDBOX_PORT / _STATE, or 8765
    and data/sandbox.db (``memory``: no state file). A value that is not a port is a ValueError."""
    port_text = environ.get(PORT_VARIABLE, "").strip() or str(DEFAULT_PORT)
    if not (port_text.isascii() and port_text.isdigit()) or int(port_text) > 65535:
        raise ValueError(f"{PORT_VARIABLE} must be a port number from 0 to 65535 (0: any free port).")
    state = environ.get(STATE_VARIABLE, "").strip() or DEFAULT_STATE_FILE
    return int(port_text), None if state.lower() == IN_MEMORY else state


def _make_server(
    host: str, port: int, username: str, password: str, verbose: bool = False, store: Store | None = None
) -> ThreadingHTTPServer:
    server_class = _IPv6Server if ":" in host else _Server
    state = SandboxState(username, password, store)  # loaded before the port opens: no half state
    server = server_class((host, port), _Handler)
    server.daemon_threads = True
    server.state = state  # type: ignore[attr-defined]
    server.verbose = verbose  # type: ignore[attr-defined]
    return server


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops connections when many browser sessions (or a
    # bulk job) send at the same instant; a real tenant sits behind a load balancer.
    request_queue_size = 128


class _IPv6Server(_Server):
    address_family = socket.AF_INET6


def _url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real gateway offers
    # Headers and body go out in two writes; without this, Nagle's algorithm and the client's
    # delayed ACK stall every kept-alive request by ~40 ms (measured, see the house plan).
    disable_nagle_algorithm = True
    server_version = "KaptureSandbox/1.0"

    @property
    def state(self) -> SandboxState:
        return self.server.state  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    def do_GET(self) -> None:
        if self.path == "/_sandbox/state":
            self._send_json(200, _described(self.state, self.server.server_address[1]))
        elif self.path == "/_sandbox/orders":
            self._send_json(200, [_public(order, sent_by=True) for order in self.state.orders()])
        else:
            self._send_html(404, "<html><body><h1>404 Not Found</h1></body></html>")

    def do_POST(self) -> None:
        try:
            body = self._read_body()
        except ValueError as exc:
            self.close_connection = True  # the stream cannot be trusted past a broken length
            self._send_json(400, _failed(str(exc)))
            return
        if self.path.startswith("/_sandbox/"):
            self._control(body)
            return
        if self.path not in API_PATHS:
            self._send_html(404, "<html><body><h1>404 Not Found</h1></body></html>")
            return
        self.state.requests.append(
            ReceivedRequest("POST", self.path, dict(self.headers.items()), body, datetime.now(UTC))
        )
        fault, faults = self.state.take_fault()
        if faults.latency_ms:
            self.state.stopping.wait(faults.latency_ms / 1000)
        if fault is Fault.DROP_CONNECTION:
            self.close_connection = True
            return
        if fault is Fault.HTTP_500_HTML:
            self._send_html(500, _HTML_500)
        elif fault is Fault.FAILED_200:
            self._send_json(200, _failed("Sandbox fault: the order could not be processed right now."))
        elif fault is Fault.MALFORMED_JSON:
            self._send(200, "application/json", b'{"status": "success", "message": "Order Added succ')
        else:
            if fault is Fault.SLOW:
                # The order is processed at once but answered late: "the order may exist".
                status, answer = self._answer(body, faults)
                self.state.stopping.wait(faults.slow_seconds)
                self._send_json(status, answer)
            else:
                self._send_json(*self._answer(body, faults))

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunks()
        length = (self.headers.get("Content-Length") or "0").strip()
        if not length.isdigit():
            raise ValueError("Content-Length must be a whole number")
        if int(length) > _MAX_BODY:
            raise ValueError("Request body is too large")
        return self.rfile.read(int(length))

    def _read_chunks(self) -> bytes:
        body = bytearray()
        while True:
            size_line = self.rfile.readline(100).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise ValueError("Malformed chunked body") from None
            if size == 0:
                while self.rfile.readline(1000).strip():  # trailers, up to the blank line
                    pass
                return bytes(body)
            body += self.rfile.read(size)
            self.rfile.readline(10)  # the CRLF after each chunk
            if len(body) > _MAX_BODY:
                raise ValueError("Request body is too large")

    def _answer(self, body: bytes, faults: Faults) -> tuple[int, dict[str, Any]]:
        if self.headers.get("Authorization", "") != self.state.expected_auth:
            return faults.auth_failure_status, _failed(INVALID_AUTH)
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media_type != "application/json":
            return 400, _failed("Content-Type must be application/json")
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):  # nested past what the parser can follow: malformed too
            return 400, _failed("Malformed JSON request body")
        if not isinstance(payload, dict):
            return 400, _failed("Request body must be a JSON object")
        if self.path == PULL_PATH:
            return _pull(self.state, payload)
        strict = self.state.strictness is Strictness.STRICT
        return _add_update(self.state, payload, strict=strict, sent_by=self.headers.get("User-Agent", ""))

    def _control(self, body: bytes) -> None:
        if self.path == "/_sandbox/reset":
            self.state.reset()
            self._send_json(200, {"status": "success"})
            return
        if self.path == "/_sandbox/faults":
            try:
                self.state.set_faults(Faults.from_dict(json.loads(body or b"{}")))
            except (ValueError, TypeError) as exc:
                self._send_json(400, _failed(f"Bad fault settings: {exc}"))
                return
            self._send_json(200, {"status": "success", "faults": asdict(self.state.current_faults())})
            return
        if self.path == "/_sandbox/strictness":
            try:
                data = json.loads(body or b"{}")
                if not isinstance(data, dict) or set(data) != {"strictness"}:
                    raise ValueError('the body must be {"strictness": "lenient" | "strict"}')
                self.state.strictness = strictness(data["strictness"])
            except ValueError as exc:
                self._send_json(400, _failed(f"Bad strictness: {exc}"))
                return
            self._send_json(200, {"status": "success", "strictness": self.state.strictness})
            return
        self._send_html(404, "<html><body><h1>404 Not Found</h1></body></html>")

    def _send_json(self, status: int, data: Any) -> None:
        self._send(status, "application/json", json.dumps(data, ensure_ascii=False).encode())

    def _send_html(self, status: int, html: str) -> None:
        self._send(status, "text/html; charset=utf-8", html.encode())

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (its timeout): nothing to tell


def _add_update(
    state: SandboxState, payload: dict[str, Any], *, strict: bool, sent_by: str = ""
) -> tuple[int, dict[str, Any]]:
    customer = payload.get("customer_info")
    if not isinstance(customer, dict):
        return 400, _failed("customer_info is mandatory")
    if not str(customer.get("customer_name") or "").strip():
        return 400, _failed("customer_name is mandatory")
    contacts = payload.get("contact_info", [])
    if not isinstance(contacts, list):
        return 400, _failed("contact_info must be a list")
    if not all(isinstance(contact, dict) for contact in contacts):
        return 400, _failed("each contact in contact_info must be an object")
    for section in ("enquiry_info", "order_info"):
        if not isinstance(payload.get(section, {}), dict):
            return 400, _failed(f"{section} must be an object")
    if strict and (problem := strict_problem(payload)):
        return 400, _failed(problem)
    order_info = payload.get("order_info", {})
    if order_info.get("update") is True:
        order_id = _int_or(order_info.get("order_id"))
        if order_id is None:
            return 400, _failed("order_id is mandatory to update an order")
        order = state.update_order(order_id, payload)
        if order is None:
            return 200, _failed(f"No order found with order_id {order_info.get('order_id')}")
        return 200, _success("Order Updated successfully !", order, "UPDATE_ORDER")
    return 200, _success("Order Added successfully !", state.add_order(payload, sent_by), "ADD_ORDER")


def _pull(state: SandboxState, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    cm_id = body.get("cmId")
    if isinstance(cm_id, bool) or not isinstance(cm_id, int) or cm_id <= 0:
        return 400, _failed("cmId is mandatory and must be greater than 0")
    given = {key: str(body[key]).strip() for key in PULL_FILTERS - {"limit", "offset"} if key in body}
    filters = {key: value for key, value in given.items() if value}
    if not filters:
        return 400, _failed("At least one filter is mandatory")
    try:
        days = {
            key: date.fromisoformat(filters[key])
            for key in ("createStartDate", "createEndDate")
            if key in filters
        }
    except ValueError:
        return 400, _failed("Dates must be written YYYY-MM-DD")
    if len(days) == 2 and days["createEndDate"] - days["createStartDate"] > timedelta(days=1):
        return 400, _failed("The date range cannot be more than 24 hours")
    limit, offset = _count(body.get("limit"), PULL_PAGE_SIZE), _count(body.get("offset"), 0)
    if limit is None or offset is None:
        return 400, _failed("limit and offset must be whole numbers, 0 or more")
    filters = {key: value for key, value in filters.items() if key in APPLIED_FILTERS}
    found = [order for order in state.orders() if _matches(order, filters)]
    return 200, {
        "status": "success",
        "message": "Orders fetched successfully",
        "orderList": [_public(order) for order in found[offset : offset + limit]],
    }


def _matches(order: StoredOrder, filters: dict[str, str]) -> bool:
    checks = {
        "name": lambda v: v.lower() in order.customer_name.lower(),
        "phone": lambda v: bool(_phone_key(v)) and _phone_key(v) == _phone_key(order.phone),
        "email": lambda v: v.lower() == order.email.lower(),
        "orderIds": lambda v: str(order.order_id) in _split(v),
        "customerIds": lambda v: str(order.customer_id) in _split(v),
        "enquiryIds": lambda v: str(order.enquiry_id) in _split(v),
        "erpOrderId": lambda v: v == order.erp_order_id,
        "createStartDate": lambda v: order.create_date >= v,
        "createEndDate": lambda v: order.create_date <= v,
    }
    return all(checks[key](value) for key, value in filters.items())


def _success(message: str, order: StoredOrder, event: str) -> dict[str, Any]:
    return {
        "status": "success",
        "message": message,
        "Order": {
            "result": True,
            "order_id": order.order_id,
            "customer_id": order.customer_id,
            "enquiry_id": order.enquiry_id,
            "action": "ORDER",
            "action_event": event,
            "contact_id": order.contact_id,
        },
    }


def _failed(message: str) -> dict[str, Any]:
    return {"message": message, "status": "failed"}


def _public(order: StoredOrder, *, sent_by: bool = False) -> dict[str, Any]:
    data = asdict(order)
    del data["payload"]
    if not sent_by:  # the pull answer keeps Kapture's shape; who sent it is for the control page
        del data["sent_by"]
    return data


def _described(state: SandboxState, port: int) -> dict[str, Any]:
    offset = state.zone.utcoffset(None) or timedelta()
    return {
        "orders": len(state.orders()),
        "requests": len(state.requests),
        "faults": asdict(state.current_faults()),
        "strictness": state.strictness,
        "port": port,
        "state_file": str(state.store.path) if state.store is not None else None,
        "next_order_id": state.next_order_id,
        "utc_offset_minutes": int(offset.total_seconds() // 60),
    }


def _phone_key(value: object) -> str:
    # The last ten digits: "+91 98450-12345" and "9845012345" are the same phone.
    return "".join(ch for ch in str(value or "") if ch.isdigit())[-10:]


def _split(value: str) -> set[str]:
    return {part.strip() for part in value.split(",") if part.strip()}


def _count(value: object, default: int) -> int | None:
    """A non-negative whole number from a number or its text; None when it is neither."""
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    number = _int_or(value)
    return number if number is not None and number >= 0 else None


def _int_or(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> None:
    """Run the sandbox in the foreground until Ctrl+C."""
    try:
        port, state_file = options_from(os.environ if environ is None else environ)
    except ValueError as exc:
        sys.exit(f"sandbox: {exc}")
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description="A Kapture-compatible order API on loopback."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port, help=f"default {port} ({PORT_VARIABLE})")
    parser.add_argument(
        "--state-file",
        default=state_file,
        help=f"keeps orders and ids across restarts; default {state_file or 'none'} ({STATE_VARIABLE})",
    )
    parser.add_argument("--no-state", action="store_true", help="keep nothing across restarts")
    parser.add_argument("--username", default=DEMO_USERNAME)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--fault", choices=[f.value for f in Fault], default=Fault.NONE.value)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--utc-offset-minutes", type=int, default=0, help="the tenant's time zone (IST: 330)")
    parser.add_argument("--strict", action="store_true", help="refuse what strict tenants refuse (CHOICES)")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    store_path = None if args.no_state or not args.state_file else args.state_file
    try:
        store = Store(store_path) if store_path else None
    except StateFileBusy as exc:
        sys.exit(f"sandbox: {exc}")
    try:
        server = _make_server(args.host, args.port, args.username, args.password, not args.quiet, store)
    except OSError as exc:
        if store is not None:
            store.close()
        if exc.errno == errno.EADDRINUSE:
            sys.exit(f"sandbox: port {args.port} is in use (another sandbox?): choose another with --port.")
        raise
    server.state.set_faults(Faults(mode=Fault(args.fault), latency_ms=args.latency_ms))  # type: ignore[attr-defined]
    server.state.zone = tenant_zone(timedelta(minutes=args.utc_offset_minutes))  # type: ignore[attr-defined]
    if args.strict:
        server.state.strictness = Strictness.STRICT  # type: ignore[attr-defined]
    mode = " strict" if args.strict else ""
    kept = f"orders kept in {store_path}" if store_path else "orders kept in memory only"
    print(
        f"Kapture{mode} sandbox on {_url(server)} (user {args.username!r}; {kept}); Ctrl+C stops it.",
        flush=True,
    )
    # `kill` (SIGTERM) ends it as Ctrl+C does: the state file is closed, not cut off.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if store is not None:
            store.close()
