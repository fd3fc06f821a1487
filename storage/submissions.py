"""The journal's verbs. The caller owns the session and its transaction."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import phonenumbers
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    case,
    column,
    delete,
    false,
    func,
    insert,
    literal_column,
    not_,
    or_,
    select,
    table,
    text,
    update,
)
from sqlalchemy.orm import Session

from storage.entries import COLUMNS, Entry, entry_of
from storage.models import PENDING, UNKNOWN, Submission

# Where a phone written without a country code is taken to be (ISO 3166 region, as phonenumbers
# reads it). The app passes its setting; this is the default when nothing is configured.
DEFAULT_PHONE_REGION = "IN"


# The word index (migrations 0006 and 0008) lives beside the models, not in them: an FTS5 table
# and its triggers on SQLite, a GIN expression index on PostgreSQL, both over the words columns.
# Schema comparisons skip these names.
WORDS_TABLE = "submissions_words"
WORDS_INDEX = "ix_submissions_words"
OUTSIDE_MODELS = (WORDS_TABLE, WORDS_INDEX)


def outside_models(name: str | None) -> bool:
    """True for a table or index of the word index (or FTS5's own tables behind it)."""
    return bool(name) and any(name == known or name.startswith(f"{known}_") for known in OUTSIDE_MODELS)


@dataclass(frozen=True)
class OutcomeMatch:
    """An outcome that counts only with some HTTP statuses, or only without them."""

    outcome: str
    statuses: tuple[int, ...]
    other_statuses: bool = False  # True: any status but these (or none)


@dataclass(frozen=True)
class SubmissionFilter:
    """What to search the journal for; empty fields do not filter."""

    phone: str = ""
    order_id: str = ""
    email: str = ""
    customer_name: str = ""  # a prefix, any case
    outcomes: Sequence[str] = ()
    outcome_matches: Sequence[OutcomeMatch] = ()  # with ``outcomes``: a row matching any counts
    exclude_outcomes: Sequence[str] = ()
    sources: Sequence[str] = ()
    exclude_sources: Sequence[str] = ()
    profile_name: str = ""
    operator: str = ""
    run_id: str = ""
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive
    text: str = ""  # one search box: a phone, an order id, an email, #entry, or words of a name or message
    phone_region: str = DEFAULT_PHONE_REGION  # for a phone searched without its country code


class DayCount(NamedTuple):
    """How many submissions of one local day ended with one outcome and HTTP status."""

    day: date
    outcome: str
    http_status: int | None
    count: int


@dataclass(frozen=True)
class Summary:
    """What a filtered set of submissions came to."""

    total: int
    by_outcome: dict[str, int]
    median_ms: float | None
    p95_ms: float | None
    by_status: dict[tuple[str, int | None], int] = field(default_factory=dict)  # outcome and status

    @property
    def success_rate(self) -> float | None:
        return self.by_outcome.get("success", 0) / self.total if self.total else None


@dataclass(frozen=True)
class Page:
    """One page of a search, newest first, and how many rows match in all (or "more than")."""

    rows: list[Entry]
    total: int
    page: int
    per_page: int
    # True: more than ``total`` rows match. A word search counts no further than COUNT_CAP: an exact
    # count of a common word ("Steel", 125,000 rows) reads every matching row.
    total_capped: bool = False

    @property
    def total_text(self) -> str:
        """How many match, for people: "1,234", or "more than 1,000"."""
        return f"more than {self.total:,}" if self.total_capped else f"{self.total:,}"

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

    def values(self) -> dict[str, Any]:
        """The columns this answer writes (ids only where Kapture gave one)."""
        written = {
            "outcome": self.outcome,
            "finished_at": self.finished_at,
            "http_status": self.http_status,
            "message": self.message,
            "response_body": self.response_body,
            "error": self.error,
            "action_event": self.action_event,
            "duration_ms": self.duration_ms,
        }
        return written | {key: value for key, value in self.ids.items() if key in _ID_KEYS and value}


_ID_KEYS = ("order_id", "customer_id", "enquiry_id", "contact_id")
# Core statements built once and executed with parameters: building them per call (ORM
# ``values()`` coercion, cache keys) cost more than the database work itself.
_TABLE = Submission.__table__
_DEFAULTS = {
    column.name: column.default.arg
    for column in _TABLE.columns
    if column.default is not None and not column.default.is_callable  # the words: written by begin()
}
_DEFAULTS.update({"finished_at": None, "client_token": None, "http_status": None, "duration_ms": None})
_INSERT = insert(_TABLE).returning(_TABLE.c.id)
_ENTRY = select(*COLUMNS)  # what a read hands back: an Entry's columns, no ORM object


def begin(session: Session, *, phone_region: str = DEFAULT_PHONE_REGION, **values: Any) -> int:
    """Write a pending submission and return its id (before anything is sent)."""
    row = {**_DEFAULTS, "outcome": PENDING, **values}
    row["customer_name_key"] = name_key(row["customer_name"])
    row["phone_key"] = phone_key(row["phone"], phone_region)
    row["email"] = email_key(row["email"])
    row["name_words"] = words_of(row["customer_name"])
    row["message_words"] = words_of(row["message"])
    # A plain INSERT as the first statement takes SQLite's write lock at once (no upgrade
    # from a read lock that could fail with "database is locked").
    return session.connection().execute(_INSERT, row).scalar_one()


def finish(session: Session, submission_id: int, done: Finish) -> None:
    """Record the outcome of a pending submission."""
    values: dict[str, Any] = {"submission_id": submission_id, **done.values()}
    values["message_words"] = words_of(done.message)
    # The SET clause is made from the parameters given, so ids absent here are left as they are.
    session.connection().execute(_FINISH, values)


_FINISH = update(_TABLE).where(_TABLE.c.id == bindparam("submission_id"))


def get(session: Session, submission_id: int) -> Entry | None:
    """One submission by id."""
    return _first(session, _ENTRY.where(Submission.id == submission_id))


def by_token(session: Session, token: str) -> Entry | None:
    """The submission made with this client token, if any."""
    return _first(session, _ENTRY.where(Submission.client_token == token))


def last_request(session: Session, *, order_id: str, outcome: str) -> str | None:
    """The request body of the newest submission about this order id that ended with ``outcome``."""
    query = (
        select(Submission.request_body)
        .where(Submission.order_id == order_id, Submission.outcome == outcome)
        .order_by(Submission.created_at.desc())
        .limit(1)
    )
    return session.scalar(query)


def latest_same(
    session: Session,
    *,
    base_url: str,
    payload_hash: str,
    since: datetime,
    outcomes: Sequence[str],
    outcomes_with_status: Mapping[str, Sequence[int]] | None = None,
) -> Entry | None:
    """The newest send of this payload to this Kapture, recent or still pending, with one of the outcomes.

    ``outcomes_with_status`` adds outcomes that count only with one of their HTTP statuses.
    """
    with_status = [
        and_(Submission.outcome == name, Submission.http_status.in_(list(statuses)))
        for name, statuses in (outcomes_with_status or {}).items()
    ]
    query = (
        _ENTRY.where(
            Submission.payload_hash == payload_hash,
            # A send still waiting for its answer counts however old it is: a duplicate window shorter
            # than the client's timeout must not let the same order go twice while the first is in flight.
            or_(Submission.created_at >= since, Submission.outcome == PENDING),
            Submission.base_url == base_url,
            or_(Submission.outcome.in_(list(outcomes)), *with_status),
        )
        .order_by(Submission.created_at.desc())
        .limit(1)
    )
    return _first(session, query)


COUNT_CAP = 1_000  # a word search's page counts its matches up to here, then says "more than"


def search(session: Session, where: SubmissionFilter, *, page: int = 1, per_page: int = 50) -> Page:
    """A page of matching submissions, newest first, with the total; SQL does the work.

    A word search counts up to ``COUNT_CAP`` matches and says so (``Page.total_capped``).
    """
    plan = _plan(session, where)
    if plan is None:
        conditions = _where(session, where)
        total = session.scalar(select(func.count()).select_from(Submission).where(*conditions)) or 0
        capped = False
    else:
        counted = select(Submission.id).where(*_where(session, where, by_time=plan.count_by_time))
        if plan.count_by_time:
            counted = _newest_first(counted)  # walk the time index, newest first, until the cap
        found = session.scalar(select(func.count()).select_from(counted.limit(COUNT_CAP + 1).subquery()))
        total, capped = min(found or 0, COUNT_CAP), (found or 0) > COUNT_CAP
        conditions = _where(session, where, by_time=plan.page_by_time)
    page = min(max(1, page), max(1, -(-total // per_page)))  # past the last page: the last page
    rows = session.execute(
        _newest_first(_ENTRY.where(*conditions)).limit(per_page).offset((page - 1) * per_page)
    )
    return Page(
        rows=[entry_of(row) for row in rows], total=total, page=page, per_page=per_page, total_capped=capped
    )


def stream(session: Session, where: SubmissionFilter, *, batch: int = 1000) -> Iterator[Entry]:
    """Every matching submission, newest first, fetched in batches (for exports)."""
    plan = _plan(session, where)
    by_time = plan is not None and plan.all_by_time
    query = _newest_first(_ENTRY.where(*_where(session, where, by_time=by_time))).execution_options(
        yield_per=batch
    )
    for row in session.execute(query):
        yield entry_of(row)


def _first(session: Session, query: Select[Any]) -> Entry | None:
    row = session.execute(query).first()
    return entry_of(row) if row is not None else None


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


def storable(text: str) -> str:
    """Text as both databases can hold it: a NUL or half an emoji kept as its backslash escape."""
    # PostgreSQL refuses NUL in text and neither driver can encode a lone surrogate ("\ud83d"):
    # both are kept visible as the escape a person would read in JSON, and nothing else changes.
    if "\x00" in text:
        text = text.replace("\x00", "\\x00")
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def name_key(name: str) -> str:
    """A customer name as searched: trimmed, single-spaced, lower case."""
    return " ".join(storable(name).split()).casefold()[:300]


def email_key(email: str) -> str:
    """An e-mail address as stored and searched: trimmed, lower case (fits its column)."""
    # Lower case can grow a string ("İ" is two characters lowered): cut after lowering.
    return storable(email).strip().lower()[:300]


def phone_key(phone: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """A phone as searched: E.164 ("+919845012345"), the region's code where none is written.

    What is not a possible phone number keeps its digits ("12345"), which never equal an E.164
    key; more than 20 digits is no phone at all and has no key.
    """
    try:
        number = phonenumbers.parse(phone, region.upper())
    except phonenumbers.NumberParseException:  # no digits, too long, no country code known
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if len(e164) <= _PHONE_KEY_SIZE:
            return e164
    digits = _ascii_digits(phone)
    return digits if len(digits) <= _PHONE_KEY_SIZE else ""


_PHONE_KEY_SIZE = 20  # the column's size; an E.164 number is at most 16 characters


def _ascii_digits(text: str) -> str:
    # "９８４５" and "٩٨٤٥" are the digits 9845 to a person typing them; superscripts are not.
    return "".join(str(int(ch)) for ch in text if ch.isdecimal())


def rekey_phones(connection: Connection, key: Callable[[str], str], *, batch: int = 1_000) -> int:
    """Recompute every submission's phone key with ``key``, a batch of rows at a time; how many changed."""
    # Keyset pages by id: constant memory, and each page is an index range on any database.
    table = Submission.__table__
    page = select(table.c.id, table.c.phone, table.c.phone_key).order_by(table.c.id).limit(batch)
    change = update(table).where(table.c.id == bindparam("row_id")).values(phone_key=bindparam("new_key"))
    cached = functools.lru_cache(maxsize=10_000)(key)  # a customer's phone repeats across orders
    changed, last = 0, None
    while rows := connection.execute(page if last is None else page.where(table.c.id > last)).all():
        updates = [
            {"row_id": row_id, "new_key": new} for row_id, phone, old in rows if (new := cached(phone)) != old
        ]
        if updates:
            connection.execute(change, updates)
        changed += len(updates)
        last = rows[-1].id
    return changed


def overview(
    session: Session, where: SubmissionFilter, *, zone: str = "UTC"
) -> tuple[Summary, list[DayCount]]:
    """The summary and the counts per day of ``zone`` (an IANA name), in one pass over the rows."""
    counted = _counts_per_day(session, where, zone)
    days = [DayCount(day, outcome, status, count) for day, outcome, status, count, _ in counted]
    counts: dict[str, int] = {}
    statuses: dict[tuple[str, int | None], int] = {}
    for _, outcome, status, count in days:
        counts[outcome] = counts.get(outcome, 0) + count
        statuses[(outcome, status)] = statuses.get((outcome, status), 0) + count
    timed = sum(timed for *_, timed in counted)
    median, p95 = _percentiles(session, where, timed, (0.5, 0.95))
    summary = Summary(sum(counts.values()), counts, median, p95, statuses)
    return summary, days


def per_day(session: Session, where: SubmissionFilter, *, zone: str = "UTC") -> list[tuple[date, str, int]]:
    """Submissions per day of ``zone`` and outcome, oldest day first."""
    summed: dict[tuple[date, str], int] = {}
    for day, outcome, _, count, _ in _counts_per_day(session, where, zone):
        summed[(day, outcome)] = summed.get((day, outcome), 0) + count
    return [(day, outcome, count) for (day, outcome), count in summed.items()]


def _counts_per_day(
    session: Session, where: SubmissionFilter, zone: str
) -> list[tuple[date, str, int | None, int, int]]:
    # Per day, outcome and status: the rows, and those with a duration (what the percentiles rank),
    # in the one pass that reads the matching rows anyway.
    day = _local_day(session, where, zone)
    query = (
        select(
            day, Submission.outcome, Submission.http_status, func.count(), func.count(Submission.duration_ms)
        )
        .where(*_where_all(session, where))
        .group_by(day, Submission.outcome, Submission.http_status)
        .order_by(day)
    )
    return [
        (_as_date(when), outcome, status, count, timed)
        for when, outcome, status, count, timed in session.execute(query)
    ]


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


def _percentiles(
    session: Session, where: SubmissionFilter, count: int, quantiles: Sequence[float]
) -> list[float | None]:
    """The quantiles of the ``count`` matching durations, linear between ranks; the database sorts."""
    if not count:
        return [None for _ in quantiles]
    timed = [*_where_all(session, where), Submission.duration_ms.is_not(None)]
    if _dialect(session) == "postgresql":
        # percentile_cont interpolates at q × (n − 1), as the SQLite branch below does.
        continuous = [func.percentile_cont(q).within_group(Submission.duration_ms) for q in quantiles]
        found = session.execute(select(*continuous).where(*timed)).one()
        return [None if value is None else float(value) for value in found]
    positions = [q * (count - 1) for q in quantiles]
    wanted = {min(int(position) + step, count - 1) for position in positions for step in (0, 1)}
    # One sort of the matching durations (read from the covering index), four rows back.
    place = (func.row_number().over(order_by=Submission.duration_ms) - 1).label("place")
    ranked = select(place, Submission.duration_ms.label("ms")).where(*timed).subquery()
    chosen = select(ranked.c.place, ranked.c.ms).where(ranked.c.place.in_(sorted(wanted)))
    at = {place: ms for place, ms in session.execute(chosen)}
    return [_between(at, position, count) for position in positions]


def _between(at: dict[int, float], position: float, count: int) -> float | None:
    low = int(position)
    high = min(low + 1, count - 1)
    if low not in at or high not in at:
        return None  # rows deleted since they were counted (outside one snapshot): no figure
    return at[low] + (at[high] - at[low]) * (position - low)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _where(session: Session, where: SubmissionFilter, *, by_time: bool = False) -> list[ColumnElement[bool]]:
    return _conditions(where, _dialect(session), by_time=by_time)


def _where_all(session: Session, where: SubmissionFilter) -> list[ColumnElement[bool]]:
    """The conditions for reading every match (summary, chart), the words looked up the cheaper way."""
    plan = _plan(session, where)
    return _where(session, where, by_time=plan is not None and plan.all_by_time)


def _local_day(session: Session, where: SubmissionFilter, zone: str) -> ColumnElement[Any]:
    """The day of ``zone`` a row was made on, as SQL: stored times stay UTC, a day is the reader's."""
    tz = _zone(zone)
    if _dialect(session) == "postgresql":
        return func.date(func.timezone(tz.key, Submission.created_at))
    if tz.key == "UTC":
        # SQLite keeps UTC text ("2026-11-27 03:44:46.123"): its first ten characters are the UTC
        # day, and cutting them is cheaper than parsing every timestamp with date().
        return func.substr(Submission.created_at, 1, 10)
    # SQLite knows no time zones: the span is cut where the zone's offset changes (daylight saving),
    # and each piece shifts by its own offset. A CASE of a few branches, evaluated per row.
    start = where.created_from or _oldest(session) or datetime.now(UTC)
    end = where.created_to or datetime.now(UTC) + timedelta(days=1)
    pieces = _offsets(tz, start, max(start, end))
    # Literal text, not parameters: the expression is then the same in SELECT, GROUP BY and ORDER BY.
    shifted = [
        func.date(Submission.created_at, literal_column(f"'{offset:+d} minutes'")) for _, offset in pieces
    ]
    if len(pieces) == 1:
        return shifted[0]
    branches = [
        (Submission.created_at < literal_column(f"'{until.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}'"), day)
        for (until, _), day in zip(pieces[1:], shifted, strict=False)
    ]
    return case(*branches, else_=shifted[-1])


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError; "../x" a ValueError
        return ZoneInfo("UTC")


def _oldest(session: Session) -> datetime | None:
    return session.scalar(select(func.min(Submission.created_at)))


def _offsets(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets (minutes) over a span: each with the instant it starts from."""

    def offset(moment: datetime) -> int:
        return int((moment.astimezone(zone).utcoffset() or timedelta()).total_seconds() // 60)

    start, end = _aware(start), _aware(end)
    pieces = [(start, offset(start))]
    # Offsets change at most every few weeks: a daily look finds each change, a bisection its instant.
    step = timedelta(days=1)
    moment = start
    while moment < end:
        after = min(moment + step, end)
        if offset(after) != pieces[-1][1]:
            low, high = moment, after
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == pieces[-1][1] else (low, middle)
            pieces.append((high.replace(microsecond=0), offset(high)))
        moment = after
    return pieces


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


_LARGEST_ID = 2**63 - 1  # a BIGINT; a larger number bound to the id would fail on PostgreSQL
_PHONE_PUNCTUATION = " +-().\u00a0"  # how people write phones: +91 (98450) 12345, 98450.12345
# An extension after a phone, as phonenumbers reads one ("ext 12", "ext. 12", "extn 12", "x12",
# "#12", ";ext=12"): the order form sends the number without it (kapture.phones.read_phone), and
# the journal keeps no extension, so the search looks for the number alone.
_EXTENSION = re.compile(r"[\s,]*(?:;\s*ext=|ext(?:ension|n)?\.?|x|#)\s*\d{1,10}#?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class _WordSearch:
    """Words to look up in the word index; the last one as a start when it is still being typed."""

    words: tuple[str, ...]
    prefix: bool


def _text_condition(
    text: str, dialect: str, region: str, *, by_time: bool = False
) -> ColumnElement[bool] | None:
    """What the one search box means by the text; any text at all gives a condition or none.

    ``by_time``: words are checked on each row as the time index is walked (see ``_plan``).
    """
    read = _read_text(text, dialect, region)
    if isinstance(read, _WordSearch):
        return _has_words(read, dialect=dialect, by_time=by_time)
    return read


def _read_text(text: str, dialect: str, region: str) -> ColumnElement[bool] | _WordSearch | None:
    # A last word followed by nothing is still being typed ("Stee"): it is looked for as a start.
    typing = bool(text) and _is_word_character(text[-1])
    text = storable(text).strip()
    if not text:
        return None
    if text.startswith("#") and text[1:].isdecimal():  # "#123": an entry's number
        number = _ascii_digits(text[1:])
        if len(number) > len(str(_LARGEST_ID)) or int(number) > _LARGEST_ID:
            return false()  # no such entry (and no int() of 50,000 digits, which Python refuses)
        return Submission.id == int(number)
    if "@" in text:
        return Submission.email == email_key(text)
    phone = _phone_condition(text, region)
    if phone is not None:
        return phone
    words = search_words(text)
    if words and all(len(word) <= _LONGEST_WORD for word in words):
        return _WordSearch(tuple(words), typing)
    # No words to look up (only signs: "%", "😀 ") or a word longer than any index keeps: the
    # name's start, or the text anywhere in the message, read row by row within the dates.
    key = name_key(text)
    return or_(
        and_(Submission.customer_name_key >= key, Submission.customer_name_key < key + _LAST_CHAR),
        _message_contains(text, dialect),
    )


def _phone_condition(text: str, region: str) -> ColumnElement[bool] | None:
    """A phone (or an order id) typed in the box, with or without an extension; None when it is neither."""
    extension = _EXTENSION.search(text)
    number = text[: extension.start()] if extension else text
    digits = _ascii_digits(number)
    if not digits or not all(ch.isdecimal() or ch in _PHONE_PUNCTUATION for ch in number):
        return None
    key = phone_key(text, region)  # phonenumbers reads the extension off, as the order form does
    if extension:
        # Only a possible phone is one (its key is E.164): "98450 x 12" is words, not a phone.
        return Submission.phone_key == key if len(digits) >= 7 and key.startswith("+") else None
    matches = [Submission.order_id == digits]
    if len(digits) >= 7 and key:
        matches.append(Submission.phone_key == key)
    return or_(*matches)


# PostgreSQL indexes no word longer than 2,047 bytes; past this a word is looked for as text.
_LONGEST_WORD = 200
_MOST_WORDS = 12  # a box full of words finds what holds the first twelve
# The words of one column the index keeps: a tsvector holds at most 1 MB, and a message longer
# than this is Kapture quoting something back, not a sentence anybody searches to its end.
_INDEXED_CHARS = 10_000
# Letters that are a Latin letter with a stroke or a ligature, not a letter and an accent: Unicode
# does not decompose them, people type them as these.
_LATIN_LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "ħ": "h", "ŧ": "t", "æ": "ae", "œ": "oe", "þ": "th"}
)


def fold(text: str) -> str:
    """Text as the word index compares it: no case, no accents on Latin letters ("Straße" is "strasse").

    The one folding rule of the word search, applied to what is indexed (``words_of``) and to what
    is searched (``search_words``), on both databases: neither database's own folding is used, as
    FTS5's ``unicode61``, PostgreSQL's ``lower`` and ``unaccent`` each fold ß, ẞ and İ differently.
    """
    # NFKD twice around casefold, as Unicode's caseless matching does: "ﬁ" is "fi", "İ" is "i" and a
    # combining dot, "ẞ" is "ss". Accents go only from Latin (ASCII) letters: "é" is "e", but
    # Cyrillic "й" and Devanagari vowel signs are letters of their own and stay.
    decomposed = unicodedata.normalize(
        "NFKD", unicodedata.normalize("NFKD", storable(text)).casefold()
    ).translate(_LATIN_LETTERS)
    kept: list[str] = []
    base = ""
    for ch in decomposed:
        if not unicodedata.combining(ch):
            base = ch
        elif base.isascii():
            continue
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


def words_of(text: str) -> str:
    """A name's or message's words as the word index holds them: folded, one space between.

    A word longer than ``_LONGEST_WORD`` is left out (the search looks for such a word as text), and
    so are the words past ``_INDEXED_CHARS``.
    """
    kept: list[str] = []
    size = 0
    for word in _words(text):
        if len(word) > _LONGEST_WORD:
            continue
        size += len(word) + 1
        if size > _INDEXED_CHARS:
            break
        kept.append(word)
    return " ".join(kept)


def search_words(text: str) -> list[str]:
    """The words of a search text, folded (``fold``), each once, in order: letters and digits (and marks)."""
    return list(dict.fromkeys(_words(text)))[:_MOST_WORDS]


def _words(text: str) -> Iterator[str]:
    current: list[str] = []
    for ch in [*fold(text), " "]:
        if _is_word_character(ch):
            current.append(ch)
        elif current:
            yield "".join(current)
            current = []


def refold_words(connection: Connection, *, batch: int = 1_000) -> int:
    """Write every submission's words columns (``words_of``), a batch of rows at a time; how many rows."""
    table = Submission.__table__
    page = select(table.c.id, table.c.customer_name, table.c.message).order_by(table.c.id).limit(batch)
    change = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(name_words=bindparam("new_name"), message_words=bindparam("new_message"))
    )
    name_words = functools.lru_cache(maxsize=10_000)(words_of)  # names and messages repeat
    message_words = functools.lru_cache(maxsize=1_000)(words_of)
    done, last = 0, None
    while rows := connection.execute(page if last is None else page.where(table.c.id > last)).all():
        connection.execute(
            change,
            [
                {
                    "row_id": row.id,
                    "new_name": name_words(row.customer_name),
                    "new_message": message_words(row.message),
                }
                for row in rows
            ],
        )
        done += len(rows)
        last = rows[-1].id
    return done


def _is_word_character(ch: str) -> bool:
    # Letters, digits and marks (a Devanagari vowel sign belongs to its word); "_" and punctuation
    # separate words. Both indexes split only where words_of put a space: FTS5's "ascii" tokenizer
    # takes every non-ASCII character as part of a word, and PostgreSQL's array_to_tsvector parses nothing.
    return ch != "_" and (ch.isalnum() or unicodedata.category(ch)[0] in "LNM")


# The words' document on PostgreSQL: the two words columns as lexemes, spelled as the GIN index of
# migration 0008 is, so the planner uses it. No parser, no dictionary: the words are folded already.
_PG_DOCUMENT = (
    "(array_to_tsvector(string_to_array(submissions.name_words, ' ')) || "
    "array_to_tsvector(string_to_array(submissions.message_words, ' ')))"
)
_WORDS = table(WORDS_TABLE, column("rowid"), column(WORDS_TABLE))


def _word_query(search: _WordSearch, dialect: str) -> str:
    """The words as the index's query language has them: each quoted, the last a start if typed on."""
    # A word holds letters, digits and marks only: no quote, no operator for either language to read.
    last = len(search.words) - 1
    if dialect == "postgresql":
        return " & ".join(
            f"'{word}'" + (":*" if search.prefix and n == last else "") for n, word in enumerate(search.words)
        )
    return " ".join(
        f'"{word}"' + ("*" if search.prefix and n == last else "") for n, word in enumerate(search.words)
    )


def _has_words(search: _WordSearch, *, dialect: str, by_time: bool = False) -> ColumnElement[bool]:
    """Rows whose name or message holds every word.

    By default the index finds the matching rows first. ``by_time``: each row met while walking the
    time index is checked on its own words columns (a common word: the newest 50 are met within a
    few hundred rows, where the index would hand over every one of its 166,000 matches first).
    """
    if by_time:
        return _row_holds(search, Submission.name_words, Submission.message_words, dialect)
    query = _word_query(search, dialect)
    if dialect == "postgresql":
        matches = text(f"{_PG_DOCUMENT} @@ CAST(:words AS tsquery)").bindparams(words=query)
        # Materialised: the GIN index answers first, whatever the planner guesses of the word (it
        # walked the time index, computing every row's words, for a word no row has: 6.5 s).
        found = select(Submission.id).where(matches).cte("word_matches").prefix_with("MATERIALIZED")
        return Submission.id.in_(select(found.c.id))
    matching = select(_WORDS.c.rowid).where(_WORDS.c[WORDS_TABLE].op("MATCH")(query))
    return Submission.id.in_(matching)


def _row_holds(
    search: _WordSearch, name_words: ColumnElement[str], message_words: ColumnElement[str], dialect: str
) -> ColumnElement[bool]:
    """The words checked on a row's own words columns: the rows the index finds, without the index."""
    # words_of put one space between words, so " word " is the word and " wor" a word's start.
    spaced = literal_column("' '") + name_words + " " + message_words + " "
    position = func.strpos if dialect == "postgresql" else func.instr
    last = len(search.words) - 1
    return and_(
        *(
            position(spaced, f" {word}" if search.prefix and n == last else f" {word} ") > 0
            for n, word in enumerate(search.words)
        )
    )


class _Plan(NamedTuple):
    """Which way each query of a word search reads: by the index's matches, or by walking time."""

    page_by_time: bool  # the newest page
    count_by_time: bool  # the count, up to COUNT_CAP
    all_by_time: bool  # every match (summary, chart, export)


def _plan(session: Session, where: SubmissionFilter) -> _Plan | None:
    """The cheaper way to read a word search, from whether more rows than COUNT_CAP hold its words.

    Up to COUNT_CAP matches, the index's matches are read (one look-up each) and sorted. Past it,
    the page and the capped count walk time, newest first, checking each row: a word that common
    fills them within a few thousand rows. Every match (the summary) is read by time when dates
    bound the walk. None: no word search.
    """
    dialect = _dialect(session)
    search = _read_text(where.text, dialect, where.phone_region)
    if not isinstance(search, _WordSearch):
        return None
    if dialect == "postgresql" and search.prefix and _common_among_newest(session, search):
        found = COUNT_CAP + 1
    else:
        found = _matches_up_to_cap(session, search, dialect)
    if found <= COUNT_CAP:
        return _Plan(page_by_time=False, count_by_time=False, all_by_time=False)
    # Every match of all time: SQLite looks each up from the index (1.1 s for 125,000 of a million
    # rows), PostgreSQL reads faster walking the table (3.2 s, against 5.7 s through the index).
    dated = where.created_from is not None or where.created_to is not None
    return _Plan(page_by_time=True, count_by_time=True, all_by_time=dated or dialect == "postgresql")


_NEWEST_CHECKED = 20_000


def _common_among_newest(session: Session, search: _WordSearch) -> bool:
    """True when more than COUNT_CAP of the newest rows hold the words (PostgreSQL, a word being typed).

    PostgreSQL cannot tell how many rows a word's start matches and guesses few: the GIN index then
    gathers every match of "stee…" (148,000 rows, 106 ms) to count the first thousand.
    """
    newest = select(Submission.name_words, Submission.message_words).order_by(Submission.id.desc())
    recent = newest.limit(_NEWEST_CHECKED).subquery()
    holds = _row_holds(search, recent.c.name_words, recent.c.message_words, "postgresql")
    held = select(literal_column("1")).select_from(recent).where(holds).limit(COUNT_CAP + 1).subquery()
    return (session.scalar(select(func.count()).select_from(held)) or 0) > COUNT_CAP


def _matches_up_to_cap(session: Session, search: _WordSearch, dialect: str) -> int:
    """How many rows hold the words, counted no further than one past COUNT_CAP, from the index."""
    query = _word_query(search, dialect)
    if dialect == "postgresql":
        matching = (
            select(literal_column("1"))
            .select_from(_TABLE)
            .where(text(f"{_PG_DOCUMENT} @@ CAST(:words AS tsquery)").bindparams(words=query))
        )
    else:
        matching = select(_WORDS.c.rowid).where(_WORDS.c[WORDS_TABLE].op("MATCH")(query))
    return session.scalar(select(func.count()).select_from(matching.limit(COUNT_CAP + 1).subquery())) or 0


def _message_contains(text: str, dialect: str) -> ColumnElement[bool]:
    # Not LIKE: SQLite refuses a pattern over 50,000 bytes ("LIKE or GLOB pattern too complex"),
    # PostgreSQL's LIKE takes seconds to miss with a long one, and a substring search has no
    # wildcards to escape. lower() folds case as each database's ILIKE / LIKE does.
    position = func.strpos if dialect == "postgresql" else func.instr
    return position(func.lower(Submission.message), func.lower(text)) > 0


def _conditions(where: SubmissionFilter, dialect: str, *, by_time: bool = False) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text = _text_condition(where.text, dialect, where.phone_region, by_time=by_time)
    if text is not None:
        conditions.append(text)
    phone = phone_key(where.phone, where.phone_region)
    if phone:
        conditions.append(Submission.phone_key == phone)
    if where.order_id.strip():
        conditions.append(Submission.order_id == storable(where.order_id.strip()))
    if where.email.strip():
        conditions.append(Submission.email == email_key(where.email))
    if where.customer_name.strip():
        key = name_key(where.customer_name)
        # A range, not LIKE: it uses the index on every database and needs no escaping.
        conditions.append(
            and_(Submission.customer_name_key >= key, Submission.customer_name_key < key + _LAST_CHAR)
        )
    if where.outcomes or where.outcome_matches:
        conditions.append(_outcome_condition(where))
    if where.exclude_outcomes:
        conditions.append(
            Submission.outcome.not_in([storable(outcome) for outcome in where.exclude_outcomes])
        )
    if where.sources:
        conditions.append(Submission.source.in_([storable(source) for source in where.sources]))
    if where.exclude_sources:
        conditions.append(Submission.source.not_in([storable(source) for source in where.exclude_sources]))
    if where.profile_name:
        conditions.append(Submission.profile_name == storable(where.profile_name))
    if where.operator:
        conditions.append(Submission.operator == storable(where.operator))
    if where.run_id:
        conditions.append(Submission.run_id == storable(where.run_id))
    if where.created_from:
        conditions.append(Submission.created_at >= where.created_from)
    if where.created_to:
        conditions.append(Submission.created_at < where.created_to)
    return conditions


def _outcome_condition(where: SubmissionFilter) -> ColumnElement[bool]:
    matches: list[ColumnElement[bool]] = []
    if where.outcomes:
        matches.append(Submission.outcome.in_([storable(outcome) for outcome in where.outcomes]))
    for match in where.outcome_matches:
        listed = Submission.http_status.in_(list(match.statuses))
        status = or_(Submission.http_status.is_(None), not_(listed)) if match.other_statuses else listed
        matches.append(and_(Submission.outcome == storable(match.outcome), status))
    return or_(*matches)


# Past every character in code-point order, which is how the key column compares (binary on
# SQLite, COLLATE "C" on PostgreSQL): a prefix range that also catches names going on with emoji.
_LAST_CHAR = "\U0010ffff"


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(Submission.created_at.desc(), Submission.id.desc())
