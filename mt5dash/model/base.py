"""What every declaration shares: frozen, strict, and aware of where it was made."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr

from mt5dash.durations import parse_duration

_PACKAGE_DIR = str(Path(__file__).resolve().parent.parent)
_SKIPPED = (_PACKAGE_DIR, "pydantic", "<frozen ", "importlib")


def duration_seconds(text: str) -> float:
    """Seconds in a Prometheus duration such as ``1h30m``; ValueError if invalid."""
    seconds = parse_duration(text)
    if seconds is None:
        raise ValueError(f"{text!r} is not a duration such as 30s, 5m, 1h or 1d")
    return seconds


def _declaration_site() -> tuple[str, int] | None:
    """The first frame outside mt5dash and pydantic: where the user declared it."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not any(part in filename for part in _SKIPPED):
            return filename, frame.f_lineno
        frame = frame.f_back
    return None


class Declaration(BaseModel):
    """Base of every declaration: frozen, unknown fields rejected.

    Each instance remembers the file and line where it was created, so
    problems found later can point at the user's own code.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        arbitrary_types_allowed=True,
        populate_by_name=True,
        # Build each validator on first use: most runs use few of the kinds.
        defer_build=True,
    )
    _site: tuple[str, int] | None = PrivateAttr(default=None)

    def model_post_init(self, context: Any) -> None:
        self._site = _declaration_site()

    def __eq__(self, other: object) -> bool:
        # Where an object was declared is not part of what it is.
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    @property
    def site(self) -> tuple[str, int] | None:
        """``(absolute file, line)`` where this object was declared, if known."""
        return self._site
