"""The rules a payload must meet before it is sent, each broken one said in plain words."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from kapture.exceptions import PayloadInvalid, Problem
from kapture.models import OrderPayload

FIELD_LABELS: dict[str, str] = {
    "customer_info.customer_name": "Customer name",
    "customer_info.phone": "Phone",
    "customer_info.email_id": "Email",
    "contact_info": "Contacts (contact_info)",
    "contact_person_phone": "Contact phone",
    "contact_person_email": "Contact email",
    "additional_contact_phone": "Other contact phone",
    "order_info.order_id": "Order id",
}

_PHONE_CHARS = re.compile(r"\+?[\d\s-]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")

_TYPE_WORDS = {
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object { }",
    "model_type": "must be an object { }",
    "model_attributes_type": "must be an object { }",
    "missing": "is required",
}


def validate_order(data: OrderPayload | Mapping[str, Any]) -> OrderPayload:
    """Return the payload as a model, or raise ``PayloadInvalid`` listing every problem."""
    if isinstance(data, OrderPayload):
        payload = data
    else:
        try:
            payload = OrderPayload.model_validate(data)
        except ValidationError as exc:
            raise PayloadInvalid(type_problems(exc)) from exc
    problems = check(payload)
    if problems:
        raise PayloadInvalid(problems)
    return payload


def check(payload: OrderPayload) -> list[Problem]:
    """Every broken business rule of a well-typed payload, all at once."""
    return list(_broken_rules(payload))


def type_problems(exc: ValidationError) -> list[Problem]:
    """Pydantic's type errors, translated to plain words that name the field."""
    problems = []
    for error in exc.errors(include_url=False):
        path = _dotted(error["loc"])
        if error["type"] == "value_error":
            words = str(error["ctx"]["error"])
        else:
            words = _TYPE_WORDS.get(error["type"], error["msg"])
        problems.append(Problem(path, f"{label(path)} {words}."))
    return problems


def label(path: str) -> str:
    """The plain name of a field path, falling back to the path itself."""
    if path in FIELD_LABELS:
        return FIELD_LABELS[path]
    leaf = path.rsplit(".", 1)[-1]
    if path.startswith("contact_info[") and leaf in FIELD_LABELS:
        index = int(path[len("contact_info[") : path.index("]")])
        return f"{FIELD_LABELS[leaf]} (contact {index + 1})"
    return f"`{path}`"


def _broken_rules(payload: OrderPayload) -> Iterator[Problem]:
    customer = payload.customer_info
    if not customer.customer_name.strip():
        yield Problem("customer_info.customer_name", "Customer name is required.")
    if not customer.phone.strip() and not customer.email_id.strip():
        yield Problem(
            "customer_info.phone",
            "Enter a phone number or an email, so Kapture can match the customer.",
        )
    yield from _phone_problems("customer_info.phone", customer.phone)
    yield from _email_problems("customer_info.email_id", customer.email_id)
    for index, contact in enumerate(payload.contact_info):
        prefix = f"contact_info[{index}]"
        yield from _phone_problems(f"{prefix}.contact_person_phone", contact.contact_person_phone)
        yield from _phone_problems(f"{prefix}.additional_contact_phone", contact.additional_contact_phone)
        yield from _email_problems(f"{prefix}.contact_person_email", contact.contact_person_email)
    order = payload.order_info
    if order.update and not order.order_id.strip():
        yield Problem("order_info.order_id", "An update needs the Kapture order id.")


def _phone_problems(path: str, value: str) -> Iterator[Problem]:
    value = value.strip()
    if not value:
        return
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE_CHARS.fullmatch(value) or not 7 <= digits <= 15:
        yield Problem(
            path,
            f"{label(path)} “{value}” is not a phone number: use 7 to 15 digits "
            "(spaces, dashes and a leading + are fine).",
        )


def _email_problems(path: str, value: str) -> Iterator[Problem]:
    value = value.strip()
    if value and not _EMAIL.fullmatch(value):
        yield Problem(path, f"{label(path)} “{value}” is not an email address (name@example.com).")


def _dotted(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path
