"""compare(): what QA sees when two payloads or two answers differ."""

from __future__ import annotations

import copy
import json

import pytest

from kapture import KaptureClient, OrderPayload, encode
from services.compare import ROOT, VOLATILE_KEY, Change, compare, format_path, parse_or_text

SUCCESS = {
    "status": "success",
    "message": "Order Added successfully !",
    "Order": {
        "result": True,
        "order_id": 23518265,
        "customer_id": 191696570,
        "enquiry_id": 24284201,
        "action": "ORDER",
        "action_event": "ADD_ORDER",
        "contact_id": 210010451,
    },
}
HTML_500 = "<html><head><title>500 Internal Server Error</title></head><body>nginx</body></html>"


def test_added_removed_changed_and_type_changed_fields_are_each_reported_once() -> None:
    before = {
        "customer_info": {"customer_name": "ABC", "phone": "9380491257", "individual": "false"},
        "contact_info": [{"gender": "Male", "title": "no"}],
    }
    after = {
        "customer_info": {"customer_name": "ABD", "individual": False, "email_id": "abc@abc.min"},
        "contact_info": [{"gender": "Female", "title": "no"}],
    }
    assert compare(before, after) == [
        Change("contact_info[0].gender", "changed", "Male", "Female"),
        Change("customer_info.customer_name", "changed", "ABC", "ABD"),
        Change("customer_info.email_id", "added", None, "abc@abc.min"),
        Change("customer_info.individual", "changed", "false", False),
        Change("customer_info.phone", "removed", "9380491257", None),
    ]


def test_list_items_are_compared_by_position_and_sorted_by_index() -> None:
    before = {"items": list(range(11))}
    after = {"items": [0, *range(11)]}  # one more at the front: every later position differs
    changes = compare(before, after)
    assert [c.path for c in changes] == [f"items[{i}]" for i in range(1, 12)]
    assert changes[1] == Change("items[2]", "changed", 2, 1)
    assert changes[-1] == Change("items[11]", "added", None, 10)
    assert compare({"c": [{"a": 1}, {"b": 2}]}, {"c": [{"a": 1}]}) == [
        Change("c[1]", "removed", {"b": 2}, None)
    ]


def test_objects_sharing_few_keys_are_still_compared_key_by_key() -> None:
    changes = compare({"a": 1, "b": 2, "c": 3}, {"a": 1, "x": 2, "y": 3, "z": 4})
    assert [(c.path, c.kind) for c in changes] == [
        ("b", "removed"), ("c", "removed"), ("x", "added"), ("y", "added"), ("z", "added")
    ]  # fmt: skip


def test_true_and_1_differ_like_in_json() -> None:
    assert compare({"result": True}, {"result": 1}) == [Change("result", "changed", True, 1)]


def test_two_answers_differing_only_in_order_id_compare_equal_unless_asked() -> None:
    second = copy.deepcopy(SUCCESS)
    second["Order"]["order_id"] = 23518266
    assert compare(SUCCESS, second) == []
    assert compare(SUCCESS, second, ignore_volatile=False) == [
        Change("Order.order_id", "changed", 23518265, 23518266)
    ]


def test_the_same_order_sent_twice_to_the_sandbox_gives_the_same_answer_but_for_ids(
    client: KaptureClient, order: OrderPayload
) -> None:
    first = parse_or_text(client.send_raw(encode(order)).response_text)
    second = parse_or_text(client.send_raw(encode(order)).response_text)
    assert first["status"] == second["status"] == "success"
    assert compare(first, second) == []
    # The customer is matched by phone; order, enquiry and contact are new.
    assert [c.path for c in compare(first, second, ignore_volatile=False)] == [
        "Order.contact_id", "Order.enquiry_id", "Order.order_id"
    ]  # fmt: skip


def test_an_html_page_against_a_json_answer_is_one_change_at_the_root() -> None:
    page, answer = parse_or_text(HTML_500), parse_or_text(json.dumps(SUCCESS))
    assert page == HTML_500
    assert compare(page, answer) == [Change(ROOT, "changed", HTML_500, SUCCESS)]


@pytest.mark.parametrize(
    "key",
    ["order_id", "customer_id", "enquiry_id", "contact_id",
     "created_at", "updated_at", "createTime", "time", "timestamp", "eventTimestamp", "ORDER_ID"],
)  # fmt: skip
def test_volatile_keys_are_ignored_at_any_depth(key: str) -> None:
    before = {"a": [{"b": {key: 1, "keep": 1}}], key: {"x": 1}}
    after = {"a": [{"b": {key: 2, "keep": 1}}], key: {"x": 2}}
    assert VOLATILE_KEY.search(key)
    assert compare(before, after) == []
    assert [c.path for c in compare(before, after, ignore_volatile=False)] == [
        f"a[0].b.{key}", f"{key}.x"
    ]  # fmt: skip


@pytest.mark.parametrize(
    "key",
    [
        "update",
        "erp_order_id",
        "order_ids",
        "status",
        "action",
        "format",
        "data",
        "invoice_date",
        "next_follow_up_date",
    ],
)
def test_ordinary_keys_are_not_volatile(key: str) -> None:
    assert compare({key: 1}, {key: 2}) == [Change(key, "changed", 1, 2)]


def test_a_volatile_key_appearing_is_ignored_but_a_section_appearing_is_not() -> None:
    failed = {"status": "failed", "message": "Invalid Auth Key"}
    assert compare(failed, {**failed, "order_id": 5}) == []
    assert [(c.path, c.kind) for c in compare(failed, SUCCESS)] == [
        ("message", "changed"), ("Order", "added"), ("status", "changed")
    ]  # fmt: skip


def test_odd_keys_are_written_unambiguously() -> None:
    assert format_path([]) == ROOT
    assert format_path(["contact_info", 0, "gender"]) == "contact_info[0].gender"
    assert format_path(["additional_fields", "GST no."]) == 'additional_fields["GST no."]'
    assert format_path(["a", "", "नाम", 'q"k']) == 'a[""].नाम["q\\"k"]'
    assert compare({"x.y": 1}, {"x.y": 2})[0].path == '["x.y"]'


def test_changes_do_not_share_values_with_the_inputs() -> None:
    before, after = {"a": {"b": [1]}}, {"a": {"b": [1]}, "c": {"d": [2]}}
    (change,) = compare(before, after)
    change.after["d"].append(3)
    assert after == {"a": {"b": [1]}, "c": {"d": [2]}}


@pytest.mark.parametrize(
    ("text", "value"), [('{"a": [1, "x"]}', {"a": [1, "x"]}), ("123", 123), ("null", None), ('"s"', "s")]
)
def test_parse_or_text_reads_json(text: str, value: object) -> None:
    assert parse_or_text(text) == value


@pytest.mark.parametrize(
    "text", ["", "NaN", '{"a": Infinity}', '{"status": "success", "mess', "<html>x</html>", "[" * 100_000]
)
def test_parse_or_text_keeps_what_is_not_json_as_text(text: str) -> None:
    assert parse_or_text(text) == text
