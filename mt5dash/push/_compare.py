"""Normalising Grafana objects and describing how two of them differ.

A diff is a list of ``Change`` objects, each located by a field path such as
``panels[2].fieldConfig.defaults.thresholds.steps[1].value``. Lists whose
items carry an identity (``uid`` of rules, ``type`` and ``title`` of panels,
then their ``id``, ``refId`` of queries, ``name`` of variables) are compared
item by item by that identity, so inserting a panel reads as one added panel,
not as every later panel changed.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from mt5dash.durations import format_duration, parse_duration

# Tried in order; the first that every item has, unique on each side, is used.
# Panels are matched by type and title before ``id`` because the compiler
# numbers panels by layout position: inserting one renumbers every later one.
# A panel left unmatched by title (a renamed one) is then matched by ``id``.
IDENTITY_KEYS: tuple[tuple[str, ...], ...] = (
    ("uid",),
    ("type", "title"),
    ("id",),
    ("refId",),
    ("name",),
    ("login",),
)
FALLBACK_KEYS = {("type", "title"): ("id",)}
# What moving a panel changes by itself; folded into the "moved" line.
LAYOUT_FIELDS = ("id", "gridPos")
REDACTED = "[REDACTED]"


def canonical(value: Any) -> str:
    """The value as compact JSON with sorted keys: equal values, equal text."""
    return json.dumps(
        plain_numbers(value), sort_keys=True, separators=(",", ":"), default=str
    )


def plain_numbers(value: Any) -> Any:
    """``value`` with every integral float as an int (``1.0`` -> ``1``).

    A browser or Grafana's Go server writes ``1`` where Python wrote ``1.0``.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: plain_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_numbers(v) for v in value]
    return value


def plain_duration(value: Any) -> Any:
    """A duration in its shortest form (``60s`` -> ``1m``, ``24h`` -> ``1d``);
    anything that is not a duration unchanged.

    Grafana stores durations in seconds and prints them its own way.
    """
    if not isinstance(value, str):
        return value
    if value.strip() in ("", "0"):
        return "0s"
    seconds = parse_duration(value)
    return value if seconds is None else format_duration(seconds)


def plain_durations(obj: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """A copy of ``obj`` with the durations under ``keys`` in shortest form."""
    return {k: plain_duration(v) if k in keys else v for k, v in obj.items()}


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
    """One difference at ``path``.

    ``kind`` is ``added``, ``removed``, ``changed``, ``moved`` (``old`` is the
    path it came from, ``new`` what the move changed by itself, or ``None``)
    or ``secret`` (``new`` says why a secret is sent; no value is kept).
    """

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
            also = f" ({self.new})" if self.new else ""
            return f"{self.path}: moved from {self.old}{also}"
        if self.kind == "secret":
            return f"{self.path}: {self.new}"
        old, new = _pair(self.old, self.new)
        return f"{self.path}: {old} -> {new}"


def diff(old: Any, new: Any, path: str = "") -> list[Change]:
    """Every difference between ``old`` (live) and ``new`` (declared);
    ``1`` and ``1.0`` are equal."""
    return _diff(plain_numbers(old), plain_numbers(new), path)


def _diff(old: Any, new: Any, path: str = "") -> list[Change]:
    if isinstance(old, dict) and isinstance(new, dict):
        return _diff_dicts(old, new, path)
    if isinstance(old, list) and isinstance(new, list):
        keys = _identity_keys(old, new)
        if keys:
            return _diff_keyed(old, new, path, keys)
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
            changes.extend(_diff(old[key], new[key], where))
    return changes


def _identity(item: dict, key: tuple[str, ...]) -> str | None:
    values = [item.get(k) for k in key]
    if any(v is None for v in values):
        return None
    return canonical(values)


def _usable(items: list, key: tuple[str, ...]) -> bool:
    """Every item has ``key`` and no two items share its value."""
    idents = [_identity(i, key) for i in items]
    return None not in idents and len(set(idents)) == len(idents)


def _identity_keys(old: list, new: list) -> list[tuple[str, ...]]:
    """The keys to match items by: the first usable one, then its fallback."""
    items = old + new
    if not items or not all(isinstance(i, dict) for i in items):
        return []
    for key in IDENTITY_KEYS:
        if _usable(old, key) and _usable(new, key):
            fallback = FALLBACK_KEYS.get(key)
            return [key, fallback] if fallback else [key]
    return []


def _match(old: list, new: list, keys: list[tuple[str, ...]]) -> dict[int, int]:
    """Index in ``new`` -> index in ``old`` of the same item, key by key.

    A fallback key matches only items the earlier keys left, and only when
    it is usable among those.
    """
    pairs: dict[int, int] = {}
    for key in keys:
        old_left = [i for i in range(len(old)) if i not in pairs.values()]
        new_left = [i for i in range(len(new)) if i not in pairs]
        if not (
            _usable([old[i] for i in old_left], key)
            and _usable([new[i] for i in new_left], key)
        ):
            continue
        old_at = {_identity(old[i], key): i for i in old_left}
        for index in new_left:
            found = old_at.get(_identity(new[index], key))
            if found is not None:
                pairs[index] = found
    return pairs


def _diff_keyed(
    old: list, new: list, path: str, keys: list[tuple[str, ...]]
) -> list[Change]:
    changes: list[Change] = []
    pairs = _match(old, new, keys)
    for index, item in enumerate(new):
        where = f"{path}[{index}]"
        old_index = pairs.get(index)
        if old_index is None:
            changes.append(Change(where, "added", None, item))
            continue
        inner = _diff(old[old_index], item, where)
        if old_index != index:
            folded = [c for c in inner if _is_layout(c, where, keys[0])]
            inner = [c for c in inner if c not in folded]
            summary = ", ".join(str(c)[len(where) + 1 :] for c in folded)
            changes.append(Change(where, "moved", f"{path}[{old_index}]", summary))
        changes.extend(inner)
    matched = set(pairs.values())
    for old_index, old_item in enumerate(old):
        if old_index not in matched:
            changes.append(Change(f"{path}[{old_index}]", "removed", old_item, None))
    return changes


def _is_layout(change: Change, where: str, key: tuple[str, ...]) -> bool:
    """A change a move makes by itself: the panel's ``id`` and ``gridPos``."""
    if key == ("id",) or change.kind != "changed":
        return False
    field = change.path[len(where) + 1 :]
    return field.split(".", 1)[0].split("[", 1)[0] in LAYOUT_FIELDS


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
            changes.extend(_diff(old[index], new[index], where))
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
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _pair(old: Any, new: Any, limit: int = 70, before: int = 20) -> tuple[str, str]:
    """Both values as JSON; when one is long, a window around the first
    difference of each, so a change at the end of a long query shows."""
    texts = [
        json.dumps(v, sort_keys=True, default=str, ensure_ascii=False)
        for v in (old, new)
    ]
    if max(len(t) for t in texts) <= limit:
        return texts[0], texts[1]
    same = 0
    while same < min(map(len, texts)) and texts[0][same] == texts[1][same]:
        same += 1
    start = max(0, same - before)
    windows = []
    for text in texts:
        window = text[start : start + limit]
        windows.append(
            "..." * (start > 0) + window + "..." * (start + limit < len(text))
        )
    return windows[0], windows[1]
