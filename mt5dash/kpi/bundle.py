"""What a KPI bundle is: the panels, alert rules and runbook of one KPI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mt5dash.model import AlertRule
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
