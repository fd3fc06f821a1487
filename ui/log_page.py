"""The submission log's parts: filters, the summary and chart, the table, one entry, export."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any

import altair as alt
import pandas as pd
import streamlit as st

from services import log, outcomes
from services.compare import compare, parse_or_text
from services.log import GROUPS, Entry, Page, SubmissionFilter
from services.payloads import curl, parse, pretty
from services.submit import SOURCES, Context, Status, Submitted
from ui import clock, duplicate, once, resources
from ui.text import QUOTE_LIMIT, code, md, option
from ui.widgets import SEND_BLOCKERS, changes_table, nothing_sent, operator_named

OUTCOMES = outcomes.ALL  # every outcome the journal records, in one order
PER_PAGE = 50
# One colour per group and per outcome, the same in every view: a filter never repaints the chart.
GROUP_COLOURS = dict(zip(GROUPS, ("#2e7d32", "#c62828", "#78909c", "#f9a825"), strict=True))
OUTCOME_COLOURS = {
    "success": "#2e7d32", "rejected": "#c62828", "auth failed": "#ad1457", "HTTP error": "#ef6c00",
    "unreadable answer": "#f9a825", "network error": "#546e7a", "no answer": "#fbc02d",
    "invalid": "#b0bec5", "pending": "#1565c0", "unknown": "#8d6e63",
}  # fmt: skip
_RESENT = "log.resent"  # (entry id, the answer of its last "Send again"): shown while it is open
_RESENDING = "log.resending"  # the entry whose "Send again" is on its way, for _recover
_CHART_DAYS = 92  # up to a quarter, every day of the range has its place, empty or not
_UNKNOWN_HELP = (
    "Nobody knows whether Kapture created this order: the answer never came, could not be read, "
    "or was a server error that may come after the order was made. "
    "Before sending it again, look it up in Kapture"
)


def zone_name() -> str:
    """The reader's time zone for this page: the browser's, else the configured default, else UTC."""
    return clock.name(_default_zone())


def _default_zone() -> str | None:
    # The configured default (KAPTURE_TIME_ZONE), for a browser that does not say its zone.
    return resources.settings().time_zone or None


def filters() -> SubmissionFilter:
    """The filter row: search, dates (the last 7 days), result, source, who, where; QA traffic apart."""
    default = _default_zone()
    today = clock.today(default)
    state = st.session_state
    search, dates = st.columns([3, 2])
    search.text_input(
        "Search",
        key="log.text",
        placeholder="Name, phone, order id or #entry",  # short: it must fit a phone's width
        help=(
            "Finds words of a customer's name or of Kapture's message, a phone (written any way), "
            "an email, an order id, or an entry's number such as #123."
        ),
        persist_state="session",
    )
    chosen = dates.date_input(
        f"Dates ({clock.abbreviation(default=default)})",
        value=(today - timedelta(days=6), today),
        key="log.dates",
        format="DD/MM/YYYY",
        persist_state="session",
    )
    searching = bool(str(state.get("log.text") or "").strip())
    if searching:
        search.toggle("Only within these dates", key="log.text_in_dates", persist_state="session")
    result, source, operator, profile = st.columns([2, 2, 1, 1])
    technical = bool(state.get("log.technical"))
    if technical:
        result.multiselect("Outcome", OUTCOMES, key="log.outcomes", persist_state="session")
    else:
        result.multiselect(
            "Result",
            GROUPS,
            key="log.groups",
            persist_state="session",
            help="“Not sent” includes the attempts the form refused, which the log leaves out otherwise.",
        )
    source.multiselect("Source", SOURCES, key="log.sources", persist_state="session")
    operator.text_input("Operator", key="log.operator", persist_state="session")
    profile.text_input("Kapture", key="log.profile", placeholder="e.g. Sandbox", persist_state="session")
    switches = st.columns(2)
    switches[0].toggle("Show the ten technical outcomes", key="log.technical", persist_state="session")
    switches[1].toggle(
        "Include QA traffic (editor sends, suite runs)", key="log.include_qa", persist_state="session"
    )
    picked = chosen if isinstance(chosen, tuple) else (chosen,) if chosen else ()
    start, end = (*picked, None, None)[:2]
    if start and not end:  # one end chosen: from that day on
        dates.caption(f"From {start:%d %b %Y} onwards.")
    all_time = searching and not state.get("log.text_in_dates")
    if all_time:
        dates.caption("The search looks at every date.")
    groups = () if technical else tuple(state.get("log.groups", ()))
    where = SubmissionFilter(
        text=state.get("log.text", ""),
        outcomes=tuple(state.get("log.outcomes", ())) if technical else (),
        sources=tuple(state.get("log.sources", ())),
        operator=str(state.get("log.operator") or "").strip(),
        profile_name=str(state.get("log.profile") or "").strip(),
        created_from=None if all_time or not start else clock.day_start(start, default),
        created_to=None if all_time or not end else clock.day_start(end + timedelta(days=1), default),
    )
    narrowed = log.narrowed(where, groups=groups, include_qa=bool(state.get("log.include_qa")))
    _left_out(narrowed)
    return narrowed


def _left_out(where: SubmissionFilter) -> None:
    hidden = []
    if where.exclude_sources:
        hidden.append("QA traffic (editor sends and suite runs: “Include QA traffic”)")
    if where.exclude_outcomes:
        hidden.append("attempts the form refused (choose the result “Not sent”)")
    if hidden:
        st.caption("Not counted here: " + "; ".join(hidden) + ".")


def overview(where: SubmissionFilter, found: Page) -> None:
    """Counts, success rate, durations, and a chart of submissions per day (the reader's days).

    Not for a word so common that its matches were not all counted: an exact summary would read
    every one of them (seconds at a million rows), so the page asks for dates instead.
    """
    if found.total_capped and _spans_over_a_month(where):
        st.metric("Submissions", found.total_text)
        st.caption(
            f"{found.total_text.capitalize()} entries hold these words. To see how many exactly, the "
            "success rate and the chart, add a word, or turn on “Only within these dates” with a month "
            "or less."
        )
        return
    journal = resources.journal()
    zone = zone_name()
    summary, per_day = log.overview(journal, where, zone=zone)
    technical = bool(st.session_state.get("log.technical"))
    total, rate, median, p95 = st.columns(4)
    total.metric("Submissions", f"{summary.total:,}")
    rate.metric(
        "Success rate",
        f"{summary.success_rate:.0%}" if summary.success_rate is not None else "—",
        help="Of the submissions counted here, how many went through.",
    )
    median.metric("Median time", f"{summary.median_ms:.0f} ms" if summary.median_ms is not None else "—")
    p95.metric("95th percentile", f"{summary.p95_ms:.0f} ms" if summary.p95_ms is not None else "—")
    if not summary.total:
        return
    if technical:
        counts = sorted(summary.by_outcome.items(), key=lambda item: -item[1])
        st.caption(" · ".join(f"{md(outcome)} {count:,}" for outcome, count in counts))
    else:
        st.caption(" · ".join(f"**{name}** {count:,}" for name, count in log.by_group(summary).items()))
    st.altair_chart(_chart(log.days_by(per_day, technical=technical), where, technical), width="stretch")


def _spans_over_a_month(where: SubmissionFilter) -> bool:
    if where.created_from is None:
        return True
    return (where.created_to or datetime.now(UTC)) - where.created_from > timedelta(days=31)


def _chart(rows: list[tuple[date, str, int]], where: SubmissionFilter, technical: bool) -> alt.Chart:
    """Bars per day in calendar order, stacked by group (or outcome), each in its own fixed colour."""
    default = _default_zone()
    days = sorted({day for day, _, _ in rows})
    if where.created_from and where.created_to:
        first = where.created_from.astimezone(clock.zone(default)).date()
        last = (where.created_to - timedelta(microseconds=1)).astimezone(clock.zone(default)).date()
        if (last - first).days < _CHART_DAYS:
            days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    labels = [_day_label(day, len(days)) for day in days]
    colours = OUTCOME_COLOURS if technical else GROUP_COLOURS
    order = list(colours)
    frame = pd.DataFrame(
        [(_day_label(day, len(days)), name, count, order.index(name) if name in order else len(order))
         for day, name, count in rows],
        columns=["day", "result", "count", "stack"],
    )  # fmt: skip
    title = "outcome" if technical else "result"
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "day:O",
                sort=labels,
                scale=alt.Scale(domain=labels),
                title=f"day ({_zone_label()})",
                axis=alt.Axis(labelAngle=0 if len(labels) <= 14 else -45),
            ),
            y=alt.Y("sum(count):Q", title="submissions"),
            color=alt.Color(
                "result:N",
                title=title,
                sort=order,
                scale=alt.Scale(domain=order, range=list(colours.values())),
            ),
            order=alt.Order("stack:Q"),
            tooltip=[alt.Tooltip("day:O"), alt.Tooltip("result:N", title=title), alt.Tooltip("count:Q")],
        )
        .properties(height=240)
    )


def _day_label(day: date, span: int) -> str:
    # A short range reads best by weekday; a long one needs the year to stay in order when read.
    return f"{day:%a} {day.day} {day:%b}" if span <= 31 else f"{day.day} {day:%b %Y}"


def _zone_label() -> str:
    return clock.label(_default_zone())


def search(where: SubmissionFilter) -> Page:
    """The page of entries the filters match (the first one again when the filters changed)."""
    state = st.session_state
    if state.get("log.filter") != repr(where):  # new filters: back to the first page
        state["log.filter"], state["log.page"], state["log.open"] = repr(where), 1, None
    return log.page(resources.journal(), where, int(state.get("log.page", 1)), PER_PAGE)


def table(found: Page) -> Entry | None:
    """Fifty entries a page, newest first, in the reader's time; returns the one opened, if any."""
    state = st.session_state
    _recover()
    _resent_elsewhere()
    if found.total == 0:
        st.info("Nothing matches these filters.", icon=":material/search_off:")
        return None
    default = _default_zone()
    st.dataframe(
        [
            {
                "#": row.id,
                "when": clock.shown(row.created_at, default=default),
                "result": f"⚠ {log.group(row)}" if log.unclear(row) else log.group(row),
                "customer": row.customer_name,
                "phone": row.phone,
                "order id": row.order_id or row.checked_order_id,
                "outcome": log.label_of(row.outcome, row.http_status),
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
    more = "+" if found.total_capped else ""
    entries = "entry" if found.total == 1 and not found.total_capped else "entries"
    where_at.caption(f"Page {found.page} of {found.pages}{more} · {found.total_text} {entries}")
    forward.button("Older ›", key="log.older", disabled=found.page >= found.pages, on_click=_turn, args=(1,))
    # Select-box options are plain text: kept on one line and short, not escaped.
    labels = {
        row.id: f"#{row.id} · {clock.shown(row.created_at, default=default, seconds=False, year=False)}"
        f" · {option(row.customer_name, limit=60) or '—'} · {option(log.group(row))}"
        for row in found.rows
    }
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
        st.subheader(f"Entry #{row.id}: {log.group(row)} ({md(log.label_of(row.outcome, row.http_status))})",
                     anchor=False)  # fmt: skip
        took = f"{row.duration_ms:.0f} ms" if row.duration_ms is not None else "—"
        st.markdown(
            f"**When** {clock.shown(row.created_at, default=_default_zone())} · **took** {took} · "
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
            _json_or_text(row.request_body, expanded=True)
        with answer:
            st.markdown(f"**Answer** (HTTP {row.http_status or '—'})")
            _json_or_text(row.response_body or "(no answer)")
        _actions(row)


def export_and_retention(where: SubmissionFilter) -> None:
    """Download the filtered set; delete entries older than a number of days."""
    journal = resources.journal()
    zone = zone_name()
    with st.expander("Export these entries"):
        st.caption(
            f"Every entry the filters match, not just this page. Times are {_zone_label()}, to the second, "
            "with their offset. **Excel (.xlsx)** keeps every cell as text: nothing runs as a formula and "
            "phones keep their +. **CSV for Excel** puts an apostrophe before a cell starting with = + − @ "
            "so Excel cannot run it. **CSV for scripts** and **JSON Lines** hold the cells exactly as "
            "stored: do not open them in Excel."
        )
        xlsx_col, excel_col, script_col, jsonl_col = st.columns(4)
        downloads: list[tuple[Any, str, Callable[[IO[Any]], int], str, str, str, bool]] = [
            (xlsx_col, "Excel (.xlsx)", lambda out: log.write_xlsx(journal, where, out, zone=zone),
             "submissions.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "log.export_xlsx", True),
            (excel_col, "CSV for Excel", lambda out: log.write_csv(journal, where, out, zone=zone),
             "submissions-excel.csv", "text/csv", "log.export_csv", False),
            (script_col, "CSV for scripts",
             lambda out: log.write_csv(journal, where, out, zone=zone, for_excel=False),
             "submissions.csv", "text/csv", "log.export_script_csv", False),
            (jsonl_col, "JSON Lines", lambda out: log.write_jsonl(journal, where, out, zone=zone),
             "submissions.jsonl", "application/x-ndjson", "log.export_jsonl", False),
        ]  # fmt: skip
        for column, label, write, file_name, mime, key, binary in downloads:
            encoding = None if binary else "utf-8-sig" if key == "log.export_csv" else "utf-8"
            column.download_button(
                label,
                data=lambda write=write, encoding=encoding: _exported(write, encoding),
                file_name=file_name,
                mime=mime,
                key=key,
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
            f"Checked in Kapture at {clock.shown(row.checked_at, default=_default_zone())}: "
            f"{md(row.check_result, limit=QUOTE_LIMIT)}",
            icon=":material/fact_check:",
        )
    if profile.cm_id is None:
        st.warning(
            f"{_UNKNOWN_HELP}. (Set KAPTURE_CM_ID to let Order Desk look it up.)", icon=":material/help:"
        )
        return
    st.warning(f"{_UNKNOWN_HELP}: “Check in Kapture” asks the Pull Order API.", icon=":material/help:")
    if st.button("Check in Kapture", key=f"log.check.{row.id}", icon=":material/travel_explore:"):
        found = log.check_in_kapture(
            resources.journal(), resources.client(profile), profile.cm_id, row.id, zone=zone_name()
        )
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
    sure = st.session_state.pop("log.resend_sure_clicked", None) == row.id
    if resend_clicked:
        st.session_state.pop(_RESENT, None)  # a new act: the last answer makes way for it
    if (resend_clicked or confirm or sure) and operator_named():
        if resend_clicked and log.may_have_made(row):
            _ask_before_repeating(row)  # a second order in Kapture, unless the person means it
            return
        _resend(row, confirm=confirm or sure)
    resent = st.session_state.get(_RESENT)
    if resent is not None and resent[0] == row.id:
        _show_resent(resent[1])


def _ask_before_repeating(row: Entry) -> None:
    """Say which order a resend would repeat, and send only on a deliberate yes."""
    when = clock.shown(row.created_at, default=_default_zone())
    order_id = row.order_id or row.checked_order_id
    if log.meaning_of(row).succeeded:
        order = f"**order {md(order_id)}**" if order_id else "an order"
        what = f"Entry #{row.id} went through: Kapture took it as {order} on {when}."
    else:
        what = (
            f"Entry #{row.id} (sent {when}) may have made an order in Kapture"
            + (f" (**order {md(order_id)}**)" if order_id else "")
            + ": its answer is not clear."
        )
    st.warning(
        f"**Not sent yet.** {what} Sending it again makes a second order. Send it again anyway?",
        icon=":material/content_copy:",
    )
    st.button("Yes, send it again", key="log.resend_sure", on_click=_sure_resend, args=(row.id,))


def _sure_resend(submission_id: int) -> None:
    once.again("log", submission_id)
    st.session_state["log.resend_sure_clicked"] = submission_id


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
    state = st.session_state
    operator = str(state.get("operator") or "").strip()
    context = Context(source="replay", operator=operator, template=row.template, variant=row.variant)
    # One token per entry and per answer confirmed: repeated clicks are one send.
    token = once.token("log", f"resend {row.id}")
    # Written before sending: if the person touches anything while it goes, Streamlit ends this
    # run before the answer is stored, and the next run reads it back from the journal (_recover).
    state[_RESENDING] = row.id
    once.sending("log", token)
    try:
        done = resources.submitter().submit_text(
            row.request_body, context=context, token=token, confirm_duplicate=confirm
        )
    except SEND_BLOCKERS as exc:
        once.sent("log")
        nothing_sent(exc)
        return
    if done.status is Status.DUPLICATE and done.earlier is not None:
        state["log.resend_after"] = done.earlier.id
    state[_RESENT] = (row.id, done)
    once.sent("log")


def _recover() -> None:
    """A "Send again" whose run was cut short (the person typed or clicked while it went): its answer."""
    state = st.session_state
    if (done := once.recovered("log")) is not None:
        state[_RESENT] = (state.get(_RESENDING), done)


def _show_resent(done: Submitted, *, entry: int | None = None) -> None:
    """The answer of a "Send again"; ``entry`` names the entry sent again when it is not the one open."""
    of = f"Entry #{entry}: " if entry is not None else ""
    if done.status is Status.DUPLICATE and done.earlier is not None:
        if entry is None:  # its "send anyway" needs the entry open
            duplicate.warn(done.earlier, key="log.resend_yes", on_confirm=_confirm_resend)
        return
    sent = done.submission
    if sent is None:
        st.info(f"{of}Nothing was sent.", icon=":material/info:")
        return
    what = md(sent.outcome) + (f", order {md(sent.order_id)}" if sent.order_id else "")
    if done.status is Status.REPEAT:  # the same click again: the send it names happened before
        st.info(
            f"{of}Nothing new was sent: that click repeated the “Send again” already made, which is entry "
            f"#{sent.id} ({what}).",
            icon=":material/info:",
        )
        return
    st.success(f"{of}Sent again to {md(sent.profile_name)} as entry #{sent.id}: {what}")


def _resent_elsewhere() -> None:
    """The last "Send again" when its entry is no longer open (a filter changed while it went)."""
    state = st.session_state
    resent = state.get(_RESENT)
    if resent is None or resent[0] == state.get("log.open"):
        return
    if state.get("log.open") is not None or resent[0] is None:  # another entry opened: done with it
        state.pop(_RESENT, None)
        return
    _show_resent(resent[1], entry=resent[0])


def _confirm_resend() -> None:
    once.again("log", st.session_state.get("log.resend_after"))
    st.session_state["log.resend_confirm"] = True


def _json_or_text(text: str, *, expanded: bool | int = 1) -> None:
    value, problem = parse(text)
    if problem is None and isinstance(value, (dict, list)):
        st.json(value, expanded=expanded)
    else:
        st.code(text, language=None, wrap_lines=True)


def _exported(write: Callable[[IO[Any]], int], encoding: str | None) -> io.BufferedReader:
    # Written to a temporary file row by row, so no export holds the whole table in memory, and
    # handed over as a reader (the kind of file Streamlit takes); the name is gone at once. Excel
    # reads a CSV as UTF-8 only with the byte-order mark (utf-8-sig); a workbook is bytes.
    mode = "wb" if encoding is None else "w"
    with tempfile.NamedTemporaryFile(
        mode, encoding=encoding, newline=None if encoding is None else "", delete=False, suffix=".export"
    ) as out:
        write(out)
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
