"""Opening the journal: engine, schema upgrade, and recovery of submissions left pending."""

from __future__ import annotations

from dataclasses import dataclass
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


class JournalUnavailable(RuntimeError):
    """The journal's database cannot be opened; the message is safe to show."""


@dataclass(frozen=True)
class Journal:
    """The journal's engine and its session factory."""

    engine: Engine
    sessions: sessionmaker

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()


def open_journal(database_url: str, *, pending_grace: timedelta) -> Journal:
    """Open (and upgrade) the journal; rows pending for longer than the grace become unknown.

    The grace is the client's whole timeout: a row younger than that may belong to a request
    another process is still waiting on.
    """
    try:
        engine = make_engine(database_url)
        upgrade(engine)
        journal = Journal(engine, session_factory(engine))
        recover_pending(journal, pending_grace=pending_grace)
    except (SQLAlchemyError, OSError) as exc:
        raise JournalUnavailable(
            f"The submission log at {_shown(database_url)} cannot be opened: {_reason(exc)}"
        ) from exc
    return journal


def _shown(database_url: str) -> str:
    try:
        return make_url(database_url).render_as_string(hide_password=True)
    except ArgumentError:
        return "KAPTURE_DATABASE_URL (not a database URL)"


def _reason(exc: BaseException) -> str:
    # The driver's first line says what failed; the rest is SQL and parameters.
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__


def recover_pending(journal: Journal, *, pending_grace: timedelta) -> int:
    """Mark submissions pending for longer than the grace as unknown; how many."""
    with journal.sessions.begin() as session:
        return submissions.expire_pending(
            session, older_than=datetime.now(UTC) - pending_grace, message=LEFT_PENDING
        )
