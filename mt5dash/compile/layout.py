"""Place panels on Grafana's 24-column grid.

Panels flow left to right and wrap to a new line when the next one does not
fit. A row starts a new line and spans the width. Children of an expanded row
follow it as top-level panels; children of a collapsed row live inside it and
do not take room on the grid until it is expanded.
"""

from __future__ import annotations

from typing import Any

GRID_COLUMNS = 24

# Width and height of a panel whose declaration gives no size.
DEFAULT_SIZES: dict[str, tuple[int, int]] = {
    "stat": (6, 4),
    "gauge": (6, 6),
    "bargauge": (12, 6),
    "timeseries": (12, 8),
    "table": (24, 8),
    "text": (24, 4),
    "alertlist": (12, 8),
}
FALLBACK_SIZE = (12, 8)


class _Cursor:
    def __init__(self, y: int = 0) -> None:
        self.x = 0
        self.y = y
        self.bottom = y

    def new_line(self) -> int:
        if self.x:
            self.y, self.x = self.bottom, 0
        return self.y

    def place(self, panel: dict[str, Any]) -> None:
        pos = panel.get("gridPos") or {}
        if isinstance(pos.get("x"), int) and isinstance(pos.get("y"), int):
            return  # laid out by hand: kept exactly as declared
        default_w, default_h = DEFAULT_SIZES.get(panel.get("type", ""), FALLBACK_SIZE)
        w = default_w if pos.get("w") is None else pos["w"]
        h = default_h if pos.get("h") is None else pos["h"]
        if self.x + w > GRID_COLUMNS:
            self.new_line()
        panel["gridPos"] = {"h": h, "w": w, "x": self.x, "y": self.y}
        self.x += w
        self.bottom = max(self.bottom, self.y + h)


def lay_out(
    items: list[dict[str, Any] | tuple[dict[str, Any], list[dict[str, Any]]]],
) -> list[dict[str, Any]]:
    """Place ``items`` (panel dicts, or ``(row, children)`` pairs) on the grid.

    Returns the dashboard's top-level ``panels`` list.
    """
    cursor = _Cursor()
    placed: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            cursor.place(item)
            placed.append(item)
            continue
        row, children = item
        y = cursor.new_line()
        row["gridPos"] = {"h": 1, "w": GRID_COLUMNS, "x": 0, "y": y}
        cursor = _Cursor(y + 1)
        placed.append(row)
        inner = cursor if not row["collapsed"] else _Cursor(y + 1)
        for child in children:
            inner.place(child)
        if row["collapsed"]:
            row["panels"] = children
        else:
            row["panels"] = []
            placed.extend(children)
    return placed


def grid_problems(panel: dict[str, Any]) -> list[str]:
    """What is wrong with ``panel``'s gridPos on a 24-column grid."""
    pos = panel.get("gridPos")
    if not isinstance(pos, dict):
        return ["gridPos is missing"]
    values = {k: pos.get(k) for k in ("x", "y", "w", "h")}
    bad = [
        k for k, v in values.items() if not isinstance(v, int) or isinstance(v, bool)
    ]
    if bad:
        return [f"gridPos.{k} must be a whole number, got {values[k]!r}" for k in bad]
    x, y, w, h = values["x"], values["y"], values["w"], values["h"]
    found = []
    if not 0 <= x < GRID_COLUMNS:
        found.append(f"gridPos.x is {x}; allowed 0 to 23")
    if not 1 <= w <= GRID_COLUMNS:
        found.append(f"gridPos.w is {w}; allowed 1 to 24")
    elif 0 <= x < GRID_COLUMNS and x + w > GRID_COLUMNS:
        found.append(f"gridPos x+w is {x + w}; the grid is 24 columns wide")
    if h < 1:
        found.append(f"gridPos.h is {h}; allowed 1 or more")
    if y < 0:
        found.append(f"gridPos.y is {y}; allowed 0 or more")
    return found


def overlaps(
    panels: list[dict[str, Any]],
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs of panels whose grid rectangles intersect."""
    boxes = []
    for panel in panels:
        pos = panel.get("gridPos") or {}
        if grid_problems(panel):
            continue
        boxes.append(
            (pos["y"], pos["x"], pos["x"] + pos["w"], pos["y"] + pos["h"], panel)
        )
    boxes.sort(key=lambda b: (b[0], b[1]))
    pairs = []
    for i, (_top, left, right, bottom, panel) in enumerate(boxes):
        # Sorted by top edge: once a box starts below this one, all later do.
        for top2, left2, right2, _bottom2, other in boxes[i + 1 :]:
            if top2 >= bottom:
                break
            if left < right2 and left2 < right:
                pairs.append((panel, other))
    return pairs
