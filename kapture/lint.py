"""Schema warnings for a raw payload: what differs from the documented shape, never a refusal.

QA send wrong payloads on purpose, so nothing here stops a send; each finding names the field
and says what looks off. The documented fields and their kinds come from ``kapture.models``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple, get_args, get_origin

from pydantic import BaseModel

from kapture.models import OrderPayload
from kapture.validation import update_problem

_TEXT = "text"
_FLAG = "true or false"
_OBJECT = "object"


@dataclass(frozen=True)
class Finding:
    """One warning: the dotted path of the field and what looks off, in plain words."""

    path: str
    message: str


class _Section(NamedTuple):
    is_list: bool
    fields: Mapping[str, str]


def _kind(annotation: Any) -> str:
    if annotation is str:
        return _TEXT
    if annotation is bool:
        return _FLAG
    if annotation is dict or get_origin(annotation) is dict:
        return _OBJECT
    raise TypeError(f"kapture.lint does not know how to check a field typed {annotation!r}")


def _fields(model: type[BaseModel]) -> Mapping[str, str]:
    return MappingProxyType(
        {field.alias or name: _kind(field.annotation) for name, field in model.model_fields.items()}
    )


def _sections() -> Mapping[str, _Section]:
    sections = {}
    for name, field in OrderPayload.model_fields.items():
        annotation = field.annotation
        if get_origin(annotation) is list:
            sections[field.alias or name] = _Section(True, _fields(get_args(annotation)[0]))
        else:
            sections[field.alias or name] = _Section(False, _fields(annotation))
    return MappingProxyType(sections)


_SECTIONS = _sections()


def lint(value: Any) -> list[Finding]:
    """Every way the payload differs from the documented shape, in the order they appear."""
    if not isinstance(value, Mapping):
        return [
            Finding(
                "",
                f"the payload should be an object {{ … }} with {_listing(_SECTIONS)}, not {_describe(value)}",
            )
        ]
    findings: list[Finding] = []
    for key, item in value.items():
        section = _SECTIONS.get(key)
        if section is None:
            findings.append(_unknown(str(key), str(key), "a documented section of the payload", _SECTIONS))
        elif section.is_list:
            findings.extend(_contacts(key, item, section.fields))
        else:
            findings.extend(_section(key, item, section.fields))
    for name in _SECTIONS:
        if name not in value:
            findings.append(Finding(name, _missing_section(name)))
    return findings


def _section(name: str, section: Any, fields: Mapping[str, str]) -> list[Finding]:
    if not isinstance(section, Mapping):
        return [Finding(name, f"{name} should be an object {{ … }}, not {_describe(section)}")]
    findings = _keys(name, section, fields, of=name)
    if name == "customer_info":
        findings.extend(_customer_name(section))
    if name == "order_info" and section.get("update") is True and update_problem(section):
        findings.append(Finding("order_info.order_id", "an update needs order_info.order_id"))
    return findings


def _contacts(name: str, contacts: Any, fields: Mapping[str, str]) -> list[Finding]:
    if not isinstance(contacts, list):
        return [Finding(name, f"{name} must be a list [ … ], even for one contact")]
    findings = []
    for index, contact in enumerate(contacts):
        path = f"{name}[{index}]"
        if isinstance(contact, Mapping):
            findings.extend(_keys(path, contact, fields, of=name))
        else:
            findings.append(
                Finding(path, f"contact {index + 1} should be an object {{ … }}, not {_describe(contact)}")
            )
    return findings


def _keys(path: str, section: Mapping[Any, Any], fields: Mapping[str, str], of: str) -> list[Finding]:
    findings = []
    for key, item in section.items():
        kind = fields.get(key)
        if kind is None:
            findings.append(_unknown(f"{path}.{key}", str(key), f"a documented field of {of}", fields))
        elif message := _wrong_type(key, item, kind):
            findings.append(Finding(f"{path}.{key}", message))
    return findings


def _wrong_type(key: str, item: Any, kind: str) -> str | None:
    if kind == _TEXT and not isinstance(item, str):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            return f'`{key}` should be text, like "{json.dumps(item)}", not a number'
        return f"`{key}` should be text, not {_describe(item)}"
    if kind == _FLAG and not isinstance(item, bool):
        return f"`{key}` should be true or false, not {_describe(item)}"
    if kind == _OBJECT and not isinstance(item, Mapping):
        return f"`{key}` should be an object {{ … }}, not {_describe(item)}"
    return None


def _customer_name(section: Mapping[Any, Any]) -> list[Finding]:
    path = "customer_info.customer_name"
    if "customer_name" not in section:
        return [Finding(path, "`customer_name` is missing: Kapture needs the customer's name")]
    name = section["customer_name"]
    if isinstance(name, str) and not name.strip():
        return [Finding(path, "`customer_name` is blank: Kapture needs the customer's name")]
    return []


def _unknown(path: str, key: str, what: str, known: Mapping[str, Any]) -> Finding:
    # Compare in lower case so "MatchEmailPhone" still finds "matchEmailPhone".
    by_lower = {name.lower(): name for name in known}
    close = difflib.get_close_matches(key.lower(), list(by_lower), n=1, cutoff=0.75)
    hint = f": did you mean `{by_lower[close[0]]}`?" if close else " (Kapture may ignore it)"
    return Finding(path, f"`{key}` is not {what}{hint}")


def _missing_section(name: str) -> str:
    if name == "customer_info":
        return "customer_info is missing: Kapture needs at least the customer's name"
    return f"{name} is missing: the vendor's example always sends it"


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the value {json.dumps(value)}"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:39] + "…"
        return f"the text {json.dumps(shown, ensure_ascii=False)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _listing(names: Mapping[str, Any]) -> str:
    *head, last = names
    return f"{', '.join(head)} and {last}"
