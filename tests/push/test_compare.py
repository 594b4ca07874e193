"""The semantic diff: what changed, located by field path."""

from __future__ import annotations

from typing import Any

import pytest

from mt5dash.push._compare import REDACTED, diff, mask_redacted


def steps(value: float) -> dict[str, Any]:
    return {
        "thresholds": {"steps": [{"color": "green"}, {"color": "red", "value": value}]}
    }


def laid_out(panel_id: int, title: str) -> dict[str, Any]:
    """A panel as the compiler lays it out: ``id`` and ``y`` by position."""
    return {
        "id": panel_id,
        "type": "timeseries",
        "title": title,
        "gridPos": {"x": 0, "y": (panel_id - 1) * 8, "w": 24, "h": 8},
    }


CASES = [
    pytest.param(
        {"panels": [{"id": 1, "fieldConfig": {"defaults": steps(80)}}]},
        {"panels": [{"id": 1, "fieldConfig": {"defaults": steps(90)}}]},
        ["panels[0].fieldConfig.defaults.thresholds.steps[1].value: 80 -> 90"],
        id="threshold changed, located by path",
    ),
    pytest.param(
        {"panels": [{"id": 1, "title": "A"}, {"id": 2, "title": "B"}]},
        {
            "panels": [
                {"id": 1, "title": "A"},
                {"id": 3, "type": "stat", "title": "New"},
                {"id": 2, "title": "B"},
            ]
        },
        ["panels[1]: added stat 'New'", "panels[2]: moved from panels[1]"],
        id="panel inserted reads as one added panel, not every later one changed",
    ),
    pytest.param(
        {"panels": [{"id": 1, "title": "A"}, {"id": 2, "title": "B"}]},
        {"panels": [{"id": 1, "title": "A"}]},
        ["panels[1]: removed 'B'"],
        id="panel removed",
    ),
    pytest.param(
        {"routes": [{"receiver": "a"}, {"receiver": "b"}]},
        {"routes": [{"receiver": "b"}, {"receiver": "a"}]},
        ["routes[0]: moved from routes[1]", "routes[1]: moved from routes[0]"],
        id="route moved",
    ),
    pytest.param(
        {"tags": ["mt5", "kpi"]},
        {"tags": ["mt5"]},
        ['tags[1]: removed "kpi"'],
        id="list of plain values",
    ),
    pytest.param(
        {"refresh": "30s"},
        {"refresh": "30s", "timezone": "utc"},
        ['timezone: added "utc"'],
        id="key added",
    ),
    pytest.param({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2}]}, [], id="equal"),
    pytest.param(
        {"panels": [laid_out(1, "Equity"), laid_out(2, "Sharpe")]},
        {
            "panels": [
                laid_out(1, "Equity"),
                laid_out(2, "Drawdown"),
                laid_out(3, "Sharpe"),
            ]
        },
        [
            "panels[1]: added timeseries 'Drawdown'",
            "panels[2]: moved from panels[1] (gridPos.y: 8 -> 16, id: 2 -> 3)",
        ],
        id="panel inserted, later ids renumbered by layout: one added panel",
    ),
    pytest.param(
        {"panels": [laid_out(1, "Equity"), laid_out(2, "Sharpe")]},
        {"panels": [laid_out(1, "Equity (USD)"), laid_out(2, "Sharpe")]},
        ['panels[0].title: "Equity" -> "Equity (USD)"'],
        id="renamed panel matched by id",
    ),
    pytest.param(
        {"panels": [laid_out(1, "Equity"), laid_out(2, "Equity")]},
        {"panels": [laid_out(1, "Equity"), laid_out(2, "Sharpe")]},
        ['panels[1].title: "Equity" -> "Sharpe"'],
        id="titles not unique: panels matched by id",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_diff(old: Any, new: Any, expected: list[str]) -> None:
    assert [str(c) for c in diff(old, new)] == expected


def test_redacted_secret_compares_equal() -> None:
    declared = {"url": "https://oapi.dingtalk.com/robot/send?t=1", "msgType": "link"}
    live = {"url": REDACTED, "msgType": "link"}

    assert diff(live, mask_redacted(declared, live)) == []


def test_redacted_mask_keeps_other_differences() -> None:
    declared = {"url": "https://example.invalid/hook", "msgType": "actionCard"}
    live = {"url": REDACTED, "msgType": "link"}

    changes = diff(live, mask_redacted(declared, live))

    assert [str(c) for c in changes] == ['msgType: "link" -> "actionCard"']


def test_long_string_shows_a_window_around_the_first_difference() -> None:
    head = 'sum by (strategy) (rate(mt5_orders_rejected_total{job="hub"}[5m]))'
    old = {"expr": f"{head} / sum by (strategy) (rate(mt5_orders_total[5m])) > 0.05"}
    new = {"expr": f"{head} / sum by (strategy) (rate(mt5_orders_total[5m])) > 0.10"}

    assert [str(c) for c in diff(old, new)] == [
        'expr: ...ers_total[5m])) > 0.05" -> ...ers_total[5m])) > 0.10"'
    ]


def test_integral_float_equals_the_int_a_server_writes_back() -> None:
    assert diff({"steps": [{"value": 1}]}, {"steps": [{"value": 1.0}]}) == []
    assert [str(c) for c in diff({"value": 1}, {"value": 1.5})] == ["value: 1 -> 1.5"]


def test_non_ascii_text_is_shown_as_is() -> None:
    changes = diff({"title": "Risk"}, {"title": "Risk ✓", "tags": ["交易"]})

    assert [str(c) for c in changes] == [
        'tags: added ["交易"]',
        'title: "Risk" -> "Risk ✓"',
    ]
