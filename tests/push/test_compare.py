"""The semantic diff: what changed, located by field path."""

from __future__ import annotations

from typing import Any

import pytest

from mt5dash.push._compare import REDACTED, diff, mask_redacted


def steps(value: float) -> dict[str, Any]:
    return {
        "thresholds": {"steps": [{"color": "green"}, {"color": "red", "value": value}]}
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
