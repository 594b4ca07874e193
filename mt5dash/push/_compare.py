"""Normalising Grafana objects and describing how two of them differ.

A diff is a list of ``Change`` objects, each located by a field path such as
``panels[2].fieldConfig.defaults.thresholds.steps[1].value``. Lists whose
items carry an identity (``id`` of panels, ``refId`` of queries, ``uid`` of
rules, ``name`` of variables) are compared item by item by that identity, so
inserting a panel reads as one added panel, not as every later panel changed.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from typing import Any

IDENTITY_KEYS = ("uid", "id", "refId", "name", "login")
REDACTED = "[REDACTED]"


def canonical(value: Any) -> str:
    """The value as compact JSON with sorted keys: equal values, equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def fingerprint(value: Any) -> str:
    """A short, stable hash of a JSON value (16 hex digits of SHA-256)."""
    return hashlib.sha256(canonical(value).encode()).hexdigest()[:16]


def without(obj: dict[str, Any], *keys: str) -> dict[str, Any]:
    """A copy of ``obj`` without ``keys`` (missing keys are fine)."""
    return {k: v for k, v in obj.items() if k not in keys}


def drop_defaults(obj: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` without the keys whose value is Grafana's default.

    Applied to both sides of a comparison, so a declaration that spells a
    default out and a server that adds it silently compare equal.
    """
    return {k: v for k, v in obj.items() if not (k in defaults and defaults[k] == v)}


def mask_redacted(desired: Any, live: Any) -> Any:
    """``desired`` with ``[REDACTED]`` wherever ``live`` holds ``[REDACTED]``.

    Grafana never returns secret settings, so their stored value is unknown
    and the declared one is taken to match it.
    """
    if isinstance(desired, dict) and isinstance(live, dict):
        out = {}
        for key, value in desired.items():
            if live.get(key) == REDACTED and key in live:
                out[key] = REDACTED
            else:
                out[key] = mask_redacted(value, live.get(key))
        return out
    return copy.deepcopy(desired)


@dataclass(frozen=True)
class Change:
    """One difference: ``kind`` is ``added``, ``removed``, ``changed`` or ``moved``."""

    path: str
    kind: str
    old: Any = None
    new: Any = None

    def __str__(self) -> str:
        if self.kind == "added":
            return f"{self.path}: added {_label(self.new)}"
        if self.kind == "removed":
            return f"{self.path}: removed {_label(self.old)}"
        if self.kind == "moved":
            return f"{self.path}: moved from {self.old}"
        return f"{self.path}: {_short(self.old)} -> {_short(self.new)}"


def diff(old: Any, new: Any, path: str = "") -> list[Change]:
    """Every difference between ``old`` (live) and ``new`` (declared)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return _diff_dicts(old, new, path)
    if isinstance(old, list) and isinstance(new, list):
        key = _identity_key(old, new)
        if key:
            return _diff_keyed(old, new, path, key)
        return _diff_unkeyed(old, new, path)
    if old != new or type(old) is not type(new):
        if old is None and new is not None and path:
            return [Change(path, "changed", old, new)]
        return [Change(path or "(whole)", "changed", old, new)]
    return []


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _diff_dicts(old: dict, new: dict, path: str) -> list[Change]:
    changes: list[Change] = []
    for key in sorted(set(old) | set(new), key=str):
        where = _join(path, str(key))
        if key not in old:
            changes.append(Change(where, "added", None, new[key]))
        elif key not in new:
            changes.append(Change(where, "removed", old[key], None))
        else:
            changes.extend(diff(old[key], new[key], where))
    return changes


def _identity_key(old: list, new: list) -> str | None:
    items = old + new
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in IDENTITY_KEYS:
        values = [i.get(key) for i in items]
        if all(v is not None for v in values):
            if len({canonical(i.get(key)) for i in old}) != len(old):
                continue
            if len({canonical(i.get(key)) for i in new}) != len(new):
                continue
            return key
    return None


def _diff_keyed(old: list, new: list, path: str, key: str) -> list[Change]:
    changes: list[Change] = []
    old_at = {canonical(item[key]): (i, item) for i, item in enumerate(old)}
    new_ids = {canonical(item[key]) for item in new}
    for index, item in enumerate(new):
        where = f"{path}[{index}]"
        found = old_at.get(canonical(item[key]))
        if found is None:
            changes.append(Change(where, "added", None, item))
            continue
        old_index, old_item = found
        if old_index != index:
            changes.append(Change(where, "moved", f"{path}[{old_index}]", None))
        changes.extend(diff(old_item, item, where))
    for ident, (old_index, old_item) in old_at.items():
        if ident not in new_ids:
            changes.append(Change(f"{path}[{old_index}]", "removed", old_item, None))
    return changes


def _diff_unkeyed(old: list, new: list, path: str) -> list[Change]:
    # Items equal on both sides but at other positions read as moves.
    old_left = {i: canonical(v) for i, v in enumerate(old)}
    changes: list[Change] = []
    pending_new: list[int] = []
    for index, item in enumerate(new):
        text = canonical(item)
        if old_left.get(index) == text:
            del old_left[index]
            continue
        match = next((i for i, t in old_left.items() if t == text), None)
        if match is not None and isinstance(item, dict | list):
            del old_left[match]
            changes.append(Change(f"{path}[{index}]", "moved", f"{path}[{match}]"))
        else:
            pending_new.append(index)
    for index in pending_new:
        where = f"{path}[{index}]"
        if index in old_left:
            del old_left[index]
            changes.extend(diff(old[index], new[index], where))
        else:
            changes.append(Change(where, "added", None, new[index]))
    for index in sorted(old_left):
        changes.append(Change(f"{path}[{index}]", "removed", old[index], None))
    return changes


def _label(value: Any) -> str:
    if isinstance(value, dict):
        kind = value.get("type", "")
        name = value.get("title") or value.get("name") or value.get("receiver")
        if name is not None:
            return f"{kind} {name!r}".strip()
    return _short(value)


def _short(value: Any, limit: int = 70) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
