"""The journaled submit: validate, write the row, send, record what came back.

Every page sends through here, so an order is journaled the same way whichever page sent it.
The row is written *before* sending (outcome ``pending``): a crash or a timeout in between
leaves a row that says so, never silence.
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError

from kapture import KaptureClient, KaptureResult, OrderPayload, Outcome, PayloadInvalid, Problem, encode
from kapture.client import utf8
from kapture.validation import validate_order
from services.journal import Journal
from services.settings import Profile
from storage import submissions
from storage.models import INVALID, PENDING, UNKNOWN, Submission

DEFAULT_DUPLICATE_WINDOW = timedelta(minutes=10)
_ANSWER_GRACE_SECONDS = 2.0  # beyond the client's own timeouts, for the journal write
# Earlier submissions that may have created the order: an identical one asks before sending.
# A definite refusal (rejected, auth, network error, invalid) never holds a retry back.
MAY_HAVE_CREATED = ("success", PENDING, UNKNOWN, "timeout_unknown", "invalid_response", "http_error")
SOURCES = ("form", "editor", "suite", "replay", "bulk")


class Status(StrEnum):
    """What the submit did."""

    SENT = "sent"  # sent to Kapture; the submission row says what came back
    INVALID = "invalid"  # refused before sending; see the problems
    DUPLICATE = "duplicate"  # the same payload succeeded recently; not sent without confirmation
    REPEAT = "repeat"  # this token was used already; the first submission is returned


@dataclass(frozen=True)
class Submitted:
    """The answer of one submit: the journal row, and the client's result when it was sent now."""

    status: Status
    submission: Submission | None = None
    result: KaptureResult | None = None
    problems: list[Problem] = field(default_factory=list)
    earlier: Submission | None = None


@dataclass(frozen=True)
class Context:
    """Who sends, from where, as part of what."""

    source: str = "form"
    operator: str = ""
    template: str = ""
    variant: str = ""
    run_id: str = ""


class Submitter:
    """Sends payloads to one Kapture profile, journaling each one."""

    def __init__(
        self,
        journal: Journal,
        client: KaptureClient,
        profile: Profile,
        *,
        duplicate_window: timedelta = DEFAULT_DUPLICATE_WINDOW,
    ) -> None:
        self._journal = journal
        self._client = client
        self._profile = profile
        self._duplicate_window = duplicate_window

    def submit(
        self,
        payload: OrderPayload | Mapping[str, Any],
        *,
        operation: str = "add",
        context: Context = Context(),
        token: str | None = None,
        confirm_duplicate: bool = False,
    ) -> Submitted:
        """Validate and send an order (``add``) or an update of one (``update``)."""
        if operation not in ("add", "update"):
            raise ValueError(f"submit() adds or updates, not {operation!r}")
        data = payload.to_payload() if isinstance(payload, OrderPayload) else copy.deepcopy(dict(payload))
        if operation == "update" and isinstance(data.get("order_info"), dict):
            data["order_info"]["update"] = True
        try:
            validate_order(data)
            body = encode(data)
        except PayloadInvalid as exc:
            return self._refuse(json.dumps(data, ensure_ascii=False), data, exc.problems, operation, context)
        return self._send(body, data, operation, context, token, confirm_duplicate)

    def submit_text(
        self,
        text: str,
        *,
        context: Context = Context(source="editor"),
        token: str | None = None,
        confirm_duplicate: bool = False,
    ) -> Submitted:
        """Send text byte for byte, valid JSON or not (QA's raw send)."""
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        try:
            utf8(text)
        except PayloadInvalid as exc:
            return self._refuse(text, data, exc.problems, "raw", context)
        return self._send(text, data, "raw", context, token, confirm_duplicate)

    def _send(
        self,
        body: str,
        data: Any,
        operation: str,
        context: Context,
        token: str | None,
        confirm_duplicate: bool,
    ) -> Submitted:
        if token:
            first = self._first_with_token(token)
            if first is not None:
                return Submitted(Status.REPEAT, submission=first)
        digest = payload_hash(body, data)
        if not confirm_duplicate:
            earlier = self._recent_possible_order(digest)
            if earlier is not None:
                return Submitted(Status.DUPLICATE, earlier=earlier)
        try:
            with self._journal.sessions.begin() as session:
                submission_id = submissions.begin(
                    session, **self._row(body, data, operation, context, digest), client_token=token or None
                )
        except IntegrityError:  # the same token, a moment ago, from another thread
            return Submitted(Status.REPEAT, submission=self._first_with_token(token or ""))
        try:
            result = self._client.send_raw(body, operation=operation)
            done = _finish_from(result)
        except Exception as exc:  # journaled as unknown, then shown in plain words
            result = None
            done = submissions.Finish(
                outcome=UNKNOWN,
                finished_at=datetime.now(UTC),
                error=f"Order Desk failed while sending ({type(exc).__name__}: {exc}). "
                "The order may have been created: check before sending it again.",
            )
        with self._journal.sessions.begin() as session:
            submissions.finish(session, submission_id, done)
            row = submissions.get(session, submission_id)
        return Submitted(Status.SENT, submission=row, result=result)

    def _first_with_token(self, token: str) -> Submission | None:
        """The submission made with the token, waiting while its answer is still on the way.

        A second click can arrive while the first is still sending (Streamlit starts the new
        run at once): its answer is the first one's, so it waits for it rather than report
        "no answer" about an order that is about to be confirmed.
        """
        deadline = time.monotonic() + sum(self._profile.timeout) + _ANSWER_GRACE_SECONDS
        while True:
            with self._journal.sessions() as session:
                first = submissions.by_token(session, token)
            if first is None or first.outcome != PENDING or time.monotonic() > deadline:
                return first
            time.sleep(0.1)

    def _refuse(
        self, body: str, data: Any, problems: list[Problem], operation: str, context: Context
    ) -> Submitted:
        now = datetime.now(UTC)
        with self._journal.sessions.begin() as session:
            submission_id = submissions.begin(
                session,
                **self._row(body, data, operation, context, payload_hash(body, data)),
                outcome=INVALID,
                finished_at=now,
                message=" ".join(p.message for p in problems),
                duration_ms=0.0,
            )
            row = submissions.get(session, submission_id)
        return Submitted(Status.INVALID, submission=row, problems=problems)

    def _recent_possible_order(self, digest: str) -> Submission | None:
        with self._journal.sessions() as session:
            return submissions.latest_same(
                session,
                base_url=self._profile.base_url,
                payload_hash=digest,
                since=datetime.now(UTC) - self._duplicate_window,
                outcomes=MAY_HAVE_CREATED,
            )

    def _row(self, body: str, data: Any, operation: str, context: Context, digest: str) -> dict[str, Any]:
        customer = data.get("customer_info") if isinstance(data, dict) else None
        customer = customer if isinstance(customer, dict) else {}
        order = data.get("order_info") if isinstance(data, dict) else None
        order = order if isinstance(order, dict) else {}
        return {
            "created_at": datetime.now(UTC),
            "profile_name": self._profile.name,
            "base_url": self._profile.base_url,
            "operation": operation,
            "source": context.source,
            "operator": context.operator,
            "template": context.template,
            "variant": context.variant,
            "run_id": context.run_id,
            "request_body": _storable(body),
            "payload_hash": digest,
            "customer_name": _text(customer.get("customer_name"))[:300],
            "phone": _text(customer.get("phone"))[:40],
            "email": _text(customer.get("email_id"))[:300],
            "order_id": _text(order.get("order_id"))[:40],
        }


def payload_hash(body: str, data: Any) -> str:
    """The same request hashes the same however it was spaced or its keys ordered.

    Whichever page sent it (form, editor, replay), one body to the add-update endpoint is one
    request: an update differs from an add by its own ``order_info`` fields.
    """
    canonical = (
        body if data is None else json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def result_of(submission: Submission) -> KaptureResult | None:
    """The client's result as the journal recorded it; None for journal-only outcomes."""
    try:
        outcome = Outcome(submission.outcome)
    except ValueError:
        return None
    ids = {
        key: value
        for key in ("order_id", "customer_id", "enquiry_id", "contact_id")
        if (value := getattr(submission, key))
    }
    return KaptureResult(
        outcome=outcome,
        operation=submission.operation,
        request_body=submission.request_body,
        http_status=submission.http_status,
        message=submission.message,
        ids=ids,
        action_event=submission.action_event,
        response_text=submission.response_body,
        elapsed_ms=submission.duration_ms or 0.0,
        error=submission.error,
    )


def _finish_from(result: KaptureResult) -> submissions.Finish:
    return submissions.Finish(
        outcome=result.outcome.value,
        finished_at=datetime.now(UTC),
        http_status=result.http_status,
        message=result.message,
        response_body=result.response_text,
        error=result.error,
        ids=result.ids,
        action_event=result.action_event,
        duration_ms=result.elapsed_ms,
    )


def _text(value: Any) -> str:
    return _storable(value.strip()) if isinstance(value, str) else ""


def _storable(text: str) -> str:
    # Half of an emoji ("\ud83d" in QA's JSON) cannot be stored; it is kept as that escape.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
