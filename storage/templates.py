"""Saved payload templates: create, read, rename, update, delete. The caller owns the session."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage import named
from storage.models import Template

TemplateNameTaken = named.NameTaken


def create(session: Session, *, name: str, payload: str, description: str = "") -> Template:
    """Save a new template under a unique name."""
    return named.create(session, Template, name=name, payload=payload, description=description)


def find(session: Session, name: str) -> Template | None:
    """The template with this name, if any."""
    return named.find(session, Template, name)


def all_templates(session: Session) -> list[Template]:
    """Every saved template, by name."""
    return named.everything(session, Template)


def update(session: Session, template_id: int, *, payload: str, description: str | None = None) -> Template:
    """Replace a template's payload (and description, when given)."""
    return named.update(session, Template, template_id, payload=payload, description=description)


def rename(session: Session, template_id: int, new_name: str) -> Template:
    """Give a template another unique name."""
    return named.rename(session, Template, template_id, new_name)


def delete(session: Session, template_id: int) -> None:
    """Delete a template."""
    named.delete(session, Template, template_id)
