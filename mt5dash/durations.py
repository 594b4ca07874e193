"""Prometheus durations (``1m30s``, ``5m``, ``1d``) to seconds and back.

One parser for the declarations, the settings and lint; the fake Grafana keeps
its own, since it copies how Grafana prints durations.
"""

from __future__ import annotations

import re

_UNITS = {
    "ms": 0.001,
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 604800,
    "y": 31536000,
}
_DURATION_RE = re.compile(r"^(?:\d+(?:ms|s|m|h|d|w|y))+$")
_PART_RE = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")


def parse_duration(text: str) -> float | None:
    """Seconds in a Prometheus duration, or None when ``text`` is not one."""
    text = text.strip()
    if not _DURATION_RE.match(text):
        return None
    return sum(int(n) * _UNITS[unit] for n, unit in _PART_RE.findall(text))


def format_duration(seconds: float) -> str:
    """The shortest Prometheus duration for ``seconds`` (``90`` -> ``1m30s``)."""
    if seconds <= 0:
        return "0s"
    millis = round(seconds * 1000)
    parts = []
    for unit, size in (
        ("w", 604800000),
        ("d", 86400000),
        ("h", 3600000),
        ("m", 60000),
        ("s", 1000),
        ("ms", 1),
    ):
        count, millis = divmod(millis, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
