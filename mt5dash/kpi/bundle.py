"""What a KPI bundle is: the panels, alert rules and runbook of one KPI."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mt5dash.model import AlertExample, AlertRule, duration_seconds
from mt5dash.panels import text


@dataclass(frozen=True)
class KpiBundle:
    """Ready-made monitoring for one KPI.

    ``panels`` go on a dashboard (the first is the KPI itself), ``rules`` into
    a rule group, and ``runbook`` (Markdown) tells the on-call person what the
    alert means and what to do.
    """

    panels: tuple[Any, ...]
    rules: tuple[AlertRule, ...]
    runbook: str

    @property
    def panel(self) -> Any:
        """The KPI's main panel."""
        return self.panels[0]

    @property
    def rule(self) -> AlertRule:
        """The KPI's main alert rule."""
        return self.rules[0]

    def runbook_panel(self, title: str) -> Any:
        """The runbook as a text panel, to sit beside the KPI."""
        return text(title, self.runbook, size=(24, 8))


def minutes(duration: str) -> int:
    """Whole minutes a duration lasts, rounded up."""
    return math.ceil(duration_seconds(duration) / 60)


def number(value: float) -> str:
    """A sample value as promtool reads it."""
    return f"{value:g}"


def step_example(
    series: dict[str, tuple[float, float]], for_: str, *, before: int = 2
) -> AlertExample:
    """Each series is healthy for ``before`` minutes, then unhealthy.

    ``series`` maps a series to its ``(healthy, unhealthy)`` values. The rule
    must fire once ``for_`` has passed since the change, and not before.
    """
    wait = minutes(for_)
    after = wait + 10
    values = {
        name: f"{number(good)}x{before - 1} {number(bad)}x{after}"
        for name, (good, bad) in series.items()
    }
    return AlertExample(
        series=values,
        fires_at=[f"{before + wait}m"],
        quiet_at=quiet_times(before, wait),
    )


def quiet_times(change: int, wait: int) -> list[str]:
    """Times before a rule can fire: before the change and while pending."""
    times = [f"{change - 1}m"] if change >= 1 else []
    if wait >= 3:
        times.append(f"{change + wait - 2}m")
    return times
