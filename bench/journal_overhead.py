"""A journaled submit against the bare client call, alternated in one run.

    python -m bench.journal_overhead [--orders 500] [--postgres URL]

Both send to the sandbox (its own process) through the same kept-alive client; the journaled
one also validates, checks for a duplicate, writes the row before sending and finishes it
after. The difference of the medians is what the journal costs per order. With --postgres
(or KAPTURE_BENCH_POSTGRES_URL) the same run is made on PostgreSQL too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from datetime import timedelta

from bench.sandbox_process import sandbox_process
from kapture import KaptureClient, OrderPayload, default_payload
from sandbox import DEMO_PASSWORD, DEMO_USERNAME
from services.journal import open_journal
from services.settings import load_settings
from services.submit import Context, Submitter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--postgres", default=os.environ.get("KAPTURE_BENCH_POSTGRES_URL", ""))
    args = parser.parse_args()
    with sandbox_process() as url, tempfile.TemporaryDirectory() as folder:
        databases = {"SQLite": f"sqlite:///{folder}/journal.db"}
        if args.postgres:
            databases["PostgreSQL"] = args.postgres
        print(f"{args.orders} orders each, journaled and bare alternated, sandbox in its own process")
        for name, database_url in databases.items():
            bare, journaled = _run(url, database_url, args.orders)
            _report(name, bare, journaled)


def _run(url: str, database_url: str, orders: int) -> tuple[list[float], list[float]]:
    login = {"KAPTURE_BASE_URL": url, "KAPTURE_USERNAME": DEMO_USERNAME, "KAPTURE_PASSWORD": DEMO_PASSWORD}
    profile = load_settings(login).profile
    journal = open_journal(database_url, pending_grace=timedelta(minutes=5))
    bare_ms: list[float] = []
    journaled_ms: list[float] = []
    run = uuid.uuid4().hex[:8]
    with KaptureClient(**profile.client_options()) as client:
        submitter = Submitter(journal, client, profile)
        for n in range(20 + orders):  # the first 20 warm both paths up
            payload = _order(f"{run}-{n}")
            started = time.perf_counter()
            answer = client.add_order(payload)
            assert answer.ok, (answer.outcome, answer.http_status, answer.error, answer.message)
            bare = (time.perf_counter() - started) * 1000

            payload.order_info.erp_order_id += "-j"
            started = time.perf_counter()
            done = submitter.submit(payload, context=Context(source="bulk", run_id=run))
            journaled = (time.perf_counter() - started) * 1000
            assert done.submission.outcome == "success", done
            if n >= 20:
                bare_ms.append(bare)
                journaled_ms.append(journaled)
    journal.close()
    return bare_ms, journaled_ms


def _order(erp_id: str) -> OrderPayload:
    payload = default_payload()
    payload.customer_info.customer_name = "Asha Traders"
    payload.customer_info.phone = "+91 98450 12345"
    payload.customer_info.email_id = "orders@asha.example"
    payload.order_info.erp_order_id = erp_id
    return payload


def _report(name: str, bare_ms: list[float], journaled_ms: list[float]) -> None:
    bare, journaled = statistics.median(bare_ms), statistics.median(journaled_ms)
    print(
        f"{name:<10}  bare median {bare:.3f} ms   journaled median {journaled:.3f} ms   "
        f"overhead {journaled - bare:+.3f} ms/order (goal <= +3 ms)   ratio {journaled / bare:.2f}x"
    )


if __name__ == "__main__":
    main()
