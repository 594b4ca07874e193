"""A structural check of Go text/template source, as Grafana parses templates.

Not a template engine: it splits the text into actions the way Go's lexer
does (comments, quoted strings and trim markers included) and checks that the
control structures nest, which is what decides most refusals. Function names
and pipelines are not checked, so ``{{ nosuchfunc }}`` passes here although
Grafana refuses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN, CLOSE = "{{", "}}"
BLOCKS = ("if", "range", "with", "define", "block")
KEYWORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Action:
    """The text between one pair of delimiters, trim markers and spaces removed."""

    body: str
    line: int


def problem(name: str, text: str) -> str | None:
    """Go's parse error for ``text`` as template ``name``, or None when it parses.

    The message has Go's ``template: <name>:<line>: ...`` form.
    """
    try:
        actions = list(_actions(text))
    except _ParseError as error:
        return f"template: {name}:{error.line}: {error.text}"
    return _nesting_problem(name, actions, text.count("\n") + 1)


class _ParseError(Exception):
    def __init__(self, line: int, text: str) -> None:
        super().__init__(line, text)
        self.line = line
        self.text = text


def _actions(text: str) -> list[Action]:
    """Every action in ``text``; comments are dropped, unclosed ones raise."""
    found: list[Action] = []
    position = 0
    while True:
        start = text.find(OPEN, position)
        if start < 0:
            return found
        line = text.count("\n", 0, start) + 1
        inner = start + len(OPEN)
        if text[inner : inner + 1] == "-" and text[inner + 1 : inner + 2].isspace():
            inner += 2
        # Only "/*" right after the delimiter (or its trim marker) starts a
        # comment, and only a comment may hold unbalanced braces.
        if text.startswith("/*", inner):
            position = _skip_comment(text, inner, line)
            continue
        end = _action_end(text, inner, line)
        body = text[inner:end].strip()
        if body.endswith(" -") or body == "-":
            body = body[:-1].strip()
        found.append(Action(body=body, line=line))
        position = end + len(CLOSE)


def _skip_comment(text: str, start: int, line: int) -> int:
    """The index after a comment action; Go wants ``*/`` right before ``}}``."""
    end = text.find("*/", start + 2)
    if end < 0:
        raise _ParseError(line, "unclosed comment")
    after = end + 2
    rest = text[after:]
    if rest.startswith(CLOSE):
        return after + len(CLOSE)
    if rest[:1].isspace() and rest[1:].startswith("-" + CLOSE):
        return after + 1 + len("-" + CLOSE)
    raise _ParseError(line, "comment ends before closing delimiter")


def _action_end(text: str, position: int, line: int) -> int:
    """The index of the ``}}`` closing an action; quotes may hide braces."""
    while position < len(text):
        char = text[position]
        if text.startswith(CLOSE, position):
            return position
        if char in "\"'`":
            position = _quote_end(text, position, line)
            continue
        position += 1
    raise _ParseError(line, "unclosed action")


def _quote_end(text: str, start: int, line: int) -> int:
    quote = text[start]
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and quote != "`":
            position += 2
            continue
        if char == "\n" and quote != "`":
            raise _ParseError(line, "unterminated quoted string")
        if char == quote:
            return position + 1
        position += 1
    raise _ParseError(line, "unterminated quoted string")


def _nesting_problem(name: str, actions: list[Action], lines: int) -> str | None:
    """Check that blocks open and close in order, as Go's parser requires."""
    stack: list[str] = []
    for action in actions:
        if not action.body:
            return f"template: {name}:{action.line}: missing value for command"
        match = KEYWORD.match(action.body)
        word = match.group(0) if match else ""
        where = f"template: {name}:{action.line}:"
        if word in BLOCKS:
            if word == "define" and stack:
                return f"{where} unexpected <define> in command"
            stack.append(word)
        elif word == "end":
            if not stack:
                return f"{where} unexpected {{{{end}}}}"
            stack.pop()
        elif word == "else":
            if not stack or stack[-1] not in ("if", "range", "with"):
                return f"{where} unexpected {{{{else}}}}"
        elif word in ("break", "continue") and "range" not in stack:
            return f"{where} {{{{{word}}}}} outside {{{{range}}}}"
    if stack:
        return f"template: {name}:{lines}: unexpected EOF"
    return None
