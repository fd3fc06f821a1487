"""Errors of the Kapture package, one root for all.

    KaptureError
     ├── PayloadInvalid          the payload broke a rule; nothing was sent
     │    └── PayloadTooDeep     nested too deeply to copy or write (thousands of [ or {)
     ├── TransportError          no usable answer came back over the wire
     │    ├── NetworkError       failed before the request left (refused, DNS, TLS)
     │    └── OutcomeUnknown     sent, then a timeout or a dropped connection:
     │                           the order may have been created
     └── ResponseError           Kapture (or a gateway) answered, but not with success
          ├── AuthFailed         the credentials were refused
          ├── Rejected           Kapture answered "status": "failed"
          ├── HTTPStatusError    a non-2xx answer that is not Kapture's own "failed"
          └── InvalidResponse    a 2xx answer that is not Kapture's JSON

The client never raises these for an answer it got: every call returns a
``KaptureResult`` that can be journaled whatever happened. ``result.raise_for_outcome()``
turns a failed result into the matching exception, for code that prefers exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kapture.result import KaptureResult


class KaptureError(Exception):
    """Root of every error raised by the kapture package."""


@dataclass(frozen=True)
class Problem:
    """One broken rule: the field's dotted path and a plain-words message."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


class PayloadInvalid(KaptureError, ValueError):
    """The payload broke one or more rules; it was not sent."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems) or "The payload is invalid.")


class PayloadTooDeep(PayloadInvalid):
    """The payload is nested too deeply to copy or write as JSON; it was not sent."""

    def __init__(self) -> None:
        # Python gives up past about a thousand levels (RecursionError); no real order comes close.
        super().__init__(
            [Problem("", "The payload is nested too deeply to send (thousands of [ or { inside each other).")]
        )


class _ResultError(KaptureError):
    """An error that carries the result it was raised for."""

    def __init__(self, result: KaptureResult) -> None:
        self.result = result
        super().__init__(result.explanation)


class TransportError(_ResultError):
    """No usable answer came back over the wire."""


class NetworkError(TransportError):
    """The request never left: connection refused, name not found, TLS failure."""


class OutcomeUnknown(TransportError):
    """The request was sent but no answer arrived: it may have taken effect."""


class ResponseError(_ResultError):
    """An answer arrived, and it is not a success."""


class AuthFailed(ResponseError):
    """Kapture refused the credentials."""


class Rejected(ResponseError):
    """Kapture answered with ``"status": "failed"``."""


class HTTPStatusError(ResponseError):
    """A non-2xx answer that is not Kapture's own failure body."""


class InvalidResponse(ResponseError):
    """A 2xx answer whose body is not Kapture's JSON."""
