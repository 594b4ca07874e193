"""What every compiler step needs: the declarations and the problems found."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from mt5dash.errors import Problem
from mt5dash.loader import Declarations
from mt5dash.model import Datasource, Declaration

# Datasource uids Grafana provides itself; never declared by users.
BUILTIN_DATASOURCE_UIDS = frozenset(
    {"grafana", "-- Grafana --", "-- Mixed --", "-- Dashboard --", "__expr__", "-100"}
)


@dataclass
class Context:
    """The declarations being compiled and the problems collected so far."""

    declared: Declarations
    problems: list[Problem] = field(default_factory=list)

    def report(
        self, obj: Declaration, kind: str, field_path: str, message: str
    ) -> None:
        """Record a problem located at ``obj``'s declaration."""
        self.problems.append(self.declared.problem(obj, kind, field_path, message))

    @cached_property
    def datasources(self) -> dict[str, Datasource]:
        return {ds.uid: ds for ds in self.declared.datasources}

    @cached_property
    def default_datasource(self) -> Datasource | None:
        defaults = [ds for ds in self.declared.datasources if ds.is_default]
        return defaults[0] if defaults else None
