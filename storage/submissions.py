"""The journal's verbs. The caller owns the session and its transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from storage.models import PENDING, UNKNOWN, Submission


@dataclass(frozen=True)
class SubmissionFilter:
    """What to search the journal for; empty fields do not filter."""

    phone: str = ""
    order_id: str = ""
    email: str = ""
    customer_name: str = ""  # a prefix, any case
    outcomes: Sequence[str] = ()
    sources: Sequence[str] = ()
    profile_name: str = ""
    operator: str = ""
    run_id: str = ""
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive
    text: str = ""  # one search box: a phone, an order id, an email, a name's start or words of the message


@dataclass(frozen=True)
class Summary:
    """What a filtered set of submissions came to."""

    total: int
    by_outcome: dict[str, int]
    median_ms: float | None
    p95_ms: float | None

    @property
    def success_rate(self) -> float | None:
        return self.by_outcome.get("success", 0) / self.total if self.total else None


@dataclass(frozen=True)
class Page:
    """One page of a search, newest first, and how many rows match in all."""

    rows: list[Submission]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Finish:
    """What came of a submission, as the journal records it."""

    outcome: str
    finished_at: datetime
    http_status: int | None = None
    message: str = ""
    response_body: str = ""
    error: str = ""
    ids: dict[str, str] = field(default_factory=dict)
    action_event: str = ""
    duration_ms: float | None = None


# Core statements built once and executed with parameters: building them per call (ORM
# ``values()`` coercion, cache keys) cost more than the database work itself.
_TABLE = Submission.__table__
_DEFAULTS = {column.name: column.default.arg for column in _TABLE.columns if column.default is not None}
_DEFAULTS.update({"finished_at": None, "client_token": None, "http_status": None, "duration_ms": None})
_INSERT = insert(_TABLE).returning(_TABLE.c.id)


def begin(session: Session, **values: Any) -> int:
    """Write a pending submission and return its id (before anything is sent)."""
    row = {**_DEFAULTS, "outcome": PENDING, **values}
    row["customer_name_key"] = name_key(row["customer_name"])
    row["phone_key"] = phone_key(row["phone"])
    row["email"] = row["email"].strip().lower()
    # A plain INSERT as the first statement takes SQLite's write lock at once (no upgrade
    # from a read lock that could fail with "database is locked").
    return session.connection().execute(_INSERT, row).scalar_one()


def finish(session: Session, submission_id: int, done: Finish) -> None:
    """Record the outcome of a pending submission."""
    values: dict[str, Any] = {
        "submission_id": submission_id,
        "outcome": done.outcome,
        "finished_at": done.finished_at,
        "http_status": done.http_status,
        "message": done.message,
        "response_body": done.response_body,
        "error": done.error,
        "action_event": done.action_event,
        "duration_ms": done.duration_ms,
    }
    for key in ("order_id", "customer_id", "enquiry_id", "contact_id"):
        if done.ids.get(key):
            values[key] = done.ids[key]
    # The SET clause is made from the parameters given, so ids absent here are left as they are.
    session.connection().execute(_FINISH, values)


_FINISH = update(_TABLE).where(_TABLE.c.id == bindparam("submission_id"))


def get(session: Session, submission_id: int) -> Submission | None:
    """One submission by id."""
    return session.get(Submission, submission_id)


def by_token(session: Session, token: str) -> Submission | None:
    """The submission made with this client token, if any."""
    return session.scalars(select(Submission).where(Submission.client_token == token)).first()


def latest_same(
    session: Session, *, base_url: str, payload_hash: str, since: datetime, outcomes: Sequence[str]
) -> Submission | None:
    """The newest submission of this payload to this Kapture since a time, with one of the outcomes."""
    parameters = {
        "payload_hash": payload_hash,
        "since": since,
        "base_url": base_url,
        "outcomes": list(outcomes),
    }
    return session.scalars(_LATEST_SAME, parameters).first()


_LATEST_SAME = (
    select(Submission)
    .where(
        Submission.payload_hash == bindparam("payload_hash"),
        Submission.created_at >= bindparam("since", type_=Submission.created_at.type),
        Submission.base_url == bindparam("base_url"),
        Submission.outcome.in_(bindparam("outcomes", expanding=True)),
    )
    .order_by(Submission.created_at.desc())
    .limit(1)
)


def search(session: Session, where: SubmissionFilter, *, page: int = 1, per_page: int = 50) -> Page:
    """A page of matching submissions, newest first, with the total; SQL does the work."""
    conditions = _conditions(where)
    total = session.scalar(select(func.count()).select_from(Submission).where(*conditions)) or 0
    page = min(max(1, page), max(1, -(-total // per_page)))  # past the last page: the last page
    rows = session.scalars(
        _newest_first(select(Submission).where(*conditions)).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(rows=list(rows), total=total, page=page, per_page=per_page)


def stream(session: Session, where: SubmissionFilter, *, batch: int = 1000) -> Iterator[Submission]:
    """Every matching submission, newest first, fetched in batches (for exports)."""
    query = _newest_first(select(Submission).where(*_conditions(where))).execution_options(yield_per=batch)
    for row in session.scalars(query):
        yield row
        session.expunge(row)  # keep memory flat however many rows go by


def runs(
    session: Session, *, template: str, source: str = "suite", limit: int = 20
) -> list[tuple[str, datetime]]:
    """The latest runs of a suite (or batch), newest first: run id and when it started."""
    started = func.min(Submission.created_at)
    query = (
        select(Submission.run_id, started)
        .where(Submission.source == source, Submission.template == template, Submission.run_id != "")
        .group_by(Submission.run_id)
        .order_by(started.desc())
        .limit(limit)
    )
    return [(run_id, _aware(when)) for run_id, when in session.execute(query)]


def expire_pending(session: Session, *, older_than: datetime, message: str) -> int:
    """Mark submissions still pending since before a time as unknown; how many."""
    result = session.execute(
        update(Submission)
        .where(Submission.outcome == PENDING, Submission.created_at < older_than)
        .values(outcome=UNKNOWN, error=message)
    )
    return result.rowcount or 0


def _aware(moment: datetime) -> datetime:
    # An aggregate's result skips the column's type on SQLite: give the instant its zone back.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def name_key(name: str) -> str:
    """A customer name as searched: trimmed, single-spaced, lower case."""
    return " ".join(name.split()).casefold()[:300]


def phone_key(phone: str) -> str:
    """A phone as searched: its last ten digits, so +91 98450-12345 is 9845012345."""
    return "".join(ch for ch in phone if ch.isdigit())[-10:]


def overview(session: Session, where: SubmissionFilter) -> tuple[Summary, list[tuple[date, str, int]]]:
    """The summary and the per-day counts together: the counts by outcome are summed from the days."""
    days = per_day(session, where)
    counts: dict[str, int] = {}
    for _, outcome, count in days:
        counts[outcome] = counts.get(outcome, 0) + count
    durations = sorted(
        session.execute(
            select(Submission.duration_ms).where(*_conditions(where), Submission.duration_ms.is_not(None))
        ).scalars()
    )
    summary = Summary(
        total=sum(counts.values()),
        by_outcome=counts,
        median_ms=_quantile(durations, 0.5),
        p95_ms=_quantile(durations, 0.95),
    )
    return summary, days


def per_day(session: Session, where: SubmissionFilter) -> list[tuple[date, str, int]]:
    """Submissions per UTC day and outcome, oldest day first."""
    day = _utc_day(session)
    query = (
        select(day, Submission.outcome, func.count())
        .where(*_conditions(where))
        .group_by(day, Submission.outcome)
        .order_by(day)
    )
    return [(_as_date(when), outcome, count) for when, outcome, count in session.execute(query)]


def record_check(
    session: Session, submission_id: int, *, checked_at: datetime, result: str, order_id: str
) -> None:
    """Record what a look-up in Kapture found for a submission."""
    session.execute(
        update(Submission)
        .where(Submission.id == submission_id)
        .values(checked_at=checked_at, check_result=result, checked_order_id=order_id)
    )


def count_older_than(session: Session, cutoff: datetime) -> int:
    """How many submissions were created before the cut-off."""
    return (
        session.scalar(select(func.count()).select_from(Submission).where(Submission.created_at < cutoff))
        or 0
    )


def delete_older_than(session: Session, cutoff: datetime) -> int:
    """Delete submissions created before the cut-off; how many."""
    return session.execute(delete(Submission).where(Submission.created_at < cutoff)).rowcount or 0


def _quantile(ordered: list[float], q: float) -> float | None:
    if not ordered:
        return None
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _utc_day(session: Session) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", Submission.created_at))
    # SQLite keeps UTC text ("2026-11-27 03:44:46.123"): its first ten characters are the UTC day,
    # and cutting them is cheaper than parsing every timestamp with date().
    return func.substr(Submission.created_at, 1, 10)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


_PHONE_PUNCTUATION = " +-().\u00a0"  # how people write phones: +91 (98450) 12345, 98450.12345


def _text_condition(text: str) -> ColumnElement[bool] | None:
    text = text.strip()
    if not text:
        return None
    if text.startswith("#") and text[1:].isascii() and text[1:].isdigit() and len(text) <= 19:  # "#123"
        return Submission.id == int(text[1:])
    if "@" in text:
        return Submission.email == text.lower()
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and all(ch.isdigit() or ch in _PHONE_PUNCTUATION for ch in text):
        matches = [Submission.order_id == digits]
        if len(digits) >= 7:
            matches.append(Submission.phone_key == phone_key(digits))
        return or_(*matches)
    key = name_key(text)
    return or_(
        and_(Submission.customer_name_key >= key, Submission.customer_name_key < key + _LAST_CHAR),
        Submission.message.icontains(text, autoescape=True),
    )


def _conditions(where: SubmissionFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text = _text_condition(where.text)
    if text is not None:
        conditions.append(text)
    if where.phone and phone_key(where.phone):
        conditions.append(Submission.phone_key == phone_key(where.phone))
    if where.order_id.strip():
        conditions.append(Submission.order_id == where.order_id.strip())
    if where.email.strip():
        conditions.append(Submission.email == where.email.strip().lower())
    if where.customer_name.strip():
        key = name_key(where.customer_name)
        # A range, not LIKE: it uses the index on every database and needs no escaping.
        conditions.append(
            and_(Submission.customer_name_key >= key, Submission.customer_name_key < key + _LAST_CHAR)
        )
    if where.outcomes:
        conditions.append(Submission.outcome.in_(list(where.outcomes)))
    if where.sources:
        conditions.append(Submission.source.in_(list(where.sources)))
    if where.profile_name:
        conditions.append(Submission.profile_name == where.profile_name)
    if where.operator:
        conditions.append(Submission.operator == where.operator)
    if where.run_id:
        conditions.append(Submission.run_id == where.run_id)
    if where.created_from:
        conditions.append(Submission.created_at >= where.created_from)
    if where.created_to:
        conditions.append(Submission.created_at < where.created_to)
    return conditions


# Past every character in code-point order, which is how the key column compares (binary on
# SQLite, COLLATE "C" on PostgreSQL): a prefix range that also catches names going on with emoji.
_LAST_CHAR = "\U0010ffff"


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(Submission.created_at.desc(), Submission.id.desc())
