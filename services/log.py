"""The submission log for reviewers: search, summary, export, retention, and checking in Kapture."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

import xlsxwriter

from kapture import KaptureClient, PayloadInvalid, outcomes
from services.journal import Journal
from services.settings import same_kapture, shown_address
from storage import submissions
from storage.entries import Entry
from storage.models import PENDING
from storage.submissions import DayCount, OutcomeMatch, Page, SubmissionFilter, Summary

__all__ = ["DayCount", "Entry", "Page", "SubmissionFilter", "Summary"]

# The plain groups reviewers filter and count by, in the order they are shown.
GROUPS = outcomes.GROUPS
# Sends made while testing, not orders: out of the default view and its success rate.
QA_SOURCES = ("editor", "suite")
# Attempts the form refused never left Order Desk: out of the default view, there under a filter.
HIDDEN_OUTCOMES = (outcomes.INVALID,)

EXPORT_COLUMNS = (
    "id", "created_at", "finished_at", "profile_name", "base_url", "operation", "source", "operator",
    "template", "variant", "run_id", "result", "outcome", "http_status", "message", "error", "order_id",
    "customer_id", "enquiry_id", "contact_id", "action_event", "duration_ms", "customer_name", "phone",
    "email", "invoice_no", "payment_mode", "checked_at", "check_result", "checked_order_id",
    "request_body", "response_body",
)  # fmt: skip
# Read from the request as sent (order_info), for the reviewer who matches orders to invoices.
_FROM_ORDER_INFO = ("invoice_no", "payment_mode")
_XLSX_CELL_LIMIT = 32_767  # Excel's longest cell; a longer text is cut, and says so
_XLSX_ROWS = 1_048_576  # Excel's rows per sheet, the header included
# A cell starting with one of these is a formula to Excel and LibreOffice: it is exported with a
# leading apostrophe so it shows as text (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Outcomes whose answer is unclear whatever the status (``kapture.outcomes``); an HTTP error is
# unclear for its server errors only, so a row is judged by ``unclear(row)``.
UNKNOWN_OUTCOMES = outcomes.UNCLEAR


def unclear(row: Entry) -> bool:
    """Nobody knows yet whether this entry made the order: look in Kapture before sending it again."""
    return outcomes.meaning(row.outcome, row.http_status).unclear


def meaning_of(row: Entry) -> outcomes.Meaning:
    """What an entry's outcome means (``kapture.outcomes``), its HTTP status considered."""
    return outcomes.meaning(row.outcome, row.http_status)


def may_have_made(row: Entry) -> bool:
    """True when this entry went through or may have: sending it again can make a second order."""
    return meaning_of(row).may_have_created


def group(row: Entry) -> str:
    """The plain group of an entry's outcome ("Went through", "Refused", "Not sent", "Unknown — check")."""
    return outcomes.meaning(row.outcome, row.http_status).group


def group_of(outcome: str, http_status: int | None) -> str:
    """The plain group of an outcome and HTTP status."""
    return outcomes.meaning(outcome, http_status).group


def label_of(outcome: str, http_status: int | None = None) -> str:
    """The short label of an outcome for people ("no answer")."""
    return outcomes.meaning(outcome, http_status).label


def narrowed(
    where: SubmissionFilter, *, groups: Sequence[str] = (), include_qa: bool = False
) -> SubmissionFilter:
    """The filter as the log means it: groups as outcomes, QA traffic and form refusals left out.

    QA traffic is left out when no source is chosen and ``include_qa`` is off; refusals by the form
    when no outcome or group is chosen.
    """
    chosen, matches = list(where.outcomes), list(where.outcome_matches)
    statuses = tuple(outcomes.SERVER_ERRORS_AFTER_RECEIPT)
    for name in groups:
        for outcome in outcomes.ALL:
            # An outcome whose group depends on its status (an HTTP error) is split by the status.
            plain, server = group_of(outcome, None), group_of(outcome, statuses[0])
            if plain == server == name:
                chosen.append(outcome)
            elif plain == name:
                matches.append(OutcomeMatch(outcome, statuses, other_statuses=True))
            elif server == name:
                matches.append(OutcomeMatch(outcome, statuses))
    exclude_sources = () if where.sources or include_qa else QA_SOURCES
    exclude_outcomes = () if chosen or matches else HIDDEN_OUTCOMES
    return replace(
        where,
        outcomes=tuple(dict.fromkeys(chosen)),
        outcome_matches=tuple(dict.fromkeys(matches)),
        exclude_sources=exclude_sources,
        exclude_outcomes=exclude_outcomes,
    )


def by_group(summary: Summary) -> dict[str, int]:
    """The summary's counts per plain group, in ``GROUPS`` order, groups with none left out."""
    counts = dict.fromkeys(GROUPS, 0)
    for (outcome, status), count in summary.by_status.items():
        counts[group_of(outcome, status)] += count
    return {name: count for name, count in counts.items() if count}


def days_by(days: Sequence[DayCount], *, technical: bool = False) -> list[tuple[date, str, int]]:
    """Counts per day by plain group (or by outcome label, ``technical``), oldest day first."""
    summed: dict[tuple[date, str], int] = {}
    for day, outcome, status, count in days:
        key = (day, label_of(outcome) if technical else group_of(outcome, status))
        summed[key] = summed.get(key, 0) + count
    return sorted(((day, name, count) for (day, name), count in summed.items()), key=lambda item: item[0])


def page(journal: Journal, where: SubmissionFilter, number: int, per_page: int = 50) -> Page:
    """One page of the filtered log, newest first, with the total."""
    with journal.sessions() as session:
        return submissions.search(session, _in_region(journal, where), page=number, per_page=per_page)


def overview(
    journal: Journal, where: SubmissionFilter, *, zone: str = "UTC"
) -> tuple[Summary, list[DayCount]]:
    """The summary and the counts per day of ``zone`` (the reader's), in one go (above the log's table)."""
    with journal.sessions() as session:
        return submissions.overview(session, _in_region(journal, where), zone=zone)


def entry(journal: Journal, submission_id: int) -> Entry | None:
    """One journal entry."""
    with journal.sessions() as session:
        return submissions.get(session, submission_id)


def write_csv(
    journal: Journal, where: SubmissionFilter, out: IO[str], *, zone: str = "UTC", for_excel: bool = True
) -> int:
    """Write the filtered set as CSV, row by row; how many rows.

    ``for_excel``: a cell Excel would run as a formula gets a leading apostrophe. Without it the
    cells are exactly as stored (a phone keeps its ``+``), for scripts.
    """
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in _rows(journal, where):
        cells = _cells(row, _zone(zone))
        writer.writerow([_safe_cell(cell) for cell in cells] if for_excel else cells)
        count += 1
    return count


def write_jsonl(journal: Journal, where: SubmissionFilter, out: IO[str], *, zone: str = "UTC") -> int:
    """Write the filtered set as JSON Lines, one entry a line; how many rows."""
    count = 0
    for row in _rows(journal, where):
        out.write(
            json.dumps(dict(zip(EXPORT_COLUMNS, _cells(row, _zone(zone)), strict=True)), ensure_ascii=False)
        )
        out.write("\n")
        count += 1
    return count


def write_xlsx(journal: Journal, where: SubmissionFilter, out: IO[bytes], *, zone: str = "UTC") -> int:
    """Write the filtered set as an Excel workbook, every cell typed as text; how many rows."""
    # constant_memory: each row goes to disk as it is written, so a large export is not held at once.
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("Submissions")
    text = book.add_format({"num_format": "@"})  # the cells' format too: typed into, they stay text
    bold = book.add_format({"bold": True, "num_format": "@"})
    for place, name in enumerate(EXPORT_COLUMNS):
        sheet.write_string(0, place, name, bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for row in _rows(journal, where):
        if count + 1 >= _XLSX_ROWS:
            break  # Excel holds no more rows in a sheet: the CSV export has them all
        count += 1
        for place, cell in enumerate(_cells(row, _zone(zone))):
            sheet.write_string(count, place, _xlsx_text(cell), text)
    book.close()
    return count


def count_older_than(journal: Journal, days: int) -> int:
    """How many entries are older than this many days."""
    with journal.sessions() as session:
        return submissions.count_older_than(session, _cutoff(days))


def delete_older_than(journal: Journal, days: int) -> int:
    """Delete entries older than this many days; how many went."""
    with journal.sessions.begin() as session:
        return submissions.delete_older_than(session, _cutoff(days))


@dataclass(frozen=True)
class CheckResult:
    """What a look-up in Kapture found for an entry whose outcome was unknown."""

    found: bool | None  # None: could not tell (no look-up, a failed one, or an answer not understood)
    summary: str
    order_id: str = ""  # only when Kapture's answer names this entry's own order


# A tenant files an order under its own local day, and the world's clocks run from UTC−12:00 to
# UTC+14:00: the entry's UTC day can be the tenant's day before, the same day or the day after.
_LATEST_CLOCK = timedelta(hours=14)
# Kapture may make the order a while after the row was written: up to the client's whole timeout
# (at most about ten minutes), or later for an answer lost on the way. An hour covers both.
_MAKING_MARGIN = timedelta(hours=1)
# Where a pull answer's list may sit (the answer's shape is not documented); one level deep too.
_LIST_KEYS = ("orderList", "orders", "data", "result", "message")
_ORDER_ID_KEYS = ("order_id", "orderId")
_SHOWN_ORDERS = 5
# After the client gave up, how long Kapture may still take to make an order it received.
_SETTLE_MARGIN = timedelta(minutes=2)


def check_in_kapture(
    journal: Journal, client: KaptureClient, cm_id: int, submission_id: int, *, zone: str = "UTC"
) -> CheckResult:
    """Look the entry's order up in the Kapture it went to (Pull Order API) and record a clear answer.

    A time in the answer is in ``zone``, the reader's.
    """
    row = entry(journal, submission_id)
    if row is None:
        return CheckResult(None, f"There is no journal entry #{submission_id}.")
    if not same_kapture(row.base_url, client.base_url):
        # Another Kapture's "no such order" would say nothing about this one.
        went_to = shown_address(row.base_url)
        if row.profile_name and row.profile_name not in went_to:
            went_to += f" (profile {row.profile_name})"
        return CheckResult(
            None,
            f"Entry #{row.id} went to the Kapture at {went_to}, and Order Desk now talks to "
            f"{shown_address(client.base_url)}: it cannot check that Kapture from here. Look the order "
            "up in that Kapture before sending it again.",
        )
    if row.outcome == PENDING:  # someone's send is on its way: Kapture may be making the order now
        return CheckResult(
            None,
            f"Entry #{row.id} is still waiting for Kapture's answer: check again in a minute, when the "
            "answer (or its absence) is in the log. Do not send it again meanwhile.",
        )
    if _names_the_order(row):  # an order id names one order, whenever it was made: no day to narrow by
        checked = _check_order_id(client, cm_id, row)
    elif row.phone:
        checked = _check_phone(client, cm_id, row)
    else:
        return CheckResult(None, "This entry has neither a phone nor an order id to look up.")
    settled = (row.finished_at or row.created_at) + timedelta(seconds=sum(client.timeout)) + _SETTLE_MARGIN
    if checked.found is False and datetime.now(UTC) < settled:
        # Kapture can still be making an order whose answer Order Desk stopped waiting for.
        local = settled.astimezone(_zone(zone))
        return CheckResult(
            None,
            f"Kapture has no such order yet, but it may still be working on it: check again after "
            f"{local:%H:%M} {local.tzname()}. Do not send it again before then.",
        )
    if checked.found is not None:  # a look-up that told nothing must not replace one that did
        with journal.sessions.begin() as session:
            submissions.record_check(
                session,
                submission_id,
                checked_at=datetime.now(UTC),
                result=checked.summary,
                order_id=checked.order_id,
            )
    return checked


def _names_the_order(row: Entry) -> bool:
    """True when the entry's order id is the order's: Kapture answered it, or the entry updated it.

    An add that carries ``order_info.order_id`` without ``update: true`` makes a new order under a
    new id (the vendor's page: what decides is ``update`` and ``order_id``); with no answer, the
    entry's id is then only the one it asked for, and looking it up would prove nothing.
    """
    if not row.order_id:
        return False
    try:
        sent = json.loads(row.request_body)
    except (ValueError, RecursionError):
        sent = None
    order_info = sent.get("order_info") if isinstance(sent, dict) else None
    order_info = order_info if isinstance(order_info, dict) else {}
    updating = row.operation == "update" or order_info.get("update") is True
    return updating or row.order_id != str(order_info.get("order_id", "")).strip()


def _check_order_id(client: KaptureClient, cm_id: int, row: Entry) -> CheckResult:
    asked = _pull(client, cm_id, orderIds=row.order_id)
    if isinstance(asked, CheckResult):
        return asked
    ours = [order for order in asked if _order_id(order) == row.order_id]
    if ours:
        text = f"Kapture has order {row.order_id}: {_listed(ours)}."
        if row.operation == "update":
            text += (
                " Whether this update reached it cannot be told from here: compare its details in Kapture."
            )
        return CheckResult(True, text, row.order_id)
    if asked:
        return CheckResult(
            None,
            f"Could not tell: asked for order {row.order_id}, Kapture answered with other orders "
            f"({_listed(asked)}). Look the order up in Kapture before sending it again.",
        )
    if row.operation == "update":
        return CheckResult(False, f"Kapture has no order {row.order_id}: this update changed nothing there.")
    return CheckResult(False, f"Kapture has no order {row.order_id}: it was most likely not created.")


def _check_phone(client: KaptureClient, cm_id: int, row: Entry) -> CheckResult:
    days = local_days(row.created_at, row.finished_at)
    span = f"{days[0].isoformat()} to {days[-1].isoformat()}"
    found: dict[str, dict[str, Any]] = {}
    failures: list[str] = []
    # One day a call: the vendor's pull APIs take at most 24 hours per call.
    for day in days:
        asked = _pull(
            client, cm_id, phone=row.phone, createStartDate=day.isoformat(), createEndDate=day.isoformat()
        )
        if isinstance(asked, CheckResult):
            # Without this day the answer cannot be "none"; and a Kapture that failed once would
            # likely fail again, each time after its own timeout.
            failures.append(asked.summary)
            break
        for order in asked:
            found.setdefault(_order_id(order), order)
    if not found:
        if failures:
            return CheckResult(None, failures[0])
        return CheckResult(
            False,
            f"Kapture has no order for phone {row.phone} from {span} (the entry's day in every time "
            "zone): it was most likely not created.",
        )
    orders = list(found.values())
    unchecked = f" (Not every day could be checked: {failures[0]})" if failures else ""
    mine = _same_erp_order(orders, row.request_body)
    if mine is not None:
        text = (
            f"Kapture has order {_order_id(mine)} with this entry's ERP order id: {_listed([mine])}."
            f"{unchecked}"
        )
        return CheckResult(True, text, _order_id(mine))
    count = f"{len(orders)} orders" if len(orders) > 1 else "an order"
    return CheckResult(
        True,
        f"Kapture has {count} for phone {row.phone} from {span}: {_listed(orders)}. They may be other "
        f"orders of the same customer: compare them with this entry before sending it again.{unchecked}",
    )


def _pull(client: KaptureClient, cm_id: int, **by: str) -> list[dict[str, Any]] | CheckResult:
    """The orders one pull found, or the CheckResult saying why it tells nothing."""
    try:
        result = client.pull_orders(cm_id, **by)
    except PayloadInvalid as exc:
        return CheckResult(None, f"Could not ask Kapture: {exc}")
    if not result.ok:
        return CheckResult(None, f"Could not check: {result.explanation}")
    orders = found_orders(result.data)
    if orders is None:
        return CheckResult(
            None,
            "Could not tell: Kapture's answer to the look-up was not in a form Order Desk knows, so it "
            "says nothing about this order. Look the order up in Kapture before sending it again.",
        )
    return orders


def local_days(created_at: datetime, finished_at: datetime | None = None) -> list[date]:
    """Every tenant's local day the entry's order can be filed under, whatever its time zone."""
    utc_day = created_at.astimezone(UTC).date()
    first = utc_day - timedelta(days=1)  # west of UTC (to UTC−12:00) it may still be the day before
    # The day after, or the one after that for an order made late in the UTC day, east of UTC.
    latest = ((finished_at or created_at) + _MAKING_MARGIN + _LATEST_CLOCK).astimezone(UTC).date()
    last = max(utc_day + timedelta(days=1), latest)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def found_orders(data: Any) -> list[dict[str, Any]] | None:
    """The orders in a successful pull answer; None when its shape is not one Order Desk knows.

    The answer's shape is not documented, so only this counts: an object whose ``status`` is
    ``success`` with exactly one list of orders (at the top or one level down) in which every
    order carries an order id. An empty such list is the one answer that means "none".
    """
    if not isinstance(data, dict) or data.get("status") != "success":
        return None
    lists = [data[key] for key in _LIST_KEYS if isinstance(data.get(key), list)]
    for key in _LIST_KEYS:
        inner = data.get(key)
        if isinstance(inner, dict):
            lists += [inner[k] for k in _LIST_KEYS if isinstance(inner.get(k), list)]
    if len(lists) != 1:  # none, or two that might disagree
        return None
    (orders,) = lists
    if not all(isinstance(order, dict) and _order_id(order) for order in orders):
        return None
    return orders


def _order_id(order: dict[str, Any]) -> str:
    """The order's id as digits, or "" when it has none that is plainly an id."""
    for key in _ORDER_ID_KEYS:
        value = order.get(key)
        if isinstance(value, bool):
            continue
        text = str(value).strip() if isinstance(value, (int, str)) else ""
        if text.isascii() and text.isdigit():
            return text
    return ""


def _same_erp_order(orders: list[dict[str, Any]], request_body: str) -> dict[str, Any] | None:
    """The one order carrying the ERP order id this entry sent, if it sent one."""
    try:
        sent = json.loads(request_body)
    except (ValueError, RecursionError):  # what was sent may be any text QA typed
        return None
    order_info = sent.get("order_info") if isinstance(sent, dict) else None
    erp = str(order_info.get("erp_order_id") or "").strip() if isinstance(order_info, dict) else ""
    if not erp:
        return None
    same = [order for order in orders if str(order.get("erp_order_id") or "").strip() == erp]
    return same[0] if len(same) == 1 else None


def _listed(orders: list[dict[str, Any]]) -> str:
    shown = []
    for order in orders[:_SHOWN_ORDERS]:
        details = [str(order.get(key) or "")[:60] for key in ("customer_name", "create_date")]
        details = [detail for detail in details if detail.strip()]
        shown.append(f"{_order_id(order)} ({', '.join(details)})" if details else _order_id(order))
    more = len(orders) - _SHOWN_ORDERS
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _rows(journal: Journal, where: SubmissionFilter) -> Iterator[Entry]:
    with journal.sessions() as session:
        yield from submissions.stream(session, _in_region(journal, where))


def _in_region(journal: Journal, where: SubmissionFilter) -> SubmissionFilter:
    # A phone typed without its +country is read in the journal's region, as it was stored.
    return replace(where, phone_region=journal.phone_region)


def _cells(row: Entry, zone: ZoneInfo) -> list[Any]:
    """An entry's export cells: times in the reader's zone, to the second, with their offset."""
    sent = _order_info(row.request_body)
    cells: list[Any] = []
    for column in EXPORT_COLUMNS:
        if column == "result":
            value: Any = group(row)
        elif column in _FROM_ORDER_INFO:
            found = sent.get(column, "")
            value = found if isinstance(found, str) else json.dumps(found, ensure_ascii=False)
        else:
            value = getattr(row, column)
        if isinstance(value, datetime):
            value = value.astimezone(zone).isoformat(timespec="seconds")
        cells.append(value)
    return cells


def _order_info(request_body: str) -> dict[str, Any]:
    try:
        sent = json.loads(request_body)
    except (ValueError, RecursionError):  # what QA sent may be any text
        return {}
    info = sent.get("order_info") if isinstance(sent, dict) else None
    return info if isinstance(info, dict) else {}


def _xlsx_text(value: Any) -> str:
    text = "" if value is None else str(value)
    if len(text) > _XLSX_CELL_LIMIT:
        note = f"… [cut: {len(text):,} characters; the CSV export has it whole]"
        text = text[: _XLSX_CELL_LIMIT - len(note)] + note
    return text


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, OSError, KeyError):  # an unknown zone name reads as UTC, never a crash
        return ZoneInfo("UTC")


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _cutoff(days: int) -> datetime:
    if days < 1:
        raise ValueError("Keep at least one day.")
    return datetime.now(UTC) - timedelta(days=days)
