"""Rules about dashboard variables used in queries and titles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from mt5dash.lint.dashboards import (
    describe,
    is_builtin_variable,
    is_sharing_name,
    iter_panels,
    targets,
    variable_names,
    variables,
)
from mt5dash.lint.engine import Hit, LintContext, rule
from mt5dash.lint.findings import Severity
from mt5dash.lint.readers import DASHBOARD, join
from mt5dash.promql import VARIABLE_RE

# Target fields Grafana interpolates for the common datasources.
_TARGET_FIELDS = ("expr", "query", "target", "rawSql", "legendFormat")
_VARIABLE_FIELDS = ("query", "definition", "regex")


def _texts(dash: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The strings Grafana interpolates, with their pointers."""
    for ref in iter_panels(dash):
        if isinstance(ref.panel.get("title"), str):
            yield ref.panel["title"], join(ref.pointer, "title")
        for target, at in targets(ref.panel):
            for key in _TARGET_FIELDS:
                if isinstance(target.get(key), str):
                    yield target[key], join(ref.pointer + at, key)
    for var, at in variables(dash):
        for key in _VARIABLE_FIELDS:
            value = var.get(key)
            if isinstance(value, dict):
                value, key = value.get("query"), f"{key}/query"
            if isinstance(value, str):
                yield value, f"{at}/{key}"


@rule("variable/undeclared", Severity.ERROR, "variable used but not declared")
def undeclared(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        dash = doc.data
        declared = variable_names(dash)
        uses: dict[str, list[str]] = defaultdict(list)
        for text, pointer in _texts(dash):
            if "$" not in text and "[[" not in text:
                continue
            for match in VARIABLE_RE.finditer(text):
                name = (
                    match.group("plain") or match.group("braced") or match.group("old")
                )
                if name in declared or is_builtin_variable(name):
                    continue
                if is_sharing_name(name, dash):
                    continue  # dashboard/sharing-placeholder reports these
                uses[name].append(pointer)
        for name, pointers in sorted(uses.items()):
            yield Hit(
                doc,
                pointers[0],
                f"{describe(dash)} uses ${name} ({len(pointers)} use(s), first here) "
                "but declares no variable of that name; Grafana leaves the text "
                "as written, so queries fail or titles show it raw",
            )
