"""A YAML syntax error as a contributor can act on it: where the problem began, and what to write instead.

PyYAML's messages describe its parser ("found character that cannot start any token") and its
``problem_mark`` is where the parser gave up, which for an unclosed quote is the end of the
front matter. The mistakes contributors make most are few, and each gets words of its own:
an unclosed quote (reported at the opening quote), a tab in the indentation, and an unquoted
value holding ``: ``. Any other error names both lines when the parser gives two (where a token
began and where it went wrong).
"""

from __future__ import annotations

import re

import yaml

from .errors import ContentError

TAB_MESSAGE = "YAML does not allow tabs for indentation: use spaces"
KEY_VALUE_RE = re.compile(r"^(\s*(?:-\s+)?[^\s:#'\"][^:]*?):\s+(.*?)\s*$")


def syntax_error(exc: yaml.MarkedYAMLError, text: str, path: str, first_line: int) -> ContentError:
    """The located error for ``exc``, raised parsing ``text`` (which starts at ``first_line`` of ``path``)."""
    problem = exc.problem or exc.context or "invalid YAML"
    problem_mark, context_mark = exc.problem_mark, exc.context_mark
    lines = text.splitlines()
    at = problem_mark.line if problem_mark else 0
    line_text = lines[at] if at < len(lines) else ""
    if line_text[: len(line_text) - len(line_text.lstrip())].count("\t"):
        return ContentError(path, first_line + at, f"YAML syntax error: a tab at the start of the line: {TAB_MESSAGE}")
    context = exc.context or ""
    if context_mark is not None and context.startswith("while scanning a quoted scalar"):
        quote = text[context_mark.index] if context_mark.index < len(text) else '"'
        message = (
            f"YAML syntax error: the value quoted with {quote} here is never closed "
            f"(the parser reached line {first_line + at} looking for the closing {quote})"
        )
        return ContentError(path, first_line + context_mark.line, message)
    if problem.startswith("mapping values are not allowed") and (m := KEY_VALUE_RE.match(line_text)):
        key, value = m.groups()
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        hint = f'a value containing ": " must be quoted: {key.strip()}: "{quoted}"'
        return ContentError(path, first_line + at, f"YAML syntax error: {problem}: {hint}")
    if context.startswith("while scanning") and context_mark is not None and context_mark.line != at:
        # where the token began (a key, a value); a "while parsing" context is only its mapping's first line
        problem = f"{problem} ({context} on line {first_line + context_mark.line})"
    return ContentError(path, first_line + at, f"YAML syntax error: {problem}")
