"""Opening the journal: engine, schema upgrade, and recovery of submissions left pending."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from storage import submissions
from storage.db import make_engine, session_factory, upgrade

LEFT_PENDING = (
    "Order Desk stopped while waiting for Kapture's answer. The order may have been created: "
    "check in Kapture before sending it again."
)
# Beyond the client's whole timeout: the answer still has to be written to the journal, and a
# slow database may queue that write. A row younger than grace + margin may be someone's send.
PENDING_MARGIN = timedelta(seconds=30)
# How often rows left pending (by a process that stopped) are looked for while the app runs.
RECHECK_EVERY = timedelta(seconds=30)

_log = logging.getLogger(__name__)


class JournalUnavailable(RuntimeError):
    """The journal's database cannot be opened or written; the message is safe to show."""


class PendingWatch:
    """A daemon thread that marks rows left pending as unknown, every so often, until stopped.

    A quick restart leaves the rows of the stopped process pending; the new process is younger
    than their grace at start-up, so they would stay pending until the next restart.
    """

    def __init__(self, sessions: sessionmaker, *, grace: timedelta, every: timedelta) -> None:
        self._sessions = sessions
        self._grace = grace
        self._every = every.total_seconds()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="journal-pending-watch", daemon=True)

    def start(self) -> None:
        """Start looking."""
        self._thread.start()

    def stop(self) -> None:
        """Stop looking; waits for a look under way to end."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)

    def _run(self) -> None:
        while not self._stopping.wait(self._every):
            try:
                _expire(self._sessions, self._grace)
            except SQLAlchemyError as exc:  # the database is away for now: look again next time
                _log.warning("Could not look for submissions left pending: %s", reason(exc))


@dataclass(frozen=True)
class Journal:
    """The journal's engine and its session factory."""

    engine: Engine
    sessions: sessionmaker
    watch: PendingWatch | None = field(default=None, compare=False, repr=False)
    phone_region: str = submissions.DEFAULT_PHONE_REGION  # for phones written without +country

    @property
    def address(self) -> str:
        """Where the journal is kept, fit to show: no password, no query (it can hold one)."""
        return _shown(self.engine.url.render_as_string(hide_password=False))

    def close(self) -> None:
        """Stop watching for rows left pending and release the engine's connections."""
        if self.watch is not None:
            self.watch.stop()
        self.engine.dispose()


def open_journal(
    database_url: str,
    *,
    pending_grace: timedelta,
    recheck_every: timedelta = RECHECK_EVERY,
    phone_region: str = submissions.DEFAULT_PHONE_REGION,
) -> Journal:
    """Open (and upgrade) the journal; rows pending for longer than the grace become unknown.

    The grace is the client's whole timeout (a margin is added): a row younger than that may
    belong to a request another process is still waiting on. Rows are looked at on opening and
    then every ``recheck_every`` while the journal is open.
    """
    grace = pending_grace + PENDING_MARGIN
    try:
        engine = make_engine(database_url)
        upgrade(engine, phone_region=phone_region)
        sessions = session_factory(engine)
        _expire(sessions, grace)
    # ValueError: a malformed port; ImportError: a driver that is not installed.
    except (SQLAlchemyError, OSError, ValueError, ImportError) as exc:
        said = _without_secrets(reason(exc), database_url)
        raise JournalUnavailable(
            f"The submission log at {_shown(database_url)} cannot be opened: {said}"
        ) from exc
    watch = PendingWatch(sessions, grace=grace, every=recheck_every)
    watch.start()
    return Journal(engine, sessions, watch, phone_region)


def unwritable(exc: BaseException) -> JournalUnavailable:
    """The plain-words error for a journal that cannot be written just now (nothing was sent)."""
    return JournalUnavailable(
        f"The submission log cannot be written just now ({reason(exc)}), so the order was not sent. "
        "Try again in a moment; if this keeps happening, tell whoever looks after Order Desk."
    )


def _shown(database_url: str) -> str:
    # Driver, user, host, port and database only: a password may also sit in the query.
    try:
        url = make_url(database_url)
        return url._replace(query={}).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "KAPTURE_DATABASE_URL (not a database URL)"


def _without_secrets(text: str, database_url: str) -> str:
    """The text with the URL's password and query values blanked, wherever a driver repeated them."""
    try:
        url = make_url(database_url)
    except (ArgumentError, ValueError):
        return "the address is not a database URL"
    values = [url.password or ""] + [
        value for values in url.query.values() for value in ((values,) if isinstance(values, str) else values)
    ]
    for secret in sorted({str(v) for v in values if v}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def reason(exc: BaseException) -> str:
    """The first line of a database error: what failed, without the SQL and its parameters."""
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__


def _expire(sessions: sessionmaker, grace: timedelta) -> int:
    with sessions.begin() as session:
        return submissions.expire_pending(session, older_than=datetime.now(UTC) - grace, message=LEFT_PENDING)
