"""The reader's clock: their time zone, and one way to show a stored (UTC) time, always labelled.

Stored times are UTC. A person reads their own zone: the browser's (``st.context.timezone``), else
the configured default, else UTC. Every time shown carries its zone, so no one mistakes it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import streamlit as st


def zone(default: str | None = None) -> ZoneInfo:
    """The reader's time zone: the browser's, else ``default`` (an IANA name), else UTC."""
    for name in (_browser_zone(), default, "UTC"):
        found = _known(name)
        if found is not None:
            return found
    return ZoneInfo("UTC")


def name(default: str | None = None) -> str:
    """The reader's zone as an IANA name ("Asia/Kolkata"), for services that take one."""
    return zone(default).key


def abbreviation(moment: datetime | None = None, default: str | None = None) -> str:
    """The zone's short name at a moment (now by default): "IST", "CET", "+04"."""
    here = zone(default)
    local = (moment or datetime.now(UTC)).astimezone(here)
    return local.tzname() or here.key


def label(default: str | None = None) -> str:
    """The zone for a heading: "IST, Asia/Kolkata"; once when both say the same ("UTC")."""
    short, full = abbreviation(default=default), name(default)
    return short if short == full else f"{short}, {full}"


def shown(moment: datetime, *, default: str | None = None, seconds: bool = True, year: bool = True) -> str:
    """A stored time as a person reads it, labelled: "27 Nov 2026, 09:14:46 IST"."""
    local = moment.astimezone(zone(default))
    day = f"{local.day} {local:%b %Y}" if year else f"{local.day} {local:%b}"
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{day}, {clock} {local.tzname() or zone(default).key}"


def day_start(day: date, default: str | None = None) -> datetime:
    """The instant the reader's ``day`` begins, as an aware UTC time (for filters on stored times)."""
    return datetime.combine(day, time.min, tzinfo=zone(default)).astimezone(UTC)


def today(default: str | None = None) -> date:
    """The reader's date now."""
    return datetime.now(zone(default)).date()


def _browser_zone() -> str | None:
    return st.context.timezone  # None until the browser said (and in AppTest)


def _known(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):  # unknown, or not a zone's name at all ("../etc")
        return None
