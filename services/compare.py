"""What differs between two JSON values (payloads or answers), path by path, via deepdiff.

Paths read like the payload itself: ``customer_info.phone``, ``contact_info[0].gender``,
``Order.order_id``; a key that would be ambiguous in that form (a dot, a bracket, a space, a
quote, or an empty key) is written in brackets as JSON: ``additional_fields["GST no."]``.
The whole value is the empty path ``ROOT``.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

from deepdiff import DeepDiff

ROOT = ""
# Ids and timestamps that differ on every send, so two runs of one payload still compare
# equal: the id names Kapture returns, and keys ending in _at, time or timestamp (any case, at
# any depth). Dates people type (invoice_date, next_follow_up_date) are data and always count.
# Pass ``ignore_volatile=False`` to see everything.
VOLATILE_KEY = re.compile(
    r"^(?:order_id|customer_id|enquiry_id|contact_id)$|(?:_at|time|timestamp)$", re.IGNORECASE
)
_PLAIN_KEY = re.compile(r"[^\s.\[\]\"']+")
_KINDS = {
    "dictionary_item_added": "added",
    "iterable_item_added": "added",
    "dictionary_item_removed": "removed",
    "iterable_item_removed": "removed",
    "values_changed": "changed",
    "type_changes": "changed",
}


@dataclass(frozen=True)
class Change:
    """One difference: where, what kind (added, removed, changed), and the values either side."""

    path: str
    kind: str  # "added" | "removed" | "changed"
    before: Any
    after: Any


def compare(before: Any, after: Any, *, ignore_volatile: bool = True) -> list[Change]:
    """The changes that turn ``before`` into ``after``, sorted by path."""
    diff = DeepDiff(
        before,
        after,
        view="tree",
        # deepdiff >= 8 reports two dicts sharing under a third of their keys as one replaced
        # value; 0 always goes down to the keys.
        threshold_to_diff_deeper=0,
        # Lists by position: without this, deepdiff aligns them like text and reports an
        # insertion at [0] where every position actually holds something else now.
        zip_ordered_iterables=True,
    )
    found: list[tuple[tuple[tuple[Any, ...], ...], Change]] = []
    for report, levels in diff.tree.items():
        kind = _KINDS.get(report, "changed")
        for level in levels:
            segments = level.path(output_format="list")
            if ignore_volatile and any(
                isinstance(segment, str) and VOLATILE_KEY.search(segment) for segment in segments
            ):
                continue
            change = Change(
                path=format_path(segments),
                kind=kind,
                before=None if kind == "added" else copy.deepcopy(level.t1),
                after=None if kind == "removed" else copy.deepcopy(level.t2),
            )
            found.append((tuple(_sort_key(segment) for segment in segments), change))
    found.sort(key=lambda item: item[0])
    return [change for _, change in found]


def _sort_key(segment: Any) -> tuple[Any, ...]:
    # Indexes as numbers ([2] before [10]); keys as a reader expects ("message" before "Order").
    if isinstance(segment, str):
        return (1, segment.casefold(), segment)
    return (0, segment, "")


def format_path(segments: list[Any]) -> str:
    """A path written like the payload: ``contact_info[0].gender``; ``[]`` is ``ROOT``."""
    text = ROOT
    for segment in segments:
        if isinstance(segment, int) and not isinstance(segment, bool):
            text += f"[{segment}]"
        elif isinstance(segment, str) and _PLAIN_KEY.fullmatch(segment):
            text += f".{segment}" if text else segment
        else:
            text += f"[{json.dumps(str(segment), ensure_ascii=False)}]"
    return text


def parse_or_text(text: str) -> Any:
    """The JSON value the text holds, or the text itself when it is not JSON (an HTML page)."""
    try:
        return json.loads(text, parse_constant=_not_json)
    except (ValueError, RecursionError):
        return text


def _not_json(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON does not, and NaN never equals itself.
    raise ValueError(f"{name} is not JSON")
