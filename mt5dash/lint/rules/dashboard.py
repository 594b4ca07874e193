"""Rules about a dashboard file as a whole: its shape, uid and placeholders."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from mt5dash.lint.dashboards import (
    describe,
    is_sharing_name,
    variable_names,
    walk_strings,
)
from mt5dash.lint.engine import Hit, LintContext, rule
from mt5dash.lint.findings import Severity
from mt5dash.lint.readers import DASHBOARD, Document, join
from mt5dash.promql import VARIABLE_RE

_UID_RE = re.compile(r"^[A-Za-z0-9_-]*$")
_UID_MAX = 40


@rule("dashboard/api-wrapper", Severity.ERROR, "API payload used as a file")
def api_wrapper(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        if doc.wrapped:
            keys = ", ".join(sorted(doc.raw)) if isinstance(doc.raw, dict) else ""
            yield Hit(
                doc,
                "",
                f"{describe(doc.data)} is wrapped as an HTTP API payload "
                f"(top-level keys: {keys}); file provisioning reads the top level as "
                "the dashboard, finds no title and skips the file; put the "
                "dashboard model itself at the top level",
            )


@rule("dashboard/sharing-placeholder", Severity.ERROR, "export-for-sharing placeholder")
def sharing_placeholder(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        dash = doc.data
        declared = variable_names(dash)
        uses: dict[str, list[str]] = defaultdict(list)
        for text, pointer in walk_strings(dash):
            if "$" not in text or pointer.startswith("/__inputs"):
                continue
            for match in VARIABLE_RE.finditer(text):
                name = (
                    match.group("plain") or match.group("braced") or match.group("old")
                )
                if name not in declared and is_sharing_name(name, dash):
                    uses[name].append(pointer)
        for name, pointers in sorted(uses.items()):
            count = f"{len(pointers)} use(s), first here"
            yield Hit(
                doc,
                pointers[0],
                f"{describe(dash)} uses ${{{name}}} ({count}), a placeholder of "
                "Grafana's export for sharing that only the import dialog fills in; "
                "a provisioned file keeps it as written and the references fail; "
                f"declare a datasource variable '{name}' or use the datasource uid",
            )


@rule("dashboard/duplicate-uid", Severity.ERROR, "two dashboards share a uid")
def duplicate_uid(ctx: LintContext) -> Iterator[Hit]:
    by_uid: dict[str, list[Document]] = defaultdict(list)
    for doc in ctx.of_kind(DASHBOARD):
        uid = doc.data.get("uid")
        if isinstance(uid, str) and uid:
            by_uid[uid].append(doc)
    for uid, docs in sorted(by_uid.items()):
        first = docs[0]
        for doc in docs[1:]:
            where = first.file + (f" at {first.pointer}" if first.embedded else "")
            yield Hit(
                doc,
                "/uid",
                f"{describe(doc.data)} has uid '{uid}', already used by "
                f"{describe(first.data)} in {where}; Grafana keeps only one of them "
                "and which one depends on the order it reads files",
            )


@rule("dashboard/uid-format", Severity.ERROR, "uid too long or with bad characters")
def uid_format(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        uid = doc.data.get("uid")
        if uid is None:
            continue
        problems = []
        if not isinstance(uid, str):
            problems.append(f"is a {type(uid).__name__}, not a string")
        else:
            if len(uid) > _UID_MAX:
                problems.append(f"has {len(uid)} characters (at most {_UID_MAX})")
            if not _UID_RE.match(uid):
                problems.append("has characters other than A-Z a-z 0-9 - _")
        if problems:
            yield Hit(
                doc,
                "/uid",
                f"{describe(doc.data)}: uid {uid!r} {' and '.join(problems)}; "
                "Grafana refuses to save the dashboard",
            )


@rule("dashboard/misplaced-templating", Severity.ERROR, "variables Grafana never reads")
def misplaced_templating(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        for pointer, found in _misplaced_variables(doc.data):
            names = ", ".join(f"'{v.get('name')}'" for v in found)
            yield Hit(
                doc,
                pointer,
                f"{describe(doc.data)} declares variable(s) {names} at {pointer}; "
                "Grafana reads variables only from templating.list, so these do not "
                "exist and every $reference to them stays unresolved",
            )


def _misplaced_variables(dash: dict[str, Any]) -> Iterator[tuple[str, list[dict]]]:
    templating = dash.get("templating")
    if isinstance(templating, list) and _variable_like(templating):
        yield "/templating", templating
    for key, value in dash.items():
        if key == "templating":
            continue
        at = join("", key)
        if isinstance(value, list) and _variable_like(value) and "var" in key.lower():
            yield at, value
        if not isinstance(value, dict):
            continue
        inner = value.get("templating")
        if isinstance(inner, dict) and _variable_like(inner.get("list")):
            yield join(at, "templating", "list"), inner["list"]
        elif isinstance(inner, list) and _variable_like(inner):
            yield join(at, "templating"), inner
        elif key != "annotations" and _variable_like(value.get("list")):
            yield join(at, "list"), value["list"]


def _variable_like(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and "name" in v and "type" in v for v in value)
    )
