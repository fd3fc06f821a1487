"""JSON typed by QA: plain-words syntax errors with a caret, pretty/minify, comment stripping."""

from __future__ import annotations

import json

import pytest

from kapture import jsontext
from kapture.jsontext import SyntaxProblem, minify, parse, pretty, strip_comments

# The last lines of the vendor's Add Order example, comment included, as published.
VENDOR_TAIL = (
    '{\n    "order_info": {\n        "associate_fields": {},\n'
    '        "update": false //If we need to update the existing order against the customer '
    "please change the flag to true\n    }\n}"
)
UNCLOSED_LINE = (
    "this text value is not closed before the line ends — "
    "add the closing double quote, or write a line break as \\n"
)
COMMENT = "comments (// …) are not allowed in JSON — use “Remove comments”"


def problem(text: str) -> SyntaxProblem:
    value, found = parse(text)
    assert value is None and found is not None
    return found


def test_valid_text_gives_the_value_and_no_problem() -> None:
    assert parse('{"a": [1, "b"]}') == ({"a": [1, "b"]}, None)


def test_a_missing_comma_at_the_end_of_line_3_is_reported_where_the_comma_belongs() -> None:
    found = problem('{\n  "a": 1,\n  "b": 2\n  "c": 3\n}')
    assert (found.line, found.column, found.line_text) == (3, 9, '  "b": 2')
    assert found.message == "a comma is missing between two values (or a bracket is not closed)"
    assert (
        str(found) == "Line 3, column 9: a comma is missing between two values (or a bracket is not closed)"
    )


def test_the_caret_sits_under_the_offending_character() -> None:
    found = problem('{"name": "Asha",\n "phone": 98 x}')
    assert found.pointer() == ' "phone": 98 x}\n            ^'
    assert found.line_text[found.column - 1] == " "  # just after 98: where the comma goes


def test_the_caret_keeps_tabs_so_it_lines_up() -> None:
    found = SyntaxProblem(1, 4, "m", '\t\t"x')
    assert found.pointer() == '\t\t"x\n\t\t ^'


def test_str_reads_line_and_column() -> None:
    assert str(SyntaxProblem(3, 14, "a value is missing here", "")) == (
        "Line 3, column 14: a value is missing here"
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('{"a": 1,}', 1, 9, "a key must be in double quotes — or there is a comma before a closing }"),
        ("{'a': 1}", 1, 2, "a key must be in double quotes — or there is a comma before a closing }"),
        ('{"a": }', 1, 7, "a value is missing here"),
        ('{"a": 1}\n{"b": 2}', 2, 1, "there is more text after the JSON has ended"),
        ('{"a": "abc', 1, 7, "this text value is never closed with a double quote"),
        ('{\n "a": "abc\n}', 2, 11, UNCLOSED_LINE),
        ('{"a": "x\ty"}', 1, 9, "a line break or tab inside a text value must be written as \\n or \\t"),
        ('{"a": "C:\\dir"}', 1, 10, "this backslash escape is not valid JSON"),
        ('{"a": "\\u12"}', 1, 8, "this backslash escape is not valid JSON"),
        ('{"a" 1}', 1, 5, "a colon is missing after the key"),
        ('{"a": [1, 2,]}', 1, 13, "there is a comma before a closing ] — remove it"),
        ("{\"a\": 'x'}", 1, 7, "text must be in double quotes, not single quotes"),
        (
            '{"a": True}',
            1,
            7,
            "text must be in double quotes (true, false and null are written in lower case)",
        ),
        ('{"a": NaN}', 1, 7, "NaN is not allowed in JSON — write null or a number"),
        ('{"a": 1', 1, 8, "a comma is missing between two values (or a bracket is not closed)"),
        ('{"a": [1,\n\n', 1, 10, "a value is missing here"),
    ],
)
def test_json_errors_are_said_in_plain_words(text: str, line: int, column: int, message: str) -> None:
    found = problem(text)
    assert (found.line, found.column, found.message) == (line, column, message)


def test_an_unknown_json_message_is_kept_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    def loads(text: str, **_: object) -> object:
        raise json.JSONDecodeError("Something new", text, 2)

    monkeypatch.setattr(jsontext.json, "loads", loads)
    assert str(problem("[1, 2]")) == "Line 1, column 3: Something new"


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "\ufeff"])
def test_empty_text_is_reported_at_the_start(text: str) -> None:
    found = problem(text)
    assert (found.line, found.column, found.message) == (1, 1, "the payload is empty")


def test_a_leading_byte_order_mark_is_tolerated() -> None:
    assert parse('\ufeff{"a": 1}') == ({"a": 1}, None)
    assert problem('\ufeff{"a" 1}').column == 5


def test_the_vendors_comment_is_recognised() -> None:
    found = problem(VENDOR_TAIL)
    assert (found.line, found.column, found.message) == (4, 25, COMMENT)
    assert found.pointer().splitlines()[1] == " " * 24 + "^"


def test_a_comment_on_its_own_line_is_recognised() -> None:
    found = problem('{\n  // the customer\n  "a": 1\n}')
    assert (found.line, found.column, found.message) == (2, 3, COMMENT)


def test_a_double_slash_inside_a_string_is_not_taken_for_a_comment() -> None:
    found = problem('{"url": "http://x" "b": 1}')
    assert found.message.startswith("a comma is missing")


def test_strip_comments_removes_them_and_keeps_the_lines() -> None:
    stripped = strip_comments(VENDOR_TAIL)
    assert stripped.count("\n") == VENDOR_TAIL.count("\n")
    assert '        "update": false\n' in stripped
    assert parse(stripped) == ({"order_info": {"associate_fields": {}, "update": False}}, None)


def test_strip_comments_keeps_double_slashes_inside_strings() -> None:
    text = '{"url": "http://x", "q": "say \\"hi\\" // not a comment"} // note'
    assert strip_comments(text) == '{"url": "http://x", "q": "say \\"hi\\" // not a comment"}'


def test_strip_comments_keeps_windows_line_endings() -> None:
    assert strip_comments('{\r\n  // note\r\n  "a": 1 // one\r\n}') == '{\r\n\r\n  "a": 1\r\n}'


def test_pretty_then_parse_round_trips_non_latin_text_in_order() -> None:
    value = {"z": "आशा ट्रेडर्स", "a": ["日本語", "Ölçü"], "m": {"n": None, "b": True}}
    text = pretty(value)
    assert "आशा ट्रेडर्स" in text and '\n  "z": ' in text
    parsed, found = parse(text)
    assert found is None and parsed == value and list(parsed) == ["z", "a", "m"]


def test_minify_is_one_compact_line() -> None:
    assert minify({"name": "आशा", "ids": [1, 2], "ok": False}) == '{"name":"आशा","ids":[1,2],"ok":false}'


@pytest.mark.parametrize(
    ("text", "words"),
    [("[" * 50_000, "nested too deeply"), ('{"phone": ' + "9" * 5_000 + "}", "a number is too long")],
)
def test_text_json_cannot_hold_is_a_problem_not_a_crash(text: str, words: str) -> None:
    value, problem = parse(text)
    assert value is None
    assert words in problem.message


# --- where a field is written, and two texts side by side ------------------------------------------


def test_a_lint_path_is_found_on_the_line_its_key_is_written() -> None:
    from kapture.jsontext import line_of, lines_of

    text = "\n".join(
        ['{', '  "customer_info": {"customer_name": "A",', '    "phone": 98},', '  "contact_info": [',
         '    {},', '    {"gender": "M"}', '  ]', '}']
    )  # fmt: skip
    assert lines_of(
        text, ["customer_info", "customer_info.phone", "contact_info[1].gender", "contact_info[0]"]
    ) == {
        "customer_info": 2,
        "customer_info.phone": 3,
        "contact_info[1].gender": 6,
        "contact_info[0]": 5,
    }
    assert line_of(text, "customer_info.email_id") == 2  # missing: its section's line
    assert line_of(text, "order_info") is None and line_of(text, "") is None
    assert line_of('\ufeff{\n"a": 1}', "a") == 2  # a byte order mark is not a line
    assert line_of('{"a": 1', "a") is None  # not JSON: nothing is pointed at


def test_a_repeated_key_is_found_where_json_reads_it_the_last_time() -> None:
    from kapture.jsontext import line_of

    assert line_of('{"a": 1,\n"a": 2}', "a") == 2


def test_two_texts_side_by_side_keep_each_sides_line_numbers() -> None:
    from kapture.jsontext import side_by_side

    rows = side_by_side("a\nb\nc\nd", "a\nB\nc\ne\nf")
    assert [(r.left_line, r.left, r.kind, r.right_line, r.right) for r in rows] == [
        (1, "a", "same", 1, "a"),
        (2, "b", "changed", 2, "B"),
        (3, "c", "same", 3, "c"),
        (4, "d", "changed", 4, "e"),
        (None, "", "added", 5, "f"),
    ]
    assert [r.kind for r in side_by_side("x\ny", "y")] == ["removed", "same"]
