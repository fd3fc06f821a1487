"""What came of a submit, in plain words, with the order id large and the next step clear."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from services.log import Entry
from services.outcomes import meaning
from services.submit import Status, Submitted
from ui import duplicate
from ui.text import QUOTE_LIMIT, md

_ADMIN = "Ask whoever manages the Kapture connection for Order Desk."
_CHECK_FIRST = (
    "**The order may have been created.** Before sending it again, check Kapture, or open the "
    "submission log (History) and search for **#{id}**: it can look the order up in Kapture."
)


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
    said = f" Kapture said: “{md(row.message, limit=QUOTE_LIMIT)}”." if row.message else ""
    meant = meaning(row.outcome, row.http_status)
    match row.outcome:
        case "success":
            verb = f"Kapture updated order {md(row.order_id)}." if updating else "Kapture took the order."
            st.success(f"**{verb}**", icon=":material/check_circle:")
            ids(row)
        case "rejected":
            st.error(
                f"**Kapture did not take the {'update' if updating else 'order'}.**{said} "
                "Correct what it mentions and submit again.",
                icon=":material/block:",
            )
        case "auth_failed":
            st.error(
                "**The order was not sent: Kapture did not accept Order Desk's login details.** " + _ADMIN,
                icon=":material/lock:",
            )
        case "network_error":
            st.error(
                f"**Order Desk could not reach Kapture** ({md(row.error)}). The order was not sent. "
                "Check the internet connection, then try again.",
                icon=":material/wifi_off:",
            )
            st.button("Try again", on_click=on_resend, type="primary", key="result.retry")
        case "http_error" if meant.may_have_created:
            st.warning(
                f"**Kapture had a problem (HTTP {row.http_status}).** " + _CHECK_FIRST.format(id=row.id),
                icon=":material/help:",
            )
            st.button("Send it again anyway", on_click=on_resend, key="result.confirm")
        case "http_error":
            st.error(
                f"**Kapture is not available right now (HTTP {row.http_status}).** "
                "The order was not created. Try again in a few minutes. "
                + (_ADMIN if row.http_status in (301, 302, 307, 308, 404) else ""),
                icon=":material/cloud_off:",
            )
            st.button("Try again", on_click=on_resend, type="primary", key="result.retry")
        case "pending":
            st.info(
                "**Still waiting for Kapture's answer.** Do not send the order again: "
                f"its answer will be in the submission log (entry #{row.id}).",
                icon=":material/hourglass_top:",
            )
        case _ if meant.unclear:
            headline = {
                "timeout_unknown": "No clear answer from Kapture in time.",
                "invalid_response": "Kapture's answer was not clear.",
            }.get(row.outcome, "Order Desk does not know how the send ended.")
            st.warning(f"**{headline}** " + _CHECK_FIRST.format(id=row.id), icon=":material/hourglass_top:")
            st.button("Send it again anyway", on_click=on_resend, key="result.confirm")
        case _:
            st.error(f"The order was not sent ({md(row.outcome)}).{said}")
