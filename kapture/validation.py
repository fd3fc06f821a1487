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
    "customer_info": "The customer section (customer_info)",
    "contact_info": "Contacts (contact_info)",
    "enquiry_info": "The enquiry section (enquiry_info)",
    "order_info": "The order section (order_info)",
    "contact_person_phone": "Contact phone",
    "contact_person_email": "Contact email",
    "additional_contact_phone": "Other contact phone",
    "order_info.order_id": "Order id",
}

_PHONE_CHARS = re.compile(r"\+?[0-9 -]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")

_TYPE_WORDS = {
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object { }",
    "model_type": "must be an object { }",
    "model_attributes_type": "must be an object { }",
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
    """A field path in plain words: "Customer name", "Contact phone (contact 2)", "Zone (customer_info)"."""
    if not path:
        return "The payload"
    if path in FIELD_LABELS:
        return FIELD_LABELS[path]
    parent, _, leaf = path.rpartition(".")
    name = FIELD_LABELS.get(leaf) or _words(leaf)
    if parent.startswith("contact_info["):
        index = int(parent[len("contact_info[") : parent.index("]")])
        return f"{name} (contact {index + 1})"
    return f"{name} ({parent})" if parent else name


def update_problem(order_info: object) -> Problem | None:
    """The problem with an update's ``order_info``, if its order id is missing."""
    order_id = order_info.get("order_id") if isinstance(order_info, Mapping) else None
    if isinstance(order_id, (str, int)) and not isinstance(order_id, bool) and str(order_id).strip():
        return None
    return Problem("order_info.order_id", "An update needs the Kapture order id.")


def _words(key: str) -> str:
    # contact_person_phone → "Contact person phone", subStatus → "Sub status", [2] stays as is.
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", key).replace("_", " ").strip()
    return spaced[:1].upper() + spaced[1:].lower() if spaced else key


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
    if order.update and (problem := update_problem(order.model_dump())):
        yield problem


def _phone_problems(path: str, value: str) -> Iterator[Problem]:
    value = value.strip()
    if not value:
        return
    digits = sum(ch in "0123456789" for ch in value)
    if not _PHONE_CHARS.fullmatch(value) or not 7 <= digits <= 15:
        yield Problem(
            path,
            f"{label(path)} “{value}” is not a phone number: use 7 to 15 digits "
            "(spaces, dashes and a leading + are fine).",
        )


def _email_problems(path: str, value: str) -> Iterator[Problem]:
    value = value.strip()
    if value and not _EMAIL.fullmatch(value):
        yield Problem(
            path, f"{label(path)} “{value}” is not an email address: it needs a name, an @ and a domain."
        )


def _dotted(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path
