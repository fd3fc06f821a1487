"""The Kapture CRM order API: payload models, validation, a client, outcomes and code snippets.

No Streamlit and no database here: this package only knows Kapture's contract.
"""

from kapture.client import KaptureClient, base_url_for, basic_token, encode
from kapture.exceptions import (
    AuthFailed,
    HTTPStatusError,
    InvalidResponse,
    KaptureError,
    NetworkError,
    OutcomeUnknown,
    PayloadInvalid,
    Problem,
    Rejected,
    ResponseError,
    TransportError,
)
from kapture.models import (
    ContactInfo,
    CustomerInfo,
    EnquiryInfo,
    OrderInfo,
    OrderPayload,
    default_payload,
    vendor_example,
)
from kapture.result import KaptureResult, Outcome
from kapture.validation import validate_order

__all__ = [
    "AuthFailed",
    "ContactInfo",
    "CustomerInfo",
    "EnquiryInfo",
    "HTTPStatusError",
    "InvalidResponse",
    "KaptureClient",
    "KaptureError",
    "KaptureResult",
    "NetworkError",
    "OrderInfo",
    "OrderPayload",
    "Outcome",
    "OutcomeUnknown",
    "PayloadInvalid",
    "Problem",
    "Rejected",
    "ResponseError",
    "TransportError",
    "base_url_for",
    "basic_token",
    "default_payload",
    "encode",
    "validate_order",
    "vendor_example",
]
