"""Drills for the journal: many writers at once, a process killed mid-request, secrets kept out."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from kapture import KaptureClient, OrderPayload, basic_token
from sandbox import Sandbox, start_sandbox
from services.journal import LEFT_PENDING, PENDING_MARGIN, Journal, open_journal
from services.settings import Profile, load_settings
from services.submit import Context, Submitter
from storage import submissions
from storage.models import Submission

ROOT = Path(__file__).resolve().parent.parent
THREADS, PER_THREAD = 8, 250


def test_eight_threads_journal_two_thousand_orders_without_a_loss(
    journal: Journal, client: KaptureClient, profile: Profile, order: OrderPayload, sandbox: Sandbox
) -> None:
    submitter = Submitter(journal, client, profile)

    def worker(thread: int) -> list[str]:
        outcomes = []
        for n in range(PER_THREAD):
            payload = order.model_copy(deep=True)
            payload.order_info.erp_order_id = f"ERP-{thread}-{n}"  # every order distinct
            done = submitter.submit(payload, context=Context(source="bulk", run_id=f"drill-{thread}"))
            outcomes.append(done.submission.outcome)
        return outcomes

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = [o for result in pool.map(worker, range(THREADS)) for o in result]

    assert outcomes == ["success"] * THREADS * PER_THREAD  # any exception would have surfaced here
    with journal.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == THREADS * PER_THREAD
        assert session.scalar(select(func.count(func.distinct(Submission.order_id)))) == THREADS * PER_THREAD
        for thread in range(THREADS):
            filtered = submissions.SubmissionFilter(run_id=f"drill-{thread}", outcomes=["success"])
            assert submissions.search(session, filtered).total == PER_THREAD
    assert len(sandbox.state.orders()) == THREADS * PER_THREAD


HANGING_SUBMIT = textwrap.dedent(
    """
    import sys
    from datetime import timedelta
    from kapture import KaptureClient, default_payload
    from services.journal import open_journal
    from sandbox import DEMO_PASSWORD, DEMO_USERNAME
    from services.settings import load_settings
    from services.submit import Submitter

    database_url, sandbox_url = sys.argv[1], sys.argv[2]
    profile = load_settings({}).profile.at(sandbox_url, username=DEMO_USERNAME, password=DEMO_PASSWORD)
    journal = open_journal(database_url, pending_grace=timedelta(minutes=5))
    payload = default_payload()
    payload.customer_info.customer_name = "Killed Midway Ltd"
    payload.customer_info.phone = "9000000001"
    options = profile.client_options() | {"timeout": (2, 120)}
    with KaptureClient(**options) as kc:
        Submitter(journal, kc, profile).submit(payload)
    """
)


def test_a_process_killed_while_waiting_leaves_an_unknown_row(database_url: str, sandbox: Sandbox) -> None:
    sandbox.set_faults(mode="slow", slow_seconds=120)
    child = subprocess.Popen([sys.executable, "-c", HANGING_SUBMIT, database_url, sandbox.url], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not sandbox.state.requests:
            assert child.poll() is None, "the submitting process ended before its request arrived"
            assert time.monotonic() < deadline, "the request never reached the sandbox"
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()

    journal = open_journal(database_url, pending_grace=timedelta(minutes=5))
    try:
        with journal.sessions() as session:
            (row,) = session.scalars(select(Submission)).all()
        assert row.outcome == "pending"  # younger than the grace: it may still be someone's request
        time.sleep(0.3)
        journal.close()  # the app restarts, with a grace (and margin) the row is now older than
        journal = open_journal(database_url, pending_grace=timedelta(seconds=0.2) - PENDING_MARGIN)
        with journal.sessions() as session:
            row = session.get(Submission, row.id)
        assert row.outcome == "unknown"
        assert row.error == LEFT_PENDING
        assert row.customer_name == "Killed Midway Ltd"
    finally:
        journal.close()


def test_no_credential_reaches_the_database(tmp_path: Path, order: OrderPayload) -> None:
    username, password = "order-desk-api", "Pa55-w0rd-that-must-not-leak"
    token = basic_token(username, password)
    database = tmp_path / "journal.db"
    journal = open_journal(f"sqlite:///{database}", pending_grace=timedelta(minutes=5))
    with start_sandbox(username=username, password=password) as sandbox:
        env = {"KAPTURE_BASE_URL": sandbox.url, "KAPTURE_USERNAME": username, "KAPTURE_PASSWORD": password}
        pair = load_settings(env).profile
        by_token = load_settings({"KAPTURE_BASE_URL": sandbox.url, "KAPTURE_TOKEN": token}).profile
        for profile in (pair, by_token):
            with KaptureClient(**profile.client_options()) as kc:
                submitter = Submitter(journal, kc, profile, duplicate_window=timedelta(0))
                assert submitter.submit(order).submission.outcome == "success"
                sandbox.set_faults(mode="http_500_html", times=1)
                assert submitter.submit(order).submission.outcome == "http_error"
                assert submitter.submit_text("{not json").submission.outcome == "rejected"
        with KaptureClient(sandbox.url, username=username, password="wrong-" + password) as kc:
            wrong = Submitter(journal, kc, pair, duplicate_window=timedelta(0))
            assert wrong.submit(order).submission.outcome == "auth_failed"
    journal.close()

    files = [path for path in tmp_path.iterdir() if path.name.startswith("journal.db")]
    assert files, "the journal file was not written"
    stored = b"".join(path.read_bytes() for path in files)
    assert b"Invalid Auth Key" in stored  # the scan does see what was journaled
    for secret in (password, token, "wrong-" + password, basic_token(username, "wrong-" + password)):
        assert secret.encode() not in stored, f"{secret!r} found in the journal"
