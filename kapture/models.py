"""The add-update payload as pydantic models: the vendor's four sections, nothing lost.

Every model keeps unknown keys (``extra="allow"``), so tenant-specific fields survive at
every depth. Defaults are the vendor's documented example with its strings emptied and its
booleans kept. Types are checked strictly (``"yes"`` is not silently turned into ``true``);
the business rules live in ``kapture.validation``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator


class KaptureModel(BaseModel):
    """Base of every payload model: unknown keys are kept, names are the wire names."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class CustomerInfo(KaptureModel):
    """The ``customer_info`` section."""

    customer_name: str = ""
    phone: str = ""
    email_id: str = ""
    locality: str = ""
    city: str = ""
    state: str = ""
    country: str = ""
    address: str = ""
    type: str = ""
    classification: str = ""
    pincode: str = ""
    customer_code: str = ""
    customer_id: str = ""
    customer_assign_emp_name: str = ""
    customer_assign_emp_code: str = ""
    customer_assign_emp_email: str = ""
    zone: str = ""
    customer_remarks: str = ""
    individual: StrictBool = False
    organization: StrictBool = True
    channel_partner: StrictBool = False
    remarks: str = ""
    primary_source: str = ""
    secondary_source: str = ""
    tertiary_source: str = ""
    additional_fields: dict[str, Any] = Field(default_factory=dict)
    associate_fields: dict[str, Any] = Field(default_factory=dict)
    update: StrictBool = False


class ContactInfo(KaptureModel):
    """One entry of the ``contact_info`` list."""

    contact_id: str = ""
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    contact_person_name: str = ""
    country_code: str = ""
    contact_person_phone: str = ""
    contact_person_email: str = ""
    additional_contact_phone: str = ""
    dob: str = ""
    gender: str = ""
    update: StrictBool = False
    matchEmailPhone: StrictBool = False  # noqa: N815 - the wire name is camelCase


class EnquiryInfo(KaptureModel):
    """The ``enquiry_info`` section."""

    enquiry_id: str = ""
    assign_emp_name: str = ""
    assign_emp_code: str = ""
    assign_emp_email: str = ""
    round_robin_key: str = ""
    next_follow_up_date: str = ""
    action: str = ""
    subStatus: str = ""  # noqa: N815 - the wire name is camelCase
    additional_fields: dict[str, Any] = Field(default_factory=dict)
    associate_fields: dict[str, Any] = Field(default_factory=dict)
    update: StrictBool = False
    remarks: str = ""


class OrderInfo(KaptureModel):
    """The ``order_info`` section; ``update`` with ``order_id`` updates an existing order."""

    order_id: str = ""
    assign_emp_name: str = ""
    assign_emp_code: str = ""
    assign_emp_email: str = ""
    delivery_status: str = ""
    erp_order_id: str = ""
    erp_invoice_no: str = ""
    create_date: str = ""
    remarks: str = ""
    invoice_no: str = ""
    invoice_date: str = ""
    unit_name: str = ""
    block_name: str = ""
    ticket_id: str = ""
    encryptOrder: str = ""  # noqa: N815 - the wire name is camelCase
    payment_mode: str = ""
    dealDetails: str = ""  # noqa: N815 - the wire name is camelCase
    associate_fields: dict[str, Any] = Field(default_factory=dict)
    update: StrictBool = False


class OrderPayload(KaptureModel):
    """The whole add-update body: four sections, ``contact_info`` always a list."""

    customer_info: CustomerInfo = Field(default_factory=CustomerInfo)
    contact_info: list[ContactInfo] = Field(default_factory=lambda: [ContactInfo()])
    enquiry_info: EnquiryInfo = Field(default_factory=EnquiryInfo)
    order_info: OrderInfo = Field(default_factory=OrderInfo)

    @field_validator("contact_info", mode="before")
    @classmethod
    def _contact_info_is_a_list(cls, value: Any) -> Any:
        if isinstance(value, dict):
            raise ValueError("must be a list of contacts: wrap a single contact in [ ]")
        return value

    def to_payload(self) -> dict[str, Any]:
        """The wire dict, unknown keys included."""
        return self.model_dump(mode="json", by_alias=True)


def vendor_example() -> dict[str, Any]:
    """The vendor's documented example payload, as published (its comment removed)."""
    text = resources.files("kapture").joinpath("vendor_example.json").read_text("utf-8")
    return json.loads(text)


def default_payload() -> OrderPayload:
    """An empty payload in the vendor's shape, ready to fill."""
    return OrderPayload()
