"""The order form's draft: what staff type, in their words, and the payload it stands for.

A draft is plain data (no Streamlit): the form edits one, the editor can open one, and a
payload the form can express opens back into one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any, Literal

from kapture import OrderPayload, Outcome
from kapture.jsontext import parse, pretty
from kapture.models import ContactInfo, CustomerInfo, EnquiryInfo, OrderInfo
from kapture.phones import read_phone
from kapture.validation import check
from services.journal import Journal
from storage import submissions

CustomerKind = Literal["organization", "individual", "channel_partner"]
ExtraSection = Literal["customer", "enquiry", "order"]
CUSTOMER_KINDS: dict[str, str] = {
    "organization": "Organisation",
    "individual": "Individual",
    "channel_partner": "Channel partner",
}
EXTRA_SECTIONS: dict[str, str] = {"customer": "Customer", "enquiry": "Enquiry", "order": "Order"}
# The documented order fields the form shows under "More", in the vendor's order.
# The order's rarer fields: the label staff see, and a line saying what each is for.
MORE_ORDER_FIELDS: dict[str, tuple[str, str]] = {
    "assign_emp_name": ("Assigned to (name)", "The colleague in Kapture who looks after this order."),
    "assign_emp_code": ("Assigned to (employee code)", "Their employee code in Kapture, if you use codes."),
    "assign_emp_email": ("Assigned to (email)", "Their email address in Kapture."),
    "erp_invoice_no": ("Invoice number in your system", "The invoice's number in your own system (ERP)."),
    "create_date": ("Order date", "When the order was placed, if not today."),
    "unit_name": ("Store or branch", "The unit of your business the order belongs to, as named in Kapture."),
    "block_name": ("Area", "The block or area that unit is in, as named in Kapture."),
    "ticket_id": ("Support ticket number", "The Kapture ticket this order came from, if any."),
    "encryptOrder": ("Protected order reference", "Leave empty unless your Kapture admin asks for it."),
    "dealDetails": ("Deal details", "Terms agreed for this order, such as a discount."),
}


@dataclass
class Contact:
    """One contact person."""

    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class ExtraField:
    """A tenant-specific field: which section it goes to, its key and its value."""

    section: str = "order"
    key: str = ""
    value: str = ""


@dataclass
class Draft:
    """Everything the order form holds."""

    customer_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    country: str = "India"
    pincode: str = ""
    customer_kind: str = "organization"
    contact_same_as_customer: bool = True
    contacts: list[Contact] = field(default_factory=list)
    payment_mode: str = ""
    invoice_no: str = ""
    invoice_date: str = ""  # YYYY-MM-DD, or empty
    erp_order_id: str = ""
    delivery_status: str = ""
    order_remarks: str = ""
    more: dict[str, str] = field(default_factory=dict)
    enquiry_remarks: str = ""
    next_follow_up_date: str = ""  # YYYY-MM-DD, or empty
    extra_fields: list[ExtraField] = field(default_factory=list)
    order_id: str = ""  # set for an update
    update_customer: bool = False
    update_enquiry: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The draft as JSON-ready data (for session state and the editor)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Draft:
        """A draft from ``to_dict`` output; unknown keys are ignored."""
        known = {f.name for f in fields(cls)} & set(data)
        values = {name: data[name] for name in known}
        values["contacts"] = [Contact(**c) for c in data.get("contacts", [])]
        values["extra_fields"] = [ExtraField(**e) for e in data.get("extra_fields", [])]
        values["more"] = dict(data.get("more", {}))
        return cls(**values)


def to_payload(draft: Draft, *, update: bool = False, region: str | None = None) -> OrderPayload:
    """The add-update payload for a draft; an update carries the order id and its flags.

    With ``region`` (where a phone written without +country is from) each phone goes in one
    spelling (``kapture.phones``); without it, phones go as typed.
    """
    extras: dict[str, dict[str, str]] = {"customer": {}, "enquiry": {}, "order": {}}
    for extra in draft.extra_fields:
        if extra.key.strip():
            extras[extra.section][extra.key.strip()] = extra.value
    customer = CustomerInfo(
        customer_name=draft.customer_name.strip(),
        phone=_sent_phone(draft.phone, region),
        email_id=draft.email.strip(),
        address=draft.address.strip(),
        city=draft.city.strip(),
        state=draft.state.strip(),
        country=draft.country.strip(),
        pincode=draft.pincode.strip(),
        individual=draft.customer_kind == "individual",
        organization=draft.customer_kind == "organization",
        channel_partner=draft.customer_kind == "channel_partner",
        additional_fields=extras["customer"],
        update=update and draft.update_customer,
    )
    contacts = [_contact_info(contact, region) for _, contact in _kept_contacts(draft)] or [ContactInfo()]
    enquiry = EnquiryInfo(
        next_follow_up_date=draft.next_follow_up_date,
        remarks=draft.enquiry_remarks.strip(),
        additional_fields=extras["enquiry"],
        update=update and draft.update_enquiry,
    )
    order = OrderInfo(
        order_id=draft.order_id.strip() if update else "",
        payment_mode=draft.payment_mode.strip(),
        invoice_no=draft.invoice_no.strip(),
        invoice_date=draft.invoice_date,
        erp_order_id=draft.erp_order_id.strip(),
        delivery_status=draft.delivery_status.strip(),
        remarks=draft.order_remarks.strip(),
        associate_fields=extras["order"],
        update=update,
        **{key: value.strip() for key, value in draft.more.items() if key in MORE_ORDER_FIELDS},
    )
    return OrderPayload(customer_info=customer, contact_info=contacts, enquiry_info=enquiry, order_info=order)


def problems(draft: Draft, *, update: bool = False, region: str | None = None) -> dict[str, str]:
    """Every broken rule, keyed by the draft field it belongs to (``contacts.1.phone``)."""
    kept = _kept_contacts(draft)
    rows = [row for row, _ in kept]
    found: dict[str, str] = {}
    if region:  # what cannot be a phone is refused here, in the form's words, before the payload's rules
        typed = [("phone", draft.phone)] + [
            (f"contacts.{row}.phone", c.phone) for row, c in kept if row is not None
        ]
        for name, text in typed:
            if not read_phone(text, region).is_phone:
                found[name] = (
                    f"“{text.strip()}” is not a phone number. Write it as people do — "
                    "98450 12345, (080) 2661 4433, +971 50 123 4567 — digits with spaces, dashes or brackets."
                )
    for problem in check(to_payload(draft, update=update, region=region)):
        name = _field_for(problem.field, rows)
        if name:
            found.setdefault(name, problem.message)
    return found


_FIELD_NAMES = {
    "customer_info.customer_name": "customer_name",
    "customer_info.phone": "phone",
    "customer_info.email_id": "email",
    "order_info.order_id": "order_id",
    "contact_person_phone": "phone",
    "contact_person_email": "email",
}


def _field_for(path: str, rows: list[int | None]) -> str | None:
    if path in _FIELD_NAMES:
        return _FIELD_NAMES[path]
    if not path.startswith("contact_info["):
        return "form"
    index = int(path[len("contact_info[") : path.index("]")])
    leaf = _FIELD_NAMES.get(path.rsplit(".", 1)[-1])
    row = rows[index] if index < len(rows) else None
    # The customer's own contact repeats the customer's phone and email: reported there already.
    return f"contacts.{row}.{leaf}" if row is not None and leaf else None


def from_payload(data: Mapping[str, Any]) -> Draft | None:
    """The draft for a payload, or None when the form cannot show all of it."""
    try:
        payload = OrderPayload.model_validate(data)
    except ValueError:
        return None
    if _form_would_change(payload):
        return None
    draft = _draft_of(payload)
    # The form's date boxes hold YYYY-MM-DD dates; any other text would be lost in them.
    if not all(_is_iso_date(value) for value in (draft.invoice_date, draft.next_follow_up_date)):
        return None
    return draft


def _is_iso_date(value: str) -> bool:
    if not value:
        return True
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _form_would_change(payload: OrderPayload) -> bool:
    """True when opening the payload in the form would drop or change something."""
    draft = _draft_of(payload)
    again = to_payload(draft, update=payload.order_info.update).to_payload()
    return _normalised(again) != _normalised(payload.to_payload())


@dataclass(frozen=True)
class LastSent:
    """An order as last sent: a draft for the form, or editor text when the form cannot hold it."""

    draft: Draft | None = None
    update_text: str = ""  # the payload made an update of the order, for the payload editor

    @property
    def known(self) -> bool:
        return self.draft is not None or bool(self.update_text)


def last_sent(journal: Journal, order_id: str) -> LastSent:
    """What Kapture last accepted for this order id, from the journal, ready to update it.

    A payload the form cannot hold (a suite's negatives send a phone as a number, ``"true"`` as
    text) comes back as editor text, made an update of that order (``update: true`` and the order
    id), so that sending it as it stands cannot create a second order.
    """
    order_id = order_id.strip()
    with journal.sessions() as session:
        body = submissions.last_request(session, order_id=order_id, outcome=Outcome.SUCCESS)
    if body is None:
        return LastSent()
    value, problem = parse(body)
    draft = from_payload(value) if problem is None and isinstance(value, dict) else None
    if draft is not None:
        draft.order_id = order_id
        return LastSent(draft=draft)
    if not isinstance(value, dict):
        return LastSent(update_text=body)  # not an object: shown as it was sent
    order_info = value.get("order_info")
    kept = order_info if isinstance(order_info, dict) else {}
    as_update = {**value, "order_info": {**kept, "update": True, "order_id": order_id}}
    return LastSent(update_text=pretty(as_update))


def _draft_of(payload: OrderPayload) -> Draft:
    customer, enquiry, order = payload.customer_info, payload.enquiry_info, payload.order_info
    contacts = [
        Contact(c.first_name, c.last_name, c.contact_person_phone, c.contact_person_email)
        for c in payload.contact_info
    ]
    same = bool(contacts) and contacts[0] == Contact(phone=customer.phone, email=customer.email_id)
    kind = next((k for k in CUSTOMER_KINDS if getattr(customer, k)), "organization")
    extras = [ExtraField("customer", k, _text(v)) for k, v in customer.additional_fields.items()]
    extras += [ExtraField("enquiry", k, _text(v)) for k, v in enquiry.additional_fields.items()]
    extras += [ExtraField("order", k, _text(v)) for k, v in order.associate_fields.items()]
    return Draft(
        customer_name=customer.customer_name,
        phone=customer.phone,
        email=customer.email_id,
        address=customer.address,
        city=customer.city,
        state=customer.state,
        country=customer.country,
        pincode=customer.pincode,
        customer_kind=kind,
        contact_same_as_customer=same,
        contacts=contacts[1:] if same else contacts,
        payment_mode=order.payment_mode,
        invoice_no=order.invoice_no,
        invoice_date=order.invoice_date,
        erp_order_id=order.erp_order_id,
        delivery_status=order.delivery_status,
        order_remarks=order.remarks,
        more={key: getattr(order, key) for key in MORE_ORDER_FIELDS if getattr(order, key)},
        enquiry_remarks=enquiry.remarks,
        next_follow_up_date=enquiry.next_follow_up_date,
        extra_fields=extras,
        order_id=order.order_id,
        update_customer=customer.update,
        update_enquiry=enquiry.update,
    )


def _kept_contacts(draft: Draft) -> list[tuple[int | None, Contact]]:
    """The contacts sent, each with its row in the draft (None: the customer's own)."""
    kept: list[tuple[int | None, Contact]] = [
        (index, contact) for index, contact in enumerate(draft.contacts) if any(asdict(contact).values())
    ]
    if draft.contact_same_as_customer:
        kept.insert(0, (None, Contact(phone=draft.phone.strip(), email=draft.email.strip())))
    return kept


def phone_preview(typed: str, region: str) -> str:
    """What the form will send for a typed phone, when that differs from what was typed; else ""."""
    phone = read_phone(typed, region)
    if not phone.sent or not phone.changed:
        return ""
    extension = f" (the extension {phone.extension} is not sent: Kapture keeps the number only)"
    return f"Sent to Kapture as {phone.sent}" + (extension if phone.extension else "")


def phone_warning(typed: str, region: str) -> str:
    """A plain warning when a typed phone has the right length but no real number looks so; else ""."""
    phone = read_phone(typed, region)
    if not phone.sent or phone.real:  # blank, refused (problems() says so), or fine
        return ""
    where = f" in {phone.country}" if phone.country else ""
    return f"This does not look like a real phone number{where} — check it. It can still be sent."


def _sent_phone(typed: str, region: str | None) -> str:
    return (read_phone(typed, region).sent if region else "") or typed.strip()


def _contact_info(contact: Contact, region: str | None = None) -> ContactInfo:
    name = " ".join(part for part in (contact.first_name.strip(), contact.last_name.strip()) if part)
    return ContactInfo(
        first_name=contact.first_name.strip(),
        last_name=contact.last_name.strip(),
        contact_person_name=name,
        contact_person_phone=_sent_phone(contact.phone, region),
        contact_person_email=contact.email.strip(),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _normalised(data: Any) -> Any:
    return json.loads(json.dumps(data, sort_keys=True))
