"""The submission log for reviewers: search, summary, export, retention, and checking in Kapture."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any

from kapture import KaptureClient, PayloadInvalid
from services.journal import Journal
from storage import submissions
from storage.models import Submission
from storage.submissions import Page, SubmissionFilter, Summary

__all__ = ["Page", "SubmissionFilter", "Summary"]

EXPORT_COLUMNS = (
    "id", "created_at", "finished_at", "profile_name", "base_url", "operation", "source", "operator",
    "template", "variant", "run_id", "outcome", "http_status", "message", "error", "order_id",
    "customer_id", "enquiry_id", "contact_id", "action_event", "duration_ms", "customer_name", "phone",
    "email", "checked_at", "check_result", "checked_order_id", "request_body", "response_body",
)  # fmt: skip
# A cell starting with one of these is a formula to Excel and LibreOffice: it is exported with a
# leading apostrophe so it shows as text (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UNKNOWN_OUTCOMES = ("unknown", "timeout_unknown", "invalid_response", "pending")


def page(journal: Journal, where: SubmissionFilter, number: int, per_page: int = 50) -> Page:
    """One page of the filtered log, newest first, with the total."""
    with journal.sessions() as session:
        return submissions.search(session, where, page=number, per_page=per_page)


def overview(journal: Journal, where: SubmissionFilter) -> tuple[Summary, list[tuple[date, str, int]]]:
    """The summary and the per-day counts, in one go (what the log page shows above its table)."""
    with journal.sessions() as session:
        return submissions.overview(session, where)


def entry(journal: Journal, submission_id: int) -> Submission | None:
    """One journal entry."""
    with journal.sessions() as session:
        return submissions.get(session, submission_id)


def write_csv(journal: Journal, where: SubmissionFilter, out: IO[str]) -> int:
    """Write the filtered set as CSV (safe to open in Excel), row by row; how many rows."""
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in _rows(journal, where):
        writer.writerow([_safe_cell(_cell(row, column)) for column in EXPORT_COLUMNS])
        count += 1
    return count


def write_jsonl(journal: Journal, where: SubmissionFilter, out: IO[str]) -> int:
    """Write the filtered set as JSON Lines, one entry a line; how many rows."""
    count = 0
    for row in _rows(journal, where):
        out.write(json.dumps({column: _cell(row, column) for column in EXPORT_COLUMNS}, ensure_ascii=False))
        out.write("\n")
        count += 1
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

    found: bool | None  # None: the look-up itself failed
    summary: str
    order_id: str = ""


def check_in_kapture(journal: Journal, client: KaptureClient, cm_id: int, submission_id: int) -> CheckResult:
    """Look the entry's order up with the Pull Order API (phone or order id, on its day) and record it."""
    row = entry(journal, submission_id)
    if row is None:
        return CheckResult(None, f"There is no journal entry #{submission_id}.")
    day = row.created_at.astimezone(UTC).date().isoformat()
    if row.order_id:  # an order id names one order, whenever it was made: no day to narrow by
        by: dict[str, str] = {"orderIds": row.order_id}
    elif row.phone:  # a phone has many orders: the ones made the day of this entry
        by = {"phone": row.phone, "createStartDate": day, "createEndDate": day}
    else:
        return CheckResult(None, "This entry has neither a phone nor an order id to look up.")
    try:
        result = client.pull_orders(cm_id, **by)
    except PayloadInvalid as exc:
        return CheckResult(None, f"Could not ask Kapture: {exc}")
    if not result.ok:
        return CheckResult(None, f"Could not check: {result.explanation}")
    orders = found_orders(result.data)
    what = f"order id {row.order_id}" if row.order_id else f"phone {row.phone} on {day}"
    if orders:
        listed = ", ".join(f"{o.get('order_id')} ({o.get('customer_name', '')})".strip() for o in orders[:5])
        first = str(orders[0].get("order_id", ""))
        checked = CheckResult(True, f"Kapture has {len(orders)} order(s) for {what}: {listed}.", first)
    else:
        checked = CheckResult(False, f"Kapture has no order for {what}: it was most likely not created.")
    with journal.sessions.begin() as session:
        submissions.record_check(
            session,
            submission_id,
            checked_at=datetime.now(UTC),
            result=checked.summary,
            order_id=checked.order_id,
        )
    return checked


def found_orders(data: Any) -> list[dict[str, Any]]:
    """The orders in a pull answer, wherever they sit (the answer's shape is not documented)."""
    if isinstance(data, list):
        return [item for item in data if isinstance(item, dict)]
    if isinstance(data, dict):
        for key in ("orderList", "orders", "data", "result", "message", "Order"):
            if isinstance(data.get(key), list):
                return found_orders(data[key])
            if isinstance(data.get(key), dict) and key != "Order":
                inner = found_orders(data[key])
                if inner:
                    return inner
    return []


def _rows(journal: Journal, where: SubmissionFilter) -> Iterator[Submission]:
    with journal.sessions() as session:
        yield from submissions.stream(session, where)


def _cell(row: Submission, column: str) -> Any:
    value = getattr(row, column)
    return value.isoformat() if isinstance(value, datetime) else value


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _cutoff(days: int) -> datetime:
    if days < 1:
        raise ValueError("Keep at least one day.")
    return datetime.now(UTC) - timedelta(days=days)
