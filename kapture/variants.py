"""Payload variants for QA: JSON Merge Patches (RFC 7396) over a base payload, and verdicts.

A variant stores only what differs from its base, as a merge patch, with the outcome QA
expects. ``generate_negatives`` proposes the usual suspects for a base payload; ``verdict``
says whether what came back agrees with what was expected. Standard library (and the outcomes
table, `kapture.outcomes`) only.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Literal

from kapture import outcomes

Expectation = Literal["success", "failure", "any"]
EXPECTATIONS: tuple[str, ...] = ("success", "failure", "any")

# The verdict classes, read from what each recorded outcome means (``kapture.outcomes``).
SUCCESS_OUTCOMES = frozenset(outcomes.SUCCEEDED)
# A definite "no": Kapture (or the app's own validation, before sending) refused the payload.
REFUSED_OUTCOMES = frozenset(outcomes.DEFINITE_REFUSALS)
# Proof of neither success nor refusal: nobody knows what Kapture did, it never got the request,
# or an HTTP error (a 500 or a gateway's 504 may come after the order was made).
UNKNOWN_OUTCOMES = frozenset(outcomes.ALL) - SUCCESS_OUTCOMES - REFUSED_OUTCOMES

SECTIONS = ("customer_info", "contact_info", "enquiry_info", "order_info")
LONG_NAME_LENGTH = 10_000
NON_LATIN_NAME = "आशा ट्रेडर्स 株式会社 Ünïcødé"
UNKNOWN_FIELD = "qa_unknown_field"


@dataclass
class Variant:
    """A named merge patch over a base payload, with the outcome QA expects."""

    name: str
    patch: Any
    expected: Expectation = "any"

    def __post_init__(self) -> None:
        # A blank name is allowed here (a row being edited); whoever saves a suite checks names.
        if not isinstance(self.name, str):
            raise ValueError("a variant's name must be text")
        if self.expected not in EXPECTATIONS:
            raise ValueError(f"expected must be one of {', '.join(EXPECTATIONS)}, not {self.expected!r}")

    def to_dict(self) -> dict[str, Any]:
        """The variant as a JSON-ready dict."""
        return {"name": self.name, "patch": copy.deepcopy(self.patch), "expected": self.expected}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Variant:
        """A variant from ``to_dict()``'s shape; a missing name or patch is a ValueError."""
        if not isinstance(data, dict) or "name" not in data or "patch" not in data:
            raise ValueError("a stored variant needs a name and a patch")
        return cls(data["name"], copy.deepcopy(data["patch"]), data.get("expected", "any"))


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply a JSON Merge Patch (RFC 7396) to ``target``; neither input is changed."""
    return _apply(copy.deepcopy(target), patch)


def _apply(target: Any, patch: Any) -> Any:
    # ``target`` is already a private copy here, so it may be changed in place.
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(target, dict):
        target = {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = _apply(target.get(key), value)
    return target


def _same(a: Any, b: Any) -> bool:
    """JSON equality: unlike ``==``, ``true`` is not ``1`` and ``1`` is not ``1.0``."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def generate_negatives(base: dict[str, Any]) -> list[Variant]:
    """Variants proposed for a base payload, each touching only fields the base has."""
    variants: list[Variant] = []

    def propose(name: str, patch: Any, expected: Expectation) -> None:
        variants.append(Variant(name, patch, expected))

    customer = base.get("customer_info")
    customer = customer if isinstance(customer, dict) else None
    order = base.get("order_info")
    order = order if isinstance(order, dict) else None

    if customer is not None and "customer_name" in customer:
        propose("customer_info.customer_name removed", {"customer_info": {"customer_name": None}}, "failure")
    reachable = [key for key in ("phone", "email_id") if customer is not None and key in customer]
    if reachable:
        propose(
            f"customer_info.{' and '.join(reachable)} removed",
            {"customer_info": dict.fromkeys(reachable)},
            "any",
        )
    for section in SECTIONS:
        if section in base:
            propose(f"{section} removed", {section: None}, "failure" if section == "customer_info" else "any")

    for section, value in base.items():
        # Booleans sent as the text "true"/"false": a common client mistake.
        if isinstance(value, dict):
            for key, flag in value.items():
                if isinstance(flag, bool):
                    propose(f"{section}.{key} as text", {section: {key: json.dumps(flag)}}, "any")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    continue
                for key, flag in item.items():
                    if isinstance(flag, bool):
                        # A merge patch replaces a list whole: the patch carries the full list.
                        changed = copy.deepcopy(value)
                        changed[index][key] = json.dumps(flag)
                        propose(f"{section}[{index}].{key} as text", {section: changed}, "any")

    contacts = base.get("contact_info")
    if isinstance(contacts, list) and contacts and isinstance(contacts[0], dict):
        propose(
            "contact_info as an object instead of a list",
            {"contact_info": copy.deepcopy(contacts[0])},
            "failure",
        )
    if customer is not None:
        # Tenants add their own keys; Kapture should keep or ignore one it does not know.
        propose(
            f"unknown key customer_info.{UNKNOWN_FIELD}", {"customer_info": {UNKNOWN_FIELD: "qa"}}, "success"
        )
    if customer is not None and "customer_name" in customer:
        propose(
            f"customer_info.customer_name of {LONG_NAME_LENGTH:,} characters",
            {"customer_info": {"customer_name": "Long name " * (LONG_NAME_LENGTH // 10)}},
            "any",
        )
        propose(
            "customer_info.customer_name in non-Latin scripts",
            {"customer_info": {"customer_name": NON_LATIN_NAME}},
            "success",
        )
    propose("empty body {}", dict.fromkeys(base), "failure")
    if order is not None and "update" in order and "order_id" in order:
        propose(
            "update without an order id",
            {"order_info": {"update": True, "order_id": ""}},
            "failure",
        )
    return variants


def verdict(expected: str, outcome: str) -> bool:
    """True when an outcome agrees with the expectation; an unknown outcome never proves a refusal."""
    if expected == "any":
        return True
    if expected == "success":
        return outcome in SUCCESS_OUTCOMES
    if expected == "failure":
        return outcome in REFUSED_OUTCOMES
    raise ValueError(f"expected must be one of {', '.join(EXPECTATIONS)}, not {expected!r}")
