"""What every recorded outcome means, in one place: pages, services, verdicts and exports read it here.

The journal records ten outcomes: the seven a call to Kapture can end in (``Outcome``) and three
only the journal writes (``invalid``, ``pending``, ``unknown``; ``storage.models`` spells the same
names, and neither package imports the other). An HTTP error's meaning depends on its status: a
server error or a gateway that gave up waiting (500, 502, 504) may come after the order was made,
any other error says it was not. Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    """How a call ended; ``timeout_unknown`` means the request may have taken effect."""

    SUCCESS = "success"
    REJECTED = "rejected"
    AUTH_FAILED = "auth_failed"
    HTTP_ERROR = "http_error"
    INVALID_RESPONSE = "invalid_response"
    NETWORK_ERROR = "network_error"
    TIMEOUT_UNKNOWN = "timeout_unknown"


# Written by the journal only, never returned by the client.
INVALID = "invalid"  # refused by the app's own validation; nothing was sent
PENDING = "pending"  # written before sending; the answer is not in yet
UNKNOWN = "unknown"  # the app stopped or failed while waiting: the order may exist

# The plain groups reviewers filter and count by, in the order they are shown: the ten outcomes
# come to one of these four (``Meaning.group``), an HTTP error by its status.
WENT_THROUGH = "Went through"  # Kapture took it
REFUSED = "Refused"  # Kapture answered no: nothing was made
NOT_SENT = "Not sent"  # it never left Order Desk (the form refused it, or Kapture was unreachable)
CHECK = "Unknown — check"  # Kapture may have made the order: look before sending again
GROUPS = (WENT_THROUGH, REFUSED, NOT_SENT, CHECK)

# A server error, or a gateway that gave up waiting, may come after the order was made.
SERVER_ERRORS_AFTER_RECEIPT = (500, 502, 504)
_CHECK = "Check in Kapture before sending it again."
TELL_ADMIN = "tell whoever manages the Kapture connection"


@dataclass(frozen=True)
class Meaning:
    """What one recorded outcome means for the order and for the person who sent it."""

    outcome: str
    label: str  # short, for people: a badge, a filter, a table cell
    was_sent: bool  # the request left (or may have left) Order Desk
    may_have_created: bool  # Kapture may have made or changed the order
    definite_refusal: bool  # a definite "no": nothing was made, and sending the same again fails again
    sentence: str  # what happened, in plain words
    next_step: str  # what to do now

    @property
    def succeeded(self) -> bool:
        return self.outcome == Outcome.SUCCESS

    @property
    def unclear(self) -> bool:
        """Nobody knows yet whether Kapture made the order: look before sending again."""
        return self.may_have_created and not self.succeeded

    @property
    def group(self) -> str:
        """The plain group a reviewer filters and counts by (one of ``GROUPS``)."""
        if self.succeeded:
            return WENT_THROUGH
        if self.unclear:
            return CHECK
        return NOT_SENT if not self.was_sent else REFUSED


def _m(
    outcome: str, label: str, sent: bool, created: bool, refusal: bool, sentence: str, step: str
) -> Meaning:
    return Meaning(str(outcome), label, sent, created, refusal, sentence, step)


# fmt: off
RECORDED: dict[str, Meaning] = {m.outcome: m for m in (
    _m(Outcome.SUCCESS, "success", True, True, False,
       "Kapture accepted the request.", "Nothing more to do."),
    _m(Outcome.REJECTED, "rejected", True, False, True,
       "Kapture refused the request.", "Correct what it mentions and send it again."),
    _m(Outcome.AUTH_FAILED, "auth failed", True, False, True,
       "Kapture did not accept the login details.",
       "Ask whoever manages the Kapture connection to check the user name and password."),
    _m(Outcome.HTTP_ERROR, "HTTP error", True, False, False,
       "Kapture answered with an error instead of a result: the order was not created.",
       f"Try again later; if it keeps happening, {TELL_ADMIN}."),
    _m(Outcome.INVALID_RESPONSE, "unreadable answer", True, True, False,
       "Kapture's answer could not be read: the request may have taken effect.", _CHECK),
    _m(Outcome.NETWORK_ERROR, "network error", False, False, False,
       "Could not reach Kapture. Nothing was sent.", "Check the connection and try again."),
    _m(Outcome.TIMEOUT_UNKNOWN, "no answer", True, True, False,
       "Kapture's answer did not arrive: the request may have taken effect.", _CHECK),
    _m(INVALID, "invalid", False, False, True,
       "Order Desk's own checks refused the payload. Nothing was sent.",
       "Fix what is marked and send it again."),
    _m(PENDING, "pending", True, True, False,
       "Sent; Kapture's answer is not in yet.",
       "Do not send it again: its answer will be in the submission log."),
    _m(UNKNOWN, "unknown", True, True, False,
       "Order Desk stopped while waiting for Kapture's answer: the order may exist.", _CHECK),
)}
_SERVER_ERROR = _m(
    Outcome.HTTP_ERROR, "HTTP error", True, True, False,
    "Kapture answered with a server error: the request may have taken effect.", _CHECK,
)
# fmt: on


def meaning(outcome: str, http_status: int | None = None) -> Meaning:
    """What a recorded outcome means; an HTTP error's meaning depends on its status.

    An outcome the journal never writes (a row from a newer or older app) reads as unclear: it
    may have created the order, and proves nothing.
    """
    if outcome == Outcome.HTTP_ERROR and http_status in SERVER_ERRORS_AFTER_RECEIPT:
        return _SERVER_ERROR
    found = RECORDED.get(outcome)
    if found is None:
        return Meaning(
            str(outcome),
            str(outcome),
            True,
            True,
            False,
            "Order Desk does not know how the send ended.",
            _CHECK,
        )
    return found


def outcomes_where(test: Callable[[Meaning], bool]) -> tuple[str, ...]:
    """The recorded outcomes whose meaning passes ``test`` for some HTTP status, in table order."""
    return tuple(
        name
        for name, known in RECORDED.items()
        if test(known) or (name == Outcome.HTTP_ERROR and test(_SERVER_ERROR))
    )


# Status-free sets, for lists and SQL filters. ``http_error`` is in MAY_HAVE_CREATED for its server
# errors only: whoever filters by outcome alone must also look at the status (``meaning``).
ALL = tuple(RECORDED)
MAY_HAVE_CREATED = outcomes_where(lambda m: m.may_have_created)
ALWAYS_MAY_HAVE_CREATED = tuple(name for name in ALL if RECORDED[name].may_have_created)
SUCCEEDED = tuple(name for name in ALL if RECORDED[name].succeeded)
DEFINITE_REFUSALS = tuple(name for name in ALL if RECORDED[name].definite_refusal)
UNCLEAR = tuple(name for name in ALL if RECORDED[name].unclear)
