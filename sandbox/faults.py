"""The knobs that make the sandbox misbehave on purpose, and how strict its tenant is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta, timezone
from enum import StrEnum
from typing import Any


class Fault(StrEnum):
    """How the sandbox misbehaves, on purpose."""

    NONE = "none"
    HTTP_500_HTML = "http_500_html"
    FAILED_200 = "failed_200"
    MALFORMED_JSON = "malformed_json"
    DROP_CONNECTION = "drop_connection"
    SLOW = "slow"


class Strictness(StrEnum):
    """How much a tenant forgives: ``lenient`` (the default) or ``strict`` like some real tenants."""

    LENIENT = "lenient"
    STRICT = "strict"


@dataclass
class Faults:
    """The knobs: a fault mode, added latency, and how bad credentials are answered."""

    mode: Fault = Fault.NONE
    latency_ms: int = 0
    slow_seconds: float = 35.0  # longer than the client's default 30 s read timeout
    times: int | None = None  # the fault hits only the next N requests; None: all of them
    auth_failure_status: int = 401  # the vendor does not say: 401 or 200 with "failed"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Faults:
        """Faults from a JSON-like dict; unknown keys and values out of range are a ValueError."""
        if not isinstance(data, dict):
            raise ValueError("fault settings must be a JSON object")
        try:
            faults = cls(**data)
        except TypeError as exc:
            raise ValueError(str(exc)) from exc
        faults.mode = Fault(faults.mode)
        _check_number("latency_ms", faults.latency_ms, whole=True)
        _check_number("slow_seconds", faults.slow_seconds, whole=False)
        if faults.times is not None:
            _check_number("times", faults.times, whole=True)
        _check_number("auth_failure_status", faults.auth_failure_status, whole=True)
        if not 100 <= faults.auth_failure_status <= 599:
            raise ValueError("auth_failure_status must be an HTTP status (100-599)")
        return faults


def strictness(value: object) -> Strictness:
    """A strictness from its name; anything else is a ValueError."""
    if not isinstance(value, str):
        raise ValueError("strictness must be 'lenient' or 'strict'")
    try:
        return Strictness(value)
    except ValueError:
        raise ValueError("strictness must be 'lenient' or 'strict'") from None


def tenant_zone(utc_offset: timedelta) -> timezone:
    """The fixed-offset zone of a tenant; the world's zones run from UTC−12:00 to UTC+14:00."""
    if not timedelta(hours=-12) <= utc_offset <= timedelta(hours=14):
        raise ValueError("a tenant's UTC offset is between -12:00 and +14:00")
    return timezone(utc_offset) if utc_offset else UTC


def _check_number(name: str, value: object, *, whole: bool) -> None:
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
        raise ValueError(f"{name} must be a {'whole ' if whole else ''}number, 0 or more")
