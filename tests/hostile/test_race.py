"""The duplicate guard under a race: the same order sent at the same moment with different tokens.

Two browser sessions (threads of one server) or two app copies (processes on one database) that
send the same payload to the same Kapture at once must make one order, and everyone else must be
told which journal entry theirs matches. Run on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from kapture import OrderPayload
from sandbox import Sandbox
from services.journal import Journal
from services.submit import Status, Submitted, Submitter
from storage.models import Submission
from tests.conftest import stop

ROOT = Path(__file__).resolve().parents[2]
THREADS = 8
PROCESSES, THREADS_PER_PROCESS = 2, 4


def _answer(done: Submitted) -> tuple[str, int]:
    """What a caller was told: sent (its entry), or duplicate (the entry it matches)."""
    if done.status is Status.SENT:
        return (done.status.value, done.submission.id)
    assert done.earlier is not None, f"{done.status} without the entry it matches"
    return (done.status.value, done.earlier.id)


def _assert_one_order(answers: list[tuple[str, int]], sandbox: Sandbox, journal: Journal) -> None:
    reached = len(sandbox.state.requests)
    assert reached == 1, f"{reached} of {len(answers)} racing callers reached the sandbox"
    statuses = sorted(status for status, _ in answers)
    assert statuses == ["duplicate"] * (len(answers) - 1) + ["sent"]
    (sent_id,) = [entry for status, entry in answers if status == "sent"]
    assert {entry for _, entry in answers} == {sent_id}  # every duplicate names the one sent
    with journal.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 1


@pytest.fixture
def isolation(database_url: str) -> str:
    """On PostgreSQL, a database whose default isolation is REPEATABLE READ: its snapshot was taken
    before the guard's lock was granted, and racers all sent (seen: 3 of 8, 6 of 6). The engine now
    asks for READ COMMITTED itself; the process test below runs at the server's own default."""
    if make_url(database_url).get_backend_name() != "postgresql":
        return "serializable"  # SQLite has one isolation level
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        name = make_url(database_url).database
        connection.execute(
            text(f"ALTER DATABASE \"{name}\" SET default_transaction_isolation = 'repeatable read'")
        )
    admin.dispose()
    return "repeatable read"


def test_threads_sending_the_same_order_at_once_make_one_order(
    isolation: str, submitter: Submitter, journal: Journal, sandbox: Sandbox, order: OrderPayload
) -> None:
    start = threading.Barrier(THREADS)
    answers: list[tuple[str, int]] = []
    failures: list[BaseException] = []

    def click(n: int) -> None:
        start.wait()
        try:
            answers.append(_answer(submitter.submit(order, token=f"session-{n}")))
        except BaseException as exc:  # surfaced below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=click, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert len(answers) == THREADS
    _assert_one_order(answers, sandbox, journal)


RACER = textwrap.dedent(
    """
    import json, sys, threading, time
    from datetime import timedelta
    from pathlib import Path

    from kapture import KaptureClient
    from services.journal import open_journal
    from sandbox import DEMO_PASSWORD, DEMO_USERNAME
    from services.settings import load_settings
    from services.submit import Status, Submitter

    database_url, sandbox_url, payload, folder, name, threads = sys.argv[1:7]
    folder, threads = Path(folder), int(threads)
    profile = load_settings({}).profile.at(sandbox_url, username=DEMO_USERNAME, password=DEMO_PASSWORD)
    journal = open_journal(database_url, pending_grace=timedelta(minutes=5))
    go = threading.Event()
    answers = []

    with KaptureClient(**profile.client_options()) as kc:
        submitter = Submitter(journal, kc, profile)

        def click(n):
            go.wait()
            done = submitter.submit(json.loads(payload), token=f"{name}-{n}")
            shown = done.submission if done.status is Status.SENT else done.earlier
            answers.append((done.status.value, shown.id))

        racers = [threading.Thread(target=click, args=(n,)) for n in range(threads)]
        for racer in racers:
            racer.start()
        (folder / f"{name}.ready").touch()
        deadline = time.monotonic() + 60
        while not (folder / "go").exists() and time.monotonic() < deadline:
            time.sleep(0.001)
        # Both processes start at the same instant of the shared clock, not when each sees the file.
        at = float((folder / "go").read_text() or 0)
        while time.time() < at:
            pass
        go.set()
        for racer in racers:
            racer.join()
    journal.close()
    print(json.dumps(answers))
    """
)


def test_two_app_processes_sending_the_same_order_at_once_make_one_order(
    database_url: str, journal: Journal, sandbox: Sandbox, order: OrderPayload, tmp_path: Path
) -> None:
    payload = json.dumps(order.to_payload())
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                RACER,
                database_url,
                sandbox.url,
                payload,
                str(tmp_path),
                f"app{n}",
                str(THREADS_PER_PROCESS),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    try:
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"app{n}.ready").exists() for n in range(PROCESSES)):
            assert all(child.poll() is None for child in children), "a racing process ended early"
            assert time.monotonic() < deadline, "the racing processes never got ready"
            time.sleep(0.01)
        # Both processes released together, at one instant a moment from now.
        (tmp_path / "go.tmp").write_text(str(time.time() + 0.3))
        (tmp_path / "go.tmp").rename(tmp_path / "go")
        outputs = [child.communicate(timeout=120)[0] for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                stop(child)
    assert [child.returncode for child in children] == [0] * PROCESSES
    answers = [tuple(answer) for output in outputs for answer in json.loads(output)]
    assert len(answers) == PROCESSES * THREADS_PER_PROCESS
    _assert_one_order(answers, sandbox, journal)  # type: ignore[arg-type]
