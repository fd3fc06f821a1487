"""Schema warnings for raw payloads: typos, missing sections, wrong types, update without an id."""

from __future__ import annotations

from typing import Any

import pytest

from kapture.lint import Finding, lint
from kapture.models import CustomerInfo, default_payload, vendor_example


def findings(payload: Any) -> dict[str, str]:
    return {finding.path: finding.message for finding in lint(payload)}


def test_the_vendor_example_gives_no_findings() -> None:
    assert lint(vendor_example()) == []


def test_the_default_payload_only_lacks_the_customer_name() -> None:
    assert lint(default_payload().to_payload()) == [
        Finding("customer_info.customer_name", "`customer_name` is blank: Kapture needs the customer's name")
    ]


def test_a_typo_suggests_the_documented_field() -> None:
    payload = vendor_example()
    payload["customer_info"]["emial_id"] = payload["customer_info"].pop("email_id")
    assert findings(payload) == {
        "customer_info.emial_id": (
            "`emial_id` is not a documented field of customer_info: did you mean `email_id`?"
        )
    }


def test_a_wrongly_cased_key_suggests_the_documented_spelling() -> None:
    payload = vendor_example()
    payload["contact_info"][0]["MatchEmailPhone"] = payload["contact_info"][0].pop("matchEmailPhone")
    assert findings(payload) == {
        "contact_info[0].MatchEmailPhone": (
            "`MatchEmailPhone` is not a documented field of contact_info: did you mean `matchEmailPhone`?"
        )
    }


def test_an_unknown_key_without_a_close_match_may_be_ignored() -> None:
    payload = vendor_example()
    payload["order_info"]["gst_number"] = "29ABCDE1234F1Z5"
    assert findings(payload) == {
        "order_info.gst_number": (
            "`gst_number` is not a documented field of order_info (Kapture may ignore it)"
        )
    }


def test_a_misspelt_section_is_suggested_and_reported_missing() -> None:
    payload = vendor_example()
    payload["order_infos"] = payload.pop("order_info")
    assert findings(payload) == {
        "order_infos": "`order_infos` is not a documented section of the payload: did you mean `order_info`?",
        "order_info": "order_info is missing: the vendor's example always sends it",
    }


def test_free_form_fields_are_not_linted() -> None:
    payload = vendor_example()
    payload["customer_info"]["additional_fields"] = {"emial_id": 7, "tier": {"x": [1]}}
    payload["enquiry_info"]["associate_fields"] = {"phone": 9380491257}
    assert lint(payload) == []


def test_the_field_lists_come_from_the_models() -> None:
    payload = vendor_example()
    payload["customer_info"] = {name: "" for name in CustomerInfo.model_fields} | {"customer_name": "A"}
    assert set(findings(payload)) == {
        f"customer_info.{name}" for name in ("individual", "organization", "channel_partner", "update")
    } | {"customer_info.additional_fields", "customer_info.associate_fields"}


@pytest.mark.parametrize("payload", [[], "text", None])
def test_a_payload_that_is_not_an_object_is_one_finding(payload: Any) -> None:
    (finding,) = lint(payload)
    assert finding.path == ""
    assert finding.message.startswith(
        "the payload should be an object { … } with "
        "customer_info, contact_info, enquiry_info and order_info, not "
    )


def test_a_missing_customer_section_says_the_name_is_needed() -> None:
    payload = vendor_example()
    del payload["customer_info"]
    assert findings(payload) == {
        "customer_info": "customer_info is missing: Kapture needs at least the customer's name"
    }


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (None, "`customer_name` is missing: Kapture needs the customer's name"),
        ("  ", "`customer_name` is blank: Kapture needs the customer's name"),
    ],
)
def test_a_blank_or_missing_customer_name(name: str | None, message: str) -> None:
    payload = vendor_example()
    if name is None:
        del payload["customer_info"]["customer_name"]
    else:
        payload["customer_info"]["customer_name"] = name
    assert findings(payload) == {"customer_info.customer_name": message}


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("customer_info", "phone", 9380491257, '`phone` should be text, like "9380491257", not a number'),
        ("customer_info", "zone", True, "`zone` should be text, not the value true"),
        ("enquiry_info", "remarks", {"a": 1}, "`remarks` should be text, not an object"),
        ("order_info", "order_id", None, "`order_id` should be text, not null"),
        (
            "customer_info",
            "individual",
            "false",
            '`individual` should be true or false, not the text "false"',
        ),
        ("order_info", "update", 1, "`update` should be true or false, not a number"),
        (
            "customer_info",
            "additional_fields",
            [],
            "`additional_fields` should be an object { … }, not a list",
        ),
        (
            "order_info",
            "associate_fields",
            "",
            '`associate_fields` should be an object { … }, not the text ""',
        ),
    ],
)
def test_a_documented_field_of_the_wrong_type(section: str, key: str, value: Any, message: str) -> None:
    payload = vendor_example()
    payload[section][key] = value
    assert findings(payload) == {f"{section}.{key}": message}


def test_a_wrongly_typed_contact_field_names_the_contact() -> None:
    payload = vendor_example()
    payload["contact_info"].append({"gender": 1})
    assert findings(payload) == {"contact_info[1].gender": '`gender` should be text, like "1", not a number'}


def test_a_section_that_is_not_an_object() -> None:
    payload = vendor_example()
    payload["enquiry_info"] = [payload["enquiry_info"]]
    assert findings(payload) == {"enquiry_info": "enquiry_info should be an object { … }, not a list"}


def test_a_single_contact_object_must_be_wrapped_in_a_list() -> None:
    payload = vendor_example()
    payload["contact_info"] = payload["contact_info"][0]
    assert findings(payload) == {"contact_info": "contact_info must be a list [ … ], even for one contact"}


def test_a_contact_entry_that_is_not_an_object() -> None:
    payload = vendor_example()
    payload["contact_info"].append("9380491257")
    assert findings(payload) == {
        "contact_info[1]": 'contact 2 should be an object { … }, not the text "9380491257"'
    }


@pytest.mark.parametrize("order_id", ["", "   ", None])
def test_an_update_without_an_order_id(order_id: str | None) -> None:
    payload = vendor_example()
    payload["order_info"]["update"] = True
    if order_id is None:
        del payload["order_info"]["order_id"]
    else:
        payload["order_info"]["order_id"] = order_id
    assert findings(payload) == {"order_info.order_id": "an update needs order_info.order_id"}


def test_an_update_with_an_order_id_is_fine() -> None:
    payload = vendor_example()
    payload["order_info"] |= {"update": True, "order_id": "23518265"}
    assert lint(payload) == []
