"""A journal entry as read: a plain, frozen record that no session owns, for services and pages."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Row

from storage.models import Submission


@dataclass(frozen=True)
class Entry:
    """One submission and what came of it (the name's search key and the click token stay in storage)."""

    id: int
    created_at: datetime
    finished_at: datetime | None
    profile_name: str
    base_url: str
    operation: str
    source: str
    operator: str
    template: str
    variant: str
    run_id: str
    request_body: str
    payload_hash: str
    outcome: str
    http_status: int | None
    message: str
    response_body: str
    error: str
    order_id: str
    customer_id: str
    enquiry_id: str
    contact_id: str
    action_event: str
    duration_ms: float | None
    customer_name: str
    phone: str
    phone_key: str  # the phone as searched: E.164 (+919845012345), or its digits if no phone
    email: str
    checked_at: datetime | None
    check_result: str
    checked_order_id: str


NAMES = tuple(f.name for f in fields(Entry))
# Selected as plain columns: one tuple per row, no ORM identity map to fill and empty again.
COLUMNS: tuple[Column[Any], ...] = tuple(Submission.__table__.c[name] for name in NAMES)


def entry_of(row: Row[Any]) -> Entry:
    """The entry of a row selected as ``COLUMNS``."""
    return Entry(*row)


def entry_from(values: dict[str, Any]) -> Entry:
    """An entry from column values: those missing take the column's default, others are left out."""
    return Entry(**{name: values.get(name, _DEFAULTS[name]) for name in NAMES})


_DEFAULTS = {column.name: column.default.arg if column.default is not None else None for column in COLUMNS}
