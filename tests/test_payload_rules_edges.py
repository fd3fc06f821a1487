"""The rules before sending, at the edges the main tests pass by (found by mutation testing, TESTING.md)."""

from __future__ import annotations

import pytest

from kapture import (
    KaptureClient,
    OrderPayload,
    PayloadInvalid,
    default_payload,
    validate_order,
    vendor_example,
)


def problems(data: dict) -> dict[str, str]:
    with pytest.raises(PayloadInvalid) as raised:
        validate_order(data)
    return {problem.field: problem.message for problem in raised.value.problems}


def test_a_model_is_checked_as_it_is_and_handed_back() -> None:
    payload = OrderPayload.model_validate(vendor_example())
    assert validate_order(payload) is payload

    payload.customer_info.customer_name = " "
    with pytest.raises(PayloadInvalid, match="Customer name is required"):
        validate_order(payload)


def test_a_bad_other_contact_phone_is_named_by_its_field_and_contact() -> None:
    data = vendor_example()
    data["contact_info"][0]["additional_contact_phone"] = "12ab"
    assert problems(data) == {
        "contact_info[0].additional_contact_phone": (
            "Other contact phone (contact 1) “12ab” is not a phone number: use 7 to 15 digits "
            "(spaces, dashes and a leading + are fine)."
        )
    }


def test_a_camel_case_field_is_named_in_words() -> None:
    data = vendor_example()
    data["contact_info"][0]["matchEmailPhone"] = "yes"
    data["enquiry_info"]["subStatus"] = 5
    assert problems(data) == {
        "contact_info[0].matchEmailPhone": "Match email phone (contact 1) must be true or false.",
        "enquiry_info.subStatus": "Sub status (enquiry_info) must be text.",
    }


def test_a_contact_that_is_not_an_object_is_named_without_empty_brackets() -> None:
    data = vendor_example()
    data["contact_info"].append("Asha")
    [(field, message)] = problems(data).items()
    assert field == "contact_info[1]"
    assert message.endswith("must be an object { }.")
    assert "[1]" in message
    assert "()" not in message


@pytest.mark.parametrize("order_info", [None, "none", ["order_id", "123"]])
def test_an_update_without_an_order_section_is_refused_before_sending(order_info: object) -> None:
    data = default_payload().to_payload()
    data["order_info"] = order_info
    # The client refuses it itself: no address is ever contacted.
    with (
        KaptureClient("http://127.0.0.1:9", token="dGVzdDp0ZXN0", timeout=(1, 1)) as client,
        pytest.raises(PayloadInvalid, match="An update needs the Kapture order id"),
    ):
        client.update_order(data)
