"""Dashboards, their rows and template variables.

Panels are grafanalib panel objects (any of them), or plain panel JSON
dicts. A panel without a ``gridPos`` is placed automatically; a ``gridPos``
with ``x`` and ``y`` set to None keeps its size and is placed automatically.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from mt5dash.model.base import Declaration


class Variable(Declaration):
    """Fields every template variable has."""

    name: str
    label: str = ""
    description: str = ""
    hide: Literal["nothing", "label", "variable"] = "nothing"


class QueryVariable(Variable):
    """Values from a datasource query, e.g. ``label_values(metric, label)``.

    ``refresh`` is when Grafana runs the query again: on dashboard load or on
    every time range change. Other variables may be used in ``query`` when
    they are declared before this one (chained variables).
    """

    query: str
    datasource: str | None = None
    refresh: Literal["load", "time"] = "time"
    regex: str = ""
    sort: int = Field(default=1, ge=0, le=8)
    multi: bool = False
    include_all: bool = False
    all_value: str = ""


class CustomVariable(Variable):
    """A fixed list of values."""

    values: list[str] = Field(min_length=1)
    multi: bool = False
    include_all: bool = False


class IntervalVariable(Variable):
    """A choice of time intervals, usable as a range in PromQL."""

    values: list[str] = Field(default_factory=lambda: ["1m", "5m", "15m", "1h"])

    @field_validator("values")
    @classmethod
    def _durations(cls, values: list[str]) -> list[str]:
        from mt5dash.model.base import duration_seconds

        for value in values:
            duration_seconds(value)
        return values


class DatasourceVariable(Variable):
    """A choice among the datasources of one plugin type."""

    plugin: str = "prometheus"
    regex: str = ""


AnyVariable = QueryVariable | CustomVariable | IntervalVariable | DatasourceVariable


def _is_panel(value: Any) -> bool:
    return isinstance(value, dict) or callable(getattr(value, "to_json_data", None))


class Row(Declaration):
    """A row of panels; a collapsed row holds its panels inside itself."""

    title: str
    collapsed: bool = False
    panels: list[Any] = Field(default_factory=list)
    repeat: str | None = None

    @field_validator("panels")
    @classmethod
    def _panels(cls, panels: list[Any]) -> list[Any]:
        for i, panel in enumerate(panels):
            if isinstance(panel, Row):
                raise ValueError(f"item {i}: rows cannot be nested in rows")
            if not _is_panel(panel):
                raise ValueError(
                    f"item {i}: {type(panel).__name__} is not a grafanalib panel "
                    "or a panel dict"
                )
        return panels


class Dashboard(Declaration):
    """A dashboard, provisioned from its own JSON file named after its uid.

    ``folder`` is a folder uid (None puts it in Grafana's root, General).
    ``datasource`` is the uid used by panels and targets that name none;
    None means the project's default datasource.
    """

    uid: str
    title: str
    folder: str | None = None
    tags: list[str] = Field(default_factory=list)
    description: str = ""
    refresh: str = "1m"
    time_from: str = "now-6h"
    time_to: str = "now"
    timezone: str = "browser"
    graph_tooltip: Literal["default", "crosshair", "tooltip"] = "crosshair"
    editable: bool = False
    datasource: str | None = None
    variables: list[AnyVariable] = Field(default_factory=list)
    panels: list[Any] = Field(default_factory=list)
    links: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("panels")
    @classmethod
    def _panels(cls, panels: list[Any]) -> list[Any]:
        for i, panel in enumerate(panels):
            if not isinstance(panel, Row) and not _is_panel(panel):
                raise ValueError(
                    f"item {i}: {type(panel).__name__} is not a Row, a grafanalib "
                    "panel or a panel dict"
                )
        return panels
