"""Odd input through submit(), on SQLite and PostgreSQL: never an exception, always a journal row.

PostgreSQL refuses a NUL byte in text and text longer than a VARCHAR: both used to raise out of
submit() with nothing journaled. A journal that cannot be written must stop the send and say so
in plain words; an answer that cannot be written after a send must still be shown.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from kapture import KaptureClient, OrderPayload
from sandbox import Sandbox
from services.journal import Journal, JournalUnavailable
from services.settings import Profile
from services.submit import Context, Status, Submitter
from storage.models import Submission
from tests.conftest import POSTGRES_URL

NUL = "\x00"
SHOWN_NUL = "\\x00"  # how the journal keeps it: visible, and storable on every database


def stored(journal: Journal, submission_id: int) -> Submission:
    """The row as the database has it (a fresh session, nothing remembered)."""
    with journal.sessions() as session:
        (row,) = session.scalars(select(Submission).where(Submission.id == submission_id)).all()
        return row


@pytest.mark.parametrize("field", ["customer_name", "email_id"])
def test_a_nul_byte_in_a_customer_field_is_sent_and_journaled_visibly(
    submitter: Submitter, journal: Journal, sandbox: Sandbox, order: OrderPayload, field: str
) -> None:
    value = getattr(order.customer_info, field)
    setattr(order.customer_info, field, value[:4] + NUL + value[4:])
    done = submitter.submit(order)
    assert done.status is Status.SENT
    assert len(sandbox.state.requests) == 1
    row = stored(journal, done.submission.id)
    assert row.outcome == done.submission.outcome
    column = {"customer_name": row.customer_name, "email_id": row.email}[field]
    assert column == value[:4] + SHOWN_NUL + value[4:]


def test_a_nul_byte_in_the_phone_is_refused_in_plain_words_and_journaled(
    submitter: Submitter, journal: Journal, sandbox: Sandbox, order: OrderPayload
) -> None:
    order.customer_info.phone = "98450" + NUL + "12345"
    done = submitter.submit(order)
    assert done.status is Status.INVALID
    assert "not a phone number" in done.problems[0].message
    assert len(sandbox.state.requests) == 0
    row = stored(journal, done.submission.id)
    assert row.outcome == "invalid"
    assert row.phone == "98450" + SHOWN_NUL + "12345"
    assert SHOWN_NUL in row.message and NUL not in row.message


@pytest.mark.parametrize("name", ["operator", "template", "variant"])
def test_a_nul_byte_in_who_or_what_sent_it_is_journaled_visibly(
    submitter: Submitter, journal: Journal, sandbox: Sandbox, order: OrderPayload, name: str
) -> None:
    done = submitter.submit(order, context=Context(source="editor", **{name: "QA" + NUL + "one"}))
    assert done.status is Status.SENT
    assert getattr(stored(journal, done.submission.id), name) == "QA" + SHOWN_NUL + "one"
    assert len(sandbox.state.requests) == 1


@pytest.mark.parametrize(("name", "size"), [("operator", 100), ("template", 200), ("variant", 200)])
def test_a_name_longer_than_its_column_is_cut_to_fit(
    submitter: Submitter, journal: Journal, sandbox: Sandbox, order: OrderPayload, name: str, size: int
) -> None:
    long = "Meera Krishnamurthy " * 60  # 1,200 characters
    done = submitter.submit(order, context=Context(source="editor", **{name: long}))
    assert done.status is Status.SENT
    assert done.submission.outcome == "success"
    assert getattr(stored(journal, done.submission.id), name) == long[:size]
    assert len(sandbox.state.requests) == 1


def test_raw_text_with_a_nul_byte_is_sent_byte_for_byte_and_journaled_visibly(
    submitter: Submitter, journal: Journal, sandbox: Sandbox
) -> None:
    raw = '{"customer_info": {"customer_name": "Asha' + NUL + 'Traders"}}'
    done = submitter.submit_text(raw)
    assert done.status is Status.SENT
    assert sandbox.state.requests[0].body == raw.encode()
    assert stored(journal, done.submission.id).request_body == raw.replace(NUL, SHOWN_NUL)


class _OddAnswer(BaseHTTPRequestHandler):
    """Answers every POST with the server's fixed body, after reading the request."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body: bytes = self.server.body  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture
def odd_kapture() -> Iterator[Callable[[bytes], Profile]]:
    """A Kapture that answers with the given bytes: the profile to reach it."""
    servers: list[ThreadingHTTPServer] = []

    def serve(body: bytes) -> Profile:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _OddAnswer)
        server.body = body  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return Profile(
            name="Odd", base_url=f"http://127.0.0.1:{server.server_port}", username="u", password="p"
        )

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "answer",
    [
        json.dumps({"status": "failed", "message": "Customer \u0000 blocked"}).encode(),  # NUL once decoded
        b'{"status": "failed", "message": "raw \x00 byte"}',  # a NUL byte in the body itself
    ],
)
def test_a_kapture_answer_with_a_nul_byte_is_journaled_visibly(
    journal: Journal, order: OrderPayload, odd_kapture: Callable[[bytes], Profile], answer: bytes
) -> None:
    profile = odd_kapture(answer)
    with KaptureClient(**profile.client_options()) as kc:
        done = Submitter(journal, kc, profile).submit(order)
    assert done.status is Status.SENT
    row = stored(journal, done.submission.id)
    assert row.outcome in ("rejected", "invalid_response")  # a definite answer, not stuck pending
    kept = row.message + row.response_body + row.error
    assert SHOWN_NUL in kept and NUL not in kept


# --- a journal that cannot be written -------------------------------------------------------------


def break_database(database_url: str, journal: Journal) -> None:
    """Make the journal's database unusable, as a crashed disk or a stopped server would."""
    if make_url(database_url).get_backend_name() == "sqlite":
        journal.engine.dispose()
        path = Path(make_url(database_url).database or "")
        for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        path.write_bytes(b"this is not a database any more " * 256)
        return
    name = make_url(database_url).database
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
    admin.dispose()
    journal.engine.dispose()


def test_a_journal_that_cannot_be_written_sends_nothing_and_says_so(
    database_url: str, journal: Journal, submitter: Submitter, sandbox: Sandbox, order: OrderPayload
) -> None:
    break_database(database_url, journal)
    with pytest.raises(JournalUnavailable) as caught:
        submitter.submit(order, token="click-1")
    assert len(sandbox.state.requests) == 0
    message = str(caught.value)
    assert message.startswith("The submission log cannot be written just now (")
    assert "the order was not sent" in message and "Traceback" not in message


def test_an_answer_that_cannot_be_journaled_is_still_shown(
    database_url: str, journal: Journal, submitter: Submitter, sandbox: Sandbox, order: OrderPayload
) -> None:
    sandbox.set_faults(latency_ms=800)  # the database goes away while Kapture works on the order
    requested = threading.Thread(
        target=lambda: (
            _wait_for(lambda: bool(sandbox.state.requests)),
            break_database(database_url, journal),
        )
    )
    requested.start()
    done = submitter.submit(order)
    requested.join()
    assert len(sandbox.state.requests) == 1
    assert done.status is Status.SENT
    assert done.submission.outcome == "success" and done.submission.order_id == "23518266"
    assert "could not write this answer to the submission log" in done.submission.error


def _wait_for(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        threading.Event().wait(0.01)
    raise AssertionError("waited 10 s in vain")


def _nested(depth: int) -> dict:
    deep: dict = {}
    inner = deep
    for _ in range(depth):
        inner["a"] = {}
        inner = inner["a"]
    return deep


def test_a_payload_nested_100000_deep_is_refused_in_plain_words_and_journaled(
    submitter: Submitter, journal: Journal, sandbox: Sandbox, order: OrderPayload
) -> None:
    payload = order.to_payload()
    payload["order_info"]["extra"] = _nested(100_000)
    done = submitter.submit(payload, context=Context(operator="Meera"))
    assert done.status is Status.INVALID
    assert "nested too deeply" in done.problems[0].message
    assert stored(journal, done.submission.id).outcome == "invalid"
    assert len(sandbox.state.requests) == 0


def test_raw_text_nested_100000_deep_is_sent_as_written_and_its_refusal_journaled(
    submitter: Submitter, journal: Journal, sandbox: Sandbox
) -> None:
    text = '{"customer_info":{"customer_name":"Asha"},"deep":' + "[" * 100_000 + "]" * 100_000 + "}"
    done = submitter.submit_text(text, context=Context(source="editor", operator="Meera"))
    assert done.status is Status.SENT
    assert [request.body.decode() for request in sandbox.state.requests] == [text]
    assert stored(journal, done.submission.id).outcome == "rejected"  # the sandbox reads it as malformed


def test_half_an_emoji_escaped_in_raw_json_is_sent_and_journaled(
    submitter: Submitter, journal: Journal, sandbox: Sandbox
) -> None:
    """QA's hostile corpus: "\\ud83d" is plain ASCII text, but JSON reads it as half an emoji."""
    text = '{"customer_info": {"customer_name": "Asha \\ud83d"}}'
    done = submitter.submit_text(text, context=Context(source="editor", operator="Meera"))
    assert done.status is Status.SENT
    assert [request.body.decode() for request in sandbox.state.requests] == [text]
    assert stored(journal, done.submission.id).customer_name == "Asha \\ud83d"


def test_half_an_emoji_in_a_form_field_is_refused_in_plain_words_and_journaled(
    submitter: Submitter, journal: Journal, sandbox: Sandbox, order: OrderPayload
) -> None:
    payload = order.to_payload()
    payload["customer_info"]["customer_name"] = "Asha \ud83d"
    done = submitter.submit(payload, context=Context(operator="Meera"))
    assert done.status is Status.INVALID
    assert "broken character" in done.problems[0].message
    assert stored(journal, done.submission.id).outcome == "invalid"
    assert len(sandbox.state.requests) == 0
