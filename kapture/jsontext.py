"""JSON as QA type it in an editor: parse with plain-words errors, pretty, minify, strip comments.

Positions are 1-based lines and columns counted in characters, as editors show them. A leading
byte order mark is dropped before anything else, so columns match what the editor displays.
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from dataclasses import dataclass
from typing import Any

_BOM = "\ufeff"

# json's messages (C and pure-Python scanner alike) start with these; the rest may vary.
_PLAIN_WORDS: tuple[tuple[str, str], ...] = (
    ("Expecting ',' delimiter", "a comma is missing between two values (or a bracket is not closed)"),
    ("Expecting ':' delimiter", "a colon is missing after the key"),
    (
        "Expecting property name enclosed in double quotes",
        "a key must be in double quotes — or there is a comma before a closing }",
    ),
    ("Expecting value", "a value is missing here"),
    ("Extra data", "there is more text after the JSON has ended"),
    ("Unterminated string starting at", "this text value is never closed with a double quote"),
    ("Invalid control character at", "a line break or tab inside a text value must be written as \\n or \\t"),
    ("Invalid \\escape", "this backslash escape is not valid JSON"),
    ("Invalid \\uXXXX escape", "this backslash escape is not valid JSON"),
)
# For these the error sits where the missing character belongs, not at the next token.
_BELONGS_AFTER_PREVIOUS = ("Expecting ',' delimiter", "Expecting ':' delimiter")
_UNCLOSED_AT_LINE_END = (
    "this text value is not closed before the line ends — "
    "add the closing double quote, or write a line break as \\n"
)
_COMMENT = "comments (// …) are not allowed in JSON — use “Remove comments”"


@dataclass(frozen=True)
class SyntaxProblem:
    """Where JSON text stops being JSON, and why, in plain words."""

    line: int
    column: int
    message: str
    line_text: str

    def pointer(self) -> str:
        """The offending line and, under it, a caret at the column."""
        return f"{self.line_text}\n{_blank(self.line_text[: self.column - 1])}^"

    def __str__(self) -> str:
        return f"Line {self.line}, column {self.column}: {self.message}"


class _NonJsonConstant(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def parse(text: str) -> tuple[Any, SyntaxProblem | None]:
    """The value and None, or None and the first problem in the text."""
    text = text.lstrip(_BOM)
    if not text.strip():
        return None, SyntaxProblem(1, 1, "the payload is empty", text.split("\n", 1)[0].removesuffix("\r"))
    try:
        return json.loads(text, parse_constant=_refuse_constant), None
    except json.JSONDecodeError as exc:
        return None, _problem(text, exc.pos, exc.msg)
    except _NonJsonConstant as exc:
        masked, _ = _scan(text)
        pos = max(masked.find(exc.name), 0)
        return None, _at(text, pos, f"{exc.name} is not allowed in JSON — write null or a number")
    except RecursionError:
        return None, _at(
            text, 0, "the JSON is nested too deeply to read (thousands of [ or { inside each other)"
        )
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits
        return None, _at(text, 0, f"a number is too long to read ({exc})")


def pretty(value: Any) -> str:
    """The value as indented JSON (2 spaces), keys in their order, non-Latin text kept as is."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def minify(value: Any) -> str:
    """The value as compact JSON on one line, non-Latin text kept as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def strip_comments(text: str) -> str:
    """The text without ``//`` comments outside strings; every line stays where it was."""
    _, spans = _scan(text)
    for start, end in reversed(spans):
        line_start = text.rfind("\n", 0, start) + 1
        while start > line_start and text[start - 1] in " \t":
            start -= 1
        text = text[:start] + text[end:]
    return text


def _refuse_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; Kapture's parser would not.
    raise _NonJsonConstant(name)


def _problem(text: str, pos: int, msg: str) -> SyntaxProblem:
    _, spans = _scan(text)
    if any(start <= pos < end for start, end in spans):
        return _at(text, pos, _COMMENT)
    message = next((words for prefix, words in _PLAIN_WORDS if msg.startswith(prefix)), msg)
    if msg.startswith("Expecting value"):
        message = _missing_value(text, pos) or message
    elif msg.startswith("Invalid control character") and text[pos : pos + 1] in ("\n", "\r"):
        # The usual cause is a forgotten closing quote, not a deliberate line break.
        message = _UNCLOSED_AT_LINE_END
    elif msg.startswith("Invalid \\u") and text[pos : pos + 1] != "\\" and text[pos - 1 : pos] == "\\":
        pos -= 1  # some Python versions point at the "u": point at the backslash like other escapes
    if msg.startswith(_BELONGS_AFTER_PREVIOUS) or not text[pos:].strip():
        pos = len(text[:pos].rstrip()) or pos
    return _at(text, pos, message)


def _missing_value(text: str, pos: int) -> str | None:
    """A sharper reason for "Expecting value", from the character that is there instead."""
    found = text[pos : pos + 1]
    if found == "]" and text[:pos].rstrip().endswith(","):
        return "there is a comma before a closing ] — remove it"
    if found == "'":
        return "text must be in double quotes, not single quotes"
    if found.isalpha():
        return "text must be in double quotes (true, false and null are written in lower case)"
    return None


def _at(text: str, pos: int, message: str) -> SyntaxProblem:
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_text = text[line_start : len(text) if line_end < 0 else line_end].removesuffix("\r")
    return SyntaxProblem(text.count("\n", 0, pos) + 1, pos - line_start + 1, message, line_text)


def _blank(prefix: str) -> str:
    # Keep tabs and full-width characters' width, so the caret lines up in a monospace block.
    out = []
    for ch in prefix:
        if ch == "\t":
            out.append("\t")
        elif unicodedata.combining(ch):
            continue
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            out.append("\u3000")
        else:
            out.append(" ")
    return "".join(out)


def _scan(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text with strings and comments blanked out, and the ``//`` comment spans."""
    masked = list(text)
    spans: list[tuple[int, int]] = []
    in_string = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\n":
            in_string = False  # a JSON string never spans lines: limit the damage of an unclosed one
        elif in_string:
            masked[i] = " "
            if ch == "\\" and text[i + 1 : i + 2] not in ("", "\n"):
                masked[i + 1] = " "
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            masked[i] = " "
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            if text[end - 1] == "\r":
                end -= 1
            spans.append((i, end))
            masked[i:end] = " " * (end - i)
            i = end
            continue
        i += 1
    return "".join(masked), spans


# --- where a field is written, and two texts side by side ------------------------------------------


def lines_of(text: str, paths: list[str]) -> dict[str, int]:
    """The line each path is written on (its key; a list item's value), for paths as lint names them.

    A path the text does not hold (a key that is missing) gets the line of its nearest parent that
    it does hold; the root and text that is not JSON get no line.
    """
    positions = _positions(text)
    found: dict[str, int] = {}
    for path in paths:
        for candidate in _ancestry(path):
            if candidate in positions:
                found[path] = positions[candidate]
                break
    return found


def line_of(text: str, path: str) -> int | None:
    """The line a path is written on, as ``lines_of`` finds it; None when it has none."""
    return lines_of(text, [path]).get(path)


def _ancestry(path: str) -> list[str]:
    # "contact_info[0].gender" → itself, "contact_info[0]", "contact_info"; never the root.
    chain = []
    while path:
        chain.append(path)
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return chain


def _positions(text: str) -> dict[str, int]:
    """Every path in valid JSON text and the line it starts on; {} for text that is not JSON."""
    skipped = len(text) - len(text.lstrip(_BOM))
    body = text[skipped:]
    lines: dict[str, int] = {}
    decoder = json.JSONDecoder()

    def line(pos: int) -> int:
        return body.count("\n", 0, pos) + 1

    def blank(pos: int) -> int:
        while pos < len(body) and body[pos] in " \t\r\n":
            pos += 1
        return pos

    def value(pos: int, path: str) -> int:
        pos = blank(pos)
        opening = body[pos : pos + 1]
        if opening == "{":
            pos = blank(pos + 1)
            if body[pos : pos + 1] == "}":
                return pos + 1
            while True:
                key_at = pos
                key, pos = json.decoder.scanstring(body, pos + 1)
                child = f"{path}.{key}" if path else key
                lines[child] = line(key_at)
                pos = blank(pos) + 1  # the colon
                pos = blank(value(pos, child))
                if body[pos] == "}":
                    return pos + 1
                pos = blank(pos + 1)  # the comma
        if opening == "[":
            pos = blank(pos + 1)
            index = 0
            if body[pos : pos + 1] == "]":
                return pos + 1
            while True:
                child = f"{path}[{index}]"
                lines[child] = line(blank(pos))
                pos = blank(value(pos, child))
                if body[pos] == "]":
                    return pos + 1
                pos, index = pos + 1, index + 1
        _, end = decoder.raw_decode(body, pos)
        return end

    try:
        value(0, "")
    except (ValueError, IndexError, RecursionError):  # not JSON: nothing can be pointed at
        return {}
    return lines


@dataclass(frozen=True)
class DiffRow:
    """One row of two texts side by side: each side's line number and text (None: no line there)."""

    left_line: int | None
    left: str
    right_line: int | None
    right: str
    kind: str  # "same", "changed", "removed" (left only) or "added" (right only)


def side_by_side(left: str, right: str) -> list[DiffRow]:
    """Two texts line by line, matched as a diff matches them, with each side's line numbers."""
    before, after = left.splitlines(), right.splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [
                DiffRow(i + 1, before[i], j + 1, after[j], "same")
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        pairs = max(i2 - i1, j2 - j1)
        for k in range(pairs):
            i, j = i1 + k, j1 + k
            has_left, has_right = i < i2, j < j2
            kind = "changed" if has_left and has_right else "removed" if has_left else "added"
            rows.append(
                DiffRow(
                    i + 1 if has_left else None,
                    before[i] if has_left else "",
                    j + 1 if has_right else None,
                    after[j] if has_right else "",
                    kind,
                )
            )
    return rows
