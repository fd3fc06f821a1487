"""Saved things with a unique name (templates, suites): the verbs they share.

The caller owns the session. Names are trimmed and single-spaced; each kind says its own word
in messages ("template", "suite").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Suite, Template

Named = TypeVar("Named", Template, Suite)
_WORD = {Template: "template", Suite: "suite"}


class NameTaken(ValueError):
    """Another saved thing of the same kind already has this name."""


def create(session: Session, kind: type[Named], *, name: str, **fields: Any) -> Named:
    """Save a new one under a unique name."""
    name = clean(kind, name)
    if find(session, kind, name) is not None:
        raise NameTaken(f"A {_WORD[kind]} named “{name}” already exists.")
    now = datetime.now(UTC)
    item = kind(name=name, created_at=now, updated_at=now, **fields)
    session.add(item)
    session.flush()
    return item


def find(session: Session, kind: type[Named], name: str) -> Named | None:
    """The one with this name, if any."""
    return session.scalars(select(kind).where(kind.name == " ".join(name.split()))).first()


def everything(session: Session, kind: type[Named]) -> list[Named]:
    """All of a kind, by name."""
    return list(session.scalars(select(kind).order_by(kind.name)))


def update(session: Session, kind: type[Named], item_id: int, **fields: Any) -> Named:
    """Change some fields (None leaves a field as it is)."""
    item = get(session, kind, item_id)
    for field, value in fields.items():
        if value is not None:
            setattr(item, field, value)
    item.updated_at = datetime.now(UTC)
    return item


def rename(session: Session, kind: type[Named], item_id: int, new_name: str) -> Named:
    """Give one another unique name."""
    item = get(session, kind, item_id)
    new_name = clean(kind, new_name)
    other = find(session, kind, new_name)
    if other is not None and other.id != item.id:
        raise NameTaken(f"A {_WORD[kind]} named “{new_name}” already exists.")
    item.name = new_name
    item.updated_at = datetime.now(UTC)
    return item


def delete(session: Session, kind: type[Named], item_id: int) -> None:
    """Delete one."""
    session.delete(get(session, kind, item_id))


def get(session: Session, kind: type[Named], item_id: int) -> Named:
    """One by id, or LookupError."""
    item = session.get(kind, item_id)
    if item is None:
        raise LookupError(f"There is no {_WORD[kind]} {item_id}.")
    return item


def clean(kind: type[Named], name: str) -> str:
    """The name as stored: trimmed, single-spaced, not blank, at most 200 characters."""
    name = " ".join(name.split())
    if not name:
        raise ValueError(f"A {_WORD[kind]} needs a name.")
    if len(name) > 200:
        raise ValueError(f"A {_WORD[kind]} name can be at most 200 characters.")
    return name
