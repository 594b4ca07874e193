"""Rules about panels: ids, layout on the grid, rows, repeats, titles."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from mt5dash.lint.dashboards import (
    PanelRef,
    describe,
    describe_panel,
    iter_panels,
    variable_names,
)
from mt5dash.lint.engine import Hit, LintContext, rule
from mt5dash.lint.findings import Severity
from mt5dash.lint.panel_types import CORE_PANEL_TYPES
from mt5dash.lint.readers import DASHBOARD, Document, as_list, join

GRID_COLUMNS = 24
# Grafana fills a gridPos key that is absent (not one that is null) with these.
GRID_DEFAULTS = {"x": 0, "y": 0, "w": 6, "h": 3}
# Panels that show no query data, so a title is a matter of taste.
_DECORATIVE = {"row", "text", "news", "dashlist", "alertlist", "annolist", "welcome"}


@rule("panel/unknown-type", Severity.ERROR, "panel without a known plugin type")
def unknown_type(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        for ref in iter_panels(doc.data):
            kind = ref.panel.get("type")
            where = f"{describe(doc.data)}, {describe_panel(ref.panel)}"
            if not isinstance(kind, str) or not kind.strip():
                what = "has no type" if kind in (None, "") else f"has type {kind!r}"
                yield Hit(
                    doc,
                    join(ref.pointer, "type") if "type" in ref.panel else ref.pointer,
                    f"{where} {what}; Grafana shows 'Panel plugin not found' in its "
                    "place; set type to a panel plugin id such as 'timeseries'",
                )
            elif kind not in CORE_PANEL_TYPES:
                close = difflib.get_close_matches(
                    kind, CORE_PANEL_TYPES, n=1, cutoff=0.85
                )
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                # A warning only: an installed plugin may provide the type.
                yield Hit(
                    doc,
                    join(ref.pointer, "type"),
                    f"{where}: type {kind!r} is not a core panel plugin of Grafana "
                    f"11{hint}; unless a plugin with this id is installed, Grafana "
                    "shows 'Panel plugin not found' in its place",
                    Severity.WARNING,
                )


@rule("panel/duplicate-id", Severity.ERROR, "two panels share an id")
def duplicate_id(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        seen: dict[Any, PanelRef] = {}
        for ref in iter_panels(doc.data):
            pid = ref.panel.get("id")
            if pid in (None, 0) or isinstance(pid, (dict, list)):
                continue
            first = seen.setdefault(pid, ref)
            if first is not ref:
                yield Hit(
                    doc,
                    join(ref.pointer, "id"),
                    f"{describe(doc.data)}, {describe_panel(ref.panel)}: id {pid} is "
                    f"already used by {describe_panel(first.panel)} at "
                    f"{first.pointer}; "
                    "Grafana renumbers one of them on load, which breaks panel links "
                    "and alert rules that name the panel id",
                )


@rule("panel/missing-id", Severity.WARNING, "panel without an id")
def missing_id(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        for ref in iter_panels(doc.data):
            pid = ref.panel.get("id")
            if pid is None or pid == 0:
                yield Hit(
                    doc,
                    ref.pointer,
                    f"{describe(doc.data)}, {describe_panel(ref.panel)} has "
                    f"{'no id' if pid is None else 'id 0'}; Grafana assigns one on "
                    "load that may change whenever "
                    "panels are added, so links and alert rules cannot name it; give "
                    "it a unique positive id",
                )


@rule("panel/grid-bounds", Severity.ERROR, "panel outside the 24-column grid")
def grid_bounds(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        for ref in iter_panels(doc.data):
            if ref.place in ("legacy-row", "expanded-row"):
                continue
            pos = ref.panel.get("gridPos")
            if not isinstance(pos, dict):
                continue
            problem = _bounds_problem(pos)
            if problem:
                yield Hit(
                    doc,
                    join(ref.pointer, "gridPos"),
                    f"{describe(doc.data)}, {describe_panel(ref.panel)}: gridPos "
                    f"{_fmt(_box(pos))} {problem}; Grafana moves or resizes the panel",
                )


def _box(pos: dict[str, Any]) -> dict[str, Any]:
    """``gridPos`` with Grafana's defaults for missing keys (PanelModel defaults)."""
    return {k: pos.get(k, GRID_DEFAULTS[k]) for k in ("x", "y", "w", "h")}


def _bounds_problem(pos: dict[str, Any]) -> str:
    values = _box(pos)
    bad = [
        k for k, v in values.items() if not isinstance(v, int) or isinstance(v, bool)
    ]
    if bad:
        return f"has non-integer {', '.join(bad)}"
    x, y, w, h = values["x"], values["y"], values["w"], values["h"]
    if x < 0 or y < 0:
        return "starts at a negative position"
    if w < 1 or h < 1:
        return "has no width or height"
    if x + w > GRID_COLUMNS:
        return f"ends at column {x + w}, past the grid's {GRID_COLUMNS} columns"
    return ""


@rule("panel/grid-overlap", Severity.WARNING, "panels overlap on the grid")
def grid_overlap(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        groups: dict[str, list[tuple[PanelRef, tuple[int, int, int, int]]]] = {}
        for ref in iter_panels(doc.data):
            if ref.place in ("legacy-row", "expanded-row"):
                continue
            pos = ref.panel.get("gridPos")
            if not isinstance(pos, dict) or _bounds_problem(pos):
                continue
            group = "" if ref.place == "top" else ref.pointer.rpartition("/panels/")[0]
            groups.setdefault(group, []).append((ref, _box(pos)))
        for members in groups.values():
            yield from _overlaps(doc, members)


Box = dict[str, Any]


def _overlaps(doc: Document, members: list[tuple[PanelRef, Box]]) -> Iterator[Hit]:
    """One hit per panel that overlaps panels listed before it."""
    for i, (ref, box) in enumerate(members):
        hit = [o for o, other in members[:i] if _intersect(box, other)]
        if not hit:
            continue
        others = ", ".join(
            f"{describe_panel(o.panel)} at {_fmt(b)}"
            for o, b in members[:i]
            if o in hit
        )
        yield Hit(
            doc,
            join(ref.pointer, "gridPos"),
            f"{describe(doc.data)}, {describe_panel(ref.panel)} at {_fmt(box)} "
            f"overlaps {others}; Grafana pushes panels down until none overlap, "
            "so the layout shown differs from the file",
        )


def _intersect(a: Box, b: Box) -> bool:
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


def _fmt(pos: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}={pos.get(k)}" for k in ("x", "y", "w", "h")) + "}"


@rule("panel/expanded-row-children", Severity.ERROR, "panels hidden in an expanded row")
def expanded_row_children(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        for ref in iter_panels(doc.data):
            panel = ref.panel
            children = panel.get("panels")
            if panel.get("type") != "row" or panel.get("collapsed") or not children:
                continue
            ids = ", ".join(describe_panel(c) for c in children if isinstance(c, dict))
            yield Hit(
                doc,
                join(ref.pointer, "panels"),
                f"{describe(doc.data)}, {describe_panel(panel)} is expanded "
                f"(collapsed: {panel.get('collapsed')!r}) yet holds {len(children)} "
                f"panel(s) in its panels list ({ids}); Grafana shows an expanded "
                "row's panels only when they follow the row in the dashboard's "
                "panels list, so these are not shown; move them after the row or "
                "set collapsed: true",
            )


@rule("panel/repeat-unknown-variable", Severity.ERROR, "repeat by a missing variable")
def repeat_unknown_variable(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        declared = variable_names(doc.data)
        repeated = [(ref.panel, ref.pointer) for ref in iter_panels(doc.data)]
        for i, row in enumerate(as_list(doc.data.get("rows"))):
            if isinstance(row, dict):
                repeated.append((row, join("", "rows", i)))
        for panel, pointer in repeated:
            name = panel.get("repeat")
            if isinstance(name, str) and name and name not in declared:
                yield Hit(
                    doc,
                    join(pointer, "repeat"),
                    f"{describe(doc.data)}, {describe_panel(panel)} repeats by "
                    f"variable '{name}', which the dashboard does not declare; "
                    "Grafana shows the panel once, unrepeated",
                )


@rule("panel/missing-title", Severity.WARNING, "data panel without a title")
def missing_title(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        for ref in iter_panels(doc.data):
            panel = ref.panel
            if panel.get("type") in _DECORATIVE or not panel.get("targets"):
                continue
            title = panel.get("title")
            if not isinstance(title, str) or not title.strip():
                yield Hit(
                    doc,
                    ref.pointer,
                    f"{describe(doc.data)}, {describe_panel(panel)} "
                    f"({panel.get('type')}) has no title; the reader cannot tell what "
                    "the value is, and alert rules and links show it nameless",
                )
