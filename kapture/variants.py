"""Payload variants for QA: JSON Merge Patches (RFC 7396) over a base payload, and verdicts.

A variant stores only what differs from its base, as a merge patch, with the outcome QA
expects. ``generate_negatives`` proposes the usual suspects for a base payload, each expecting
what a tenant of the given strictness answers; ``verdict`` says whether what came back agrees with
what was expected. Standard library (and the outcomes table, `kapture.outcomes`) only.

How sure a generated expectation is, is said with it (``Variant.grounds``):

    vendor    strong: the vendor's pages say it (``customer_name`` is the one mandatory field,
              ``contact_info`` is a list, an update names its order)
    sandbox   weak: the pages are silent, and the expectation is what the sandbox chose for a
              lenient or strict tenant (CHOICES in ``sandbox/__init__.py``); a real tenant may
              answer otherwise, so a weak FAIL is a finding to read, not proof of a bug
    (blank)   QA's own expectation, or none ("any")
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Literal

from kapture import outcomes

Expectation = Literal["success", "failure", "any"]
EXPECTATIONS: tuple[str, ...] = ("success", "failure", "any")
Grounds = Literal["vendor", "sandbox", ""]
STRICTNESSES: tuple[str, ...] = ("lenient", "strict")  # the sandbox's tenant strictness levels

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
    grounds: Grounds = ""  # what the expectation rests on (see the module docstring)
    why: str = ""  # the rule it rests on, in words

    @property
    def strength(self) -> str:
        """``strong``, ``weak``, ``none`` (expects any outcome) or ``yours`` (set by QA)."""
        if self.expected == "any":
            return "none"
        return {"vendor": "strong", "sandbox": "weak"}.get(self.grounds, "yours")

    def __post_init__(self) -> None:
        # A blank name is allowed here (a row being edited); whoever saves a suite checks names.
        if not isinstance(self.name, str):
            raise ValueError("a variant's name must be text")
        if self.expected not in EXPECTATIONS:
            raise ValueError(f"expected must be one of {', '.join(EXPECTATIONS)}, not {self.expected!r}")
        if self.grounds not in ("vendor", "sandbox", ""):
            raise ValueError(f"grounds must be vendor, sandbox or blank, not {self.grounds!r}")

    def to_dict(self) -> dict[str, Any]:
        """The variant as a JSON-ready dict."""
        data = {"name": self.name, "patch": copy.deepcopy(self.patch), "expected": self.expected}
        if self.grounds:
            data |= {"grounds": self.grounds, "why": self.why}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Variant:
        """A variant from ``to_dict()``'s shape; a missing name or patch is a ValueError."""
        if not isinstance(data, dict) or "name" not in data or "patch" not in data:
            raise ValueError("a stored variant needs a name and a patch")
        return cls(
            data["name"],
            copy.deepcopy(data["patch"]),
            data.get("expected", "any"),
            data.get("grounds", ""),
            str(data.get("why", "")),
        )


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


# Why each generated expectation holds, in words shown beside the results.
_MANDATORY = "the vendor marks customer_name as the one mandatory field"
_ONLY_NAME = "the vendor marks only customer_name as mandatory"
_A_LIST = "the vendor's pages: contact_info is a list, even for one contact"
_NAMES_ITS_ORDER = "the vendor's Update Order page: an update carries the order's order_id"
_SECTION_OPTIONAL = "the vendor's pages do not say a section is required; the sandbox takes it without"
_TEXT_FLAG = {
    "lenient": 'the vendor\'s pages are silent; a lenient tenant (the default) takes "true" as text',
    "strict": "the vendor's pages are silent; a strict tenant refuses a boolean sent as text",
}
_LONG = {
    "lenient": "the vendor publishes no length limits; a lenient tenant takes long text",
    "strict": "the vendor publishes no length limits; a strict tenant refuses a name over 255 characters",
}
_UNKNOWN_KEY = "the vendor's pages are silent; the sandbox, like most tenants, ignores a key it does not know"
_ANY_SCRIPT = "the vendor's pages are silent; the sandbox takes any script"


def generate_negatives(base: dict[str, Any], strictness: str = "lenient") -> list[Variant]:
    """Variants proposed for a base payload, each touching only fields the base has.

    Each expects what a tenant of this strictness answers (the sandbox's CHOICES), and says how
    sure that is (``grounds``).
    """
    if strictness not in STRICTNESSES:
        raise ValueError(f"strictness must be one of {', '.join(STRICTNESSES)}, not {strictness!r}")
    strict = strictness == "strict"
    variants: list[Variant] = []

    def propose(name: str, patch: Any, expected: Expectation, grounds: Grounds, why: str) -> None:
        variants.append(Variant(name, patch, expected, grounds, why))

    customer = base.get("customer_info")
    customer = customer if isinstance(customer, dict) else None
    order = base.get("order_info")
    order = order if isinstance(order, dict) else None

    if customer is not None and "customer_name" in customer:
        propose(
            "customer_info.customer_name removed",
            {"customer_info": {"customer_name": None}},
            "failure",
            "vendor",
            _MANDATORY,
        )
    reachable = [key for key in ("phone", "email_id") if customer is not None and key in customer]
    if reachable:
        propose(
            f"customer_info.{' and '.join(reachable)} removed",
            {"customer_info": dict.fromkeys(reachable)},
            "success",
            "vendor",
            _ONLY_NAME,
        )
    for section in SECTIONS:
        if section not in base:
            continue
        if section == "customer_info":
            propose(f"{section} removed", {section: None}, "failure", "vendor", _MANDATORY)
        else:
            propose(f"{section} removed", {section: None}, "success", "sandbox", _SECTION_OPTIONAL)

    flag_expected: Expectation = "failure" if strict else "success"
    for section, value in base.items():
        # Booleans sent as the text "true"/"false": a common client mistake.
        if isinstance(value, dict):
            for key, flag in value.items():
                if isinstance(flag, bool):
                    propose(
                        f"{section}.{key} as text",
                        {section: {key: json.dumps(flag)}},
                        flag_expected,
                        "sandbox",
                        _TEXT_FLAG[strictness],
                    )
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    continue
                for key, flag in item.items():
                    if isinstance(flag, bool):
                        # A merge patch replaces a list whole: the patch carries the full list.
                        changed = copy.deepcopy(value)
                        changed[index][key] = json.dumps(flag)
                        propose(
                            f"{section}[{index}].{key} as text",
                            {section: changed},
                            flag_expected,
                            "sandbox",
                            _TEXT_FLAG[strictness],
                        )

    contacts = base.get("contact_info")
    if isinstance(contacts, list) and contacts and isinstance(contacts[0], dict):
        propose(
            "contact_info as an object instead of a list",
            {"contact_info": copy.deepcopy(contacts[0])},
            "failure",
            "vendor",
            _A_LIST,
        )
    if customer is not None:
        # Tenants add their own keys; Kapture should keep or ignore one it does not know.
        propose(
            f"unknown key customer_info.{UNKNOWN_FIELD}",
            {"customer_info": {UNKNOWN_FIELD: "qa"}},
            "success",
            "sandbox",
            _UNKNOWN_KEY,
        )
    if customer is not None and "customer_name" in customer:
        propose(
            f"customer_info.customer_name of {LONG_NAME_LENGTH:,} characters",
            {"customer_info": {"customer_name": "Long name " * (LONG_NAME_LENGTH // 10)}},
            "failure" if strict else "success",
            "sandbox",
            _LONG[strictness],
        )
        propose(
            "customer_info.customer_name in non-Latin scripts",
            {"customer_info": {"customer_name": NON_LATIN_NAME}},
            "success",
            "sandbox",
            _ANY_SCRIPT,
        )
    propose("empty body {}", dict.fromkeys(base), "failure", "vendor", _MANDATORY)
    if order is not None and "update" in order and "order_id" in order:
        propose(
            "update without an order id",
            {"order_info": {"update": True, "order_id": ""}},
            "failure",
            "vendor",
            _NAMES_ITS_ORDER,
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
