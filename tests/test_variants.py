"""Variants: RFC 7396 merge patches, their inverse, proposed negatives and their verdicts."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from kapture import KaptureClient, Outcome, vendor_example
from kapture.variants import (
    NON_LATIN_NAME,
    REFUSED_OUTCOMES,
    SUCCESS_OUTCOMES,
    UNKNOWN_OUTCOMES,
    Variant,
    generate_negatives,
    merge_patch,
    verdict,
)
from sandbox import Sandbox
from storage.models import INVALID, PENDING, UNKNOWN

# RFC 7396, Appendix A: every example, as published.
RFC_7396_EXAMPLES = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("original", "patch", "result"), RFC_7396_EXAMPLES)
def test_merge_patch_gives_every_result_of_rfc_7396_appendix_a(
    original: Any, patch: Any, result: Any
) -> None:
    assert merge_patch(original, patch) == result


def test_merge_patch_changes_neither_input_nor_shares_them_with_the_result() -> None:
    target = {"a": {"b": [1, 2]}, "c": "d"}
    patch = {"a": {"x": {"y": [3]}}, "c": None}
    target_before, patch_before = copy.deepcopy(target), copy.deepcopy(patch)
    result = merge_patch(target, patch)
    assert result == {"a": {"b": [1, 2], "x": {"y": [3]}}}
    result["a"]["b"].append(99)
    result["a"]["x"]["y"].append(99)
    assert target == target_before
    assert patch == patch_before


def test_a_variant_survives_a_trip_through_json() -> None:
    variant = Variant("name in Hindi", {"customer_info": {"customer_name": NON_LATIN_NAME}}, "success")
    stored = json.dumps(variant.to_dict(), ensure_ascii=False)
    assert Variant.from_dict(json.loads(stored)) == variant
    assert Variant.from_dict({"name": "n", "patch": {}}).expected == "any"


@pytest.mark.parametrize(
    "data",
    [
        {"name": "n", "patch": {}, "expected": "maybe"},
        {"name": "n"},
        {"patch": {}},
        {"name": 3, "patch": {}},
    ],
)
def test_a_broken_stored_variant_is_refused(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Variant.from_dict(data)


# Against a lenient tenant (the sandbox's default): name, expectation, and how sure it is.
VENDOR_NEGATIVES = {
    "customer_info.customer_name removed": ("failure", "strong"),
    "customer_info.phone and email_id removed": ("success", "strong"),
    "customer_info removed": ("failure", "strong"),
    "contact_info removed": ("success", "weak"),
    "enquiry_info removed": ("success", "weak"),
    "order_info removed": ("success", "weak"),
    "customer_info.individual as text": ("success", "weak"),
    "customer_info.organization as text": ("success", "weak"),
    "customer_info.channel_partner as text": ("success", "weak"),
    "customer_info.update as text": ("success", "weak"),
    "contact_info[0].update as text": ("success", "weak"),
    "contact_info[0].matchEmailPhone as text": ("success", "weak"),
    "enquiry_info.update as text": ("success", "weak"),
    "order_info.update as text": ("success", "weak"),
    "contact_info as an object instead of a list": ("failure", "strong"),
    "unknown key customer_info.qa_unknown_field": ("success", "weak"),
    "customer_info.customer_name of 10,000 characters": ("success", "weak"),
    "customer_info.customer_name in non-Latin scripts": ("success", "weak"),
    "empty body {}": ("failure", "strong"),
    "update without an order id": ("failure", "strong"),
}
# A strict tenant refuses what the sandbox's CHOICES say it refuses; everything else is the same.
STRICT_CHANGES = {name for name in VENDOR_NEGATIVES if name.endswith(" as text")} | {
    "customer_info.customer_name of 10,000 characters"
}


def test_negatives_for_the_vendor_example_have_unique_names_and_the_expected_outcomes() -> None:
    variants = generate_negatives(vendor_example())
    names = [variant.name for variant in variants]
    assert len(names) == len(set(names))
    assert {variant.name: (variant.expected, variant.strength) for variant in variants} == VENDOR_NEGATIVES
    assert all(variant.why for variant in variants)  # each says what it rests on
    assert not [variant for variant in variants if variant.expected == "any"]  # none always passes


def test_negatives_for_a_strict_tenant_expect_its_refusals() -> None:
    strict = {v.name: v.expected for v in generate_negatives(vendor_example(), strictness="strict")}
    lenient = {name: expected for name, (expected, _) in VENDOR_NEGATIVES.items()}
    assert {name for name in strict if strict[name] != lenient[name]} == STRICT_CHANGES
    assert {strict[name] for name in STRICT_CHANGES} == {"failure"}
    with pytest.raises(ValueError, match="strictness"):
        generate_negatives(vendor_example(), strictness="picky")


def test_a_variant_keeps_its_grounds_through_storage_and_changing_it_makes_it_yours() -> None:
    (variant, *_) = generate_negatives(vendor_example())
    again = Variant.from_dict(json.loads(json.dumps(variant.to_dict())))
    assert (again.grounds, again.why, again.strength) == ("vendor", variant.why, "strong")
    assert Variant("mine", {}, "success").strength == "yours"
    assert Variant("mine", {}, "any", "vendor").strength == "none"
    assert Variant.from_dict({"name": "old", "patch": {}, "expected": "failure"}).strength == "yours"


def test_every_negative_applies_and_changes_what_its_name_says() -> None:
    base = vendor_example()
    untouched = copy.deepcopy(base)
    sent = {variant.name: merge_patch(base, variant.patch) for variant in generate_negatives(base)}
    assert base == untouched
    assert all(payload != base for payload in sent.values())
    assert "customer_name" not in sent["customer_info.customer_name removed"]["customer_info"]
    assert sent["customer_info.individual as text"]["customer_info"]["individual"] == "false"
    assert sent["customer_info.organization as text"]["customer_info"]["organization"] == "true"
    assert sent["contact_info[0].matchEmailPhone as text"]["contact_info"] == [
        {**base["contact_info"][0], "matchEmailPhone": "false"}
    ]
    assert sent["contact_info as an object instead of a list"]["contact_info"] == base["contact_info"][0]
    long_name = sent["customer_info.customer_name of 10,000 characters"]["customer_info"]["customer_name"]
    assert len(long_name) == 10_000
    assert sent["empty body {}"] == {}
    assert sent["update without an order id"]["order_info"]["update"] is True
    assert sent["update without an order id"]["order_info"]["order_id"] == ""
    assert sent["unknown key customer_info.qa_unknown_field"]["customer_info"]["qa_unknown_field"] == "qa"


def test_only_fields_the_base_has_are_proposed() -> None:
    names = [v.name for v in generate_negatives({"customer_info": {"customer_name": "A", "phone": "1"}})]
    assert "customer_info.phone removed" in names
    assert not [name for name in names if "contact_info" in name or "order" in name or "email" in name]
    assert [v.name for v in generate_negatives({})] == ["empty body {}"]


@pytest.mark.parametrize("strictness", ["lenient", "strict"])
def test_the_sandbox_answers_each_negative_as_expected(
    client: KaptureClient, sandbox: Sandbox, strictness: str
) -> None:
    sandbox.set_strictness(strictness)
    for variant in generate_negatives(vendor_example(), strictness=strictness):
        body = json.dumps(merge_patch(vendor_example(), variant.patch), ensure_ascii=False)
        result = client.send_raw(body)
        assert verdict(variant.expected, result.outcome), (variant.name, result.outcome, result.message)


# Written out, not built from the module's own outcome classes: a wrong class must fail here.
# A suite's "failure" needs a definite refusal; an answer that may have created the order, or a
# send that never reached Kapture, proves no refusal.
RECORDED = (
    "success", "rejected", "auth_failed", "invalid", "http_error", "network_error",
    "invalid_response", "timeout_unknown", "unknown", "pending",
)  # fmt: skip
PASSES = {
    "success": {"success"},
    "failure": {"rejected", "auth_failed", "invalid"},
    "any": set(RECORDED),
}
VERDICTS = [(expected, outcome, outcome in PASSES[expected]) for expected in PASSES for outcome in RECORDED]


def test_an_outcome_the_app_never_records_proves_nothing() -> None:
    assert verdict("success", "surprise") is False
    assert verdict("failure", "surprise") is False


@pytest.mark.parametrize(("expected", "outcome", "passes"), VERDICTS)
def test_verdict(expected: str, outcome: str, passes: bool) -> None:
    assert verdict(expected, outcome) is passes


def test_verdict_refuses_an_unknown_expectation() -> None:
    with pytest.raises(ValueError):
        verdict("maybe", "success")


def test_every_outcome_the_app_records_has_a_verdict_class() -> None:
    recorded = {outcome.value for outcome in Outcome} | {INVALID, PENDING, UNKNOWN}
    classes = (SUCCESS_OUTCOMES, REFUSED_OUTCOMES, UNKNOWN_OUTCOMES)
    assert recorded == SUCCESS_OUTCOMES | REFUSED_OUTCOMES | UNKNOWN_OUTCOMES
    assert sum(len(c) for c in classes) == len(recorded)  # no outcome in two classes
