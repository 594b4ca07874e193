"""Deploy plans: ordered steps, run one by one and recorded in the deployment log.

A step knows whether it has anything to do (``needed``), what it would do
(``actions``, shown by ``--dry-run``) and how to recover when it fails. A
failure stops the plan; the error says which steps were done, which were
not, and what to do next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from mt5dash.deploy.commands import scrub
from mt5dash.errors import DeployError, Mt5dashError

log = logging.getLogger(__name__)


def _always() -> bool:
    return True


@dataclass
class Step:
    """One step of a deploy.

    ``run`` returns a short result (``written``, ``started``...). A ``check``
    step only observes (health, verify): it runs every time and does not count
    as a change.
    """

    name: str
    actions: list[str]
    run: Callable[[], str]
    recovery: str
    needed: Callable[[], bool] = _always
    check: bool = False


@dataclass
class Outcome:
    """What a step did."""

    step: str
    result: str
    changed: bool


@dataclass
class Report:
    """What a whole plan did; ``changed`` is false when there was nothing to do."""

    title: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(o.changed for o in self.outcomes)

    def lines(self) -> list[str]:
        lines = [f"{o.step}: {o.result}" for o in self.outcomes]
        if not self.changed:
            lines.append(f"{self.title}: nothing to do, already deployed")
        return lines


class DeployLog:
    """The deployment log: one line per step, ``time step result``, appended.

    Results are scrubbed of ``secrets`` before they are written.
    """

    def __init__(self, path: Path, secrets: Iterable[str] = ()) -> None:
        self.path = path
        self.secrets = [s for s in secrets if s]

    def record(self, step: str, result: str) -> None:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = scrub(" ".join(result.split()), self.secrets)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(f"{now} {step} {line}\n")


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc)


@dataclass
class Plan:
    """The ordered steps of one deploy (``title`` is ``grafana`` or ``runner``)."""

    title: str
    steps: list[Step]
    secrets: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        """The plan as lines for ``--dry-run``: each step and what it would do."""
        lines = [f"plan for 'mt5dash deploy {self.title}' (dry run, nothing changed):"]
        for number, step in enumerate(self.steps, start=1):
            lines.append(f"{number}. {step.name}")
            lines += [f"     {scrub(a, self.secrets)}" for a in step.actions]
        return lines

    def execute(self, deploy_log: DeployLog) -> Report:
        """Run the steps in order, recording each; stop at the first failure."""
        report = Report(self.title)
        for index, step in enumerate(self.steps):
            name = f"{self.title}.{step.name}"
            try:
                if step.check or step.needed():
                    result, changed = step.run(), not step.check
                else:
                    result, changed = "unchanged", False
            except (Mt5dashError, OSError) as exc:
                message = scrub(_reason(exc), self.secrets)
                deploy_log.record(name, f"failed: {message}")
                raise DeployError(
                    self._failure(step, message, report, self.steps[index + 1 :])
                ) from None
            result = scrub(result, self.secrets)
            log.info("%s: %s", name, result)
            deploy_log.record(name, result)
            report.outcomes.append(Outcome(step.name, result, changed))
        return report

    def _failure(
        self, step: Step, message: str, report: Report, rest: list[Step]
    ) -> str:
        done = ", ".join(f"{o.step} ({o.result})" for o in report.outcomes)
        not_done = ", ".join(s.name for s in [step, *rest])
        return "\n".join(
            [
                f"deploy {self.title} failed at step '{step.name}': {message}",
                f"  done: {done or 'nothing'}",
                f"  not done: {not_done}",
                f"  to recover: {step.recovery}",
            ]
        )
