"""Durations as Prometheus writes them (``5m``) and as Go prints them (``5m0s``)."""

from __future__ import annotations

import re

UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
PART = re.compile(r"(\d+)(ms|w|d|h|m|s)")


def parse(text: str) -> int | None:
    """Seconds in a duration such as ``1h30m``; None when it is not one."""
    if text in ("", "0"):
        return 0
    parts = PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return sum(int(n) * UNITS[u] for n, u in parts if u != "ms")


def prometheus(seconds: int) -> str:
    """``300`` -> ``5m``; ``0`` -> ``0s``."""
    if seconds == 0:
        return "0s"
    text = ""
    for unit, size in UNITS.items():
        count, seconds = divmod(seconds, size)
        if count:
            text += f"{count}{unit}"
    return text


def go(seconds: int) -> str:
    """``600`` -> ``10m0s``; ``0`` -> ``0s``, as Go's time.Duration prints."""
    if seconds == 0:
        return "0s"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    sign = "-" if seconds < 0 else ""
    if hours:
        return f"{sign}{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{sign}{minutes}m{secs}s"
    return f"{sign}{secs}s"
