"""Forms kept across a refresh or a restart: save, read back, forget, copy, expire.

Each desk has one ``OWNER`` row besides its forms: who may read and write them (a keyed hash of
the browser that made the desk) and, in its time, when the desk was last used.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session, aliased

from storage.models import SavedForm

OWNER = "owner"  # the row naming the desk's browser; never a form's name


def save(session: Session, *, desk: str, form: str, content: str, now: datetime) -> None:
    """Keep a form's content (JSON text), replacing what was kept for it before."""
    session.merge(SavedForm(desk=desk, form=form, content=content, updated_at=now))


def read(session: Session, *, desk: str, form: str) -> str | None:
    """The content kept for a form, if any."""
    return session.scalar(select(SavedForm.content).where(SavedForm.desk == desk, SavedForm.form == form))


def forget(session: Session, *, desk: str, form: str) -> None:
    """Drop what was kept for a form (it was sent, or cleared)."""
    session.execute(delete(SavedForm).where(SavedForm.desk == desk, SavedForm.form == form))


def claim(session: Session, *, desk: str, owner: str, now: datetime) -> None:
    """Make a desk ``owner``'s: an insert, so it fails (IntegrityError) if the desk has an owner already."""
    session.add(SavedForm(desk=desk, form=OWNER, content=owner, updated_at=now))
    session.flush()


def touch(session: Session, *, desk: str, now: datetime) -> None:
    """Mark the desk used now: its week starts again."""
    session.execute(
        update(SavedForm).where(SavedForm.desk == desk, SavedForm.form == OWNER).values(updated_at=now)
    )


def copy(session: Session, *, source: str, target: str, now: datetime) -> None:
    """Copy a desk's forms (not its owner row) to another desk that has none yet."""
    kept = session.execute(
        select(SavedForm.form, SavedForm.content).where(SavedForm.desk == source, SavedForm.form != OWNER)
    ).all()
    session.add_all(SavedForm(desk=target, form=name, content=text, updated_at=now) for name, text in kept)


def forget_older_than(session: Session, cutoff: datetime) -> int:
    """Drop the desks last used before ``cutoff`` and old forms of no owner; returns how many rows."""
    stale = select(SavedForm.desk).where(SavedForm.form == OWNER, SavedForm.updated_at < cutoff)
    owner = aliased(SavedForm)
    unowned = ~exists().where(owner.desk == SavedForm.desk, owner.form == OWNER)
    dropped = 0
    for rows in (SavedForm.desk.in_(stale), (SavedForm.updated_at < cutoff) & unowned):
        statement = delete(SavedForm).where(rows).execution_options(synchronize_session=False)
        dropped += session.execute(statement).rowcount
    return dropped
