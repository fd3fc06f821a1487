"""Review fixes (issue 11 follow-ups) on the submission log: a "Send again" keeps its answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from sandbox import Sandbox
from services.journal import Journal
from services.submit import Submitter
from tests.test_log import add
from tests.test_log_page import app_journal, click, open_entry, open_log, rows_in  # noqa: F401 - fixture
from tests.test_order_pages import app_env, texts  # noqa: F401 - autouse

BODY = {"customer_info": {"customer_name": "Asha Traders", "phone": "9845000001"}, "order_info": {}}


@pytest.fixture
def cut_short(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run ends as soon as Kapture's answer is back, as when the person clicks while it goes.

    Streamlit stops a run at its next page call once a rerun is asked for: the send is done, the
    answer was handed over, and nothing after that line runs.
    """
    sent = Submitter.submit_text

    def send_then_stop(self: Submitter, *args: Any, **kwargs: Any) -> Any:
        sent(self, *args, **kwargs)
        raise StopException()

    monkeypatch.setattr(Submitter, "submit_text", send_then_stop)


def test_a_send_again_cut_short_by_a_click_shows_its_answer(
    app_journal: Journal,  # noqa: F811
    sandbox: Sandbox,
    cut_short: None,
) -> None:
    entry = add(app_journal, request_body=json.dumps(BODY), outcome="rejected", message="GST missing")
    at = open_entry(open_log(), entry)
    at.button(key="log.resend").click().run()  # sent; the run ended before the answer was shown
    assert len(sandbox.state.requests) == 1

    at.toggle(key="log.curl").set_value(True).run()  # the click that cut it short: the next run

    assert not at.exception
    again = next(row for row in rows_in(app_journal) if row.id != entry)
    assert (
        f"Sent again to {again.profile_name} as entry #{again.id}: success, order {again.order_id}"
        in texts(at)
    )
    assert len(sandbox.state.requests) == 1


def test_a_send_again_cut_short_by_a_search_says_which_entry_it_was(
    app_journal: Journal,  # noqa: F811
    sandbox: Sandbox,
    cut_short: None,
) -> None:
    """Typing a search closes the entry; the answer is shown above the list, naming the entry."""
    entry = add(app_journal, request_body=json.dumps(BODY), outcome="rejected", message="GST missing")
    at = open_entry(open_log(), entry)
    at.button(key="log.resend").click().run()

    at.text_input(key="log.text").input("Asha").run()

    again = next(row for row in rows_in(app_journal) if row.id != entry)
    assert f"Entry #{entry}: Sent again to {again.profile_name} as entry #{again.id}: success" in texts(at)
    at.selectbox(key="log.open").select(again.id).run()  # another entry opened: that answer is done
    assert "Sent again" not in texts(at)


def test_the_answer_of_send_again_stays_while_the_entry_is_open(
    app_journal: Journal,  # noqa: F811
    sandbox: Sandbox,
) -> None:
    entry = add(app_journal, request_body=json.dumps(BODY), created_at=datetime.now(UTC) - timedelta(days=2))
    at = click(click(open_entry(open_log(), entry), "log.resend"), "log.resend_sure")
    assert "Sent again to " in texts(at)

    at.toggle(key="log.curl").set_value(True).run()

    assert "Sent again to " in texts(at)
    assert len(sandbox.state.requests) == 1
