"""The DingTalk robot keyword: messages without it are dropped silently."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from mt5dash.lint.engine import Hit, LintContext, rule
from mt5dash.lint.findings import Severity
from mt5dash.lint.readers import ALERTING, as_dict, as_list, join

# Grafana's defaults when a DingDing contact point sets no title or message
# (grafana/alerting receivers/dinding).
DEFAULT_TITLE = '{{ template "default.title" . }}'
DEFAULT_MESSAGE = '{{ template "default.message" . }}'
_ACTION_RE = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.S)
_TEMPLATE_CALL_RE = re.compile(r'\{\{-?\s*template\s+"([^"]+)"[^}]*\}\}')
_OPENERS = ("define", "if", "range", "with", "block")
_MAX_DEPTH = 10


def defined_templates(sources: Mapping[str, str]) -> dict[str, str]:
    """The bodies of ``{{ define "name" }}`` blocks in template resources."""
    bodies: dict[str, str] = {}
    for text in sources.values():
        depth, name, start = 0, None, 0
        for action in _ACTION_RE.finditer(text):
            words = action.group(1).split()
            head = words[0] if words else ""
            if head in _OPENERS:
                if head == "define" and depth == 0 and len(words) > 1:
                    name, start = words[1].strip('"'), action.end()
                depth += 1
            elif head == "end":
                depth -= 1
                if depth == 0 and name is not None:
                    bodies[name] = text[start : action.start()]
                    name = None
    return bodies


def expand(text: str, bodies: Mapping[str, str], depth: int = 0) -> str:
    """``text`` with each ``{{ template "x" . }}`` replaced by the body of x."""
    if depth > _MAX_DEPTH:
        return text

    def body(match: re.Match[str]) -> str:
        return expand(bodies.get(match.group(1), ""), bodies, depth + 1)

    return _TEMPLATE_CALL_RE.sub(body, text)


@rule(
    "alerting/dingtalk-keyword", Severity.ERROR, "DingTalk message without the keyword"
)
def dingtalk_keyword(ctx: LintContext) -> Iterator[Hit]:
    keyword = ctx.options.dingtalk_keyword
    if not keyword:
        return
    bodies = defined_templates(ctx.templates)
    for doc in ctx.of_kind(ALERTING):
        points = doc.data.get("contactPoints")
        for c, point in enumerate(points if isinstance(points, list) else []):
            if not isinstance(point, dict):
                continue
            for r, receiver in enumerate(as_list(point.get("receivers"))):
                if not isinstance(receiver, dict):
                    continue
                if receiver.get("type") not in ("dingding", "dingtalk"):
                    continue
                settings = as_dict(receiver.get("settings"))
                title = str(settings.get("title") or DEFAULT_TITLE)
                message = str(settings.get("message") or DEFAULT_MESSAGE)
                shown = expand(title, bodies) + expand(message, bodies)
                if keyword in shown:
                    continue
                used = sorted(set(_TEMPLATE_CALL_RE.findall(title + message)))
                via = f" (templates used: {', '.join(used)})" if used else ""
                at = join("", "contactPoints", c, "receivers", r, "settings")
                yield Hit(
                    doc,
                    join(at, "message") if "message" in settings else at,
                    f"contact point '{point.get('name')}', receiver "
                    f"'{receiver.get('uid')}': neither title nor message{via} "
                    f"contains the robot's security keyword {keyword!r}; DingTalk "
                    "drops such messages while Grafana reports them as sent",
                )
