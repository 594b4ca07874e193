"""Short ways to make the grafanalib panels KPI dashboards use most.

Each helper returns a plain grafanalib panel, so anything grafanalib offers
can be set on it afterwards with ``attr.evolve``. ``size`` is ``(w, h)`` on
the 24-column grid; the position is chosen by the dashboard's layout.
Thresholds are ``(from value, colour)`` steps, the first with ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence

import attr
import grafanalib.core as g

Steps = Sequence[tuple[float | None, str]]

DEFAULT_STEPS: Steps = ((None, "green"),)


def _steps(steps: Steps) -> list[dict[str, object]]:
    return [{"color": color, "value": value} for value, color in steps]


def _targets(exprs: Sequence[str], legend: str, instant: bool) -> list[g.Target]:
    return [
        g.Target(expr=e, legendFormat=legend, refId=chr(ord("A") + i), instant=instant)
        for i, e in enumerate(exprs)
    ]


def _size(size: tuple[int, int] | None) -> g.GridPos | None:
    return None if size is None else g.GridPos(w=size[0], h=size[1], x=None, y=None)


def stat(
    title: str,
    expr: str | Sequence[str],
    *,
    unit: str = "short",
    thresholds: Steps = DEFAULT_STEPS,
    legend: str = "",
    decimals: int | None = None,
    description: str = "",
    size: tuple[int, int] | None = None,
) -> g.Stat:
    """One big number per series: its last value, coloured by ``thresholds``."""
    exprs = [expr] if isinstance(expr, str) else list(expr)
    return g.Stat(
        title=title,
        description=description,
        targets=_targets(exprs, legend, instant=True),
        format=unit,
        decimals=decimals,
        reduceCalc="lastNotNull",
        graphMode="none",
        colorMode="background",
        thresholds=_steps(thresholds),
        gridPos=_size(size),
    )


def gauge(
    title: str,
    expr: str,
    *,
    unit: str = "percent",
    min_value: float = 0,
    max_value: float = 100,
    thresholds: Steps = DEFAULT_STEPS,
    legend: str = "",
    description: str = "",
    size: tuple[int, int] | None = None,
) -> g.GaugePanel:
    """A dial per series between ``min_value`` and ``max_value``."""
    return g.GaugePanel(
        title=title,
        description=description,
        targets=_targets([expr], legend, instant=True),
        format=unit,
        min=min_value,
        max=max_value,
        thresholds=_steps(thresholds),
        gridPos=_size(size),
        extraJson={
            "fieldConfig": {"defaults": {"calcs": None, "values": None}},
            "options": {
                "reduceOptions": {
                    "calcs": ["lastNotNull"],
                    "fields": "",
                    "values": False,
                },
                "showThresholdLabels": False,
                "showThresholdMarkers": True,
            },
        },
    )


def timeseries(
    title: str,
    expr: str | Sequence[str],
    *,
    unit: str = "short",
    legend: str = "",
    thresholds: Steps = DEFAULT_STEPS,
    show_thresholds: bool = False,
    description: str = "",
    size: tuple[int, int] | None = None,
) -> g.TimeSeries:
    """Lines over time; ``show_thresholds`` draws the threshold steps as lines."""
    exprs = [expr] if isinstance(expr, str) else list(expr)
    return g.TimeSeries(
        title=title,
        description=description,
        targets=_targets(exprs, legend, instant=False),
        unit=unit,
        thresholdsStyleMode="line" if show_thresholds else "off",
        thresholds=_steps(thresholds),
        gridPos=_size(size),
    )


def table(
    title: str,
    expr: str | Sequence[str],
    *,
    unit: str = "short",
    legend: str = "",
    thresholds: Steps = DEFAULT_STEPS,
    description: str = "",
    size: tuple[int, int] | None = None,
) -> g.Table:
    """The current value of each series as a table row, labels as columns."""
    exprs = [expr] if isinstance(expr, str) else list(expr)
    targets = [
        attr.evolve(t, format="table") for t in _targets(exprs, legend, instant=True)
    ]
    return g.Table(
        title=title,
        description=description,
        targets=targets,
        unit=unit,
        gridPos=_size(size),
        transformations=[{"id": "merge", "options": {}}],
        thresholds=_steps(thresholds),
    )


def text(title: str, content: str, *, size: tuple[int, int] | None = None) -> g.Text:
    """Markdown text, e.g. a runbook beside the panels it explains."""
    return g.Text(title=title, content=content, mode="markdown", gridPos=_size(size))
