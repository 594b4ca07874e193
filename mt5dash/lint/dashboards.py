"""Reading a dashboard model as Grafana does: panels, variables, datasources."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mt5dash.lint.readers import join
from mt5dash.promql import BUILTIN_VALUES, VARIABLE_RE

# Datasources every Grafana has, under their uids, names and legacy names.
BUILTIN_DATASOURCES = frozenset(
    {
        "grafana",
        "-- Grafana --",
        "-- Mixed --",
        "-- Dashboard --",
        "__expr__",
        "-100",
        "Grafana",
        "Mixed",
        "Dashboard",
        "Expression",
    }
)
MIXED = frozenset({"-- Mixed --", "Mixed"})
BUILTIN_TYPES = frozenset({"datasource", "grafana", "__expr__", "mixed", "dashboard"})

_FULL_VARIABLE_RE = re.compile(rf"^(?:{VARIABLE_RE.pattern})$")
_SHARING_NAME_RE = re.compile(r"^(DS|VAR)_[A-Z0-9_]+$")
_NOT_PROMETHEUS_HINTS = ("loki", "influx", "elastic", "testdata", "graphite", "sql")


@dataclass(frozen=True)
class PanelRef:
    """A panel and where Grafana finds it.

    ``place`` is ``top`` (in ``panels``), ``collapsed-row`` (in a collapsed
    row's ``panels``), ``expanded-row`` (in an expanded row's ``panels``,
    where Grafana does not show it) or ``legacy-row`` (in the old ``rows``).
    """

    panel: dict[str, Any]
    pointer: str
    place: str
    row: dict[str, Any] | None = None


def describe(dash: Mapping[str, Any]) -> str:
    """``dashboard 'uid' (title)``, or by title alone when it has no uid."""
    uid, title = dash.get("uid"), dash.get("title")
    if uid and title:
        return f"dashboard '{uid}' ({title})"
    return f"dashboard '{uid or title or '(untitled)'}'"


def describe_panel(panel: Mapping[str, Any]) -> str:
    """``panel 3 'CPU'`` (id and title as far as the panel has them)."""
    kind = "row" if panel.get("type") == "row" else "panel"
    parts = [kind]
    if panel.get("id") is not None:
        parts.append(str(panel["id"]))
    if panel.get("title"):
        parts.append(f"'{panel['title']}'")
    return " ".join(parts)


def iter_panels(dash: Mapping[str, Any]) -> Iterator[PanelRef]:
    """Every panel of the dashboard, rows and their children included."""
    for i, panel in enumerate(_dicts(dash.get("panels"))):
        at = join("", "panels", i)
        yield PanelRef(panel, at, "top")
        if panel.get("type") == "row":
            place = "collapsed-row" if panel.get("collapsed") else "expanded-row"
            for j, child in enumerate(_dicts(panel.get("panels"))):
                yield PanelRef(child, join(at, "panels", j), place, panel)
    for i, row in enumerate(_dicts(dash.get("rows"))):
        for j, child in enumerate(_dicts(row.get("panels"))):
            yield PanelRef(child, join("", "rows", i, "panels", j), "legacy-row", row)


def targets(panel: Mapping[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """The panel's queries with their pointers relative to the panel."""
    for i, target in enumerate(_dicts(panel.get("targets"))):
        yield target, join("", "targets", i)


def variables(dash: Mapping[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """The dashboard's variables (``templating.list``) with their pointers."""
    templating = dash.get("templating")
    if not isinstance(templating, dict):
        return
    for i, var in enumerate(_dicts(templating.get("list"))):
        yield var, join("", "templating", "list", i)


def variable_names(dash: Mapping[str, Any]) -> set[str]:
    return {str(v["name"]) for v, _ in variables(dash) if v.get("name")}


def sharing_inputs(dash: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``__inputs`` of a dashboard exported for sharing, by name."""
    return {str(i["name"]): i for i in _dicts(dash.get("__inputs")) if i.get("name")}


def is_sharing_name(name: str, dash: Mapping[str, Any]) -> bool:
    """Whether ``name`` is a placeholder of Grafana's export for sharing."""
    return name in sharing_inputs(dash) or bool(_SHARING_NAME_RE.match(name))


def is_builtin_variable(name: str) -> bool:
    """Grafana's global variables and macros, and regex group references."""
    return name in BUILTIN_VALUES or name.startswith("__") or name.isdigit()


def variable_reference(text: str) -> str | None:
    """The variable name when ``text`` is only a variable reference."""
    match = _FULL_VARIABLE_RE.match(text.strip())
    if match is None:
        return None
    return match.group("plain") or match.group("braced") or match.group("old")


@dataclass(frozen=True)
class DatasourceRef:
    """What a datasource reference points at.

    ``status`` is one of ``builtin``, ``default`` (absent: the instance's
    default), ``variable`` (a declared variable), ``undeclared-variable``,
    ``placeholder`` (an export-for-sharing input), ``uid``, ``name`` (a plain
    string). ``type`` is the plugin id when it can be told, else None.
    """

    status: str
    value: str
    type: str | None = None


class DatasourceResolver:
    """Resolves a dashboard's datasource references against what is known."""

    def __init__(
        self,
        dash: Mapping[str, Any],
        known: Mapping[str, Mapping[str, Any]],
        default_type: str | None,
    ) -> None:
        self._dash = dash
        self._vars = {str(v.get("name")): v for v, _ in variables(dash)}
        self._inputs = sharing_inputs(dash)
        self._known = known
        self._default_type = default_type

    def resolve(self, ref: Any) -> DatasourceRef:
        if ref is None or ref == "" or ref == {}:
            return DatasourceRef("default", "", self._default_type)
        if isinstance(ref, str):
            return self._resolve_text(ref, None, by_name=True)
        if isinstance(ref, dict):
            declared = ref.get("type")
            declared = declared if isinstance(declared, str) else None
            uid = ref.get("uid")
            if declared in BUILTIN_TYPES and uid in (None, "", *BUILTIN_DATASOURCES):
                return DatasourceRef("builtin", str(uid or declared), declared)
            if uid is None or uid == "":
                if declared and variable_reference(declared):
                    return self._resolve_text(declared, None, by_name=False)
                return DatasourceRef("default", "", declared or self._default_type)
            return self._resolve_text(str(uid), declared, by_name=False)
        return DatasourceRef("uid", str(ref), None)

    def _resolve_text(
        self, text: str, declared: str | None, by_name: bool
    ) -> DatasourceRef:
        if declared is not None and variable_reference(declared):
            declared = None
        if text in BUILTIN_DATASOURCES:
            return DatasourceRef("builtin", text, "datasource")
        name = variable_reference(text)
        if name is not None:
            return self._resolve_variable(name, declared)
        known = self._known.get(text)
        kind = declared or (str(known.get("type")) if known else None)
        if kind is None and by_name:
            kind = _guess_type_from_name(text)
        return DatasourceRef("name" if by_name else "uid", text, kind)

    def _resolve_variable(self, name: str, declared: str | None) -> DatasourceRef:
        var = self._vars.get(name)
        if var is not None:
            plugin = var.get("query") if var.get("type") == "datasource" else None
            kind = declared or (plugin if isinstance(plugin, str) and plugin else None)
            return DatasourceRef("variable", name, kind)
        if name in self._inputs or _SHARING_NAME_RE.match(name):
            plugin = self._inputs.get(name, {}).get("pluginId")
            return DatasourceRef("placeholder", name, declared or plugin)
        return DatasourceRef("undeclared-variable", name, declared)


def is_prometheus(kind: str | None) -> bool:
    """Whether queries of a datasource of type ``kind`` are PromQL.

    An unknown type counts as Prometheus: the hub's queries are PromQL, and
    the other rules flag the reference that cannot be resolved.
    """
    return kind is None or kind == "prometheus"


def _guess_type_from_name(name: str) -> str | None:
    lowered = name.lower()
    for hint in _NOT_PROMETHEUS_HINTS:
        if hint in lowered:
            return hint
    return "prometheus" if "prom" in lowered else None


def _dicts(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, dict)]


def walk_strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON value with its pointer."""
    if isinstance(value, str):
        yield value, pointer
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_strings(item, join(pointer, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_strings(item, join(pointer, i))
