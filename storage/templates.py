"""Saved payload templates: create, read, rename, update, delete. The caller owns the session."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Template


class TemplateNameTaken(ValueError):
    """Another template already has this name."""


def create(session: Session, *, name: str, payload: str, description: str = "") -> Template:
    """Save a new template under a unique name."""
    name = _clean(name)
    if find(session, name) is not None:
        raise TemplateNameTaken(f"A template named “{name}” already exists.")
    now = datetime.now(UTC)
    template = Template(name=name, description=description, payload=payload, created_at=now, updated_at=now)
    session.add(template)
    session.flush()
    return template


def find(session: Session, name: str) -> Template | None:
    """The template with this name, if any."""
    return session.scalars(select(Template).where(Template.name == " ".join(name.split()))).first()


def all_templates(session: Session) -> list[Template]:
    """Every saved template, by name."""
    return list(session.scalars(select(Template).order_by(Template.name)))


def update(session: Session, template_id: int, *, payload: str, description: str | None = None) -> Template:
    """Replace a template's payload (and description, when given)."""
    template = _get(session, template_id)
    template.payload = payload
    if description is not None:
        template.description = description
    template.updated_at = datetime.now(UTC)
    return template


def rename(session: Session, template_id: int, new_name: str) -> Template:
    """Give a template another unique name."""
    template = _get(session, template_id)
    new_name = _clean(new_name)
    other = find(session, new_name)
    if other is not None and other.id != template.id:
        raise TemplateNameTaken(f"A template named “{new_name}” already exists.")
    template.name = new_name
    template.updated_at = datetime.now(UTC)
    return template


def delete(session: Session, template_id: int) -> None:
    """Delete a template."""
    session.delete(_get(session, template_id))


def _get(session: Session, template_id: int) -> Template:
    template = session.get(Template, template_id)
    if template is None:
        raise LookupError(f"There is no template {template_id}.")
    return template


def _clean(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValueError("A template needs a name.")
    if len(name) > 200:
        raise ValueError("A template name can be at most 200 characters.")
    return name
