"""Fixtures: raw HTTP and a grafana-client API bound to the Grafana under test."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from mt5dash.testing import FakeGrafana
from mt5dash.testing._target import GrafanaTarget

ADMIN = "admin"
Caller = Callable[..., tuple[int, Any]]


def call(
    url: str,
    method: str,
    path: str,
    auth: Any = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """Send one request; return the status and the JSON body (None when empty)."""
    request = urllib.request.Request(url + path, method=method)
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    if isinstance(auth, tuple):
        pair = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {pair}")
    elif isinstance(auth, str):
        request.add_header("Authorization", f"Bearer {auth}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, _decode(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _decode(error.read())


def _decode(raw: bytes) -> Any:
    return json.loads(raw) if raw else None


@pytest.fixture
def http(grafana: GrafanaTarget) -> Caller:
    """``http(method, path, body=None, auth=ADMIN, headers=None)`` on the Grafana.

    ``auth`` is ADMIN (the fixture's admin credentials), None, a token string
    or a ``(user, password)`` tuple.
    """

    def send(
        method: str,
        path: str,
        body: Any = None,
        auth: Any = ADMIN,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        chosen = grafana.auth if auth == ADMIN else auth
        return call(grafana.url, method, path, chosen, body, headers)

    return send


@pytest.fixture
def raw_call() -> Callable[..., tuple[int, Any]]:
    """``call(url, method, path, auth=None, body=None, headers=None)`` itself."""
    return call


@pytest.fixture
def fake_http(fake_grafana: FakeGrafana) -> Caller:
    """Like ``http``, on the ``fake_grafana`` fixture's fake."""
    admin = (fake_grafana.admin_user, fake_grafana.admin_password)

    def send(
        method: str,
        path: str,
        body: Any = None,
        auth: Any = ADMIN,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        chosen = admin if auth == ADMIN else auth
        return call(fake_grafana.url, method, path, chosen, body, headers)

    return send


@pytest.fixture
def api(grafana: GrafanaTarget) -> Any:
    """A ``grafana_client.GrafanaApi`` with admin rights on the Grafana under test."""
    return grafana.api()
