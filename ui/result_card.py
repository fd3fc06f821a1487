"""What came of a submit, in plain words, with the order id large and the next step clear."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from services.log import Entry
from services.outcomes import meaning
from services.settings import SettingsError
from services.submit import Status, Submitted
from ui import duplicate, resources
from ui.text import md, option, quoted

_ADMIN = "Ask whoever manages the Kapture connection for Order Desk."


def _check_first(entry_id: int) -> str:
    # "It can look the order up" only where it can: the Pull Order API needs the account id.
    lookup = (
        "open the submission log (History), find entry **#{id}** and press **Check in Kapture**."
        if _can_check()
        else "ask someone who can see orders in Kapture to look for it."
    )
    return "**The order may have been created.** Before sending it again, " + lookup.format(id=entry_id)


def _can_check() -> bool:
    try:
        return resources.active_profile().cm_id is not None
    except SettingsError:
        return False


def show(submitted: Submitted, *, updating: bool, on_resend: Callable[[], None]) -> None:
    """Draw the card for a submit's answer; ``on_resend`` sends the same again, on purpose."""
    if submitted.status is Status.DUPLICATE and submitted.earlier is not None:
        duplicate.warn(submitted.earlier, key="result.duplicate_confirm", on_confirm=on_resend)
        return
    row = submitted.submission
    if row is None:
        return
    if submitted.status is Status.REPEAT:
        st.caption("You clicked more than once: it was sent only once.")
    if submitted.status is Status.INVALID:
        st.error("Nothing was sent: please fix what is marked in red above.", icon=":material/edit:")
        return
    _outcome(row, updating=updating, on_resend=on_resend)


def ids(row: Entry) -> None:
    """The order id, large, then every id Kapture returned, each with a copy button."""
    st.metric("Kapture order id", md(row.order_id))
    labelled = (
        ("Order id", row.order_id),
        ("Customer id", row.customer_id),
        ("Enquiry id", row.enquiry_id),
        ("Contact id", row.contact_id),
    )
    for column, (label, value) in zip(st.columns(4), labelled, strict=True):
        with column:
            st.caption(label)
            st.code(value or "—", language=None)


def _outcome(row: Entry, *, updating: bool, on_resend: Callable[[], None]) -> None:
    said = f" Kapture said: {quoted(row.message)}" if row.message else ""
    meant = meaning(row.outcome, row.http_status)
    thing = "update" if updating else "order"
    match row.outcome:
        case "success":
            verb = f"Kapture updated order {md(row.order_id)}." if updating else "Kapture took the order."
            st.success(f"**{verb}**", icon=":material/check_circle:")
            ids(row)
        case "rejected":
            # Only a reason can be corrected; without one, say who can find out.
            step = (
                " If it names something in the form, correct it and submit again."
                if row.message
                else " Kapture gave no reason. " + _ADMIN
            )
            st.error(f"**Kapture did not take the {thing}.**{said}{step}", icon=":material/block:")
        case "auth_failed":
            st.error(
                f"**The {thing} was not sent: Kapture did not accept Order Desk's login details.** " + _ADMIN,
                icon=":material/lock:",
            )
        case "network_error":
            st.error(
                f"**Order Desk could not reach Kapture.** The {thing} was not sent. "
                "Check the internet connection, then try again.",
                icon=":material/wifi_off:",
            )
            _technical(row)
            st.button("Try again", on_click=on_resend, type="primary", key="result.retry")
        case "http_error" if meant.may_have_created:
            st.warning(
                f"**Kapture had a problem on its side.** {_check_first(row.id)}",
                icon=":material/help:",
            )
            _technical(row)
            st.button("Send it again anyway", on_click=on_resend, key="result.confirm")
        case "http_error":
            st.error(
                f"**Kapture is not available right now.** The {thing} was not made. "
                "Try again in a few minutes. "
                + (_ADMIN if row.http_status in (301, 302, 307, 308, 404) else ""),
                icon=":material/cloud_off:",
            )
            _technical(row)
            st.button("Try again", on_click=on_resend, type="primary", key="result.retry")
        case "pending":
            st.info(
                f"**Still waiting for Kapture's answer.** Do not send the {thing} again: "
                f"its answer will be in the submission log (entry #{row.id}).",
                icon=":material/hourglass_top:",
            )
        case "timeout_unknown":
            # Why the answer did not come, in the client's plain words: time ran out, or the line broke.
            why = f" ({md(row.error)})" if row.error else ""
            headline = f"**Kapture's answer did not arrive{why}.**"
            st.warning(f"{headline} {_check_first(row.id)}", icon=":material/hourglass_top:")
            _technical(row, error=False)
            st.button("Send it again anyway", on_click=on_resend, key="result.confirm")
        case _ if meant.unclear:
            headline = {
                "invalid_response": "Kapture answered, but the answer could not be read.",
                "unknown": "Order Desk stopped before Kapture's answer came.",
            }.get(row.outcome, "Order Desk does not know how the send ended.")
            st.warning(f"**{headline}** {_check_first(row.id)}", icon=":material/help:")
            _technical(row)
            st.button("Send it again anyway", on_click=on_resend, key="result.confirm")
        case _:
            st.error(f"The {thing} was not sent ({md(meant.label)}).{said}")


def _technical(row: Entry, *, error: bool = True) -> None:
    # For whoever is asked to help; staff can pass it on without having to read it.
    detail = f"HTTP {row.http_status}" if row.http_status else ""
    detail = " · ".join(part for part in (detail, option(row.error, limit=200) if error else "") if part)
    if detail:
        st.caption(f"Technical detail for support: {md(detail)}")
