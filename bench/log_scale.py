"""The submission log page at 1,000 and at 1,000,000 journal rows, alternated in one run.

    python -m bench.log_scale [--rows 1000000] [--repeats 15] [--postgres URL] [--keep DIR]

Each round renders the log page as Streamlit runs it (AppTest) on each SQLite journal — its
default view: the last 7 days, summary, chart and first page — and times the searches typed in
its search box, as the page runs them (QA traffic and form refusals left out; word searches over
all time), on SQLite and, with ``--postgres``, on PostgreSQL. Goal: the page ≤ 1.5× slower at a
million rows; a search ≤ 100 ms. ``--keep DIR`` keeps the SQLite journals in DIR (and the
PostgreSQL databases) and reuses them when they hold the rows asked for: seeding a million rows
takes minutes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from bench.seed import CUSTOMERS, FIRST_ORDER_ID, seed
from services.journal import Journal, open_journal
from services.log import SubmissionFilter, narrowed, overview, page
from storage.db import make_engine, upgrade

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--postgres", default=os.environ.get("KAPTURE_BENCH_POSTGRES_URL", ""))
    parser.add_argument("--searches-only", action="store_true", help="time the searches, not the page")
    parser.add_argument("--keep", default="", help="keep (and reuse) the seeded journals in this folder")
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or temporary
        Path(folder).mkdir(parents=True, exist_ok=True)
        urls = {size: f"sqlite:///{folder}/{size}.db" for size in (1_000, args.rows)}
        for url in urls.values():
            _seeded(url, int(url.rsplit("/", 1)[1].split(".")[0]), now, reuse=bool(args.keep))
        renders: dict[int, list[float]] = {size: [] for size in urls}
        for round_number in range(0 if args.searches_only else args.repeats + 1):
            for size, url in urls.items():
                took = _render(url)
                if round_number:  # the first round warms caches and imports
                    renders[size].append(took)
        small, large = urls
        if not args.searches_only:
            print(f"\nlog page (AppTest run, default view), median of {args.repeats}, alternated")
            small_ms, large_ms = statistics.median(renders[small]), statistics.median(renders[large])
            print(f"  {small:>9,} rows: {small_ms:7.1f} ms   {large:>9,} rows: {large_ms:7.1f} ms"
                  f"   ratio {large_ms / small_ms:.2f}x")  # fmt: skip
        _time_searches("SQLite", urls, args.repeats)
    if args.postgres:
        base = args.postgres.rstrip("/").rsplit("/", 1)[0]
        urls = {
            size: _fresh_postgres(base, f"orderdesk_bench_log_{size}", reuse=bool(args.keep))
            for size in (1_000, args.rows)
        }
        for size, url in urls.items():
            _seeded(url, size, now, reuse=bool(args.keep))
        _time_searches("PostgreSQL", urls, args.repeats)


def _seeded(url: str, size: int, now: datetime, *, reuse: bool = False) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as connection:
        held = connection.execute(text("SELECT count(*) FROM submissions")).scalar_one()
    if reuse and held == size:
        # Kept from an earlier run: its newest row is then, not now. The searches' dates and the
        # ratios between the two journals do not depend on it (both were seeded at the same now).
        print(f"reusing {size:>9,} rows ({url.split(':')[0]})", flush=True)
        engine.dispose()
        return
    if held:
        raise SystemExit(f"{url.split('@')[-1]} holds {held:,} rows, not {size:,}: remove it first")
    started = time.perf_counter()
    seed(engine, size, now=now)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE submissions"))
    engine.dispose()
    print(
        f"seeded {size:>9,} rows in {time.perf_counter() - started:6.1f} s ({url.split(':')[0]})", flush=True
    )


def _time_searches(database: str, urls: dict[int, str], repeats: int) -> None:
    small, large = urls
    found: dict[str, str] = {}
    timings: dict[int, dict[str, list[float]]] = {size: {} for size in urls}
    for _ in range(repeats + 1):
        for size, url in urls.items():
            for label, where in _searches().items():
                took, total = _search(url, where)
                timings[size].setdefault(label, []).append(took)
                found[label] = total
    print(f"\n{database}: search box as the page runs it, median of {repeats + 1} (goal <= 100 ms)")
    print(f"  {'search':<38} {'first page + total':>38}   {'summary + chart':>38}   matches at {large:,}")
    for label in _searches():
        small_page, small_all = _medians(timings[small][label])
        large_page, large_all = _medians(timings[large][label])
        small_rest, large_rest = small_all - small_page, large_all - large_page
        pages = f"{small_page:7.2f} → {large_page:8.2f} ms ({large_page / small_page:6.2f}x)"
        wholes = f"{small_rest:7.2f} → {large_rest:8.2f} ms ({large_rest / small_rest:6.2f}x)"
        print(f"  {label:<38} {pages:>38}   {wholes:>38}   {found[label]:>16}")


def _medians(samples: list[tuple[float, float]] | list[float]) -> tuple[float, float]:
    pages = [sample[0] for sample in samples]  # type: ignore[index]
    wholes = [sample[1] for sample in samples]  # type: ignore[index]
    return statistics.median(pages), statistics.median(wholes)


def _searches() -> dict[str, SubmissionFilter]:
    customer = CUSTOMERS // 3
    week = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=6)
    year = week - timedelta(days=359)
    searches = {
        "phone (all time)": SubmissionFilter(text=f"+91 9{customer:09d}"),
        "order id (all time)": SubmissionFilter(text=str(FIRST_ORDER_ID + 500)),
        # Word searches run over all time, as the page runs them once text is typed.
        "name word + number (all time)": SubmissionFilter(text=f"Steel {customer}"),
        "a word no row has (all time)": SubmissionFilter(text="Unauthorised"),
        "name word, 1 in 6 rows (all time)": SubmissionFilter(text="Steel "),
        "same, still typed, 'Stee' (all time)": SubmissionFilter(text="Stee"),
        "accented, 'DÉLHI ' (all time)": SubmissionFilter(text="DÉLHI "),
        "name word, 1 in 6 rows (7 days)": SubmissionFilter(text="Steel ", created_from=week),
        "message word, 1 in 10 (7 days)": SubmissionFilter(text="Invalid ", created_from=week),
        "message word, 1 in 10 (a year)": SubmissionFilter(text="Invalid ", created_from=year),
        "failures (7 days)": SubmissionFilter(outcomes=("rejected", "http_error"), created_from=week),
    }
    return {label: narrowed(where) for label, where in searches.items()}


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


def _search(url: str, where: SubmissionFilter) -> tuple[tuple[float, float], str]:
    """(first page + total, that and the summary and chart) in ms, and how many rows matched."""
    journal = _journals.get(url) or _journals.setdefault(
        url, open_journal(url, pending_grace=timedelta(days=1))
    )
    started = time.perf_counter()
    found = page(journal, where, 1)
    paged = (time.perf_counter() - started) * 1000
    overview(journal, where, zone="Asia/Kolkata")
    return (paged, (time.perf_counter() - started) * 1000), found.total_text


def _fresh_postgres(base: str, name: str, *, reuse: bool = False) -> str:
    admin = make_engine(f"{base}/postgres").execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        there = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if not (reuse and there.first()):
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{base}/{name}"


if __name__ == "__main__":
    main()
