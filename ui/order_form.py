"""The order form, shared by the new-order and update pages: fields grouped as staff think.

Every widget's key is namespaced by page (``order.phone``, ``update.phone``) and keeps its value
for the whole session (``persist_state="session"``): what was typed survives errors, failed
sends and visits to other pages.
"""

from __future__ import annotations

import uuid
from datetime import date

import streamlit as st

from services.drafts import (
    CUSTOMER_KINDS,
    EXTRA_SECTIONS,
    MORE_ORDER_FIELDS,
    Contact,
    Draft,
    ExtraField,
    phone_preview,
    phone_warning,
)
from ui.text import md

_TEXT_FIELDS = (
    "customer_name", "phone", "email", "address", "city", "state", "country", "pincode",
    "payment_mode", "invoice_no", "erp_order_id", "delivery_status", "order_remarks",
    "enquiry_remarks", "order_id",
)  # fmt: skip
_CHOICE_FIELDS = ("customer_kind", "contact_same_as_customer", "update_customer", "update_enquiry")
_DATE_FIELDS = ("invoice_date", "next_follow_up_date")
_CONTACT_FIELDS = ("first_name", "last_name", "phone", "email")
_EXTRA_FIELDS = ("section", "key", "value")
_KEEP = "session"
_DAY_FIRST = "DD/MM/YYYY"


def load(ns: str, draft: Draft) -> None:
    """Put a draft into the form (call before the widgets are drawn, e.g. in a callback)."""
    state = st.session_state
    for name in (*_TEXT_FIELDS, *_CHOICE_FIELDS):
        state[f"{ns}.{name}"] = getattr(draft, name)
    for name in _DATE_FIELDS:
        value = getattr(draft, name)
        state[f"{ns}.{name}"] = _date_or_none(value)
    for key in MORE_ORDER_FIELDS:
        state[f"{ns}.more.{key}"] = draft.more.get(key, "")
    state[f"{ns}.contact_rows"] = _rows(ns, "contact", [vars(c) for c in draft.contacts])
    state[f"{ns}.extra_rows"] = _rows(ns, "extra", [vars(e) for e in draft.extra_fields])


def read(ns: str) -> Draft:
    """The draft as the form holds it now."""
    _ensure(ns)
    state = st.session_state
    draft = Draft(**{name: state[f"{ns}.{name}"] for name in (*_TEXT_FIELDS, *_CHOICE_FIELDS)})
    for name in _DATE_FIELDS:
        value = state[f"{ns}.{name}"]
        setattr(draft, name, value.isoformat() if isinstance(value, date) else "")
    draft.more = {key: state[f"{ns}.more.{key}"] for key in MORE_ORDER_FIELDS if state[f"{ns}.more.{key}"]}
    draft.contacts = [
        Contact(**{f: state[f"{ns}.contact.{row}.{f}"] for f in _CONTACT_FIELDS})
        for row in state[f"{ns}.contact_rows"]
    ]
    draft.extra_fields = [
        ExtraField(**{f: state[f"{ns}.extra.{row}.{f}"] for f in _EXTRA_FIELDS})
        for row in state[f"{ns}.extra_rows"]
    ]
    return draft


def render(
    ns: str, problems: dict[str, str], *, for_update: bool = False, region: str | None = None
) -> Draft:
    """Draw the form, with each problem under its field; return the draft it holds.

    With ``region`` a phone shows what will be sent for it when that is spelt differently.
    """
    _ensure(ns)
    state = st.session_state

    def error(name: str) -> None:
        if name in problems:
            st.markdown(f":red[{md(problems[name])}]")

    def sent_as(name: str, key: str) -> None:
        if not region or name in problems:
            return
        typed = str(state.get(key) or "")
        if preview := phone_preview(typed, region):
            st.caption(md(preview))
        if warning := phone_warning(typed, region):  # a warning, not a block: the number may be new
            st.caption(f":orange[:material/warning: {md(warning)}]")

    def looks_wrong(key: str, *, future: bool) -> None:
        # A warning, not a block: an order entered late, or a follow-up already due, can be right.
        day = state.get(key)
        if isinstance(day, date) and (day > date.today() if future else day < date.today()):
            when = "in the future" if future else "in the past"
            st.caption(f":orange[:material/warning: {day:%d/%m/%Y} is {when}: is that right?]")

    with st.container(border=True):
        st.subheader("Customer", anchor=False)
        left, middle, right = st.columns([2, 1, 1])
        with left:
            st.text_input("Customer name *", key=f"{ns}.customer_name", persist_state=_KEEP)
            error("customer_name")
        with middle:
            st.text_input("Phone", key=f"{ns}.phone", persist_state=_KEEP, placeholder="98450 12345")
            error("phone")
            sent_as("phone", f"{ns}.phone")
        with right:
            st.text_input("Email", key=f"{ns}.email", persist_state=_KEEP, placeholder="name@example.com")
            error("email")
        st.caption("Kapture finds the customer by phone or email, so give at least one of them.")
        st.text_input("Address", key=f"{ns}.address", persist_state=_KEEP)
        city, state_column, country, pincode = st.columns(4)
        city.text_input("City", key=f"{ns}.city", persist_state=_KEEP)
        state_column.text_input("State", key=f"{ns}.state", persist_state=_KEEP)
        country.text_input("Country", key=f"{ns}.country", persist_state=_KEEP)
        pincode.text_input("Pincode", key=f"{ns}.pincode", persist_state=_KEEP)
        st.radio(
            "The customer is",
            list(CUSTOMER_KINDS),
            format_func=CUSTOMER_KINDS.get,
            key=f"{ns}.customer_kind",
            horizontal=True,
            persist_state=_KEEP,
        )

    with st.container(border=True):
        st.subheader("Contact person", anchor=False)
        st.checkbox(
            "The customer's phone and email are the contact's",
            key=f"{ns}.contact_same_as_customer",
            persist_state=_KEEP,
            help="Untick it to name a different contact person below (adding one unticks it).",
        )
        _contact_rows(ns, error, sent_as)

    with st.container(border=True):
        st.subheader("Order", anchor=False)
        if for_update:
            st.text_input("Kapture order id *", key=f"{ns}.order_id", persist_state=_KEEP, disabled=True)
            error("order_id")
        first, second, third = st.columns(3)
        first.text_input(
            "Payment mode", key=f"{ns}.payment_mode", persist_state=_KEEP, placeholder="UPI, cash, card…"
        )
        second.text_input("Invoice number", key=f"{ns}.invoice_no", persist_state=_KEEP)
        with third:
            st.date_input("Invoice date", key=f"{ns}.invoice_date", persist_state=_KEEP, format=_DAY_FIRST)
            looks_wrong(f"{ns}.invoice_date", future=True)
        first, second, _ = st.columns(3)
        first.text_input(
            "Your order number",
            key=f"{ns}.erp_order_id",
            persist_state=_KEEP,
            help="The order's number in your own system (ERP), if it has one. Kapture keeps it.",
        )
        second.text_input("Delivery status", key=f"{ns}.delivery_status", persist_state=_KEEP)
        st.text_area("Order remarks", key=f"{ns}.order_remarks", persist_state=_KEEP, height=80)
        with st.expander("More order fields"):
            columns = st.columns(2)
            for index, (key, (label, explained)) in enumerate(MORE_ORDER_FIELDS.items()):
                field = columns[index % 2]
                field.text_input(label, key=f"{ns}.more.{key}", persist_state=_KEEP, help=explained)

    with st.container(border=True):
        st.subheader("Enquiry", anchor=False)
        remarks, follow_up = st.columns([2, 1])
        remarks.text_input("Enquiry remarks", key=f"{ns}.enquiry_remarks", persist_state=_KEEP)
        with follow_up:
            st.date_input(
                "Next follow-up date", key=f"{ns}.next_follow_up_date", persist_state=_KEEP, format=_DAY_FIRST
            )
            looks_wrong(f"{ns}.next_follow_up_date", future=False)

    with st.expander("Extra fields for your Kapture account"):
        st.caption("Fields your Kapture account has on top of the standard ones, as name and value.")
        _extra_rows(ns)

    if for_update:
        with st.expander("Also overwrite in Kapture"):
            st.checkbox("The customer's details", key=f"{ns}.update_customer", persist_state=_KEEP)
            st.checkbox("The enquiry's details", key=f"{ns}.update_enquiry", persist_state=_KEEP)
    if "form" in problems:
        st.error(md(problems["form"]))
    return read(ns)


def _contact_rows(ns: str, error, sent_as) -> None:  # type: ignore[no-untyped-def]
    state = st.session_state
    for number, row in enumerate(state[f"{ns}.contact_rows"]):
        columns = st.columns([3, 3, 3, 3, 2], vertical_alignment="top")
        for column, name, label in zip(
            columns, _CONTACT_FIELDS, ("First name", "Last name", "Phone", "Email"), strict=False
        ):
            with column:
                st.text_input(label, key=f"{ns}.contact.{row}.{name}", persist_state=_KEEP)
                if name in ("phone", "email"):
                    error(f"contacts.{number}.{name}")
                if name == "phone":
                    sent_as(f"contacts.{number}.phone", f"{ns}.contact.{row}.phone")
        with columns[4]:
            st.space("small")  # level with the inputs, under their labels
            st.button(
                "Remove",
                key=f"{ns}.contact.{row}.remove",
                icon=":material/close:",
                on_click=_remove_row,
                args=(ns, "contact", row),
                width="stretch",
            )
    st.button("Add a contact person", key=f"{ns}.contact.add", on_click=_add_row, args=(ns, "contact"))


def _extra_rows(ns: str) -> None:
    state = st.session_state
    for row in state[f"{ns}.extra_rows"]:
        section, key, value, remove = st.columns([2, 3, 3, 1], vertical_alignment="bottom")
        section.selectbox(
            "Section",
            list(EXTRA_SECTIONS),
            format_func=EXTRA_SECTIONS.get,
            key=f"{ns}.extra.{row}.section",
            persist_state=_KEEP,
        )
        key.text_input("Field name", key=f"{ns}.extra.{row}.key", persist_state=_KEEP)
        value.text_input("Value", key=f"{ns}.extra.{row}.value", persist_state=_KEEP)
        remove.button("Remove", key=f"{ns}.extra.{row}.remove", on_click=_remove_row, args=(ns, "extra", row))
    st.button("Add a field", key=f"{ns}.extra.add", on_click=_add_row, args=(ns, "extra"))


def _ensure(ns: str) -> None:
    if f"{ns}.customer_name" not in st.session_state:
        load(ns, Draft())


def _rows(ns: str, kind: str, values: list[dict[str, str]]) -> list[str]:
    rows = []
    for value in values:
        row = uuid.uuid4().hex[:8]
        for name, item in value.items():
            st.session_state[f"{ns}.{kind}.{row}.{name}"] = item
        rows.append(row)
    return rows


def _add_row(ns: str, kind: str) -> None:
    if kind == "contact":  # a contact of their own: the customer's phone and email are not it too
        st.session_state[f"{ns}.contact_same_as_customer"] = False
    blank = (
        {name: "" for name in _CONTACT_FIELDS}
        if kind == "contact"
        else {"section": "order", "key": "", "value": ""}
    )
    st.session_state[f"{ns}.{kind}_rows"] = [
        *st.session_state[f"{ns}.{kind}_rows"],
        *_rows(ns, kind, [blank]),
    ]


def _remove_row(ns: str, kind: str, row: str) -> None:
    st.session_state[f"{ns}.{kind}_rows"] = [r for r in st.session_state[f"{ns}.{kind}_rows"] if r != row]


def _date_or_none(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
