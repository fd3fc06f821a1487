"""The journal's search at 1,000 and at 1,000,000 rows, alternated in one run.

    python -m bench.search_scale [--rows 1000000] [--postgres URL]

Each query asks for the first page (50 rows, newest first) and the total, as the log page does.
Goal: at a million rows, every query ≤ 100 ms and ≤ 2× the same query at 1,000 rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bench.seed import CUSTOMERS, FIRST_ORDER_ID, seed
from storage import submissions
from storage.db import make_engine, session_factory, upgrade
from storage.submissions import SubmissionFilter

REPEATS = 25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("KAPTURE_BENCH_POSTGRES_URL", ""))
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        small = _journal(f"sqlite:///{folder}/small.db", 1_000, now)
        large = _journal(f"sqlite:///{folder}/large.db", args.rows, now)
        _compare("SQLite", small, large, now, args.rows)
    if args.postgres:
        base = args.postgres.rstrip("/").rsplit("/", 1)[0]
        small = _journal(_fresh_postgres(base, "orderdesk_bench_small"), 1_000, now)
        large = _journal(_fresh_postgres(base, "orderdesk_bench_large"), args.rows, now)
        _compare("PostgreSQL", small, large, now, args.rows)


def _queries(now: datetime) -> dict[str, SubmissionFilter]:
    customer = CUSTOMERS // 3
    return {
        "by phone": SubmissionFilter(phone=f"9{customer:09d}"),
        "by order id": SubmissionFilter(order_id=str(FIRST_ORDER_ID + 500)),
        "outcome + last day": SubmissionFilter(
            outcomes=["success"], created_from=now - timedelta(days=1), created_to=now + timedelta(seconds=1)
        ),
        "failures + last day": SubmissionFilter(
            outcomes=["rejected", "http_error", "timeout_unknown"],
            created_from=now - timedelta(days=1),
            created_to=now + timedelta(seconds=1),
        ),
    }


def _journal(url: str, rows: int, now: datetime):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    seed(engine, rows, now=now)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE submissions"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    print(
        f"seeded {rows:>9,} rows in {time.perf_counter() - started:6.1f} s  ({engine.dialect.name})",
        flush=True,
    )
    return session_factory(engine)


def _compare(name: str, small, large, now: datetime, rows: int) -> None:  # type: ignore[no-untyped-def]
    print(f"\n{name}: first page of 50 + total, median of {REPEATS}, alternated")
    print(f"{'query':<22}{'1,000 rows':>12}{f'{rows:,} rows':>16}{'ratio':>8}{'total (large)':>15}")
    for label, where in _queries(now).items():
        timings: dict[str, list[float]] = {"small": [], "large": []}
        totals = {}
        for _ in range(REPEATS):
            for size, sessions in (("small", small), ("large", large)):
                with sessions() as session:
                    started = time.perf_counter()
                    page = submissions.search(session, where)
                    timings[size].append((time.perf_counter() - started) * 1000)
                    totals[size] = page.total
        small_ms, large_ms = statistics.median(timings["small"]), statistics.median(timings["large"])
        ratio = large_ms / small_ms
        print(f"{label:<22}{small_ms:>10.2f}ms{large_ms:>14.2f}ms{ratio:>7.2f}x{totals['large']:>15,}")


def _fresh_postgres(base: str, name: str) -> str:
    admin = make_engine(f"{base}/postgres").execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{base}/{name}"


if __name__ == "__main__":
    main()
