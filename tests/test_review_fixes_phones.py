"""Review fixes (issue 11 follow-ups): a phone no one could have is sent, with a warning to check it."""

from __future__ import annotations

import json

import pytest

from kapture.phones import read_phone
from sandbox import Sandbox
from services.drafts import Draft, phone_warning, problems
from tests.test_order_pages import NEW, app_env, fill, open_page, submit, texts  # noqa: F401 - autouse

NOT_REAL = "This does not look like a real phone number in India — check it."


@pytest.mark.parametrize("typed", ["0000000000", "1111111111"])
def test_a_possible_but_unreal_phone_is_kept_and_marked(typed: str) -> None:
    phone = read_phone(typed, "IN")
    assert phone.is_phone and phone.sent
    assert not phone.real
    assert NOT_REAL in phone_warning(typed, "IN")
    assert "phone" not in problems(Draft(customer_name="Asha Traders", phone=typed), region="IN")


@pytest.mark.parametrize("typed", ["98450 12345", "(080) 2661 4433", "+971 50 123 4567", "", "12"])
def test_a_real_phone_or_one_refused_anyway_gets_no_warning(typed: str) -> None:
    assert phone_warning(typed, "IN") == ""


def test_the_warning_names_the_numbers_own_country() -> None:
    assert "in United Arab Emirates" in phone_warning("+971 00 000 0000", "IN")


def test_the_form_warns_beside_the_phone_and_still_sends(sandbox: Sandbox) -> None:
    at = fill(open_page(NEW), customer_name="Asha Traders", phone="1111111111")
    assert NOT_REAL in texts(at)
    submit(at)
    assert "Kapture took the order." in texts(at)
    assert json.loads(sandbox.state.requests[0].body)["customer_info"]["phone"] == "1111111111"


def test_a_second_contacts_unreal_phone_is_warned_about_too(sandbox: Sandbox) -> None:
    at = fill(open_page(NEW), customer_name="Asha Traders", phone="98450 12345")
    assert NOT_REAL not in texts(at)
    at.button(key="order.contact.add").click().run()
    row = at.session_state["order.contact_rows"][0]
    fill(at, **{f"contact.{row}.phone": "0000000000"})
    assert NOT_REAL in texts(at)
