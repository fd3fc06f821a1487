"""Talk to a running sandbox's control endpoints (``/_sandbox/...``) over HTTP.

The app's Sandbox page uses this, never the sandbox's memory, so it controls the app's own
sandbox and one started apart (``python -m sandbox``, maybe by a colleague's script) alike.
Standard library only, like the rest of the package; every call has a short timeout.
"""

from __future__ import annotations

import ipaddress
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 3.0
# The sandbox is on this computer: an http_proxy set for the outside world must not be asked.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ControlError(RuntimeError):
    """The sandbox could not be reached, or refused a setting; the message says which, in words."""


@dataclass(frozen=True)
class SandboxStatus:
    """What a sandbox says about itself (``GET /_sandbox/state``)."""

    orders: int
    requests: int
    faults: dict[str, Any]
    strictness: str
    port: int | None
    state_file: str | None
    next_order_id: int | None
    utc_offset_minutes: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SandboxStatus:
        """From the state answer; keys an older sandbox does not send are None."""
        return cls(
            orders=int(data["orders"]),
            requests=int(data["requests"]),
            faults=dict(data["faults"]),
            strictness=str(data["strictness"]),
            port=data.get("port"),
            state_file=data.get("state_file"),
            next_order_id=data.get("next_order_id"),
            utc_offset_minutes=int(data.get("utc_offset_minutes") or 0),
        )


def is_loopback(url: str) -> bool:
    """True for an http(s) address on this computer (127.0.0.1, ::1, localhost)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SandboxControl:
    """The control endpoints of the sandbox at ``base_url``."""

    def __init__(self, base_url: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def status(self) -> SandboxStatus:
        """Its counts, faults, strictness, port and state file."""
        data = self._call("GET", "/_sandbox/state")
        try:
            return SandboxStatus.from_dict(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ControlError(f"{self.base_url} answered, but not as a Kapture sandbox does.") from exc

    def is_sandbox(self) -> bool:
        """Whether a Kapture sandbox answers at this address."""
        try:
            self.status()
        except ControlError:
            return False
        return True

    def orders(self) -> list[dict[str, Any]]:
        """The orders it keeps, oldest first, whoever sent them (the app, curl, a script)."""
        data = self._call("GET", "/_sandbox/orders")
        if not isinstance(data, list):
            raise ControlError(f"{self.base_url} answered, but not as a Kapture sandbox does.")
        return data

    def set_faults(self, **knobs: Any) -> dict[str, Any]:
        """Replace the fault knobs (``mode``, ``latency_ms``, ``slow_seconds``, ``times``…)."""
        return self._call("POST", "/_sandbox/faults", knobs)["faults"]

    def set_strictness(self, level: str) -> None:
        """Answer as a ``lenient`` or a ``strict`` tenant."""
        self._call("POST", "/_sandbox/strictness", {"strictness": level})

    def reset(self) -> None:
        """Forget its orders, requests and faults (ids keep growing)."""
        self._call("POST", "/_sandbox/reset", {})

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with _DIRECT.open(request, timeout=self.timeout) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            raise ControlError(_refusal(self.base_url, exc)) from None
        except (OSError, ValueError) as exc:  # refused, timed out, or not JSON
            raise ControlError(f"No Kapture sandbox answers at {self.base_url} ({_reason(exc)}).") from None


def _refusal(base_url: str, error: urllib.error.HTTPError) -> str:
    try:
        message = json.loads(error.read()).get("message", "")
    except (ValueError, AttributeError, OSError):
        message = ""
    if error.code == 404:
        return f"{base_url} is not a Kapture sandbox (it has no /_sandbox/ control endpoints)."
    return f"The sandbox refused: {message}" if message else f"The sandbox answered HTTP {error.code}."


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "no answer in time"
    if isinstance(reason, ConnectionRefusedError):
        return "nothing listens there"
    if isinstance(reason, ValueError):
        return "its answer is not JSON"
    return str(reason)
