"""Dashboards to Grafana's bare dashboard model (what provisioning files hold)."""

from __future__ import annotations

import copy
import zlib
from typing import Any

import orjson

from mt5dash import promql
from mt5dash.compile.context import BUILTIN_DATASOURCE_UIDS, Context
from mt5dash.compile.layout import grid_problems, lay_out, overlaps
from mt5dash.model import (
    CustomVariable,
    Dashboard,
    DatasourceVariable,
    IntervalVariable,
    QueryVariable,
    Row,
)

SCHEMA_VERSION = 39  # the newest both Grafana 11.0 and 12.x load unchanged

_HIDE = {"nothing": 0, "label": 1, "variable": 2}
_TOOLTIP = {"default": 0, "crosshair": 1, "tooltip": 2}
# Keys grafanalib emits that Grafana 11 no longer reads.
_LEGACY_PANEL_KEYS = ("span", "height", "minSpan", "error", "editable")
_LEGACY_TARGET_KEYS = ("metric", "step", "target", "intervalFactor")

BUILTIN_ANNOTATION = {
    "builtIn": 1,
    "datasource": {"type": "grafana", "uid": "-- Grafana --"},
    "enable": True,
    "hide": True,
    "iconColor": "rgba(0, 211, 255, 1)",
    "name": "Annotations & Alerts",
    "type": "dashboard",
}


def _to_plain(panel: Any) -> dict[str, Any]:
    """A panel as plain JSON data: grafanalib objects become dicts."""
    if isinstance(panel, dict):
        return copy.deepcopy(panel)
    return orjson.loads(orjson.dumps(panel, default=lambda o: o.to_json_data()))


def _clean_panel(data: dict[str, Any]) -> dict[str, Any]:
    """Drop grafanalib's nulls and legacy keys; keep what Grafana 11 reads."""
    panel = {k: v for k, v in data.items() if v is not None}
    for key in _LEGACY_PANEL_KEYS:
        panel.pop(key, None)
    defaults = panel.get("fieldConfig", {}).get("defaults")
    if isinstance(defaults, dict):
        for key in [k for k, v in defaults.items() if v is None]:
            del defaults[key]
        if defaults.get("noValue") == "none":
            del defaults["noValue"]  # grafanalib's default shows the word "none"
        thresholds = defaults.get("thresholds")
        if isinstance(thresholds, dict) and not thresholds.get("steps"):
            thresholds["steps"] = [{"color": "green", "value": None}]
    targets = []
    for i, target in enumerate(panel.get("targets", [])):
        target = {k: v for k, v in target.items() if v is not None}
        for key in _LEGACY_TARGET_KEYS:
            target.pop(key, None)
        if target.get("query") == target.get("expr"):
            target.pop("query", None)
        if not target.get("refId"):
            target["refId"] = chr(ord("A") + i)
        targets.append(target)
    if "targets" in panel:
        panel["targets"] = targets
    return panel


class _DashboardCompiler:
    def __init__(self, ctx: Context, dashboard: Dashboard) -> None:
        self.ctx = ctx
        self.dashboard = dashboard
        self.kind = f"dashboard {dashboard.uid!r}"
        self.variables = [v.name for v in dashboard.variables]
        self.variable_values = variable_values(dashboard)
        default = ctx.datasources.get(dashboard.datasource or "")
        self.default = default or ctx.default_datasource
        if dashboard.datasource and default is None:
            self.report(
                "datasource",
                f"datasource uid {dashboard.datasource!r} is not declared",
            )

    def report(self, field_path: str, message: str) -> None:
        self.ctx.report(self.dashboard, self.kind, field_path, message)

    def datasource_ref(self, value: Any, field_path: str) -> dict[str, str] | None:
        """``value`` as a ``{type, uid}`` reference; None is the default."""
        if value is None or value == "":
            if self.default is None:
                self.report(field_path, "no datasource given and none is the default")
                return None
            return self.default.ref
        if isinstance(value, dict):
            uid = str(value.get("uid", ""))
            if uid in BUILTIN_DATASOURCE_UIDS or uid.startswith("$"):
                return value
            declared = self.ctx.datasources.get(uid)
            if declared is None:
                self.report(field_path, f"datasource uid {uid!r} is not declared")
                return value
            return declared.ref
        text = str(value)
        if text in BUILTIN_DATASOURCE_UIDS:
            return {"type": "datasource", "uid": text}
        if text.startswith("$"):
            plugin = self.default.type if self.default else "prometheus"
            return {"type": plugin, "uid": text}
        by_name = {ds.name: ds for ds in self.ctx.declared.datasources}
        declared = self.ctx.datasources.get(text) or by_name.get(text)
        if declared is None:
            self.report(field_path, f"datasource {text!r} is not declared")
            return None
        return declared.ref

    def panel(self, source: Any, path: str) -> dict[str, Any]:
        panel = _clean_panel(_to_plain(source))
        if not panel.get("type"):
            title = panel.get("title", "")
            self.report(
                f"{path}.type",
                f"panel {title!r} has no type; Grafana shows 'Panel plugin not "
                "found' (use e.g. stat, timeseries, gauge, table or text)",
            )
        ref = self.datasource_ref(panel.get("datasource"), f"{path}.datasource")
        if panel.get("type") == "text" and not panel.get("targets"):
            panel.pop("datasource", None)
        elif ref is not None:
            panel["datasource"] = ref
        mixed = ref is not None and ref.get("uid") == "-- Mixed --"
        for i, target in enumerate(panel.get("targets", [])):
            given = target.get("datasource")
            if given is None and not mixed and ref is not None:
                target["datasource"] = ref
            else:
                resolved = self.datasource_ref(given, f"{path}.targets[{i}].datasource")
                if resolved is not None:
                    target["datasource"] = resolved
            self.check_query(panel, target, f"{path}.targets[{i}].expr")
        if panel.get("repeat"):
            self.check_repeat(panel["repeat"], f"{path}.repeat")
        return panel

    def check_repeat(self, name: str, path: str) -> None:
        """A repeated row or panel names a declared variable."""
        if name not in self.variables:
            declared = ", ".join(self.variables) or "none"
            self.report(
                path,
                f"repeats by variable {name!r}, which the dashboard does not "
                f"declare; declared: {declared}",
            )

    def check_query(
        self, panel: dict[str, Any], target: dict[str, Any], path: str
    ) -> None:
        """Variables the query uses are declared, and Prometheus queries parse."""
        expr = target.get("expr") or ""
        for name in promql.referenced_variables(expr):
            if name not in self.variables:
                declared = ", ".join(self.variables) or "none"
                self.report(
                    path,
                    f"panel {panel.get('title', '')!r} uses ${name}, but the dashboard "
                    f"declares no variable {name!r}; declared: {declared}",
                )
        ds = target.get("datasource") or {}
        if expr and ds.get("type", "prometheus") == "prometheus":
            error = promql.syntax_error(expr, self.variable_values)
            if error:
                self.report(path, f"PromQL does not parse: {error} (in {expr!r})")

    def items(self) -> list[Any]:
        items: list[Any] = []
        for i, entry in enumerate(self.dashboard.panels):
            if not isinstance(entry, Row):
                items.append(self.panel(entry, f"panels[{i}]"))
                continue
            row = {"type": "row", "title": entry.title, "collapsed": entry.collapsed}
            if entry.repeat:
                row["repeat"] = entry.repeat
                self.check_repeat(entry.repeat, f"panels[{i}].repeat")
            children = [
                self.panel(child, f"panels[{i}].panels[{j}]")
                for j, child in enumerate(entry.panels)
            ]
            items.append((row, children))
        return items

    def compile(self) -> dict[str, Any]:
        panels = lay_out(self.items())
        assign_ids(panels)
        self.check_grid(panels)
        d = self.dashboard
        return {
            "annotations": {"list": [BUILTIN_ANNOTATION]},
            "description": d.description,
            "editable": d.editable,
            "fiscalYearStartMonth": 0,
            "graphTooltip": _TOOLTIP[d.graph_tooltip],
            "links": d.links,
            "panels": panels,
            "refresh": d.refresh,
            "schemaVersion": SCHEMA_VERSION,
            "tags": sorted(d.tags),
            "templating": {"list": [self.variable(v) for v in d.variables]},
            "time": {"from": d.time_from, "to": d.time_to},
            "timepicker": {},
            "timezone": d.timezone,
            "title": d.title,
            "uid": d.uid,
            "weekStart": "",
        }

    def check_grid(self, panels: list[dict[str, Any]]) -> None:
        seen: dict[int, str] = {}
        groups = [panels] + [p.get("panels", []) for p in panels if p.get("collapsed")]
        for group in groups:
            for panel in group:
                name = panel_name(panel)
                for message in grid_problems(panel):
                    self.report(f"panel {name}", message)
                pid = panel.get("id")
                if pid in seen:
                    self.report(
                        f"panel {name}",
                        f"panel id {pid} is also used by panel {seen[pid]}; "
                        "panel ids must be unique in a dashboard",
                    )
                seen[pid] = name
            for a, b in overlaps(group):
                self.report(
                    f"panel {panel_name(b)}",
                    f"overlaps panel {panel_name(a)} (gridPos {_pos(b)} and {_pos(a)})",
                )

    def variable(self, v: Any) -> dict[str, Any]:
        base = {
            "name": v.name,
            "label": v.label or v.name,
            "description": v.description,
            "hide": _HIDE[v.hide],
        }
        if isinstance(v, QueryVariable):
            ref = self.datasource_ref(v.datasource, f"variables.{v.name}.datasource")
            extra = {
                "allValue": v.all_value or None,
                "current": {},
                "datasource": ref,
                "definition": v.query,
                "includeAll": v.include_all,
                "multi": v.multi,
                "options": [],
                "query": {"query": v.query, "refId": "PrometheusVariableQueryEditor"},
                "refresh": 1 if v.refresh == "load" else 2,
                "regex": v.regex,
                "sort": v.sort,
                "type": "query",
            }
            return base | {k: x for k, x in extra.items() if x is not None}
        if isinstance(v, CustomVariable | IntervalVariable):
            kind = "custom" if isinstance(v, CustomVariable) else "interval"
            options = [
                {"selected": i == 0, "text": value, "value": value}
                for i, value in enumerate(v.values)
            ]
            extra = {
                "current": {"text": v.values[0], "value": v.values[0]},
                "options": options,
                "query": ",".join(x.replace(",", "\\,") for x in v.values),
                "type": kind,
            }
            if isinstance(v, CustomVariable):
                extra |= {"includeAll": v.include_all, "multi": v.multi}
            else:
                extra |= {"auto": False, "refresh": 2}
            return base | extra
        assert isinstance(v, DatasourceVariable)
        return base | {
            "current": {},
            "query": v.plugin,
            "refresh": 1,
            "regex": v.regex,
            "type": "datasource",
        }


def variable_values(dashboard: Dashboard) -> dict[str, str]:
    """Each variable's name and a value of its type, to check queries with.

    Interval and custom variables use their first value (it may stand where a
    duration or a number must); the PromQL check replaces the others by a
    name valid as a label value, label name or metric.
    """
    return {
        v.name: v.values[0]
        for v in dashboard.variables
        if isinstance(v, CustomVariable | IntervalVariable)
    }


def panel_name(panel: dict[str, Any]) -> str:
    """How messages name a panel: its id and title."""
    return f"{panel.get('id')} {panel.get('title', '')!r}".strip()


def _pos(panel: dict[str, Any]) -> str:
    p = panel["gridPos"]
    return f"x={p['x']} y={p['y']} w={p['w']} h={p['h']}"


# Panel ids come from titles, so adding or moving a panel changes no other
# panel's id (alert rules name their panel by id; their groups stay unchanged).
PANEL_ID_SPACE = 99991


def assign_ids(panels: list[dict[str, Any]]) -> None:
    """Give every panel without an id one derived from its type and title.

    Panels whose ids collide take the next free one, in layout order.
    """
    everything = panels + [c for p in panels for c in p.get("panels", [])]
    taken = {p["id"] for p in everything if isinstance(p.get("id"), int)}
    for panel in everything:
        if isinstance(panel.get("id"), int):
            continue
        name = f"{panel.get('type', '')}:{panel.get('title', '')}"
        candidate = zlib.crc32(name.encode()) % PANEL_ID_SPACE + 1
        while candidate in taken:
            candidate = candidate % PANEL_ID_SPACE + 1
        panel["id"] = candidate
        taken.add(candidate)


def compile_dashboard(ctx: Context, dashboard: Dashboard) -> dict[str, Any]:
    """The bare dashboard model of ``dashboard``; problems go to ``ctx``."""
    return _DashboardCompiler(ctx, dashboard).compile()
