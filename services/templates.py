"""Payload templates for QA: the vendor's example, built in and read-only, and saved ones."""

from __future__ import annotations

from dataclasses import dataclass

from kapture.jsontext import pretty
from kapture.models import vendor_example
from services.journal import Journal
from storage import templates
from storage.named import NameTaken

BUILT_IN = "Vendor example (built in)"


class TemplateError(ValueError):
    """A template could not be saved, renamed or deleted; the message says why."""


@dataclass(frozen=True)
class TemplateView:
    """A template as the editor lists it."""

    name: str
    payload: str
    description: str = ""
    template_id: int | None = None  # None: the built-in one, which cannot change

    @property
    def built_in(self) -> bool:
        return self.template_id is None


def listing(journal: Journal) -> list[TemplateView]:
    """The built-in template first, then the saved ones by name."""
    built_in = TemplateView(BUILT_IN, pretty(vendor_example()), "The vendor's documented Add Order example.")
    with journal.sessions() as session:
        saved = [
            TemplateView(t.name, t.payload, t.description, t.id) for t in templates.all_templates(session)
        ]
    return [built_in, *saved]


def save(journal: Journal, name: str, payload: str, description: str = "") -> TemplateView:
    """Save under a name: a new template, or the saved one of that name replaced."""
    if " ".join(name.split()) == BUILT_IN:
        raise TemplateError("The built-in template cannot be changed: save under another name.")
    try:
        with journal.sessions.begin() as session:
            existing = templates.find(session, name)
            if existing is None:
                saved = templates.create(session, name=name, payload=payload, description=description)
            else:
                saved = templates.update(session, existing.id, payload=payload, description=description)
            return TemplateView(saved.name, saved.payload, saved.description, saved.id)
    except (NameTaken, ValueError) as exc:
        raise TemplateError(str(exc)) from exc


def rename(journal: Journal, template: TemplateView, new_name: str) -> TemplateView:
    """Give a saved template another name."""
    if template.built_in or " ".join(new_name.split()) == BUILT_IN:
        raise TemplateError("The built-in template keeps its name.")
    try:
        with journal.sessions.begin() as session:
            renamed = templates.rename(session, template.template_id, new_name)
            return TemplateView(renamed.name, renamed.payload, renamed.description, renamed.id)
    except (NameTaken, ValueError, LookupError) as exc:
        raise TemplateError(str(exc)) from exc


def delete(journal: Journal, template: TemplateView) -> None:
    """Delete a saved template."""
    if template.built_in:
        raise TemplateError("The built-in template cannot be deleted.")
    try:
        with journal.sessions.begin() as session:
            templates.delete(session, template.template_id)
    except LookupError as exc:
        raise TemplateError(str(exc)) from exc
