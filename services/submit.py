"""The journaled submit: validate, write the row, send, record what came back.

Every page sends through here, so an order is journaled the same way whichever page sent it.
The row is written *before* sending (outcome ``pending``): a crash or a timeout in between
leaves a row that says so, never silence. The duplicate guard's check and that write are one
step on every database (``storage.guard``), so two identical sends at once make one order.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from kapture import KaptureClient, KaptureResult, OrderPayload, PayloadInvalid, Problem, encode, outcomes
from kapture.client import extra_headers, utf8
from kapture.exceptions import PayloadTooDeep
from kapture.validation import validate_order
from services.journal import Journal, reason, unwritable
from services.settings import Profile
from storage import guard, submissions
from storage.entries import Entry, entry_from
from storage.models import INVALID, PENDING, UNKNOWN, Submission

DEFAULT_DUPLICATE_WINDOW = timedelta(minutes=10)
_TOO_DEEP = "(a payload nested too deeply to store)"
_ANSWER_GRACE_SECONDS = 2.0  # beyond the client's own timeouts, for the journal write
# Earlier submissions that may have created the order (``kapture.outcomes``): an identical one asks
# before sending. An answer that says nothing was made (a refusal, a network error, an HTTP error
# other than a server error) never holds a retry back. An HTTP error counts only with the statuses
# that may come after the order was made.
MAY_HAVE_CREATED = outcomes.ALWAYS_MAY_HAVE_CREATED
MAY_HAVE_CREATED_WITH_STATUS = {
    name: outcomes.SERVER_ERRORS_AFTER_RECEIPT
    for name in outcomes.MAY_HAVE_CREATED
    if name not in outcomes.ALWAYS_MAY_HAVE_CREATED
}
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
    submission: Entry | None = None
    result: KaptureResult | None = None
    problems: list[Problem] = field(default_factory=list)
    earlier: Entry | None = None


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
        try:
            data = payload.to_payload() if isinstance(payload, OrderPayload) else copy.deepcopy(dict(payload))
        except RecursionError:  # nested past what Python can copy: nothing of it can be stored either
            return self._refuse(_TOO_DEEP, None, PayloadTooDeep().problems, operation, context)
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
        headers: Mapping[str, str] | None = None,
    ) -> Submitted:
        """Send text byte for byte, valid JSON or not, with any extra headers (QA's raw send).

        The headers go to Kapture but not into the journal: QA may put a key of their own in one.
        """
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested too deep to read: sent as text
            data = None
        try:
            utf8(text)
        except PayloadInvalid as exc:
            return self._refuse(text, data, exc.problems, "raw", context)
        try:
            headers = extra_headers(headers or {})
        except ValueError as exc:  # checked before the row is written: a refusal, not an unknown
            return self._refuse(text, data, [Problem("headers", str(exc))], "raw", context)
        return self._send(text, data, "raw", context, token, confirm_duplicate, headers)

    def _send(
        self,
        body: str,
        data: Any,
        operation: str,
        context: Context,
        token: str | None,
        confirm_duplicate: bool,
        headers: Mapping[str, str] | None = None,
    ) -> Submitted:
        token = _stored_token(token)
        row = self._row(body, data, operation, context, payload_hash(body, data))
        try:
            begun = self._begin(row, token, guarded=not confirm_duplicate)
        except SQLAlchemyError as exc:  # nothing was sent: a send without its row could be lost
            raise unwritable(exc) from exc
        if isinstance(begun, Submitted):
            return begun
        try:
            result = self._client.send_raw(body, operation=operation, headers=headers)
            done = _finish_from(result)
        except Exception as exc:  # journaled as unknown, then shown in plain words
            result = None
            done = submissions.Finish(
                outcome=UNKNOWN,
                finished_at=datetime.now(UTC),
                error=f"Order Desk failed while sending ({type(exc).__name__}: {exc}). "
                "The order may have been created: check before sending it again.",
            )
        return Submitted(Status.SENT, submission=self._finish(begun, row, done), result=result)

    def answer_of(self, token: str) -> Submitted | None:
        """The answer of the send made with ``token`` (None: nothing was sent with it).

        A page can lose an answer it was handed (Streamlit stops a run to start the next as soon as
        the person touches anything); it reads it back here, waiting if it is still on its way.
        """
        first = self._first_with_token(_stored_token(token) or "")
        return Submitted(Status.SENT, submission=first) if first is not None else None

    def _begin(self, row: dict[str, Any], token: str | None, *, guarded: bool) -> int | Submitted:
        """Write the pending row, or say why not: a repeated token, or a duplicate (when guarded).

        The duplicate check and the write are one step (see storage.guard): of two identical
        sends at the same moment, one writes its row and the other finds it.
        """
        if token and (first := self._first_with_token(token)) is not None:
            return Submitted(Status.REPEAT, submission=first)
        repeated, earlier = False, None
        try:
            with self._journal.sessions.begin() as session:
                if not guarded:  # confirmed by the person: sent past the check on purpose
                    return submissions.begin(
                        session, **row, client_token=token, phone_region=self._journal.phone_region
                    )
                guard.hold(session, base_url=row["base_url"], payload_hash=row["payload_hash"])
                # A second click of one act is a repeat, not a duplicate of its own first send.
                repeated = token is not None and submissions.by_token(session, token) is not None
                earlier = None if repeated else self._recent_possible_order(session, row)
                if not repeated and earlier is None:
                    return submissions.begin(
                        session, **row, client_token=token, phone_region=self._journal.phone_region
                    )
        except IntegrityError:  # the same token, a moment ago, from another thread
            repeated = True
        if repeated:  # waited for outside the lock: its answer may take the client's whole timeout
            return Submitted(Status.REPEAT, submission=self._first_with_token(token or ""))
        return Submitted(Status.DUPLICATE, earlier=earlier)

    def _finish(self, submission_id: int, row: dict[str, Any], done: submissions.Finish) -> Entry:
        done = _fitted_finish(done)
        try:
            with self._journal.sessions.begin() as session:
                submissions.finish(session, submission_id, done)
                finished = submissions.get(session, submission_id)
            if finished is not None:
                return finished
        except SQLAlchemyError as exc:
            # Sent, but the answer cannot be written: show it all the same. The log keeps the
            # row pending; it becomes unknown once its grace has passed.
            unsaved = f"Order Desk could not write this answer to the submission log ({reason(exc)})."
            done = dataclasses.replace(done, error=_fit("error", f"{done.error} {unsaved}".strip()))
        return _unsaved(submission_id, row, done)

    def _first_with_token(self, token: str) -> Entry | None:
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
        row = self._row(body, data, operation, context, payload_hash(body, data))
        try:
            with self._journal.sessions.begin() as session:
                submission_id = submissions.begin(
                    session,
                    **row,
                    outcome=INVALID,
                    finished_at=row["created_at"],  # refused at once: it ends as it begins
                    message=_fit("message", " ".join(p.message for p in problems)),
                    duration_ms=0.0,
                    phone_region=self._journal.phone_region,
                )
                refused = submissions.get(session, submission_id)
        except SQLAlchemyError as exc:
            raise unwritable(exc) from exc
        return Submitted(Status.INVALID, submission=refused, problems=problems)

    def _recent_possible_order(self, session: Session, row: dict[str, Any]) -> Entry | None:
        return submissions.latest_same(
            session,
            base_url=row["base_url"],
            payload_hash=row["payload_hash"],
            since=datetime.now(UTC) - self._duplicate_window,
            outcomes=MAY_HAVE_CREATED,
            outcomes_with_status=MAY_HAVE_CREATED_WITH_STATUS,
        )

    def _row(self, body: str, data: Any, operation: str, context: Context, digest: str) -> dict[str, Any]:
        customer = data.get("customer_info") if isinstance(data, dict) else None
        customer = customer if isinstance(customer, dict) else {}
        order = data.get("order_info") if isinstance(data, dict) else None
        order = order if isinstance(order, dict) else {}
        row = {
            "created_at": datetime.now(UTC),
            "profile_name": self._profile.name,
            "base_url": self._profile.base_url,
            "operation": operation,
            "source": context.source,
            "operator": context.operator,
            "template": context.template,
            "variant": context.variant,
            "run_id": context.run_id,
            "request_body": body,
            "payload_hash": digest,
            "customer_name": _text(customer.get("customer_name")),
            "phone": _text(customer.get("phone")),
            "email": _text(customer.get("email_id")),
            "order_id": _text(order.get("order_id")),
        }
        return {name: _fit(name, value) if isinstance(value, str) else value for name, value in row.items()}


def payload_hash(body: str, data: Any) -> str:
    """The same request hashes the same however it was spaced or its keys ordered.

    Whichever page sent it (form, editor, replay), one body to the add-update endpoint is one
    request: an update differs from an add by its own ``order_info`` fields.
    """
    canonical = (
        body if data is None else json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    )
    # Half an emoji ("\ud83d", escaped in QA's JSON) has no UTF-8; it still hashes, as itself.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


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
    return value.strip() if isinstance(value, str) else ""


def _fit(column: str, value: str) -> str:
    """The text as the journal's column holds it, alike on every database.

    A NUL byte or half an emoji is kept as its visible escape (``submissions.storable``), and
    text longer than its column is cut to the column's size (PostgreSQL refuses either). The
    request body is kept byte for byte unless it holds such a character.
    """
    stored = submissions.storable(value)
    length = getattr(_COLUMNS[column].type, "length", None)
    return stored[:length] if length else stored


_COLUMNS = Submission.__table__.columns


def _stored_token(token: str | None) -> str | None:
    if not token:
        return None
    if _fit("client_token", token) == token:
        return token
    # Too long for its column, or not storable as it is: its digest, as two cut tokens could meet.
    return hashlib.sha256(token.encode("utf-8", "backslashreplace")).hexdigest()


def _fitted_finish(done: submissions.Finish) -> submissions.Finish:
    # What Kapture answered is outside text: the same rule as the request's columns.
    return dataclasses.replace(
        done,
        message=_fit("message", done.message),
        response_body=_fit("response_body", done.response_body),
        error=_fit("error", done.error),
        action_event=_fit("action_event", done.action_event),
        ids={key: _fit(key, str(value)) for key, value in done.ids.items() if key in _ID_COLUMNS},
    )


def _unsaved(submission_id: int, row: dict[str, Any], done: submissions.Finish) -> Entry:
    """The row as it would read had the answer been written; in no session, never saved."""
    return entry_from({**row, **done.values(), "id": submission_id})


_ID_COLUMNS = ("order_id", "customer_id", "enquiry_id", "contact_id")
