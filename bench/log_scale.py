"""The submission log page at 1,000 and at 1,000,000 journal rows, alternated in one run.

    python -m bench.log_scale [--rows 1000000] [--repeats 15]

Each round renders the log page as Streamlit runs it (AppTest) on each journal — its default
view: the last 7 days, summary, chart and first page — and times a few searches typed in its
search box. Goal: the page ≤ 1.5× slower at a million rows; a filtered search ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.seed import CUSTOMERS, FIRST_ORDER_ID, seed
from services.journal import Journal, open_journal
from services.log import SubmissionFilter, page
from storage.db import make_engine, upgrade

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        urls = {size: f"sqlite:///{folder}/{size}.db" for size in (1_000, args.rows)}
        for size, url in urls.items():
            engine = make_engine(url)
            upgrade(engine)
            started = time.perf_counter()
            seed(engine, size, now=now)
            engine.dispose()
            print(f"seeded {size:>9,} rows in {time.perf_counter() - started:6.1f} s", flush=True)
        renders = {size: [] for size in urls}
        searches = {size: {} for size in urls}
        for round_number in range(args.repeats + 1):
            for size, url in urls.items():
                took = _render(url)
                if round_number:  # the first round warms caches and imports
                    renders[size].append(took)
                for label, where in _searches().items():
                    searches[size].setdefault(label, []).append(_search(url, where))
    small, large = urls
    print(f"\nlog page (AppTest run, default view), median of {args.repeats}, alternated")
    small_ms, large_ms = statistics.median(renders[small]), statistics.median(renders[large])
    ratio = large_ms / small_ms
    print(
        f"  {small:>9,} rows: {small_ms:7.1f} ms   {large:>9,} rows: {large_ms:7.1f} ms   ratio {ratio:.2f}x"
    )
    print(
        f"\nsearch box, first page + total, median of {args.repeats + 1}, at {large:,} rows (goal <= 100 ms)"
    )
    for label in _searches():
        print(f"  {label:<28} {statistics.median(searches[small][label]):6.2f} ms at {small:,}"
              f"   {statistics.median(searches[large][label]):6.2f} ms at {large:,}")  # fmt: skip


def _searches() -> dict[str, SubmissionFilter]:
    customer = CUSTOMERS // 3
    week = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=6)
    return {
        "phone (all time)": SubmissionFilter(text=f"+91 9{customer:09d}"),
        "order id (all time)": SubmissionFilter(text=str(FIRST_ORDER_ID + 500)),
        # The page always has a date range (the last 7 days by default): name and message
        # searches run within it.
        "name start (7 days)": SubmissionFilter(text="Bharat Steel", created_from=week),
        "message word (7 days)": SubmissionFilter(text="invalid", created_from=week),
        "failures (7 days)": SubmissionFilter(outcomes=("rejected", "http_error"), created_from=week),
    }


def _render(url: str) -> float:
    os.environ["KAPTURE_DATABASE_URL"] = url
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("views/log.py")
    started = time.perf_counter()
    at.run()
    took = (time.perf_counter() - started) * 1000
    assert not at.exception, at.exception
    return took


_journals: dict[str, Journal] = {}


def _search(url: str, where: SubmissionFilter) -> float:
    journal = _journals.get(url) or _journals.setdefault(
        url, open_journal(url, pending_grace=timedelta(days=1))
    )
    started = time.perf_counter()
    page(journal, where, 1)
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
