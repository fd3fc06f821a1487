"""The payload models and the rules checked before anything is sent."""

from __future__ import annotations

import pytest

from kapture import OrderPayload, PayloadInvalid, default_payload, validate_order, vendor_example
from kapture.validation import check


def messages(exc: PayloadInvalid) -> dict[str, str]:
    return {problem.field: problem.message for problem in exc.problems}


def test_the_vendor_example_round_trips_unchanged() -> None:
    example = vendor_example()
    assert OrderPayload.model_validate(example).to_payload() == example


def test_the_default_payload_has_the_vendor_shape_with_empty_strings() -> None:
    payload = default_payload().to_payload()
    example = vendor_example()
    assert list(payload) == list(example)
    for section in ("customer_info", "enquiry_info", "order_info"):
        assert set(payload[section]) == set(example[section])
    assert set(payload["contact_info"][0]) == set(example["contact_info"][0])
    assert payload["customer_info"]["customer_name"] == ""
    assert payload["customer_info"]["organization"] is True
    assert payload["order_info"]["update"] is False


def test_unknown_keys_survive_at_every_depth() -> None:
    data = vendor_example()
    data["tenant_batch"] = "B-7"
    data["customer_info"]["gst_number"] = "29ABCDE1234F1Z5"
    data["customer_info"]["additional_fields"] = {"loyalty": {"tier": "gold", "points": 120}}
    data["contact_info"][0]["whatsapp_opt_in"] = True
    data["order_info"]["associate_fields"] = {"warehouse": "BLR-2"}
    out = OrderPayload.model_validate(data).to_payload()
    assert out["tenant_batch"] == "B-7"
    assert out["customer_info"]["gst_number"] == "29ABCDE1234F1Z5"
    assert out["customer_info"]["additional_fields"] == {"loyalty": {"tier": "gold", "points": 120}}
    assert out["contact_info"][0]["whatsapp_opt_in"] is True
    assert out["order_info"]["associate_fields"] == {"warehouse": "BLR-2"}


def test_a_valid_order_passes(order: OrderPayload) -> None:
    assert validate_order(order.to_payload()) == order


def test_every_problem_is_reported_at_once_in_plain_words() -> None:
    data = vendor_example()
    data["customer_info"].update(customer_name="  ", phone="", email_id="")
    data["contact_info"][0].update(contact_person_phone="12ab", contact_person_email="asha@")
    data["order_info"].update(update=True, order_id="")
    with pytest.raises(PayloadInvalid) as raised:
        validate_order(data)
    found = messages(raised.value)
    assert found == {
        "customer_info.customer_name": "Customer name is required.",
        "customer_info.phone": "Enter a phone number or an email, so Kapture can match the customer.",
        "contact_info[0].contact_person_phone": (
            "Contact phone (contact 1) “12ab” is not a phone number: use 7 to 15 digits "
            "(spaces, dashes and a leading + are fine)."
        ),
        "contact_info[0].contact_person_email": (
            "Contact email (contact 1) “asha@” is not an email address: it needs a name, an @ and a domain."
        ),
        "order_info.order_id": "An update needs the Kapture order id.",
    }


@pytest.mark.parametrize("phone", ["+91 98450 12345", "080-2345-6789", "9845012", "123456789012345"])
def test_phone_numbers_people_write_are_accepted(phone: str) -> None:
    payload = default_payload()
    payload.customer_info.customer_name = "Asha"
    payload.customer_info.phone = phone
    assert check(payload) == []


@pytest.mark.parametrize(
    "phone", ["123456", "1234567890123456", "98450 ext 12", "+91+98450123", "(080) 2345678", "٩٨٤٥٠١٢٣٤٥"]
)
def test_phone_numbers_out_of_shape_are_refused(phone: str) -> None:
    payload = default_payload()
    payload.customer_info.customer_name = "Asha"
    payload.customer_info.phone = phone
    assert [p.field for p in check(payload)] == ["customer_info.phone"]


@pytest.mark.parametrize("email", ["asha", "asha@example", "a b@example.com", "asha@@example.com"])
def test_email_syntax_is_checked(email: str) -> None:
    payload = default_payload()
    payload.customer_info.customer_name = "Asha"
    payload.customer_info.email_id = email
    assert [p.message for p in check(payload)] == [
        f"Email “{email}” is not an email address: it needs a name, an @ and a domain."
    ]


def test_an_email_alone_is_enough_to_match_the_customer() -> None:
    payload = default_payload()
    payload.customer_info.customer_name = "Asha"
    payload.customer_info.email_id = "asha@example.com"
    assert check(payload) == []


def test_contact_info_as_an_object_is_refused_with_a_hint() -> None:
    data = vendor_example()
    data["contact_info"] = data["contact_info"][0]
    with pytest.raises(PayloadInvalid) as raised:
        validate_order(data)
    assert messages(raised.value) == {
        "contact_info": "Contacts (contact_info) must be a list of contacts: wrap a single contact in [ ]."
    }


def test_wrong_types_name_the_field() -> None:
    data = vendor_example()
    data["customer_info"]["phone"] = 9380491257
    data["customer_info"]["individual"] = "yes"
    data["order_info"] = "none"
    with pytest.raises(PayloadInvalid) as raised:
        validate_order(data)
    assert messages(raised.value) == {
        "customer_info.phone": "Phone must be text.",
        "customer_info.individual": "Individual (customer_info) must be true or false.",
        "order_info": "The order section (order_info) must be an object { }.",
    }


def test_a_payload_that_is_not_an_object_is_named_plainly() -> None:
    with pytest.raises(PayloadInvalid) as raised:
        validate_order([vendor_example()])  # type: ignore[arg-type]
    assert [p.message for p in raised.value.problems] == ["The payload must be an object { }."]


def test_an_unknown_field_of_a_contact_is_named_plainly() -> None:
    data = vendor_example()
    data["contact_info"].append({"first_name": 7})
    with pytest.raises(PayloadInvalid) as raised:
        validate_order(data)
    assert messages(raised.value) == {"contact_info[1].first_name": "First name (contact 2) must be text."}
