"""A payload as text, for pages: read it (saying where it breaks), lay it out, lint it, send it by hand.

The rules live in ``kapture``; this is the door pages use, so ``ui/`` talks to services only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from kapture.jsontext import (
    DiffRow,
    SyntaxProblem,
    line_of,
    lines_of,
    minify,
    parse,
    pretty,
    side_by_side,
    strip_comments,
)
from kapture.lint import Finding, lint
from kapture.snippets import SNIPPETS, curl
from services import drafts

__all__ = [
    "SNIPPETS",
    "DiffRow",
    "Finding",
    "SyntaxProblem",
    "curl",
    "form_cannot_show",
    "line_of",
    "lines_of",
    "lint",
    "minify",
    "parse",
    "parse_headers",
    "pretty",
    "side_by_side",
    "strip_comments",
]

_SECTIONS = ("customer_info", "contact_info", "enquiry_info", "order_info")
# RFC 9110 token characters: what a header name may be made of.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# The client sets these itself: the credential from the connection's login, the framing from the body.
_SET_BY_THE_CLIENT = {
    "authorization": "Authorization is set by Order Desk from the connection's login and cannot be typed "
    "here (what is typed here stays on screen, and goes into the code snippets)",
    "content-length": "Content-Length is worked out from the body and cannot be set by hand",
    "transfer-encoding": "Transfer-Encoding is chosen by the HTTP client and cannot be set by hand",
    "host": "Host comes from the Kapture address and cannot be set by hand",
    "connection": "Connection is managed by the HTTP client and cannot be set by hand",
}


def parse_headers(text: str) -> tuple[dict[str, str], list[str]]:
    """Extra request headers typed one per line (``Name: value``), and what is wrong with them.

    Blank lines and lines starting with ``#`` are skipped. Authorization is refused whatever its
    case: the credential is never typed nor shown. (No header is journaled: ``services.submit``.)
    """
    headers: dict[str, str] = {}
    problems: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, colon, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not colon:
            problems.append(f"Line {number}: write each header as Name: value.")
        elif not _HEADER_NAME.fullmatch(name):
            problems.append(f"Line {number}: a header name is letters, digits and dashes, with no spaces.")
        elif name.lower() in _SET_BY_THE_CLIENT:
            problems.append(f"Line {number}: {_SET_BY_THE_CLIENT[name.lower()]}.")
        elif name.lower() in seen:
            problems.append(f"Line {number}: {name} is given twice; keep one.")
        elif not value.isascii() or not value.isprintable():
            problems.append(f"Line {number}: a header value must be plain ASCII text on one line.")
        else:
            seen.add(name.lower())
            headers[name] = value
    return headers, problems


def form_cannot_show(value: Any) -> list[str]:
    """The fields of a payload the order form has no place for (JSON paths); [] when it can show it all.

    The form is asked about one field at a time (the payload's customer name plus that field), so
    each field it would drop or change is named. A payload refused only as a whole (fields that
    make sense alone but not together) gives ``["the payload as a whole"]``.
    """
    if not isinstance(value, Mapping):
        return ["the payload as a whole"]
    if drafts.from_payload(value) is not None:
        return []
    customer = value.get("customer_info")
    name = customer.get("customer_name", "") if isinstance(customer, Mapping) else ""
    skeleton = {"customer_info": {"customer_name": name if isinstance(name, str) else ""}}
    if drafts.from_payload(skeleton) is None:
        return ["customer_info.customer_name"]
    found = [
        path for path, alone in _one_field_payloads(value, skeleton) if drafts.from_payload(alone) is None
    ]
    return found or ["the payload as a whole"]


def _one_field_payloads(value: Mapping[str, Any], skeleton: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Each field of the payload (its path) on its own, over the skeleton."""
    for section, content in value.items():
        if section not in _SECTIONS:
            yield str(section), {**skeleton, section: content}
        elif section == "contact_info" and isinstance(content, list):
            for index, contact in enumerate(content):
                if not isinstance(contact, Mapping):
                    yield f"contact_info[{index}]", {**skeleton, section: [contact]}
                    continue
                for key, item in contact.items():
                    yield f"contact_info[{index}].{key}", {**skeleton, section: [{key: item}]}
        elif isinstance(content, Mapping):
            for key, item in content.items():
                if section == "customer_info" and key == "customer_name":
                    continue
                merged = {**skeleton.get(section, {}), key: item}
                yield f"{section}.{key}", {**skeleton, section: merged}
        else:
            yield section, {**skeleton, section: content}
