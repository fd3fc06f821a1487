"""A payload as text, for pages: read it (saying where it breaks), lay it out, lint it, send it by hand.

The rules live in ``kapture``; this is the door pages use, so ``ui/`` talks to services only.
"""

from kapture.jsontext import SyntaxProblem, minify, parse, pretty, strip_comments
from kapture.lint import lint
from kapture.snippets import SNIPPETS, curl

__all__ = ["SNIPPETS", "SyntaxProblem", "curl", "lint", "minify", "parse", "pretty", "strip_comments"]
