"""Forms kept across a refresh or a restart: save, read back, forget, expire."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import SavedForm


def save(session: Session, *, desk: str, form: str, content: str, now: datetime) -> None:
    """Keep a form's content (JSON text), replacing what was kept for it before."""
    session.merge(SavedForm(desk=desk, form=form, content=content, updated_at=now))


def read(session: Session, *, desk: str, form: str) -> str | None:
    """The content kept for a form, if any."""
    return session.scalar(select(SavedForm.content).where(SavedForm.desk == desk, SavedForm.form == form))


def forget(session: Session, *, desk: str, form: str) -> None:
    """Drop what was kept for a form (it was sent, or cleared)."""
    session.execute(delete(SavedForm).where(SavedForm.desk == desk, SavedForm.form == form))


def forget_older_than(session: Session, cutoff: datetime) -> int:
    """Drop every form last saved before ``cutoff``; returns how many."""
    return session.execute(delete(SavedForm).where(SavedForm.updated_at < cutoff)).rowcount
