"""Waiting for a freshly started Grafana to answer ``GET /api/health``."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from mt5dash.errors import DeployError

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 2.0


def wait_for_health(
    url: str,
    *,
    ca_cert: str | None,
    timeout_s: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """Poll ``<url>/api/health`` until it answers 200 with ``database: ok``.

    Returns the Grafana version it reports. ``ca_cert`` is a PEM file to trust
    instead of the system's authorities (a self-signed certificate).
    """
    from grafana_client import GrafanaApi
    from grafana_client.client import GrafanaException

    api = GrafanaApi.from_url(url, timeout=5.0)
    if ca_cert:
        api.client.verify = ca_cert
    deadline = clock() + timeout_s
    last = "no answer yet"

    while True:
        try:
            health = api.client.GET("/health")
            if health.get("database") == "ok":
                return str(health.get("version") or "version hidden")
            last = f"database is {health.get('database')!r}"
        except GrafanaException as exc:
            last = f"HTTP {exc.status_code}: {exc.message}"
        except OSError as exc:
            last = type(exc).__name__
        if clock() >= deadline:
            raise DeployError(
                f"Grafana at {url} did not report healthy within {timeout_s:g} s "
                f"(last: {last})"
            )
        log.debug("waiting for %s/api/health: %s", url, last)
        sleep(POLL_INTERVAL_S)
