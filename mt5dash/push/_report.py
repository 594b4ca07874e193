"""What a push did, resource by resource."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from mt5dash.push._compare import Change

# Outcomes of one resource. A dry run reports the ``to ...`` forms.
CREATED = "created"
UPDATED = "updated"
DELETED = "deleted"
UNCHANGED = "unchanged"
DRIFTED = "drifted"
FAILED = "failed"
NOT_APPLIED = "not applied"
TO_CREATE = "to create"
TO_UPDATE = "to update"
TO_DELETE = "to delete"

APPLIED = frozenset({CREATED, UPDATED, DELETED})
PLANNED = {CREATED: TO_CREATE, UPDATED: TO_UPDATE, DELETED: TO_DELETE}


@dataclass(frozen=True)
class ResourceResult:
    """The outcome for one resource: ``kind`` and ``name`` as Grafana calls them."""

    kind: str
    name: str
    outcome: str
    changes: tuple[Change, ...] = ()
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "outcome": self.outcome,
            "changes": [str(c) for c in self.changes],
            "message": self.message,
        }


@dataclass
class PushReport:
    """Every resource's outcome, in the order they were handled."""

    url: str
    dry_run: bool = False
    results: list[ResourceResult] = field(default_factory=list)
    requests: int = 0
    writes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, result: ResourceResult) -> None:
        with self._lock:
            self.results.append(result)

    def add_missing(self, kind: str, name: str, outcome: str, message: str) -> None:
        """Record a declared resource the push never reached."""
        self.add(ResourceResult(kind, name, outcome, (), message or "not attempted"))

    def has(self, kind: str, name: str) -> bool:
        return any(r.kind == kind and r.name == name for r in self.results)

    def by_outcome(self, *outcomes: str) -> list[ResourceResult]:
        return [r for r in self.results if r.outcome in outcomes]

    @property
    def applied(self) -> list[ResourceResult]:
        return [r for r in self.results if r.outcome in APPLIED]

    @property
    def not_applied(self) -> list[ResourceResult]:
        return self.by_outcome(FAILED, DRIFTED, NOT_APPLIED)

    @property
    def ok(self) -> bool:
        return not self.not_applied

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for result in self.results:
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
        return dict(sorted(counts.items()))

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "counts": self.counts,
            "requests": self.requests,
            "writes": self.writes,
            "resources": [r.to_json() for r in self.results],
        }

    def summary(self) -> str:
        """One line: how many resources ended in each outcome."""
        parts = [f"{n} {outcome}" for outcome, n in self.counts.items()]
        return ", ".join(parts) or "nothing declared"

    def failure_text(self) -> str:
        """What was applied and what was not, for the ``PushError`` message."""
        lines = [f"push to {self.url} did not complete: {self.summary()}"]
        lines.append(f"applied ({len(self.applied)}):")
        lines += [f"  {r.outcome} {r.kind} {r.name!r}" for r in self.applied]
        if not self.applied:
            lines[-1] += " nothing"
        lines.append(f"not applied ({len(self.not_applied)}):")
        for r in self.not_applied:
            reason = f": {r.message}" if r.message else ""
            lines.append(f"  {r.outcome} {r.kind} {r.name!r}{reason}")
        drifted = self.by_outcome(DRIFTED)
        if len(drifted) < len(self.not_applied):
            lines.append("re-running the push applies the rest")
        if drifted:
            lines.append(
                "drifted resources were changed in Grafana since mt5dash pushed "
                "them: re-running the push leaves them alone; push --force "
                "overwrites them"
            )
        return "\n".join(lines)
