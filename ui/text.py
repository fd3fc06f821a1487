"""The one rule for outside text on a page: it shows as written, never as markup.

Almost every Streamlit text surface renders markdown: ``st.markdown``, ``st.error`` and its kin,
``st.caption``, ``st.subheader``, metric values, expander titles, progress texts, radio options,
and widget and button labels. Streamlit adds its own syntax on top (``:red[…]`` colours,
``:material/x:`` icons, emoji shortcodes, ``$…$`` LaTeX) and GitHub's bare-URL autolinks.
Operator names, template and variant names, Kapture's messages, order ids, error texts and check
results come from people and servers we do not control: unescaped, any of them could draw a
phishing link or make a reviewer's browser load an outside image.

So outside text meets markdown only through :func:`md` (or :func:`code`, for ids that read best
in monospace). Select-box options are the exception: Streamlit shows them as plain text, so they
take :func:`option`, which only keeps the text on one line. ``st.code``, ``st.json``, ``st.text``
and ``st.dataframe`` cells are plain already.
"""

from __future__ import annotations

import re
import string

# CommonMark lets any ASCII punctuation be escaped with a backslash, and an escaped character is
# never markup. Escaping all of it, not a list of the characters active today, also covers
# Streamlit's extensions, which are built from the same characters.
_PUNCTUATION = frozenset(string.punctuation)
# Some markup is found after parsing, in the text the escapes have already resolved to: GitHub's
# autolinks (``https://…``, ``www.…``, ``name@host``) and emoji shortcodes (``:smile:``). An
# invisible WORD JOINER (U+2060) breaks those patterns without changing what a reader sees: after
# a colon or an at sign that something joins on to, and between ``www`` and its dot. (Measured in
# Chromium: escapes alone leave ``https\:\/\/host`` a live link.) "Kapture said: no" keeps its
# plain colon, so it can still be found and copied as typed.
_JOINER = "\u2060"
_NEEDS_JOINER = re.compile(r"(?<=[:@])(?=[\w+/-])|(?<=www)(?=\.)", re.IGNORECASE)
# A line break would let the text start a heading, a list, a table or a code block: one line.
_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]\s*")
# Bidirectional overrides and isolates reorder what follows them on screen (U+202E shows
# "txt.exe" as "exe.txt"); they and other control characters are shown as "�" instead.
_HIDDEN = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
_REPLACEMENT = "\ufffd"
# Kapture's message is quoted in cards up to this length; the whole answer is in the log.
QUOTE_LIMIT = 1_000


def md(text: object, *, limit: int | None = None) -> str:
    """``text`` as markdown that renders exactly as written, on one line; ``limit`` shortens it."""
    shown = _NEEDS_JOINER.sub(_JOINER, option(text, limit=limit))
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in shown)


def code(text: object) -> str:
    """``text`` as an inline code span: monospace, and nothing in it is markup.

    The fence is longer than any run of backticks in the text, so none of them can close it early.
    Autolinks and shortcodes are not looked for in code, so it needs no joiners (and an address in
    it copies cleanly) except where Streamlit rewrites ``:material/`` before parsing.
    """
    shown = option(text).replace(":material/", f":{_JOINER}material/")
    if not shown:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", shown)), default=0) + 1)
    pad = " " if shown[0] == "`" or shown[-1] == "`" else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def option(text: object, *, limit: int | None = None) -> str:
    """``text`` for a surface that shows it as is (a select box): one line, no reordering marks."""
    shown = _HIDDEN.sub(_REPLACEMENT, _BREAKS.sub(" ", str(text)).strip())
    if limit is not None and len(shown) > limit:
        shown = shown[: max(limit - 1, 0)] + "…"
    return shown


def quoted(message: object, *, limit: int | None = QUOTE_LIMIT) -> str:
    """Someone's words in quotes, as a sentence: “Order Added successfully !” gets no second stop."""
    words = option(message, limit=limit)
    if not words:
        return ""
    return f"“{md(words)}”" + ("" if words[-1] in ".!?…" else ".")
