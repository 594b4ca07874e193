"""The one exception tree of mt5dash.

Every error carries its context as attributes. Errors that collect several
problems (declarations, lint, push) keep all of them, so the user sees every
problem at once instead of fixing them one run at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, located as precisely as known.

    ``file`` is relative to the project; ``obj`` names the object by kind and
    uid or title (``dashboard 'mt5-hub-kpi'``); ``field`` is a dotted path
    inside that object. The message never contains a secret value.
    """

    file: str
    obj: str
    field: str
    message: str
    line: int | None = None

    def sort_key(self) -> tuple[str, int, str, str, str]:
        """Problems read in file and line order."""
        return (self.file, self.line or 0, self.obj, self.field, self.message)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [p for p in (where, self.obj, self.field) if p]
        return ": ".join([*parts, self.message])


class Mt5dashError(Exception):
    """Base of every error mt5dash raises on purpose.

    ``exit_code`` is what the command line exits with when it catches it.
    """

    exit_code = 1


class ProblemsError(Mt5dashError):
    """An error made of one or more located problems."""

    headline = "problems found"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        lines = [f"{len(self.problems)} {self.headline}:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class ConfigError(Mt5dashError):
    """The project's configuration or the command's options are wrong."""

    exit_code = 2


class DeclarationError(ProblemsError):
    """The declarations cannot be loaded or are not valid."""

    headline = "problem(s) in the declarations"


class CompileError(ProblemsError):
    """The declarations are valid one by one but cannot become Grafana files."""

    headline = "problem(s) while compiling"


class StaleOutputError(Mt5dashError):
    """``build --check`` found generated files that differ from the declarations."""

    def __init__(self, files: list[str]) -> None:
        self.files = files
        listed = "\n".join(f"  {f}" for f in files)
        super().__init__(
            f"{len(files)} generated file(s) are stale; run 'mt5dash build':\n{listed}"
        )


class LintError(ProblemsError):
    """Lint found errors (or warnings, with ``--strict``)."""

    headline = "lint finding(s)"


class PushError(Mt5dashError):
    """A push could not be completed; what was applied is in the report."""

    exit_code = 3


class DeployError(Mt5dashError):
    """A deploy step failed; the message says what was done and how to recover."""

    exit_code = 4


class VerifyError(Mt5dashError):
    """An acceptance check of a live installation did not hold."""

    exit_code = 5
