"""Every PromQL expression lint can find, prepared and parsed once per run.

Dashboard queries go through Grafana's variable substitution first. A
variable gets a value that fits where it stands: a duration inside ``[...]``
or after ``offset``, a label-safe name inside quotes, and otherwise a name or
a number, whichever parses. ``$__interval`` and user variables inside a range
get sentinel durations, so the range rules can tell them apart afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mt5dash import promql
from mt5dash.lint.dashboards import (
    MIXED,
    DatasourceResolver,
    describe,
    describe_panel,
    is_prometheus,
    iter_panels,
    targets,
    variables,
)
from mt5dash.lint.engine import LintContext
from mt5dash.lint.readers import (
    ALERTING,
    DASHBOARD,
    PROMETHEUS_RULES,
    Document,
    as_list,
    join,
)

INTERVAL_SENTINEL = dt.timedelta(hours=3, minutes=33, seconds=33, milliseconds=333)
VARIABLE_SENTINEL = dt.timedelta(hours=2, minutes=22, seconds=22, milliseconds=222)
_INTERVAL_TEXT = "3h33m33s333ms"
_VARIABLE_TEXT = "2h22m22s222ms"
_NAME = "mt5dash_variable"
_OFFSET_RE = re.compile(r"offset\s*$", re.I)
_LABEL_LIST_RE = re.compile(
    r"\b(by|without|on|ignoring|group_left|group_right)\s*$", re.I
)
_EXPR_DATASOURCES = {"__expr__", "-100"}

# How much substitution an expression gets before parsing.
DASHBOARD_MODE = "dashboard"  # every variable, as Grafana's panels do
ALERT_MODE = "alert"  # built-ins only: alert queries know no dashboard variables
RAW_MODE = "raw"  # none: Prometheus reads rule files as written


@dataclass(frozen=True)
class Expression:
    """A PromQL expression, where it is, and whose it is (for messages)."""

    doc: Document
    pointer: str
    owner: str
    text: str
    mode: str
    panel_pointer: str = ""


@dataclass(frozen=True)
class Parsed:
    """The parse of an expression: ``node`` when it parses, else ``error``."""

    node: Any = None
    error: str | None = None


def expressions(ctx: LintContext) -> list[Expression]:
    """Every PromQL expression of the run (computed once)."""
    if "expressions" not in ctx.cache:
        found = list(_dashboard_expressions(ctx))
        found += _alerting_expressions(ctx)
        found += _rule_file_expressions(ctx)
        ctx.cache["expressions"] = found
    return ctx.cache["expressions"]


def parsed(ctx: LintContext, expr: Expression) -> Parsed:
    """The parse of ``expr`` after substitution (cached by text and mode)."""
    cache = ctx.cache.setdefault("parsed", {})
    key = (expr.text, expr.mode)
    if key not in cache:
        cache[key] = _parse(expr.text, expr.mode)
    return cache[key]


def _parse(text: str, mode: str) -> Parsed:
    if mode == RAW_MODE:
        attempts = [text]
    else:
        attempts = [_prepare(text, mode, _NAME)]
        if mode == DASHBOARD_MODE:
            attempts.append(_prepare(text, mode, "1"))
    first_error = None
    for attempt in attempts:
        try:
            return Parsed(node=promql.parse(attempt))
        except ValueError as exc:
            first_error = first_error or str(exc)
    return Parsed(error=first_error)


def _prepare(text: str, mode: str, bare: str) -> str:
    """``text`` with Grafana's variables replaced by values that fit their place."""
    out: list[str] = []
    last = 0
    states = _scan(text)
    for match in promql.VARIABLE_RE.finditer(text):
        name = match.group("plain") or match.group("braced") or match.group("old")
        builtin = name in promql.BUILTIN_VALUES or name.startswith("__")
        if mode == ALERT_MODE and not builtin:
            continue
        place, depth = states[match.start()]
        if place in ("string", "labels"):
            value = promql.BUILTIN_VALUES.get(name, _NAME)
        elif depth > 0 or _OFFSET_RE.search(text, 0, match.start()):
            if name == "__interval":
                value = _INTERVAL_TEXT
            elif name in promql.BUILTIN_VALUES and name != "__interval_ms":
                value = promql.BUILTIN_VALUES[name]
            else:
                value = _VARIABLE_TEXT
        else:
            value = promql.BUILTIN_VALUES.get(name, bare)
        out += [text[last : match.start()], value]
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def _scan(text: str) -> list[tuple[str, int]]:
    """For each position: its place and the ``[`` nesting depth.

    The place is ``string`` inside a string literal, ``labels`` inside the
    parentheses of ``by``, ``without``, ``on``, ``ignoring``, ``group_left``
    or ``group_right``, and ``expr`` elsewhere.
    """
    states: list[tuple[str, int]] = []
    quote: str | None = None
    depth = 0
    escaped = False
    parens: list[bool] = []
    for i, ch in enumerate(text):
        place = "string" if quote else ("labels" if parens and parens[-1] else "expr")
        states.append((place, depth))
        if quote is not None:
            if escaped:
                escaped = False
            elif ch == "\\" and quote != "`":
                escaped = True
            elif ch == quote:
                quote = None
        elif ch in "\"'`":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif ch == "(":
            parens.append(bool(_LABEL_LIST_RE.search(text, max(0, i - 32), i)))
        elif ch == ")" and parens:
            parens.pop()
    states.append(("string" if quote else "expr", depth))
    return states


def _dashboard_expressions(ctx: LintContext) -> Iterator[Expression]:
    for doc in ctx.of_kind(DASHBOARD):
        dash = doc.data
        resolver = DatasourceResolver(
            dash, ctx.datasources, ctx.default_datasource_type
        )
        for ref in iter_panels(dash):
            panel = ref.panel
            panel_ds = resolver.resolve(panel.get("datasource"))
            for target, at in targets(panel):
                text = target.get("expr")
                if not isinstance(text, str) or not text.strip():
                    continue
                ds = panel_ds
                mixed = panel_ds.status == "builtin" and panel_ds.value in MIXED
                if target.get("datasource") is not None or mixed:
                    ds = resolver.resolve(target.get("datasource"))
                if ds.status == "builtin" or not is_prometheus(ds.type):
                    continue
                owner = f"{describe(dash)}, {describe_panel(panel)}"
                owner += f", query {target.get('refId') or at.rpartition('/')[2]}"
                pointer = join(ref.pointer + at, "expr")
                yield Expression(doc, pointer, owner, text, DASHBOARD_MODE, ref.pointer)
        for var, at in variables(dash):
            yield from _variable_expression(doc, resolver, var, at)


def _variable_expression(
    doc: Document, resolver: DatasourceResolver, var: dict[str, Any], at: str
) -> Iterator[Expression]:
    if var.get("type") != "query":
        return
    ds = resolver.resolve(var.get("datasource"))
    if ds.status == "builtin" or not is_prometheus(ds.type):
        return
    query, pointer = var.get("query"), join(at, "query")
    if isinstance(query, dict):
        query, pointer = query.get("query"), join(pointer, "query")
    if not isinstance(query, str) or not query.strip():
        return
    part = promql.split_variable_query(query).promql
    if part:
        owner = f"{describe(doc.data)}, variable '{var.get('name')}'"
        yield Expression(doc, pointer, owner, part, DASHBOARD_MODE)


def _alerting_expressions(ctx: LintContext) -> Iterator[Expression]:
    for doc in ctx.of_kind(ALERTING):
        for group, rule_, at in alert_rules(doc):
            for i, query in enumerate(as_list(rule_.get("data"))):
                if not isinstance(query, dict):
                    continue
                uid = query.get("datasourceUid")
                model = query.get("model")
                if uid in _EXPR_DATASOURCES or not isinstance(model, dict):
                    continue
                known = ctx.datasources.get(str(uid))
                if known is not None and not is_prometheus(str(known.get("type"))):
                    continue
                text = model.get("expr")
                if isinstance(text, str) and text.strip():
                    owner = f"alert rule '{rule_.get('uid') or rule_.get('title')}'"
                    owner += (
                        f" (group '{group.get('name')}'), query {query.get('refId')}"
                    )
                    pointer = join(at, "data", i, "model", "expr")
                    yield Expression(doc, pointer, owner, text, ALERT_MODE)


def alert_rules(
    doc: Document,
) -> Iterator[tuple[dict[str, Any], dict[str, Any], str]]:
    """Each Grafana alert rule of an alerting file: group, rule, pointer."""
    for g, group in enumerate(as_list(doc.data.get("groups"))):
        if not isinstance(group, dict):
            continue
        for r, rule_ in enumerate(as_list(group.get("rules"))):
            if isinstance(rule_, dict):
                yield group, rule_, join("", "groups", g, "rules", r)


def _rule_file_expressions(ctx: LintContext) -> Iterator[Expression]:
    for doc in ctx.of_kind(PROMETHEUS_RULES):
        for g, group in enumerate(as_list(doc.data.get("groups"))):
            if not isinstance(group, dict):
                continue
            for r, rule_ in enumerate(as_list(group.get("rules"))):
                if not isinstance(rule_, dict) or not isinstance(
                    rule_.get("expr"), str
                ):
                    continue
                name = rule_.get("alert") or rule_.get("record")
                kind = "alerting rule" if rule_.get("alert") else "recording rule"
                owner = f"{kind} '{name}' (group '{group.get('name')}')"
                pointer = join("", "groups", g, "rules", r, "expr")
                yield Expression(doc, pointer, owner, rule_["expr"], RAW_MODE)
