"""Testing contact points: Grafana sends a test alert through each integration.

The contact points are taken as Grafana holds them. Secret settings come
back as ``[REDACTED]``; they are left out of the test request so Grafana
uses the stored values of the integration with that uid.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

from mt5dash.errors import ConfigError, PushError
from mt5dash.push._client import ApiError, ClientConfig, Connection
from mt5dash.push._compare import REDACTED

log = logging.getLogger(__name__)
TEST_PATH = "/alertmanager/grafana/config/api/v1/receivers/test"
TEST_ALERT = {
    "labels": {"alertname": "mt5dash test"},
    "annotations": {"summary": "Test message sent by mt5dash notify test"},
}


@dataclass(frozen=True)
class IntegrationResult:
    """One integration's test: ``status`` is ``delivered`` or ``failed``."""

    contact_point: str
    uid: str
    type: str
    status: str
    error: str = ""

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def test_contact_points(
    config: ClientConfig, names: list[str] | None = None
) -> list[IntegrationResult]:
    """Test every contact point, or only those named; one result per integration.

    Raises ``ConfigError`` for a name Grafana does not have and ``PushError``
    when Grafana cannot be asked.
    """
    conn = Connection(config)
    try:
        live = conn.call(
            "read contact points", conn.api.alertingprovisioning.get_contactpoints
        )
    except ApiError as error:
        raise _unusable(config, error) from None
    known = sorted({c["name"] for c in live or []})
    for name in names or []:
        if name not in known:
            raise ConfigError(
                f"contact point {name!r} is not in Grafana at {config.url} "
                f"(contact points: {', '.join(known) or 'none'})"
            )
    chosen = [c for c in live or [] if not names or c["name"] in names]
    receivers: dict[str, list[dict[str, Any]]] = {}
    for point in chosen:
        receivers.setdefault(point["name"], []).append(_integration(point))
    body = {
        "alert": TEST_ALERT,
        "receivers": [
            {"name": name, "grafana_managed_receiver_configs": configs}
            for name, configs in sorted(receivers.items())
        ],
    }

    try:
        answer = conn.call(
            "test contact points", lambda: conn.http.POST(TEST_PATH, json=body)
        )
    except ApiError as error:
        if not (isinstance(error.body, dict) and "receivers" in error.body):
            raise _unusable(config, error) from None
        answer = error.body
    return _results(answer, chosen)


def _integration(point: dict[str, Any]) -> dict[str, Any]:
    settings = {k: v for k, v in (point.get("settings") or {}).items() if v != REDACTED}
    return {
        "uid": point.get("uid", ""),
        "name": point["name"],
        "type": point["type"],
        "disableResolveMessage": bool(point.get("disableResolveMessage", False)),
        "settings": settings,
        "secureSettings": {},
    }


def _results(answer: Any, chosen: list[dict[str, Any]]) -> list[IntegrationResult]:
    types = {c.get("uid", ""): c["type"] for c in chosen}
    results = []
    for receiver in (answer or {}).get("receivers", []):
        for item in receiver.get("grafana_managed_receiver_configs", []):
            ok = item.get("status") == "ok"
            uid = item.get("uid", "")
            results.append(
                IntegrationResult(
                    contact_point=receiver.get("name", ""),
                    uid=uid,
                    type=types.get(uid, ""),
                    status="delivered" if ok else "failed",
                    error="" if ok else str(item.get("error") or item.get("status")),
                )
            )
    for result in results:
        log.info("%s %s: %s", result.contact_point, result.uid, result.status)
    return results


def _unusable(config: ClientConfig, error: ApiError) -> PushError:
    if error.status == 401:
        return PushError(
            f"Grafana at {config.url} refused the credentials "
            f"(401 {error.grafana_message})"
        )
    return PushError(f"cannot test contact points at {config.url}: {error}")
