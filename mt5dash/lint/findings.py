"""What lint reports: findings with a rule id, a severity and a location."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Severity(enum.IntEnum):
    """How bad a finding is; ``error`` fails the lint, ``warning`` with --strict."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()


DOCS_FOLDER = "mt5dash/lint/docs"


def docs_page(rule: str) -> str:
    """The docs page of a rule: a path from the folder holding the ``mt5dash``
    package, so from the root of a clone as from an installation's
    site-packages. ``mt5dash lint --explain RULE`` prints it."""
    return f"{DOCS_FOLDER}/{rule.replace('/', '-')}.md"


def docs_text(rule: str) -> str | None:
    """The docs page of ``rule`` as installed with the package, or None."""
    from importlib import resources

    page = resources.files("mt5dash.lint").joinpath(
        "docs", f"{rule.replace('/', '-')}.md"
    )
    return page.read_text(encoding="utf-8") if page.is_file() else None


@dataclass(frozen=True)
class Finding:
    """One problem found in one file.

    ``pointer`` is a JSON pointer from the root of the file (for a dashboard
    embedded as a string in YAML, it continues into the embedded JSON);
    ``line`` is set only where the exact line is known (YAML structure).
    """

    file: str
    rule: str
    severity: Severity
    message: str
    pointer: str = ""
    line: int | None = None

    @property
    def location(self) -> str:
        if self.line is not None:
            return str(self.line)
        return self.pointer or "/"

    def sort_key(self) -> tuple[Any, ...]:
        return (self.file, self.line or 0, self.pointer, self.rule, self.message)

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.location}: {self.severity} {self.rule}: {self.message}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "pointer": self.pointer,
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "docs": docs_page(self.rule),
        }
