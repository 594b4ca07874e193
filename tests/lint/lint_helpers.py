"""Helpers for lint tests: build files in memory and lint them together."""

from __future__ import annotations

import json
from typing import Any

import yaml

from mt5dash.lint import Finding, LintOptions, run


def encode(name: str, content: Any) -> bytes:
    """A file's bytes: text as is, objects as JSON or YAML by the name's suffix."""
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode()
    if name.endswith(".json"):
        return json.dumps(content, indent=2).encode()
    return yaml.safe_dump(content, sort_keys=False).encode()


def lint(files: dict[str, Any], **options: Any) -> list[Finding]:
    """Findings for ``files`` (name -> text, bytes or object)."""
    encoded = {name: encode(name, content) for name, content in files.items()}
    return run(encoded, LintOptions(**options)).findings


def panel(pid: int, title: str, expr: str = "up", **extra: Any) -> dict[str, Any]:
    """A time series panel on Prometheus 'prom' with one query."""
    ds = {"type": "prometheus", "uid": "prom"}
    base = {
        "id": pid,
        "type": "timeseries",
        "title": title,
        "datasource": ds,
        "gridPos": {"x": 0, "y": (pid - 1) * 8, "w": 12, "h": 8},
        "fieldConfig": {"defaults": {"unit": "short"}, "overrides": []},
        "targets": [{"refId": "A", "expr": expr, "datasource": ds}],
    }
    base.update(extra)
    return base


def dashboard(
    *panels: dict[str, Any], uid: str = "hub", **extra: Any
) -> dict[str, Any]:
    """A bare dashboard model holding ``panels``."""
    base = {
        "uid": uid,
        "title": "Hub",
        "schemaVersion": 39,
        "templating": {"list": []},
        "panels": list(panels),
    }
    base.update(extra)
    return base
