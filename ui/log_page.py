"""The submission log's parts: filters, the summary and chart, the table, one entry, export."""

from __future__ import annotations

import io
import os
import tempfile
from datetime import UTC, date, datetime, time, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from services import log, outcomes
from services.compare import compare, parse_or_text
from services.log import Entry, SubmissionFilter
from services.payloads import curl, parse, pretty
from services.submit import SOURCES, Context, Status
from ui import duplicate, once, resources
from ui.text import QUOTE_LIMIT, code, md, option
from ui.widgets import SEND_BLOCKERS, changes_table, nothing_sent, operator_named

OUTCOMES = outcomes.ALL  # every outcome the journal records, in one order
PER_PAGE = 50
_UNKNOWN_HELP = (
    "Nobody knows whether Kapture created this order: the answer never came, could not be read, "
    "or was a server error that may come after the order was made. "
    "Before sending it again, look it up in Kapture"
)


def filters() -> SubmissionFilter:
    """The filter row: dates (the last 7 days by default), outcome, source, who, where, and search."""
    today = datetime.now(UTC).date()
    search, dates = st.columns([3, 2])
    search.text_input(
        "Search",
        key="log.text",
        placeholder="Customer name, phone, email, order id, Kapture's message, or #entry",
        persist_state="session",
    )
    chosen = dates.date_input(
        "Dates",
        value=(today - timedelta(days=6), today),
        key="log.dates",
        format="DD/MM/YYYY",
        persist_state="session",
    )
    outcome, source, operator, profile = st.columns([2, 2, 1, 1])
    outcome.multiselect("Outcome", OUTCOMES, key="log.outcomes", persist_state="session")
    source.multiselect("Source", SOURCES, key="log.sources", persist_state="session")
    operator.text_input("Operator", key="log.operator", persist_state="session")
    profile.text_input("Kapture", key="log.profile", placeholder="e.g. Sandbox", persist_state="session")
    picked = chosen if isinstance(chosen, tuple) else (chosen,) if chosen else ()
    start, end = (*picked, None, None)[:2]
    if start and not end:  # one end chosen: from that day on
        dates.caption(f"From {start:%d %b %Y} onwards.")
    state = st.session_state
    return SubmissionFilter(
        text=state.get("log.text", ""),
        outcomes=tuple(state.get("log.outcomes", ())),
        sources=tuple(state.get("log.sources", ())),
        operator=str(state.get("log.operator") or "").strip(),
        profile_name=str(state.get("log.profile") or "").strip(),
        created_from=_midnight(start),
        created_to=_midnight(end + timedelta(days=1)) if end else None,
    )


def overview(where: SubmissionFilter) -> None:
    """Counts, success rate, durations, and a chart of submissions per day by outcome."""
    journal = resources.journal()
    summary, per_day = log.overview(journal, where)
    total, rate, median, p95 = st.columns(4)
    total.metric("Submissions", f"{summary.total:,}")
    rate.metric("Success rate", f"{summary.success_rate:.0%}" if summary.success_rate is not None else "—")
    median.metric("Median time", f"{summary.median_ms:.0f} ms" if summary.median_ms is not None else "—")
    p95.metric("95th percentile", f"{summary.p95_ms:.0f} ms" if summary.p95_ms is not None else "—")
    if summary.by_outcome:
        counts = sorted(summary.by_outcome.items(), key=lambda item: -item[1])
        st.caption(" · ".join(f"{md(outcome)} {count:,}" for outcome, count in counts))
        days = pd.DataFrame(per_day, columns=["day", "outcome", "count"])
        days["label"] = [f"{day:%a %d %b}" for day in days["day"]]
        chart = (
            alt.Chart(days)
            .mark_bar()
            .encode(
                x=alt.X("label:N", sort=None, title="day (UTC)", axis=alt.Axis(labelAngle=0)),
                y=alt.Y("sum(count):Q", title="submissions"),
                color=alt.Color("outcome:N", title="outcome"),
                tooltip=["label", "outcome", "count"],
            )
            .properties(height=240)
        )
        st.altair_chart(chart, width="stretch")


def table(where: SubmissionFilter) -> Entry | None:
    """Fifty entries a page, newest first; returns the one opened, if any."""
    state = st.session_state
    if state.get("log.filter") != repr(where):  # new filters: back to the first page
        state["log.filter"], state["log.page"], state["log.open"] = repr(where), 1, None
    number = int(state.get("log.page", 1))
    found = log.page(resources.journal(), where, number, PER_PAGE)
    if found.total == 0:
        st.info("Nothing matches these filters.", icon=":material/search_off:")
        return None
    st.dataframe(
        [
            {
                "#": row.id,
                "when (UTC)": f"{row.created_at:%Y-%m-%d %H:%M:%S}",
                "outcome": f"⚠ {row.outcome}" if log.unclear(row) else row.outcome,
                "customer": row.customer_name,
                "phone": row.phone,
                "order id": row.order_id or row.checked_order_id,
                "source": row.source,
                "operator": row.operator,
                "Kapture said": row.message or row.error,
            }
            for row in found.rows
        ],
        hide_index=True,
        width="stretch",
    )
    back, where_at, forward, _ = st.columns([1, 2, 1, 3], vertical_alignment="center")
    back.button("‹ Newer", key="log.newer", disabled=found.page <= 1, on_click=_turn, args=(-1,))
    where_at.caption(f"Page {found.page} of {found.pages} · {found.total:,} entries")
    forward.button("Older ›", key="log.older", disabled=found.page >= found.pages, on_click=_turn, args=(1,))
    # Select-box options are plain text: kept on one line and short, not escaped.
    labels = {row.id: f"#{row.id} · {row.created_at:%d %b %H:%M} · "
                      f"{option(row.customer_name, limit=60) or '—'} · {option(row.outcome)}"
              for row in found.rows}  # fmt: skip
    state.setdefault("log.open", None)
    opened = st.selectbox(
        "Open an entry",
        [None, *labels],
        format_func=lambda i: "—" if i is None else labels[i],
        key="log.open",
    )
    return next((row for row in found.rows if row.id == opened), None) if opened else None


def detail(row: Entry) -> None:
    """One entry in full, and what can be done with it."""
    with st.container(border=True):
        st.subheader(f"Entry #{row.id}: {md(row.outcome)}", anchor=False)
        took = f"{row.duration_ms:.0f} ms" if row.duration_ms is not None else "—"
        st.markdown(
            f"**When** {row.created_at:%Y-%m-%d %H:%M:%S} UTC · **took** {took} · "
            f"**by** {md(row.operator) or '—'} · "
            f"**from** {md(row.source)} ({md(row.operation)}) · **to** {md(row.profile_name)}"
            + (f" · **template** {md(row.template)}" if row.template else "")
            + (f" · **variant** {md(row.variant)}" if row.variant else "")
            + (f" · **run** {code(row.run_id)}" if row.run_id else "")
        )
        ids = [(name, getattr(row, f"{name}_id")) for name in ("order", "customer", "enquiry", "contact")]
        if any(value for _, value in ids):
            st.markdown(" · ".join(f"**{name} id** {code(value)}" for name, value in ids if value))
        if row.message:
            st.markdown(f"Kapture said: “{md(row.message, limit=QUOTE_LIMIT)}”")
        elif row.error:
            st.markdown(f"Detail: {md(row.error, limit=QUOTE_LIMIT)}")
        if log.unclear(row):
            _unknown(row)
        request, answer = st.columns(2)
        with request:
            st.markdown("**Request as sent**")
            _json_or_text(row.request_body)
        with answer:
            st.markdown(f"**Answer** (HTTP {row.http_status or '—'})")
            _json_or_text(row.response_body or "(no answer)")
        _actions(row)


def export_and_retention(where: SubmissionFilter) -> None:
    """Download the filtered set; delete entries older than a number of days."""
    journal = resources.journal()
    with st.expander("Export these entries"):
        st.caption(
            "Every entry the filters match, not just this page. Cells that would be formulas are made safe."
        )
        csv_col, jsonl_col, _ = st.columns([1, 1, 2])
        csv_col.download_button(
            "CSV (Excel)",
            data=lambda: _exported(journal, where, log.write_csv),
            file_name="submissions.csv",
            mime="text/csv",
            key="log.export_csv",
            on_click="ignore",
        )
        jsonl_col.download_button(
            "JSON Lines",
            data=lambda: _exported(journal, where, log.write_jsonl),
            file_name="submissions.jsonl",
            mime="application/x-ndjson",
            key="log.export_jsonl",
            on_click="ignore",
        )
    with st.expander("Delete old entries", expanded="log.deleted" in st.session_state):
        done = st.session_state.pop("log.deleted", None)
        if done is not None:
            st.success(f"Deleted {done:,} {'entry' if done == 1 else 'entries'}.")
        days = st.number_input("Keep the last … days", min_value=1, value=365, step=1, key="log.keep_days")
        older = log.count_older_than(journal, int(days))
        if older == 0:
            st.caption(f"No entry is older than {days} days.")
            return
        entries = "entry" if older == 1 else "entries"
        sure = st.checkbox(f"Yes, delete the {older:,} {entries} older than {days} days", key="log.sure")
        st.button(
            f"Delete {older:,} {entries}",
            key="log.delete",
            disabled=not sure,
            type="primary",
            on_click=_delete_old,
            args=(int(days),),
        )


def _unknown(row: Entry) -> None:
    profile = resources.active_profile()
    if row.checked_at is not None:
        st.info(
            f"Checked in Kapture at {row.checked_at:%H:%M} UTC: {md(row.check_result, limit=QUOTE_LIMIT)}",
            icon=":material/fact_check:",
        )
    if profile.cm_id is None:
        st.warning(
            f"{_UNKNOWN_HELP}. (Set KAPTURE_CM_ID to let Order Desk look it up.)", icon=":material/help:"
        )
        return
    st.warning(f"{_UNKNOWN_HELP}: “Check in Kapture” asks the Pull Order API.", icon=":material/help:")
    if st.button("Check in Kapture", key=f"log.check.{row.id}", icon=":material/travel_explore:"):
        found = log.check_in_kapture(resources.journal(), resources.client(profile), profile.cm_id, row.id)
        # Calm only when the entry's own order was found; other orders of the phone need a look.
        claimed = found.found and found.order_id
        (st.success if claimed else st.warning if found.found is not None else st.error)(md(found.summary))


def _actions(row: Entry) -> None:
    editor, update, as_curl, resend = st.columns(4)
    if editor.button("Open in payload editor", key="log.to_editor", icon=":material/data_object:"):
        value, problem = parse(row.request_body)
        st.session_state["editor.text"] = row.request_body if problem else pretty(value)
        st.switch_page("views/payload_editor.py")
    order_id = row.order_id or row.checked_order_id
    if update.button("Update this order", key="log.to_update", disabled=not order_id, icon=":material/edit:"):
        st.session_state["update.open_order_id"] = order_id
        st.switch_page("views/update_order.py")
    show_curl = as_curl.toggle("Copy as curl", key="log.curl")
    target = resources.active_profile()
    if target.base_url != row.base_url:
        resend.caption(
            f"“Send again” goes to {md(target.name)}, not to {md(row.profile_name)} where this entry went."
        )
    resend_clicked = resend.button("Send again", key="log.resend", icon=":material/replay:")
    if show_curl:
        st.code(curl(row.base_url, row.request_body), language="bash")
    other = st.number_input("Compare with entry #", min_value=0, value=0, step=1, key="log.diff_with")
    if other:
        _diff(row, int(other))
    confirm = st.session_state.pop("log.resend_confirm", False)
    if (resend_clicked or confirm) and operator_named():
        _resend(row, confirm=confirm)


def _diff(row: Entry, other_id: int) -> None:
    other = log.entry(resources.journal(), other_id)
    if other is None:
        st.error(f"There is no journal entry #{other_id}.")
        return
    for label, before, after in (
        ("Request", row.request_body, other.request_body),
        ("Answer", row.response_body, other.response_body),
    ):
        changes = compare(parse_or_text(before), parse_or_text(after))
        st.markdown(
            f"**{label}: #{row.id} → #{other.id}** — {len(changes) or 'no'} difference(s) (ids ignored)"
        )
        if changes:
            changes_table(changes)


def _resend(row: Entry, *, confirm: bool) -> None:
    operator = str(st.session_state.get("operator") or "").strip()
    context = Context(source="replay", operator=operator, template=row.template, variant=row.variant)
    # One token per entry and per answer confirmed: repeated clicks are one send.
    token = once.token("log", f"resend {row.id}")
    try:
        done = resources.submitter().submit_text(
            row.request_body, context=context, token=token, confirm_duplicate=confirm
        )
    except SEND_BLOCKERS as exc:
        nothing_sent(exc)
        return
    if done.status is Status.DUPLICATE and done.earlier is not None:
        st.session_state["log.resend_after"] = done.earlier.id
        duplicate.warn(done.earlier, key="log.resend_yes", on_confirm=_confirm_resend)
        return
    sent = done.submission
    if sent is None:
        st.info("Nothing was sent.", icon=":material/info:")
        return
    what = md(sent.outcome) + (f", order {md(sent.order_id)}" if sent.order_id else "")
    if done.status is Status.REPEAT:  # the same click again: the send it names happened before
        st.info(
            f"Nothing new was sent: that click repeated the “Send again” already made, which is entry "
            f"#{sent.id} ({what}).",
            icon=":material/info:",
        )
        return
    st.success(f"Sent again to {md(sent.profile_name)} as entry #{sent.id}: {what}")


def _confirm_resend() -> None:
    once.again("log", st.session_state.get("log.resend_after"))
    st.session_state["log.resend_confirm"] = True


def _json_or_text(text: str) -> None:
    value, problem = parse(text)
    if problem is None and isinstance(value, (dict, list)):
        st.json(value, expanded=1)
    else:
        st.code(text, language=None, wrap_lines=True)


def _exported(journal, where: SubmissionFilter, write) -> io.BufferedReader:  # type: ignore[no-untyped-def]
    # Written to a temporary file row by row, so no export holds the whole table in memory, and
    # handed over as a reader (the kind of file Streamlit takes); the name is gone at once.
    encoding = "utf-8-sig" if write is log.write_csv else "utf-8"  # Excel reads UTF-8 with the mark
    with tempfile.NamedTemporaryFile(
        "w", encoding=encoding, newline="", delete=False, suffix=".export"
    ) as out:
        write(journal, where, out)
    reader = open(out.name, "rb")  # noqa: SIM115 - Streamlit reads and closes it
    os.unlink(out.name)
    return reader


def _delete_old(days: int) -> None:
    # In a callback, before the tick box is drawn again: the next deletion needs a fresh tick.
    st.session_state["log.deleted"] = log.delete_older_than(resources.journal(), days)
    st.session_state["log.sure"] = False


def _turn(step: int) -> None:
    st.session_state["log.page"] = max(1, int(st.session_state.get("log.page", 1)) + step)
    st.session_state["log.open"] = None


def _midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None
