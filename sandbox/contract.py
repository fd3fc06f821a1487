"""Kapture's order API as the vendor's pages describe it, copied here on purpose.

Written from ``../shared/kapture-api/`` (``add-order-api.txt`` and ``README.md``), not from the
client: the sandbox and ``kapture/`` keep separate copies, so a contract test between them can
find a disagreement. What the pages leave open is chosen in ``sandbox/__init__.py`` (CHOICES);
the constants for those choices live here too.
"""

from __future__ import annotations

import base64
from typing import Any

ADD_UPDATE_PATH = "/ms/customer/order/api/v1/add-update"
PULL_PATH = "/ms/customer-search/order-search/api/v1/pull-internal"
API_PATHS = (ADD_UPDATE_PATH, PULL_PATH)

# The Pull Order API's documented filters, every one a string in the request.
PULL_FILTERS = frozenset(
    [
        "name", "phone", "email", "customerIds", "orderIds", "erpOrderId", "enquiryIds",
        "clientReferenceIds", "createStartDate", "createEndDate", "bookingStatus",
        "bookingSubStatus", "bookingStartDate", "bookingEndDate", "creatorIdStr",
        "assignIdStr", "zoneIdStr", "blockId", "unitId", "viewId", "sortParam", "limit",
        "offset",
    ]
    + [f"attr{n}" for n in range(1, 16)]
)  # fmt: skip
# The filters the sandbox applies; the other documented ones are accepted and ignored.
APPLIED_FILTERS = ("name", "phone", "email", "orderIds", "customerIds", "erpOrderId", "enquiryIds",
                   "createStartDate", "createEndDate")  # fmt: skip
PULL_PAGE_SIZE = 100  # sibling pull APIs: 100 rows per page by default

# The fields the vendor's example writes as JSON booleans, per section.
BOOLEAN_FIELDS: dict[str, frozenset[str]] = {
    "customer_info": frozenset(["individual", "organization", "channel_partner", "update"]),
    "contact_info": frozenset(["update", "matchEmailPhone"]),
    "enquiry_info": frozenset(["update"]),
    "order_info": frozenset(["update"]),
}
SECTIONS = tuple(BOOLEAN_FIELDS)

# Strict tenants only: the longest text a field takes (the vendor publishes no limits; see CHOICES).
DEFAULT_MAX_LENGTH = 255
MAX_LENGTH: dict[str, int] = {
    "phone": 20,
    "contact_person_phone": 20,
    "additional_contact_phone": 20,
    "country_code": 8,
    "pincode": 12,
    "email_id": 254,  # the longest address SMTP carries (RFC 5321)
    "contact_person_email": 254,
    "assign_emp_email": 254,
    "customer_assign_emp_email": 254,
    "address": 1000,
    "remarks": 2000,
    "customer_remarks": 2000,
    "dealDetails": 2000,
}

INVALID_AUTH = "Invalid Auth Key"  # the documented failure message for a bad Authorization header


def basic_token(username: str, password: str) -> str:
    """The Basic token the vendor describes: base64 of ``username:password``."""
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def strict_problem(payload: dict[str, Any]) -> str | None:
    """What a strict tenant refuses in an add-update body: booleans as text, over-long text."""
    for section in SECTIONS:
        value = payload.get(section)
        records = value if isinstance(value, list) else [value]
        for record in records:
            if not isinstance(record, dict):
                continue  # the shape is checked in every mode, elsewhere
            problem = _record_problem(section, record)
            if problem:
                return problem
    return None


def _record_problem(section: str, record: dict[str, Any]) -> str | None:
    for key, value in record.items():
        if key in BOOLEAN_FIELDS[section] and not isinstance(value, bool):
            return f"{section}.{key} must be true or false"
        if isinstance(value, str):
            limit = MAX_LENGTH.get(key, DEFAULT_MAX_LENGTH)
            if len(value) > limit:
                return f"{section}.{key} is longer than {limit} characters"
    return None
