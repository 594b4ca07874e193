"""Pushing a ``DesiredState`` to a live Grafana, one handler per kind.

Each handler fetches what Grafana holds, normalises it (server-managed ids,
versions, provenance, defaults, ``[REDACTED]`` secrets), compares it with
the declaration and then creates, updates or leaves it unchanged, saying
which in the ``PushReport``.
"""

from mt5dash.push._client import ApiError, ClientConfig, Connection
from mt5dash.push._compare import Change
from mt5dash.push._engine import PushInterrupted, push
from mt5dash.push._report import PushReport, ResourceResult

__all__ = [
    "ApiError",
    "Change",
    "ClientConfig",
    "Connection",
    "PushInterrupted",
    "PushReport",
    "ResourceResult",
    "push",
]
