"""The one warning for an identical order sent recently: what became of it, and a deliberate resend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from services.outcomes import meaning
from ui.text import md


class Earlier(Protocol):
    """What the warning reads from the earlier journal entry."""

    id: int
    created_at: datetime
    outcome: str
    http_status: int | None
    order_id: str


def warn(earlier: Earlier, *, key: str, on_confirm: Callable[[], None]) -> None:
    """Say that nothing was sent because of ``earlier``, and offer to send it again anyway."""
    when = local_time(earlier.created_at)
    sent = f"An identical order was sent to this Kapture at {when} (entry #{earlier.id})"
    if meaning(earlier.outcome, earlier.http_status).succeeded:
        what = f"{sent} and Kapture took it as **order {md(earlier.order_id)}**."
    else:
        what = f"{sent} and its answer is not known: it may exist in Kapture."
    st.warning(f"**Not sent yet.** {what} Send it again anyway?", icon=":material/content_copy:")
    st.button("Yes, send it again", on_click=on_confirm, key=key)


def local_time(moment: datetime) -> str:
    """A stored (UTC) time in the reader's own time zone (``st.context.timezone``), always labelled."""
    try:
        zone = ZoneInfo(st.context.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = moment.astimezone(zone)
    return local.strftime("%H:%M on %d %b") + f" {local.tzname() or zone.key}"
