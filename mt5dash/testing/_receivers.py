"""Testing contact point integrations without saving them."""

from __future__ import annotations

import copy
from typing import Any

from mt5dash.testing import _integrations
from mt5dash.testing._http import ApiError, Request, Response, message
from mt5dash.testing._router import Access, Router
from mt5dash.testing._state import State, now

PATH = "/api/alertmanager/grafana/config/api/v1/receivers/test"
MAX_TIMEOUT = 30
DEFAULT_ALERT = {
    "labels": {"alertname": "TestAlert", "instance": "Grafana"},
    "annotations": {"summary": "Notification test"},
}


def register(router: Router) -> None:
    router.add("POST", PATH, test_receivers, Access.EDITOR, "alert.notifications:write")


def test_receivers(state: State, request: Request) -> Response:
    """Try each integration; ``state.receiver_test_results`` decides the outcome.

    Results are keyed by integration uid or name: ``ok`` (the default),
    ``failed`` or ``timeout``. Invalid settings fail without being tried.
    """
    timeout = request.header("request-timeout")
    if timeout is not None and (not timeout.isdigit() or int(timeout) > MAX_TIMEOUT):
        raise ApiError(
            400, message(f"request timeout exceeds the maximum of {MAX_TIMEOUT}s")
        )
    body = request.json_object()
    receivers = body.get("receivers")
    if not isinstance(receivers, list) or not receivers:
        raise ApiError(400, message("no receivers"))

    outcomes: list[str] = []
    answered = []
    for receiver in receivers:
        configs = []
        for config in receiver.get("grafana_managed_receiver_configs") or []:
            outcome, error = _try(state, config)
            outcomes.append(outcome)
            result = {"name": config.get("name", ""), "uid": config.get("uid", "")}
            result["status"] = "ok" if outcome == "ok" else "failed"
            if error:
                result["error"] = error
            configs.append(result)
        answered.append(
            {
                "name": receiver.get("name", ""),
                "grafana_managed_receiver_configs": configs,
            }
        )

    alert = body.get("alert") or copy.deepcopy(DEFAULT_ALERT)
    result_body = {"alert": alert, "receivers": answered, "notified_at": now()}
    return Response(_status(outcomes), result_body)


def _try(state: State, config: dict[str, Any]) -> tuple[str, str | None]:
    """Validate one integration and look up its scripted outcome."""
    kind = str(config.get("type", ""))
    settings = {
        **(config.get("settings") or {}),
        **(config.get("secureSettings") or {}),
    }
    stored = state.contact_points.get(str(config.get("uid") or ""))
    if stored is not None:
        settings = _integrations.merge_secrets(kind, settings, stored["settings"])
    problem = _integrations.problem(kind, settings)

    if problem:
        outcome, error = "invalid", problem
    else:
        key = config.get("uid") or config.get("name") or ""
        wanted = state.receiver_test_results.get(
            key
        ) or state.receiver_test_results.get(config.get("name") or "")
        outcome = wanted or "ok"
        error = {
            "ok": None,
            "failed": "the receiver refused the test notification",
            "timeout": "context deadline exceeded",
        }.get(outcome, "the receiver refused the test notification")
    state.receiver_tests.append(
        {
            "name": config.get("name", ""),
            "uid": config.get("uid", ""),
            "type": kind,
            "settings": settings,
            "status": "ok" if outcome == "ok" else "failed",
        }
    )
    return outcome, error


def _status(outcomes: list[str]) -> int:
    """200 all ok, 400 all invalid, 408 all timed out, 207 anything mixed."""
    if all(o == "ok" for o in outcomes):
        return 200
    if all(o == "invalid" for o in outcomes):
        return 400
    if all(o == "timeout" for o in outcomes):
        return 408
    return 207
