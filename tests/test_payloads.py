"""services.payloads: the editor's request headers and the fields the order form cannot show."""

from __future__ import annotations

import pytest

from kapture.models import vendor_example
from services.payloads import form_cannot_show, parse_headers


def test_headers_are_read_one_per_line_skipping_blanks_and_comments() -> None:
    headers, problems = parse_headers("X-Request-Id: qa-42\n\n# a note\nAccept-Language:  en \n")
    assert headers == {"X-Request-Id": "qa-42", "Accept-Language": "en"}
    assert problems == []


@pytest.mark.parametrize("name", ["Authorization", "authorization", "AUTHORIZATION"])
def test_authorization_is_refused_in_any_case_and_its_value_is_not_repeated(name: str) -> None:
    headers, (problem,) = parse_headers(f"{name}: Basic c2VjcmV0")
    assert headers == {}
    assert problem.startswith("Line 1: Authorization is set by Order Desk from the connection's login")
    assert "c2VjcmV0" not in problem


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("no colon here", "write each header as Name: value"),
        ("Bad Name: x", "a header name is letters, digits and dashes"),
        ("Content-Length: 5", "Content-Length is worked out from the body"),
        ("Host: evil.example", "Host comes from the Kapture address"),
        ("X-A: 1\nx-a: 2", "Line 2: x-a is given twice"),
        ("X-A: café", "plain ASCII text"),
    ],
)
def test_headers_that_cannot_be_sent_are_named_by_line(typed: str, said: str) -> None:
    _, problems = parse_headers(typed)
    assert any(said in problem for problem in problems), problems


def test_the_fields_the_order_form_has_no_place_for_are_named() -> None:
    assert form_cannot_show(vendor_example()) == [
        "customer_info.remarks",
        "contact_info[0].title",
        "contact_info[0].gender",
    ]
    payload = {
        "customer_info": {"customer_name": "A", "qa_key": "x"},
        "order_info": {"invoice_date": "1/2/26"},
    }
    assert form_cannot_show(payload) == ["customer_info.qa_key", "order_info.invoice_date"]
    assert form_cannot_show({"customer_info": {"customer_name": "A"}}) == []
    assert form_cannot_show([1]) == ["the payload as a whole"]
